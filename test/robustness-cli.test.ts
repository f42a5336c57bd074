/**
 * The robustness commands and rules through the real binary: `answer --stdin`, `doctor`,
 * a second writer while a session is open, and read-only commands that write nothing
 * (no deck sync, migration, backup or cache from them).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readAllEvents } from '../src/store/log/file.js';
import { BIN, cleanup, cli, tempDir, writeDeckFolder, fileTree, logFile } from './helpers.js';

afterEach(cleanup);
const NOW = '2026-03-01T09:00:00Z';
const env = (dir: string, now = NOW) => ({ SRE_CARDS_DATA_DIR: dir, SRE_CARDS_NOW: now });

describe('answer --stdin', () => {
  it('acknowledges each saved answer on its own line, as text or JSON', () => {
    const dir = tempDir();
    const r = cli(
      ['answer', '--stdin'],
      env(dir),
      'd61-spof good\n\n# a comment\nd61-ha-vs-ft 4\n',
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(
      'saved 1 d61-spof good: learning, due 2026-03-01T09:10:00.000Z\n' +
        'saved 2 d61-ha-vs-ft easy: review, due 2026-03-08T09:00:00.000Z\n',
    );
    const j = cli(['answer', '--stdin', '--json'], env(dir), 'd61-spof again\n');
    expect(j.status).toBe(0);
    expect(JSON.parse(j.stdout)).toEqual({
      seq: 3,
      id: 'd61-spof',
      rating: 'again',
      state: 'learning',
      due: '2026-03-01T09:01:00.000Z',
    });
    expect(readAllEvents(logFile(dir)).map((e) => e.seq)).toEqual([1, 2, 3]);
  });

  it('stops at the first line it cannot answer, exit 1, keeping the ones before', () => {
    const dir = tempDir();
    const r = cli(
      ['answer', '--stdin'],
      env(dir),
      'd61-spof good\nd61-spof great\nd61-ha-vs-ft good\n',
    );
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^saved 1 d61-spof good/);
    expect(r.stderr).toBe(
      'sre-cards: line 2: rating must be again, hard, good, easy or 1-4, not "great"; the 1 answer acknowledged before it is saved\n',
    );
    const bad = cli(['answer', '--stdin'], env(dir), 'nope good\n');
    expect(bad.stderr).toMatch(/line 1: no card "nope"; .*; no answer was saved/);
    const odd = cli(['answer', '--stdin'], env(dir), 'one two three\n');
    expect(odd.stderr).toMatch(/line 1: expected `CARD_ID RATING`, found "one two three"/);
    const usage = cli(['answer', '--stdin', 'd61-spof'], env(dir));
    expect(usage.status).toBe(2);
    expect(usage.stderr).toMatch(/usage: sre-cards answer/);
  });
});

describe('doctor', () => {
  it('exits 0 on a healthy collection and 1 with a problem, pointing at --repair', () => {
    const dir = tempDir();
    expect(cli(['answer', '--stdin'], env(dir), 'd61-spof good\n').status).toBe(0);
    const ok = cli(['doctor'], env(dir));
    expect(ok.status, ok.stdout).toBe(0);
    expect(ok.stdout).toMatch(/No problems found\./);
    const log = logFile(dir);
    // Garbled in place: same length, no longer JSON.
    writeFileSync(log, readFileSync(log, 'utf8').replace('"type"', "'type'"));
    const bad = cli(['doctor'], env(dir));
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(
      /PROBLEM +log +.*\.jsonl is damaged: 1 bad line \(line 1: a line is not valid JSON\)/,
    );
    expect(bad.stdout).toMatch(/1 problem found\. `sre-cards doctor --repair` fixes it/);
    const json = cli(['doctor', '--json'], env(dir));
    expect(JSON.parse(json.stdout).check.problems).toBe(1);
  });

  it('--repair says what it did and where the damaged file is kept', () => {
    const dir = tempDir();
    expect(cli(['answer', '--stdin'], env(dir), 'd61-spof good\nd61-ha-vs-ft good\n').status).toBe(
      0,
    );
    const snap = join(dir, 'collection.snap');
    writeFileSync(snap, readFileSync(snap).subarray(0, 500));
    const due = cli(['due'], env(dir));
    expect(due.status).toBe(1);
    expect(due.stderr).toMatch(/is damaged .*left untouched\. Run `sre-cards doctor --repair`/);
    const r = cli(['doctor', '--repair'], env(dir));
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /the damaged file was moved to .*collection\.snap\.damaged-20260301-090000\n.*no readable backup; the collection is rebuilt from the event log alone/,
    );
    expect(r.stdout).toMatch(/After the repair:\nok +collection/);
    expect(readFileSync(join(dir, 'collection.snap.damaged-20260301-090000'))).toHaveLength(500);
    const show = JSON.parse(cli(['show', 'd61-ha-vs-ft', '--json'], env(dir)).stdout);
    expect(show.reps).toBe(1);
  });

  it('--rebuild reports that the stored states match their replayed answers', () => {
    const dir = tempDir();
    for (const [day, rating] of [
      ['2026-03-01', 'easy'],
      ['2026-03-09', 'good'],
      ['2026-04-01', 'hard'],
    ])
      cli(['answer', '--stdin'], env(dir, `${day}T09:00:00Z`), `d61-spof ${rating}\n`);
    const r = cli(['doctor', '--rebuild'], env(dir));
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /rebuild: replayed 3 answers of 1 card through FSRS; every card matches its stored state\./,
    );
  });
});

describe('two instances', () => {
  it('a second writer says who holds the collection and exits 1; readers still work and write nothing', () => {
    const dir = tempDir();
    const deckDir = writeDeckFolder(join(tempDir(), 'mydeck'));
    expect(cli(['deck', 'add', deckDir], env(dir)).status).toBe(0);
    expect(cli(['answer', '--stdin'], env(dir), 'd61-spof good\ntwo-a good\n').status).toBe(0);
    // A session holds the lock (this test runner's pid: a live process).
    writeFileSync(join(dir, 'lock'), JSON.stringify({ pid: process.pid, command: 'review' }));
    // A later study day, and a changed deck: a writer would back up, sync and cache.
    writeFileSync(
      join(deckDir, 'day-9.md'),
      '---\nday: 9\ntitle: Nine\ntopics: reliability\n---\n## nine\nQ: Nine?\nA: 9\n',
    );
    const later = env(dir, '2026-03-05T09:00:00Z');
    const before = fileTree(dir);
    const held = new RegExp(`in use by another sre-cards \\(pid ${process.pid}\\)`);
    for (const args of [
      ['answer', 'd61-ha-vs-ft', 'good'],
      ['answer', '--stdin'],
      ['config', 'set', 'backups', '3'],
      ['doctor', '--repair'],
      ['doctor', '--rebuild'],
    ]) {
      const r = cli(args, later, 'd61-ha-vs-ft good\n');
      expect(r.status, args.join(' ')).toBe(1);
      expect(r.stderr, args.join(' ')).toMatch(held);
    }
    const out = join(tempDir(), 'x.apkg');
    for (const args of [
      ['due'],
      ['list', '--deck', 'mini'],
      ['show', 'd61-spof'],
      ['topics'],
      ['stats'],
      ['doctor'],
      ['deck', 'list'],
      ['export', 'anki', '--with-progress', '--out', out],
    ]) {
      const r = cli(args, later);
      expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    }
    // The readers saw the changed deck, in memory only.
    expect(JSON.parse(cli(['list', '--deck', 'mini', '--json'], later).stdout)).toHaveLength(8);
    expect(fileTree(dir)).toEqual(before);
    expect(existsSync(out)).toBe(true);
  });

  it('review, under a terminal, refuses too', () => {
    const hasScript = spawnSync('script', ['--version']).status === 0;
    if (!hasScript) return;
    const dir = tempDir();
    expect(cli(['answer', '--stdin'], env(dir), 'd61-spof good\n').status).toBe(0);
    writeFileSync(join(dir, 'lock'), JSON.stringify({ pid: process.pid, command: 'review' }));
    const r = spawnSync('script', ['-qec', `${process.execPath} ${BIN} review`, '/dev/null'], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', TERM: 'xterm', TZ: 'UTC', ...env(dir) },
      timeout: 20_000,
    });
    expect(r.stdout).toMatch(new RegExp(`in use by another sre-cards \\(pid ${process.pid}\\)`));
  });

  it('takes over a lock left by a killed process', () => {
    const dir = tempDir();
    expect(cli(['answer', '--stdin'], env(dir), 'd61-spof good\n').status).toBe(0);
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
    });
    writeFileSync(join(dir, 'lock'), JSON.stringify({ pid: Number(dead.stdout) }));
    expect(cli(['doctor'], env(dir)).stdout).toMatch(/lock +left by pid \d+, which is gone/);
    expect(cli(['answer', '--stdin'], env(dir), 'd61-ha-vs-ft good\n').status).toBe(0);
    expect(existsSync(join(dir, 'lock'))).toBe(false);
  });
});
