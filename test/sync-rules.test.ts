/**
 * Sync's rules beyond the merge itself: settings changed on two devices (the later
 * wins), a device whose clock is wrong, a data folder copied from another, flags and
 * marks from other devices, and a session that takes in a synced folder while it runs.
 */
import { cpSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Collection } from '../src/store/collection.js';
import { writeSyncConfig } from '../src/store/device.js';
import { dataPaths } from '../src/store/paths.js';
import { Session } from '../src/session/session.js';
import { NO_FILTER } from '../src/core/queue.js';
import { cleanup, cli, miniDeck, tempDir } from './helpers.js';

afterEach(() => {
  cleanup();
});

const env = (dir: string, now: string) => ({ SRE_CARDS_DATA_DIR: dir, SRE_CARDS_NOW: now });

function ok(dir: string, now: string, args: string[], input?: string): string {
  const r = cli(args, env(dir, now), input);
  expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r.stdout;
}

const T = '2026-03-01T09:00:00Z';

describe('sync: what the devices agree on', () => {
  it('a setting changed on two devices: the later change wins on both, and config shows it', () => {
    const shared = tempDir('sre-cards-shared-');
    const [a, b] = [tempDir(), tempDir()];
    for (const d of [a, b]) ok(d, T, ['sync', 'setup', '--folder', shared]);
    ok(b, '2026-03-01T10:00:00Z', ['config', 'set', 'new-per-day', '35']);
    ok(a, '2026-03-01T09:30:00Z', ['config', 'set', 'new-per-day', '12']);
    for (const d of [a, b]) ok(d, '2026-03-01T11:00:00Z', ['sync']);
    for (const d of [a, b])
      expect(ok(d, '2026-03-01T11:00:00Z', ['config', 'get', 'new-per-day'])).toBe('35\n');
  });

  it('flags and marks given on one device reach the other', () => {
    const shared = tempDir('sre-cards-shared-');
    const [a, b] = [tempDir(), tempDir()];
    for (const d of [a, b]) ok(d, T, ['sync', 'setup', '--folder', shared]);
    ok(a, T, ['flag', 'd61-spof', '3']);
    ok(b, '2026-03-01T09:10:00Z', ['mark', 'd61-sli']);
    for (const d of [a, b]) ok(d, '2026-03-01T09:20:00Z', ['sync']);
    for (const d of [a, b]) {
      const flagged = JSON.parse(ok(d, T, ['list', '--flag', '3', '--json'])) as { id: string }[];
      expect(flagged.map((c) => c.id)).toEqual(['d61-spof']);
      const marked = JSON.parse(ok(d, T, ['list', '--marked', '--json'])) as { id: string }[];
      // A mark is the note's: both cards of the note.
      expect(marked.map((c) => c.id)).toEqual(['d61-sli', 'd61-sli:rev']);
    }
  });
});

describe('sync: faults it reports', () => {
  it('a device whose clock is in the future is reported, and its answers still merge', () => {
    const shared = tempDir('sre-cards-shared-');
    const [a, b] = [tempDir(), tempDir()];
    for (const d of [a, b]) ok(d, T, ['sync', 'setup', '--folder', shared]);
    // B's clock is a year ahead.
    ok(b, '2027-03-01T09:00:00Z', ['answer', 'd61-spof', 'good']);
    const r = cli(['sync'], env(a, '2026-03-01T10:00:00Z'));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      /clock looks wrong: its event 1 is dated 2027-03-01T09:00:00.000Z, in the future/,
    );
    expect(r.stdout).toMatch(/received 1 \(1 answer:/);
  });

  it('a data folder copied from another: the shared folder refuses it, and git refuses to push it', () => {
    const shared = tempDir('sre-cards-shared-');
    const a = tempDir();
    ok(a, T, ['answer', 'd61-spof', 'good']);
    const copy = tempDir();
    cpSync(a, copy, { recursive: true });
    ok(a, T, ['sync', 'setup', '--folder', shared]);
    const r = cli(['sync', 'setup', '--folder', shared], env(copy, T));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /already holds a log for this device's id .*written by another data folder; nothing was changed/,
    );

    const root = tempDir('sre-cards-remote-');
    const repo = join(root, 'c.git');
    expect(spawnSync('git', ['init', '-q', '--bare', repo]).status).toBe(0);
    const [x] = [tempDir()];
    ok(x, T, ['answer', 'd61-spof', 'good']);
    const y = tempDir();
    cpSync(x, y, { recursive: true });
    ok(x, T, ['sync', 'setup', repo]);
    ok(x, '2026-03-01T09:10:00Z', ['answer', 'd61-sli', 'good']);
    ok(x, '2026-03-01T09:11:00Z', ['sync']);
    ok(y, '2026-03-01T09:20:00Z', ['answer', 'd61-ha-vs-ft', 'good']);
    const before = readFileSync(dataPaths(y).log, 'utf8');
    const s = cli(['sync', 'setup', repo], env(y, '2026-03-01T09:30:00Z'));
    expect(s.status).toBe(1);
    expect(s.stderr).toMatch(/another data folder claims this device's id/);
    // Nothing of Y's is lost.
    expect(readFileSync(dataPaths(y).log, 'utf8')).toBe(before);
    expect(JSON.parse(ok(y, T, ['show', 'd61-ha-vs-ft', '--json'])).reps).toBe(1);
  });
});

describe('a session and a synced folder', () => {
  it('takes in the other device answers while it runs: the counts follow', () => {
    const deck = miniDeck();
    const shared = tempDir('sre-cards-shared-');
    const [a, b] = [tempDir(), tempDir()];
    const open = (d: string, now: Date) =>
      Collection.open({ dataDir: d, mode: 'write', now, timeZone: 'UTC', builtin: deck });
    const t0 = new Date(T);
    for (const d of [a, b]) {
      open(d, t0).close();
      writeSyncConfig(dataPaths(d), { mode: 'folder', dir: shared });
    }
    const col = open(a, t0);
    const session = new Session(col, NO_FILTER, () => t0);
    const before = session.counts();
    expect(before.new).toBeGreaterThan(1);
    const other = open(b, t0);
    other.answer('one-basic', 'easy', t0, 1000);
    other.answer('two-a', 'easy', t0, 1000);
    other.close();
    expect(session.pickUp()).toBe(2);
    const after = session.counts();
    expect(after.new).toBe(before.new - 2);
    expect(col.state.cards['one-basic']?.sched.reps).toBe(1);
    expect(session.pickUp()).toBe(0);
    col.close();
  });
});
