/**
 * Markdown rules that the review screen and the Anki export share.
 */

/** A line ending in two spaces or a backslash keeps its break (Markdown's hard break). */
export const HARD_BREAK = /( {2,}|\\)$/;

/**
 * The lines of a paragraph or a list item as one text: as in Markdown, a single line
 * break is a space (sources are wrapped at some width, the terminal wraps them at its
 * own); a hard break is kept as a newline.
 */
export function joinLines(lines: readonly string[]): string {
  let out = '';
  lines.forEach((raw, i) => {
    const last = i === lines.length - 1;
    const hard = !last && HARD_BREAK.test(raw);
    out += hard ? raw.trim().replace(/\\$/, '') : raw.trim();
    if (!last) out += hard ? '\n' : ' ';
  });
  return out;
}
