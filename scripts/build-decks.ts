// Builds every deck under decks/ (a folder holding deck.md) into decks/build/NAME.json.
// Deterministic: the same sources give byte-identical output. On any error it writes
// nothing and prints every error as `file:line: message`.
import { existsSync, mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDeckFolder } from '../src/deck/read.js';
import { formatDeckError, type Deck } from '../src/deck/types.js';
import { serializeDeck } from '../src/deck/build.js';

function main(): number {
  const root = resolve(
    process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'decks'),
  );
  const out = resolve(process.argv[3] ?? join(root, 'build'));
  const folders = readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(root, d.name, 'deck.md')))
    .map((d) => d.name)
    .sort();
  const built: Deck[] = [];
  const errors: string[] = [];
  for (const f of folders) {
    const { deck, errors: errs } = loadDeckFolder(join(root, f));
    errors.push(...errs.map(formatDeckError));
    if (deck) built.push(deck);
  }
  if (folders.length === 0) errors.push(`${root}: no deck folders (a folder with a deck.md)`);
  if (errors.length > 0) {
    for (const e of errors) console.error(e);
    console.error(`build-decks: ${errors.length} error(s); nothing was written`);
    return 1;
  }
  mkdirSync(out, { recursive: true });
  for (const deck of built) {
    const file = join(out, `${deck.name}.json`);
    writeFileSync(file + '.tmp', serializeDeck(deck));
    renameSync(file + '.tmp', file);
    console.log(`build-decks: ${deck.name}: ${deck.notes.length} notes -> ${file}`);
  }
  return 0;
}

process.exitCode = main();
