import { parseDueSpec } from '../../core/setdue.js';
import { toJson } from '../../text/terminal.js';
import { COMMON_OPTIONS, JSON_OPTION, parse, usageError } from '../args.js';
import { need, openCollection } from '../common.js';
import type { Env } from '../context.js';

export const usage = 'sre-cards set-due DAYS CARD_ID... [--json]';
export const help = `Sets cards due on a chosen study day, as Anki's Set due date does. The card
becomes a review card due that day (at the time of day it is set); its memory state
and history stay. A new card is refused: it has no memory state yet. u in a session,
or sre-cards undo, takes it back.

${usage}

  DAYS     0 today, 3 in three days, 1-7 a day drawn in that range (for each card);
           a ! after it (3!, 1-7!) also sets the interval to the days until then.
           Without !, a review card keeps its interval; a learning card gets the days.
  --json   print [{"card", "days", "due", "interval"}]

A later change of settings that reschedules (config, optimize) replays each card's
answers, and so gives it the due date its answers give, as in Anki.`;

export function run(args: string[], env: Env): number {
  const { values, positionals } = parse(args, { ...COMMON_OPTIONS, ...JSON_OPTION }, usage);
  const text = need(positionals[0], 'DAYS', usage);
  const spec = parseDueSpec(text);
  if (!spec)
    throw usageError(
      `DAYS must be 0, a number of days, or a range such as 1-7, with ! to set the interval too; not "${text}"`,
      usage,
    );
  const ids = positionals.slice(1);
  need(ids[0], 'CARD_ID', usage);
  const col = openCollection(env, 'write', 'set-due');
  try {
    const now = env.now();
    const rows = col.setDue(ids, spec, now).map(({ card, days, after }) => ({
      card,
      days,
      due: after.due,
      interval: after.scheduledDays,
    }));
    if (values.json) env.stdout.write(toJson(rows) + '\n');
    else
      for (const r of rows)
        env.stdout.write(
          `${r.card}: due ${r.days === 0 ? 'today' : `in ${r.days} day${r.days === 1 ? '' : 's'}`} (${r.due}), interval ${r.interval} day${r.interval === 1 ? '' : 's'}\n`,
        );
  } finally {
    col.close();
  }
  return 0;
}
