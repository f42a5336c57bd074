import type { UndoableEvent } from '../../core/events.js';
import { ratingName } from '../../core/scheduler.js';
import { sanitize } from '../../text/terminal.js';
import { COMMON_OPTIONS, JSON_OPTION, parse, usageError } from '../args.js';
import { assertNoExtra, openCollection } from '../common.js';
import type { Env } from '../context.js';

export const usage = 'sre-cards undo [N] [--json]';
export const help = `Undoes the last change to the collection, or the last N, whichever session made
them: an answer, a suspension, a bury, a flag or mark, a forget, a settings change. A
leech's suspension goes with the answer that caused it. Each undo is itself logged:
nothing is erased.

${usage}

  N        how many changes to undo, latest first (default 1)
  --json   print [{"type", "card", "at"}] for each change undone`;

/** A change in words: `answer d61-spof good (2026-03-01 09:00 UTC)`. */
export function changeText(e: UndoableEvent): string {
  const when = `${e.at.slice(0, 16).replace('T', ' ')} UTC`;
  switch (e.type) {
    case 'answer':
      return `${e.cram ? 'cram answer' : 'answer'} ${e.card} ${ratingName(e.rating)} (${when})`;
    case 'suspend':
      return `${e.leech ? 'leech suspension' : 'suspension'} of ${e.card} (${when})`;
    case 'unsuspend':
      return `unsuspension of ${e.card} (${when})`;
    case 'bury':
      return `bury of ${e.card} (${when})`;
    case 'reset':
      return `forget of ${e.card} (${when})`;
    case 'flag':
      return `flag ${e.flag} on ${e.card} (${when})`;
    case 'mark':
      return `${e.marked ? 'mark' : 'unmark'} of ${e.card}'s note (${when})`;
    case 'set-due':
      return `set due of ${e.card} (${when})`;
    case 'settings':
      return `settings change (${when})`;
  }
}

export function run(args: string[], env: Env): number {
  const { values, positionals } = parse(args, { ...COMMON_OPTIONS, ...JSON_OPTION }, usage);
  assertNoExtra(positionals, 1, usage);
  const n = positionals[0] === undefined ? 1 : Number(positionals[0]);
  if (!Number.isInteger(n) || n < 1 || n > 1000)
    throw usageError(`N must be a whole number from 1 to 1000, not "${positionals[0]}"`, usage);
  const col = openCollection(env, 'write', 'undo');
  try {
    const groups = col.undoChanges(n, env.now());
    const undone = groups.flat();
    if (values.json) {
      env.stdout.write(
        JSON.stringify(
          undone.map((e) => ({ type: e.type, ...('card' in e ? { card: e.card } : {}), at: e.at })),
        ) + '\n',
      );
      return 0;
    }
    if (undone.length === 0) {
      env.stdout.write('Nothing to undo.\n');
      return 0;
    }
    env.stdout.write(
      `Undid ${groups.length} change${groups.length === 1 ? '' : 's'}:\n` +
        undone.map((e) => `  ${sanitize(changeText(e))}\n`).join(''),
    );
  } finally {
    col.close();
  }
  return 0;
}
