import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseDeck, type SourceFile } from './parse.js';
import { readErrorText } from '../errors.js';
import type { Deck, DeckError } from './types.js';

/** Files of a deck folder that are not sources. */
const IGNORED = new Set(['README.md']);

/** Reads the Markdown sources of a deck folder (not its sub-folders), in name order. */
export function readSources(folder: string): SourceFile[] {
  const names = readdirSync(folder)
    .filter((n) => n.endsWith('.md') && !IGNORED.has(n))
    .sort();
  const files: SourceFile[] = [];
  for (const name of names) {
    const full = join(folder, name);
    if (!statSync(full).isFile()) continue;
    files.push({ path: name, text: readFileSync(full, 'utf8') });
  }
  return files;
}

/** Reads and parses a deck folder. Errors name files relative to the current folder. */
export function loadDeckFolder(
  folder: string,
  cwd = process.cwd(),
): { deck: Deck | null; errors: DeckError[] } {
  let files: SourceFile[];
  try {
    if (!statSync(folder).isDirectory()) {
      return {
        deck: null,
        errors: [
          { file: folder, line: 0, message: 'not a folder: a deck is a folder of Markdown files' },
        ],
      };
    }
    files = readSources(folder);
  } catch (e) {
    const why = readErrorText(e);
    return { deck: null, errors: [{ file: folder, line: 0, message: why }] };
  }
  const rel = relative(cwd, folder) || '.';
  const { deck, errors } = parseDeck(files, rel);
  return {
    deck,
    errors: errors.map((e) =>
      e.file.startsWith(rel + '/') ? e : { ...e, file: join(rel, e.file) },
    ),
  };
}
