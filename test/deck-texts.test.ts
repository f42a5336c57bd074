import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { deckCards } from '../src/deck/cards.js';
import { hasTexts, recordTexts, recordedTexts } from '../src/store/decktexts.js';
import { cleanup, miniDeck, tempDir } from './helpers.js';

afterEach(() => {
  cleanup();
});

describe("a deck's recorded texts", () => {
  it('are known to be there from the file as recordTexts writes it, and only then', () => {
    const dir = tempDir();
    const deck = miniDeck();
    expect(hasTexts(dir, 'mini')).toBe(false);
    recordTexts(dir, 'mini', deckCards(deck), null);
    expect(hasTexts(dir, 'mini')).toBe(true);
    expect(recordedTexts(dir, 'mini').get('one-basic')?.back).toBe('The first.');
    // A deck name that needs escaping in a file name, and a file of something else.
    recordTexts(dir, 'a/b "c"', deckCards(deck), null);
    expect(hasTexts(dir, 'a/b "c"')).toBe(true);
    writeFileSync(join(dir, 'other.json'), '{"cards":{}}');
    expect(hasTexts(dir, 'other')).toBe(false);
    writeFileSync(join(dir, 'short.json'), '{');
    expect(hasTexts(dir, 'short')).toBe(false);
  });
});
