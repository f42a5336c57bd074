import { planOrder } from '../../core/queue.js';
import {
  COMMON_OPTIONS,
  FILTER_HELP,
  FILTER_OPTIONS,
  JSON_OPTION,
  filterFrom,
  parse,
} from '../args.js';
import { assertNoExtra, cardJson, checkFilter, openCollection, terminalWidth } from '../common.js';
import { columns } from '../../text/columns.js';
import type { Env } from '../context.js';
import { sanitize, toJson } from '../../text/terminal.js';

export const usage =
  'sre-cards list [--topic T]... [--day N|N-M] [--deck NAME]... [--search TEXT] [--flag N] [--marked] [--json]';
export const help = `Lists the cards (retired ones left out), in plan order. Read-only.

${usage}

${FILTER_HELP}
  --json   print an array of cards (schema in the README)`;

export function run(args: string[], env: Env): number {
  const { values, positionals } = parse(
    args,
    { ...COMMON_OPTIONS, ...FILTER_OPTIONS, ...JSON_OPTION },
    usage,
  );
  assertNoExtra(positionals, 0, usage);
  const filter = filterFrom(values, usage);
  const col = openCollection(env, 'read', 'list');
  checkFilter(col, filter, usage);
  const now = env.now();
  const cards = col.studyCards(filter).sort((a, b) => planOrder(a.card, b.card));
  const rows = cards.map((sc) => cardJson(sc, col, now));
  if (values.json) {
    env.stdout.write(toJson(rows) + '\n');
    return 0;
  }
  const table = rows.map((r) => {
    const due = r.due ? r.due.slice(0, 16).replace('T', ' ') : '-';
    const flags = [r.suspended ? 'S' : '', r.buried ? 'B' : '', r.leech ? 'L' : '']
      .filter(Boolean)
      .join(' ');
    const front = sanitize(r.front).replace(/\s+/g, ' ');
    return [r.id, r.state, due, flags, front.length > 60 ? front.slice(0, 59) + '…' : front];
  });
  for (const line of columns(table, [], terminalWidth(env), [4])) env.stdout.write(line + '\n');
  env.stderr.write(`${rows.length} card${rows.length === 1 ? '' : 's'}\n`);
  return 0;
}
