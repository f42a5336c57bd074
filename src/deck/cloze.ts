/** Anki's cloze syntax: `{{c1::hidden}}` or `{{c1::hidden::hint}}`. */
const CLOZE_RE = /\{\{c(\d+)::([\s\S]*?)(?:::([\s\S]*?))?\}\}/g;

/** The distinct deletion numbers in a cloze text, ascending. */
export function clozeNumbers(text: string): number[] {
  const set = new Set<number>();
  for (const m of text.matchAll(CLOZE_RE)) set.add(Number(m[1]));
  return [...set].sort((a, b) => a - b);
}

/** Problems with a cloze text's syntax, as sentences; empty when it is well formed. */
export function validateCloze(text: string): string[] {
  const problems: string[] = [];
  const stripped = text.replace(CLOZE_RE, (_all, n: string, body: string) => {
    if (Number(n) < 1) problems.push(`deletion c${n} must be numbered from c1`);
    if (body.trim() === '') problems.push(`deletion c${n} is empty`);
    if (body.includes('{{')) problems.push(`deletion c${n} is nested in another`);
    return '';
  });
  if (/\{\{\s*c\d*/.test(stripped))
    problems.push('a deletion "{{c…" is not closed with "}}" or lacks "::"');
  else if (stripped.includes('}}')) problems.push('"}}" without an opening "{{cN::"');
  return problems;
}

/**
 * The text of cloze card `n`: its deletion hidden as `[...]` (or `[hint]`) on the front,
 * shown in bold on the back; the other deletions show their text.
 */
export function renderCloze(text: string, n: number, side: 'front' | 'back'): string {
  return text.replace(CLOZE_RE, (_all, num: string, body: string, hint: string | undefined) => {
    if (Number(num) !== n) return body;
    if (side === 'back') return `**${body}**`;
    return hint ? `[${hint}]` : '[...]';
  });
}
