/** `sre-cards`: the command line. Each command lives in its own module under cmd/. */
import { UserError, writeErrorText } from '../errors.js';
import { makeEnv, type Env } from './context.js';
import { sanitize } from '../text/terminal.js';
import * as answer from './cmd/answer.js';
import * as config from './cmd/config.js';
import * as deck from './cmd/deck.js';
import * as doctor from './cmd/doctor.js';
import * as edit from './cmd/edit.js';
import * as due from './cmd/due.js';
import * as exportCmd from './cmd/export.js';
import * as flag from './cmd/flag.js';
import * as forget from './cmd/forget.js';
import * as importCmd from './cmd/import.js';
import * as lint from './cmd/lint.js';
import * as list from './cmd/list.js';
import * as optimize from './cmd/optimize.js';
import * as plan from './cmd/plan.js';
import * as review from './cmd/review.js';
import * as setDue from './cmd/setdue.js';
import * as show from './cmd/show.js';
import * as stats from './cmd/stats.js';
import * as suspend from './cmd/suspend.js';
import * as sync from './cmd/sync.js';
import * as topics from './cmd/topics.js';
import * as undo from './cmd/undo.js';

declare const __VERSION__: string;
const VERSION = typeof __VERSION__ === 'string' ? __VERSION__ : '0.0.0-dev';

interface Command {
  help: string;
  usage: string;
  run: (args: string[], env: Env) => number | Promise<number>;
  summary: string;
}

const COMMANDS: Record<string, Command> = {
  review: {
    ...review,
    run: (a, e) => review.run(a, e),
    summary: 'review the cards due today (the default)',
  },
  due: { ...due, summary: 'how many cards a session would offer now' },
  list: { ...list, summary: 'list cards with their state' },
  show: { ...show, summary: 'one card, its state and its answers' },
  answer: { ...answer, summary: 'answer a card from a script' },
  suspend: { ...suspend, run: (a, e) => suspend.run(a, e, true), summary: 'suspend a card' },
  unsuspend: {
    ...suspend,
    run: (a, e) => suspend.run(a, e, false),
    summary: 'bring a suspended card back',
  },
  'set-due': {
    ...setDue,
    summary: 'set cards due on a chosen day (0 today, 1-7, ! sets the interval)',
  },
  forget: { ...forget, summary: 'make cards new again (keeping their history)' },
  undo: { ...undo, summary: 'undo the last change (or N), whichever session made it' },
  edit: { ...edit, summary: "open a card's source in your editor; its history stays" },
  flag: { ...flag, run: (a, e) => flag.run(a, e, 'flag'), summary: 'flag a card (1-7, 0 clears)' },
  mark: { ...flag, run: (a, e) => flag.run(a, e, 'mark'), summary: "mark a card's note" },
  topics: { ...topics, summary: 'the topics, with card counts and days' },
  stats: { ...stats, summary: 'counts, forecast, heatmap, retention, readiness by topic' },
  lint: { ...lint, summary: 'check a folder of deck sources' },
  deck: { ...deck, summary: 'add, remove, list or check your own decks' },
  export: { ...exportCmd, summary: 'an Anki package (.apkg) or text file of the cards' },
  import: {
    ...importCmd,
    summary: 'an Anki package (.apkg, .colpkg): its decks and review history',
  },
  doctor: { ...doctor, summary: 'check the collection; --repair, --rebuild from the log' },
  config: { ...config, summary: 'show or change the settings (limits, steps, interview date...)' },
  optimize: { ...optimize, summary: 'fit the FSRS parameters to your own answers' },
  plan: {
    ...plan,
    summary: 'simulate the days to the interview: minutes a day, recall on the day',
  },
  sync: {
    ...sync,
    summary: 'share the collection between devices, through git or a synced folder',
  },
};

export const MAIN_USAGE = 'sre-cards [COMMAND] [OPTIONS]   (sre-cards --help lists the commands)';

function mainHelp(): string {
  const w = Math.max(...Object.keys(COMMANDS).map((k) => k.length));
  return `sre-cards ${VERSION}: spaced-repetition flashcards for SRE interviews, scheduled by FSRS.

usage: sre-cards [COMMAND] [OPTIONS]

Commands:
${Object.entries(COMMANDS)
  .map(([k, c]) => `  ${k.padEnd(w)}  ${c.summary}`)
  .join('\n')}

Options for every command:
  --data-dir DIR   the collection's folder (default: $SRE_CARDS_DATA_DIR, else
                   $XDG_DATA_HOME/sre-cards, else ~/.local/share/sre-cards)
  --help, -h       help for the command
  --version        print the version

Environment: SRE_CARDS_NOW=2026-03-01T09:00:00Z freezes the clock (scripts, tests);
TZ sets the time zone that, with the rollover hour, decides the study day.
`;
}

export async function main(argv: string[], env?: Env): Promise<number> {
  if (argv[0] === '--version' || argv[0] === '-V') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  if (argv.length === 1 && (argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help')) {
    process.stdout.write(mainHelp());
    return 0;
  }
  // An option of every command may come before the command's name: `--data-dir D due`.
  const lead: string[] = [];
  let rest = argv;
  while (rest[0] === '--data-dir' || rest[0]?.startsWith('--data-dir=')) {
    const n = rest[0] === '--data-dir' ? 2 : 1;
    lead.push(...rest.slice(0, n));
    rest = rest.slice(n);
  }
  const first = rest[0];
  const named = first !== undefined && !first.startsWith('-');
  const name = named ? first : 'review';
  // `help COMMAND` is `COMMAND --help`.
  if (name === 'help' && rest[1]) return main([rest[1], '--help'], env);
  const args = [...(named ? rest.slice(1) : rest), ...lead];
  const cmd = COMMANDS[name];
  if (!cmd) throw new UserError(`unknown command "${name}"\nusage: ${MAIN_USAGE}`, 2);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(cmd.help + '\n');
    return 0;
  }
  const dd = dataDirFlag(args);
  return cmd.run(args, env ?? makeEnv(dd));
}

/** --data-dir is read before the command's own parsing, since the env needs it. */
function dataDirFlag(args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    if (a === '--data-dir') return args[i + 1];
    if (a.startsWith('--data-dir=')) return a.slice('--data-dir='.length);
  }
  return undefined;
}

function fail(e: unknown): number {
  if (e instanceof UserError) {
    process.stderr.write(`sre-cards: ${sanitize(e.message)}\n`);
    return e.exitCode;
  }
  const err = e as NodeJS.ErrnoException;
  const io = writeErrorText(e);
  if (io) {
    process.stderr.write(
      `sre-cards: ${io}; nothing more was saved, and what was saved before is intact\n`,
    );
    return 1;
  }
  process.stderr.write(`sre-cards: unexpected error: ${err?.message ?? String(e)}\n`);
  if (process.env.SRE_CARDS_DEBUG) process.stderr.write(`${err?.stack}\n`);
  return 1;
}

if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '')
  process.env.FORCE_COLOR = '0';

// A closed pipe (`sre-cards list | head`) is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

const isEntry = process.argv[1] !== undefined && /sre-cards(\.js)?$/.test(process.argv[1]);
if (isEntry) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.exitCode = fail(e);
    },
  );
}
