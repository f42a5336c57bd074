import { createInterface } from 'node:readline';
import { RATINGS, type RatingName } from '../../core/scheduler.js';
import { UserError, writeErrorText } from '../../errors.js';
import { COMMON_OPTIONS, JSON_OPTION, parse, usageError } from '../args.js';
import { assertNoExtra, cardView, need, openCollection, showText } from '../common.js';
import type { Env } from '../context.js';
import { toJson } from '../../text/terminal.js';

export const usage =
  'sre-cards answer CARD_ID again|hard|good|easy [--json]   or   sre-cards answer --stdin [--json]';
export const help = `Answers one card now, due or not (as when studying ahead), through the same path
as the review screen: same scheduling, same log, counted toward the day's limits.
Prints the card as \`show\` does.

${usage}

  --stdin   answer many cards: read lines \`CARD_ID RATING\` from standard input
            (RATING: again, hard, good, easy, or 1-4; blank lines and lines starting
            with # are skipped). Each answer is on disk before its line is printed:
              saved 12 d61-spof good: learning, due 2026-03-01T09:10:00.000Z
            (12 is the answer's number in the event log). Stops at the first line
            that cannot be answered, exit 1; the answers printed before it are saved.
  --json    one card as \`show --json\` does; with --stdin, one object a line:
            {"seq", "id", "rating", "state", "due"}`;

const STDIN_OPTION = { stdin: { type: 'boolean' } } as const;

function ratingOf(s: string): RatingName | null {
  if (/^[1-4]$/.test(s)) return RATINGS[Number(s) - 1] as RatingName;
  return (RATINGS as readonly string[]).includes(s) ? (s as RatingName) : null;
}

export function run(
  args: string[],
  env: Env,
  stdin: NodeJS.ReadableStream = process.stdin,
): number | Promise<number> {
  const { values, positionals } = parse(
    args,
    { ...COMMON_OPTIONS, ...JSON_OPTION, ...STDIN_OPTION },
    usage,
  );
  if (values.stdin) {
    assertNoExtra(positionals, 0, usage);
    return answerLines(stdin, env, values.json ?? false);
  }
  const id = need(positionals[0], 'CARD_ID', usage);
  const rating = need(positionals[1], 'rating (again, hard, good or easy)', usage);
  assertNoExtra(positionals, 2, usage);
  if (!(RATINGS as readonly string[]).includes(rating))
    throw usageError(`rating must be again, hard, good or easy, not "${rating}"`, usage);
  const col = openCollection(env, 'write', 'answer');
  try {
    col.answer(id, rating as RatingName, env.now(), 0);
    const j = cardView(col, id, env.now());
    env.stdout.write(values.json ? toJson(j) + '\n' : showText(j));
  } finally {
    col.close();
  }
  return 0;
}

function clip(s: string, n = 60): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}

/** `answer --stdin`: one durable answer per line, acknowledged after it is on disk. */
async function answerLines(input: NodeJS.ReadableStream, env: Env, json: boolean): Promise<number> {
  const col = openCollection(env, 'write', 'answer');
  let saved = 0;
  let lineNo = 0;
  const savedText = () =>
    saved === 0
      ? 'no answer was saved'
      : `the ${saved} answer${saved === 1 ? '' : 's'} acknowledged before it ${saved === 1 ? 'is' : 'are'} saved`;
  const stop = (why: string) => new UserError(`line ${lineNo}: ${why}; ${savedText()}`);
  const rl = createInterface({ input, crlfDelay: Infinity });
  // A kill or hang-up between answers: everything acknowledged is on disk; save the snapshot too.
  const onSignal = (code: number) => () => {
    try {
      col.close();
    } finally {
      process.exit(code);
    }
  };
  const onTerm = onSignal(143);
  const onHup = onSignal(129);
  process.once('SIGTERM', onTerm);
  process.once('SIGHUP', onHup);
  try {
    for await (const raw of rl) {
      lineNo++;
      const line = raw.trim();
      if (line === '' || line.startsWith('#')) continue;
      const parts = line.split(/\s+/);
      if (parts.length !== 2) throw stop(`expected \`CARD_ID RATING\`, found "${clip(line)}"`);
      const [id, r] = parts as [string, string];
      const rating = ratingOf(r);
      if (!rating) throw stop(`rating must be again, hard, good, easy or 1-4, not "${clip(r)}"`);
      let e;
      try {
        e = col.answer(id, rating, env.now(), 0);
      } catch (err) {
        const io = writeErrorText(err);
        if (io) throw stop(`not saved: ${io}`);
        if (err instanceof UserError) throw stop(err.message);
        throw err;
      }
      saved++;
      const ack = { seq: e.seq, id, rating, state: e.after.state, due: e.after.due };
      env.stdout.write(
        json
          ? JSON.stringify(ack) + '\n'
          : `saved ${e.seq} ${id} ${rating}: ${ack.state}, due ${ack.due ?? '-'}\n`,
      );
    }
  } finally {
    process.removeListener('SIGTERM', onTerm);
    process.removeListener('SIGHUP', onHup);
    rl.close();
    col.close();
  }
  return 0;
}
