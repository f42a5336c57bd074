import { COMMON_OPTIONS, parse } from '../args.js';
import { assertNoExtra, need, openCollection } from '../common.js';
import type { Env } from '../context.js';

export const usage = 'sre-cards suspend|unsuspend CARD_ID';
export const help = `Suspends a card (it is not reviewed until unsuspended), or brings it back.

${usage}`;

export function run(args: string[], env: Env, suspend: boolean): number {
  const { positionals } = parse(args, COMMON_OPTIONS, usage);
  const id = need(positionals[0], 'CARD_ID', usage);
  assertNoExtra(positionals, 1, usage);
  const col = openCollection(env, 'write', suspend ? 'suspend' : 'unsuspend');
  try {
    const changed = suspend ? col.suspend(id, env.now()) : col.unsuspend(id, env.now());
    env.stdout.write(
      `${id}: ${changed ? (suspend ? 'suspended' : 'unsuspended') : suspend ? 'already suspended' : 'was not suspended'}\n`,
    );
  } finally {
    col.close();
  }
  return 0;
}
