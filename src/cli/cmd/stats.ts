import { lastPlan } from '../../core/plan.js';
import { undoneSeqs } from '../../core/reviewlog.js';
import { computeStats, isDay, type Stats } from '../../core/stats.js';
import { studyDay } from '../../core/time.js';
import type { Filter } from '../../core/queue.js';
import {
  COMMON_OPTIONS,
  FILTER_HELP,
  FILTER_OPTIONS,
  JSON_OPTION,
  filterFrom,
  parse,
  usageError,
} from '../args.js';
import {
  assertNoExtra,
  checkFilter,
  describeFilter,
  openCollection,
  selectionLabel,
  terminalWidth,
} from '../common.js';
import type { Env } from '../context.js';
import { toJson } from '../../text/terminal.js';

export const usage =
  'sre-cards stats [--topic T]... [--day N|N-M] [--deck NAME]... [--search TEXT] [--flag N] [--marked] [--on YYYY-MM-DD] [--json]';
export const help = `Your study at a glance: card counts, today, the due forecast for 30 days, a
heatmap of reviews over the last year with your streak, true retention over 7 and
30 days beside the desired retention, readiness by topic, and leeches. Read-only.

${usage}

${FILTER_HELP}
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
  return describeFilter(f) !== '';
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
  const answers = col.answers();
  const cards = col.studyCards(filter);
  const stats = computeStats({
    state: col.state,
    cards,
    answers,
    now,
    clock: col.clock,
    on,
    answerCards: isFiltered(filter) ? new Set(cards.map((c) => c.card.id)) : null,
    plan: lastPlan(col.events(), undoneSeqs(col.events())),
  });
  if (values.json) {
    const out: StatsJson = { ...stats, filter: { ...filter } };
    env.stdout.write(toJson(out, round) + '\n');
    return 0;
  }
  const label = selectionLabel(col, filter);
  const stdout = env.stdout as NodeJS.WriteStream;
  const columns = terminalWidth(env) ?? 80;
  const { renderStats } = await import('../../ui/Stats.js');
  const text = (width: number) => renderStats(stats, { width, label, focusTopics: filter.topics });
  const screen = text(columns);
  // Taller than the terminal: page it there, rather than let its top scroll away.
  if (
    stdout.isTTY &&
    process.stdin.isTTY &&
    stdout.rows &&
    screen.split('\n').length >= stdout.rows
  ) {
    const { runPager } = await import('../../ui/run.js');
    await runPager((width) => text(width).split('\n'), stdout);
    return 0;
  }
  env.stdout.write(screen + '\n');
  return 0;
}
