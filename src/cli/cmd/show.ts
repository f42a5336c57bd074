import { COMMON_OPTIONS, JSON_OPTION, parse } from '../args.js';
import { assertNoExtra, cardJson, cardLog, need, openCollection, showText } from '../common.js';
import type { Env } from '../context.js';
import { toJson } from '../../text/terminal.js';

export const usage = 'sre-cards show CARD_ID [--json]';
export const help = `Shows one card: its text, its scheduling state, and its answers. Read-only.

${usage}

  --json   print the card as \`list --json\` does, plus "log": [{"at", "rating"}]`;

export function run(args: string[], env: Env): number {
  const { values, positionals } = parse(args, { ...COMMON_OPTIONS, ...JSON_OPTION }, usage);
  const id = need(positionals[0], 'CARD_ID', usage);
  assertNoExtra(positionals, 1, usage);
  const col = openCollection(env, 'read', 'show');
  const j = { ...cardJson(col.get(id), col, env.now()), log: cardLog(col, id) };
  env.stdout.write(values.json ? toJson(j) + '\n' : showText(j));
  return 0;
}
