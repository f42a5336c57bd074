/**
 * A constructed collection and review history for the stats tests, small enough to
 * count by hand. Today is Friday 2026-03-20 (UTC, rollover 04:00), now 12:00.
 *
 * Cards (mini deck; topics in brackets):
 *   one-basic     review, interval 30 (mature), S 30, last review 02-18, due today   [reliability]
 *   one-rev       review, interval 5 (young),   S 3,  last review 03-17, due 03-22   [reliability, networking/dns]
 *   one-rev:rev   relearning, 9 lapses (leech), S 3, last review today, due 12:10    [reliability, networking/dns]
 *   one-cloze:c1  review, interval 21 (mature), S 26, last review 02-22, due 03-15 (overdue) [reliability]
 *   one-cloze:c2  review, interval 10, SUSPENDED, 8 lapses (leech), due 03-25        [reliability]
 *   two-a         review, interval 3, S 3, last review 03-17, due today, BURIED today [networking]
 *   two-b         new                                                                 [networking]
 *
 * Answers (day, card, rating, state and interval before):
 *   2026-03-20  e1  one-rev:rev   again  review 10      young fail
 *               e2  two-a         good   new
 *               e3  two-a         good   learning
 *               e4  one-rev:rev   good   relearning
 *               e5  one-basic     good   review 30      CRAM
 *   2026-03-19  e7  one-basic     good   review 30      mature pass
 *               e8  one-cloze:c1  again  review 25      mature fail
 *   2026-03-18  e9  one-rev       hard   review 4       young pass
 *   2026-03-16  e15 one-rev       again  review 5       CRAM (would be a young fail)
 *   2026-03-14  e10 one-rev       easy   review 2       young pass (first day of the 7)
 *   2026-03-13  e11 one-basic     again  review 22      mature fail (30 days only)
 *               e12 one-basic     good   relearning     (not a review: no retention)
 *   2026-02-19  e13 one-cloze:c1  good   review 21      mature pass (first day of the 30)
 *   2026-02-18  e14 one-basic     good   review 20      (before the 30 days)
 *   2026-01-05..09 one answer a day, and 7 more on 01-07 (8 that day: the busiest)
 *   2025-03-21  e16 (the heatmap's first day)   2025-03-20  e17 (the day before it)
 */
import { deckCards } from '../src/deck/cards.js';
import { emptyState, type CollectionState } from '../src/core/model.js';
import type { StudyCard } from '../src/core/queue.js';
import type { CardStateName, RatingValue, SchedState } from '../src/core/scheduler.js';
import type { StatsAnswer } from '../src/core/stats.js';
import { syncDeck } from '../src/core/sync.js';
import type { DayClock } from '../src/core/time.js';
import { miniDeck } from './helpers.js';

export const CLOCK: DayClock = { timeZone: 'UTC', rolloverHour: 4 };
export const NOW = new Date('2026-03-20T12:00:00Z');
export const TODAY = '2026-03-20';

export function sched(p: Partial<SchedState>): SchedState {
  return {
    state: 'review',
    due: null,
    stability: 1,
    difficulty: 5,
    reps: 3,
    lapses: 0,
    step: 0,
    scheduledDays: 0,
    lastReview: null,
    ...p,
  };
}

export function fixture(): { state: CollectionState; cards: StudyCard[] } {
  const state = emptyState();
  const deck = miniDeck();
  const all = deckCards(deck);
  syncDeck(state, deck.name, all, new Date('2025-01-01T00:00:00Z'));
  const set = (
    id: string,
    s: Partial<SchedState>,
    extra: { suspended?: boolean; buried?: string } = {},
  ) => {
    const rec = state.cards[id];
    if (!rec) throw new Error(`no card ${id}`);
    rec.sched = sched(s);
    rec.suspended = extra.suspended ?? false;
    rec.buriedDay = extra.buried ?? null;
  };
  set('one-basic', {
    scheduledDays: 30,
    stability: 30,
    lastReview: '2026-02-18T10:00:00.000Z',
    due: '2026-03-20T10:00:00.000Z',
  });
  set('one-rev', {
    scheduledDays: 5,
    stability: 3,
    lastReview: '2026-03-17T10:00:00.000Z',
    due: '2026-03-22T10:00:00.000Z',
  });
  set('one-rev:rev', {
    state: 'relearning',
    scheduledDays: 0,
    stability: 3,
    lapses: 9,
    lastReview: '2026-03-20T11:00:00.000Z',
    due: '2026-03-20T12:10:00.000Z',
  });
  set('one-cloze:c1', {
    scheduledDays: 21,
    stability: 26,
    lastReview: '2026-02-22T10:00:00.000Z',
    due: '2026-03-15T10:00:00.000Z',
  });
  set(
    'one-cloze:c2',
    {
      scheduledDays: 10,
      stability: 10,
      lapses: 8,
      lastReview: '2026-03-15T10:00:00.000Z',
      due: '2026-03-25T10:00:00.000Z',
    },
    { suspended: true },
  );
  set(
    'two-a',
    {
      scheduledDays: 3,
      stability: 3,
      lastReview: '2026-03-17T10:00:00.000Z',
      due: '2026-03-20T08:00:00.000Z',
    },
    { buried: TODAY },
  );
  // two-b stays new.
  const cards = all.map((card) => {
    const rec = state.cards[card.id];
    if (!rec) throw new Error(`no card ${card.id}`);
    return { card, rec };
  });
  return { state, cards };
}

let seq = 0;
export function ans(
  day: string,
  card: string,
  rating: RatingValue,
  before: CardStateName,
  ivl: number,
  opts: { cram?: boolean; ms?: number } = {},
): StatsAnswer {
  seq++;
  const e: StatsAnswer = {
    type: 'answer',
    seq,
    at: `${day}T10:00:00.000Z`,
    card,
    rating,
    ms: opts.ms ?? 1000,
    day,
    tz: 'UTC',
    rollover: 4,
    before: sched({ state: before, scheduledDays: ivl }),
    after: sched({ state: 'review', scheduledDays: ivl + 1 }),
  };
  if (opts.cram) e.cram = true;
  return e;
}

export function history(): StatsAnswer[] {
  const a: StatsAnswer[] = [
    ans('2026-03-20', 'one-rev:rev', 1, 'review', 10, { ms: 8000 }),
    ans('2026-03-20', 'two-a', 3, 'new', 0, { ms: 5000 }),
    ans('2026-03-20', 'two-a', 3, 'learning', 0, { ms: 4000 }),
    ans('2026-03-20', 'one-rev:rev', 3, 'relearning', 0, { ms: 3000 }),
    ans('2026-03-20', 'one-basic', 3, 'review', 30, { cram: true, ms: 2000 }),
    ans('2026-03-19', 'one-basic', 3, 'review', 30),
    ans('2026-03-19', 'one-cloze:c1', 1, 'review', 25),
    ans('2026-03-18', 'one-rev', 2, 'review', 4),
    ans('2026-03-16', 'one-rev', 1, 'review', 5, { cram: true }),
    ans('2026-03-14', 'one-rev', 4, 'review', 2),
    ans('2026-03-13', 'one-basic', 1, 'review', 22),
    ans('2026-03-13', 'one-basic', 3, 'relearning', 0),
    ans('2026-02-19', 'one-cloze:c1', 3, 'review', 21),
    ans('2026-02-18', 'one-basic', 3, 'review', 20),
    ans('2025-03-21', 'one-basic', 3, 'new', 0),
    ans('2025-03-20', 'one-basic', 3, 'new', 0),
  ];
  for (const d of ['2026-01-05', '2026-01-06', '2026-01-07', '2026-01-08', '2026-01-09'])
    a.push(ans(d, 'two-b', 3, 'learning', 0));
  for (let i = 0; i < 7; i++) a.push(ans('2026-01-07', 'two-b', 3, 'learning', 0));
  return a;
}
