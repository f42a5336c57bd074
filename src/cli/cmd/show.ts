import { COMMON_OPTIONS, JSON_OPTION, parse } from '../args.js';
import { assertNoExtra, cardView, need, openCollection, showText } from '../common.js';
import type { Env } from '../context.js';
import { toJson } from '../../text/terminal.js';

export const usage = 'sre-cards show CARD_ID [--json]';
export const help = `Shows one card: its text, its scheduling state, and its answers. Read-only.

${usage}

  --json   print the card as \`list --json\` does, plus "log": [{"at", "rating"}] and
           "info": card info (added, firstReview, latestReview, interval, due,
           stability, difficulty, retrievability, reps, lapses, averageMs, totalMs,
           file, and log: [{"at", "rating", "state", "interval", "ms"}])`;

export function run(args: string[], env: Env): number {
  const { values, positionals } = parse(args, { ...COMMON_OPTIONS, ...JSON_OPTION }, usage);
  const id = need(positionals[0], 'CARD_ID', usage);
  assertNoExtra(positionals, 1, usage);
  const col = openCollection(env, 'read', 'show');
  const j = cardView(col, id, env.now());
  env.stdout.write(values.json ? toJson(j) + '\n' : showText(j));
  return 0;
}
