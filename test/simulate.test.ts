import { join } from 'node:path';
import { fsrs, generatorParameters } from 'ts-fsrs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  applyEvent,
  emptyState,
  type AnswerEvent,
  type CardRecord,
  type CollectionState,
} from '../src/core/model.js';
import { DueLoad } from '../src/core/loadbalance.js';
import { makePlan, type Plan } from '../src/core/plan.js';
import { buildQueue, NO_FILTER, pickNext, type StudyCard } from '../src/core/queue.js';
import {
  answer,
  NEW_STATE,
  ratingValue,
  retrievability,
  type RatingName,
} from '../src/core/scheduler.js';
import { DEFAULT_SETTINGS } from '../src/core/settings.js';
import {
  DEFAULT_COSTS,
  DEFAULT_FIRST_RATING,
  DEFAULT_REVIEW_RATING,
  forgetStability,
  generator,
  initialDifficulty,
  initialStability,
  intervalDays,
  LEARNING_STEP_TRANSITIONS,
  memoryModel,
  nextDifficulty,
  recall,
  recallStability,
  RELEARNING_STEP_TRANSITIONS,
  shortTermStability,
} from '../src/core/simulate.js';
import { addDays, DAY, MINUTE, studyDay } from '../src/core/time.js';
import { deckCards } from '../src/deck/cards.js';
import { cleanup, miniDeck, openMini, tempDir } from './helpers.js';

afterEach(cleanup);

const CLOCK = { timeZone: 'UTC', rolloverHour: 4 };
const NOW = new Date('2026-03-02T09:00:00Z');
const TODAY = '2026-03-02';

describe("the simulator's memory model", () => {
  it('is FSRS-6 as ts-fsrs computes it', () => {
    const f = fsrs(generatorParameters({ enable_short_term: true }));
    const m = memoryModel(f.parameters.w);
    const rand = generator(3);
    for (let i = 0; i < 300; i++) {
      const d = 1 + rand() * 9;
      const s = 0.5 + rand() * 200;
      const t = Math.floor(rand() * 300);
      const r = recall(m, t, s);
      expect(r).toBeCloseTo(f.forgetting_curve(t, s), 7);
      const g = 1 + Math.floor(rand() * 4);
      const next = f.next_state({ difficulty: d, stability: s }, t, g as 1 | 2 | 3 | 4);
      const ours =
        t === 0
          ? shortTermStability(m, s, g)
          : g === 1
            ? forgetStability(m, d, s, r)
            : recallStability(m, d, s, r, g);
      expect(Math.abs(ours - next.stability) / next.stability).toBeLessThan(1e-6);
      expect(nextDifficulty(m, d, g)).toBeCloseTo(next.difficulty, 5);
      const first = f.next_state(null, 0, g as 1 | 2 | 3 | 4);
      expect(initialStability(m, g)).toBeCloseTo(first.stability, 7);
      expect(Math.min(10, Math.max(1, initialDifficulty(m, g)))).toBeCloseTo(first.difficulty, 6);
    }
    // The interval of stability S at the desired retention: S itself at 0.9, by definition.
    expect(intervalDays(m, 37, 0.9, 36500)).toBe(37);
    expect(intervalDays(m, 37, 0.8, 30)).toBe(30);
  });
});

/** A state whose cards are all review cards with the given stability, reviewed `ago` days ago. */
function reviewState(
  n: number,
  stability: number,
  ago: number,
  dueIn: number,
): {
  state: CollectionState;
  cards: StudyCard[];
} {
  let body = `---\nday: 1\ntitle: Day 1\ntopics: reliability\n---\n`;
  for (let i = 0; i < n; i++) body += `\n## n${i}\nline: focus\nQ: Q${i}?\nA: A${i}.\n`;
  const deck = miniDeck({ 'day-1.md': body, 'day-2.md': '' });
  const state = emptyState();
  state.settings = {
    ...DEFAULT_SETTINGS,
    fuzz: false,
    relearningSteps: [],
    reviewsPerDay: 99999,
    newPerDay: 0,
  };
  const cards: StudyCard[] = [];
  for (const card of deckCards(deck)) {
    const rec = {
      id: card.id,
      note: card.note,
      deck: card.deck,
      suspended: false,
      buriedDay: null,
      retired: false,
      hash: '',
      mod: NOW.toISOString(),
      sched: {
        ...NEW_STATE,
        state: 'review' as const,
        stability,
        difficulty: 5,
        reps: 4,
        scheduledDays: ago + dueIn,
        lastReview: new Date(NOW.getTime() - ago * DAY).toISOString(),
        due: new Date(NOW.getTime() + dueIn * DAY).toISOString(),
      },
    };
    state.cards[card.id] = rec;
    cards.push({ card, rec });
  }
  return { state, cards };
}

function plan(
  state: CollectionState,
  cards: StudyCard[],
  more: Partial<Parameters<typeof makePlan>[0]> = {},
): Plan {
  return makePlan({
    state,
    cards,
    answers: [],
    now: NOW,
    clock: CLOCK,
    deck: null,
    target: 0.9,
    minutes: null,
    ...more,
  });
}

describe('the simulator on a case solvable by hand', () => {
  it('gives the expected reviews a day for cards of known stability and no new cards', () => {
    // 1000 cards of stability 100, reviewed 90 days ago, due in 10 days: on day 10 each is
    // recalled with probability 0.9 (stability is the interval at 90% recall). The 10% forgotten
    // (no relearning steps) get FSRS's post-lapse stability S', hence an interval of S' days at
    // 0.9, and come back on day 10 + S'. Those recalled get intervals far past the horizon.
    const f = fsrs(generatorParameters({ enable_short_term: true }));
    const lapse = f.next_state({ difficulty: 5, stability: 100 }, 100, 1);
    const back = Math.round(lapse.stability);
    expect(back).toBeGreaterThan(1);
    const { state, cards } = reviewState(1000, 100, 90, 10);
    const days = 10 + back + 1;
    const p = plan(state, cards, { days, runs: 20 });
    const r = p.current.result;
    expect(p.current.desiredRetention).toBe(0.9);
    expect(r.reviews).toHaveLength(days);
    const expected = Array.from({ length: days }, (_, d) =>
      d === 10 ? 1000 : d === 10 + back ? 100 : 0,
    );
    r.reviews.forEach((x, d) => {
      // Binomial: 1000 × 0.1, sd 9.5 a run, 2.1 over 20 runs.
      if (d === 10 + back) expect(Math.abs(x - 100)).toBeLessThan(9);
      else expect(x).toBe(expected[d]);
    });
    // Minutes on day 10, by hand: each review's time by its rating, with the default shares.
    const review = DEFAULT_COSTS[1];
    const share = DEFAULT_REVIEW_RATING.reduce((a, b) => a + b, 0);
    const passTime = DEFAULT_REVIEW_RATING.reduce(
      (a, p, i) => a + (p / share) * (review[i + 1] ?? 0),
      0,
    );
    const minutes10 = (1000 * (0.9 * passTime + 0.1 * (review[0] ?? 0))) / 60;
    expect(Math.abs((r.minutes[10] ?? 0) - minutes10)).toBeLessThan(minutes10 * 0.02);
    // Recall on the day after the horizon: recalled cards at R(t, S_pass), the rest at R(1, S').
    expect(r.retention).toBeGreaterThan(0.88);
    expect(r.retention).toBeLessThan(0.92);
  });

  it('agrees with itself over several seeds, within the spread it states', () => {
    const { state, cards } = reviewState(300, 8, 8, 0);
    state.settings = { ...state.settings, fuzz: true, relearningSteps: ['10m'], newPerDay: 10 };
    const runs = 8;
    const results = [1, 1001, 2001, 3001].map(
      (seed) => plan(state, cards, { days: 30, runs, seed }).current.result,
    );
    for (const a of results)
      for (const b of results) {
        const se = Math.sqrt((a.totalMinutes.sd ** 2 + b.totalMinutes.sd ** 2) / runs);
        expect(Math.abs(a.totalMinutes.mean - b.totalMinutes.mean)).toBeLessThan(4 * se + 1e-9);
        const sr = Math.sqrt((a.readiness.sd ** 2 + b.readiness.sd ** 2) / runs);
        expect(Math.abs(a.readiness.mean - b.readiness.mean)).toBeLessThan(4 * sr + 1e-9);
      }
    // The same seed gives the same figures.
    const again = plan(state, cards, { days: 30, runs, seed: 1 }).current.result;
    expect(again).toEqual(results[0]);
  });
});

/**
 * A learner whose memory follows FSRS with the scheduler's own parameters: at each review
 * the card is recalled with the probability FSRS gives then (forgotten: Again), rated Hard,
 * Good or Easy with the shares the simulator assumes, and steps are answered as the
 * simulator's transitions say. Reviews everything the queue offers, every day, through the
 * scheduler and the load balancer as the collection answers (in memory: no log on disk).
 */
function learn(
  state: CollectionState,
  cards: readonly StudyCard[],
  days: number,
  seed: number,
): { answered: number; passed: number } {
  const rand = generator(seed);
  const draw = (p: readonly number[]) => {
    const total = p.reduce((a, b) => a + b, 0);
    let t = rand() * total;
    for (let i = 0; i < p.length; i++) if ((t -= p[i] ?? 0) < 0) return i;
    return p.length - 1;
  };
  const names: RatingName[] = ['again', 'hard', 'good', 'easy'];
  const previous = new Map<string, number>();
  let load: DueLoad;
  let answered = 0;
  let passed = 0;
  let seq = state.seq;
  const t0 = NOW.getTime();
  for (let d = 0; d < days; d++) {
    let t = t0 + d * DAY;
    const end = t + 12 * 3_600_000;
    load = new DueLoad(state, CLOCK, studyDay(new Date(t), CLOCK));
    while (t < end) {
      const now = new Date(t);
      const pick = pickNext(buildQueue(state, cards, now, CLOCK), now);
      if (!pick) {
        t += 5 * MINUTE;
        continue;
      }
      const rec = state.cards[pick.id] as CardRecord;
      let g: number;
      if (rec.sched.state === 'new') g = draw(DEFAULT_FIRST_RATING);
      else if (rec.sched.state === 'review') {
        answered++;
        const r = retrievability(rec.sched, now, state.settings, CLOCK) ?? 0;
        if (rand() < r) {
          passed++;
          g = 1 + draw(DEFAULT_REVIEW_RATING);
        } else g = 0;
      } else {
        const from = previous.get(pick.id) ?? 0;
        const table =
          rec.sched.state === 'learning' ? LEARNING_STEP_TRANSITIONS : RELEARNING_STEP_TRANSITIONS;
        g = draw(table[Math.min(2, from)] as number[]);
      }
      previous.set(pick.id, g);
      const rating = names[g] as RatingName;
      const after = answer(rec.sched, now, rating, state.settings, CLOCK, rec.id, {
        load: load.view(rec.id, rec.note),
      });
      const e: AnswerEvent = {
        seq: ++seq,
        type: 'answer',
        at: now.toISOString(),
        card: rec.id,
        rating: ratingValue(rating),
        ms: 8000,
        day: studyDay(now, CLOCK),
        tz: CLOCK.timeZone,
        rollover: CLOCK.rolloverHour,
        before: rec.sched,
        after,
      };
      applyEvent(state, e);
      load.apply(e, state);
      t += 15_000;
    }
  }
  return { answered, passed };
}

describe('the simulator against a simulated learner', () => {
  it("predicts a learner's retention over 60 days within 0.03", () => {
    let body = `---\nday: 1\ntitle: Day 1\ntopics: reliability\n---\n`;
    for (let i = 0; i < 150; i++) body += `\n## n${i}\nline: focus\nQ: Q${i}?\nA: A${i}.\n`;
    const deck = miniDeck({ 'day-1.md': body, 'day-2.md': '' });
    let answered = 0;
    let passed = 0;
    let recalled = 0;
    let cardCount = 0;
    let reviews = 0;
    let predicted: Plan['current']['result'] | null = null;
    // Three learners (different draws), pooled: one alone varies more than binomially,
    // since a forgotten card comes back sooner and more often.
    for (const seed of [1, 2, 3]) {
      const col = openMini(join(tempDir(), 'data'), NOW, { deck });
      col.updateSettings({ ...col.settings, newPerDay: 10 }, NOW);
      const state = structuredClone(col.state);
      const cards = col.studyCards(NO_FILTER).map((sc) => ({
        card: sc.card,
        rec: state.cards[sc.card.id] as CardRecord,
      }));
      col.close();
      const p = plan(state, cards, { days: 60, runs: 16 });
      expect(p.readinessDay).toBe(addDays(TODAY, 60));
      predicted ??= p.current.result;
      expect(p.current.result).toEqual(predicted);
      const m = learn(state, cards, 60, seed);
      answered += m.answered;
      passed += m.passed;
      // Recall on day 60: the learner's true recall of every card.
      const day60 = new Date(NOW.getTime() + 60 * DAY);
      for (const { rec } of cards) {
        recalled += retrievability(rec.sched, day60, state.settings, CLOCK) ?? 0;
        cardCount++;
      }
      reviews += Object.values(state.days).reduce((n, d) => n + d.review, 0);
    }
    const sim = predicted as Plan['current']['result'];
    expect(answered).toBeGreaterThan(1800);
    expect(Math.abs(passed / answered - (sim.retention ?? 0))).toBeLessThan(0.03);
    expect(Math.abs(recalled / cardCount - sim.readiness.mean)).toBeLessThan(0.03);
    // Reviews over the 60 days, within a tenth.
    const simulated = sim.reviews.reduce((a, b) => a + b, 0);
    expect(Math.abs(reviews / 3 - simulated)).toBeLessThan(simulated * 0.1);
  }, 120_000);
});
