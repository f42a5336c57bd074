import { resolve } from 'node:path';
import { BUILTIN_DECK } from '../../deck/builtin.js';
import { deckCards } from '../../deck/cards.js';
import { loadDeckFolder } from '../../deck/read.js';
import { formatDeckError } from '../../deck/types.js';
import { UserError } from '../../errors.js';
import { COMMON_OPTIONS, JSON_OPTION, parse, usageError } from '../args.js';
import { assertNoExtra, need, openCollection, terminalWidth } from '../common.js';
import { columns } from '../../text/columns.js';
import type { Env } from '../context.js';
import { sanitize, toJson } from '../../text/terminal.js';
import { checkText, deckCheck } from '../deckcheck.js';

export const usage =
  'sre-cards deck add PATH | deck remove NAME | deck list [--json] | deck check [NAME] [--json]';
export const help = `Makes a folder of your own sources a deck of the collection, reviewed beside the
built-in deck ("${BUILTIN_DECK}"). An added deck is re-read whenever its files change.
Removing a deck retires its cards: they are no longer reviewed, and their history is kept.

\`deck check\` lists what changed in each deck's sources: the cards edited (with a
short diff; their ids and history stay), added and retired, since the collection
last took them in, or, when it has taken everything in, at the last change. For the
built-in deck it also lists your overlay's notes whose built-in note changed since
you copied it. It only reads.

${usage}`;

export function run(args: string[], env: Env): number {
  const { values, positionals } = parse(args, { ...COMMON_OPTIONS, ...JSON_OPTION }, usage);
  const sub = need(positionals[0], 'subcommand (add, remove, list or check)', usage);
  if (sub === 'list') {
    assertNoExtra(positionals, 1, usage);
    const col = openCollection(env, 'read', 'deck list');
    const rows = [...col.decks.values()].map((d) => ({
      name: d.name,
      title: d.title,
      path: col.state.decks[d.name]?.path ?? null,
      cards: col.studyCards({ topics: [], days: null, decks: [d.name] }).length,
    }));
    if (values.json) env.stdout.write(toJson(rows) + '\n');
    else
      for (const line of columns(
        rows.map((r) =>
          [r.name, `${r.cards} cards`, r.path ?? '(built in)', r.title].map(sanitize),
        ),
        [1],
        terminalWidth(env),
        [2, 3],
      ))
        env.stdout.write(line + '\n');
    return 0;
  }
  if (sub === 'add') {
    const path = resolve(need(positionals[1], 'PATH', usage));
    assertNoExtra(positionals, 2, usage);
    const { deck, errors } = loadDeckFolder(path);
    if (!deck) {
      for (const e of errors) env.stderr.write(sanitize(formatDeckError(e)) + '\n');
      throw new UserError(
        `the deck in ${path} has ${errors.length} error(s); nothing was added. Fix them (\`sre-cards lint ${path}\`) and try again`,
      );
    }
    const col = openCollection(env, 'write', 'deck add');
    try {
      const r = col.addDeck(deck.name, path, env.now(), deck);
      env.stdout.write(
        `added deck "${deck.name}" from ${path}: ${r.added + r.restored} cards (${deckCards(deck).length} in the sources)\n`,
      );
    } finally {
      col.close();
    }
    return 0;
  }
  if (sub === 'remove') {
    const name = need(positionals[1], 'NAME', usage);
    assertNoExtra(positionals, 2, usage);
    const col = openCollection(env, 'write', 'deck remove');
    try {
      const n = col.removeDeck(name, env.now());
      env.stdout.write(`removed deck "${name}": ${n} cards retired, their history kept\n`);
    } finally {
      col.close();
    }
    return 0;
  }
  if (sub === 'check') {
    assertNoExtra(positionals, 2, usage);
    const col = openCollection(env, 'read', 'deck check');
    const name = positionals[1];
    if (name !== undefined && !col.decks.has(name))
      throw usageError(`unknown deck "${name}"; decks: ${[...col.decks.keys()].join(', ')}`, usage);
    const reports = deckCheck(col, name);
    if (values.json) env.stdout.write(toJson(reports) + '\n');
    else env.stdout.write(sanitize(checkText(reports).join('\n')) + '\n');
    return 0;
  }
  throw usageError(`unknown deck subcommand "${sub}"`, usage);
}
