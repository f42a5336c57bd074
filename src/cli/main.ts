/** `sre-cards`: the command line. Each command lives in its own module under cmd/. */
import { UserError, writeErrorText } from '../errors.js';
import { makeEnv, type Env } from './context.js';
import { sanitize } from '../text/terminal.js';

declare const __VERSION__: string;
const VERSION = typeof __VERSION__ === 'string' ? __VERSION__ : '0.0.0-dev';

/** What a command's module exports. */
interface CommandModule {
  help: string;
  usage: string;
  run: (args: string[], env: Env) => number | Promise<number>;
}

interface Command {
  summary: string;
  /**
   * The command's module, loaded when the command runs: a command then reads and runs
   * only its own code (and what it shares), not every other command's. `due` at 1k cards
   * took a quarter longer with every command loaded at start.
   */
  load: () => Promise<CommandModule>;
}

/** suspend and unsuspend, flag and mark: one module each, told which of the two runs. */
const suspendCmd = (on: boolean) => () =>
  import('./cmd/suspend.js').then((m) => ({ ...m, run: (a: string[], e: Env) => m.run(a, e, on) }));
const flagCmd = (verb: 'flag' | 'mark') => () =>
  import('./cmd/flag.js').then((m) => ({ ...m, run: (a: string[], e: Env) => m.run(a, e, verb) }));

const COMMANDS: Record<string, Command> = {
  review: {
    load: () => import('./cmd/review.js'),
    summary: 'review the cards due today (the default)',
  },
  due: { load: () => import('./cmd/due.js'), summary: 'how many cards a session would offer now' },
  list: { load: () => import('./cmd/list.js'), summary: 'list cards with their state' },
  show: { load: () => import('./cmd/show.js'), summary: 'one card, its state and its answers' },
  answer: { load: () => import('./cmd/answer.js'), summary: 'answer a card from a script' },
  suspend: { load: suspendCmd(true), summary: 'suspend a card' },
  unsuspend: { load: suspendCmd(false), summary: 'bring a suspended card back' },
  'set-due': {
    load: () => import('./cmd/setdue.js'),
    summary: 'set cards due on a chosen day (0 today, 1-7, ! sets the interval)',
  },
  forget: {
    load: () => import('./cmd/forget.js'),
    summary: 'make cards new again (keeping their history)',
  },
  undo: {
    load: () => import('./cmd/undo.js'),
    summary: 'undo the last change (or N), whichever session made it',
  },
  edit: {
    load: () => import('./cmd/edit.js'),
    summary: "open a card's source in your editor; its history stays",
  },
  flag: { load: flagCmd('flag'), summary: 'flag a card (1-7, 0 clears)' },
  mark: { load: flagCmd('mark'), summary: "mark a card's note" },
  topics: {
    load: () => import('./cmd/topics.js'),
    summary: 'the topics, with card counts and days',
  },
  stats: {
    load: () => import('./cmd/stats.js'),
    summary: 'counts, forecast, heatmap, retention, readiness by topic',
  },
  lint: { load: () => import('./cmd/lint.js'), summary: 'check a folder of deck sources' },
  deck: {
    load: () => import('./cmd/deck.js'),
    summary: 'add, remove, list or check your own decks',
  },
  export: {
    load: () => import('./cmd/export.js'),
    summary: 'an Anki package (.apkg) or text file of the cards',
  },
  import: {
    load: () => import('./cmd/import.js'),
    summary: 'an Anki package (.apkg, .colpkg): its decks and review history',
  },
  doctor: {
    load: () => import('./cmd/doctor.js'),
    summary: 'check the collection; --repair, --rebuild from the log',
  },
  config: {
    load: () => import('./cmd/config.js'),
    summary: 'show or change the settings (limits, steps, interview date...)',
  },
  optimize: {
    load: () => import('./cmd/optimize.js'),
    summary: 'fit the FSRS parameters to your own answers',
  },
  plan: {
    load: () => import('./cmd/plan.js'),
    summary: 'simulate the days to the interview: minutes a day, recall on the day',
  },
  sync: {
    load: () => import('./cmd/sync.js'),
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
  const mod = await cmd.load();
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(mod.help + '\n');
    return 0;
  }
  const e = env ?? makeEnv(dataDirFlag(args));
  return mod.run(args, e);
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
