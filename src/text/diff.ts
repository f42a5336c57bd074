/**
 * A short diff of two texts, word by word, as `git diff --word-diff` writes it:
 * `[-removed-]{+added+}`, the words in common as they are. Readable without colour.
 */
import { matchingBlocks } from '../core/typeanswer.js';

export function wordDiff(before: string, after: string): string {
  const a = before.split(/(\s+)/).filter((t) => t !== '');
  const b = after.split(/(\s+)/).filter((t) => t !== '');
  let out = '';
  let i = 0;
  let j = 0;
  for (const m of [...matchingBlocks(a, b), { a: a.length, b: b.length, size: 0 }]) {
    const gone = a.slice(i, m.a).join('');
    const come = b.slice(j, m.b).join('');
    // The space before a change is kept outside its marks, as after it.
    const lead = (t: string) => (/^\s/.test(t) ? ' ' : '');
    if (gone.trim())
      out += `${lead(gone)}[-${gone.trim()}-]${/\s$/.test(gone) && !come ? ' ' : ''}`;
    else out += gone;
    if (come.trim())
      out += `${gone ? '' : lead(come)}{+${come.trim()}+}${/\s$/.test(come) ? ' ' : ''}`;
    else if (gone.trim()) out += come;
    out += a.slice(m.a, m.a + m.size).join('');
    i = m.a + m.size;
    j = m.b + m.size;
  }
  return out;
}

/**
 * The changed part of a diff, with a few words of context either side: at most
 * `lines` lines, `…` where it was cut.
 */
export function shortDiff(before: string, after: string, lines = 4): string[] {
  if (before === after) return [];
  const d = wordDiff(before, after).split('\n');
  const changed = d.map((l) => /\[-|\{\+/.test(l));
  const out: string[] = [];
  d.forEach((l, k) => {
    if (changed[k] || changed[k - 1] === true || changed[k + 1] === true) out.push(l);
  });
  return out.length > lines ? [...out.slice(0, lines), '…'] : out;
}
