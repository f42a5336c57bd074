import { existsSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { UserError } from '../../errors.js';
import { NO_FILTER, selectsAll, type Filter } from '../../core/queue.js';
import type { AnkiPackage, PackageSize, RevlogJob } from '../../export/anki/index.js';
import type { SqliteWorker as SqliteWorkerType } from '../../export/apkg.js';
import { existsError } from '../../export/file.js';
import type { ExportSource } from '../../export/notes.js';
import { Collection } from '../../store/collection.js';
import {
  COMMON_OPTIONS,
  FILTER_OPTIONS,
  JSON_OPTION,
  filterFrom,
  parse,
  usageError,
} from '../args.js';
import { assertNoExtra, checkFilter, describeFilter, need, openCollection } from '../common.js';
import type { Env } from '../context.js';
import { trace } from '../../trace.js';
import { plural } from '../../text/plural.js';

export const usage =
  'sre-cards export anki|tsv [--out FILE] [--topic T]... [--day N|N-M] [--deck NAME]... [--search TEXT] [--flag N] [--marked] [--with-progress] [--stock-types] [--force] [--json]';
export const help = `Exports the cards for Anki. Read-only: the collection is not changed.

${usage}

  anki              an Anki package (.apkg): note types, decks, notes and cards, as Anki
                    imports them (File › Import, or open the file). Default: sre-cards.apkg
  tsv               a text file Anki's File › Import reads as it is: one note a line, with
                    its GUID, note type, deck, fields (HTML) and tags. Default: sre-cards.txt
  --out FILE        where to write (a folder gets the default name inside it)
  --topic, --day, --deck, --search, --flag, --marked
                    export only the matching cards (as for \`list\`)
  --with-progress   (anki) bring each card's scheduling and the review log along. Anki
                    takes the scheduling of cards it does not have yet, so it comes across
                    on the first import only
  --stock-types     (tsv) name Anki's built-in Basic / Basic (and reversed card) / Cloze
                    note types, for a collection that never imported the package
  --force           replace FILE if it exists
  --json            print what was written as JSON

Examples:
  sre-cards export anki
  sre-cards export anki --with-progress --out ~/Desktop/sre.apkg
  sre-cards export anki --day 61-65 --topic networking --out week1.apkg
  sre-cards export tsv --out sre-cards.txt`;

const OPTIONS = {
  ...COMMON_OPTIONS,
  ...FILTER_OPTIONS,
  ...JSON_OPTION,
  out: { type: 'string', short: 'o' },
  force: { type: 'boolean' },
  'with-progress': { type: 'boolean' },
  'stock-types': { type: 'boolean' },
} as const;

const DEFAULT_NAME = { anki: 'sre-cards.apkg', tsv: 'sre-cards.txt' } as const;

/** Where to write: --out (a folder gets the default name), else the default in the current folder. */
function outputPath(format: 'anki' | 'tsv', out: string | undefined): string {
  if (out === undefined) return resolve(DEFAULT_NAME[format]);
  if (out === '') throw usageError('--out needs a file name', usage);
  const path = resolve(out);
  if (existsSync(path) && statSync(path).isDirectory()) return join(path, DEFAULT_NAME[format]);
  return path;
}

export async function run(args: string[], env: Env): Promise<number> {
  const { values, positionals } = parse(args, OPTIONS, usage);
  const format = need(positionals[0], 'format (anki or tsv)', usage);
  assertNoExtra(positionals, 1, usage);
  if (format !== 'anki' && format !== 'tsv')
    throw usageError(`format must be anki or tsv, not "${format}"`, usage);
  if (format === 'tsv' && values['with-progress'])
    throw usageError(
      '--with-progress needs an Anki package: `sre-cards export anki --with-progress`',
      usage,
    );
  if (format === 'anki' && values['stock-types'])
    throw usageError(
      '--stock-types is for the text file: `sre-cards export tsv --stock-types`',
      usage,
    );
  const filter = filterFrom(values, usage);
  const file = outputPath(format, values.out);
  if (basename(file).toLowerCase() === 'collection.apkg')
    throw new UserError(
      `refusing to write ${file}: Anki treats a file named collection.apkg as a whole collection and would replace yours with it; choose another name, such as --out sre-cards.apkg`,
    );
  if (format === 'anki' && !/\.apkg$/i.test(file))
    throw usageError(
      `--out must name a .apkg file (Anki imports packages by that ending), not "${basename(file)}"`,
      usage,
    );
  const force = values.force ?? false;
  if (!force && existsSync(file)) throw existsError(file);

  const withProgress = values['with-progress'] ?? false;
  const now = env.now();
  if (format === 'tsv') {
    const { buildTsv } = await import('../../export/tsv.js');
    const { writeExport } = await import('../../export/file.js');
    const tsv = buildTsv(readSource(env, filter), { stockTypes: values['stock-types'] ?? false });
    writeExport(file, [Buffer.from(tsv.text, 'utf8')], force);
    report(env, values.json ?? false, { file, format, notes: tsv.notes, cards: tsv.cards });
    return 0;
  }
  // Only the package's rows outlive this call: the collection and the log are let go
  // before the database is built, which keeps a large export's memory down.
  const { revlogCount, writeApkg, SqliteWorker } = await import('../../export/apkg.js');
  // A large review log is made into its half of the database in a worker, from as soon
  // as the log is read (see `SqliteWorker`).
  let worker: SqliteWorkerType | null = null;
  let failed = false;
  const pkg = await ankiPackage(env, filter, now, withProgress, (job, size) => {
    if (!failed) worker = SqliteWorker.start(job, size);
  }).catch((e: unknown) => {
    failed = true;
    worker?.stop();
    throw e;
  });
  trace('rows built');
  await writeApkg(pkg, file, { force, now, worker });
  trace('package written');
  report(env, values.json ?? false, {
    file,
    format,
    notes: pkg.notes.length,
    cards: pkg.cards.length,
    decks: pkg.decks.length,
    withProgress,
    reviews: revlogCount(pkg),
  });
  return 0;
}

interface Source extends ExportSource {
  col: Collection;
}

/** The cards to export (read-only), or a clear error when the filter leaves none. */
function readSource(env: Env, filter: Filter): Source {
  const col = openCollection(env, 'read', 'export');
  checkFilter(col, filter, usage);
  const cards = col.studyCards(filter);
  if (cards.length === 0) {
    const what = describeFilter(filter);
    throw new UserError(
      `no cards to export${what ? ` for ${what}` : ''}; nothing was written (\`sre-cards list\` shows the cards)`,
    );
  }
  // A filter that selects everything has chosen every live card already.
  const allCards = selectsAll(filter) ? cards : col.studyCards(NO_FILTER);
  return { col, cards, allCards, decks: col.decks };
}

/** The package's rows, from the collection and (with progress) its event log. */
async function ankiPackage(
  env: Env,
  filter: Filter,
  now: Date,
  withProgress: boolean,
  onJob: (job: RevlogJob, size: PackageSize) => void,
): Promise<AnkiPackage> {
  const { buildAnkiPackage, buildAnkiPackageWhile } = await import('../../export/anki/index.js');
  const { loadSqlJs } = await import('../../export/apkg.js');
  // The log is read (in worker threads) while the collection is opened, the notes are
  // built and SQLite loads; it is never held whole, only the columns its review log needs.
  const log = withProgress ? Collection.reviewRows(env.dataDir) : null;
  log?.catch(() => undefined);
  loadSqlJs().catch(() => undefined);
  const { col, ...source } = readSource(env, filter);
  trace('collection opened');
  const input = { ...source, settings: col.settings, clock: col.clock, now, withProgress };
  return log
    ? buildAnkiPackageWhile(input, log, onJob)
    : buildAnkiPackage({ ...input, events: [] });
}

interface Report {
  file: string;
  format: 'anki' | 'tsv';
  notes: number;
  cards: number;
  decks?: number;
  withProgress?: boolean;
  reviews?: number;
}

function report(env: Env, json: boolean, r: Report): void {
  if (json) {
    env.stdout.write(JSON.stringify(r) + '\n');
    return;
  }
  let line = `wrote ${r.file}: ${plural(r.notes, 'note')}, ${plural(r.cards, 'card')}`;
  if (r.decks !== undefined) line += ` in ${plural(r.decks, 'deck')}`;
  if (r.withProgress) line += `, with progress (${plural(r.reviews ?? 0, 'review')})`;
  env.stdout.write(`${line}\nImport it in Anki with File › Import.\n`);
}
