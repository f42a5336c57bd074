import { describe, expect, it } from 'vitest';
import {
  cardCounts,
  computeStats,
  forecast,
  heatLevel,
  heatmap,
  isDay,
  leeches,
  levelRange,
  readiness,
  retentionWindow,
  todayStats,
  topicsOf,
  trueRetention,
} from '../src/core/stats.js';
import { daysBetween, studyDay } from '../src/core/time.js';
import { CLOCK, NOW, TODAY, ans, fixture, history } from './stats-fixture.js';

/** FSRS-6's forgetting curve with ts-fsrs's default decay, written out: R(t, S) = (1 + F·t/S)^−0.1542, F = 0.9^(−1/0.1542) − 1 ≈ 0.98035. */
const DECAY = 0.1542;
const F = Math.pow(0.9, -1 / DECAY) - 1;
const R = (t: number, s: number) => Math.pow(1 + (F * t) / s, -DECAY);

describe('card counts', () => {
  it('counts each card once: suspended and buried apart, young and mature by interval', () => {
    const { cards } = fixture();
    // new: two-b · learning: one-rev:rev (relearning) · young: one-rev (5 d)
    // mature: one-basic (30 d), one-cloze:c1 (21 d: mature from 21 on)
    // suspended: one-cloze:c2 · buried: two-a (a review card, counted as buried only)
    expect(cardCounts(cards, TODAY)).toEqual({
      new: 1,
      learning: 1,
      young: 1,
      mature: 2,
      suspended: 1,
      buried: 1,
      total: 7,
    });
  });

  it('a card buried on another day is not buried today', () => {
    const { cards } = fixture();
    // On 03-21 two-a's burial has run out: it is a young review card (interval 3).
    expect(cardCounts(cards, '2026-03-21')).toMatchObject({ young: 2, buried: 0 });
  });
});

describe('today', () => {
  it('counts today’s answers (cram apart) and what the queue still holds', () => {
    const { state, cards } = fixture();
    const t = todayStats(state, cards, history(), NOW, CLOCK);
    // e1..e4 are today's regular answers (e5 is cram): 4 reviewed, 1 again (e1).
    // Before: e2 new + e3 learning = 2 learn, e1 review = 1, e4 relearning = 1.
    // Time: 8 + 5 + 4 + 3 s = 20 s (the cram answer's 2 s is not in it).
    expect(t).toMatchObject({
      day: TODAY,
      reviewed: 4,
      again: 1,
      learn: 2,
      review: 1,
      relearn: 1,
      ms: 20_000,
    });
    // The queue: learning one-rev:rev (due 12:10, before the day ends at 04:00 tomorrow);
    // reviews one-basic (due today) and one-cloze:c1 (overdue); two-a is buried,
    // one-rev is due on 03-22, c2 is suspended; new: two-b. 1 + 2 + 1 = 4.
    expect(t.remaining).toEqual({ new: 1, learning: 1, review: 2, total: 4 });
  });
});

describe('forecast', () => {
  it('counts due cards on each of the next 30 study days, overdue ones today', () => {
    const { cards } = fixture();
    const f = forecast(cards, NOW, CLOCK);
    expect(f.days).toHaveLength(30);
    expect(f.days[0]?.day).toBe('2026-03-20');
    expect(f.days[29]?.day).toBe('2026-04-18');
    // Today: one-basic (review, due today), one-cloze:c1 (review, overdue since 03-15),
    // one-rev:rev (relearning, 12:10) = 3; two-a is due today but buried: left out.
    expect(f.days[0]).toEqual({ day: '2026-03-20', due: 3, review: 2, learning: 1 });
    // 03-22: one-rev. c2 (03-25) is suspended; two-b is new: neither counts.
    expect(f.days[2]).toEqual({ day: '2026-03-22', due: 1, review: 1, learning: 0 });
    expect(f.days.filter((d) => d.due > 0)).toHaveLength(2);
    expect(f).toMatchObject({ total: 4, overdue: 1, tomorrow: 0, max: 3 });
  });

  it('puts a card due at 02:00 on the study day before (the day turns at 04:00)', () => {
    const { cards } = fixture();
    const rec = cards.find((c) => c.card.id === 'one-rev')?.rec;
    if (!rec) throw new Error('no card');
    rec.sched.due = '2026-03-23T02:00:00.000Z'; // still study day 03-22
    expect(forecast(cards, NOW, CLOCK).days[2]?.due).toBe(1);
  });

  it('puts each card on its study day across a change of clocks, in zones that move by 30 and 60 minutes', () => {
    const { cards } = fixture();
    const rec = cards.find((c) => c.card.id === 'one-rev')?.rec;
    if (!rec) throw new Error('no card');
    for (const timeZone of ['America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata']) {
      const clock = { timeZone, rolloverHour: 4 };
      // 2026-03-08 (New York) and 2026-04-05 (Lord Howe) change the clocks.
      const now = new Date('2026-03-01T15:00:00Z');
      const today = studyDay(now, clock);
      for (let h = 0; h < 24 * 40; h += 7) {
        const due = new Date(now.getTime() + h * 3_600_000 + 1_234);
        rec.sched.due = due.toISOString();
        const f = forecast([{ card: cards[0]!.card, rec }], now, clock);
        const day = daysBetween(today, studyDay(due, clock));
        expect(f.days.findIndex((d) => d.due === 1)).toBe(day < 30 ? day : -1);
      }
    }
  });
});

describe('heatmap', () => {
  const h = heatmap(history(), TODAY);

  it('spans the 365 study days ending today', () => {
    expect(h.from).toBe('2025-03-21');
    expect(h.to).toBe(TODAY);
  });

  it('counts regular answers a day, cram left out', () => {
    // 03-20: e1..e4 = 4 (e5 is cram) · 03-19: 2 · 03-16: only a cram answer, so no day.
    const byDay = new Map(h.days.map((d) => [d.day, d.reviews]));
    expect(byDay.get('2026-03-20')).toBe(4);
    expect(byDay.get('2026-03-19')).toBe(2);
    expect(byDay.has('2026-03-16')).toBe(false);
    expect(byDay.get('2026-01-07')).toBe(8);
    // 2025-03-20 is a day before the grid.
    expect(byDay.has('2025-03-20')).toBe(false);
    expect(byDay.get('2025-03-21')).toBe(1);
  });

  it('gives each day the intensity its count calls for, against the busiest day', () => {
    // max 8: level = ceil(4·n/8): 1-2 → 1, 3-4 → 2, 5-6 → 3, 7-8 → 4.
    expect(h.max).toBe(8);
    const level = new Map(h.days.map((d) => [d.day, d.level]));
    expect(level.get('2026-03-20')).toBe(2); // 4 reviews
    expect(level.get('2026-03-19')).toBe(1); // 2
    expect(level.get('2026-01-07')).toBe(4); // 8
  });

  it('finds the streak, the longest run and the share of days studied', () => {
    // Days with reviews in the grid: 2025-03-21, 01-05..01-09 (5), 02-18, 02-19, 03-13,
    // 03-14, 03-18, 03-19, 03-20 = 13; reviews 1 + 12 + 1 + 1 + 2 + 1 + 1 + 2 + 4 = 25.
    expect(h.daysStudied).toBe(13);
    expect(h.total).toBe(25);
    // The first answer (2025-03-20) is older than the grid: the period is the whole year.
    expect(h.periodDays).toBe(365);
    expect(h.share).toBeCloseTo(13 / 365, 10);
    // 03-20, 03-19, 03-18 then nothing on 03-17: 3. Longest: 01-05..01-09 = 5.
    expect(h.currentStreak).toBe(3);
    expect(h.longestStreak).toBe(5);
  });

  it('keeps the streak alive while today has no answers yet', () => {
    // Tomorrow morning, before any answer: the streak still counts 03-18..03-20.
    expect(heatmap(history(), '2026-03-21').currentStreak).toBe(3);
    // The day after that, with 03-21 missed, it is broken.
    expect(heatmap(history(), '2026-03-22').currentStreak).toBe(0);
  });

  it('counts the period from the first day studied when the history is younger than a year', () => {
    const a = [ans('2026-03-11', 'two-b', 3, 'new', 0), ans('2026-03-20', 'two-b', 3, 'new', 0)];
    // 03-11 to 03-20 is 10 days, 2 of them studied.
    expect(heatmap(a, TODAY)).toMatchObject({ periodDays: 10, daysStudied: 2, share: 0.2 });
    expect(heatmap([], TODAY)).toMatchObject({ periodDays: 0, share: null, max: 0 });
  });

  it('maps counts to levels and back', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8].map((n) => heatLevel(n, 8))).toEqual([
      0, 1, 1, 2, 2, 3, 3, 4, 4,
    ]);
    expect([1, 2, 3, 4].map((l) => levelRange(l, 8))).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
      [7, 8],
    ]);
    // With a busiest day of 3: 1 → ceil(4/3) = 2, 2 → ceil(8/3) = 3, 3 → 4; level 1 holds none.
    expect([1, 2, 3].map((n) => heatLevel(n, 3))).toEqual([2, 3, 4]);
    expect(levelRange(1, 3)).toBeNull();
  });
});

describe('true retention', () => {
  it('counts passes and fails of review cards, young and mature apart, over 7 days', () => {
    // 03-14..03-20, cards in review before the answer:
    //   young (interval < 21): e1 fail (10), e9 pass (4), e10 pass (2, on 03-14)  → 2/3
    //   mature:                e7 pass (30), e8 fail (25)                          → 1/2
    // e4 (relearning), e2/e3 (new, learning) do not count; e5 and e15 are cram.
    const w = retentionWindow(history(), TODAY, 7);
    expect(w.from).toBe('2026-03-14');
    expect(w.young).toEqual({ passed: 2, failed: 1, rate: 2 / 3 });
    expect(w.mature).toEqual({ passed: 1, failed: 1, rate: 0.5 });
    expect(w.all).toEqual({ passed: 3, failed: 2, rate: 0.6 });
  });

  it('over 30 days adds 03-13 and 02-19 but not 02-18', () => {
    // 02-19..03-20: the 7-day answers, plus e11 mature fail (22) and e13 mature pass
    // (21, on the window's first day); e12 was relearning; e14 (02-18) is outside.
    const r = trueRetention(history(), TODAY, 0.9);
    expect(r.desired).toBe(0.9);
    expect(r.last30.from).toBe('2026-02-19');
    expect(r.last30.young).toEqual({ passed: 2, failed: 1, rate: 2 / 3 });
    expect(r.last30.mature).toEqual({ passed: 2, failed: 2, rate: 0.5 });
    expect(r.last30.all).toEqual({ passed: 4, failed: 3, rate: 4 / 7 });
  });

  it('has no rate without reviews, and never counts cram', () => {
    const cramOnly = [ans(TODAY, 'one-basic', 1, 'review', 40, { cram: true })];
    expect(retentionWindow(cramOnly, TODAY, 7).all).toEqual({ passed: 0, failed: 0, rate: null });
  });
});

describe('readiness', () => {
  it('lists every topic with its parents', () => {
    const { cards } = fixture();
    expect(topicsOf(cards)).toEqual(['networking', 'networking/dns', 'reliability']);
  });

  it('averages retrievability of studied cards now, weakest first, unseen beside', () => {
    const { state, cards } = fixture();
    const r = readiness(state, cards, NOW, CLOCK, null);
    // Elapsed study days now: one-basic 30 of S 30 → R = 0.9; one-rev 3 of 3 → 0.9;
    // one-rev:rev 0 → 1; one-cloze:c1 26 of 26 → 0.9; two-a 3 of 3 → 0.9 (buried cards
    // count); one-cloze:c2 is suspended: left out; two-b is unseen.
    // reliability: one-basic, one-rev, one-rev:rev, c1 = (0.9 + 0.9 + 1 + 0.9) / 4 = 0.925
    // networking: one-rev, one-rev:rev, two-a = 2.8 / 3 = 0.9333; two-b unseen
    // networking/dns: one-rev, one-rev:rev = 1.9 / 2 = 0.95
    expect(r.on).toBeNull();
    expect(r.topics.map((t) => t.topic)).toEqual(['reliability', 'networking', 'networking/dns']);
    const [rel, net, dns] = r.topics;
    expect(rel).toMatchObject({ studied: 4, unseen: 0, on: null });
    expect(rel?.now).toBeCloseTo(0.925, 6);
    expect(net).toMatchObject({ studied: 3, unseen: 1 });
    expect(net?.now).toBeCloseTo(2.8 / 3, 6);
    expect(dns).toMatchObject({ studied: 2, unseen: 0 });
    expect(dns?.now).toBeCloseTo(0.95, 6);
    // All cards: 5 studied, (4 × 0.9 + 1) / 5 = 0.92; 1 unseen.
    expect(r.overall).toMatchObject({ topic: 'all', studied: 5, unseen: 1 });
    expect(r.overall.now).toBeCloseTo(0.92, 6);
  });

  it('projects readiness to an interview day, ordering by it', () => {
    const { state, cards } = fixture();
    const r = readiness(state, cards, NOW, CLOCK, '2026-03-26');
    // On 03-26, elapsed study days (t/S): one-basic 36/30 = 1.2 → R 0.88699;
    // one-rev 9/3 = 3 → 0.80939; one-rev:rev 6/3 = 2 → 0.84589;
    // c1 32/26 → 0.88511; two-a 9/3 = 3 → 0.80939.
    // networking (one-rev, rev, two-a) = 0.82155 < networking/dns (one-rev, rev) = 0.82764
    // < reliability (one-basic, one-rev, rev, c1) = 0.85685: the order changes.
    expect(r.on).toBe('2026-03-26');
    expect(r.topics.map((t) => t.topic)).toEqual(['networking', 'networking/dns', 'reliability']);
    const get = (t: string) => r.topics.find((x) => x.topic === t)?.on;
    expect(get('networking')).toBeCloseTo((R(9, 3) + R(6, 3) + R(9, 3)) / 3, 6);
    expect(get('networking')).toBeCloseTo(0.821554, 5);
    expect(get('networking/dns')).toBeCloseTo(0.827636, 5);
    expect(get('reliability')).toBeCloseTo((R(36, 30) + R(9, 3) + R(6, 3) + R(32, 26)) / 4, 6);
    expect(get('reliability')).toBeCloseTo(0.856845, 5);
    expect(r.overall.on).toBeCloseTo(0.847353, 5);
    // "now" is still given beside it.
    expect(r.topics.find((x) => x.topic === 'reliability')?.now).toBeCloseTo(0.925, 6);
  });

  it('puts topics with nothing studied last', () => {
    const { state, cards } = fixture();
    const net = cards.filter((c) => c.card.id === 'two-b');
    const r = readiness(state, net, NOW, CLOCK, null);
    expect(r.topics).toEqual([{ topic: 'networking', studied: 0, unseen: 1, now: null, on: null }]);
  });
});

describe('leeches', () => {
  it('lists cards with 8 lapses or more, the most first, suspended ones included', () => {
    const { cards } = fixture();
    expect(leeches(cards).map((l) => [l.id, l.lapses, l.suspended])).toEqual([
      ['one-rev:rev', 9, false],
      ['one-cloze:c2', 8, true],
    ]);
  });

  it('follows the leech threshold of the settings', () => {
    const { state, cards } = fixture();
    const settings = state.settings as { leechThreshold?: number };
    settings.leechThreshold = 9;
    const s = computeStats({ state, cards, answers: [], now: NOW, clock: CLOCK });
    // 9 lapses: one-rev:rev only; c2 has 8.
    expect(s.leechThreshold).toBe(9);
    expect(s.leeches.map((l) => l.id)).toEqual(['one-rev:rev']);
    // 0 turns leech handling off in the scheduler; the list keeps Anki's 8.
    settings.leechThreshold = 0;
    expect(computeStats({ state, cards, answers: [], now: NOW, clock: CLOCK }).leechThreshold).toBe(
      8,
    );
  });
});

describe('all figures together', () => {
  it('counts cram answers apart', () => {
    const { state, cards } = fixture();
    const s = computeStats({ state, cards, answers: history(), now: NOW, clock: CLOCK });
    // e5 today, e15 on 03-16: both within 7 and 30 days.
    expect(s.cram).toEqual({ today: 1, last7: 2, last30: 2 });
    expect(s.day).toBe(TODAY);
    expect(s.today.reviewed).toBe(4);
    expect(s.retention.desired).toBe(0.9);
  });

  it('counts only the selection’s answers when filtered', () => {
    const { state, cards } = fixture();
    const net = cards.filter((c) =>
      c.card.topics.some((t) => t === 'networking' || t.startsWith('networking/')),
    );
    const s = computeStats({
      state,
      cards: net,
      answers: history(),
      now: NOW,
      clock: CLOCK,
      answerCards: new Set(net.map((c) => c.card.id)),
    });
    // networking cards: one-rev, one-rev:rev, two-a, two-b. Today e1..e4 are theirs (4);
    // the cram answer e5 was one-basic's; e15 (03-16) was one-rev's.
    expect(s.today.reviewed).toBe(4);
    expect(s.cram).toEqual({ today: 0, last7: 1, last30: 1 });
    // 7 days: e1 young fail, e9 and e10 young passes; no mature answers.
    expect(s.retention.last7.young).toEqual({ passed: 2, failed: 1, rate: 2 / 3 });
    expect(s.retention.last7.mature.rate).toBeNull();
    expect(s.cards).toMatchObject({
      new: 1,
      learning: 1,
      young: 1,
      mature: 0,
      buried: 1,
      total: 4,
    });
  });

  it('checks dates', () => {
    expect(isDay('2026-04-15')).toBe(true);
    expect(isDay('2026-02-30')).toBe(false);
    expect(isDay('2026-4-15')).toBe(false);
  });
});
