import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { SCHEMA_VERSION } from '../src/core/model.js';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Collection } from '../src/store/collection.js';
import { MIGRATIONS } from '../src/store/snapshot.js';
import { cleanup, openMini, readSnapshotDoc, tempDir, fileTree } from './helpers.js';

afterEach(() => {
  cleanup();
});

const T = new Date('2026-03-01T09:00:00Z');
const at = (iso: string) => new Date(iso);
const FIXTURES = join(import.meta.dirname, 'fixtures');

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
      expect(readSnapshotDoc(join(dir, 'collection.snap')).schema).toBe(SCHEMA_VERSION);
      expect(existsSync(join(dir, 'collection.json'))).toBe(false);
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
