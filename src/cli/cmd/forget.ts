import { planOrder } from '../../core/queue.js';
import { UserError } from '../../errors.js';
import {
  COMMON_OPTIONS,
  FILTER_HELP,
  FILTER_OPTIONS,
  JSON_OPTION,
  filterFrom,
  parse,
  usageError,
} from '../args.js';
import { checkFilter, describeFilter, openCollection } from '../common.js';
import type { Env } from '../context.js';

export const usage =
  'sre-cards forget CARD_ID... | forget [--topic T]... [--day N|N-M] [--deck NAME]... [--search TEXT] [--flag N] [--marked]  [--reset-counts] [--json]';
export const help = `Makes cards new again, as Anki's Forget does: they come back as new cards in plan
order and FSRS starts their memory over. Their answers stay in the log (\`show\` lists
them), and \`sre-cards undo\` takes the forgetting back.

${usage}

  CARD_ID...       the cards to forget (\`sre-cards list\` shows the ids); or a filter:
${FILTER_HELP}
  --reset-counts   also set the cards' answer and lapse counts back to 0 (by default
                   they are kept, as in Anki)
  --json           print {"forgot": [ids], "resetCounts": bool}`;

export function run(args: string[], env: Env): number {
  const { values, positionals } = parse(
    args,
    { ...COMMON_OPTIONS, ...FILTER_OPTIONS, ...JSON_OPTION, 'reset-counts': { type: 'boolean' } },
    usage,
  );
  const filter = filterFrom(values, usage);
  const filtered = describeFilter(filter) !== '';
  if (positionals.length === 0 && !filtered)
    throw usageError('name the cards to forget, or a filter such as --topic', usage);
  if (positionals.length > 0 && filtered)
    throw usageError('give card ids or a filter, not both', usage);
  const col = openCollection(env, 'write', 'forget');
  try {
    let ids: string[];
    if (filtered) {
      checkFilter(col, filter, usage);
      ids = col
        .studyCards(filter)
        .sort((a, b) => planOrder(a.card, b.card))
        .map((sc) => sc.card.id);
      if (ids.length === 0)
        throw new UserError(`no card matches ${describeFilter(filter)}; nothing was forgotten`);
    } else {
      ids = [...new Set(positionals)];
      for (const id of ids) col.get(id);
    }
    const now = env.now();
    const keep = values['reset-counts'] !== true;
    // A card new and never answered has nothing to forget, counts or not.
    const forgot = ids.filter((id) => {
      const s = col.get(id).rec.sched;
      return s.state !== 'new' || (!keep && (s.reps > 0 || s.lapses > 0));
    });
    // One change for `undo`, however many cards.
    col.together(() => {
      for (const id of forgot) col.forget(id, now, keep);
    });
    if (values.json) env.stdout.write(JSON.stringify({ forgot, resetCounts: !keep }) + '\n');
    else {
      const skipped = ids.length - forgot.length;
      env.stdout.write(
        `forgot ${forgot.length} card${forgot.length === 1 ? '' : 's'}: new again, ${keep ? 'answer and lapse counts kept' : 'counts back to 0'}` +
          (skipped ? ` (${skipped} already new)` : '') +
          '. `sre-cards undo` takes it back.\n',
      );
    }
  } finally {
    col.close();
  }
  return 0;
}
