import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, cli, tempDir } from './helpers.js';

afterEach(cleanup);

const env = (dir: string, now: string) => ({ SRE_CARDS_DATA_DIR: dir, SRE_CARDS_NOW: now });

function answer(dir: string, id: string, rating: string, now: string): void {
  const r = cli(['answer', id, rating], env(dir, now));
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
}

/** Every file under the data folder with its bytes, to prove a command wrote nothing. */
function snapshotDir(dir: string, out: Record<string, string> = {}): Record<string, string> {
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) {
      out[p + '/'] = '';
      snapshotDir(p, out);
    } else out[p] = readFileSync(p, 'latin1');
  }
  return out;
}

describe('sre-cards stats', () => {
  it('prints the figures as JSON after some answers, writing nothing', () => {
    const dir = tempDir();
    // Sunday 03-01: a new card twice Good (graduates to a 2-day interval), another Again.
    answer(dir, 'd61-ha-vs-ft', 'good', '2026-03-01T09:00:00Z');
    answer(dir, 'd61-ha-vs-ft', 'good', '2026-03-01T09:10:00Z');
    answer(dir, 'd61-spof', 'again', '2026-03-01T09:00:00Z');
    // Tuesday 03-03: the review card, due today with a 2-day interval, passes.
    answer(dir, 'd61-ha-vs-ft', 'good', '2026-03-03T09:00:00Z');
    const day61 = JSON.parse(
      cli(['list', '--day', '61', '--json'], env(dir, '2026-03-03T12:00:00Z')).stdout,
    ) as unknown[];
    const before = snapshotDir(dir);

    const r = cli(
      ['stats', '--day', '61', '--on', '2026-03-10', '--json'],
      env(dir, '2026-03-03T12:00:00Z'),
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(snapshotDir(dir)).toEqual(before);

    expect(Object.keys(s).sort()).toEqual(
      [
        'cards',
        'cram',
        'day',
        'filter',
        'forecast',
        'heatmap',
        'leeches',
        'leechThreshold',
        'now',
        'readiness',
        'retention',
        'today',
      ].sort(),
    );
    expect(s.day).toBe('2026-03-03');
    expect(s.filter).toEqual({ topics: [], days: [61, 61], decks: [] });
    // d61-spof is still learning (its 1-minute step was never answered); d61-ha-vs-ft is
    // a young review card; the rest of day 61 is new.
    expect(s.cards).toEqual({
      new: day61.length - 2,
      learning: 1,
      young: 1,
      mature: 0,
      suspended: 0,
      buried: 0,
      total: day61.length,
    });
    // Today: the one review, Good, recorded by `answer` with no time taken.
    expect(s.today).toMatchObject({ reviewed: 1, again: 0, review: 1, learn: 0, ms: 0 });
    // Forecast: d61-spof's step is overdue, so it counts today (a learning card is not a
    // review backlog); d61-ha-vs-ft is due again some days on.
    expect(s.forecast.days).toHaveLength(30);
    expect(s.forecast.days[0]).toEqual({ day: '2026-03-03', due: 1, review: 0, learning: 1 });
    expect(s.forecast).toMatchObject({ total: 2, overdue: 0 });
    // Heatmap: 03-01 three answers, 03-03 one; max 3 → levels 4 and ceil(4·1/3) = 2.
    expect(s.heatmap.days).toEqual([
      { day: '2026-03-01', reviews: 3, level: 4 },
      { day: '2026-03-03', reviews: 1, level: 2 },
    ]);
    // Studied 2 of the 3 days since the first answer; 03-02 was missed, so the streak is 1.
    expect(s.heatmap).toMatchObject({
      from: '2025-03-04',
      to: '2026-03-03',
      max: 3,
      total: 4,
      daysStudied: 2,
      periodDays: 3,
      share: 0.6667,
      currentStreak: 1,
      longestStreak: 1,
    });
    // The only answer to a card in review state was a pass, at a 2-day (young) interval.
    expect(s.retention.desired).toBe(0.9);
    expect(s.retention.last7.young).toEqual({ passed: 1, failed: 0, rate: 1 });
    expect(s.retention.last7.mature).toEqual({ passed: 0, failed: 0, rate: null });
    expect(s.retention.last30.all).toEqual({ passed: 1, failed: 0, rate: 1 });
    // Readiness: two cards studied, the rest unseen; both reviewed today or within
    // minutes of it, so recall is 1 now, lower by 03-10.
    expect(s.readiness.on).toBe('2026-03-10');
    expect(s.readiness.overall).toMatchObject({ studied: 2, unseen: day61.length - 2 });
    expect(s.readiness.overall.on).toBeLessThan(s.readiness.overall.now);
    expect(s.readiness.topics.length).toBeGreaterThan(0);
    expect(s.leeches).toEqual([]);
    expect(s.leechThreshold).toBe(8);
    expect(s.cram).toEqual({ today: 0, last7: 0, last30: 0 });
  });

  it('draws the screen once without a terminal, and checks its options', () => {
    const dir = tempDir();
    answer(dir, 'd61-ha-vs-ft', 'good', '2026-03-01T09:00:00Z');
    const r = cli(['stats'], { ...env(dir, '2026-03-01T10:00:00Z'), NO_COLOR: '1' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Reviews, last 365 days');
    expect(r.stdout).toContain('Streak    1 day · longest 1');
    expect(r.stdout).not.toContain('\u001b[');
    expect(r.stdout.split('\n').every((l) => l.length <= 80)).toBe(true);

    const bad = cli(['stats', '--on', '2026-02-30'], env(dir, '2026-03-01T10:00:00Z'));
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--on takes a date');
    expect(bad.stderr).toContain('usage: sre-cards stats');
    const past = cli(['stats', '--on', '2026-02-28'], env(dir, '2026-03-01T10:00:00Z'));
    expect(past.status).toBe(2);
    expect(past.stderr).toContain('in the past');
    expect(cli(['stats', '--topic', 'nope'], env(dir, '2026-03-01T10:00:00Z')).status).toBe(2);
  });
});
