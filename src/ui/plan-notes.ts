/**
 * Lines the stats screen adds for the work ahead: what the load balancer does to the due
 * forecast, and how the last plan's prediction compares with what happened. Pure: text
 * from the figures.
 */
import type { Forecast } from '../core/stats.js';

const one = (x: number) => (Math.round(x * 10) / 10).toFixed(1);

/** The load balancer's effect on the forecast, or null when it is off or moved nothing. */
export function balanceNote(f: Forecast): string | null {
  const u = f.unbalanced;
  if (!u || u.moved === 0) return null;
  return `Load balanced: the load changes by ${one(f.spread)} cards from one day to the next, ${one(u.spread)} without the balancer (${u.moved} cards moved).`;
}
