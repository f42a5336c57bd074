import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  balancedInterval,
  DueLoad,
  easyDayModifiers,
  fuzzFactor,
  weekdayIndex,
  type LoadView,
} from '../src/core/loadbalance.js';
import { buildQueue, NO_FILTER, pickNext } from '../src/core/queue.js';
import { replayStates } from '../src/core/reschedule.js';
import { answer, NEW_STATE, type RatingName, type SchedState } from '../src/core/scheduler.js';
import { DEFAULT_SETTINGS, specOf, type Settings } from '../src/core/settings.js';
import { computeStats, forecast } from '../src/core/stats.js';
import type { AnswerEvent } from '../src/core/model.js';
import { balanceNote } from '../src/ui/plan-notes.js';
import { addDays, MINUTE, studyDay } from '../src/core/time.js';
import type { Deck } from '../src/deck/types.js';
import { readAllEvents } from '../src/store/log/file.js';
import type { Collection } from '../src/store/collection.js';
import { cleanup, miniDeck, openMini, seededRandom, tempDir, logFile } from './helpers.js';

afterEach(cleanup);

const view = (counts: Record<string, number>, siblingDays: string[] = []): LoadView => ({
  dueOn: (d) => counts[d] ?? 0,
  siblingDays,
});

describe('the load balancer, as Anki weighs days', () => {
  const today = '2026-03-02'; // a Monday
  it('favours the least loaded day of the range, and draws the same day for the same seed', () => {
    const counts = { '2026-03-12': 30, '2026-03-13': 5, '2026-03-14': 30, '2026-03-15': 30 };
    const picks = new Map<number, number>();
    for (let i = 0; i < 200; i++) {
      const ivl = balancedInterval(10, 13, today, view(counts), DEFAULT_SETTINGS.easyDays, i / 200);
      picks.set(ivl ?? 0, (picks.get(ivl ?? 0) ?? 0) + 1);
    }
    expect(picks.get(11)).toBeGreaterThan(180);
    const u = fuzzFactor('card_3_2026-03-02');
    expect(u).toBe(fuzzFactor('card_3_2026-03-02'));
    expect(u).not.toBe(fuzzFactor('card_4_2026-03-02'));
  });

  it('over an even load picks the day plain fuzz picks (the same draw)', () => {
    const clock = { timeZone: 'UTC', rolloverHour: 4 };
    const settings = { ...DEFAULT_SETTINGS };
    const off = { ...settings, loadBalance: false };
    const rand = seededRandom(9);
    let differ = 0;
    for (let i = 0; i < 200; i++) {
      const last = new Date(T0 - Math.floor(1 + rand() * 40) * 86_400_000);
      const s: SchedState = {
        ...NEW_STATE,
        state: 'review',
        stability: 1 + rand() * 60,
        difficulty: 1 + rand() * 9,
        reps: 3 + i,
        scheduledDays: 5,
        lastReview: last.toISOString(),
        due: new Date(T0).toISOString(),
      };
      for (const r of ['hard', 'good', 'easy'] as const) {
        const plain = answer(s, new Date(T0), r, off, clock, `c${i}`);
        const even = answer(s, new Date(T0), r, settings, clock, `c${i}`, { load: view({}) });
        if (r === 'hard') expect(even).toEqual(plain);
        else if (even.due !== plain.due) differ++;
      }
    }
    // Good and easy may differ where Anki's order (good above hard, before fuzz) applies.
    expect(differ).toBeLessThan(40);
  });

  it('keeps a card off the days of its siblings', () => {
    const ivl = (u: number) =>
      balancedInterval(
        10,
        14,
        today,
        view({}, ['2026-03-12', '2026-03-13']),
        [1, 1, 1, 1, 1, 1, 1],
        u,
      );
    const drawn = new Set(Array.from({ length: 100 }, (_, i) => ivl((i + 0.5) / 100)));
    expect(drawn.has(10)).toBe(false);
    expect(drawn.has(11)).toBe(false);
    expect([...drawn].every((d) => d === 14 || d === 13 || d === 12)).toBe(true);
  });

  it('takes easy days at 0 out of the range, and reduced ones only when they carry their share', () => {
    // Weekdays Monday first; shares 1, 0 and 0.5.
    const week = [1, 1, 1, 1, 1, 0.5, 0];
    expect(easyDayModifiers(week, [0, 6], [3, 0])).toEqual([1, 0.0001]);
    // Saturday at half: 2 cards are within half of the other days' mean (10): kept.
    expect(easyDayModifiers(week, [4, 5, 0], [10, 2, 10])[1]).toBe(1);
    // 8 cards are more than half: taken out.
    expect(easyDayModifiers(week, [4, 5, 0], [10, 8, 10])[1]).toBe(0.0001);
    expect(weekdayIndex('2026-03-07')).toBe(5); // Saturday
    // A range of a Sunday (8 March) and a Monday, both empty: the draw lands on the Monday.
    const sunOff = [1, 1, 1, 1, 1, 1, 0];
    for (let i = 0; i < 50; i++)
      expect(balancedInterval(6, 7, today, view({}), sunOff, (i + 0.5) / 50)).toBe(7);
  });

  it('parses and shows easy days as config takes them', () => {
    const spec = specOf('easy-days');
    expect(spec?.parse('sat=0.5,sun=0')).toEqual([1, 1, 1, 1, 1, 0.5, 0]);
    expect(spec?.parse('Saturday=0.5')).toEqual([1, 1, 1, 1, 1, 0.5, 1]);
    expect(spec?.show([1, 1, 1, 1, 1, 0.5, 0] as never)).toBe('sat=0.5,sun=0');
    expect(spec?.show(DEFAULT_SETTINGS.easyDays as never)).toBe('none');
    expect(() => spec?.parse('sat=2')).toThrow(/easy-days takes weekdays with a share/);
    expect(() => spec?.parse('someday=0')).toThrow(/"someday=0" is not one/);
  });
});

/** A deck of `n` basic notes and, on day 1, `pairs` reversible notes (two siblings each). */
function deck(n: number, pairs = 0): Deck {
  let body = `---\nday: 1\ntitle: Day 1\ntopics: reliability\n---\n`;
  for (let i = 0; i < n; i++)
    body += `\n## n${i}\nline: focus\nQ: Question ${i}?\nA: Answer ${i}.\n`;
  for (let i = 0; i < pairs; i++)
    body += `\n## p${i}\nline: learn\nTerm: Term ${i}\nDefinition: Definition ${i}.\n`;
  return miniDeck({ 'day-1.md': body, 'day-2.md': '' });
}

const T0 = Date.parse('2026-03-02T09:00:00Z'); // a Monday

/**
 * `days` study days of reviewing everything the queue offers, 09:00 onward, as a script
 * would with `answer`: ratings drawn from a seeded generator (mostly Good). Every answer
 * is checked against the preview the buttons showed just before it.
 */
function studyDays(col: Collection, days: number, seed = 1): void {
  const rand = seededRandom(seed);
  const rating = (): RatingName => {
    const r = rand();
    return r < 0.08 ? 'again' : r < 0.15 ? 'hard' : r < 0.92 ? 'good' : 'easy';
  };
  for (let d = 0; d < days; d++) {
    let t = T0 + d * 86_400_000;
    const end = t + 10 * 3_600_000;
    while (t < end) {
      const now = new Date(t);
      const pick = pickNext(buildQueue(col.state, col.studyCards(NO_FILTER), now, col.clock), now);
      if (!pick) {
        t += 5 * MINUTE;
        continue;
      }
      const r = rating();
      const shown = col.preview(pick.id, now).find((p) => p.rating === r)?.next;
      const e = col.answer(pick.id, r, now, 5000);
      expect(e.after).toEqual(shown);
      t += 10_000;
    }
  }
}

function studied(settings: Partial<Settings>, cards = 200, pairs = 0): Collection {
  const col = openMini(join(tempDir(), 'data'), new Date(T0), { deck: deck(cards, pairs) });
  col.updateSettings({ ...col.settings, newPerDay: 40, ...settings }, new Date(T0));
  studyDays(col, 14);
  return col;
}

/**
 * The 30-day forecast after the last study day (from tomorrow), its standard deviation,
 * and its day-to-day spread: the mean change in load from one day to the next.
 */
function spread(col: Collection): { days: number[]; sd: number; step: number } {
  const now = new Date(T0 + 14 * 86_400_000);
  const f = forecast(col.studyCards(NO_FILTER), now, col.clock);
  const days = f.days.slice(1).map((d) => d.due);
  const mean = days.reduce((a, b) => a + b, 0) / days.length;
  const sd = Math.sqrt(days.reduce((a, b) => a + (b - mean) ** 2, 0) / days.length);
  const step =
    days.slice(1).reduce((a, b, i) => a + Math.abs(b - (days[i] ?? 0)), 0) / (days.length - 1);
  return { days, sd, step };
}

describe('load balancing the reviews of a collection', () => {
  it('evens out the 30-day forecast of the same cards, and previews still equal answers', () => {
    const on = studied({});
    const off = studied({ loadBalance: false });
    const a = spread(on);
    const b = spread(off);
    const total = (x: number[]) => x.reduce((s, n) => s + n, 0);
    // The same cards are due over the month, the load changing less from one day to the next.
    expect(Math.abs(total(a.days) - total(b.days))).toBeLessThan(total(b.days) * 0.15);
    expect(a.step).toBeLessThan(b.step * 0.75);
    expect(a.sd).toBeLessThan(b.sd);
    // stats shows the balancer's effect: the same cards placed by plain fuzz spread more.
    const now = new Date(T0 + 14 * 86_400_000);
    const stats = (col: Collection) => {
      const events = readAllEvents(logFile(col.paths.dir));
      const undone = new Set(events.flatMap((e) => (e.type === 'undo' ? [e.target.seq] : [])));
      const answers = events.filter((e) => e.type === 'answer' && !undone.has(e.seq));
      return computeStats({
        state: col.state,
        cards: col.studyCards(NO_FILTER),
        answers: answers as AnswerEvent[],
        now,
        clock: col.clock,
      }).forecast;
    };
    const fOn = stats(on);
    expect(fOn.spread).toBeCloseTo(a.step, 6);
    expect(fOn.unbalanced?.moved).toBeGreaterThan(20);
    expect(fOn.unbalanced?.spread).toBeGreaterThan(fOn.spread * 1.3);
    expect(balanceNote(fOn)).toMatch(
      /^Load balanced: the load changes by \d+\.\d cards from one day to the next, \d+\.\d without the balancer \(\d+ cards moved\)\.$/,
    );
    expect(stats(off).unbalanced).toBeNull();
    on.close();
    off.close();
  }, 120_000);

  it('keeps reviews off easy days set to 0, and lightens those at a share', () => {
    const normal = studied({});
    const easy = studied({ easyDays: [1, 1, 1, 1, 1, 0.5, 0] });
    const now = new Date(T0 + 14 * 86_400_000);
    const byWeekday = (col: Collection) => {
      const w = [0, 0, 0, 0, 0, 0, 0];
      for (const d of forecast(col.studyCards(NO_FILTER), now, col.clock).days.slice(1))
        w[weekdayIndex(d.day)] = (w[weekdayIndex(d.day)] ?? 0) + d.due;
      return w;
    };
    const n = byWeekday(normal);
    const e = byWeekday(easy);
    // Only cards whose interval is too short to fuzz (a day or two) can still land there.
    expect(e[6]).toBeLessThan(n[6]! * 0.3);
    expect(e[5]).toBeLessThan(n[5]!);
    // The reviews went to the other days.
    expect(e[0]! + e[1]! + e[2]! + e[3]! + e[4]!).toBeGreaterThan(
      n[0]! + n[1]! + n[2]! + n[3]! + n[4]!,
    );
    normal.close();
    easy.close();
  }, 120_000);

  it('keeps siblings apart, and a replay of the log (doctor --rebuild) gives every stored state', () => {
    const col = studied({}, 60, 60);
    const events = readAllEvents(logFile(col.paths.dir));
    const replay = replayStates(events, col.settings, (id) => col.state.cards[id]?.deck);
    expect(replay.size).toBeGreaterThan(100);
    for (const [id, s] of replay) expect(s).toEqual(col.state.cards[id]?.sched);
    // Two cards of one note are seldom due on the same day.
    let same = 0;
    for (let i = 0; i < 60; i++) {
      const a = col.state.cards[`p${i}`]?.sched.due;
      const b = col.state.cards[`p${i}:rev`]?.sched.due;
      if (a && b && studyDay(new Date(a), col.clock) === studyDay(new Date(b), col.clock)) same++;
    }
    expect(same).toBeLessThan(6);
    // After a change of desired retention, the replay still reproduces the collection.
    col.updateSettings({ ...col.settings, desiredRetention: 0.85 }, new Date(T0 + 14 * 86_400_000));
    const again = replayStates(
      readAllEvents(logFile(col.paths.dir)),
      col.settings,
      (id) => col.state.cards[id]?.deck,
    );
    for (const [id, s] of again) expect(s).toEqual(col.state.cards[id]?.sched);
    col.close();
  }, 120_000);

  it('keeps its day counts up to date as cards are answered, undone and suspended', () => {
    const col = studied({}, 40);
    const now = new Date(T0 + 14 * 86_400_000);
    const fresh = () => {
      const d = new DueLoad(col.state, col.clock, '2026-03-16');
      return Array.from({ length: 40 }, (_, i) => d.dueOn(addDays('2026-03-16', i)));
    };
    const kept = new DueLoad(col.state, col.clock, '2026-03-16');
    const follow = () => Array.from({ length: 40 }, (_, i) => kept.dueOn(addDays('2026-03-16', i)));
    const id = Object.values(col.state.cards).find((c) => c.sched.state === 'review')?.id ?? '';
    for (const e of [
      { type: 'suspend', at: now.toISOString(), card: id },
      { type: 'unsuspend', at: now.toISOString(), card: id },
    ] as const) {
      col.state.cards[id]!.suspended = e.type === 'suspend';
      expect(kept.apply({ ...e, seq: 1 }, col.state)).toBe(true);
      expect(follow()).toEqual(fresh());
    }
    col.close();
  });
});
