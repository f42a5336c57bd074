/**
 * Anki's "Set due date" (`rslib/src/scheduler/reviews.rs`): `0` is today, `3` in three
 * days, `1-7` a day drawn in that range; a `!` after it also sets the interval to the
 * days until the new due date. A card studied before becomes a review card due that
 * study day, at the time of day it is set; its memory state stays. A review card keeps
 * its interval unless `!` is given; a learning card gets the days until it is due. Pure.
 */
import { textHash } from '../deck/cards.js';
import type { SchedState } from './scheduler.js';
import { addDays, DAY, studyDay, studyDayStart, type DayClock } from './time.js';

export interface DueSpec {
  from: number;
  to: number;
  /** `!`: the interval becomes the days until the due date. */
  setInterval: boolean;
}

/** Reads `0`, `3`, `1-7`, `3!`, `1-7!`; null when it is none of them. */
export function parseDueSpec(text: string): DueSpec | null {
  const m = /^(\d{1,5})(?:-(\d{1,5}))?(!)?$/.exec(text.trim());
  if (!m) return null;
  const from = Number(m[1]);
  const to = m[2] === undefined ? from : Number(m[2]);
  if (to < from || to > 36500) return null;
  return { from, to, setInterval: m[3] === '!' };
}

/** The days from today for a card: drawn in the range, the same for the same card and instant. */
export function dueDays(spec: DueSpec, cardId: string, now: Date): number {
  if (spec.from === spec.to) return spec.from;
  const r =
    parseInt(textHash('set-due', cardId, now.toISOString()).slice(0, 8), 16) / 0x1_0000_0000;
  return spec.from + Math.floor(r * (spec.to - spec.from + 1));
}

/**
 * The card's state once set due `days` study days from now (0: today). Null for a new
 * card: it has no memory state for FSRS to go on (study it once, or leave it to the
 * queue).
 */
export function setDueState(
  s: SchedState,
  days: number,
  setInterval: boolean,
  now: Date,
  clock: DayClock,
): SchedState | null {
  if (s.state === 'new') return null;
  const today = studyDay(now, clock);
  // The same time of day as now, `days` study days on (now itself for today).
  const into = now.getTime() - studyDayStart(today, clock).getTime();
  const due =
    days === 0
      ? now
      : new Date(studyDayStart(addDays(today, days), clock).getTime() + Math.min(into, DAY - 1));
  const interval =
    setInterval || s.state !== 'review' ? Math.max(1, days) : Math.max(1, s.scheduledDays);
  return { ...s, state: 'review', step: 0, due: due.toISOString(), scheduledDays: interval };
}
