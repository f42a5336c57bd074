import {
  fsrs,
  FSRSAlgorithm,
  generatorParameters,
  Rating,
  StrategyMode,
  type AbstractScheduler,
  type Grade,
} from 'ts-fsrs';
import { describe, expect, it } from 'vitest';
import {
  answer,
  NEW_STATE,
  preview,
  RATINGS,
  retrievability,
  scheduler,
  toFsrs,
  type SchedState,
} from '../src/core/scheduler.js';
import { DEFAULT_SETTINGS, validateSettings } from '../src/core/settings.js';
import { studyDay } from '../src/core/time.js';
import { seededRandom } from './helpers.js';

const UTC = { timeZone: 'UTC', rolloverHour: 4 };
const noFuzz = { ...DEFAULT_SETTINGS, fuzz: false };

function walk(
  s: SchedState,
  steps: [string, (typeof RATINGS)[number]][],
  settings = DEFAULT_SETTINGS,
  clock = UTC,
): SchedState {
  for (const [iso, r] of steps) s = answer(s, new Date(iso), r, settings, clock);
  return s;
}

describe('scheduler', () => {
  it('labels a new card 1m, 6m, 10m, 8d with the defaults (Easy fuzzed around 8d)', () => {
    const now = new Date('2026-03-01T09:00:00Z');
    expect(preview(NEW_STATE, now, noFuzz, UTC).map((x) => x.label)).toEqual([
      '1m',
      '6m',
      '10m',
      '8d',
    ]);
    const seen = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const p = preview(NEW_STATE, now, DEFAULT_SETTINGS, UTC, `card-${i}`);
      expect(p.slice(0, 3).map((x) => x.label)).toEqual(['1m', '6m', '10m']);
      seen.add(p[3]?.label ?? '');
    }
    // Fuzz spreads Easy around 8 days, deterministically per card.
    for (const l of seen) expect(['6d', '7d', '8d', '9d', '10d']).toContain(l);
    expect(seen.size).toBeGreaterThan(1);
  });

  it('fuzzes the same for a card and review whatever the second it is answered', () => {
    const a = answer(
      NEW_STATE,
      new Date('2026-03-01T09:00:00Z'),
      'easy',
      DEFAULT_SETTINGS,
      UTC,
      'x',
    );
    const b = answer(
      NEW_STATE,
      new Date('2026-03-01T09:00:37Z'),
      'easy',
      DEFAULT_SETTINGS,
      UTC,
      'x',
    );
    expect(a.scheduledDays).toBe(b.scheduledDays);
  });

  it('gives the same state when answering as the preview showed, fuzz on', () => {
    let s: SchedState = NEW_STATE;
    const times = [
      '2026-03-01T09:00:00Z',
      '2026-03-01T09:10:00Z',
      '2026-03-03T09:00:00Z',
      '2026-03-12T10:00:00Z',
      '2026-04-20T10:00:00Z',
    ];
    for (const [i, iso] of times.entries()) {
      const now = new Date(iso);
      const p = preview(s, now, DEFAULT_SETTINGS, UTC);
      for (const r of RATINGS)
        expect(answer(s, now, r, DEFAULT_SETTINGS, UTC)).toEqual(
          p.find((x) => x.rating === r)?.next,
        );
      s = answer(s, now, i === 3 ? 'again' : 'good', DEFAULT_SETTINGS, UTC);
    }
  });

  it('is deterministic with fuzz on: the same history gives the same intervals', () => {
    const steps: [string, 'good'][] = [
      ['2026-03-01T09:00:00Z', 'good'],
      ['2026-03-01T09:10:00Z', 'good'],
      ['2026-03-03T09:00:00Z', 'good'],
      ['2026-03-12T09:00:00Z', 'good'],
    ];
    expect(walk(NEW_STATE, steps)).toEqual(walk(NEW_STATE, steps));
  });

  it('graduates a new card after Good, Good with a 2-day interval', () => {
    const s = walk(
      NEW_STATE,
      [
        ['2026-03-01T09:00:00Z', 'good'],
        ['2026-03-01T09:10:00Z', 'good'],
      ],
      noFuzz,
    );
    expect(s.state).toBe('review');
    expect(s.scheduledDays).toBe(2);
    expect(s.due).toBe('2026-03-03T09:10:00.000Z');
  });

  it('counts elapsed days by study day, not by UTC date (Tokyo)', () => {
    const tokyo = { timeZone: 'Asia/Tokyo', rolloverHour: 4 };
    // 23:00 JST on Mar 1 (14:00Z) and 05:00 JST on Mar 2 (20:00Z): the same UTC date, but two study days.
    const first = walk(NEW_STATE, [['2026-03-01T14:00:00Z', 'easy']], noFuzz, tokyo);
    const r1 = retrievability(first, new Date('2026-03-01T20:00:00Z'), noFuzz, tokyo) ?? 1;
    expect(r1).toBeLessThan(1);
    // Two instants in the same study day (00:30 and 03:30 JST) but different UTC dates: no day has passed.
    const late = walk(NEW_STATE, [['2026-03-01T15:30:00Z', 'easy']], noFuzz, tokyo);
    expect(studyDay(new Date('2026-03-01T15:30:00Z'), tokyo)).toBe(
      studyDay(new Date('2026-03-01T18:30:00Z'), tokyo),
    );
    const r0 = retrievability(late, new Date('2026-03-01T18:30:00Z'), noFuzz, tokyo);
    expect(r0).toBe(1);
    // Answering the next study day (same UTC date) is scheduled as one elapsed day, exactly as
    // ts-fsrs schedules one elapsed UTC day.
    const viaStudyDays = answer(first, new Date('2026-03-01T20:00:00Z'), 'good', noFuzz, tokyo);
    const utcFirst = walk(NEW_STATE, [['2026-03-01T10:00:00Z', 'easy']], noFuzz, {
      timeZone: 'UTC',
      rolloverHour: 0,
    });
    const viaUtc = answer(utcFirst, new Date('2026-03-02T10:00:00Z'), 'good', noFuzz, {
      timeZone: 'UTC',
      rolloverHour: 0,
    });
    expect(viaStudyDays.stability).toBeCloseTo(viaUtc.stability, 10);
    expect(viaStudyDays.scheduledDays).toBe(viaUtc.scheduledDays);
  });

  it('keeps due dates at study-day multiples across a DST change', () => {
    const la = { timeZone: 'America/Los_Angeles', rolloverHour: 4 };
    // 09:00 PST on Mar 5, Easy on a new card: 8 study days later is Mar 13, after the Mar 8 change.
    const s = walk(NEW_STATE, [['2026-03-05T17:00:00Z', 'easy']], noFuzz, la);
    expect(s.scheduledDays).toBe(8);
    expect(studyDay(new Date(s.due ?? ''), la)).toBe('2026-03-13');
    // Still 09:00 local: 16:00Z in PDT.
    expect(s.due).toBe('2026-03-13T16:00:00.000Z');
  });

  it('never schedules past the maximum interval', () => {
    const settings = { ...noFuzz, maximumInterval: 30 };
    let s: SchedState = NEW_STATE;
    let t = Date.parse('2026-01-01T09:00:00Z');
    for (let i = 0; i < 12; i++) {
      const now = new Date(t);
      for (const p of preview(s, now, settings, UTC))
        if (p.next.state === 'review') expect(p.next.scheduledDays).toBeLessThanOrEqual(30);
      s = answer(s, now, 'easy', settings, UTC);
      expect(s.scheduledDays).toBeLessThanOrEqual(30);
      t = Date.parse(s.due ?? '') + 3600_000;
    }
    expect(s.scheduledDays).toBe(30);
  });

  it('rejects settings ts-fsrs would silently replace', () => {
    expect(validateSettings({ ...DEFAULT_SETTINGS, desiredRetention: 0 })).toContain(
      'desired retention must be between 0.70 and 0.99',
    );
    expect(validateSettings({ ...DEFAULT_SETTINGS, learningSteps: ['1x'] })[0]).toMatch(
      /bad step "1x"/,
    );
    expect(validateSettings(DEFAULT_SETTINGS)).toEqual([]);
  });
});

describe('learning steps as Anki takes them', () => {
  const at = new Date('2026-03-01T09:00:00Z');
  it('Hard on a later step repeats its delay: 10m on step 2 of 1m 10m, and previews say so', () => {
    const step2 = answer(NEW_STATE, at, 'good', noFuzz, UTC);
    expect(step2.step).toBe(1);
    const later = new Date(Date.parse(step2.due ?? '') + 0);
    const p = preview(step2, later, noFuzz, UTC);
    expect(p.map((x) => x.label).slice(0, 2)).toEqual(['1m', '10m']);
    const hard = answer(step2, later, 'hard', noFuzz, UTC);
    expect(Date.parse(hard.due ?? '') - later.getTime()).toBe(10 * 60_000);
    expect(hard).toEqual(p[1]?.next);
    // Only the delay follows Anki: the memory state is the one ts-fsrs gives.
    const plain = fsrs(generatorParameters({ enable_fuzz: false, enable_short_term: true }));
    const theirs = plain.next(toFsrs(step2, later, UTC), later, Rating.Hard).card;
    expect([hard.stability, hard.difficulty]).toEqual([theirs.stability, theirs.difficulty]);
    const three = { ...noFuzz, learningSteps: ['1m', '10m', '1h'] };
    const s2 = answer(answer(NEW_STATE, at, 'good', three, UTC), later, 'good', three, UTC);
    expect(preview(s2, later, three, UTC)[1]?.label).toBe('1h');
  });

  it('Hard on the first step stays between Again and Good; on a lone step, half again as long', () => {
    expect(preview(NEW_STATE, at, noFuzz, UTC)[1]?.label).toBe('6m');
    const lone = { ...noFuzz, learningSteps: ['10m'] };
    expect(preview(NEW_STATE, at, lone, UTC)[1]?.label).toBe('15m');
    const long = { ...noFuzz, learningSteps: ['3d'] };
    expect(preview(NEW_STATE, at, long, UTC)[1]?.label).toBe('4d');
  });
});

describe('fuzz drawn once per answer', () => {
  it('gives every interval ts-fsrs itself would give, seed by seed', () => {
    const f = scheduler(DEFAULT_SETTINGS);
    const self = f as unknown as { _seed?: string };
    const plain = FSRSAlgorithm.prototype.apply_fuzz;
    const random = seededRandom(7);
    for (let k = 0; k < 2000; k++) {
      self._seed = `anki-${Math.floor(random() * 1e12).toString(16)}_${k % 13}_2026-03-${10 + (k % 18)}`;
      // The intervals of one answer share its seed; ts-fsrs draws for each.
      for (let j = 0; j < 3; j++) {
        const ivl = 1 + Math.floor(random() * 400);
        const elapsed = Math.floor(random() * 200);
        expect(f.apply_fuzz(ivl, elapsed)).toBe(plain.call(f, ivl, elapsed));
      }
    }
  });

  it('answers a review card as a stock ts-fsrs scheduler with the same seed', () => {
    const s: SchedState = {
      ...NEW_STATE,
      state: 'review',
      due: '2026-03-10T09:00:00.000Z',
      stability: 12.5,
      difficulty: 5.2,
      reps: 4,
      step: 0,
      scheduledDays: 9,
      lastReview: '2026-03-01T09:00:00.000Z',
    };
    const now = new Date('2026-03-11T10:00:00Z');
    const stock = fsrs(
      generatorParameters({ enable_fuzz: true, enable_short_term: true }),
    ).useStrategy(StrategyMode.SEED, function (this: AbstractScheduler) {
      const me = this as unknown as { current: { reps: number }; review_time: Date };
      return `c1_${me.current.reps}_${me.review_time.toISOString().slice(0, 10)}`;
    });
    for (const r of RATINGS) {
      const ours = answer(s, now, r, DEFAULT_SETTINGS, UTC, 'c1');
      const theirs = stock.next(toFsrs(s, now, UTC, 'c1'), now, (RATINGS.indexOf(r) + 1) as Grade);
      expect(ours.scheduledDays).toBe(theirs.card.scheduled_days);
      expect(ours.stability).toBe(theirs.card.stability);
    }
  });
});
