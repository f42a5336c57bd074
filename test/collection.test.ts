import { appendFileSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NO_FILTER } from '../src/core/queue.js';
import { undoneSeqs } from '../src/core/reviewlog.js';
import { readAllEvents } from '../src/store/log/file.js';
import { Collection } from '../src/store/collection.js';
import { DAY1, cleanup, miniDeck, openMini, tempDir, logFile, readSnapshotDoc } from './helpers.js';

afterEach(cleanup);
const T = new Date('2026-03-01T09:00:00Z');

describe('collection', () => {
  it('undo restores the exact card state and day counts, several levels deep, and logs the undo', () => {
    const dir = tempDir();
    const col = openMini(dir, T);
    const before = structuredClone(col.state.cards['one-basic']);
    const daysBefore = structuredClone(col.state.days);
    col.answer('one-basic', 'good', T, 3000);
    const afterFirst = structuredClone(col.state.cards['one-basic']);
    col.answer('one-basic', 'good', new Date('2026-03-01T09:10:00Z'), 3000);
    col.suspend('one-basic', new Date('2026-03-01T09:11:00Z'));
    expect(col.undo(T)?.type).toBe('suspend');
    expect(col.undo(T)?.type).toBe('answer');
    expect(col.state.cards['one-basic']).toEqual(afterFirst);
    expect(col.undo(T)?.type).toBe('answer');
    expect(col.state.cards['one-basic']).toEqual(before);
    expect(col.state.days['2026-03-01']).toEqual({
      new: 0,
      learning: 0,
      review: 0,
      relearning: 0,
      again: 0,
      ms: 0,
    });
    expect(daysBefore).toEqual({});
    expect(col.undo(T)).toBeNull();
    col.close();
    const events = readAllEvents(logFile(dir));
    expect(events.map((e) => e.type)).toEqual([
      'answer',
      'answer',
      'suspend',
      'undo',
      'undo',
      'undo',
    ]);
    expect([...undoneSeqs(events)].sort()).toEqual([1, 2, 3]);
    // Reopened, the state is the same as the one the session left.
    const again = openMini(dir, T);
    expect(again.state.cards['one-basic']).toEqual(before);
    again.close();
  });

  it('replays the log past the snapshot after a crash (no snapshot written)', () => {
    const dir = tempDir();
    const col = openMini(dir, T);
    col.answer('two-a', 'easy', T, 1000);
    const expected = structuredClone(col.state.cards['two-a']);
    // Simulate a crash: the process ends without close(); only the log has the answer.
    (col as unknown as { lock: { release(): void } }).lock.release();
    const reopened = openMini(dir, T, { mode: 'read' });
    expect(reopened.state.cards['two-a']).toEqual(expected);
  });

  it('rebuilds the state from the log alone when the snapshot is missing', () => {
    const dir = tempDir();
    const col = openMini(dir, T);
    col.answer('two-a', 'easy', T, 1000);
    col.answer('two-b', 'again', T, 1000);
    col.close();
    const expected = structuredClone(col.state.cards);
    writeFileSync(join(dir, 'collection.snap.bak'), readFileSync(join(dir, 'collection.snap')));
    rmSync(join(dir, 'collection.snap'));
    const rebuilt = openMini(dir, T, { mode: 'read' });
    for (const id of ['two-a', 'two-b'])
      expect(rebuilt.state.cards[id]?.sched).toEqual(expected[id]?.sched);
  });

  it('trims a torn last line of the log, and does not call it damage', () => {
    const dir = tempDir();
    const col = openMini(dir, T);
    col.answer('two-a', 'good', T, 1000);
    col.close();
    const log = logFile(dir);
    const size = statSync(log).size;
    appendFileSync(log, '{"seq":2,"type":"answ');
    const reopened = openMini(dir, T);
    expect(statSync(log).size).toBe(size);
    reopened.answer('two-b', 'good', T, 1000);
    reopened.close();
    expect(readAllEvents(log).map((e) => e.seq)).toEqual([1, 2]);
  });

  it('refuses a damaged snapshot, leaves it untouched, and says how to recover', () => {
    const dir = tempDir();
    openMini(dir, T).close();
    const snap = join(dir, 'collection.snap');
    const bytes = readFileSync(snap);
    writeFileSync(snap, bytes.subarray(0, bytes.length / 2));
    const damaged = readFileSync(snap);
    expect(() => openMini(dir, T)).toThrow(
      /collection file .* is damaged .*left untouched.*doctor --repair/,
    );
    expect(readFileSync(snap)).toEqual(damaged);
    expect(existsSync(join(dir, 'lock'))).toBe(false);
  });

  it('refuses a snapshot from a newer schema without touching it', () => {
    const dir = tempDir();
    openMini(dir, T).close();
    const snap = join(dir, 'collection.snap');
    const data = readSnapshotDoc(snap);
    data.schema = 99;
    writeFileSync(snap, JSON.stringify(data));
    const before = readFileSync(snap);
    expect(() => openMini(dir, T)).toThrow(/newer sre-cards/);
    expect(readFileSync(snap)).toEqual(before);
  });

  it('lets one writer at a time hold the collection; readers still read', () => {
    const dir = tempDir();
    const first = openMini(dir, T);
    writeFileSync(join(dir, 'lock'), JSON.stringify({ pid: process.ppid }));
    expect(() => openMini(dir, T)).toThrow(
      new RegExp(`in use by another sre-cards \\(pid ${process.ppid}\\)`),
    );
    const reader = openMini(dir, T, { mode: 'read' });
    expect(reader.studyCards(NO_FILTER).length).toBe(7);
    first.close();
  });

  it('takes over a lock left by a process that is gone', () => {
    const dir = tempDir();
    openMini(dir, T).close();
    writeFileSync(join(dir, 'lock'), JSON.stringify({ pid: 2 ** 22 + 12345 }));
    const col = openMini(dir, T);
    col.answer('two-a', 'good', T, 0);
    col.close();
    expect(existsSync(join(dir, 'lock'))).toBe(false);
  });

  it('keeps history of edited cards, retires removed ones, and restores them when they return', () => {
    const dir = tempDir();
    const col = openMini(dir, T);
    col.answer('one-basic', 'easy', T, 0);
    col.answer('two-b', 'easy', T, 0);
    col.close();
    const stateBefore = structuredClone(col.state.cards['one-basic']?.sched);
    const edited = miniDeck({
      'day-1.md': DAY1.replace('A: The first.', 'A: The first, edited.'),
      'day-2.md': `---\nday: 2\ntitle: Second\ntopics: networking\n---\n\n## two-a\nline: focus\nQ: What is two-a?\nA: A.\n`,
    });
    const later = new Date('2026-03-02T09:00:00Z');
    const col2 = openMini(dir, later, { deck: edited });
    expect(col2.syncReport).toMatchObject({ edited: 1, retired: 1, added: 0 });
    const rec = col2.state.cards['one-basic'];
    expect(rec?.sched).toEqual(stateBefore);
    expect(rec?.mod).toBe(later.toISOString());
    expect(col2.get('one-basic').card.back).toBe('The first, edited.');
    expect(col2.studyCards(NO_FILTER).map((c) => c.card.id)).not.toContain('two-b');
    expect(() => col2.get('two-b')).toThrow(/no card "two-b"/);
    expect(col2.state.cards['two-b']?.retired).toBe(true);
    col2.close();
    const col3 = openMini(dir, later);
    expect(col3.syncReport.restored).toBe(1);
    expect(col3.state.cards['two-b']?.sched.reps).toBe(1);
    col3.close();
  });

  it('opens read-only without writing a byte, even on first use', () => {
    const dir = join(tempDir(), 'fresh');
    const col = Collection.open({
      dataDir: dir,
      mode: 'read',
      now: T,
      timeZone: 'UTC',
      builtin: miniDeck(),
    });
    expect(col.studyCards(NO_FILTER).length).toBe(7);
    expect(existsSync(dir)).toBe(false);
  });
});
