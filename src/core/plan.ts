/**
 * Planning the work up to the interview: for each desired retention and each number of
 * new cards a day, a simulation of the days ahead (simulate.ts) from today's collection
 * says how many reviews and minutes a day it takes, the work in all up to the day, and
 * the recall on the day; the cheapest setting that reaches a target recall within a
 * daily time budget is recommended. Pure: takes the state, the answers, `now` and the
 * clock.
 */
import type { AnswerEvent, CollectionState } from './model.js';
import type { StudyCard } from './queue.js';
import { scheduler } from './scheduler.js';
import { settingsForDeck, type Settings } from './settings.js';
import {
  DEFAULT_COSTS,
  DEFAULT_FIRST_RATING,
  DEFAULT_REVIEW_RATING,
  memoryModel,
  simulate,
  type AnswerCosts,
  type SimCard,
  type SimConfig,
  type SimPreset,
  type SimSummary,
} from './simulate.js';
import { addDays, daysBetween, studyDay, type DayClock } from './time.js';

/** The desired retentions a plan tries (and the current one). */
export const PLAN_RETENTIONS = [0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 0.97];
/** New cards a day a plan tries (and the current number), raised to what pacing needs. */
const PLAN_NEW = [5, 10, 15, 20, 30, 40, 60];
const MAX_NEW_OPTIONS = 6;
/** Days simulated without an interview date or --days. */
export const PLAN_DAYS = 30;
export const MAX_PLAN_DAYS = 365;
/** The seed of the first run; run k uses seed + k. */
export const PLAN_SEED = 20241;
/** Answers of a kind needed before their median time replaces the default. */
export const MIN_TIMED = 10;
/** Answers needed before the user's own rating shares replace the defaults. */
export const MIN_RATED = 50;

export interface PlanInput {
  state: CollectionState;
  /** The cards planned for (live ones; suspended cards are left out here). */
  cards: readonly StudyCard[];
  /** The log's answers, undone ones left out. */
  answers: readonly AnswerEvent[];
  now: Date;
  clock: DayClock;
  /** Plan one deck's settings (its own retention and new-card limit), or every deck's. */
  deck: string | null;
  /** Days to simulate; default: to the interview date, else 30. */
  days?: number | null;
  /** The recall wanted on the day (0–1). */
  target: number;
  /** The daily time budget, minutes; null for none. */
  minutes: number | null;
  /** Runs for each setting; default from the collection's size. */
  runs?: number;
  seed?: number;
}

export interface PlanOption {
  desiredRetention: number;
  newPerDay: number;
  result: SimSummary;
}

export interface Plan {
  today: string;
  /** Study days simulated. */
  days: number;
  /** The day recall is predicted for: the interview date, else the day after the last simulated. */
  readinessDay: string;
  interviewDate: string | null;
  /** Days from today to the readiness day: the totals and means cover these. */
  period: number;
  runs: number;
  seed: number;
  cards: number;
  unseen: number;
  /** Seconds an answer takes, by kind and rating; `own` says how many of the 12 are the user's medians. */
  costs: { seconds: AnswerCosts; own: number };
  ratings: { first: number[]; review: number[]; own: boolean };
  retentions: number[];
  newPerDay: number[];
  options: PlanOption[];
  current: PlanOption;
  recommended: PlanOption | null;
  /** With nothing that qualifies: the best recall within the budget (or overall). */
  closest: PlanOption | null;
  target: number;
  minutes: number | null;
}

/** The prediction kept with an applied plan, for `stats` to set beside what happened. */
export interface PlanRecord {
  /** The study day the plan was made. */
  day: string;
  deck: string | null;
  desiredRetention: number;
  newPerDay: number;
  readinessDay: string;
  /** Predicted recall on the readiness day. */
  readiness: number;
  minutesPerDay: number;
  reviewsPerDay: number;
  /** Predicted answers and minutes by day from `day`. */
  perDay: { reviews: number; newCards: number; minutes: number }[];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

const KIND = { new: 0, learning: 0, review: 1, relearning: 2 } as const;

/** The user's median answer times where there are enough answers of a kind; defaults elsewhere. */
export function answerCosts(answers: readonly AnswerEvent[]): {
  seconds: AnswerCosts;
  own: number;
} {
  const cells: number[][][] = [0, 1, 2].map(() => [[], [], [], []]);
  for (const a of answers) {
    if (a.cram || !(a.ms > 0)) continue;
    cells[KIND[a.before.state]]?.[a.rating - 1]?.push(a.ms / 1000);
  }
  let own = 0;
  const seconds = cells.map((row, k) =>
    row.map((xs, r) => {
      if (xs.length < MIN_TIMED) return (DEFAULT_COSTS[k] as number[])[r] as number;
      own++;
      return median(xs);
    }),
  ) as AnswerCosts;
  return { seconds, own };
}

/** The user's shares of first ratings and of Hard/Good/Easy on reviews, or the defaults. */
export function ratingShares(answers: readonly AnswerEvent[]): {
  first: number[];
  review: number[];
  own: boolean;
} {
  const first = [0, 0, 0, 0];
  const review = [0, 0, 0];
  for (const a of answers) {
    if (a.cram) continue;
    if (a.before.state === 'new') first[a.rating - 1] = (first[a.rating - 1] ?? 0) + 1;
    else if (a.before.state === 'review' && a.rating > 1)
      review[a.rating - 2] = (review[a.rating - 2] ?? 0) + 1;
  }
  const n = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const own = n(first) >= MIN_RATED && n(review) >= MIN_RATED;
  return own
    ? { first: first.map((x) => x / n(first)), review: review.map((x) => x / n(review)), own }
    : { first: [...DEFAULT_FIRST_RATING], review: [...DEFAULT_REVIEW_RATING], own };
}

/** Runs for each setting: fewer for large collections, so a plan stays quick. */
export function planRuns(cards: number): number {
  return Math.max(4, Math.min(12, Math.round((12 * 2000) / Math.max(1, cards))));
}

/** The simulation's starting point and, for each setting, its configuration. */
function baseConfig(input: PlanInput): {
  cfg: Omit<SimConfig, 'presets' | 'newPerDay'>;
  presetKey: (deck: string) => string;
  presetSettings: Map<string, Settings>;
  today: string;
  interview: string | null;
  period: number;
  days: number;
} {
  const { state, now, clock } = input;
  const s = state.settings;
  const today = studyDay(now, clock);
  const interview = s.interviewDate && s.interviewDate > today ? s.interviewDate : null;
  const untilInterview = interview ? daysBetween(today, interview) : null;
  const days = Math.min(
    MAX_PLAN_DAYS,
    Math.max(1, input.days ?? untilInterview ?? PLAN_DAYS, untilInterview ?? 0),
  );
  const period = untilInterview ?? days;
  const presetSettings = new Map<string, Settings>();
  const keyOf = new Map<string, string>();
  const presetKey = (deck: string) => {
    let k = keyOf.get(deck);
    if (k === undefined) {
      const own = s.deckSettings?.[deck];
      k = own && Object.keys(own).length ? `deck:${deck}` : '';
      keyOf.set(deck, k);
      presetSettings.set(k, settingsForDeck(s, deck));
    }
    return k;
  };
  const cards: SimCard[] = [];
  const sorted = [...input.cards].filter((sc) => !sc.rec.suspended);
  for (const { rec } of sorted) {
    const sc = rec.sched;
    const es = settingsForDeck(s, rec.deck);
    presetKey(rec.deck);
    const isNew = sc.state === 'new' || !sc.lastReview;
    cards.push({
      preset: 0,
      deck: rec.deck,
      isNew,
      stability: sc.stability,
      difficulty: sc.difficulty,
      last: isNew
        ? 0
        : Math.min(0, daysBetween(today, studyDay(new Date(sc.lastReview ?? ''), clock))),
      due:
        isNew || sc.state !== 'review' || !sc.due
          ? 0
          : daysBetween(today, studyDay(new Date(sc.due), clock)),
      scheduledWith: es.desiredRetention,
    });
  }
  const lead = interview ? addDays(interview, -s.interviewLeadDays) : null;
  const done = state.days[today];
  return {
    cfg: {
      cards,
      days,
      readinessDay: period,
      today,
      reviewsPerDay: s.reviewsPerDay,
      done: {
        new: done?.new ?? 0,
        review: done?.review ?? 0,
        deckNew: { ...(done?.deckNew ?? {}) },
        deckReview: { ...(done?.deckReview ?? {}) },
      },
      leadDay: lead ? Math.max(0, daysBetween(today, lead)) : null,
      capDay: interview ? daysBetween(today, interview) - 1 : null,
      fuzz: s.fuzz,
      loadBalance: s.loadBalance && s.fuzz,
      easyDays: s.easyDays,
      costs: answerCosts(input.answers).seconds,
      firstRating: ratingShares(input.answers).first,
      reviewRating: ratingShares(input.answers).review,
    },
    presetKey,
    presetSettings,
    today,
    interview,
    period,
    days,
  };
}

function preset(s: Settings, ownLimits: boolean): SimPreset {
  return {
    model: memoryModel(scheduler(s).parameters.w),
    desiredRetention: s.desiredRetention,
    maximumInterval: s.maximumInterval,
    learningSteps: s.learningSteps.length,
    relearningSteps: s.relearningSteps.length,
    newPerDay: ownLimits ? s.newPerDay : null,
    reviewsPerDay: ownLimits ? s.reviewsPerDay : null,
  };
}

/** The simulation of one setting: desired retention `r` and `n` new cards a day. */
function configFor(
  input: PlanInput,
  base: ReturnType<typeof baseConfig>,
  r: number,
  n: number,
): SimConfig {
  const s = input.state.settings;
  const keys = [...base.presetSettings.keys()];
  const presets = keys.map((k) => {
    const es = base.presetSettings.get(k) as Settings;
    const deck = k.startsWith('deck:') ? k.slice(5) : null;
    const own = deck ? (s.deckSettings?.[deck] ?? {}) : {};
    const planned = input.deck === null ? own.desiredRetention === undefined : deck === input.deck;
    const withR = planned ? { ...es, desiredRetention: r } : es;
    const ownNew = deck !== null && (own.newPerDay !== undefined || deck === input.deck);
    const ownReview = deck !== null && own.reviewsPerDay !== undefined;
    const p = preset(
      deck === input.deck && input.deck !== null ? { ...withR, newPerDay: n } : withR,
      ownNew || ownReview,
    );
    return {
      ...p,
      newPerDay: ownNew ? p.newPerDay : null,
      reviewsPerDay: ownReview ? p.reviewsPerDay : null,
    };
  });
  const index = new Map(keys.map((k, i) => [k, i]));
  const cards = base.cfg.cards.map((c) => ({
    ...c,
    preset: index.get(base.presetKey(c.deck)) ?? 0,
  }));
  return {
    ...base.cfg,
    cards,
    presets,
    newPerDay: input.deck === null ? n : s.newPerDay,
  };
}

/** The settings a plan varies, as they are now (for one deck, or for every deck). */
export function currentPlanSettings(
  state: CollectionState,
  deck: string | null,
): {
  desiredRetention: number;
  newPerDay: number;
} {
  const s = deck === null ? state.settings : settingsForDeck(state.settings, deck);
  return { desiredRetention: s.desiredRetention, newPerDay: s.newPerDay };
}

export function makePlan(input: PlanInput): Plan {
  const base = baseConfig(input);
  const cur = currentPlanSettings(input.state, input.deck);
  const cards = base.cfg.cards.length;
  const unseen = base.cfg.cards.filter((c) => c.isNew).length;
  const runs = input.runs ?? planRuns(cards);
  const seed = input.seed ?? PLAN_SEED;
  const retentions = [...new Set([...PLAN_RETENTIONS, cur.desiredRetention])].sort((a, b) => a - b);
  // Fewer new cards than pacing needs are raised to it: one option for all of them.
  const lead = base.cfg.leadDay;
  const needed = lead === null ? 0 : Math.ceil((unseen + base.cfg.done.new) / (lead + 1));
  const most = Math.max(unseen, cur.newPerDay, 1);
  let newPerDay =
    unseen === 0
      ? [cur.newPerDay]
      : [...new Set([cur.newPerDay, ...PLAN_NEW].map((v) => Math.max(v, needed)))]
          .filter((v) => v <= most || v === Math.max(cur.newPerDay, needed))
          .sort((a, b) => a - b);
  if (newPerDay.length > MAX_NEW_OPTIONS) {
    const keep = Math.max(cur.newPerDay, needed);
    const rest = newPerDay.filter((v) => v !== keep).slice(0, MAX_NEW_OPTIONS - 1);
    newPerDay = [...new Set([...rest, keep])].sort((a, b) => a - b);
  }
  const options: PlanOption[] = [];
  for (const r of retentions)
    for (const n of newPerDay)
      options.push({
        desiredRetention: r,
        newPerDay: n,
        result: simulate(configFor(input, base, r, n), runs, seed),
      });
  const curN = Math.max(cur.newPerDay, needed);
  const current =
    options.find((o) => o.desiredRetention === cur.desiredRetention && o.newPerDay === curN) ??
    (options[0] as PlanOption);
  const within = (o: PlanOption) => input.minutes === null || perDayMinutes(o) <= input.minutes;
  const ok = options.filter((o) => o.result.readiness.mean >= input.target && within(o));
  const cheapest = (xs: PlanOption[]) =>
    xs.reduce<PlanOption | null>(
      (best, o) =>
        best === null ||
        o.result.totalMinutes.mean < best.result.totalMinutes.mean - 1e-9 ||
        (Math.abs(o.result.totalMinutes.mean - best.result.totalMinutes.mean) <= 1e-9 &&
          o.result.readiness.mean > best.result.readiness.mean)
          ? o
          : best,
      null,
    );
  const recommended = cheapest(ok);
  const pool = options.filter(within);
  const closest = recommended
    ? null
    : (pool.length ? pool : options).reduce<PlanOption | null>(
        (best, o) =>
          best === null || o.result.readiness.mean > best.result.readiness.mean ? o : best,
        null,
      );
  return {
    today: base.today,
    days: base.days,
    readinessDay: addDays(base.today, base.period),
    interviewDate: base.interview,
    period: base.period,
    runs,
    seed,
    cards,
    unseen,
    costs: answerCosts(input.answers),
    ratings: ratingShares(input.answers),
    retentions,
    newPerDay,
    options,
    current,
    recommended,
    closest,
    target: input.target,
    minutes: input.minutes,
  };
}

/** Mean minutes a day over the plan's period (to the interview). */
export function perDayMinutes(o: PlanOption): number {
  return o.result.minutesPerDay;
}

/** The prediction to keep when a plan's setting is applied. */
export function planRecord(plan: Plan, o: PlanOption, deck: string | null): PlanRecord {
  const r1 = (x: number) => Math.round(x * 10) / 10;
  return {
    day: plan.today,
    deck,
    desiredRetention: o.desiredRetention,
    newPerDay: o.newPerDay,
    readinessDay: plan.readinessDay,
    readiness: Math.round(o.result.readiness.mean * 1e4) / 1e4,
    minutesPerDay: r1(o.result.minutesPerDay),
    reviewsPerDay: r1(o.result.reviewsPerDay),
    perDay: o.result.reviews.map((rv, d) => ({
      reviews: r1(rv),
      newCards: r1(o.result.newCards[d] ?? 0),
      minutes: r1(o.result.minutes[d] ?? 0),
    })),
  };
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Is `v` a plan's prediction as `planRecord` writes it? (It is read back from the log.) */
export function isPlanRecord(v: unknown): v is PlanRecord {
  if (typeof v !== 'object' || v === null) return false;
  const p = v as Record<string, unknown>;
  return (
    typeof p.day === 'string' &&
    (p.deck === null || typeof p.deck === 'string') &&
    isNum(p.desiredRetention) &&
    isNum(p.newPerDay) &&
    typeof p.readinessDay === 'string' &&
    isNum(p.readiness) &&
    isNum(p.minutesPerDay) &&
    isNum(p.reviewsPerDay) &&
    Array.isArray(p.perDay) &&
    p.perDay.every(
      (d: unknown) =>
        typeof d === 'object' &&
        d !== null &&
        isNum((d as DayWorkLike).reviews) &&
        isNum((d as DayWorkLike).newCards) &&
        isNum((d as DayWorkLike).minutes),
    )
  );
}
type DayWorkLike = { reviews: unknown; newCards: unknown; minutes: unknown };

/** The prediction of the last plan applied and not undone, from the log; null without one. */
export function lastPlan(
  events: readonly { type: string; seq: number; plan?: unknown }[],
  undone: ReadonlySet<number>,
): PlanRecord | null {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i] as { type: string; seq: number; plan?: unknown };
    if (e.type === 'settings' && e.plan !== undefined && !undone.has(e.seq))
      return isPlanRecord(e.plan) ? e.plan : null;
  }
  return null;
}
