/**
 * A Monte Carlo simulation of the study days ahead, as FSRS's own simulator does it
 * (fsrs-rs, src/simulation.rs): each day, the cards due are reviewed up to the day's
 * limit, lowest recall first; each is recalled with the probability FSRS's forgetting
 * curve gives for the user's parameters, rated Hard, Good or Easy as the user rates, or
 * forgotten and relearnt; new cards are introduced up to the day's limit (raised toward
 * an interview date as the queue raises it), go through their learning steps, and get
 * their first interval. Each interval is fuzzed and load balanced as the scheduler does.
 * The time of every answer is the user's median for that kind of answer.
 *
 * Everything is counted in study days from today (day 0). The memory model is FSRS-6 as
 * ts-fsrs computes it (a test holds the two together); the random numbers come from a
 * seeded generator, so a simulation gives the same figures every time.
 * Pure: no clock, no I/O.
 */
import { get_fuzz_range, S_MAX, S_MIN } from 'ts-fsrs';
import { MAX_LOAD_BALANCE_INTERVAL, weighDays, weekdayIndex } from './loadbalance.js';

/** FSRS-6 with one set of (ts-fsrs-clipped) parameters. */
export interface Model {
  w: readonly number[];
  decay: number;
  factor: number;
  /** Interval per unit of stability, by desired retention (computed once each). */
  modifiers: Map<number, number>;
}

export function memoryModel(w: readonly number[]): Model {
  const decay = -(w[20] ?? 0.1542);
  return { w, decay, factor: Math.exp(Math.log(0.9) / decay) - 1, modifiers: new Map() };
}

const clamp = (x: number, lo: number, hi: number) => Math.min(Math.max(x, lo), hi);
const W = (m: Model, i: number) => m.w[i] ?? 0;

/** Probability of recall `t` days after a review that left stability `s`. */
export function recall(m: Model, t: number, s: number): number {
  return Math.pow(1 + (m.factor * t) / s, m.decay);
}

export function initialStability(m: Model, g: number): number {
  return Math.max(W(m, g - 1), 0.1);
}

export function initialDifficulty(m: Model, g: number): number {
  return W(m, 4) - Math.exp((g - 1) * W(m, 5)) + 1;
}

export function nextDifficulty(m: Model, d: number, g: number): number {
  const delta = -W(m, 6) * (g - 3);
  const next = d + (delta * (10 - d)) / 9;
  const easy = initialDifficulty(m, 4);
  return clamp(W(m, 7) * easy + (1 - W(m, 7)) * next, 1, 10);
}

/** Stability after a successful review (g: 2 Hard, 3 Good, 4 Easy). */
export function recallStability(m: Model, d: number, s: number, r: number, g: number): number {
  const hard = g === 2 ? W(m, 15) : 1;
  const easy = g === 4 ? W(m, 16) : 1;
  const inc =
    Math.exp(W(m, 8)) * (11 - d) * Math.pow(s, -W(m, 9)) * (Math.exp((1 - r) * W(m, 10)) - 1);
  return clamp(s * (1 + inc * hard * easy), S_MIN, S_MAX);
}

/** Stability after a lapse (with short-term scheduling on, as the app has it). */
export function forgetStability(m: Model, d: number, s: number, r: number): number {
  const after =
    W(m, 11) *
    Math.pow(d, -W(m, 12)) *
    (Math.pow(s + 1, W(m, 13)) - 1) *
    Math.exp((1 - r) * W(m, 14));
  const floor = s / Math.exp(W(m, 17) * W(m, 18));
  return clamp(Math.min(floor, after), S_MIN, S_MAX);
}

/** Stability after a same-day (learning or relearning step) answer. */
export function shortTermStability(m: Model, s: number, g: number): number {
  const sinc = Math.pow(s, -W(m, 19)) * Math.exp(W(m, 17) * (g - 3 + W(m, 18)));
  return clamp(s * (g >= 2 ? Math.max(sinc, 1) : sinc), S_MIN, S_MAX);
}

/** The interval (days) FSRS gives stability `s` for desired retention `r`, before fuzz. */
export function intervalDays(m: Model, s: number, r: number, maximum: number): number {
  let modifier = m.modifiers.get(r);
  if (modifier === undefined) {
    modifier = (Math.pow(r, 1 / m.decay) - 1) / m.factor;
    m.modifiers.set(r, modifier);
  }
  return Math.min(Math.max(1, Math.round(s * modifier)), maximum);
}

/** Seconds an answer takes, by kind of card (learning, review, relearning) and rating. */
export type AnswerCosts = [number[], number[], number[]];
export const LEARNING = 0;
export const REVIEW = 1;
export const RELEARNING = 2;

/** fsrs-rs's defaults (SimulatorConfig::default), from Anki users' logs. */
export const DEFAULT_COSTS: AnswerCosts = [
  [19.58, 18.79, 13.78, 10.71],
  [19.38, 17.59, 12.38, 8.94],
  [16.44, 15.25, 12.32, 8.03],
];
export const DEFAULT_FIRST_RATING = [0.24, 0.094, 0.495, 0.171];
export const DEFAULT_REVIEW_RATING = [0.224, 0.631, 0.145];
/** The next rating in a learning step, by the previous one (Again, Hard, Good). */
export const LEARNING_STEP_TRANSITIONS = [
  [0.3686, 0.0628, 0.5108, 0.0577],
  [0.0442, 0.4553, 0.4457, 0.0549],
  [0.0519, 0.047, 0.8462, 0.055],
];
export const RELEARNING_STEP_TRANSITIONS = [
  [0.2157, 0.0643, 0.6595, 0.0604],
  [0.05, 0.4638, 0.4475, 0.0387],
  [0.1057, 0.1434, 0.7266, 0.0244],
];

/** What the cards of one deck (or of every deck without settings of its own) are scheduled with. */
export interface SimPreset {
  model: Model;
  desiredRetention: number;
  maximumInterval: number;
  learningSteps: number;
  relearningSteps: number;
  /** The deck's own daily limits, or null (only the collection's apply). */
  newPerDay: number | null;
  reviewsPerDay: number | null;
}

export interface SimCard {
  /** Index into `presets`. */
  preset: number;
  /** A key for the deck's own limits (the deck's name). */
  deck: string;
  /** Not yet introduced: new cards are introduced in the order given. */
  isNew: boolean;
  stability: number;
  difficulty: number;
  /** Study days from today to the last review (0 or less). */
  last: number;
  /** Study days from today to the due day (0 or less: due today). */
  due: number;
  /** The desired retention the due day was set with: another one moves it, as rescheduling does. */
  scheduledWith: number;
}

export interface SimConfig {
  cards: readonly SimCard[];
  presets: readonly SimPreset[];
  /** Study days simulated, from today. */
  days: number;
  /** The day readiness is read on (its start), 0 to `days`. */
  readinessDay: number;
  /** Today's study day, for weekdays. */
  today: string;
  newPerDay: number;
  reviewsPerDay: number;
  /** What today's limits have counted already. */
  done: {
    new: number;
    review: number;
    deckNew: Record<string, number>;
    deckReview: Record<string, number>;
  };
  /** The day by which every card is introduced (pacing toward an interview), or null. */
  leadDay: number | null;
  /** The interview's eve: no interval runs past it (from before it), or null. */
  capDay: number | null;
  fuzz: boolean;
  loadBalance: boolean;
  easyDays: readonly number[];
  costs: AnswerCosts;
  firstRating: readonly number[];
  reviewRating: readonly number[];
}

export interface RunResult {
  reviews: Int32Array;
  newCards: Int32Array;
  seconds: Float64Array;
  /** Review answers and how many of them passed (recall). */
  answered: number;
  passed: number;
  /** Mean recall on the readiness day over every card (a card not introduced counts 0). */
  readiness: number;
  /** The same over the cards introduced by then. */
  studiedReadiness: number | null;
  introduced: number;
}

/** mulberry32: a small, fast seeded generator of numbers in [0, 1). */
export function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function draw(p: readonly number[], u: number): number {
  let total = 0;
  for (const x of p) total += x;
  let t = u * total;
  for (let i = 0; i < p.length; i++) {
    t -= p[i] ?? 0;
    if (t < 0) return i;
  }
  return p.length - 1;
}

function add(a: Int32Array | Float64Array, i: number, by: number): void {
  a[i] = (a[i] ?? 0) + by;
}

const NONE: readonly number[] = [];
const weekdayCache = new Map<string, Uint8Array>();

/** The weekday (Monday 0) of each day from `today` on. */
function weekdaysFrom(today: string, n: number): Uint8Array {
  let w = weekdayCache.get(today);
  if (!w || w.length < n) {
    const first = weekdayIndex(today);
    w = new Uint8Array(n).map((_, i) => (first + i) % 7);
    weekdayCache.set(today, w);
  }
  return w;
}

/** Days past the horizon whose loads the balancer still reads. */
const REACH = MAX_LOAD_BALANCE_INTERVAL + 20;

/** One run of the simulation. */
export function simulateOnce(cfg: SimConfig, rand: () => number): RunResult {
  const { cards, presets, days } = cfg;
  const n = cards.length;
  const S = new Float64Array(n);
  const D = new Float64Array(n);
  const last = new Int32Array(n);
  const due = new Int32Array(n);
  const seen = new Uint8Array(n);
  const span = days + REACH;
  const load = new Int32Array(span + 1);
  const buckets: number[][] = Array.from({ length: days + 1 }, () => []);
  const weekday = weekdaysFrom(cfg.today, span + MAX_LOAD_BALANCE_INTERVAL + 20);
  const unseen: number[] = [];
  const presetOf = (i: number) => presets[(cards[i] as SimCard).preset] as SimPreset;
  for (let i = 0; i < n; i++) {
    const c = cards[i] as SimCard;
    if (c.isNew) {
      unseen.push(i);
      continue;
    }
    const p = presetOf(i);
    seen[i] = 1;
    S[i] = Math.max(c.stability, S_MIN);
    D[i] = clamp(c.difficulty, 1, 10);
    last[i] = c.last;
    let d = c.due;
    if (c.scheduledWith !== p.desiredRetention) {
      d = c.last + intervalDays(p.model, S[i] as number, p.desiredRetention, p.maximumInterval);
      if (cfg.capDay !== null && c.last < cfg.capDay && d > cfg.capDay) d = cfg.capDay;
    }
    due[i] = Math.max(0, d);
    if ((due[i] as number) <= span) add(load, due[i] as number, 1);
    if ((due[i] as number) < days) buckets[due[i] as number]?.push(i);
  }
  const reviews = new Int32Array(days);
  const newCards = new Int32Array(days);
  const seconds = new Float64Array(days);
  let answered = 0;
  let passed = 0;
  let readiness = 0;
  let studiedReadiness: number | null = null;

  const shortTerm = (
    i: number,
    first: number | null,
    steps: number,
    transitions: readonly number[][],
    cost: readonly number[],
  ): number => {
    // fsrs-rs's memory_state_short_term: steps are passed by consecutive Good or Easy
    // answers (one fewer after a first Good), an Easy graduates at once, Again starts over.
    const m = presetOf(i).model;
    let rating = first ?? 1;
    let consecutive = 0;
    const needed = rating > 2 ? Math.max(0, steps - 1) : steps;
    let spent = 0;
    for (let k = 0; k < 5; k++) {
      if (consecutive >= needed || rating >= 4) break;
      rating = draw(transitions[rating - 1] as number[], rand()) + 1;
      S[i] = shortTermStability(m, S[i] as number, rating);
      D[i] = nextDifficulty(m, D[i] as number, rating);
      spent += cost[rating - 1] ?? 0;
      if (rating > 2) consecutive++;
      else if (rating === 1) consecutive = 0;
    }
    return spent;
  };

  const schedule = (i: number, day: number, elapsed: number) => {
    const p = presetOf(i);
    let ivl = intervalDays(p.model, S[i] as number, p.desiredRetention, p.maximumInterval);
    const cap = cfg.capDay !== null && day < cfg.capDay ? cfg.capDay - day : null;
    if (cfg.fuzz && ivl >= 2.5) {
      const range = get_fuzz_range(ivl, elapsed, p.maximumInterval);
      const lo = range.min_ivl;
      let hi = range.max_ivl;
      if (cap !== null && cap >= lo) hi = Math.min(hi, cap);
      const u = rand();
      let pick: number | null = null;
      if (cfg.loadBalance && ivl <= MAX_LOAD_BALANCE_INTERVAL && lo <= MAX_LOAD_BALANCE_INTERVAL)
        pick = weighDays(lo, hi, load, day, weekday, day, NONE, cfg.easyDays, u);
      ivl = pick ?? lo + Math.floor(u * (hi - lo + 1));
    }
    if (cap !== null && ivl > cap) ivl = Math.max(1, cap);
    last[i] = day;
    due[i] = day + ivl;
    if (day + ivl <= span) add(load, day + ivl, 1);
    if (day + ivl < days) buckets[day + ivl]?.push(i);
  };

  const measure = (day: number) => {
    let sum = 0;
    let count = 0;
    for (let i = 0; i < n; i++) {
      if (!seen[i]) continue;
      count++;
      sum += recall(presetOf(i).model, day - (last[i] as number), S[i] as number);
    }
    readiness = n ? sum / n : 0;
    studiedReadiness = count ? sum / count : null;
  };

  // The decks' own limits, and each deck's unseen cards (for pacing its own limit).
  const deckNewLimit = new Map<string, number>();
  const deckReviewLimit = new Map<string, number>();
  const unseenOf = new Map<string, number>();
  for (const c of cards) {
    const p = presets[c.preset] as SimPreset;
    if (p.newPerDay !== null) deckNewLimit.set(c.deck, p.newPerDay);
    if (p.reviewsPerDay !== null) deckReviewLimit.set(c.deck, p.reviewsPerDay);
    if (c.isNew) unseenOf.set(c.deck, (unseenOf.get(c.deck) ?? 0) + 1);
  }
  const deckNewLeft = new Map<string, number>();
  const deckReviewLeft = new Map<string, number>();
  let unseenLeft = unseen.length;
  let firstUnseen = 0;
  const paced = (left: number, day: number) =>
    cfg.leadDay === null ? 0 : day > cfg.leadDay ? left : Math.ceil(left / (cfg.leadDay - day + 1));
  for (let day = 0; day < days; day++) {
    if (day === cfg.readinessDay) measure(day);
    const done = day === 0 ? cfg.done : null;
    deckNewLeft.clear();
    deckReviewLeft.clear();
    for (const [deck, lim] of deckReviewLimit)
      deckReviewLeft.set(deck, lim - (done?.deckReview[deck] ?? 0));
    for (const [deck, lim] of deckNewLimit)
      deckNewLeft.set(
        deck,
        Math.max(lim, paced((unseenOf.get(deck) ?? 0) + (done?.deckNew[deck] ?? 0), day)) -
          (done?.deckNew[deck] ?? 0),
      );
    // Reviews: lowest recall first when the limits bind, as the queue orders them.
    const list = buckets[day] as number[];
    buckets[day] = [];
    let reviewLeft = cfg.reviewsPerDay - (done?.review ?? 0);
    if (list.length > reviewLeft || deckReviewLimit.size) {
      const r = (i: number) => recall(presetOf(i).model, day - (last[i] as number), S[i] as number);
      list.sort((a, b) => r(a) - r(b) || a - b);
    }
    for (const i of list) {
      const c = cards[i] as SimCard;
      const own = deckReviewLeft.get(c.deck);
      if (reviewLeft <= 0 || (own !== undefined && own <= 0)) {
        // Not reached today: due again tomorrow.
        if ((due[i] as number) <= span) add(load, due[i] as number, -1);
        due[i] = day + 1;
        add(load, day + 1, 1);
        buckets[day + 1]?.push(i);
        continue;
      }
      reviewLeft--;
      if (own !== undefined) deckReviewLeft.set(c.deck, own - 1);
      if ((due[i] as number) <= span) add(load, due[i] as number, -1);
      const p = presetOf(i);
      const elapsed = day - (last[i] as number);
      const r = recall(p.model, elapsed, S[i] as number);
      let spent: number;
      answered++;
      if (rand() < r) {
        passed++;
        const g = draw(cfg.reviewRating, rand()) + 2;
        S[i] = recallStability(p.model, D[i] as number, S[i] as number, r, g);
        D[i] = nextDifficulty(p.model, D[i] as number, g);
        spent = cfg.costs[REVIEW][g - 1] ?? 0;
      } else {
        S[i] = forgetStability(p.model, D[i] as number, S[i] as number, r);
        D[i] = nextDifficulty(p.model, D[i] as number, 1);
        spent = cfg.costs[REVIEW][0] ?? 0;
        spent += shortTerm(
          i,
          null,
          p.relearningSteps,
          RELEARNING_STEP_TRANSITIONS,
          cfg.costs[RELEARNING],
        );
      }
      add(reviews, day, 1);
      add(seconds, day, spent);
      schedule(i, day, elapsed);
    }
    // New cards, in plan order, up to the limit (raised to meet the lead day).
    const limit = Math.max(cfg.newPerDay, paced(unseenLeft + (done?.new ?? 0), day));
    let newLeft = limit - (done?.new ?? 0);
    while (firstUnseen < unseen.length && seen[unseen[firstUnseen] as number]) firstUnseen++;
    for (let k = firstUnseen; k < unseen.length && newLeft > 0; k++) {
      const i = unseen[k] as number;
      if (seen[i]) continue;
      const c = cards[i] as SimCard;
      const own = deckNewLeft.get(c.deck);
      if (own !== undefined) {
        if (own <= 0) continue;
        deckNewLeft.set(c.deck, own - 1);
      }
      newLeft--;
      unseenLeft--;
      unseenOf.set(c.deck, (unseenOf.get(c.deck) ?? 1) - 1);
      seen[i] = 1;
      const p = presetOf(i);
      const g = draw(cfg.firstRating, rand()) + 1;
      S[i] = initialStability(p.model, g);
      D[i] = clamp(initialDifficulty(p.model, g), 1, 10);
      let spent = cfg.costs[LEARNING][g - 1] ?? 0;
      spent += shortTerm(i, g, p.learningSteps, LEARNING_STEP_TRANSITIONS, cfg.costs[LEARNING]);
      add(newCards, day, 1);
      add(seconds, day, spent);
      schedule(i, day, 0);
    }
  }
  if (cfg.readinessDay >= days) measure(cfg.readinessDay);
  let introduced = 0;
  for (let i = 0; i < n; i++) introduced += seen[i] as number;
  return {
    reviews,
    newCards,
    seconds,
    answered,
    passed,
    readiness,
    studiedReadiness,
    introduced,
  };
}

/** A figure over the runs: its mean and its standard deviation between runs. */
export interface Spread {
  mean: number;
  sd: number;
}

export interface SimSummary {
  runs: number;
  /** Mean over the runs, by day from today. */
  reviews: number[];
  newCards: number[];
  minutes: number[];
  /** Minutes over the days up to the readiness day. */
  totalMinutes: Spread;
  /** Mean minutes a day over those days, and the busiest day's (of the mean run). */
  minutesPerDay: number;
  peakMinutes: number;
  reviewsPerDay: number;
  readiness: Spread;
  studiedReadiness: number | null;
  /** Share of review answers that pass. */
  retention: number | null;
  introduced: number;
}

function spreadOf(xs: readonly number[]): Spread {
  const mean = xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const v = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, xs.length - 1);
  return { mean, sd: Math.sqrt(v) };
}

/** `runs` runs with seeds `seed`, `seed + 1`, …, summarised. */
export function simulate(cfg: SimConfig, runs: number, seed: number): SimSummary {
  const days = cfg.days;
  // Totals and means cover the days up to the readiness day.
  const upto = Math.min(days, Math.max(1, cfg.readinessDay));
  const reviews = new Array<number>(days).fill(0);
  const newCards = new Array<number>(days).fill(0);
  const minutes = new Array<number>(days).fill(0);
  const totals: number[] = [];
  const ready: number[] = [];
  let studied = 0;
  let studiedRuns = 0;
  let answered = 0;
  let passed = 0;
  let introduced = 0;
  for (let k = 0; k < runs; k++) {
    const r = simulateOnce(cfg, generator(seed + k));
    let total = 0;
    for (let d = 0; d < days; d++) {
      reviews[d] = (reviews[d] ?? 0) + (r.reviews[d] ?? 0) / runs;
      newCards[d] = (newCards[d] ?? 0) + (r.newCards[d] ?? 0) / runs;
      minutes[d] = (minutes[d] ?? 0) + (r.seconds[d] ?? 0) / 60 / runs;
      if (d < upto) total += (r.seconds[d] ?? 0) / 60;
    }
    totals.push(total);
    ready.push(r.readiness);
    if (r.studiedReadiness !== null) {
      studied += r.studiedReadiness;
      studiedRuns++;
    }
    answered += r.answered;
    passed += r.passed;
    introduced += r.introduced / runs;
  }
  const totalMinutes = spreadOf(totals);
  return {
    runs,
    reviews,
    newCards,
    minutes,
    totalMinutes,
    minutesPerDay: totalMinutes.mean / upto,
    peakMinutes: Math.max(0, ...minutes.slice(0, upto)),
    reviewsPerDay: reviews.slice(0, upto).reduce((a, b) => a + b, 0) / upto,
    readiness: spreadOf(ready),
    studiedReadiness: studiedRuns ? studied / studiedRuns : null,
    retention: answered ? passed / answered : null,
    introduced,
  };
}
