import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { emptyState, SCHEMA_VERSION, type CollectionState } from '../src/core/model.js';
import { NEW_STATE } from '../src/core/scheduler.js';
import { diagnose, repair } from '../src/store/doctor.js';
import { dataPaths } from '../src/store/paths.js';
import { decodeSnap, encodeSnap, isSnapFile, snapDamage } from '../src/store/snapfile.js';
import { checkSnapshot, readSnapshot } from '../src/store/snapshot.js';
import { cleanup, fileTree, openMini, tempDir } from './helpers.js';

afterEach(() => {
  cleanup();
});

const T = new Date('2026-03-01T09:00:00Z');
const FIXTURES = join(import.meta.dirname, 'fixtures');

/** A state using every field the collection file holds, odd values included. */
function fullState(): CollectionState {
  const s = emptyState();
  s.seq = 42;
  s.logOffset = 12345;
  s.settings = { ...s.settings, newPerDay: 7, learningSteps: ['2m'], interviewDate: '2026-04-01' };
  s.decks = {
    mini: { name: 'mini', path: null, synced: 'sre-cards dev deck 1 built-in 10 20' },
    mine: { name: 'mine', path: '/home/me/decks/mine' },
  };
  s.days = {
    '2026-03-01': {
      new: 2,
      learning: 1,
      review: 3,
      relearning: 0,
      again: 1,
      ms: 5400,
      deckNew: { mini: 2 },
      deckReview: { mine: 3 },
    },
  };
  const review = {
    state: 'review' as const,
    due: '2026-03-16T10:00:00.000Z',
    stability: 12.345678901234,
    difficulty: 5.5,
    reps: 3,
    lapses: 1,
    step: 0,
    scheduledDays: 15,
    lastReview: '2026-03-01T09:00:00.000Z',
  };
  const base = {
    deck: 'mini',
    suspended: false,
    buriedDay: null,
    retired: false,
    mod: T.toISOString(),
  };
  s.cards = {
    'one-basic': { id: 'one-basic', note: 'one-basic', hash: 'aaaa', sched: review, ...base },
    'two-a': {
      ...base,
      id: 'two-a',
      note: 'two',
      hash: 'bbbb',
      sched: { ...review, state: 'learning', step: 1, scheduledDays: 0 },
      flag: 3,
      marked: true,
      leech: false,
      added: '2026-02-01T00:00:00.000Z',
      buriedDay: '2026-03-01',
    },
    'two-b': {
      ...base,
      id: 'two-b',
      note: 'two',
      hash: 'cccc',
      sched: { ...NEW_STATE },
      suspended: true,
      retired: true,
      leech: true,
      marked: false,
      flag: 0,
      deck: 'mine',
    },
    'r:relearn': {
      ...base,
      id: 'r:relearn',
      note: 'ré-note ✓',
      hash: 'dddd',
      sched: { ...review, state: 'relearning', lapses: 4 },
    },
    // Cards the columns cannot hold are kept whole, in their places.
    'odd-time': {
      ...base,
      id: 'odd-time',
      note: 'odd',
      hash: 'eeee',
      sched: { ...review, due: '2026-03-16T10:00:00Z' },
    },
    'odd-extra': {
      ...base,
      id: 'odd-extra',
      note: 'odd\0nul',
      hash: 'ffff',
      sched: review,
      future: { a: [1, 2] },
    } as CollectionState['cards'][string],
    last: { id: 'last', note: 'last', hash: '0000', sched: { ...NEW_STATE }, ...base },
  };
  s.device = 'dev-a';
  s.peers = { 'dev-b': { seq: 9, offset: 800 }, 'dev-c': { seq: 1, offset: 10, line: 1 } as never };
  s.settingsAt = ['2026-02-28T08:00:00.000Z', 'dev-b', 7];
  s.last = {
    'one-basic': ['2026-03-01T09:00:00.000Z', 'dev-a', 41],
    'two-a': ['2026-03-01T08:00:00.000Z', 'dev-b', 9],
    'odd-time': ['2026-03-01T07:00:00.000Z', 'dev-a', 3],
    gone: ['2026-01-01T00:00:00.000Z', 'dev-c', 1],
  };
  s.devices = { 'dev-a': 'laptop', 'dev-b': 'desktop' };
  return s;
}

describe('the collection file format', () => {
  it('round-trips every field of the state, in order', () => {
    const state = fullState();
    const bytes = encodeSnap(state);
    expect(isSnapFile(bytes)).toBe(true);
    expect(snapDamage(bytes)).toBeNull();
    const doc = decodeSnap(bytes);
    expect(doc).toEqual(state);
    expect(Object.keys(doc.cards as object)).toEqual(Object.keys(state.cards));
    // And through the checks a reader applies.
    expect(checkSnapshot('x', decodeSnap(bytes), true).state).toEqual(state);
    // Absent optional fields stay absent.
    const bare = decodeSnap(encodeSnap(emptyState()));
    expect(bare).toEqual(emptyState());
    expect('last' in bare).toBe(false);
    const one = (decodeSnap(bytes).cards as CollectionState['cards'])['one-basic'];
    expect(Object.keys(one ?? {}).sort()).toEqual(
      Object.keys(state.cards['one-basic'] ?? {}).sort(),
    );
  });

  it('reads the same from bytes at any place in memory (columns viewed in place, or copied)', () => {
    const state = fullState();
    const bytes = encodeSnap(state);
    for (const shift of [0, 1, 3, 4, 8]) {
      // The file's bytes `shift` bytes into a larger buffer, as a pooled read can give.
      const big = Buffer.alloc(bytes.length + 16);
      bytes.copy(big, shift);
      const at = big.subarray(shift, shift + bytes.length);
      expect(at.byteOffset % 8).toBe(shift % 8);
      expect(decodeSnap(at), `shift ${shift}`).toEqual(state);
    }
  });

  it('refuses a damaged file by its checksum, leaves it untouched, and doctor --repair recovers', () => {
    const dir = tempDir();
    const col = openMini(dir, T);
    col.answer('one-basic', 'good', T, 1000);
    col.close();
    const paths = dataPaths(dir);
    expect(paths.snapshot).toBe(join(dir, 'collection.snap'));
    const bytes = readFileSync(paths.snapshot);
    const flipped = Buffer.from(bytes);
    const i = bytes.length - 9;
    flipped[i] = (flipped[i] as number) ^ 0x10;
    writeFileSync(paths.snapshot, flipped);
    expect(() => readSnapshot(paths.snapshot)).toThrow(
      /collection file .*collection\.snap is damaged \(its checksum does not match, perhaps truncated or overwritten\); it was left untouched\. Run `sre-cards doctor --repair`/,
    );
    const before = fileTree(dir);
    expect(() => openMini(dir, T)).toThrow(/is damaged \(its checksum does not match/);
    expect(fileTree(dir)).toEqual(before);
    expect(diagnose(paths).snapshot.status).toBe('damaged');
    const r = repair(paths, T);
    expect(r.actions.join('\n')).toMatch(
      /the damaged file was moved to .*collection\.snap\.damaged-/,
    );
    const reopened = openMini(dir, T, { mode: 'read' });
    expect(reopened.state.cards['one-basic']?.sched).toEqual(col.state.cards['one-basic']?.sched);
  });

  it('keeps nothing of the bytes it read: the next file read into the same memory changes no value', () => {
    // Files are read into one buffer that the next read overwrites (store/fsio.ts).
    const dir = tempDir();
    const first = fullState();
    const second = emptyState();
    const COUNT = 16;
    for (let i = 0; i < COUNT; i++) {
      const id = `other-${i}`;
      second.cards[id] = {
        id,
        note: id,
        deck: 'elsewhere',
        sched: { ...NEW_STATE, state: 'review', due: '2030-01-01T00:00:00.000Z', reps: i },
        suspended: true,
        buriedDay: null,
        retired: false,
        hash: 'ffffffffffffffff',
        mod: '2030-01-01T00:00:00.000Z',
      };
    }
    const [bytesA, bytesB] = [encodeSnap(first), encodeSnap(second)];
    // The second file overwrites every byte of the first (it fits in the memory kept).
    expect(bytesB.length).toBeGreaterThanOrEqual(bytesA.length);
    expect(bytesB.length).toBeLessThanOrEqual(2 * bytesA.length);
    writeFileSync(join(dir, 'a.snap'), bytesA);
    writeFileSync(join(dir, 'b.snap'), bytesB);
    const a = readSnapshot(join(dir, 'a.snap')).state;
    const b = readSnapshot(join(dir, 'b.snap')).state;
    expect(Object.keys(b.cards)).toHaveLength(COUNT);
    expect(a).toEqual(checkSnapshot('a', decodeSnap(encodeSnap(first)), true).state);
    expect(a.cards['one-basic']?.sched.due).toBe('2026-03-16T10:00:00.000Z');
  });

  it('migrates a schema 1 collection.json to collection.snap, keeping the old file in backups', () => {
    const dir = tempDir();
    for (const f of ['collection.json', 'events.jsonl'])
      copyFileSync(join(FIXTURES, 'schema-1', f), join(dir, f));
    const original = readFileSync(join(dir, 'collection.json'));
    const read = openMini(dir, T, { mode: 'read' });
    const col = openMini(dir, T);
    col.close();
    expect(existsSync(join(dir, 'collection.json'))).toBe(false);
    expect(readFileSync(join(dir, 'backups', 'collection-schema1.json'))).toEqual(original);
    const snap = readSnapshot(join(dir, 'collection.snap'));
    expect(snap.schema).toBe(SCHEMA_VERSION);
    const { device: _d, ...was } = read.state;
    const { device: _e, ...now } = snap.state;
    expect(now.cards).toEqual(was.cards);
    expect(now.days).toEqual(was.days);
    expect(now.settings).toEqual(was.settings);
    expect(now.seq).toBe(was.seq);
  });
});
