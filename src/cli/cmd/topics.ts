import { COMMON_OPTIONS, JSON_OPTION, parse } from '../args.js';
import { assertNoExtra, openCollection, terminalWidth, topicCount } from '../common.js';
import { columns } from '../../text/columns.js';
import type { Env } from '../context.js';
import { sanitize, toJson } from '../../text/terminal.js';
import { hasTopic } from '../../deck/cards.js';
import { NO_FILTER } from '../../core/queue.js';

export const usage = 'sre-cards topics [--json]';
export const help = `Lists the topics of the decks, with their cards (sub-topics included) and the
plan days they cover. Read-only.

${usage}

  --json   print [{"topic", "description", "cards", "days"}]`;

export function run(args: string[], env: Env): number {
  const { values, positionals } = parse(args, { ...COMMON_OPTIONS, ...JSON_OPTION }, usage);
  assertNoExtra(positionals, 0, usage);
  const col = openCollection(env, 'read', 'topics');
  const cards = col.studyCards(NO_FILTER).map((sc) => sc.card);
  const seen = new Map<string, string>();
  for (const d of col.decks.values())
    for (const t of d.topics) if (!seen.has(t.id)) seen.set(t.id, t.description);
  const rows = [...seen.entries()].map(([topic, description]) => {
    const days = [
      ...new Set(
        cards
          .filter((c) => hasTopic(c.topics, topic) && c.day !== null)
          .map((c) => c.day as number),
      ),
    ].sort((a, b) => a - b);
    return { topic, description, cards: topicCount(cards, topic), days };
  });
  if (values.json) {
    env.stdout.write(toJson(rows) + '\n');
    return 0;
  }
  const table = rows.map((r) => [
    `${r.topic.includes('/') ? '  ' : ''}${r.topic}`,
    String(r.cards),
    compactDays(r.days),
    sanitize(r.description),
  ]);
  for (const line of columns(table, [1], terminalWidth(env), [2, 3])) env.stdout.write(line + '\n');
  return 0;
}

/** 61,62,63,65 -> "61-63,65" */
export function compactDays(days: number[]): string {
  const out: string[] = [];
  for (let i = 0; i < days.length;) {
    let j = i;
    while (j + 1 < days.length && days[j + 1] === (days[j] as number) + 1) j++;
    out.push(i === j ? `${days[i]}` : `${days[i]}-${days[j]}`);
    i = j + 1;
  }
  return out.join(',') || '-';
}
