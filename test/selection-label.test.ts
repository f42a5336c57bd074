import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NO_FILTER } from '../src/core/queue.js';
import { selectionLabel } from '../src/cli/common.js';
import { Collection } from '../src/store/collection.js';
import { cleanup, miniDeck, tempDir, writeDeckFolder } from './helpers.js';

afterEach(() => {
  cleanup();
});

const T = new Date('2026-03-01T09:00:00Z');

describe('the session header', () => {
  it('names every deck with cards when nothing is filtered, the built-in deck first', () => {
    const dir = tempDir();
    const open = () => Collection.open({ dataDir: dir, mode: 'write', now: T, timeZone: 'UTC' });
    let col = open();
    col.addDeck('mini', writeDeckFolder(join(tempDir(), 'mini')), T, miniDeck());
    col.close();
    col = open();
    // The decks of the cards a full pass would find, as the header names them.
    const spanned = new Set(col.studyCards(NO_FILTER).map((c) => c.card.deck));
    expect([...spanned].sort()).toEqual(['mini', 'sre-61-90']);
    expect(col.decksWithCards().sort()).toEqual([...spanned].sort());
    expect(selectionLabel(col, NO_FILTER)).toBe(
      `${col.decks.get('sre-61-90')?.title} + ${col.decks.get('mini')?.title}`,
    );
    // A filter names only the decks it reaches.
    expect(selectionLabel(col, { ...NO_FILTER, days: [1, 1] })).toBe(
      `${col.decks.get('mini')?.title} · day 1`,
    );
    col.close();
  });
});
