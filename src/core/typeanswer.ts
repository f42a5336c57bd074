/**
 * A typed answer compared with the expected one, as Anki's `{{type:Back}}` compares them
 * (`rslib/src/typeanswer.rs`): both are split into runs of characters by a sequence
 * matcher (Ratcliff–Obershelp, as Python's difflib, which Anki's Rust port follows). On
 * the typed side a run is good (it matches), bad (typed, but wrong or extra), or missing
 * (a `_` for each expected character that was not typed: Anki writes `-`, which a
 * command's own dashes would hide); on the expected side it is good
 * or missing. Pure.
 */

export type DiffKind = 'good' | 'bad' | 'missing';

export interface DiffRun {
  kind: DiffKind;
  text: string;
}

export interface TypeDiff {
  /** The typed answer equals the expected one (case aside for `ci`). */
  correct: boolean;
  /** What was typed, run by run; a missing run is `_` once per character left out. */
  typed: DiffRun[];
  /** The expected answer, run by run: good or missing. */
  expected: DiffRun[];
}

/** A block of `size` equal items at `a` in the first sequence and `b` in the second. */
interface Match {
  a: number;
  b: number;
  size: number;
}

/** The longest block equal in `a[alo..ahi)` and `b[blo..bhi)`: the earliest in `a`, then in `b`. */
function longestMatch(
  a: readonly string[],
  b: readonly string[],
  alo: number,
  ahi: number,
  blo: number,
  bhi: number,
): Match {
  let best: Match = { a: alo, b: blo, size: 0 };
  // lengths[j]: the length of the run ending at a[i-1], b[j-1] (one row kept).
  let prev = new Map<number, number>();
  for (let i = alo; i < ahi; i++) {
    const row = new Map<number, number>();
    for (let j = blo; j < bhi; j++) {
      if (a[i] !== b[j]) continue;
      const k = (prev.get(j - 1) ?? 0) + 1;
      row.set(j, k);
      if (k > best.size) best = { a: i - k + 1, b: j - k + 1, size: k };
    }
    prev = row;
  }
  return best;
}

/** The blocks equal in both, in order, as difflib's `get_matching_blocks` finds them. */
export function matchingBlocks(a: readonly string[], b: readonly string[]): Match[] {
  const out: Match[] = [];
  const todo: [number, number, number, number][] = [[0, a.length, 0, b.length]];
  while (todo.length) {
    const [alo, ahi, blo, bhi] = todo.pop() as [number, number, number, number];
    const m = longestMatch(a, b, alo, ahi, blo, bhi);
    if (m.size === 0) continue;
    out.push(m);
    if (alo < m.a && blo < m.b) todo.push([alo, m.a, blo, m.b]);
    if (m.a + m.size < ahi && m.b + m.size < bhi) todo.push([m.a + m.size, ahi, m.b + m.size, bhi]);
  }
  out.sort((x, y) => x.a - y.a || x.b - y.b);
  return out;
}

function push(runs: DiffRun[], kind: DiffKind, text: string): void {
  if (text === '') return;
  const last = runs[runs.length - 1];
  if (last && last.kind === kind) last.text += text;
  else runs.push({ kind, text });
}

/**
 * Compares what was typed with what was expected, character by character (code points,
 * after Unicode NFC). The expected text is trimmed, as Anki trims it; the typed text is
 * taken as it is. `ci` compares without regard to case.
 */
export function compareTyped(typedText: string, expectedText: string, ci = false): TypeDiff {
  const typed = [...typedText.normalize('NFC')];
  const expected = [...expectedText.normalize('NFC').trim()];
  const key = (c: string) => (ci ? c.toLowerCase() : c);
  const a = typed.map(key);
  const b = expected.map(key);
  const correct = a.length === b.length && a.every((c, i) => c === b[i]);
  const out: TypeDiff = { correct, typed: [], expected: [] };
  if (correct) {
    push(out.expected, 'good', expected.join(''));
    push(out.typed, 'good', typed.join(''));
    return out;
  }
  let i = 0;
  let j = 0;
  for (const m of [...matchingBlocks(a, b), { a: a.length, b: b.length, size: 0 }]) {
    const wrong = typed.slice(i, m.a).join('');
    const left = expected.slice(j, m.b).join('');
    // Anki's opcodes: delete (typed only) and replace are bad typing; insert and replace
    // leave expected text missing, shown on the typed side as one `_` a character.
    push(out.typed, 'bad', wrong);
    if (wrong === '' && left !== '') push(out.typed, 'missing', '_'.repeat(m.b - j));
    push(out.expected, 'missing', left);
    push(out.typed, 'good', typed.slice(m.a, m.a + m.size).join(''));
    push(out.expected, 'good', expected.slice(m.b, m.b + m.size).join(''));
    i = m.a + m.size;
    j = m.b + m.size;
  }
  return out;
}
