/**
 * Scheduling with FSRS (ts-fsrs). Every instant handed to ts-fsrs is first moved to the
 * study clock (see time.ts), so its day counting follows study days, not UTC midnight.
 * Pure: takes `now` and the clock, returns values.
 */
import {
  BasicLearningStepsStrategy,
  ConvertStepUnitToMinutes,
  FSRS,
  FSRSAlgorithm,
  generatorParameters,
  get_fuzz_range,
  Rating,
  State,
  StrategyMode,
  type AbstractScheduler,
  type Card as FsrsCard,
  type Grade,
  type int,
  type StepUnit,
  type TLearningStepsStrategy,
} from 'ts-fsrs';
import {
  balancedInterval,
  fuzzFactor,
  MAX_LOAD_BALANCE_INTERVAL,
  type LoadView,
} from './loadbalance.js';
import type { Settings } from './settings.js';
import {
  addDays,
  DAY,
  daysBetween,
  formatInterval,
  fromStudyClock,
  isoDate,
  isoTime,
  studyDay,
  studyDayNumber,
  toStudyClock,
  type DayClock,
} from './time.js';

export type CardStateName = 'new' | 'learning' | 'review' | 'relearning';

/** A card's scheduling state as stored: instants are ISO strings (UTC). */
export interface SchedState {
  state: CardStateName;
  /** When it is next due; null for a new card. */
  due: string | null;
  stability: number;
  difficulty: number;
  reps: number;
  lapses: number;
  /** Index of the current (re)learning step. */
  step: number;
  scheduledDays: number;
  lastReview: string | null;
}

export type RatingName = 'again' | 'hard' | 'good' | 'easy';
export const RATINGS: readonly RatingName[] = ['again', 'hard', 'good', 'easy'];
/** Ratings as Anki numbers them: 1 Again, 2 Hard, 3 Good, 4 Easy. */
export type RatingValue = 1 | 2 | 3 | 4;

export function ratingValue(name: RatingName): RatingValue {
  return (RATINGS.indexOf(name) + 1) as RatingValue;
}
export function ratingName(v: RatingValue): RatingName {
  return RATINGS[v - 1] as RatingName;
}

export const NEW_STATE: SchedState = {
  state: 'new',
  due: null,
  stability: 0,
  difficulty: 0,
  reps: 0,
  lapses: 0,
  step: 0,
  scheduledDays: 0,
  lastReview: null,
};

const STATE_NAMES: Record<State, CardStateName> = {
  [State.New]: 'new',
  [State.Learning]: 'learning',
  [State.Review]: 'review',
  [State.Relearning]: 'relearning',
};
const STATE_ENUM: Record<CardStateName, State> = {
  new: State.New,
  learning: State.Learning,
  review: State.Review,
  relearning: State.Relearning,
};

/**
 * ts-fsrs's scheduler with its fuzz drawn once per answer. ts-fsrs makes a generator
 * from the answer's seed for each interval it fuzzes (three for a review card) and takes
 * its first number: the same number each time, computed here once (`fuzzFactor`, the
 * same generator) and kept while the seed stays. The intervals are ts-fsrs's own.
 */
class Scheduler extends FSRS {
  private fuzzSeed: string | undefined = undefined;
  private fuzzValue = 0;

  override apply_fuzz(ivl: number, elapsed_days: number): int {
    const p = this.parameters;
    if (!p.enable_fuzz || ivl < 2.5) return Math.round(ivl) as int;
    const seed = this._seed ?? '';
    if (seed !== this.fuzzSeed) {
      this.fuzzSeed = seed;
      this.fuzzValue = fuzzFactor(seed);
    }
    const { min_ivl, max_ivl } = get_fuzz_range(ivl, elapsed_days, p.maximum_interval);
    return Math.floor(this.fuzzValue * (max_ivl - min_ivl + 1) + min_ivl) as int;
  }
}

const cache = new Map<string, FSRS>();
/** The last settings asked for, and their key: a replay asks with the same ones a million times. */
let last: { s: Settings; fields: unknown[]; f: FSRS } | null = null;

const schedulingFields = (s: Settings): unknown[] => [
  s.desiredRetention,
  s.learningSteps,
  s.relearningSteps,
  s.maximumInterval,
  s.fuzz,
  s.weights,
];

/** The same values (arrays element by element, one level down). */
function sameFields(a: readonly unknown[], b: readonly unknown[]): boolean {
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (!Array.isArray(x) || !Array.isArray(y) || x.length !== y.length) return false;
    for (let k = 0; k < x.length; k++) if (x[k] !== y[k]) return false;
  }
  return true;
}

/** The ts-fsrs scheduler for these settings (cached). */
export function scheduler(s: Settings): FSRS {
  const fields = schedulingFields(s);
  if (last && last.s === s && sameFields(last.fields, fields)) return last.f;
  const key = JSON.stringify(fields);
  let f = cache.get(key);
  if (!f) {
    f = new Scheduler(
      generatorParameters({
        request_retention: s.desiredRetention,
        maximum_interval: s.maximumInterval,
        enable_fuzz: s.fuzz,
        enable_short_term: true,
        learning_steps: s.learningSteps as StepUnit[],
        relearning_steps: s.relearningSteps as StepUnit[],
        ...(s.weights ? { w: s.weights } : {}),
      }),
    )
      .useStrategy(StrategyMode.SEED, fuzzSeed)
      .useStrategy(StrategyMode.LEARNING_STEPS, ankiSteps);
    cache.set(key, f);
  }
  // Copies, so that a change made to the settings in place is seen.
  last = { s, fields: fields.map((v) => (Array.isArray(v) ? [...v] : v)), f };
  return f;
}

/**
 * Learning steps as Anki takes them (`rslib/src/scheduler/states/steps.rs`): Hard on a
 * later step repeats that step's delay (ts-fsrs would average the first two steps on
 * every step), and Hard on a lone step is half as long again, but at most a day more.
 * Only the delay changes: stability and difficulty are FSRS's as ever.
 */
const ankiSteps: TLearningStepsStrategy = (params, state, step) => {
  const out = BasicLearningStepsStrategy(params, state, step);
  const hard = out[Rating.Hard];
  if (!hard || state === State.Review) return out;
  const steps = state === State.Relearning ? params.relearning_steps : params.learning_steps;
  const current = steps[step];
  if (step > 0 && current !== undefined) hard.scheduled_minutes = ConvertStepUnitToMinutes(current);
  else if (steps.length === 1 && current !== undefined) {
    const first = ConvertStepUnitToMinutes(current);
    hard.scheduled_minutes = Math.min(Math.round(first * 1.5), first + 1440);
  }
  return out;
};

/**
 * The fuzz seed: the card, its review count and the study day of the review. Fuzz is then
 * the same for a given card and review however many seconds pass between showing the
 * buttons and pressing one (ts-fsrs's default seeds from the exact instant).
 */
function fuzzSeed(this: AbstractScheduler): string {
  const self = this as unknown as { current: FsrsCard & { card_id?: string }; review_time: Date };
  return `${self.current.card_id ?? ''}_${self.current.reps}_${isoDate(self.review_time.getTime())}`;
}

/** Converts a stored state to a ts-fsrs card on the study clock. */
export function toFsrs(
  s: SchedState,
  now: Date,
  clock: DayClock,
  cardId = '',
): FsrsCard & { card_id: string } {
  return {
    card_id: cardId,
    due: toStudyClock(s.due ? new Date(s.due) : now, clock),
    stability: s.stability,
    difficulty: s.difficulty,
    elapsed_days: 0,
    scheduled_days: s.scheduledDays,
    learning_steps: s.step,
    reps: s.reps,
    lapses: s.lapses,
    state: STATE_ENUM[s.state],
    // Always the same keys: ts-fsrs copies the card several times an answer.
    last_review: s.lastReview ? toStudyClock(new Date(s.lastReview), clock) : undefined,
  };
}

function fromFsrs(c: FsrsCard, now: Date, clock: DayClock, settings: Settings): SchedState {
  const maxInterval = settings.maximumInterval;
  let due = c.due.getTime();
  let scheduledDays = c.scheduled_days;
  if ((c.state === State.Review || c.state === State.Relearning) && scheduledDays > maxInterval) {
    // ts-fsrs can return max+1 and max+2 for Good and Easy at the cap.
    due -= (scheduledDays - maxInterval) * DAY;
    scheduledDays = maxInterval;
  }
  // Interview cap: a card answered before the eve of the interview is due again by the eve.
  const cap = interviewCapDay(settings);
  if (cap) {
    const dueDay = isoDate(due);
    if (studyDay(now, clock) < cap && dueDay > cap) {
      const over = daysBetween(cap, dueDay);
      due -= over * DAY;
      scheduledDays = Math.max(1, scheduledDays - over);
    }
  }
  return {
    state: STATE_NAMES[c.state],
    due: isoTime(fromStudyClock(new Date(due), clock).getTime()),
    stability: c.stability,
    difficulty: c.difficulty,
    reps: c.reps,
    lapses: c.lapses,
    step: c.learning_steps,
    scheduledDays,
    lastReview: isoTime(now.getTime()),
  };
}

export interface Preview {
  rating: RatingName;
  next: SchedState;
  /** Time until due, as a button label: "10m", "8d". */
  label: string;
}

export interface ScheduleOptions {
  /**
   * The daily load: with fuzz and the load balancer on, each review interval is picked
   * within its fuzz range to even it out (see loadbalance.ts). Without it, plain fuzz.
   */
  load?: LoadView | null;
  /**
   * Replaying a logged answer: the state it gave then. Its interval is kept while the
   * settings still allow it (it lies in the fuzz range the replay finds), whatever the
   * load was; otherwise the interval is fuzzed anew.
   */
  recorded?: SchedState | null;
}

/** The order in which ts-fsrs fuzzes a review card's intervals: hard, good, easy, then again. */
const REVIEW_CALL: Record<RatingName, number> = { hard: 0, good: 1, easy: 2, again: 3 };

/**
 * Runs `run` (a ts-fsrs call) with the intervals it fuzzes picked by the load balancer,
 * or kept as recorded. ts-fsrs fuzzes through its algorithm's `apply_fuzz`, once per
 * interval, in a fixed order (for a review card: hard, good, easy, and again when there
 * are no relearning steps); the cached scheduler gets its own `apply_fuzz` for the call.
 * A review card's good interval is at least hard's + 1 and easy's at least good's + 1,
 * as in Anki (ts-fsrs orders them after fuzzing; that order then holds already).
 */
function withIntervals<T>(
  f: FSRS,
  s: SchedState,
  now: Date,
  settings: Settings,
  clock: DayClock,
  cardId: string,
  rating: RatingName | null,
  opts: ScheduleOptions,
  run: () => T,
): T {
  const load = settings.fuzz && settings.loadBalance ? (opts.load ?? null) : null;
  const keep = settings.fuzz && rating && opts.recorded?.state === 'review' ? opts.recorded : null;
  if (!load && !keep) return run();
  const today = studyDay(now, clock);
  const cap = interviewCapDay(settings);
  const capDays = cap && today < cap ? daysBetween(today, cap) : null;
  const chained = s.state === 'review';
  const target = keep && rating ? (chained ? REVIEW_CALL[rating] : 0) : -1;
  const plain = FSRSAlgorithm.prototype.apply_fuzz;
  const self = f as unknown as {
    apply_fuzz?: (ivl: number, elapsed: number) => number;
    _seed?: string;
  };
  let call = 0;
  // The lowest and highest value the previous interval could have had (keep), or had (load).
  let prevLo = 0;
  let prevHi = 0;
  self.apply_fuzz = (ivl: number, elapsed: number): number => {
    const i = call++;
    const chain = chained && (i === 1 || i === 2);
    let lo: number;
    let hi: number;
    if (ivl < 2.5) lo = hi = Math.round(ivl);
    else ({ min_ivl: lo, max_ivl: hi } = get_fuzz_range(ivl, elapsed, settings.maximumInterval));
    const rangeLo = chain ? Math.max(lo, prevLo + 1) : lo;
    const rangeHi = chain ? Math.max(hi, prevHi + 1, rangeLo) : hi;
    let pick: number;
    if (keep) {
      const kept = keep.scheduledDays;
      if (i < target) pick = rangeLo;
      else if (i > target) pick = rangeHi;
      else if (kept >= rangeLo && kept <= rangeHi) pick = kept;
      // Cut to the interview's eve then: any interval past the eve is cut to it again.
      else if (capDays !== null && kept === capDays && rangeHi > capDays) pick = rangeHi;
      else pick = ivl < 2.5 ? rangeLo : Math.max(rangeLo, plain.call(f, ivl, elapsed));
      prevLo = rangeLo;
      prevHi = rangeHi;
      return pick;
    }
    const from = chain ? Math.max(lo, prevLo + 1) : lo;
    let to = Math.max(hi, from);
    if (capDays !== null && capDays >= from) to = Math.min(to, capDays);
    if (ivl < 2.5 || to === from) pick = from;
    else if (ivl > MAX_LOAD_BALANCE_INTERVAL || from > MAX_LOAD_BALANCE_INTERVAL)
      pick = Math.min(to, Math.max(from, plain.call(f, ivl, elapsed)));
    else
      pick =
        balancedInterval(
          from,
          to,
          today,
          load as LoadView,
          settings.easyDays,
          fuzzFactor(self._seed ?? ''),
        ) ?? Math.min(to, Math.max(from, plain.call(f, ivl, elapsed)));
    prevLo = prevHi = pick;
    return pick;
  };
  try {
    return run();
  } finally {
    delete self.apply_fuzz;
  }
}

/** What each rating would do to the card now: the four buttons' outcomes. */
export function preview(
  s: SchedState,
  now: Date,
  settings: Settings,
  clock: DayClock,
  cardId = '',
  opts: ScheduleOptions = {},
): Preview[] {
  const f = scheduler(settings);
  const shiftedNow = toStudyClock(now, clock);
  const rec = withIntervals(f, s, now, settings, clock, cardId, null, opts, () =>
    f.repeat(toFsrs(s, now, clock, cardId), shiftedNow),
  );
  return RATINGS.map((name, i) => {
    const next = fromFsrs(rec[(i + 1) as Grade].card, now, clock, settings);
    return { rating: name, next, label: intervalLabel(next, now) };
  });
}

/** The card's state after answering it with `rating` at `now`. Equals the preview. */
export function answer(
  s: SchedState,
  now: Date,
  rating: RatingName,
  settings: Settings,
  clock: DayClock,
  cardId = '',
  opts: ScheduleOptions = {},
): SchedState {
  const f = scheduler(settings);
  const item = withIntervals(f, s, now, settings, clock, cardId, rating, opts, () =>
    f.next(toFsrs(s, now, clock, cardId), toStudyClock(now, clock), ratingValue(rating) as Grade),
  );
  return fromFsrs(item.card, now, clock, settings);
}

/**
 * The last study day a review may fall on with an interview date set: the eve of the
 * interview. Intervals of cards answered before it are cut to end there. Null without a date.
 */
export function interviewCapDay(settings: Settings): string | null {
  return settings.interviewDate ? addDays(settings.interviewDate, -1) : null;
}

export function intervalLabel(next: SchedState, now: Date): string {
  if (next.state === 'review') return formatInterval(next.scheduledDays * DAY);
  return formatInterval(Date.parse(next.due ?? now.toISOString()) - now.getTime());
}

/** Probability of recall now (0–1); null for a new card. */
export function retrievability(
  s: SchedState,
  now: Date,
  settings: Settings,
  clock: DayClock,
): number | null {
  if (s.state === 'new' || !s.lastReview) return null;
  // Elapsed time in study days, as the scheduler counts it (ts-fsrs's own helper counts 24-hour periods).
  const elapsed = Math.max(
    0,
    studyDayNumber(now.getTime(), clock) - studyDayNumber(Date.parse(s.lastReview), clock),
  );
  return scheduler(settings).forgetting_curve(elapsed, s.stability);
}

export { Rating };

/** The fields of a stored scheduling state, in the order the collection writes them. */
export const SCHED_KEYS: readonly (keyof SchedState)[] = [
  'state',
  'due',
  'stability',
  'difficulty',
  'reps',
  'lapses',
  'step',
  'scheduledDays',
  'lastReview',
];

/** Are two scheduling states the same, field by field? */
export function sameSched(a: SchedState, b: SchedState): boolean {
  return (
    a.state === b.state &&
    a.due === b.due &&
    a.stability === b.stability &&
    a.difficulty === b.difficulty &&
    a.reps === b.reps &&
    a.lapses === b.lapses &&
    a.step === b.step &&
    a.scheduledDays === b.scheduledDays &&
    a.lastReview === b.lastReview
  );
}
