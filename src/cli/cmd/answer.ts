import { RATINGS, type RatingName } from '../../core/scheduler.js';
import { COMMON_OPTIONS, JSON_OPTION, parse, usageError } from '../args.js';
import { assertNoExtra, cardJson, cardLog, need, openCollection, showText } from '../common.js';
import type { Env } from '../context.js';

export const usage = 'sre-cards answer CARD_ID again|hard|good|easy [--json]';
export const help = `Answers one card now, due or not (as when studying ahead), through the same path
as the review screen: same scheduling, same log, counted toward the day's limits.
Prints the card as \`show\` does.

${usage}`;

export function run(args: string[], env: Env): number {
  const { values, positionals } = parse(args, { ...COMMON_OPTIONS, ...JSON_OPTION }, usage);
  const id = need(positionals[0], 'CARD_ID', usage);
  const rating = need(positionals[1], 'rating (again, hard, good or easy)', usage);
  assertNoExtra(positionals, 2, usage);
  if (!(RATINGS as readonly string[]).includes(rating))
    throw usageError(`rating must be again, hard, good or easy, not "${rating}"`, usage);
  const col = openCollection(env, 'write', 'answer');
  try {
    col.answer(id, rating as RatingName, env.now(), 0);
    const j = { ...cardJson(col.get(id), col, env.now()), log: cardLog(col, id) };
    env.stdout.write(values.json ? JSON.stringify(j) + '\n' : showText(j));
  } finally {
    col.close();
  }
  return 0;
}
