/** Anki's Set due date: `sre-cards set-due DAYS CARD_ID...`. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NEW_STATE } from '../src/core/scheduler.js';
import { dueDays, parseDueSpec, setDueState } from '../src/core/setdue.js';
import { BIN, cleanup, tempDir } from './helpers.js';

afterEach(cleanup);
const clock = { timeZone: 'UTC', rolloverHour: 4 };
const now = new Date('2026-03-01T09:00:00Z');

function cli(args: string[], env: Record<string, string>) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: '/tmp', TZ: 'UTC', ...env },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('set-due rules', () => {
  it('reads 0, N, N-M and a ! after them', () => {
    expect(parseDueSpec('0')).toEqual({ from: 0, to: 0, setInterval: false });
    expect(parseDueSpec('1-7!')).toEqual({ from: 1, to: 7, setInterval: true });
    for (const bad of ['', '-1', '7-1', 'x', '1-', '3!!']) expect(parseDueSpec(bad)).toBeNull();
  });

  it('draws a day in the range, the same for the same card and instant', () => {
    const spec = { from: 1, to: 7, setInterval: false };
    const days = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((id) => dueDays(spec, id, now));
    for (const d of days) expect(d >= 1 && d <= 7).toBe(true);
    expect(new Set(days).size).toBeGreaterThan(1);
    expect(dueDays(spec, 'a', now)).toBe(days[0]);
  });

  it('a review card keeps its interval unless !; a learning card becomes a review card', () => {
    const review = {
      ...NEW_STATE,
      state: 'review' as const,
      due: '2026-03-20T09:00:00.000Z',
      scheduledDays: 20,
      stability: 20,
      difficulty: 5,
      reps: 3,
      lastReview: '2026-02-28T09:00:00.000Z',
    };
    expect(setDueState(review, 3, false, now, clock)).toMatchObject({
      state: 'review',
      due: '2026-03-04T09:00:00.000Z',
      scheduledDays: 20,
      stability: 20,
    });
    expect(setDueState(review, 3, true, now, clock)?.scheduledDays).toBe(3);
    expect(setDueState(review, 0, false, now, clock)?.due).toBe(now.toISOString());
    const learning = { ...review, state: 'learning' as const, step: 1, scheduledDays: 0 };
    expect(setDueState(learning, 2, false, now, clock)).toMatchObject({
      state: 'review',
      step: 0,
      scheduledDays: 2,
    });
    expect(setDueState(NEW_STATE, 2, false, now, clock)).toBeNull();
  });
});

describe('sre-cards set-due', () => {
  it('sets cards due, --json says when, and undo takes it back', () => {
    const env = {
      SRE_CARDS_DATA_DIR: join(tempDir(), 'data'),
      SRE_CARDS_NOW: '2026-03-01T09:00:00Z',
    };
    expect(cli(['answer', 'd61-spof', 'easy'], env).code).toBe(0);
    const before = JSON.parse(cli(['show', 'd61-spof', '--json'], env).out);
    const r = cli(['set-due', '2!', 'd61-spof', '--json'], env);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual([
      { card: 'd61-spof', days: 2, due: '2026-03-03T09:00:00.000Z', interval: 2 },
    ]);
    const after = JSON.parse(cli(['show', 'd61-spof', '--json'], env).out);
    expect(after.due).toBe('2026-03-03T09:00:00.000Z');
    expect(after.reps).toBe(before.reps);
    expect(after.log).toEqual(before.log);
    expect(cli(['set-due', '0', 'd61-spof'], env).out).toBe(
      'd61-spof: due today (2026-03-01T09:00:00.000Z), interval 2 days\n',
    );
    expect(cli(['undo', '2'], env).out).toContain('set due of d61-spof');
    expect(JSON.parse(cli(['show', 'd61-spof', '--json'], env).out).due).toBe(before.due);
    // The same card twice is moved once.
    expect(
      JSON.parse(cli(['set-due', '5', 'd61-spof', 'd61-spof', '--json'], env).out),
    ).toHaveLength(1);
  });

  it('refuses a new card (exit 1), a bad DAYS and an unknown flag (exit 2)', () => {
    const env = {
      SRE_CARDS_DATA_DIR: join(tempDir(), 'data'),
      SRE_CARDS_NOW: '2026-03-01T09:00:00Z',
    };
    const r = cli(['set-due', '3', 'd61-spof'], env);
    expect(r.code).toBe(1);
    expect(r.err).toContain('is new');
    // A studied card before a new one: neither is moved.
    expect(cli(['answer', 'd61-sli', 'good'], env).code).toBe(0);
    const studied = JSON.parse(cli(['show', 'd61-sli', '--json'], env).out);
    const both = cli(['set-due', '3', 'd61-sli', 'd61-spof'], env);
    expect(both.code).toBe(1);
    expect(both.err).toMatch(/card "d61-spof" is new: .*; no card was moved/);
    expect(JSON.parse(cli(['show', 'd61-sli', '--json'], env).out).due).toBe(studied.due);
    expect(cli(['undo'], env).out).toContain('d61-sli');
    expect(cli(['set-due', 'soon', 'd61-spof'], env).code).toBe(2);
    const u = cli(['set-due', '3', 'd61-spof', '--nope'], env);
    expect(u.code).toBe(2);
    expect(u.err).toContain('usage: sre-cards set-due DAYS CARD_ID... [--json]');
  });
});
