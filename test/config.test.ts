import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { applyEvent, type CollectionEvent, type SettingsEvent } from '../src/core/model.js';
import { changesIntervals, replayStates } from '../src/core/reschedule.js';
import { DEFAULT_SETTINGS, validateSettings } from '../src/core/settings.js';
import { readAllEvents } from '../src/store/log/file.js';
import { cleanup, cli, openMini, tempDir, logFile } from './helpers.js';

afterEach(cleanup);

const T = new Date('2026-03-01T09:00:00Z');
const at = (d: number, h = 9) => new Date(Date.UTC(2026, 2, 1 + d, h));

function envFor(dir: string, now = '2026-03-01T09:00:00Z') {
  return { SRE_CARDS_DATA_DIR: dir, SRE_CARDS_NOW: now };
}

/** A mini collection with a few weeks of answers: review cards, a lapse, a learning card. */
function studied(dir: string) {
  const col = openMini(dir, T);
  col.answer('one-basic', 'good', at(0), 1000);
  col.answer('one-basic', 'good', at(0, 10), 1000);
  col.answer('two-a', 'easy', at(0), 1000);
  col.answer('two-b', 'good', at(0), 1000);
  col.answer('two-b', 'good', at(0, 10), 1000);
  col.answer('one-basic', 'good', at(2), 1000);
  col.answer('two-b', 'again', at(2), 1000);
  col.answer('two-b', 'good', at(2, 10), 1000);
  col.answer('two-a', 'hard', at(8), 1000);
  col.answer('one-rev', 'good', at(8), 1000);
  return col;
}

describe('settings validation', () => {
  it('has defaults for the new keys and says what is wrong in words', () => {
    expect(DEFAULT_SETTINGS).toMatchObject({
      leechThreshold: 8,
      interviewDate: null,
      interviewLeadDays: 7,
    });
    expect(validateSettings(DEFAULT_SETTINGS)).toEqual([]);
    expect(
      validateSettings({
        ...DEFAULT_SETTINGS,
        leechThreshold: -1,
        interviewDate: '2026-02-30',
        interviewLeadDays: 400,
        weights: [1, 2],
      }),
    ).toEqual([
      'leech threshold must be a whole number of lapses from 0 (off) to 99',
      'interview date must be a date such as 2026-12-20, not "2026-02-30"',
      'interview lead days must be a whole number from 0 to 365',
      'FSRS parameters must be 21 numbers (FSRS-6)',
    ]);
  });
});

describe('sre-cards config', () => {
  it('lists every key with its value and default, and writes nothing', () => {
    const dir = join(tempDir(), 'data');
    const r = cli(['config'], envFor(dir));
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^KEY +VALUE +DEFAULT$/);
    const keys = lines.slice(1).map((l) => l.split(/ +/)[0]);
    expect(keys).toEqual([
      'desired-retention',
      'new-per-day',
      'reviews-per-day',
      'rollover-hour',
      'learning-steps',
      'relearning-steps',
      'maximum-interval',
      'fuzz',
      'load-balance',
      'easy-days',
      'leech-threshold',
      'backups',
      'interview-date',
      'interview-lead-days',
      'parameters',
    ]);
    expect(r.stdout).toMatch(/learning-steps +1m,10m +1m,10m/);
    expect(r.stdout).toMatch(/fuzz +on +on/);
    expect(r.stdout).toMatch(/interview-date +- +-/);
    expect(existsSync(dir)).toBe(false);
    const j = JSON.parse(cli(['config', '--json'], envFor(dir)).stdout);
    expect(j['leech-threshold']).toEqual({ value: 8, default: 8 });
    expect(j['interview-lead-days']).toEqual({ value: 7, default: 7 });
    expect(j.parameters).toEqual({ value: null, default: null });
    expect(existsSync(dir)).toBe(false);
  });

  it('sets, gets and unsets every kind of value', () => {
    const dir = tempDir();
    const env = envFor(dir);
    const set = (k: string, v: string) => {
      const r = cli(['config', 'set', k, v], env);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      return r.stdout;
    };
    expect(set('new-per-day', '35')).toBe('new-per-day: 20 -> 35\n');
    expect(cli(['config', 'get', 'new-per-day'], env).stdout).toBe('35\n');
    set('learning-steps', '2m,15m,1h');
    expect(cli(['config', 'get', 'learning-steps'], env).stdout).toBe('2m,15m,1h\n');
    set('relearning-steps', 'none');
    expect(cli(['config', 'get', 'relearning-steps', '--json'], env).stdout).toBe(
      '{"relearning-steps":[]}\n',
    );
    set('fuzz', 'off');
    set('desired-retention', '0.85');
    set('maximum-interval', '365');
    set('leech-threshold', '5');
    set('backups', '3');
    set('rollover-hour', '0');
    set('reviews-per-day', '500');
    set('interview-lead-days', '10');
    set('interview-date', '2026-04-01');
    const j = JSON.parse(cli(['config', '--json'], env).stdout);
    expect(j['fuzz'].value).toBe(false);
    expect(j['desired-retention'].value).toBe(0.85);
    expect(j['maximum-interval'].value).toBe(365);
    expect(j['interview-date'].value).toBe('2026-04-01');
    expect(j['backups'].value).toBe(3);
    expect(cli(['config', 'set', 'new-per-day', '35'], env).stdout).toBe(
      'new-per-day is already 35; nothing changed.\n',
    );
    expect(cli(['config', 'unset', 'new-per-day'], env).stdout).toBe('new-per-day: 35 -> 20\n');
    expect(cli(['config', 'unset', 'interview-date'], env).status).toBe(0);
    expect(cli(['config', 'get', 'interview-date'], env).stdout).toBe('-\n');
    // Every change is a settings event in the log.
    const events = readAllEvents(logFile(dir));
    expect(events.every((e) => e.type === 'settings')).toBe(true);
    expect(events).toHaveLength(14);
  });

  it('accepts parameters that optimize prints and rejects out-of-range ones', () => {
    const dir = tempDir();
    const env = envFor(dir);
    const w = [
      0.212, 1.2931, 2.3065, 8.2956, 6.4133, 0.8334, 3.0194, 0.001, 1.8722, 0.1666, 0.796, 1.4835,
      0.0614, 0.2629, 1.6483, 0.6014, 1.8729, 0.5425, 0.0912, 0.0658, 0.3,
    ];
    let r = cli(['config', 'set', 'parameters', w.join(',')], env);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Rescheduled from your answers: 0 cards moved/);
    expect(JSON.parse(cli(['config', 'get', 'parameters', '--json'], env).stdout)).toEqual({
      parameters: w,
    });
    r = cli(['config', 'set', 'parameters', '1,2,3'], env);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('parameters must be 21 numbers separated by commas (FSRS-6)');
    const bad = [...w];
    bad[5] = 7;
    r = cli(['config', 'set', 'parameters', bad.join(',')], env);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('parameter 6 (w5) is 7; it must be between 0.001 and 4');
    expect(cli(['config', 'unset', 'parameters'], env).status).toBe(0);
    expect(cli(['config', 'get', 'parameters'], env).stdout).toBe('-\n');
  });

  it.each([
    [
      ['set', 'desired-retention', '0.5'],
      'desired-retention must be a number from 0.70 to 0.99, such as 0.9, not "0.5"',
    ],
    [['set', 'desired-retention', 'high'], 'desired-retention must be a number from 0.70 to 0.99'],
    [['set', 'new-per-day', '-1'], 'new-per-day must be a whole number from 0 to 9999, not "-1"'],
    [['set', 'new-per-day', '2.5'], 'new-per-day must be a whole number from 0 to 9999, not "2.5"'],
    [['set', 'rollover-hour', '24'], 'rollover-hour must be a whole number from 0 to 23, not "24"'],
    [
      ['set', 'learning-steps', '1m,ten'],
      'learning-steps: "ten" is not a step; give minutes, hours or days separated by commas',
    ],
    [['set', 'relearning-steps', '0m'], 'relearning-steps: "0m" is not a step'],
    [
      ['set', 'maximum-interval', '0'],
      'maximum-interval must be a whole number of days from 1 to 36500, not "0"',
    ],
    [['set', 'fuzz', 'yes'], 'fuzz must be on or off, not "yes"'],
    [
      ['set', 'leech-threshold', '100'],
      'leech-threshold must be a whole number of lapses from 0 to 99, not "100"',
    ],
    [['set', 'backups', 'many'], 'backups must be a whole number from 0 to 1000, not "many"'],
    [
      ['set', 'interview-date', '20-12-2026'],
      'interview-date must be a date written YYYY-MM-DD, such as 2026-12-20, not "20-12-2026"',
    ],
    [['set', 'interview-date', '2026-02-31'], 'interview-date must be a date written YYYY-MM-DD'],
    [
      ['set', 'interview-date', '2026-03-01'],
      'interview-date must be after today (2026-03-01); 2026-03-01 is not',
    ],
    [
      ['set', 'interview-lead-days', '366'],
      'interview-lead-days must be a whole number of days from 0 to 365, not "366"',
    ],
    [['set', 'nope', '1'], 'unknown key "nope"; the keys are: desired-retention, new-per-day'],
    [['set', 'fuzz'], 'missing VALUE for fuzz'],
    [['get'], 'missing KEY'],
    [['get', 'fuzz', 'extra'], 'unexpected argument "extra"'],
    [['frob'], 'unknown action "frob"; use get, set or unset'],
    [['--verbose'], "unknown option '--verbose'"],
  ])('config %j is a usage error: %s', (args, message) => {
    const dir = join(tempDir(), 'data');
    const r = cli(['config', ...args], envFor(dir));
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(message);
    expect(r.stderr).toContain('usage: sre-cards config [get KEY | set KEY VALUE | unset KEY]');
    // A rejected value changes nothing.
    const log = logFile(dir);
    expect(existsSync(log) ? readAllEvents(log) : []).toEqual([]);
  });

  it('refuses to change settings while another instance holds the lock', () => {
    const dir = tempDir();
    const col = openMini(dir, T);
    const r = cli(['config', 'set', 'new-per-day', '5'], envFor(dir));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/sre-cards: .*(in use|lock)/i);
    col.close();
  });
});

describe('rescheduling after a change of settings', () => {
  it('replaying the answers with unchanged settings reproduces every state exactly', () => {
    const dir = tempDir();
    const col = studied(dir);
    const replay = replayStates(readAllEvents(logFile(dir)), col.settings);
    expect(replay.size).toBe(4);
    for (const [id, s] of replay) expect(s).toEqual(col.state.cards[id]?.sched);
    col.close();
  });

  it('moves the cards whose due date changes, counts them, and logs them in the settings event', () => {
    const dir = tempDir();
    const col = studied(dir);
    const beforeStates = structuredClone(col.state.cards);
    const now = at(9);
    const r = col.updateSettings({ ...col.settings, desiredRetention: 0.8 }, now);
    // Lower retention: longer intervals for the three review cards; the learning card stays.
    const reviews = ['one-basic', 'two-a', 'two-b'];
    expect(r.due).toBe(3);
    for (const id of reviews) {
      const b = beforeStates[id]!.sched;
      const a = col.state.cards[id]!.sched;
      expect(a.lastReview).toBe(b.lastReview);
      expect(Date.parse(a.due!)).toBeGreaterThan(Date.parse(b.due!));
    }
    expect(col.state.cards['one-rev']?.sched.due).toBe(beforeStates['one-rev']?.sched.due);
    const ev = readAllEvents(logFile(dir)).at(-1) as SettingsEvent;
    expect(ev.type).toBe('settings');
    expect(ev.after.desiredRetention).toBe(0.8);
    expect(Object.keys(ev.moved ?? {}).sort()).toEqual(expect.arrayContaining(reviews));
    col.close();
    // The log is the source of truth: a rebuild from the log alone gives the same state.
    const sched = (c: typeof col.state.cards) =>
      Object.fromEntries(Object.entries(c).map(([id, r]) => [id, r.sched]));
    const expected = sched(col.state.cards);
    rmSync(join(dir, 'collection.snap'));
    const again = openMini(dir, now, { mode: 'read' });
    expect(sched(again.state.cards)).toEqual(expected);
    expect(again.settings.desiredRetention).toBe(0.8);
    again.close();
  });

  it('leaves undone answers out of the replay', () => {
    const dir = tempDir();
    const col = studied(dir);
    col.answer('one-cloze:c1', 'easy', at(8), 1000);
    col.undo(at(8));
    const r = col.updateSettings({ ...col.settings, desiredRetention: 0.8 }, at(9));
    expect(r.due).toBe(3);
    expect(col.state.cards['one-cloze:c1']?.sched.state).toBe('new');
    col.close();
  });

  it('a change that does not touch intervals moves nothing', () => {
    const dir = tempDir();
    const col = studied(dir);
    expect(changesIntervals(col.settings, { ...col.settings, newPerDay: 3 })).toBe(false);
    expect(changesIntervals(col.settings, { ...col.settings, fuzz: false })).toBe(true);
    const r = col.updateSettings({ ...col.settings, newPerDay: 3, leechThreshold: 4 }, at(9));
    expect(r).toEqual({ due: 0, changed: 0 });
    const ev = readAllEvents(logFile(dir)).at(-1) as SettingsEvent;
    expect(ev.moved).toBeUndefined();
    col.close();
  });

  it('undoing a settings event puts the settings and the moved cards back', () => {
    const dir = tempDir();
    const col = studied(dir);
    const before = structuredClone(col.state);
    col.updateSettings({ ...col.settings, desiredRetention: 0.95 }, at(9));
    const ev = readAllEvents(logFile(dir)).at(-1) as SettingsEvent;
    const state = structuredClone(col.state);
    applyEvent(state, { seq: ev.seq + 1, type: 'undo', at: ev.at, target: ev } as CollectionEvent);
    expect(state.settings).toEqual(before.settings);
    expect(state.cards).toEqual(before.cards);
    col.close();
  });

  it('reports the cards moved from the command line, and undone answers stay out of the replay', () => {
    const dir = tempDir();
    const env = (now: string) => envFor(dir, now);
    const ids = (
      JSON.parse(cli(['list', '--json'], env('2026-03-01T09:00:00Z')).stdout) as { id: string }[]
    )
      .slice(0, 4)
      .map((c) => c.id);
    const [a, b, c, d] = ids as [string, string, string, string];
    const answer = (id: string, r: string, now: string) =>
      expect(cli(['answer', id, r], env(now)).status).toBe(0);
    answer(a, 'easy', '2026-03-01T09:00:00Z');
    answer(b, 'easy', '2026-03-01T09:01:00Z');
    answer(c, 'good', '2026-03-01T09:02:00Z');
    answer(a, 'good', '2026-03-09T09:00:00Z');
    answer(b, 'hard', '2026-03-09T09:01:00Z');
    expect(JSON.parse(cli(['show', d, '--json'], env('2026-03-10T09:00:00Z')).stdout).state).toBe(
      'new',
    );
    const r = cli(['config', 'set', 'desired-retention', '0.8'], env('2026-03-10T09:00:00Z'));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    // a and b are review cards whose intervals grow; c is still learning.
    expect(r.stdout).toBe(
      'desired-retention: 0.9 -> 0.8\nRescheduled from your answers: 2 cards moved to a new due date.\n',
    );
    const r2 = cli(['config', 'set', 'fuzz', 'off', '--json'], env('2026-03-10T09:00:00Z'));
    expect(JSON.parse(r2.stdout)).toMatchObject({
      key: 'fuzz',
      value: false,
      previous: true,
      changed: true,
    });
  });
});
