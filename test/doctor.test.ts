import { appendFileSync, cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../src/core/model.js';
import { listBackups } from '../src/store/backup.js';
import type { Collection } from '../src/store/collection.js';
import { diagnose, repair, replayCollection } from '../src/store/doctor.js';
import { readAllEvents } from '../src/store/log/file.js';
import { dataPaths } from '../src/store/paths.js';
import { cleanup, openMini, tempDir, fileTree, logFile, readSnapshotDoc } from './helpers.js';

afterEach(() => {
  cleanup();
});

const T = new Date('2026-03-01T09:00:00Z');
const at = (iso: string) => new Date(iso);

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
    appendFileSync(logFile(dir), '{"type":"answer","at":"2026-03-2');
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
      /event log is damaged \(.*\.jsonl:17: a line is not valid JSON\); it was left untouched.*doctor --repair/,
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
    const bytes = readFileSync(paths.snapshot);
    writeFileSync(paths.snapshot, bytes.subarray(0, bytes.length >> 1));
    const damaged = readFileSync(paths.snapshot);
    const d = diagnose(paths);
    expect(d.snapshot.status).toBe('damaged');
    expect(d.backups.map((b) => b.ok)).toEqual([false, true, true]);
    const r = repair(paths, at('2026-03-21T09:00:00Z'));
    expect(r.actions.join('\n')).toMatch(/restored from the backup .*collection-2026-03-09\.snap/);
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
    const doc = readSnapshotDoc(paths.snapshot);
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
    const doc = readSnapshotDoc(paths.snapshot);
    doc.schema = SCHEMA_VERSION + 1;
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
