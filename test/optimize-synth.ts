/**
 * A synthetic review log from known FSRS parameters: a learner whose memory follows
 * `TRUE_WEIGHTS` studies with the default scheduler; each review is recalled with the
 * probability the true parameters give. The optimiser should recover parameters that
 * predict these outcomes better than the defaults do.
 */
import type { AnswerEvent } from '../src/core/model.js';
import { seededRandom } from './helpers.js';
import {
  answer,
  NEW_STATE,
  ratingValue,
  retrievability,
  type RatingName,
  type SchedState,
} from '../src/core/scheduler.js';
import { DEFAULT_SETTINGS, type Settings } from '../src/core/settings.js';
import { DAY, MINUTE, studyDay, type DayClock } from '../src/core/time.js';

/** A learner who remembers far longer than the defaults assume, and forgets more after lapses. */
export const TRUE_WEIGHTS = [
  1.2, 4.5, 9.0, 25.0, 6.0, 0.6, 2.2, 0.01, 2.4, 0.08, 1.1, 1.2, 0.08, 0.3, 1.4, 0.4, 2.0, 0.5, 0.1,
  0.06, 0.25,
];

const CLOCK: DayClock = { timeZone: 'UTC', rolloverHour: 4 };

export interface SynthOptions {
  cards: number;
  /** New cards introduced a day. */
  perDay: number;
  /** Days simulated. */
  days: number;
  seed?: number;
  start?: string;
  /** The scheduler's settings (what the learner used); defaults otherwise. */
  settings?: Settings;
}

/** Answer events (with sequence numbers from 1) for a simulated learner. */
export function syntheticLog(o: SynthOptions): AnswerEvent[] {
  const rand = seededRandom(o.seed ?? 7);
  const settings = o.settings ?? { ...DEFAULT_SETTINGS, fuzz: false };
  const truth: Settings = { ...settings, weights: TRUE_WEIGHTS, fuzz: false };
  const t0 = Date.parse(o.start ?? '2026-01-05T09:00:00Z');
  const end = t0 + o.days * DAY;
  type Sim = { id: string; sched: SchedState; mem: SchedState; next: number };
  const sims: Sim[] = [];
  for (let i = 0; i < o.cards; i++) {
    const day = Math.floor(i / o.perDay);
    sims.push({
      id: `c${i}`,
      sched: { ...NEW_STATE },
      mem: { ...NEW_STATE },
      next: t0 + day * DAY + (i % o.perDay) * MINUTE,
    });
  }
  const events: AnswerEvent[] = [];
  for (;;) {
    let best: Sim | null = null;
    for (const s of sims) if (s.next < end && (!best || s.next < best.next)) best = s;
    if (!best) break;
    const now = new Date(best.next);
    const s = best.sched;
    let rating: RatingName;
    if (s.state === 'new') {
      const x = rand();
      rating = x < 0.15 ? 'again' : x < 0.25 ? 'hard' : x < 0.9 ? 'good' : 'easy';
    } else if (s.state === 'review') {
      const r = retrievability(best.mem, now, truth, CLOCK) ?? 0;
      const x = rand();
      rating = rand() >= r ? 'again' : x < 0.1 ? 'hard' : x < 0.9 ? 'good' : 'easy';
    } else {
      rating = 'good';
    }
    const after = answer(s, now, rating, settings, CLOCK);
    events.push({
      seq: events.length + 1,
      type: 'answer',
      at: now.toISOString(),
      card: best.id,
      rating: ratingValue(rating),
      ms: 5000,
      day: studyDay(now, CLOCK),
      tz: CLOCK.timeZone,
      rollover: CLOCK.rolloverHour,
      before: s,
      after,
    });
    best.mem = answer(best.mem, now, rating, truth, CLOCK);
    best.sched = after;
    // Every card is answered when it falls due.
    best.next = Date.parse(after.due ?? '');
  }
  return events;
}
