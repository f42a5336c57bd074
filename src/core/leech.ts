/**
 * Leeches, as Anki finds them: a card that keeps being forgotten. When a lapse brings
 * its lapse count to the threshold, and again every half threshold after that, it is
 * tagged a leech and suspended, so the time goes to rewriting it rather than failing it.
 */
import type { SchedState } from './scheduler.js';

/** Does this answer (state before and after) make the card a leech? A threshold of 0 is off. */
export function becomesLeech(before: SchedState, after: SchedState, threshold: number): boolean {
  if (threshold <= 0 || after.lapses <= before.lapses) return false;
  const n = after.lapses;
  return n >= threshold && (n - threshold) % Math.max(1, Math.floor(threshold / 2)) === 0;
}
