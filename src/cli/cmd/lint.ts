import { resolve } from 'node:path';
import { deckCards } from '../../deck/cards.js';
import { loadDeckFolder } from '../../deck/read.js';
import { formatDeckError } from '../../deck/types.js';
import { COMMON_OPTIONS, parse } from '../args.js';
import { assertNoExtra } from '../common.js';
import type { Env } from '../context.js';
import { sanitize } from '../../text/terminal.js';

export const usage = 'sre-cards lint [PATH]';
export const help = `Checks a folder of deck sources (default: the current folder) as the build does,
printing every error as file:line: message. Exits 1 on errors, 0 when clean.

${usage}`;

export function run(args: string[], env: Env): number {
  const { positionals } = parse(args, COMMON_OPTIONS, usage);
  assertNoExtra(positionals, 1, usage);
  const folder = resolve(positionals[0] ?? '.');
  const { deck, errors } = loadDeckFolder(folder);
  if (!deck) {
    for (const e of errors) env.stderr.write(sanitize(formatDeckError(e)) + '\n');
    env.stderr.write(`${errors.length} error${errors.length === 1 ? '' : 's'}\n`);
    return 1;
  }
  env.stdout.write(
    `${deck.name}: ${deck.notes.length} notes, ${deckCards(deck).length} cards, no errors\n`,
  );
  return 0;
}
