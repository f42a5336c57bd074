import {
  appendFileSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { run as answerCmd } from '../src/cli/cmd/answer.js';
import type { Env } from '../src/cli/context.js';
import { deckCards } from '../src/deck/cards.js';
import { loadBuiltinDeck } from '../src/deck/builtin.js';
import { UserError } from '../src/errors.js';
import { listBackups } from '../src/store/backup.js';
import { Collection } from '../src/store/collection.js';
import { diagnose, repair, replayCollection } from '../src/store/doctor.js';
import { readAllEvents } from '../src/store/log/file.js';
import { realIo, setFileIo, type FileIo } from '../src/store/fsio.js';
import { dataPaths } from '../src/store/paths.js';
import { MIGRATIONS } from '../src/store/snapshot.js';
import { cleanup, miniDeck, openMini, tempDir, writeDeckFolder, fileTree } from './helpers.js';

let restoreIo: (() => void) | null = null;
afterEach(() => {
  restoreIo?.();
  restoreIo = null;
  cleanup();
});

const T = new Date('2026-03-01T09:00:00Z');
const at = (iso: string) => new Date(iso);
const FIXTURES = join(import.meta.dirname, 'fixtures');

/** Makes the store's writes fail with `code` (ENOSPC, EROFS) from the `after`-th call on. */
function faults(
  code: 'ENOSPC' | 'EROFS',
  where: { write?: boolean; open?: boolean; rename?: boolean },
  after = 0,
): void {
  let n = 0;
  const boom = () => {
    if (n++ >= after) throw Object.assign(new Error(`${code}: injected fault`), { code });
  };
  const io: FileIo = {
    ...realIo,
    writeSync: (fd, data) => {
      if (where.write) boom();
      return realIo.writeSync(fd, data);
    },
    openSync: ((path: string, flags: string, mode?: number) => {
      if (where.open) boom();
      return realIo.openSync(path, flags, mode);
    }) as FileIo['openSync'],
    renameSync: (a, b) => {
      if (where.rename) boom();
      realIo.renameSync(a, b);
    },
  };
  restoreIo = setFileIo(io);
}

function sink(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  return {
    stream: new Writable({
      write(c, _e, cb) {
        chunks.push(String(c));
        cb();
      },
    }),
    text: () => chunks.join(''),
  };
}

function envFor(dir: string, now = T): { env: Env; out: () => string } {
  const out = sink();
  const err = sink();
  return {
    env: { now: () => now, timeZone: 'UTC', dataDir: dir, stdout: out.stream, stderr: err.stream },
    out: out.text,
  };
}

describe('disk full or read-only data folder', () => {
  for (const code of ['ENOSPC', 'EROFS'] as const) {
    it(`${code}: the answer is reported not saved, the log has no partial line, earlier answers survive`, () => {
      const dir = tempDir();
      const col = openMini(dir, T);
      col.answer('one-basic', 'good', T, 1000);
      col.answer('two-a', 'easy', T, 1000);
      const log = join(dir, 'events.jsonl');
      const size = statSync(log).size;
      const before = structuredClone(col.state.cards['two-b']);
      faults(code, { write: true, open: code === 'EROFS', rename: code === 'EROFS' });
      let thrown: unknown;
      try {
        col.answer('two-b', 'good', T, 1000);
      } catch (e) {
        thrown = e;
      }
      expect((thrown as NodeJS.ErrnoException).code).toBe(code);
      expect(col.state.cards['two-b']).toEqual(before);
      expect(statSync(log).size).toBe(size);
      // Closing does not throw again: the failure was reported; the log holds every saved event.
      expect(() => col.close()).not.toThrow();
      restoreIo?.();
      restoreIo = null;
      const again = openMini(dir, T);
      expect(readAllEvents(log).map((e) => e.type === 'answer' && e.card)).toEqual([
        'one-basic',
        'two-a',
      ]);
      expect(again.state.cards['two-a']?.sched.state).toBe('review');
      expect(again.state.cards['two-b']?.sched.state).toBe('new');
      again.answer('two-b', 'good', T, 1000);
      again.close();
    });
  }

  it('a write cut short by a full disk leaves no half line for the next answer to join', () => {
    const dir = tempDir();
    const col = openMini(dir, T);
    col.answer('one-basic', 'good', T, 0);
    let calls = 0;
    restoreIo = setFileIo({
      ...realIo,
      // The first write lands half of its bytes, the second finds the disk full.
      writeSync: (fd, data) => {
        if (calls++ === 0) return realIo.writeSync(fd, data.subarray(0, data.length >> 1));
        throw Object.assign(new Error('ENOSPC: injected fault'), { code: 'ENOSPC' });
      },
    });
    expect(() => col.answer('two-a', 'good', T, 0)).toThrow(/ENOSPC/);
    restoreIo();
    restoreIo = null;
    col.answer('two-b', 'good', T, 0);
    col.close();
    const events = readAllEvents(join(dir, 'events.jsonl'));
    expect(events.map((e) => e.seq)).toEqual([1, 2]);
    expect(events.map((e) => e.type === 'answer' && e.card)).toEqual(['one-basic', 'two-b']);
  });

  it('a snapshot that cannot be written loses nothing: the next open replays the log', () => {
    const dir = tempDir();
    const col = openMini(dir, T);
    col.answer('one-basic', 'good', T, 0);
    faults('ENOSPC', { open: true });
    // The snapshot at close fails (reported), but the answer is already in the log.
    expect(() => col.close()).toThrow(/ENOSPC/);
    restoreIo?.();
    restoreIo = null;
    expect(readdirSync(dir).filter((n) => n.includes('.tmp-'))).toEqual([]);
    const again = openMini(dir, T, { mode: 'read' });
    expect(again.state.cards['one-basic']?.sched.state).toBe('learning');
  });

  it('answer --stdin stops at the failed answer, says it was not saved, and keeps the ones acknowledged', async () => {
    const dir = tempDir();
    const ids = deckCards(loadBuiltinDeck())
      .slice(0, 5)
      .map((c) => c.id);
    // Opening (lock, log) works; the third answer's write finds the disk full.
    let answers = 0;
    restoreIo = setFileIo({
      ...realIo,
      writeSync: (fd, data) => {
        if (data.includes('"type":"answer"') && ++answers === 3)
          throw Object.assign(new Error('ENOSPC: injected fault'), { code: 'ENOSPC' });
        return realIo.writeSync(fd, data);
      },
    });
    const { env, out } = envFor(dir);
    const input = Readable.from(ids.map((id) => `${id} good\n`));
    const err = await Promise.resolve(answerCmd(['--stdin'], env, input)).catch((e) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toBe(
      'line 3: not saved: could not write to the collection: the disk is full (ENOSPC); the 2 answers acknowledged before it are saved',
    );
    expect(out().trim().split('\n')).toEqual([
      expect.stringMatching(new RegExp(`^saved 1 ${ids[0]} good: learning, due `)),
      expect.stringMatching(new RegExp(`^saved 2 ${ids[1]} good: learning, due `)),
    ]);
    restoreIo();
    restoreIo = null;
    const events = readAllEvents(join(dir, 'events.jsonl'));
    expect(events.map((e) => e.type === 'answer' && e.card)).toEqual(ids.slice(0, 2));
    expect(existsSync(join(dir, 'lock'))).toBe(false);
  });
});

describe('backups', () => {
  it('a writer takes one per study day of the last good snapshot, readers none; the newest N are kept', () => {
    const dir = tempDir();
    const paths = dataPaths(dir);
    openMini(dir, T).close();
    // The first open had no snapshot to back up.
    expect(listBackups(paths)).toEqual([]);
    const snapshotBefore = readFileSync(paths.snapshot, 'utf8');
    const col = openMini(dir, at('2026-03-02T09:00:00Z'));
    expect(col.backupWritten).toBe(join(dir, 'backups', 'collection-2026-03-02.json'));
    expect(readFileSync(col.backupWritten ?? '', 'utf8')).toBe(snapshotBefore);
    col.answer('one-basic', 'good', at('2026-03-02T09:00:00Z'), 0);
    col.close();
    // Later the same study day (02:00 the next morning, before the 04:00 rollover): no new one.
    const same = openMini(dir, at('2026-03-03T02:00:00Z'));
    expect(same.backupWritten).toBeNull();
    same.close();
    // Readers never write one.
    openMini(dir, at('2026-03-09T09:00:00Z'), { mode: 'read' });
    expect(listBackups(paths).map((b) => b.day)).toEqual(['2026-03-02']);
    for (let d = 3; d <= 12; d++)
      openMini(dir, at(`2026-03-${String(d).padStart(2, '0')}T09:00:00Z`)).close();
    expect(listBackups(paths).map((b) => b.day)).toEqual([
      '2026-03-12',
      '2026-03-11',
      '2026-03-10',
      '2026-03-09',
      '2026-03-08',
      '2026-03-07',
      '2026-03-06',
    ]);
    // The `backups` setting: keep 3.
    const doc = JSON.parse(readFileSync(paths.snapshot, 'utf8'));
    doc.settings.backups = 3;
    writeFileSync(paths.snapshot, JSON.stringify(doc));
    openMini(dir, at('2026-03-13T09:00:00Z')).close();
    expect(listBackups(paths).map((b) => b.day)).toEqual([
      '2026-03-13',
      '2026-03-12',
      '2026-03-11',
    ]);
  });

  it('never backs up a damaged snapshot, and a failed backup does not stop a session', () => {
    const dir = tempDir();
    const paths = dataPaths(dir);
    openMini(dir, T).close();
    writeFileSync(paths.snapshot, '{"schema":1,"seq":');
    expect(() => openMini(dir, at('2026-03-02T09:00:00Z'))).toThrow(/damaged/);
    expect(existsSync(paths.backups)).toBe(false);
    // A disk that refuses the backup: the session opens with a warning.
    openMini(join(dir, 'b'), T).close();
    let refused = false;
    restoreIo = setFileIo({
      ...realIo,
      openSync: ((p: string, f: string, m?: number) => {
        if (p.includes('backups') && !refused) {
          refused = true;
          throw Object.assign(new Error('ENOSPC: injected fault'), { code: 'ENOSPC' });
        }
        return realIo.openSync(p, f, m);
      }) as FileIo['openSync'],
    });
    const col = openMini(join(dir, 'b'), at('2026-03-02T09:00:00Z'));
    expect(col.warnings.join('\n')).toMatch(/backup could not be written \(ENOSPC/);
    col.answer('one-basic', 'good', at('2026-03-02T09:00:00Z'), 0);
    col.close();
  });

  it('a writer removes temporary files of a writer killed mid-snapshot; a reader leaves them', () => {
    const dir = tempDir();
    openMini(dir, T).close();
    const stray = join(dir, 'collection.json.tmp-99999999');
    writeFileSync(stray, '{"schema":1,"se');
    openMini(dir, T, { mode: 'read' });
    expect(existsSync(stray)).toBe(true);
    openMini(dir, T).close();
    expect(existsSync(stray)).toBe(false);
  });
});

describe('snapshots during a session', () => {
  it('with snapshotWhenIdle, a due snapshot waits for a pause instead of delaying the answer', async () => {
    const dir = tempDir();
    const paths = dataPaths(dir);
    const col = Collection.open({
      dataDir: dir,
      mode: 'write',
      now: T,
      timeZone: 'UTC',
      builtin: miniDeck(),
      snapshotEvery: 2,
      snapshotWhenIdle: true,
    });
    const seqOnDisk = () => JSON.parse(readFileSync(paths.snapshot, 'utf8')).seq as number;
    col.answer('one-basic', 'good', T, 0);
    col.answer('two-a', 'good', T, 0);
    col.answer('two-b', 'good', T, 0);
    expect(seqOnDisk()).toBe(0);
    await new Promise((r) => setTimeout(r, 1700));
    expect(seqOnDisk()).toBe(3);
    // Changes without a pause still snapshot, at 4 intervals.
    for (const id of ['one-rev', 'one-rev:rev', 'one-cloze:c1', 'one-cloze:c2', 'one-basic'])
      col.answer(id, 'good', T, 0);
    expect(seqOnDisk()).toBe(3);
    for (let i = 0; i < 3; i++) col.answer('two-a', 'good', T, 0);
    expect(seqOnDisk()).toBe(11);
    col.close();
    expect(seqOnDisk()).toBe(11);
  });
});

/** A collection with history over several days (fuzzed review intervals included). */
function withHistory(dir: string): Collection {
  let col = openMini(dir, T);
  col.answer('one-basic', 'good', T, 1000);
  col.answer('one-rev', 'easy', T, 1000);
  col.answer('two-a', 'again', T, 1000);
  col.answer('one-basic', 'good', at('2026-03-01T09:11:00Z'), 1000);
  col.answer('two-a', 'good', at('2026-03-01T09:12:00Z'), 1000);
  col.answer('two-a', 'good', at('2026-03-01T09:23:00Z'), 1000);
  col.suspend('two-b', at('2026-03-01T09:24:00Z'));
  col.answer('one-cloze:c1', 'hard', at('2026-03-01T09:25:00Z'), 1000);
  col.undo(at('2026-03-01T09:26:00Z'));
  col.close();
  for (const [i, day] of ['2026-03-04', '2026-03-09', '2026-03-20'].entries()) {
    const now = at(`${day}T08:00:00Z`);
    col = openMini(dir, now);
    col.answer('one-basic', i === 1 ? 'again' : 'good', now, 1000);
    col.answer('one-rev', 'good', now, 1000);
    col.answer('two-a', 'hard', now, 1000);
    if (i < 2) col.close();
  }
  return col;
}

describe('doctor', () => {
  it('finds nothing wrong with a healthy collection, and a check writes nothing', () => {
    const dir = tempDir();
    withHistory(dir).close();
    const before = fileTree(dir);
    const d = diagnose(dataPaths(dir));
    expect(d.problems).toBe(0);
    expect(d.findings.map((f) => `${f.level} ${f.area}`)).toEqual([
      'ok collection',
      'ok log',
      'ok position',
      'ok cards',
      'ok lock',
      'ok backups',
    ]);
    expect(d.log.events).toBe(d.snapshot.seq);
    expect(fileTree(dir)).toEqual(before);
  });

  it('calls a torn last line a note, not damage', () => {
    const dir = tempDir();
    withHistory(dir).close();
    appendFileSync(join(dir, 'events.jsonl'), '{"type":"answer","at":"2026-03-2');
    const d = diagnose(dataPaths(dir));
    expect(d.problems).toBe(0);
    expect(d.log.tornTail).toBe(true);
    expect(d.findings.find((f) => f.level === 'note')?.text).toMatch(/cut short/);
  });

  it('repairs a garbled line in the log: keeps every readable event, keeps the damaged log aside', () => {
    const dir = tempDir();
    const col = withHistory(dir);
    // A crash: the last session's three answers are in the log, past the snapshot.
    (col as unknown as { lock: { release(): void } }).lock.release();
    const paths = dataPaths(dir);
    const lines = readFileSync(paths.log, 'utf8').split('\n');
    // Line 5 (inside the snapshot) and line 17 (past it) garbled in place, same length.
    for (const i of [4, 16]) lines[i] = (lines[i] ?? '').replace(/"/g, "'");
    const damagedText = lines.join('\n');
    writeFileSync(paths.log, damagedText);
    expect(() => openMini(dir, T)).toThrow(
      /event log is damaged \(.*events\.jsonl at byte \d+: a line is not valid JSON\); it was left untouched.*doctor --repair/,
    );
    expect(readFileSync(paths.log, 'utf8')).toBe(damagedText);
    const d = diagnose(paths);
    expect(d.problems).toBe(1);
    expect(d.log.bad).toEqual([
      [5, 'a line is not valid JSON'],
      [17, 'a line is not valid JSON'],
    ]);
    expect(d.findings.find((f) => f.level === 'problem')?.text).toMatch(
      /2 bad lines \(line 5: a line is not valid JSON; line 17: a line is not valid JSON\); 16 events are readable/,
    );
    const r = repair(paths, at('2026-03-21T09:00:00Z'));
    expect(r.keptAside).toHaveLength(2);
    expect(readFileSync(r.keptAside[0] ?? '', 'utf8')).toBe(damagedText);
    expect(r.actions.join('\n')).toMatch(/kept 16 readable events, left out 2 bad lines/);
    const after = diagnose(paths);
    expect(after.problems).toBe(0);
    expect(after.log.gaps).toEqual([
      [5, 5],
      [17, 17],
    ]);
    // Event 5 was in the snapshot already; event 17 (one-rev's last answer) is lost.
    const reopened = openMini(dir, T, { mode: 'read' });
    const { 'one-rev': lost, ...rest } = reopened.state.cards;
    const { 'one-rev': expected, ...expectedRest } = col.state.cards;
    expect(rest).toEqual(expectedRest);
    expect(lost?.sched.reps).toBe((expected?.sched.reps ?? 0) - 1);
  });

  it('repairs a truncated collection file from the newest good backup plus the log', () => {
    const dir = tempDir();
    const col = withHistory(dir);
    col.close();
    const paths = dataPaths(dir);
    const backups = listBackups(paths);
    expect(backups.map((b) => b.day)).toEqual(['2026-03-20', '2026-03-09', '2026-03-04']);
    // The newest backup is damaged too: the next one is used.
    writeFileSync(backups[0]?.path ?? '', 'garbage');
    const text = readFileSync(paths.snapshot, 'utf8');
    writeFileSync(paths.snapshot, text.slice(0, text.length >> 1));
    const damaged = readFileSync(paths.snapshot);
    const d = diagnose(paths);
    expect(d.snapshot.status).toBe('damaged');
    expect(d.backups.map((b) => b.ok)).toEqual([false, true, true]);
    const r = repair(paths, at('2026-03-21T09:00:00Z'));
    expect(r.actions.join('\n')).toMatch(/restored from the backup .*collection-2026-03-09\.json/);
    expect(readFileSync(r.keptAside[0] ?? '')).toEqual(damaged);
    const reopened = openMini(dir, at('2026-03-21T09:00:00Z'));
    expect(reopened.state.cards).toEqual(col.state.cards);
    expect(reopened.state.days).toEqual(col.state.days);
    reopened.close();
    expect(diagnose(paths).problems).toBe(0);
  });

  it('rebuilds the collection file from the log alone when there is no backup', () => {
    const dir = tempDir();
    const col = withHistory(dir);
    col.close();
    const paths = dataPaths(dir);
    cpSync(paths.backups, join(dir, 'elsewhere'), { recursive: true });
    for (const b of listBackups(paths)) writeFileSync(b.path, '');
    writeFileSync(paths.snapshot, '[1, 2');
    const r = repair(paths, T);
    expect(r.fromLogAlone).toBe(true);
    expect(existsSync(paths.snapshot)).toBe(false);
    const reopened = openMini(dir, T);
    expect(reopened.state.cards).toEqual(col.state.cards);
    reopened.close();
  });

  it('finds the collection file’s position in the log again by sequence number', () => {
    const dir = tempDir();
    const col = withHistory(dir);
    col.close();
    const paths = dataPaths(dir);
    const doc = JSON.parse(readFileSync(paths.snapshot, 'utf8'));
    doc.logOffset -= 7;
    writeFileSync(paths.snapshot, JSON.stringify(doc));
    expect(() => openMini(dir, T, { mode: 'read' })).toThrow(/event log is damaged/);
    const d = diagnose(paths);
    expect(d.positionWrong).toBe(true);
    expect(d.findings.find((f) => f.area === 'position')?.text).toMatch(/not at a line end/);
    const r = repair(paths, T);
    expect(r.actions.join('\n')).toMatch(/log position was set again from event 18/);
    expect(openMini(dir, T, { mode: 'read' }).state.cards).toEqual(col.state.cards);
    expect(diagnose(paths).problems).toBe(0);
  });

  it('repairs a log that lost its end: the collection file keeps what it covers', () => {
    const dir = tempDir();
    const col = withHistory(dir);
    col.close();
    const paths = dataPaths(dir);
    const lines = readFileSync(paths.log, 'utf8').split('\n');
    writeFileSync(paths.log, lines.slice(0, 15).join('\n') + '\n');
    expect(() => openMini(dir, T, { mode: 'read' })).toThrow(/shorter than/);
    expect(diagnose(paths).problems).toBe(1);
    repair(paths, T);
    const d = diagnose(paths);
    expect(d.problems).toBe(0);
    expect(d.findings.find((f) => f.area === 'position' && f.level === 'note')?.text).toMatch(
      /covers events up to 18, past the log's last \(15\)/,
    );
    const reopened = openMini(dir, T);
    expect(reopened.state.cards).toEqual(col.state.cards);
    const e = reopened.answer('one-cloze:c2', 'good', T, 0);
    expect(e.seq).toBe(19);
    reopened.close();
  });

  it('refuses to repair a collection from a newer version, and leaves it untouched', () => {
    const dir = tempDir();
    withHistory(dir).close();
    const paths = dataPaths(dir);
    const doc = JSON.parse(readFileSync(paths.snapshot, 'utf8'));
    doc.schema = 2;
    writeFileSync(paths.snapshot, JSON.stringify(doc));
    const before = fileTree(dir);
    expect(() => repair(paths, T)).toThrow(/newer sre-cards.*cannot repair/);
    expect(fileTree(dir)).toEqual(before);
  });

  it('rebuild: a replay of the log matches the stored states, and finds a card that does not', () => {
    const dir = tempDir();
    const col = withHistory(dir);
    const events = readAllEvents(col.paths.log);
    const r = replayCollection(col.state, events, col.settings);
    expect(r.incomplete).toBeNull();
    expect(r.answers).toBe(15);
    expect(r.diffs).toEqual([]);
    // A stored state gone wrong (say, a snapshot from a buggy build) is found and put right.
    const good = structuredClone(col.state.cards['one-rev']?.sched);
    const rec = col.state.cards['one-rev'];
    if (!rec || !good) throw new Error('no card');
    rec.sched = { ...rec.sched, due: '2027-01-01T08:00:00.000Z', stability: 99 };
    const r2 = replayCollection(col.state, events, col.settings);
    expect(r2.diffs).toEqual([
      {
        id: 'one-rev',
        fields: [
          { field: 'due', stored: '2027-01-01T08:00:00.000Z', replayed: good.due },
          { field: 'stability', stored: 99, replayed: good.stability },
        ],
      },
    ]);
    col.applyReplayed(r2.moved, T);
    expect(col.state.cards['one-rev']?.sched).toEqual(good);
    col.close();
    // The fix is in the log: a rebuild from the log alone agrees.
    const paths = dataPaths(dir);
    writeFileSync(paths.snapshot, '');
    repair(paths, T);
    expect(openMini(dir, T, { mode: 'read' }).state.cards['one-rev']?.sched).toEqual(good);
  });

  it('rebuild: refuses to trust a log with missing events', () => {
    const dir = tempDir();
    const col = withHistory(dir);
    const events = readAllEvents(col.paths.log).filter((e) => e.seq !== 4);
    const r = replayCollection(col.state, events, col.settings);
    expect(r.incomplete).toBe('events 4 are missing from the log');
    col.close();
  });
});

describe('schema versions', () => {
  function fixture(name: string): string {
    const dir = tempDir();
    for (const f of ['collection.json', 'events.jsonl'])
      copyFileSync(join(FIXTURES, name, f), join(dir, f));
    return dir;
  }

  function expectFixtureState(col: Collection): void {
    expect(col.state.seq).toBe(10);
    expect(col.state.cards['one-basic']?.sched).toMatchObject({
      state: 'review',
      due: '2026-03-16T10:00:00.000Z',
      reps: 3,
    });
    expect(col.state.cards['two-a']?.sched.state).toBe('learning');
    expect(col.state.cards['two-b']?.suspended).toBe(true);
    expect(col.state.days['2026-03-01']).toEqual({
      new: 3,
      learning: 1,
      review: 0,
      relearning: 0,
      again: 1,
      ms: 22000,
    });
  }

  it('loads the schema 1 fixture, read-only without a write', () => {
    const dir = fixture('schema-1');
    const before = fileTree(dir);
    expectFixtureState(openMini(dir, T, { mode: 'read' }));
    expect(fileTree(dir)).toEqual(before);
    const col = openMini(dir, at('2026-03-20T09:00:00Z'));
    expectFixtureState(col);
    col.answer('one-cloze:c2', 'good', at('2026-03-20T09:00:00Z'), 0);
    col.close();
  });

  it('migrates an older schema forward through the table, keeping the old file', () => {
    // Schema 0 is synthetic (schema 1 is the first released): cards were a list, and the
    // log position was called logBytes. Its migration is registered for this test only.
    MIGRATIONS[0] = (doc) => {
      const cards = doc.cards as { id: string }[];
      const { logBytes, ...rest } = doc;
      return {
        ...rest,
        logOffset: logBytes,
        cards: Object.fromEntries(cards.map((c) => [c.id, c])),
      };
    };
    try {
      const dir = fixture('schema-0-synthetic');
      const original = readFileSync(join(dir, 'collection.json'));
      const before = fileTree(dir);
      // Readers migrate in memory only.
      expectFixtureState(openMini(dir, T, { mode: 'read' }));
      expect(fileTree(dir)).toEqual(before);
      // A writer keeps the old file, then writes the current schema.
      const col = openMini(dir, T);
      expectFixtureState(col);
      col.close();
      expect(readFileSync(join(dir, 'backups', 'collection-schema0.json'))).toEqual(original);
      expect(JSON.parse(readFileSync(join(dir, 'collection.json'), 'utf8')).schema).toBe(1);
      expectFixtureState(openMini(dir, T, { mode: 'read' }));
    } finally {
      delete MIGRATIONS[0];
    }
  });

  it('refuses a schema it has no migration for, untouched', () => {
    const dir = fixture('schema-0-synthetic');
    const before = fileTree(dir);
    expect(() => openMini(dir, T)).toThrow(
      /collection file .* is damaged \(schema 0 is older than any this sre-cards can migrate\)/,
    );
    expect(fileTree(dir)).toEqual(before);
  });
});

describe('loader checks', () => {
  it('refuses wrong types in the collection file before they can crash a session', () => {
    const dir = tempDir();
    openMini(dir, T).close();
    const paths = dataPaths(dir);
    const good = JSON.parse(readFileSync(paths.snapshot, 'utf8'));
    const cases: [string, (d: Record<string, unknown>) => void, RegExp][] = [
      ['seq', (d) => (d.seq = '3'), /no log position/],
      [
        'settings',
        (d) => ((d.settings as Record<string, unknown>).rolloverHour = 'x'),
        /setting "rolloverHour" has the wrong type/,
      ],
      [
        'steps',
        (d) => ((d.settings as Record<string, unknown>).learningSteps = ['banana']),
        /bad step "banana"/,
      ],
      [
        'card state',
        (d) =>
          ((
            (d.cards as Record<string, { sched: Record<string, unknown> }>)['two-a'] ?? {
              sched: {},
            }
          ).sched.state = 'done'),
        /card "two-a" is malformed/,
      ],
      ['days', (d) => (d.days = { '2026-03-01': { new: 'one' } }), /day "2026-03-01" is malformed/],
    ];
    for (const [, change, message] of cases) {
      const doc = structuredClone(good);
      change(doc);
      writeFileSync(paths.snapshot, JSON.stringify(doc));
      expect(() => openMini(dir, T, { mode: 'read' })).toThrow(message);
    }
  });

  it('refuses a log line with wrong types, and garbage at the end that is not a torn event', () => {
    const dir = tempDir();
    const col = openMini(dir, T);
    col.answer('two-a', 'good', T, 0);
    col.close();
    const log = join(dir, 'events.jsonl');
    const good = readFileSync(log, 'utf8');
    const ev = JSON.parse(good);
    writeFileSync(log, good + JSON.stringify({ ...ev, seq: 2, after: null }) + '\n');
    expect(() => openMini(dir, T, { mode: 'read' })).toThrow(
      /events\.jsonl at byte \d+: event 2 \(answer\): a card state is malformed/,
    );
    writeFileSync(log, good + 'PK\u0003\u0004 binary junk');
    const before = fileTree(dir);
    expect(() => openMini(dir, T)).toThrow(/the last line is not an event/);
    expect(readFileSync(log, 'utf8')).toBe(good + 'PK\u0003\u0004 binary junk');
    expect(fileTree(dir)).toEqual(before);
    truncateSync(log, good.length);
    mkdirSync(join(dir, 'x'));
    expect(openMini(dir, T, { mode: 'read' }).state.seq).toBe(1);
  });
});

describe('opening a large collection quickly', () => {
  it('reads a user deck from its parsed-deck cache while its files are unchanged, and syncs only after a change', () => {
    const dir = tempDir();
    const deckDir = writeDeckFolder(join(tempDir(), 'mydeck'));
    const mini = miniDeck();
    const builtin = {
      ...mini,
      name: 'base',
      notes: mini.notes.map((n) => ({ ...n, id: `b-${n.id}` })),
    };
    const open = (mode: 'read' | 'write' = 'write') =>
      Collection.open({ dataDir: dir, mode, now: T, timeZone: 'UTC', builtin });
    let col = open();
    col.addDeck('mini', deckDir, T, mini);
    col.close();
    // The first writer after the deck joined parses it and caches it, and marks it synced.
    col = open();
    const cache = join(dir, 'cache', 'deck-mini.json');
    expect(existsSync(cache)).toBe(true);
    const key = col.state.decks.mini?.synced;
    expect(key).toMatch(/day-1\.md/);
    col.close();
    // Unchanged files (same names, sizes, times): the cache is used (here, one changed
    // by hand to tell), and the sync is skipped.
    writeFileSync(cache, readFileSync(cache, 'utf8').replace('The first.', 'From the cache.'));
    expect(open('read').get('one-basic').card.back).toBe('From the cache.');
    // An edit changes the file's time and size: readers and writers see it.
    const day1 = join(deckDir, 'day-1.md');
    writeFileSync(day1, readFileSync(day1, 'utf8').replace('The first.', 'The first, edited.'));
    const before = fileTree(dir);
    const reader = open('read');
    expect(reader.get('one-basic').card.back).toBe('The first, edited.');
    expect(reader.syncReport.edited).toBe(1);
    expect(fileTree(dir)).toEqual(before);
    col = open();
    expect(col.syncReport.edited).toBe(1);
    expect(col.state.decks.mini?.synced).not.toBe(key);
    col.close();
    // A damaged cache is ignored.
    writeFileSync(cache, '{"parser":');
    expect(open('read').get('one-basic').card.back).toBe('The first, edited.');
  });

  it('marks the built-in deck synced too, and still refuses to remove it', () => {
    const dir = tempDir();
    const open = () => Collection.open({ dataDir: dir, mode: 'write', now: T, timeZone: 'UTC' });
    let col = open();
    expect(col.syncReport.added).toBeGreaterThan(500);
    const entry = col.state.decks['sre-61-90'];
    expect(entry).toMatchObject({ name: 'sre-61-90', path: null });
    expect(typeof entry?.synced).toBe('string');
    col.close();
    col = open();
    expect(col.syncReport).toEqual({ added: 0, edited: 0, retired: 0, restored: 0 });
    expect(() => col.removeDeck('sre-61-90', T)).toThrow(
      /built-in deck "sre-61-90" cannot be removed/,
    );
    col.close();
  });
});
