/**
 * A card's scheduling as Anki stores it: day numbers counted from the collection's
 * creation, learning steps, the FSRS memory state in `cards.data`. Pure.
 */
import type { CollectionEvent } from '../../core/model.js';
import { type SchedState } from '../../core/scheduler.js';
import type { Settings } from '../../core/settings.js';
import {
  daysBetween,
  endOfStudyDay,
  studyDay,
  studyDayStart,
  type DayClock,
} from '../../core/time.js';
import { type ExportSource } from '../notes.js';
import { STATE_CODE, type StateColumns } from '../../core/logrows.js';
import { CARD_TYPE, type CardRow, QUEUE, STARTING_EASE } from './rows.js';

export const secs = (ms: number) => Math.floor(ms / 1000);
const round = (x: number, places: number) => {
  const f = 10 ** places;
  return Math.round(x * f) / f;
};

/**
 * The collection's creation time, `crt`: the start (rollover hour, local time) of the
 * study day of the first thing the collection saw, so every export of a collection has
 * the same `crt`. Review cards' `due` counts study days from it.
 */
export function creationTime(
  cards: ExportSource['allCards'],
  events: readonly CollectionEvent[],
  clock: DayClock,
  now: Date,
  firstAnswer = Infinity,
): Date {
  let first = Math.min(now.getTime(), firstAnswer);
  for (const { rec } of cards) {
    const t = Date.parse(rec.mod);
    if (t < first) first = t;
  }
  for (const e of events) {
    if (e.type !== 'answer') continue;
    const t = Date.parse(e.at);
    if (t < first) first = t;
  }
  return studyDayStart(studyDay(new Date(first), clock), clock);
}

/** Learning steps in minutes (`1m`, `10m`, `1h`, `1d`). */
export function stepMinutes(steps: readonly string[]): number[] {
  return steps.map((s) => {
    const n = parseInt(s, 10);
    const unit = s.slice(-1);
    return unit === 'd' ? n * 1440 : unit === 'h' ? n * 60 : n;
  });
}

/** What counts Anki's day numbers: see `dayNumber`. */
export interface DayCount {
  crtDay: string;
  clock: DayClock;
  /** Day numbers (study days since `crt`) by quarter hour. */
  days: Map<number, number>;
}

export interface Timing extends DayCount {
  settings: Settings;
  learnSteps: number[];
  relearnSteps: number[];
  intervalModifier: number;
}

const QUARTER_HOUR = 900_000;

/**
 * The Anki day number (study days since `crt`) of an instant. Time-zone offsets and
 * their changes fall on quarter hours, so a study day always begins on a UTC quarter
 * hour: the day is looked up once per quarter hour, not once per review.
 */
function dayNumber(t: DayCount, ms: number): number {
  const q = Math.floor(ms / QUARTER_HOUR);
  let n = t.days.get(q);
  if (n === undefined) {
    n = daysBetween(t.crtDay, studyDay(new Date(q * QUARTER_HOUR), t.clock));
    t.days.set(q, n);
  }
  return n;
}

/** Is a learning step due on a later study day than the answer that set it? */
function interday(t: Timing, s: SchedState): boolean {
  if (!s.lastReview || !s.due) return false;
  return dayNumber(t, Date.parse(s.due)) > dayNumber(t, Date.parse(s.lastReview));
}

/**
 * A state's interval as the review log writes it: days when positive (reviews, and
 * learning steps that cross a day), seconds when negative (steps within a day), 0 new.
 */
export function logInterval(t: DayCount, c: StateColumns, i: number): number {
  const state = c.state[i];
  if (state === STATE_CODE.new) return 0;
  if (state === STATE_CODE.review) return Math.max(1, c.days[i] as number);
  const due = c.due[i] as number;
  const last = c.last[i] as number;
  if (Number.isNaN(due) || Number.isNaN(last)) return 0;
  const days = dayNumber(t, due) - dayNumber(t, last);
  if (days > 0) return days;
  return -Math.max(0, Math.round((due - last) / 1000));
}

/**
 * `left` of a (re)learning card: steps still to do, plus a thousand times those that fit
 * before the day's cutoff (counted from the answer, as Anki's v2 scheduler does).
 */
function learningLeft(t: Timing, s: SchedState): number {
  const steps = s.state === 'relearning' ? t.relearnSteps : t.learnSteps;
  if (steps.length === 0) return 1001;
  const remaining = Math.min(steps.length, Math.max(1, steps.length - s.step));
  const from = Date.parse(s.lastReview ?? s.due ?? '');
  if (!Number.isFinite(from)) return remaining * 1001;
  const cutoff = endOfStudyDay(new Date(from), t.clock).getTime();
  let at = from;
  let ok = 0;
  const rest = steps.slice(steps.length - remaining);
  for (let i = 0; i < rest.length; i++) {
    at += (rest[i] ?? 0) * 60_000;
    if (at > cutoff) break;
    ok = i;
  }
  return remaining + 1000 * (ok + 1);
}

/** FSRS difficulty (1–10) as the review log's `factor`: ((d − 1) / 9 + 0.1) × 1000. */
export function difficultyFactor(d: number): number {
  return Math.round(((d - 1) / 9 + 0.1) * 1000);
}

/** The FSRS memory state for `cards.data`: stability, difficulty, desired retention, last review. */
export function memoryData(s: SchedState, desiredRetention: number): string {
  if (s.state === 'new' || !s.lastReview || !(s.stability > 0)) return '';
  return JSON.stringify({
    s: round(s.stability, 3),
    d: round(s.difficulty, 3),
    dr: round(desiredRetention, 2),
    lrt: secs(Date.parse(s.lastReview)),
  });
}

type Sched = Pick<
  CardRow,
  'type' | 'queue' | 'due' | 'ivl' | 'factor' | 'reps' | 'lapses' | 'left' | 'data'
>;

/** A card as new, at its place in the plan. */
export function asNew(position: number, suspended: boolean): Sched {
  return {
    type: CARD_TYPE.new,
    queue: suspended ? QUEUE.suspended : QUEUE.new,
    due: position,
    ivl: 0,
    factor: 0,
    reps: 0,
    lapses: 0,
    left: 0,
    data: '',
  };
}

/** A card's scheduling columns from its FSRS state. */
export function scheduling(t: Timing, s: SchedState, suspended: boolean, position: number): Sched {
  if (s.state === 'new' || !s.due) return asNew(position, suspended);
  const due = Date.parse(s.due);
  const common = {
    factor: STARTING_EASE,
    reps: s.reps,
    lapses: s.lapses,
    data: memoryData(s, t.settings.desiredRetention),
  };
  let row: Sched;
  if (s.state === 'review') {
    row = {
      ...common,
      type: CARD_TYPE.review,
      queue: QUEUE.review,
      due: dayNumber(t, due),
      ivl: Math.max(1, s.scheduledDays),
      left: 0,
    };
  } else {
    const later = interday(t, s);
    row = {
      ...common,
      type: s.state === 'learning' ? CARD_TYPE.learning : CARD_TYPE.relearning,
      queue: later ? QUEUE.dayLearning : QUEUE.learning,
      due: later ? dayNumber(t, due) : secs(due),
      // A relearning card carries the interval it returns to review with.
      ivl:
        s.state === 'relearning'
          ? Math.min(
              t.settings.maximumInterval,
              Math.max(1, Math.round(s.stability * t.intervalModifier)),
            )
          : 0,
      left: learningLeft(t, s),
    };
  }
  if (suspended) row.queue = QUEUE.suspended;
  return row;
}
