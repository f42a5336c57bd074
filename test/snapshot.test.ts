import { afterEach, describe, expect, it } from 'vitest';
import { Collection } from '../src/store/collection.js';
import { dataPaths } from '../src/store/paths.js';
import { cleanup, miniDeck, tempDir, readSnapshotDoc } from './helpers.js';

afterEach(() => {
  cleanup();
});

const T = new Date('2026-03-01T09:00:00Z');

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
    const seqOnDisk = () => readSnapshotDoc(paths.snapshot).seq;
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
