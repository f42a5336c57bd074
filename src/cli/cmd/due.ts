import { newCardPacing, pacingText } from '../../core/interview.js';
import { buildQueue, queueCounts } from '../../core/queue.js';
import {
  COMMON_OPTIONS,
  FILTER_HELP,
  FILTER_OPTIONS,
  JSON_OPTION,
  filterFrom,
  parse,
} from '../args.js';
import { assertNoExtra, checkFilter, openCollection } from '../common.js';
import type { Env } from '../context.js';

export const usage =
  'sre-cards due [--topic T]... [--day N|N-M] [--deck NAME]... [--search TEXT] [--flag N] [--marked] [--json]';
export const help = `What a review session would offer now, after the daily limits, as Anki counts it.
Learning counts the learning cards due by the end of the study day. Read-only.

${usage}

${FILTER_HELP}
  --json   print {"new": n, "learning": n, "review": n}; with an interview date set, also
           "pacing": {"interviewDate", "leadDay", "unseen", "daysLeft", "limit", "normal", "raised"}

With an interview date set (\`sre-cards config set interview-date YYYY-MM-DD\`), the new-card
limit is raised when needed to introduce every card by the lead day, and this says so.`;

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
  const pacing = newCardPacing(col.state, now, col.clock);
  if (values.json) env.stdout.write(JSON.stringify(pacing ? { ...counts, pacing } : counts) + '\n');
  else {
    env.stdout.write(`new ${counts.new} · learning ${counts.learning} · review ${counts.review}\n`);
    if (pacing) env.stdout.write(pacingText(pacing) + '\n');
  }
  return 0;
}
