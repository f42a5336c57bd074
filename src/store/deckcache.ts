/**
 * A cache of parsed user decks, so that opening a large collection does not parse every
 * source again: `cache/deck-NAME.json` holds the parsed deck with the name, size and
 * modification time of each source file it came from. Any change to the folder's files
 * (an edit, a new file, a removed one) misses the cache, and the sources are parsed.
 * Only writers write it; readers use it when it matches. It holds nothing that is not in
 * the sources: deleting the folder is always safe.
 */
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { deckCards } from '../deck/cards.js';
import { loadDeckFolder } from '../deck/read.js';
import type { Deck, DeckError } from '../deck/types.js';
import { writeFileAtomic } from './fsio.js';

declare const __VERSION__: string;
/** Parsed by another version of the parser: not used. */
export const PARSER = `sre-cards ${typeof __VERSION__ === 'string' ? __VERSION__ : 'dev'} deck 1`;

type Fingerprint = [name: string, size: number, mtimeMs: number][];

interface CacheFile {
  parser: string;
  folder: string;
  files: Fingerprint;
  deck: Deck;
  /** The cards' text hashes, in `deckCards` order. */
  hashes: string[];
}

/** The sources' names, sizes and times, as `readSources` would read them; null if unreadable. */
function fingerprint(folder: string): Fingerprint | null {
  try {
    const out: Fingerprint = [];
    for (const name of readdirSync(folder).sort()) {
      if (!name.endsWith('.md')) continue;
      const st = statSync(join(folder, name));
      if (st.isFile()) out.push([name, st.size, st.mtimeMs]);
    }
    return out;
  } catch {
    return null;
  }
}

function cachePath(cacheDir: string, name: string): string {
  return join(cacheDir, `deck-${encodeURIComponent(name)}.json`);
}

function readCache(path: string, folder: string, files: Fingerprint | null): CacheFile | null {
  try {
    const c = JSON.parse(readFileSync(path, 'utf8')) as CacheFile;
    if (
      c.parser !== PARSER ||
      c.folder !== folder ||
      (files !== null && JSON.stringify(c.files) !== JSON.stringify(files)) ||
      c.deck?.format !== 1 ||
      !Array.isArray(c.deck.notes) ||
      !Array.isArray(c.hashes) ||
      !c.hashes.every((h) => typeof h === 'string')
    )
      return null;
    return c;
  } catch {
    return null;
  }
}

/**
 * Reads a user's deck folder: from the cache when its files are unchanged, else from the
 * sources (and then, for a writer, refreshes the cache). Same result as `loadDeckFolder`;
 * when the sources do not parse, `previous` is the deck as last read (from the cache),
 * so that its cards keep their text until the error is fixed.
 */
export function loadUserDeck(
  name: string,
  folder: string,
  cacheDir: string,
  write: boolean,
): {
  deck: Deck | null;
  errors: DeckError[];
  key: string | null;
  hashes?: string[];
  previous?: { deck: Deck; hashes: string[] };
} {
  const files = fingerprint(folder);
  const key = files ? `${PARSER} ${JSON.stringify(files)}` : null;
  const path = cachePath(cacheDir, name);
  if (files) {
    const cached = readCache(path, folder, files);
    if (cached) return { deck: cached.deck, errors: [], key, hashes: cached.hashes };
  }
  const loaded = loadDeckFolder(folder);
  if (write && loaded.deck && files) {
    try {
      mkdirSync(cacheDir, { recursive: true });
      const hashes = deckCards(loaded.deck).map((c) => c.hash);
      const c: CacheFile = { parser: PARSER, folder, files, deck: loaded.deck, hashes };
      writeFileAtomic(path, JSON.stringify(c));
    } catch {
      // a cache that cannot be written only costs time
    }
  }
  if (!loaded.deck) {
    const last = readCache(path, folder, null);
    if (last) return { ...loaded, key, previous: { deck: last.deck, hashes: last.hashes } };
  }
  return { ...loaded, key };
}
