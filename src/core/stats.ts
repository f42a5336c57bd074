/**
 * Statistics, as Anki counts them: card counts, today, the due forecast, the review
 * heatmap with its streak, true retention, readiness by topic and leeches. Pure: every
 * figure is computed from the collection state, the cards, the answers (undone ones
 * already left out), `now` and the clock.
 *
 * Answers marked `cram: true` (studying outside the schedule) are counted apart, in
 * `cram`, and in no other figure: not in today's reviews, the heatmap, the streak or
 * retention.
 */
import { hasTopic } from '../deck/cards.js';
import { predictedRetentionOn, type RetentionForecast } from './interview.js';
import type { PlanRecord } from './plan.js';
import { isBuried, type AnswerEvent, type CollectionState } from './model.js';
import { buildQueue, queueCounts, type StudyCard } from './queue.js';
import { answer, ratingName, retrievability } from './scheduler.js';
import { DEFAULT_SETTINGS, settingsForDeck } from './settings.js';
import {
  addDays,
  daysBetween,
  studyDay,
  studyDayNumber,
  studyDayStart,
  type DayClock,
} from './time.js';

/** A review card is mature from this interval (days) on, as in Anki. */
export const MATURE_INTERVAL = 21;
/** A card with this many lapses or more is a leech, as in Anki (unless the settings say otherwise). */
export const LEECH_LAPSES = DEFAULT_SETTINGS.leechThreshold;
export const FORECAST_DAYS = 30;
export const HEATMAP_DAYS = 365;
/** Intensity levels of a heatmap cell with reviews (0 is a day without). */
export const HEAT_LEVELS = 4;

/** An answer as the log holds it; `cram` marks answers given outside the schedule. */
export type StatsAnswer = AnswerEvent & { cram?: boolean };

export interface CardCounts {
  new: number;
  /** Learning and relearning. */
  learning: number;
  /** Review cards with an interval under 21 days. */
  young: number;
  /** Review cards with an interval of 21 days or more. */
  mature: number;
  /** Counted here only, not in the states above. */
  suspended: number;
  /** Buried for today; counted here only. */
  buried: number;
  total: number;
}

export interface Remaining {
  new: number;
  learning: number;
  review: number;
  total: number;
}

export interface TodayStats {
  day: string;
  /** Answers given today (cram answers apart). */
  reviewed: number;
  /** Of those, answered Again. */
  again: number;
  /** By the card's state before the answer: new or learning, review, relearning. */
  learn: number;
  review: number;
  relearn: number;
  /** Time spent answering, ms. */
  ms: number;
  /** What a review session would still offer today, after the daily limits. */
  remaining: Remaining;
}

export interface ForecastDay {
  day: string;
  /** Cards due that study day (day 0 also holds the overdue ones). */
  due: number;
  review: number;
  learning: number;
}

export interface Forecast {
  days: ForecastDay[];
  total: number;
  /** Review cards due before today (counted in day 0). */
  overdue: number;
  tomorrow: number;
  max: number;
  /** The day-to-day spread: the mean change in cards due from one day to the next, from tomorrow on. */
  spread: number;
  /**
   * With the load balancer on: the cards due each day had every review been fuzzed
   * plainly (each balanced card's last answer scheduled again without the balancer), and
   * that forecast's spread; null with the balancer off.
   */
  unbalanced: { due: number[]; spread: number; moved: number } | null;
}

export interface HeatDay {
  day: string;
  reviews: number;
  level: number;
}

export interface Heatmap {
  /** First and last study day of the grid (365 days, ending today). */
  from: string;
  to: string;
  /** Days with reviews, oldest first; a day not listed had none. */
  days: HeatDay[];
  /** The busiest day's reviews: the top of the intensity scale. */
  max: number;
  total: number;
  daysStudied: number;
  /** Days from the first day with answers (or the grid's first day) to today. */
  periodDays: number;
  /** daysStudied / periodDays; null before the first answer. */
  share: number | null;
  /** Study days in a row with reviews, up to today (or yesterday, while today has none). */
  currentStreak: number;
  longestStreak: number;
}

export interface PassFail {
  passed: number;
  failed: number;
  /** passed / (passed + failed); null without reviews. */
  rate: number | null;
}

export interface RetentionWindow {
  days: number;
  from: string;
  young: PassFail;
  mature: PassFail;
  all: PassFail;
}

export interface Retention {
  desired: number;
  last7: RetentionWindow;
  last30: RetentionWindow;
}

export interface Readiness {
  topic: string;
  /** Cards with a memory state (seen at least once), suspended ones left out. */
  studied: number;
  /** Cards not yet seen, suspended ones left out: not averaged in. */
  unseen: number;
  /** Mean retrievability of the studied cards now; null when none is studied. */
  now: number | null;
  /** The same on the `on` day; null without one. */
  on: number | null;
}

export interface ReadinessStats {
  /** Study day readiness is projected to (`--on`), or null. */
  on: string | null;
  /** Every card of the selection. */
  overall: Readiness;
  /** Every topic and sub-topic of the selection, weakest first. */
  topics: Readiness[];
}

export interface Leech {
  id: string;
  lapses: number;
  suspended: boolean;
  topics: string[];
  front: string;
}

export interface CramStats {
  today: number;
  last7: number;
  last30: number;
}

export interface Stats {
  now: string;
  day: string;
  cards: CardCounts;
  today: TodayStats;
  forecast: Forecast;
  heatmap: Heatmap;
  retention: Retention;
  readiness: ReadinessStats;
  leeches: Leech[];
  /** Lapses from which a card is listed as a leech. */
  leechThreshold: number;
  cram: CramStats;
  /** Predicted retention on the interview day; present only while an interview date is ahead. */
  interview?: RetentionForecast;
  /** The last plan applied (`sre-cards plan --apply`) beside what has happened since; present only after one. */
  plan?: PlanComparison;
}

/** Answers, new cards and minutes a day. */
export interface DayWork {
  reviews: number;
  newCards: number;
  minutes: number;
}

export interface PlanComparison {
  /** The study day the plan was made, and what it set. */
  day: string;
  deck: string | null;
  desiredRetention: number;
  newPerDay: number;
  readinessDay: string;
  /** Whole study days since the plan was made (today, still under way, left out). */
  days: number;
  /** Mean a day over those days: as the plan predicted them, and as they went. */
  predicted: DayWork;
  actual: DayWork;
  /** Today: predicted, and so far. */
  today: { predicted: DayWork | null; actual: DayWork };
  /** Recall on the readiness day: as predicted, and as projected now (the interview forecast), when the day is the interview's. */
  readiness: { predicted: number; now: number | null };
}

export interface StatsInput {
  state: CollectionState;
  /** The cards of the selection (live cards matching the filter). */
  cards: readonly StudyCard[];
  /** Answer events, undone ones left out. */
  answers: readonly StatsAnswer[];
  now: Date;
  clock: DayClock;
  /** A study day (YYYY-MM-DD) to project readiness to, such as an interview date. */
  on?: string | null;
  /** When set, only answers to these cards count (a filtered view). */
  answerCards?: ReadonlySet<string> | null;
  /** The prediction of the last plan applied, if any. */
  plan?: PlanRecord | null;
}

export function computeStats(input: StatsInput): Stats {
  const { state, cards, now, clock } = input;
  const day = studyDay(now, clock);
  const scoped = input.answerCards
    ? input.answers.filter((a) => input.answerCards?.has(a.card))
    : input.answers;
  const regular = scoped.filter((a) => a.cram !== true);
  const f = forecast(cards, now, clock);
  f.unbalanced = unbalancedForecast(f, state, cards, regular, now, clock);
  const interview = interviewForecast(state, cards, now, clock, day);
  return {
    now: now.toISOString(),
    day,
    cards: cardCounts(cards, day),
    today: todayStats(state, cards, regular, now, clock),
    forecast: f,
    heatmap: heatmap(regular, day),
    retention: trueRetention(regular, day, state.settings.desiredRetention),
    readiness: readiness(state, cards, now, clock, input.on ?? null),
    leeches: leeches(cards, leechThreshold(state)),
    leechThreshold: leechThreshold(state),
    cram: cramStats(scoped, day),
    ...interview,
    ...(input.plan
      ? { plan: planComparison(input.plan, state, regular, day, interview.interview ?? null) }
      : {}),
  };
}

/** A plan's prediction beside the answers given since it was made (its deck's, for a deck's plan). */
export function planComparison(
  plan: PlanRecord,
  state: CollectionState,
  answers: readonly StatsAnswer[],
  today: string,
  interview: RetentionForecast | null,
): PlanComparison {
  const days = Math.max(0, daysBetween(plan.day, today));
  const actualBy = new Map<string, DayWork>();
  for (const a of answers) {
    if (a.cram === true || a.day < plan.day || a.day > today) continue;
    if (plan.deck !== null && state.cards[a.card]?.deck !== plan.deck) continue;
    let w = actualBy.get(a.day);
    if (!w) actualBy.set(a.day, (w = { reviews: 0, newCards: 0, minutes: 0 }));
    if (a.before.state === 'review') w.reviews++;
    if (a.before.state === 'new') w.newCards++;
    w.minutes += a.ms / 60_000;
  }
  const mean = (xs: DayWork[]): DayWork => {
    const n = Math.max(1, xs.length);
    return {
      reviews: xs.reduce((t, w) => t + w.reviews, 0) / n,
      newCards: xs.reduce((t, w) => t + w.newCards, 0) / n,
      minutes: xs.reduce((t, w) => t + w.minutes, 0) / n,
    };
  };
  const none = { reviews: 0, newCards: 0, minutes: 0 };
  const past = Array.from({ length: days }, (_, i) => addDays(plan.day, i));
  return {
    day: plan.day,
    deck: plan.deck,
    desiredRetention: plan.desiredRetention,
    newPerDay: plan.newPerDay,
    readinessDay: plan.readinessDay,
    days,
    predicted: mean(past.map((_, i) => plan.perDay[i] ?? none)),
    actual: mean(past.map((d) => actualBy.get(d) ?? none)),
    today: { predicted: plan.perDay[days] ?? null, actual: actualBy.get(today) ?? none },
    readiness: {
      predicted: plan.readiness,
      now: interview && interview.day === plan.readinessDay ? interview.retention : null,
    },
  };
}

/** The forecast for the interview date of the settings, when it is today or later. */
function interviewForecast(
  state: CollectionState,
  cards: readonly StudyCard[],
  now: Date,
  clock: DayClock,
  today: string,
): { interview?: RetentionForecast } {
  const date = state.settings.interviewDate;
  if (!date || date < today) return {};
  const live = cards.filter((sc) => !sc.rec.suspended);
  const states = live.map((sc) => sc.rec.sched);
  const own = live.map((sc) => settingsForDeck(state.settings, sc.rec.deck));
  return { interview: predictedRetentionOn(states, date, now, state.settings, clock, own) };
}

/** The study day an answer belongs to: the one recorded with it. */
function dayOf(a: AnswerEvent): string {
  return a.day;
}

export function cardCounts(cards: readonly StudyCard[], today: string): CardCounts {
  const c: CardCounts = {
    new: 0,
    learning: 0,
    young: 0,
    mature: 0,
    suspended: 0,
    buried: 0,
    total: 0,
  };
  for (const { rec } of cards) {
    c.total++;
    if (rec.suspended) c.suspended++;
    else if (isBuried(rec, today)) c.buried++;
    else if (rec.sched.state === 'new') c.new++;
    else if (rec.sched.state === 'learning' || rec.sched.state === 'relearning') c.learning++;
    else if (rec.sched.scheduledDays < MATURE_INTERVAL) c.young++;
    else c.mature++;
  }
  return c;
}

export function todayStats(
  state: CollectionState,
  cards: readonly StudyCard[],
  answers: readonly StatsAnswer[],
  now: Date,
  clock: DayClock,
): TodayStats {
  const day = studyDay(now, clock);
  const t: TodayStats = {
    day,
    reviewed: 0,
    again: 0,
    learn: 0,
    review: 0,
    relearn: 0,
    ms: 0,
    remaining: { new: 0, learning: 0, review: 0, total: 0 },
  };
  for (const a of answers) {
    if (a.cram === true || dayOf(a) !== day) continue;
    t.reviewed++;
    if (a.rating === 1) t.again++;
    const before = a.before.state;
    if (before === 'review') t.review++;
    else if (before === 'relearning') t.relearn++;
    else t.learn++;
    t.ms += a.ms;
  }
  const q = queueCounts(buildQueue(state, cards, now, clock));
  t.remaining = { ...q, total: q.new + q.learning + q.review };
  return t;
}

/**
 * Cards due on each of the next 30 study days, today first, as Anki's future-due graph
 * counts them: new and suspended cards left out, overdue cards counted today, cards
 * buried today left out of today.
 */
export function forecast(cards: readonly StudyCard[], now: Date, clock: DayClock): Forecast {
  const today = studyDay(now, clock);
  const days: ForecastDay[] = [];
  for (let i = 0; i < FORECAST_DAYS; i++)
    days.push({ day: addDays(today, i), due: 0, review: 0, learning: 0 });
  let overdue = 0;
  // Days from today counted on the study clock's day numbers: no date formatted a card.
  const todayNumber = studyDayNumber(now.getTime(), clock);
  for (const { rec } of cards) {
    const s = rec.sched;
    if (rec.suspended || s.state === 'new' || !s.due) continue;
    let offset = studyDayNumber(Date.parse(s.due), clock) - todayNumber;
    if (offset <= 0 && isBuried(rec, today)) continue;
    if (offset < 0) {
      if (s.state === 'review') overdue++;
      offset = 0;
    }
    const d = days[offset];
    if (!d) continue;
    d.due++;
    if (s.state === 'review') d.review++;
    else d.learning++;
  }
  return {
    days,
    total: days.reduce((n, d) => n + d.due, 0),
    overdue,
    tomorrow: days[1]?.due ?? 0,
    max: Math.max(0, ...days.map((d) => d.due)),
    spread: daySpread(days.map((d) => d.due)),
    unbalanced: null,
  };
}

/** The mean change from one day to the next, from the second day (tomorrow) on. */
export function daySpread(due: readonly number[]): number {
  let sum = 0;
  for (let i = 2; i < due.length; i++) sum += Math.abs((due[i] ?? 0) - (due[i - 1] ?? 0));
  return due.length > 2 ? sum / (due.length - 2) : 0;
}

/** Beyond this many days a card's plain-fuzz day cannot fall in the forecast. */
const UNBALANCED_REACH = FORECAST_DAYS + 10;

/**
 * The forecast without the load balancer: each review card due within reach whose state
 * comes from its last answer is scheduled again from that answer, without the balancer
 * (its plain fuzz), and counted on that day instead. Cards whose state came otherwise (a
 * reschedule) stay where they are.
 */
export function unbalancedForecast(
  f: Forecast,
  state: CollectionState,
  cards: readonly StudyCard[],
  answers: readonly StatsAnswer[],
  now: Date,
  clock: DayClock,
): Forecast['unbalanced'] {
  const settings = state.settings;
  if (!settings.loadBalance || !settings.fuzz) return null;
  const today = studyDay(now, clock);
  const want = new Set<string>();
  for (const { rec } of cards) {
    const s = rec.sched;
    if (rec.suspended || s.state !== 'review' || !s.due) continue;
    const at = daysBetween(today, studyDay(new Date(s.due), clock));
    if (at >= 1 && at <= UNBALANCED_REACH) want.add(rec.id);
  }
  const last = new Map<string, StatsAnswer>();
  for (const a of answers) if (a.cram !== true && want.has(a.card)) last.set(a.card, a);
  const due = f.days.map((d) => d.due);
  let moved = 0;
  for (const { rec } of cards) {
    const a = last.get(rec.id);
    const s = rec.sched;
    if (!a || !s.due || a.after.due !== s.due || a.after.lastReview !== s.lastReview) continue;
    const plain = answer(
      a.before,
      new Date(a.at),
      ratingName(a.rating),
      { ...settingsForDeck(settings, rec.deck), loadBalance: false },
      { timeZone: a.tz, rolloverHour: a.rollover },
      rec.id,
    );
    if (!plain.due || plain.due === s.due) continue;
    const from = daysBetween(today, studyDay(new Date(s.due), clock));
    const to = daysBetween(today, studyDay(new Date(plain.due), clock));
    if (from === to) continue;
    moved++;
    if (from < due.length) due[from] = (due[from] ?? 0) - 1;
    if (to >= 0 && to < due.length) due[to] = (due[to] ?? 0) + 1;
  }
  return { due, spread: daySpread(due), moved };
}

/**
 * The intensity of a heatmap cell: 0 for no reviews, else 1 to 4 by the share of the
 * busiest day's count (1: up to a quarter of it, … 4: more than three quarters).
 */
export function heatLevel(count: number, max: number): number {
  if (count <= 0 || max <= 0) return 0;
  return Math.min(HEAT_LEVELS, Math.max(1, Math.ceil((HEAT_LEVELS * count) / max)));
}

/** The counts a level covers, for the legend: [lowest, highest], or null if none can. */
export function levelRange(level: number, max: number): [number, number] | null {
  if (level === 0) return [0, 0];
  const lo = Math.floor(((level - 1) * max) / HEAT_LEVELS) + 1;
  const hi = Math.floor((level * max) / HEAT_LEVELS);
  return hi >= lo ? [lo, hi] : null;
}

/** Reviews a study day over the last year, with the streak and the share of days studied. */
export function heatmap(answers: readonly StatsAnswer[], today: string): Heatmap {
  const from = addDays(today, -(HEATMAP_DAYS - 1));
  const perDay = new Map<string, number>();
  for (const a of answers) {
    if (a.cram === true) continue;
    const d = dayOf(a);
    if (d > today) continue;
    perDay.set(d, (perDay.get(d) ?? 0) + 1);
  }
  const inRange = [...perDay.entries()]
    .filter(([d]) => d >= from && d <= today)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const max = Math.max(0, ...inRange.map(([, n]) => n));
  const days = inRange.map(([day, reviews]) => ({ day, reviews, level: heatLevel(reviews, max) }));
  const all = [...perDay.keys()].sort();
  const first = all[0];
  const start = first === undefined ? null : first > from ? first : from;
  const periodDays = start === null ? 0 : daysBetween(start, today) + 1;
  let current = 0;
  let d = perDay.has(today) ? today : addDays(today, -1);
  while (perDay.has(d)) {
    current++;
    d = addDays(d, -1);
  }
  let longest = 0;
  let run = 0;
  let prev: string | null = null;
  for (const day of all) {
    run = prev !== null && addDays(prev, 1) === day ? run + 1 : 1;
    longest = Math.max(longest, run);
    prev = day;
  }
  return {
    from,
    to: today,
    days,
    max,
    total: days.reduce((n, x) => n + x.reviews, 0),
    daysStudied: days.length,
    periodDays,
    share: periodDays === 0 ? null : days.length / periodDays,
    currentStreak: current,
    longestStreak: longest,
  };
}

function passFail(passed: number, failed: number): PassFail {
  const n = passed + failed;
  return { passed, failed, rate: n === 0 ? null : passed / n };
}

/**
 * True retention over the last `days` study days, as Anki counts it: answers to cards
 * that were in review state before the answer; a pass is any rating but Again; young
 * and mature apart by the interval before the answer. Cram answers never count.
 */
export function retentionWindow(
  answers: readonly StatsAnswer[],
  today: string,
  days: number,
): RetentionWindow {
  const from = addDays(today, -(days - 1));
  let yp = 0;
  let yf = 0;
  let mp = 0;
  let mf = 0;
  for (const a of answers) {
    if (a.cram === true || a.before.state !== 'review') continue;
    const d = dayOf(a);
    if (d < from || d > today) continue;
    const pass = a.rating !== 1;
    if (a.before.scheduledDays < MATURE_INTERVAL) {
      if (pass) yp++;
      else yf++;
    } else if (pass) mp++;
    else mf++;
  }
  return {
    days,
    from,
    young: passFail(yp, yf),
    mature: passFail(mp, mf),
    all: passFail(yp + mp, yf + mf),
  };
}

export function trueRetention(
  answers: readonly StatsAnswer[],
  today: string,
  desired: number,
): Retention {
  return {
    desired,
    last7: retentionWindow(answers, today, 7),
    last30: retentionWindow(answers, today, 30),
  };
}

/** Every topic of the cards, with the parents of sub-topics. */
export function topicsOf(cards: readonly StudyCard[]): string[] {
  const set = new Set<string>();
  for (const { card } of cards) {
    for (const t of card.topics) {
      const parts = t.split('/');
      for (let i = 1; i <= parts.length; i++) set.add(parts.slice(0, i).join('/'));
    }
  }
  return [...set].sort();
}

function mean(xs: readonly number[]): number | null {
  return xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length;
}

/**
 * Readiness: the mean FSRS retrievability of the studied cards now, and on study day
 * `on` if given. Unseen cards are counted beside it, not averaged in; suspended cards
 * are left out. Topics come weakest first (by `on` when given), topics with nothing
 * studied last.
 */
export function readiness(
  state: CollectionState,
  cards: readonly StudyCard[],
  now: Date,
  clock: DayClock,
  on: string | null,
): ReadinessStats {
  const settings = state.settings;
  const onInstant = on === null ? null : studyDayStart(on, clock);
  const active = cards.filter((sc) => !sc.rec.suspended);
  const r = new Map<string, { now: number; on: number | null }>();
  for (const { rec } of active) {
    const cs = settingsForDeck(settings, rec.deck);
    const rn = retrievability(rec.sched, now, cs, clock);
    if (rn === null) continue;
    const ro = onInstant === null ? null : retrievability(rec.sched, onInstant, cs, clock);
    r.set(rec.id, { now: rn, on: ro });
  }
  const row = (topic: string, group: readonly StudyCard[]): Readiness => {
    const seen = group.map((sc) => r.get(sc.rec.id)).filter((x) => x !== undefined);
    return {
      topic,
      studied: seen.length,
      unseen: group.length - seen.length,
      now: mean(seen.map((x) => x.now)),
      on: onInstant === null ? null : mean(seen.map((x) => x.on ?? 0)),
    };
  };
  const topics = topicsOf(active).map((t) =>
    row(
      t,
      active.filter((sc) => hasTopic(sc.card.topics, t)),
    ),
  );
  const key = (x: Readiness) => (onInstant === null ? x.now : x.on);
  topics.sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (ka === null || kb === null) {
      if (ka !== kb) return ka === null ? 1 : -1;
      return b.unseen - a.unseen || (a.topic < b.topic ? -1 : 1);
    }
    return ka - kb || (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0);
  });
  return { on, overall: row('all', active), topics };
}

/** The lapses that make a leech: the settings' leech threshold when set (above 0), else 8. */
export function leechThreshold(state: CollectionState): number {
  const t = (state.settings as { leechThreshold?: number }).leechThreshold;
  return typeof t === 'number' && t > 0 ? t : LEECH_LAPSES;
}

/** Cards with `threshold` lapses or more (8 by default), the most lapses first. */
export function leeches(cards: readonly StudyCard[], threshold = LEECH_LAPSES): Leech[] {
  return cards
    .filter(({ rec }) => rec.sched.lapses >= threshold)
    .map(({ card, rec }) => ({
      id: card.id,
      lapses: rec.sched.lapses,
      suspended: rec.suspended,
      topics: card.topics,
      front: card.front,
    }))
    .sort((a, b) => b.lapses - a.lapses || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Cram answers today and over the last 7 and 30 study days. */
export function cramStats(answers: readonly StatsAnswer[], today: string): CramStats {
  const c: CramStats = { today: 0, last7: 0, last30: 0 };
  const from7 = addDays(today, -6);
  const from30 = addDays(today, -29);
  for (const a of answers) {
    if (a.cram !== true) continue;
    const d = dayOf(a);
    if (d > today) continue;
    if (d === today) c.today++;
    if (d >= from7) c.last7++;
    if (d >= from30) c.last30++;
  }
  return c;
}

/** Is `day` a real calendar date written YYYY-MM-DD? */
export function isDay(day: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return false;
  const t = Date.parse(`${day}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === day;
}
