import { COMMON_OPTIONS, parse, usageError } from '../args.js';
import { assertNoExtra, need, openCollection } from '../common.js';
import type { Env } from '../context.js';

import { FLAG_NAMES } from '../../core/model.js';

export { FLAG_NAMES };

export const usage = 'sre-cards flag CARD_ID N   or   sre-cards mark CARD_ID [--off]';
export const help = `Flags a card with one of Anki's seven colours, or marks its note, as the review
screen does (Ctrl-1…Ctrl-7 or f then a digit; *). Select them with --flag N and
--marked; both come along to Anki on export.

${usage}

  N       1 red, 2 orange, 3 green, 4 blue, 5 pink, 6 turquoise, 7 purple; 0 clears
  --off   unmark the note`;

export function run(args: string[], env: Env, verb: 'flag' | 'mark'): number {
  const { values, positionals } = parse(
    args,
    { ...COMMON_OPTIONS, off: { type: 'boolean' } },
    usage,
  );
  const id = need(positionals[0], 'CARD_ID', usage);
  if (verb === 'flag') {
    const n = need(positionals[1], 'flag number (0-7)', usage);
    assertNoExtra(positionals, 2, usage);
    if (values.off) throw usageError('--off goes with mark', usage);
    if (!/^[0-7]$/.test(n)) throw usageError(`flag must be 0 to 7, not "${n}"`, usage);
    const col = openCollection(env, 'write', 'flag');
    try {
      const changed = col.setFlag(id, Number(n), env.now());
      env.stdout.write(
        `${id}: ${changed ? (n === '0' ? 'flag cleared' : `flagged ${FLAG_NAMES[Number(n)]}`) : 'unchanged'}\n`,
      );
    } finally {
      col.close();
    }
    return 0;
  }
  assertNoExtra(positionals, 1, usage);
  const col = openCollection(env, 'write', 'mark');
  try {
    const marked = values.off !== true;
    const changed = col.setMarked(id, marked, env.now());
    env.stdout.write(`${id}: note ${changed ? (marked ? 'marked' : 'unmarked') : 'unchanged'}\n`);
  } finally {
    col.close();
  }
  return 0;
}
