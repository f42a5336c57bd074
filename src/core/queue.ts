/**
 * The daily queue, as Anki builds it: learning cards due now first; then reviews due by
 * the end of the study day, lowest retrievability first, up to the reviews-per-day limit;
 * then new cards in plan order up to the new-per-day limit. Limits count the whole study
 * day, across sessions. Siblings (cards of one note): once a card is answered, the
 * note's other new and review cards wait for the next study day (as Anki buries them),
 * and a review goes before its sibling in learning, so that no review waits for ever.
 */
import { hasTopic } from '../deck/cards.js';
import type { Card } from '../deck/types.js';
import { deckLimitsLeft, newCardPacing } from './interview.js';
import { matchesSearch, type Search } from './search.js';
import { isBuried, type CardRecord, type CollectionState, type DayCounts } from './model.js';
import { retrievability } from './scheduler.js';
import { settingsForDeck } from './settings.js';
import { endOfStudyDay, MINUTE, studyDay, studyDayStart, addDays, type DayClock } from './time.js';

/** A card's text with its record in the collection. */
export interface StudyCard {
  card: Card;
  rec: CardRecord;
}

export interface Filter {
  topics: string[];
  /** Inclusive range of plan days, or null for all. */
  days: [number, number] | null;
  decks: string[];
  /** Words of the front, back or source (`--search`). */
  search?: Search | null;
  /** Cards with any of these flags (`--flag`; 0 is no flag). */
  flags?: number[];
  /** Only cards of marked notes (`--marked`). */
  marked?: boolean;
}

export const NO_FILTER: Filter = { topics: [], days: null, decks: [] };

/** Does the filter select every live card (no criterion set)? */
export function selectsAll(f: Filter): boolean {
  return (
    f.topics.length === 0 &&
    f.days === null &&
    f.decks.length === 0 &&
    !f.search &&
    !f.flags?.length &&
    !f.marked
  );
}

export function matchesFilter(c: Card, f: Filter, rec?: CardRecord): boolean {
  if (f.decks.length > 0 && !f.decks.includes(c.deck)) return false;
  if (f.days && (c.day === null || c.day < f.days[0] || c.day > f.days[1])) return false;
  if (f.topics.length > 0 && !f.topics.some((t) => hasTopic(c.topics, t))) return false;
  if (f.search && !matchesSearch(c, f.search)) return false;
  if (f.flags && f.flags.length > 0 && !f.flags.includes(rec?.flag ?? 0)) return false;
  if (f.marked && !rec?.marked) return false;
  return true;
}

/** Anki shows learning cards up to 20 minutes early when nothing else is left. */
export const LEARN_AHEAD_MS = 20 * MINUTE;

export interface LearningEntry {
  id: string;
  due: number;
}

export interface Queue {
  /** Intraday (re)learning cards due by the end of the study day, by due time. */
  learning: LearningEntry[];
  /** Review cards due by the end of the study day, lowest retrievability first. */
  review: string[];
  /** New cards in plan order, within the day's limit. */
  new: string[];
}

export interface QueueCounts {
  new: number;
  learning: number;
  review: number;
}

export function emptyCounts(): DayCounts {
  return { new: 0, learning: 0, review: 0, relearning: 0, again: 0, ms: 0 };
}

/** Is this card reviewable at all today (live, not suspended, not buried)? */
function live(rec: CardRecord, today: string): boolean {
  return !rec.retired && !rec.suspended && !isBuried(rec, today);
}

/**
 * What the day's queue is drawn from, sorted once: the (re)learning cards due by the end
 * of the study day, the reviews due by then (lowest retrievability first), the new cards
 * (plan order), and the notes with a card answered today. `fillQueue` draws the queue
 * from it by the day's limits; a session keeps one plan all day and draws again after
 * each change, so its queue is what `buildQueue` would give, without sorting again.
 */
export interface QueuePlan {
  day: string;
  /** The end of the study day (ms): the plan holds until then. */
  end: number;
  learning: LearningEntry[];
  reviews: { id: string; note: string; deck: string }[];
  news: { id: string; note: string; deck: string }[];
  /** Notes with a card answered today: their other new and review cards wait for tomorrow. */
  studied: Set<string>;
  /** Today's new-card limit (raised toward an interview date). */
  newLimit: number;
  /** When and on which clock it was planned (for the decks' own limits). */
  now: Date;
  clock: DayClock;
}

export function planQueue(
  state: CollectionState,
  cards: readonly StudyCard[],
  now: Date,
  clock: DayClock,
): QueuePlan {
  const settings = state.settings;
  const today = studyDay(now, clock);
  const end = endOfStudyDay(now, clock).getTime();
  const studied = new Set<string>();
  // Today's study day as an interval of instants, checked at both ends, so that each
  // card needs a comparison, not a time-zone conversion (a 100k-card queue builds ~2x faster).
  const start = studyDayStart(today, clock).getTime();
  const exact =
    studyDay(new Date(start), clock) === today &&
    studyDay(new Date(start - 1), clock) !== today &&
    studyDay(new Date(end - 1), clock) === today &&
    studyDay(new Date(end), clock) !== today;
  for (const { rec } of cards) {
    const last = rec.sched.lastReview;
    if (!last) continue;
    const t = Date.parse(last);
    if (exact ? t >= start && t < end : studyDay(new Date(t), clock) === today)
      studied.add(rec.note);
  }
  const learning: LearningEntry[] = [];
  const reviews: { id: string; note: string; deck: string; r: number; due: number }[] = [];
  const news: StudyCard[] = [];
  for (const sc of cards) {
    const { rec } = sc;
    if (!live(rec, today)) continue;
    const s = rec.sched;
    if (s.state === 'learning' || s.state === 'relearning') {
      const due = Date.parse(s.due ?? '');
      if (due < end) learning.push({ id: rec.id, due });
    } else if (s.state === 'review') {
      const due = Date.parse(s.due ?? '');
      if (due < end && !studied.has(rec.note)) {
        reviews.push({
          id: rec.id,
          note: rec.note,
          deck: rec.deck,
          r: retrievability(s, now, settingsForDeck(settings, rec.deck), clock) ?? 0,
          due,
        });
      }
    } else if (!studied.has(rec.note)) {
      news.push(sc);
    }
  }
  learning.sort((a, b) => a.due - b.due || cmp(a.id, b.id));
  reviews.sort((a, b) => a.r - b.r || a.due - b.due || cmp(a.id, b.id));
  news.sort((a, b) => planOrder(a.card, b.card));
  return {
    day: today,
    end,
    learning,
    reviews: reviews.map((r) => ({ id: r.id, note: r.note, deck: r.deck })),
    news: news.map((n) => ({ id: n.rec.id, note: n.rec.note, deck: n.rec.deck })),
    studied,
    // With an interview date, the limit may be raised so every card is introduced in time.
    newLimit: newCardPacing(state, now, clock)?.limit ?? settings.newPerDay,
    now,
    clock,
  };
}

/**
 * The queue drawn from a plan as the state stands: the first reviews and new cards that
 * are still due, live and of a note not studied today, one card a note, up to what the
 * day's limits leave. It reads only the cards it draws and those before them.
 */
export function fillQueue(plan: QueuePlan, state: CollectionState): Queue {
  const settings = state.settings;
  const done = state.days[plan.day] ?? emptyCounts();
  const taken = new Set<string>();
  const usable = (c: { id: string; note: string }, kind: 'review' | 'new'): boolean => {
    const rec = state.cards[c.id];
    if (!rec || !live(rec, plan.day) || rec.sched.state !== kind) return false;
    if (kind === 'review' && !(Date.parse(rec.sched.due ?? '') < plan.end)) return false;
    return !plan.studied.has(c.note) && !taken.has(c.note);
  };
  const review: string[] = [];
  const reviewLeft = Math.max(0, settings.reviewsPerDay - done.review);
  // Decks with limits of their own are held to them too (config --deck NAME set ...).
  const deckLeft = deckLimitsLeft(state, plan.now, plan.clock);
  for (const r of plan.reviews) {
    if (review.length >= reviewLeft) break;
    if (!usable(r, 'review')) continue;
    const ownR = deckLeft.get(r.deck);
    if (ownR && ownR.review-- <= 0) continue;
    taken.add(r.note);
    review.push(r.id);
  }
  const fresh: string[] = [];
  const newLeft = Math.max(0, plan.newLimit - done.new);
  for (const n of plan.news) {
    if (fresh.length >= newLeft) break;
    if (!usable(n, 'new')) continue;
    const ownN = deckLeft.get(n.deck);
    if (ownN && ownN.new-- <= 0) continue;
    taken.add(n.note);
    fresh.push(n.id);
  }
  return { learning: plan.learning, review, new: fresh };
}

export function buildQueue(
  state: CollectionState,
  cards: readonly StudyCard[],
  now: Date,
  clock: DayClock,
): Queue {
  return fillQueue(planQueue(state, cards, now, clock), state);
}

/**
 * The plan after an answer: the card's note counts as studied today (its other new and
 * review cards wait for tomorrow), and the card is in the learning list if it is due
 * again today (`due`, ms; null when not).
 */
export function planAnswered(
  plan: QueuePlan,
  id: string,
  note: string,
  due: number | null,
): QueuePlan {
  const studied = plan.studied.has(note) ? plan.studied : new Set(plan.studied).add(note);
  const rest = withoutLearning(plan.learning, id);
  const learning = due !== null && due < plan.end ? insertLearning(rest, { id, due }) : rest;
  return { ...plan, studied, learning };
}

/** The plan once a card left the day (suspended or buried). */
export function planRemoved(plan: QueuePlan, id: string): QueuePlan {
  const learning = withoutLearning(plan.learning, id);
  return learning === plan.learning ? plan : { ...plan, learning };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Plan order: day (cards without a day last), then deck, then position in the deck. */
export function planOrder(a: Card, b: Card): number {
  const da = a.day ?? Number.MAX_SAFE_INTEGER;
  const db = b.day ?? Number.MAX_SAFE_INTEGER;
  return da - db || cmp(a.deck, b.deck) || a.position - b.position;
}

export function queueCounts(q: Queue): QueueCounts {
  return { new: q.new.length, learning: q.learning.length, review: q.review.length };
}

export type NextPick = { id: string; from: 'learning' | 'review' | 'new' } | null;

/**
 * The card to show now: learning due now, then reviews, then new, then learning ahead.
 * A learning card whose note has a review in the queue lets that review go first:
 * answering it would hide the review for the day, and a card that stays in learning
 * from one day to the next would then hide it every day (`noteOf` tells the notes).
 */
export function pickNext(
  q: Queue,
  now: Date,
  noteOf?: (id: string) => string | undefined,
): NextPick {
  const t = now.getTime();
  const first = q.learning[0];
  if (first && first.due <= t) {
    const note = noteOf?.(first.id);
    const sibling = note === undefined ? undefined : q.review.find((r) => noteOf?.(r) === note);
    if (sibling) return { id: sibling, from: 'review' };
    return { id: first.id, from: 'learning' };
  }
  if (q.review[0]) return { id: q.review[0], from: 'review' };
  if (q.new[0]) return { id: q.new[0], from: 'new' };
  if (first && first.due <= t + LEARN_AHEAD_MS) return { id: first.id, from: 'learning' };
  return null;
}

function withoutLearning(list: LearningEntry[], id: string): LearningEntry[] {
  const i = list.findIndex((e) => e.id === id);
  return i === -1 ? list : list.slice(0, i).concat(list.slice(i + 1));
}

/** Puts a card back in the learning list if it is due again before the day ends. */
export function addLearning(q: Queue, id: string, due: number, now: Date, clock: DayClock): Queue {
  if (due >= endOfStudyDay(now, clock).getTime()) return q;
  return { ...q, learning: insertLearning(withoutLearning(q.learning, id), { id, due }) };
}

/** Inserts an entry in a learning list kept sorted (binary search, not a sort). */
function insertLearning(list: LearningEntry[], e: LearningEntry): LearningEntry[] {
  const before = (m: LearningEntry) => m.due < e.due || (m.due === e.due && cmp(m.id, e.id) < 0);
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(list[mid] as LearningEntry)) lo = mid + 1;
    else hi = mid;
  }
  return list.slice(0, lo).concat([e], list.slice(lo));
}

/**
 * When the next card will be due, for "nothing due" messages: the earliest due
 * learning or review card, or the next study day when new cards wait behind the limit.
 */
export function nextDue(
  state: CollectionState,
  cards: readonly StudyCard[],
  now: Date,
  clock: DayClock,
): Date | null {
  const today = studyDay(now, clock);
  let best = Number.POSITIVE_INFINITY;
  let anyNew = false;
  for (const { rec } of cards) {
    if (rec.retired || rec.suspended) continue;
    if (rec.sched.state === 'new') {
      anyNew = true;
      continue;
    }
    const due = Date.parse(rec.sched.due ?? '');
    if (due > now.getTime() && due < best) best = due;
  }
  if (anyNew) best = Math.min(best, studyDayStart(addDays(today, 1), clock).getTime());
  return Number.isFinite(best) ? new Date(best) : null;
}
