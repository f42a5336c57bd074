/**
 * Sync between devices: data folders that answer offline, then sync in turn through a
 * bare git repository on disk, or share a folder; every device ends with the same
 * state, and that state is the replay of the merged logs from scratch.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Collection } from '../src/store/collection.js';
import { writeSyncConfig } from '../src/store/device.js';
import { dataPaths } from '../src/store/paths.js';
import {
  cleanup,
  cli,
  miniDeck,
  seededRandom,
  tempDir,
  readSnapshotDoc,
  writeDeckFolder,
} from './helpers.js';

afterEach(() => {
  cleanup();
});

function env(dir: string, now: string): Record<string, string> {
  return { SRE_CARDS_DATA_DIR: dir, SRE_CARDS_NOW: now };
}

function run(dir: string, now: string, args: string[], input?: string) {
  const r = cli(args, env(dir, now), input);
  return r;
}

function ok(dir: string, now: string, args: string[], input?: string): string {
  const r = run(dir, now, args, input);
  expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r.stdout;
}

function bareRepo(): string {
  const root = tempDir('sre-cards-remote-');
  const repo = join(root, 'collection.git');
  const r = spawnSync('git', ['init', '-q', '--bare', repo], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return repo;
}

/** What must agree across devices: each card's schedule. */
function schedule(dir: string, now: string): unknown {
  return (JSON.parse(ok(dir, now, ['list', '--json'])) as Record<string, unknown>[]).map((c) => [
    c.id,
    c.state,
    c.stability,
    c.difficulty,
    c.due,
    c.reps,
    c.lapses,
    c.suspended,
  ]);
}

describe('sync through git', () => {
  it('three devices answer offline, sync in turn, and end with one state, the replay of the merged logs', () => {
    const repo = bareRepo();
    const [a, b, c] = [tempDir(), tempDir(), tempDir()];
    const T1 = '2026-03-01T09:00:00Z';
    ok(a, T1, ['answer', '--stdin'], 'd61-spof good\nd61-ha-vs-ft easy\n');
    expect(ok(a, T1, ['sync', 'setup', repo])).toMatch(/sent 2 events; received 0/);
    ok(b, '2026-03-01T10:00:00Z', ['answer', '--stdin'], 'd61-spof again\nd61-sli good\n');
    expect(ok(b, '2026-03-01T10:00:00Z', ['sync', 'setup', repo])).toMatch(
      /sent 2 events; received 2 \(2 answers: 2 from /,
    );
    ok(c, '2026-03-01T11:00:00Z', ['answer', '--stdin'], 'd61-spof hard\n');
    // One of a thing is one, not ones.
    expect(ok(c, '2026-03-01T11:00:00Z', ['sync', 'setup', repo])).toMatch(
      /^sync: sent 1 event; received 4 \(4 answers: 2 from .*, 2 from .*\); 3 cards changed$/m,
    );
    // Offline work on two devices, same card, then syncs in turn.
    ok(a, '2026-03-02T09:00:00Z', ['answer', 'd61-spof', 'good']);
    ok(b, '2026-03-02T08:00:00Z', ['answer', 'd61-spof', 'easy']);
    ok(a, '2026-03-02T09:05:00Z', ['sync']);
    ok(b, '2026-03-02T09:06:00Z', ['sync']);
    ok(c, '2026-03-02T09:07:00Z', ['sync']);
    ok(a, '2026-03-02T09:08:00Z', ['sync']);
    const now = '2026-03-02T12:00:00Z';
    const want = schedule(a, now);
    expect(schedule(b, now)).toEqual(want);
    expect(schedule(c, now)).toEqual(want);
    // Every answer kept: five answers to d61-spof, each with its device.
    const shown = JSON.parse(ok(c, now, ['show', 'd61-spof', '--json'])) as {
      log: { device: string }[];
    };
    expect(shown.log).toHaveLength(5);
    expect(new Set(shown.log.map((l) => l.device)).size).toBe(3);
    // The text names them too, a column of its own.
    const text = ok(c, now, ['show', 'd61-spof']);
    expect(text).toMatch(/^log: +answered +rating +state +interval +time +device$/m);
    const rows = text.split('\n').filter((l) => /^ {2}\d{4}-/.test(l));
    expect(rows.map((r) => r.trim().split(/ {2,}/).at(-1))).toEqual(shown.log.map((l) => l.device));
    for (const d of [a, b, c])
      expect(ok(d, now, ['doctor', '--rebuild', '--dry-run'])).toMatch(
        /every card matches its stored state/,
      );
    // From scratch: the snapshot gone, the logs replayed, the same state.
    rmSync(join(b, 'collection.snap'));
    expect(schedule(b, now)).toEqual(want);
    // Daily limits count every device's answers once they arrive.
    const days = readSnapshotDoc(join(a, 'collection.snap')).days;
    expect(days['2026-03-01'].new + days['2026-03-01'].learning).toBe(5);
  });

  it("a device that joins takes in the other's own decks with their answers", () => {
    const repo = bareRepo();
    const [a, b] = [tempDir(), tempDir()];
    const deck = writeDeckFolder(join(tempDir(), 'mydeck'));
    const T = '2026-03-01T09:00:00Z';
    ok(a, T, ['deck', 'add', deck]);
    ok(a, T, ['answer', '--stdin'], 'one-basic good\none-rev easy\nd61-spof good\n');
    ok(a, T, ['suspend', 'two-a']);
    ok(a, T, ['sync', 'setup', repo]);
    // The deck is at the same path on the other device; it was never added there.
    expect(ok(b, T, ['sync', 'setup', repo])).toMatch(/received 5 \(3 answers: 3 from /);
    const later = '2026-03-01T12:00:00Z';
    expect(schedule(b, later)).toEqual(schedule(a, later));
    expect(JSON.parse(ok(b, later, ['show', 'one-rev', '--json'])).state).toBe('review');
    expect(ok(b, later, ['doctor', '--rebuild', '--dry-run'])).toMatch(/every card matches/);
  });

  it('an unreachable remote: exit 1, the answers kept and sent at the next sync', () => {
    const repo = bareRepo();
    const a = tempDir();
    const T = '2026-03-01T09:00:00Z';
    ok(a, T, ['sync', 'setup', repo]);
    ok(a, T, ['answer', 'd61-spof', 'good']);
    const moved = `${repo}-away`;
    spawnSync('mv', [repo, moved]);
    const r = run(a, T, ['sync']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/could not reach the remote .*your answers are saved here/);
    // What git said, not the last line of its advice.
    expect(r.stderr).toMatch(/\(git: '[^']+' does not appear to be a git repository\); your/);
    ok(a, T, ['answer', 'd61-sli', 'good']);
    spawnSync('mv', [moved, repo]);
    // The answer committed before the failure goes too.
    expect(ok(a, T, ['sync'])).toMatch(/sent 1 event;/);
    const b = tempDir();
    expect(ok(b, T, ['sync', 'setup', repo])).toMatch(/received 2 \(2 answers/);
  });

  it('refuses a remote that holds something else, or another collection, and changes nothing there', () => {
    const T = '2026-03-01T09:00:00Z';
    const other = bareRepo();
    const work = tempDir();
    const g = (args: string[]) =>
      spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], {
        cwd: work,
        encoding: 'utf8',
      });
    g(['init', '-q']);
    writeFileSync(join(work, 'README'), 'not cards\n');
    g(['add', '.']);
    g(['commit', '-qm', 'x']);
    g(['push', '-q', other, 'HEAD:refs/heads/main']);
    const a = tempDir();
    const r = run(a, T, ['sync', 'setup', other]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/holds something other than an sre-cards collection/);

    const one = bareRepo();
    const two = bareRepo();
    const b = tempDir();
    const c = tempDir();
    ok(b, T, ['sync', 'setup', one]);
    ok(c, T, ['sync', 'setup', two]);
    writeSyncConfig(dataPaths(b), {
      ...JSON.parse(readFileSync(join(b, 'sync.json'), 'utf8')),
      remote: two,
    });
    spawnSync('git', ['remote', 'set-url', 'origin', two], { cwd: join(b, 'sync-git') });
    const r2 = run(b, T, ['sync']);
    expect(r2.status).toBe(1);
    expect(r2.stderr).toMatch(/holds another collection/);
  });

  it('says so when git is missing', () => {
    const a = tempDir();
    const r = cli(['sync', 'setup', '/nowhere.git'], {
      ...env(a, '2026-03-01T09:00:00Z'),
      PATH: '/nonexistent',
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/git is not installed/);
  });
});

describe('sync through a folder', () => {
  const T = '2026-03-01T09:00:00Z';

  it('merges a shared folder: a torn last line waits, a conflicted copy adds no duplicate, temporary files are ignored', () => {
    const shared = tempDir('sre-cards-shared-');
    const [a, b] = [tempDir(), tempDir()];
    ok(a, T, ['answer', 'd61-spof', 'good']);
    ok(a, T, ['sync', 'setup', '--folder', shared]);
    ok(b, T, ['sync', 'setup', '--folder', shared]);
    ok(b, '2026-03-01T09:30:00Z', ['answer', 'd61-sli', 'easy']);
    const bLog = join(
      shared,
      `${JSON.parse(readFileSync(join(b, 'device.json'), 'utf8')).id}.jsonl`,
    );
    // B's file-sync tool is halfway through writing a line when A reads.
    const line = JSON.stringify({
      type: 'suspend',
      at: '2026-03-01T09:40:00.000Z',
      card: 'd61-ha-vs-ft',
      seq: 2,
    });
    appendFileSync(bLog, line.slice(0, 30));
    writeFileSync(join(shared, '.syncthing.x.jsonl.tmp'), 'garbage');
    writeFileSync(join(shared, '~syncthing~y.tmp'), 'garbage');
    expect(ok(a, '2026-03-01T10:00:00Z', ['sync'])).toMatch(/received 1 \(1 answer:/);
    expect(JSON.parse(ok(a, T, ['show', 'd61-ha-vs-ft', '--json'])).suspended).toBe(false);
    appendFileSync(bLog, line.slice(30) + '\n');
    // A conflicted copy of B's log, holding events B's log has and one it lacks.
    const copy =
      readFileSync(bLog, 'utf8') +
      JSON.stringify({
        type: 'bury',
        at: '2026-03-01T09:50:00.000Z',
        card: 'd61-spof',
        day: '2026-03-01',
        prev: null,
        seq: 3,
      }) +
      '\n';
    writeFileSync(bLog.replace('.jsonl', '.sync-conflict-20260301-095000-ABCDEFG.jsonl'), copy);
    ok(a, '2026-03-01T10:01:00Z', ['sync']);
    ok(b, '2026-03-01T10:01:00Z', ['sync']);
    const now = '2026-03-01T10:02:00Z';
    expect(JSON.parse(ok(a, now, ['show', 'd61-ha-vs-ft', '--json'])).suspended).toBe(true);
    expect(JSON.parse(ok(a, now, ['show', 'd61-spof', '--json'])).log).toHaveLength(1);
    expect(schedule(b, now)).toEqual(schedule(a, now));
    expect(ok(a, now, ['doctor', '--rebuild', '--dry-run'])).toMatch(/every card matches/);
  });

  it('refuses a device log edited by hand, with file:line, and still merges the others', () => {
    const shared = tempDir('sre-cards-shared-');
    const [a, b, c] = [tempDir(), tempDir(), tempDir()];
    for (const d of [a, b, c]) ok(d, T, ['sync', 'setup', '--folder', shared]);
    ok(b, T, ['answer', 'd61-spof', 'good']);
    ok(c, T, ['answer', 'd61-sli', 'good']);
    const bId = JSON.parse(readFileSync(join(b, 'device.json'), 'utf8')).id;
    const bLog = join(shared, `${bId}.jsonl`);
    writeFileSync(bLog, readFileSync(bLog, 'utf8').replace('"rating":3', '"rating":7'));
    const r = run(a, T, ['sync']);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(
      new RegExp(`the log of device .*${bId}.* is refused from .*${bId}\\.jsonl:1: .*rating`),
    );
    expect(r.stdout).toMatch(/received 1 \(1 answer:/);
    expect(JSON.parse(ok(a, T, ['show', 'd61-sli', '--json'])).reps).toBe(1);
  });
});

/** What the learner's answers made of the collection (not when it first saw each card). */
function learned(col: Collection): string {
  const cards = Object.values(col.state.cards).map((c) => [
    c.id,
    c.sched,
    c.suspended,
    c.buriedDay,
    c.leech,
    c.flag,
    c.marked,
  ]);
  return JSON.stringify([cards, col.state.days]);
}

describe('merging, property', () => {
  it('any interleaving of syncs converges to the same state', () => {
    const deck = miniDeck();
    const cards = ['one-basic', 'one-rev', 'one-rev:rev', 'two-a', 'two-b', 'one-cloze:c1'];
    const ratings = ['again', 'hard', 'good', 'easy'] as const;
    for (let seed = 1; seed <= 12; seed++) {
      const rnd = seededRandom(seed);
      const shared = tempDir('sre-cards-shared-');
      const dirs = [tempDir(), tempDir(), tempDir()];
      const open = (d: string, now: Date) =>
        Collection.open({ dataDir: d, mode: 'write', now, timeZone: 'UTC', builtin: deck });
      for (const d of dirs) {
        open(d, new Date('2026-03-01T08:00:00Z')).close();
        writeSyncConfig(dataPaths(d), { mode: 'folder', dir: shared });
      }
      let t = Date.parse('2026-03-01T09:00:00Z');
      for (let i = 0; i < 40; i++) {
        t += Math.floor(rnd() * 6 * 3600_000);
        const now = new Date(t);
        const d = dirs[Math.floor(rnd() * 3)] as string;
        const col = open(d, now);
        if (rnd() < 0.3) col.pickUp(now);
        const card = cards[Math.floor(rnd() * cards.length)] as string;
        if (!col.state.cards[card]?.suspended) {
          col.answer(card, ratings[Math.floor(rnd() * 4)] as (typeof ratings)[number], now, 1000);
          if (rnd() < 0.15) col.setFlag(card, Math.floor(rnd() * 8), now);
          if (rnd() < 0.1) col.setMarked(card, rnd() < 0.7, now);
          if (rnd() < 0.15) col.undo(now);
        }
        col.close();
      }
      const end = new Date(t + 3600_000);
      const states = dirs.map((d) => {
        const col = open(d, end);
        col.pickUp(end);
        const s = learned(col);
        col.close();
        return s;
      });
      expect(states[1]).toBe(states[0]);
      expect(states[2]).toBe(states[0]);
      // From scratch, in another order of arrival.
      rmSync(join(dirs[2] as string, 'collection.snap'));
      const col = open(dirs[2] as string, end);
      expect(learned(col)).toBe(states[0]);
      col.close();
    }
  });
});

describe('sync, killed', () => {
  it('a SIGKILL during sync loses no acknowledged answer, and the next sync recovers', async () => {
    const { spawn } = await import('node:child_process');
    const { BIN } = await import('./helpers.js');
    const repo = bareRepo();
    const a = tempDir();
    const T = '2026-03-01T09:00:00Z';
    ok(a, T, ['sync', 'setup', repo]);
    const ids = (
      JSON.parse(ok(a, T, ['list', '--day', '61-62', '--json'])) as { id: string }[]
    ).map((c) => c.id);
    const rnd = seededRandom(7);
    const acknowledged: string[] = [];
    for (let round = 0; round < 8; round++) {
      const now = new Date(Date.parse(T) + round * 3600_000).toISOString();
      const batch = ids.slice(round * 3, round * 3 + 3);
      const out = ok(a, now, ['answer', '--stdin'], batch.map((id) => `${id} good\n`).join(''));
      for (const l of out.trim().split('\n')) acknowledged.push(l.split(' ')[2] as string);
      await new Promise<void>((done) => {
        const p = spawn(process.execPath, [BIN, 'sync'], {
          env: {
            PATH: process.env.PATH ?? '',
            HOME: process.env.HOME ?? '/tmp',
            TZ: 'UTC',
            ...env(a, now),
          },
          stdio: 'ignore',
        });
        const t = setTimeout(() => p.kill('SIGKILL'), Math.floor(rnd() * 400));
        p.on('exit', () => {
          clearTimeout(t);
          done();
        });
      });
    }
    const end = '2026-03-02T09:00:00Z';
    ok(a, end, ['sync']);
    expect(ok(a, end, ['doctor'])).toMatch(/No problems found/);
    const b = tempDir();
    expect(ok(b, end, ['sync', 'setup', repo])).toMatch(
      new RegExp(`received \\d+ \\(${acknowledged.length} answers`),
    );
    for (const id of acknowledged)
      expect(JSON.parse(ok(b, end, ['show', id, '--json'])).reps, id).toBe(1);
  }, 120_000);
});

describe('sync, after a git command was killed midway', () => {
  it('puts the working copy back as its last commit has it before committing anything', () => {
    const repo = bareRepo();
    const [a, b] = [tempDir(), tempDir()];
    const T = '2026-03-01T09:00:00Z';
    ok(a, T, ['sync', 'setup', repo]);
    const [id] = (JSON.parse(ok(b, T, ['list', '--day', '61', '--json'])) as { id: string }[]).map(
      (c) => c.id,
    );
    ok(b, T, ['answer', id as string, 'good']);
    ok(b, T, ['sync', 'setup', repo]);
    ok(a, T, ['sync']);
    // In a's working copy: b's segment half written by a merge that was killed, with the
    // lock git leaves behind.
    const work = join(a, 'sync-git');
    const files = spawnSync('git', ['ls-files'], { cwd: work, encoding: 'utf8' }).stdout.split(
      '\n',
    );
    const own = readFileSync(join(a, 'device.json'), 'utf8');
    const theirs = files.find(
      (f) => /\.jsonl$/.test(f) && !own.includes(f.split('/')[0] as string),
    );
    expect(theirs).toBeDefined();
    const whole = readFileSync(join(work, theirs as string), 'utf8');
    writeFileSync(join(work, theirs as string), whole.slice(0, 20));
    writeFileSync(join(work, '.git', 'index.lock'), '');
    ok(a, '2026-03-01T10:00:00Z', ['sync']);
    // Nothing half written was committed or pushed: the remote holds b's segment whole.
    const shown = spawnSync('git', ['show', `main:${theirs as string}`], {
      cwd: repo,
      encoding: 'utf8',
    });
    expect(shown.stdout).toBe(whole);
    expect(readFileSync(join(work, theirs as string), 'utf8')).toBe(whole);
    expect(ok(a, '2026-03-01T10:00:00Z', ['doctor'])).toMatch(/No problems found/);
  });
});

describe('sync, after a merge stopped without its lock', () => {
  it('removes a half-written new segment of another device rather than committing it', () => {
    const repo = bareRepo();
    const [a, b] = [tempDir(), tempDir()];
    const T = '2026-03-01T09:00:00Z';
    ok(a, T, ['sync', 'setup', repo]);
    ok(b, T, ['sync', 'setup', repo]);
    const ids = (JSON.parse(ok(b, T, ['list', '--day', '61', '--json'])) as { id: string }[]).map(
      (c) => c.id,
    );
    ok(b, T, ['answer', ids[0] as string, 'good']);
    ok(b, T, ['sync']);
    // What b pushed reaches a's working copy cut short, untracked, with no lock: a merge
    // stopped by Ctrl-C (git removes its lock on a signal) while writing it.
    const show = (args: string[], cwd: string) =>
      spawnSync('git', args, { cwd, encoding: 'utf8' }).stdout;
    const pushed = show(['ls-tree', '-r', '--name-only', 'main'], repo)
      .split('\n')
      .filter((f) => f.endsWith('.jsonl'));
    const work = join(a, 'sync-git');
    const tracked = show(['ls-files'], work).split('\n');
    const fresh = pushed.find((f) => !tracked.includes(f));
    expect(fresh).toBeDefined();
    const whole = show(['show', `main:${fresh as string}`], repo);
    mkdirSync(join(work, dirname(fresh as string)), { recursive: true });
    writeFileSync(join(work, fresh as string), whole.slice(0, 25));
    // The next sync takes b's answer in whole, and pushes nothing cut short.
    expect(ok(a, '2026-03-01T10:00:00Z', ['sync'])).toMatch(/received \d+ \(1 answer/);
    expect(show(['show', `main:${fresh as string}`], repo)).toBe(whole);
    expect(
      JSON.parse(ok(a, '2026-03-01T10:00:00Z', ['show', ids[0] as string, '--json'])).reps,
    ).toBe(1);
    ok(b, '2026-03-01T10:00:00Z', ['sync']);
    expect(ok(a, '2026-03-01T11:00:00Z', ['doctor'])).toMatch(/No problems found/);
  });
});

describe('merging a collection from before devices', () => {
  it('keeps its history when another device answers the same card', () => {
    const deck = miniDeck();
    const shared = tempDir('sre-cards-shared-');
    const [a, b] = [tempDir(), tempDir()];
    const t = (h: number) => new Date(Date.parse('2026-03-01T09:00:00Z') + h * 3600_000);
    const open = (d: string, now: Date) =>
      Collection.open({ dataDir: d, mode: 'write', now, timeZone: 'UTC', builtin: deck });
    for (const d of [a, b]) {
      open(d, t(0)).close();
      writeSyncConfig(dataPaths(d), { mode: 'folder', dir: shared });
    }
    let col = open(a, t(0));
    col.answer('two-a', 'good', t(0), 0);
    col.answer('two-a', 'good', t(1), 0);
    col.close();
    // A snapshot written before devices records no card's last change.
    const snap = readSnapshotDoc(join(a, 'collection.snap'));
    delete snap.last;
    writeFileSync(join(a, 'collection.snap'), JSON.stringify(snap));
    col = open(b, t(2));
    col.answer('two-a', 'again', t(2), 0);
    col.close();
    col = open(a, t(3));
    expect(col.state.cards['two-a']?.sched.reps).toBe(3);
    col.close();
  });
});
