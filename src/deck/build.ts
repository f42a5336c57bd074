import type { Deck } from './types.js';

/** The generated deck file's text: stable key order and a final newline, so builds are byte-identical. */
export function serializeDeck(deck: Deck): string {
  return JSON.stringify(deck, null, 2) + '\n';
}

/** Reads a generated deck file back, checking its shape enough to trust it. */
export function deserializeDeck(text: string, file: string): Deck {
  const d = JSON.parse(text) as Partial<Deck>;
  if (
    d.format !== 1 ||
    typeof d.name !== 'string' ||
    !Array.isArray(d.notes) ||
    !Array.isArray(d.topics)
  ) {
    throw new Error(`${file} is not a deck built by this version; run \`npm run build:decks\``);
  }
  return d as Deck;
}
