/**
 * `sre-cards import anki FILE`: an Anki package's notes as a deck folder of Markdown
 * sources, and its review history as events of the collection. Reads the package
 * (src/import/package.ts), plans the import (src/import/plan.ts: pure), prints the
 * summary; unless --dry-run, stages the files beside the deck folder, moves them into
 * place, and appends the events in one durable batch. Bad input writes nothing.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { readSources } from '../../deck/read.js';
import type { SourceFile } from '../../deck/parse.js';
import { UserError } from '../../errors.js';
import { harmless } from '../../import/text.js';
import { formatBytes, LIMITS } from '../../import/limits.js';
import type { AnkiPackage } from '../../import/model.js';
import type { ImportPlan, ImportSummary } from '../../import/plan.js';
import type { Replay, ReplayWork } from '../../import/replay-pool.js';
import type { Collection } from '../../store/collection.js';
import { COMMON_OPTIONS, JSON_OPTION, parse, usageError } from '../args.js';
import { assertNoExtra, need, openCollection } from '../common.js';
import type { Env } from '../context.js';
import { trace } from '../../trace.js';
import { plural } from '../../text/plural.js';

export const usage =
  'sre-cards import anki FILE [--deck-dir DIR] [--dry-run] [--with-settings] [--json]';
export const help = `Imports an Anki package (.apkg or .colpkg): its notes become a deck folder of
Markdown sources, one file per Anki deck, registered as a deck of the collection; its
review log becomes your history here, so the cards are due when Anki would show them.

${usage}

  FILE              an .apkg or .colpkg file written by Anki (any version from 2.1)
  --deck-dir DIR    the deck folder (default: <data dir>/decks/<deck name>); importing
                    into it again adds only the notes it does not have yet
  --dry-run         print what would be imported; write nothing
  --with-settings   also take the FSRS parameters and desired retention of the Anki
                    preset most of the cards use as the deck's own settings
                    (\`config --deck NAME\` shows them)
  --json            print the summary as JSON

Examples:
  sre-cards import anki ~/Downloads/Japanese.apkg --dry-run
  sre-cards import anki collection-2026-03-01.colpkg`;

const OPTIONS = {
  ...COMMON_OPTIONS,
  ...JSON_OPTION,
  'deck-dir': { type: 'string' },
  'dry-run': { type: 'boolean' },
  'with-settings': { type: 'boolean' },
} as const;

/** A progress bar on stderr, drawn once the work has taken a second, on a terminal only. */
export function progressBar(
  stderr: NodeJS.WritableStream & { isTTY?: boolean },
  clock: () => number = () => performance.now(),
): { update(label: string, done: number, total: number): void; end(): void } {
  const start = clock();
  let drawn = false;
  let last = -1;
  return {
    update(label, done, total) {
      if (!stderr.isTTY || clock() - start < 1000) return;
      const pct = total > 0 ? Math.floor((100 * done) / total) : 100;
      if (pct === last && drawn) return;
      last = pct;
      const w = 30;
      const n = Math.round((w * pct) / 100);
      stderr.write(
        `\r${label.padEnd(10)} [${'#'.repeat(n)}${'.'.repeat(w - n)}] ${String(pct).padStart(3)}%`,
      );
      drawn = true;
    },
    end() {
      if (drawn) stderr.write('\r\x1b[K');
      drawn = false;
    },
  };
}

export async function run(args: string[], env: Env): Promise<number> {
  const { values, positionals } = parse(args, OPTIONS, usage);
  const format = need(positionals[0], 'format (anki)', usage);
  if (format !== 'anki') throw usageError(`format must be anki, not "${format}"`, usage);
  const file = resolve(need(positionals[1], 'FILE', usage));
  assertNoExtra(positionals, 2, usage);
  if (values['deck-dir'] === '') throw usageError('--deck-dir needs a folder', usage);
  const name = basename(file);
  if (!existsSync(file)) throw new UserError(`no such file: ${file}`);
  const st = statSync(file);
  if (!st.isFile()) throw new UserError(`${file} is not a file; give an .apkg or .colpkg file`);
  if (st.size > LIMITS.packageBytes)
    throw new UserError(
      `${name} is too large to import (${formatBytes(st.size)}; at most ${formatBytes(LIMITS.packageBytes)})`,
    );
  const bar = progressBar(env.stderr as NodeJS.WritableStream & { isTTY?: boolean });
  bar.update('reading', 0, 1);
  const { loadSqlJs } = await import('../../import/sqlite.js');
  const { readPackage } = await import('../../import/package.js');
  const { reviewLogInWorker } = await import('../../import/revlog-reader.js');
  const pkg = readPackage(
    new Uint8Array(readFileSync(file)),
    name,
    await loadSqlJs(),
    LIMITS,
    reviewLogInWorker(),
  );
  bar.update('reading', 1, 1);
  trace('package read');
  try {
    return await importPackage(pkg, name, values, env, bar);
  } catch (e) {
    // The review log is read while the rest is planned: a log that cannot be read is
    // told before any later refusal, as when it was read first (this waits for it).
    void pkg.collection.revlog;
    throw e;
  }
}

async function importPackage(
  pkg: AnkiPackage,
  name: string,
  values: ReturnType<typeof parse<typeof OPTIONS>>['values'],
  env: Env,
  bar: ReturnType<typeof progressBar>,
): Promise<number> {
  const { defaultDeckName, plan, slug } = await import('../../import/plan.js');
  const dryRun = values['dry-run'] ?? false;
  const withSettings = values['with-settings'] ?? false;
  const now = env.now();
  const derived = defaultDeckName(pkg, name);
  // The card histories are replayed in worker threads while the rest is planned (not
  // for --dry-run): a replay started for a plan that is not the one written is stopped.
  const pool = dryRun ? null : await import('../../import/replay-pool.js');
  const early: { replay: Replay | null } = { replay: null };
  const startEarly = (work: ReplayWork) => {
    early.replay?.stop();
    // One worker while this thread plans (two would slow it, and its collector, on two
    // cores); the other joins once the events are written.
    early.replay = pool!.startReplay(work, { ahead: Infinity, startNow: 1 });
  };
  const planFor = (col: Collection) => {
    const target = deckTarget(
      env,
      col,
      derived,
      (dir) => slug(basename(dir), 40) || derived,
      values['deck-dir'],
    );
    const p = plan({
      pkg,
      fileName: name,
      deckDir: target.dir,
      deckName: target.name,
      existing: {
        // A folder that is not a deck of the collection is planned as new, then compared.
        files: target.registered ? target.files : [],
        registered: target.registered,
        cards: new Set(Object.keys(col.state.cards)),
      },
      settings: col.settings,
      clock: col.clock,
      now,
      withSettings,
      progress: (done, total) => bar.update('planning', done, total),
      ...(pool ? { onReplay: startEarly } : {}),
    });
    if (!p.replay.early) {
      early.replay?.stop();
      early.replay = null;
    }
    // Refused here, for --dry-run too, rather than once the files are staged.
    col.checkIds(p.deckName, p.cardIds);
    if (!target.registered && target.files.length && !sameFiles(p, target.files))
      throw new UserError(
        `${target.dir} already exists and is not a deck of this collection; choose another folder with --deck-dir, or add it first with \`sre-cards deck add\``,
      );
    return { target, p };
  };

  try {
    // Planned on the collection read-only: bad input is refused before anything is written.
    const reader = openCollection(env, 'read', 'import');
    let planned: ReturnType<typeof planFor>;
    let seen: number;
    try {
      planned = planFor(reader);
      seen = reader.state.seq;
    } finally {
      reader.close();
    }
    bar.end();
    trace('planned');
    if (dryRun) {
      report(env, planned.p.summary, values.json ?? false, withSettings, {
        dryRun: true,
        events: planned.p.eventCount + (planned.p.register ? 1 : 0),
        files: planned.p.files.length,
      });
      return 0;
    }
    const col = openCollection(env, 'write', 'import');
    try {
      // Another command wrote meanwhile: plan again, now holding the collection.
      if (col.state.seq !== seen) planned = planFor(col);
      const { target, p } = planned;
      const pending = target.registered || !target.files.length ? p.files : [];
      const { stage } = await import('../../import/stage.js');
      bar.update('writing', 0, 1);
      const staged = stage(p.deckDir, pending, pkg, p.media);
      trace('staged');
      let appended: number;
      try {
        staged.commit();
        // Taking the preset's settings reschedules the deck's cards already here, as a
        // change of settings does (a new deck has none).
        const moved = p.settingsAfter && !p.register ? col.rescheduleFor(p.settingsAfter) : {};
        const { eventStream } = await import('../../import/stream.js');
        appended = await col.appendImport(
          { name: p.deckName, path: p.deckDir, deck: p.deck, register: p.register },
          eventStream(p, moved, (done, total) => bar.update('writing', done, total), {
            started: early.replay,
          }),
          now,
        );
      } catch (e) {
        staged.rollBack();
        throw e;
      }
      bar.end();
      trace('appended');
      report(env, p.summary, values.json ?? false, withSettings, {
        dryRun: false,
        events: appended,
        files: pending.length,
        media: staged.mediaWritten,
        mediaConflicts: staged.mediaConflicts,
      });
    } finally {
      bar.end();
      col.close();
    }
  } finally {
    // Unused (bad input, --dry-run, another plan): the workers must not keep the command running.
    early.replay?.stop();
  }
  return 0;
}

interface Target {
  dir: string;
  name: string;
  registered: string | null;
  files: SourceFile[];
}

/** The deck folder, the deck's name, whether the collection has it, and what it holds. */
function deckTarget(
  env: Env,
  col: Collection,
  derived: string,
  nameOf: (dir: string) => string,
  deckDirFlag: string | undefined,
): Target {
  const dir = deckDirFlag ? resolve(deckDirFlag) : join(env.dataDir, 'decks', derived);
  const name = deckDirFlag ? nameOf(dir) : derived;
  const entry = Object.values(col.state.decks).find(
    (d) => d.path !== null && resolve(d.path) === dir,
  );
  let files: SourceFile[] = [];
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory())
      throw new UserError(`${dir} is not a folder; choose the deck folder with --deck-dir`);
    files = readSources(dir);
  }
  if (!entry) {
    const taken = col.state.decks[name] ?? (col.decks.has(name) ? { path: null } : undefined);
    if (taken)
      throw new UserError(
        `a deck named "${name}" is already in the collection${taken.path ? ` (${taken.path})` : ''}; import into another folder with --deck-dir`,
      );
  }
  return { dir, name: entry?.name ?? name, registered: entry?.name ?? null, files };
}

/** Is the unregistered folder exactly what this import writes (an import cut short before it registered)? */
function sameFiles(p: ImportPlan, files: SourceFile[]): boolean {
  const have = new Map(files.map((f) => [f.path, f.text]));
  return have.size === p.files.length && p.files.every((f) => have.get(f.path) === f.text);
}

interface Outcome {
  dryRun: boolean;
  events: number;
  files: number;
  media?: number;
  mediaConflicts?: string[];
}

/** The summary, as text (every name from the package made harmless) or JSON. */
export function summaryText(s: ImportSummary, withSettings: boolean, o: Outcome): string {
  const t = harmless;
  const lines: string[] = [];
  lines.push(`Anki package ${t(s.file)} (${s.collection}, schema ${s.schema})`);
  lines.push(
    `Deck "${s.deck.name}" in ${t(s.deck.path)}${s.deck.reimport ? ' (imported before: only what is new is added)' : ' (new)'}`,
  );
  const wName = Math.max(0, ...s.decks.map((d) => d.name.length));
  for (const d of s.decks)
    lines.push(
      `  ${t(d.name).padEnd(wName)}  ${plural(d.notes, 'note').padStart(9)}  ${plural(d.cards, 'card').padStart(9)}  ${t(d.file)}`,
    );
  const types = Object.entries(s.notes.byType)
    .map(([k, v]) => `${t(k)} ${v}`)
    .join(', ');
  lines.push(
    `Notes      ${s.notes.added} to add of ${s.notes.inPackage}${types ? ` (${types})` : ''}${s.notes.unchanged ? `; ${s.notes.unchanged} already here` : ''}`,
  );
  if (s.notes.edited.length)
    lines.push(
      `           ${plural(s.notes.edited.length, 'note')} differ here from the package, kept as they are here: ${s.notes.edited.slice(0, 5).join(', ')}${s.notes.edited.length > 5 ? ', …' : ''}`,
    );
  const c = s.cards;
  const extra = [
    c.suspended && `${c.suspended} suspended`,
    c.buried && `${c.buried} buried`,
    c.leech && `${plural(c.leech, 'leech', 'leeches')}`,
    c.flagged && `${c.flagged} flagged`,
    c.marked && `${plural(c.marked, 'note')} marked`,
  ].filter(Boolean);
  lines.push(
    `Cards      ${c.added} to add: ${c.new} new, ${c.learning} learning, ${c.review} review, ${c.relearning} relearning${extra.length ? `; ${extra.join(', ')}` : ''}`,
  );
  const m = s.memory;
  if (m.fsrs + m.history + m.sm2)
    lines.push(
      `Memory     ${[m.fsrs && `${m.fsrs} from Anki's FSRS state`, m.history && `${m.history} from the review history`, m.sm2 && `${m.sm2} converted from SM-2 ease and interval`].filter(Boolean).join(', ')}`,
    );
  const r = s.reviewLog;
  const out = [
    r.cram && `${r.cram} cram`,
    r.manual && `${r.manual} manual or rescheduled`,
    r.notImported && `${r.notImported} of cards not imported`,
  ].filter(Boolean);
  lines.push(
    `Review log ${plural(r.entries, 'entry', 'entries')}: ${plural(r.answers, 'answer')}${r.resets ? `, ${plural(r.resets, 'reset')}` : ''} imported${out.length ? `; left out: ${out.join(', ')}` : ''}`,
  );
  lines.push(
    `Media      ${plural(s.media.files, 'file')}${s.media.files ? ` (${s.media.referenced} referenced by notes)` : ''}${o.media !== undefined ? `, ${o.media} copied` : ''}`,
  );
  if (o.mediaConflicts?.length)
    lines.push(
      `           kept as they were here (other bytes in the package): ${o.mediaConflicts.slice(0, 5).map(t).join(', ')}`,
    );
  if (s.leftOut.length) {
    lines.push('Left out or changed:');
    for (const l of s.leftOut)
      lines.push(`  ${l.count}  ${t(l.reason)} (e.g. ${l.examples.map(t).join(', ')})`);
  }
  if (withSettings) {
    const st = s.settings;
    const taken = st?.deck
      ? [
          st.desiredRetention !== null && `desired retention ${st.desiredRetention}`,
          st.weights && `FSRS parameters ${st.weights.join(', ')}`,
        ].filter(Boolean)
      : [];
    lines.push(
      !st
        ? 'Settings   the package has no FSRS parameters or desired retention'
        : taken.length
          ? `Settings   deck "${s.deck.name}" ${o.dryRun ? 'would be' : 'is'} scheduled with preset "${t(st.preset)}"'s ${taken.join('; ')}`
          : `Settings   nothing taken from preset "${t(st.preset)}" (see above)`,
    );
  }
  lines.push(
    o.dryRun
      ? `Would write ${plural(o.files, 'file')} and ${plural(o.events, 'event')}; nothing was written (--dry-run).`
      : `Imported: ${plural(o.files, 'file')} written, ${plural(o.events, 'event')} added to the log.`,
  );
  return lines.join('\n') + '\n';
}

function report(
  env: Env,
  s: ImportSummary,
  json: boolean,
  withSettings: boolean,
  o: Outcome,
): void {
  if (json) {
    const { settings, ...rest } = s;
    env.stdout.write(
      JSON.stringify({ ...rest, ...(withSettings ? { settings } : {}), ...o }) + '\n',
    );
  } else env.stdout.write(summaryText(s, withSettings, o));
}
