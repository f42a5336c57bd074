import { BUILTIN_DECK } from '../../deck/builtin.js';
import type { AnswerEvent } from '../../core/model.js';
import { lastPlan } from '../../core/plan.js';
import { computeStats, isDay, type Stats } from '../../core/stats.js';
import { studyDay } from '../../core/time.js';
import { readAllEvents, undoneSeqs } from '../../store/eventlog.js';
import type { Filter } from '../../core/queue.js';
import {
  COMMON_OPTIONS,
  FILTER_OPTIONS,
  JSON_OPTION,
  filterFrom,
  parse,
  usageError,
} from '../args.js';
import { assertNoExtra, checkFilter, describeFilter, openCollection } from '../common.js';
import type { Env } from '../context.js';

export const usage =
  'sre-cards stats [--topic T]... [--day N|N-M] [--deck NAME]... [--on YYYY-MM-DD] [--json]';
export const help = `Your study at a glance: card counts, today, the due forecast for 30 days, a
heatmap of reviews over the last year with your streak, true retention over 7 and
30 days beside the desired retention, readiness by topic, and leeches. Read-only.

${usage}

  --topic T         only cards of topic T or its sub-topics (repeatable)
  --day N|N-M       only cards of plan day N, or days N to M
  --deck NAME       only cards of that deck (repeatable); the built-in deck is "${BUILTIN_DECK}"
  --on YYYY-MM-DD   also project readiness to that study day (default: the interview
                    date of the settings, if one is set)
  --json            print the same figures as JSON (schema in the README)`;

const STATS_OPTIONS = { on: { type: 'string' } } as const;

export interface StatsJson extends Stats {
  filter: { topics: string[]; days: [number, number] | null; decks: string[] };
}

/** Rounds fractions to 4 decimals, so that the JSON stays readable and stable. */
function round(_key: string, v: unknown): unknown {
  return typeof v === 'number' && !Number.isInteger(v) ? Math.round(v * 1e4) / 1e4 : v;
}

function isFiltered(f: Filter): boolean {
  return f.topics.length > 0 || f.decks.length > 0 || f.days !== null;
}

export async function run(args: string[], env: Env): Promise<number> {
  const { values, positionals } = parse(
    args,
    { ...COMMON_OPTIONS, ...FILTER_OPTIONS, ...JSON_OPTION, ...STATS_OPTIONS },
    usage,
  );
  assertNoExtra(positionals, 0, usage);
  const filter = filterFrom(values, usage);
  if (values.on !== undefined && !isDay(values.on))
    throw usageError(`--on takes a date such as 2026-04-15, not "${values.on}"`, usage);
  const col = openCollection(env, 'read', 'stats');
  checkFilter(col, filter, usage);
  const now = env.now();
  const today = studyDay(now, col.clock);
  if (values.on !== undefined && values.on < today)
    throw usageError(`--on ${values.on} is in the past; today's study day is ${today}`, usage);
  // Without --on, readiness is projected to the interview date of the settings, if any.
  const interview = (col.settings as { interviewDate?: string | null }).interviewDate ?? null;
  const on = values.on ?? (interview !== null && interview >= today ? interview : null);
  const events = readAllEvents(col.paths.log);
  const undone = undoneSeqs(events);
  const answers = events.filter((e): e is AnswerEvent => e.type === 'answer' && !undone.has(e.seq));
  const cards = col.studyCards(filter);
  const stats = computeStats({
    state: col.state,
    cards,
    answers,
    now,
    clock: col.clock,
    on,
    answerCards: isFiltered(filter) ? new Set(cards.map((c) => c.card.id)) : null,
    plan: lastPlan(events, undone),
  });
  if (values.json) {
    const out: StatsJson = { ...stats, filter: { ...filter } };
    env.stdout.write(JSON.stringify(out, round) + '\n');
    return 0;
  }
  const label = [col.decks.get(BUILTIN_DECK)?.title ?? 'sre-cards', describeFilter(filter)]
    .filter(Boolean)
    .join(' · ');
  const stdout = env.stdout as NodeJS.WriteStream;
  const columns = stdout.isTTY && stdout.columns ? stdout.columns : 80;
  const { renderStats } = await import('../../ui/Stats.js');
  env.stdout.write(
    renderStats(stats, { width: columns, label, focusTopics: filter.topics }) + '\n',
  );
  return 0;
}
