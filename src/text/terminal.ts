/**
 * Text bound for a terminal (or a pipe that may end in one): card text comes from deck
 * files anyone can write, so no control character of it may reach the terminal raw,
 * where an escape sequence could clear the screen, retitle the window or worse.
 * Used by every command that prints card or deck text, and by the Ink screens.
 */

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * Replaces control characters (C0 but newline and tab, DEL, C1) with visible symbols
 * (␛ for ESC, ␀ for NUL, …), and tabs with four spaces.
 */
export function sanitize(text: string): string {
  return text
    .replace(CONTROL, (ch) => {
      const c = ch.charCodeAt(0);
      if (c < 0x20) return String.fromCharCode(0x2400 + c);
      if (c === 0x7f) return '\u2421'; // ␡
      return '\ufffd';
    })
    .replace(/\t/g, '    ');
}

/**
 * JSON.stringify for output. JSON escapes C0 control characters itself; DEL, the C1
 * controls (U+0080–U+009F, which some terminals obey) and the line and paragraph
 * separators are escaped here as well, so the text is the same once parsed and no
 * character of it acts on a terminal.
 */
export function toJson(
  value: unknown,
  replacer?: (key: string, value: unknown) => unknown,
): string {
  return JSON.stringify(value, replacer).replace(
    /[\u007f-\u009f\u2028\u2029]/g,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
