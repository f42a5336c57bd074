import { trace } from '../../trace.js';
import { UserError } from '../../errors.js';
import { COMMON_OPTIONS, FILTER_HELP, FILTER_OPTIONS, filterFrom, parse } from '../args.js';
import {
  assertNoExtra,
  checkFilter,
  describeFilter,
  noCardText,
  openCollection,
  selectionLabel,
} from '../common.js';
import type { Env } from '../context.js';
import type { Collection } from '../../store/collection.js';
import { autoSync, syncOnce } from '../../store/sync/run.js';
import { cramSession } from '../../session/cram.js';
import { Session } from '../../session/session.js';
import { changeText, editCard, editNotice } from './edit.js';

export const usage =
  'sre-cards [review] [--cram] [--topic T]... [--day N|N-M] [--deck NAME]... [--search TEXT] [--flag N] [--marked]';
export const help = `Reviews the cards due today, in the terminal. FSRS schedules every answer.

${usage}

${FILTER_HELP}
  --cram         review every matching card now, due or not, weakest first, without
                 changing its schedule or the day's limits (answers are logged as cram;
                 Again brings a card back a few cards later)

Keys: Space/Enter show the answer (then: Good) · 1-4 Again/Hard/Good/Easy ·
u/Ctrl-Z undo · s/@ suspend · b/- bury until tomorrow · e edit the card's source ·
i card info · f 1-7 flag (f 0 clears) · * mark the note · ↑↓/j k/PgUp PgDn scroll a
card taller than the screen · ? keys · q/Esc/Ctrl-C quit. A type-in card takes the
answer on a line; Enter compares it.
Every answer is saved before the next card is shown.`;

export function nextDueText(next: Date | null, now: Date, timeZone: string): string {
  if (!next) return 'No cards are scheduled.';
  const mins = Math.round((next.getTime() - now.getTime()) / 60_000);
  const when = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(next);
  if (mins < 60)
    return `The next card is due in ${Math.max(1, mins)} minute${mins === 1 ? '' : 's'} (${when}).`;
  return `The next card is due ${when}.`;
}

/**
 * `sync --auto`: a sync that says nothing when it works, and one line when it cannot
 * (offline, say): the session goes on with this device's collection.
 */
function quietSync(col: Collection, env: Env, when: string): void {
  try {
    syncOnce(col, env.now());
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    env.stderr.write(
      `sre-cards: sync ${when} of the session did not run (${why}); your answers are kept here and go with the next sync\n`,
    );
  }
}

export async function run(
  args: string[],
  env: Env,
  stdin: NodeJS.ReadStream = process.stdin,
): Promise<number> {
  const { values, positionals } = parse(
    args,
    { ...COMMON_OPTIONS, ...FILTER_OPTIONS, cram: { type: 'boolean' } },
    usage,
  );
  assertNoExtra(positionals, 0, usage);
  const filter = filterFrom(values, usage);
  if (!stdin.isTTY) {
    // Usage errors come first: a topic, deck or day that does not exist exits 2 here too.
    const read = openCollection(env, 'read', 'review');
    checkFilter(read, filter, usage);
    throw new UserError(
      'review needs a terminal (stdin is not one); for scripts, use `sre-cards due`, `sre-cards list` and `sre-cards answer CARD_ID good`',
    );
  }
  const col = openCollection(env, 'write', 'review', { snapshotWhenIdle: true });
  const closeAndExit = (code: number) => {
    try {
      col.close();
    } finally {
      process.exit(code);
    }
  };
  // Closing the terminal or a kill: every answer is already on disk; save the snapshot too.
  process.once('SIGHUP', () => closeAndExit(129));
  process.once('SIGTERM', () => closeAndExit(143));
  try {
    checkFilter(col, filter, usage);
    const auto = autoSync(col);
    if (auto) quietSync(col, env, 'at the start');
    const session = values.cram
      ? cramSession(col, filter, env.now)
      : new Session(col, filter, env.now);
    const label = [values.cram ? 'Cram' : '', selectionLabel(col, filter)]
      .filter(Boolean)
      .join(' · ');
    if (!session.next()) {
      // Why there is nothing to show (asked only then: it looks at every matching card).
      const none = noCardText(col, filter);
      if (none) env.stdout.write(none + '\n');
      else if (values.cram)
        env.stdout.write(
          `No cards to cram${describeFilter(filter) ? ` for ${describeFilter(filter)}` : ''} (suspended cards are left out).\n`,
        );
      else
        env.stdout.write(
          `Nothing is due now${describeFilter(filter) ? ` for ${describeFilter(filter)}` : ''}. ${nextDueText(session.summary().nextDue, env.now(), env.timeZone)}\n`,
        );
      return 0;
    }
    trace('queue built');
    const { runReview } = await import('../../ui/run.js');
    const edit = (id: string) => {
      const outcome = editCard(col, id, env.now);
      session.reloaded();
      return editNotice(outcome, col);
    };
    const changed = changeText(col.openChanges);
    // A problem found on opening (printed before the screen took the terminal) is shown
    // on it too: the first one, on one line.
    const [first, ...more] = col.warnings;
    const warned = first
      ? `Warning: ${first.replace(/\s*\n\s*/g, ' ')}${more.length ? ` (and ${more.length} more, shown when you quit)` : ''}`
      : null;
    const notice =
      warned ??
      (changed ? `Since the last session, cards ${changed} (deck check lists them)` : null);
    const result = await runReview(session, label, env.now, { edit, notice });
    if (auto && !result.error) quietSync(col, env, 'at the end');
    if (result.error) return 1;
    return 0;
  } finally {
    col.close();
  }
}
