import { buildQueue, queueCounts } from '../../core/queue.js';
import { COMMON_OPTIONS, FILTER_OPTIONS, JSON_OPTION, filterFrom, parse } from '../args.js';
import { assertNoExtra, checkFilter, openCollection } from '../common.js';
import type { Env } from '../context.js';

export const usage = 'sre-cards due [--topic T]... [--day N|N-M] [--deck NAME]... [--json]';
export const help = `What a review session would offer now, after the daily limits, as Anki counts it.
Learning counts the learning cards due by the end of the study day. Read-only.

${usage}

  --json   print {"new": n, "learning": n, "review": n}`;

export function run(args: string[], env: Env): number {
  const { values, positionals } = parse(
    args,
    { ...COMMON_OPTIONS, ...FILTER_OPTIONS, ...JSON_OPTION },
    usage,
  );
  assertNoExtra(positionals, 0, usage);
  const filter = filterFrom(values, usage);
  const col = openCollection(env, 'read', 'due');
  checkFilter(col, filter, usage);
  const now = env.now();
  const counts = queueCounts(buildQueue(col.state, col.studyCards(filter), now, col.clock));
  if (values.json) env.stdout.write(JSON.stringify(counts) + '\n');
  else
    env.stdout.write(`new ${counts.new} · learning ${counts.learning} · review ${counts.review}\n`);
  return 0;
}
