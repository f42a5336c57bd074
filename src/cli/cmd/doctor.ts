import {
  diagnose,
  repairLocked,
  replayCollection,
  type Diagnosis,
  type Rebuild,
  type RepairResult,
} from '../../store/doctor.js';
import { acquireLock } from '../../store/lock.js';
import { dataPaths } from '../../store/paths.js';
import { COMMON_OPTIONS, JSON_OPTION, parse, usageError } from '../args.js';
import { assertNoExtra, openCollection } from '../common.js';
import type { Env } from '../context.js';

export const usage = 'sre-cards doctor [--repair] [--rebuild [--dry-run]] [--json]';
export const help = `Checks the collection: the collection file, the event log (every line, the
sequence numbers, the collection file's position in it), the cards the log names, the
lock and the backups. Read-only; exits 1 when it finds a problem.

${usage}

  --repair    fix what the check found. A damaged event log keeps every readable
              event; a damaged collection file is replaced by the newest good backup
              plus the log past it, or rebuilt from the log alone. Nothing is deleted:
              each file replaced is kept beside it (NAME.damaged-DATE), and the
              report says where. Takes the lock like any writer.
  --rebuild   recompute every card's state by replaying its answers through FSRS
              (with each answer's own time and study-day clock, and the current
              settings), report the cards that differ, and save the replayed states
  --dry-run   with --rebuild: report only, change nothing
  --json      print the report as one JSON object`;

const OPTIONS = {
  ...COMMON_OPTIONS,
  ...JSON_OPTION,
  repair: { type: 'boolean' },
  rebuild: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
} as const;

const MARK = { ok: 'ok     ', note: 'note   ', problem: 'PROBLEM' } as const;

function diagnosisText(d: Diagnosis): string {
  return d.findings.map((f) => `${MARK[f.level]}  ${f.area.padEnd(10)}  ${f.text}\n`).join('');
}

function fmt(v: string | number | null): string {
  if (typeof v === 'number' && !Number.isInteger(v)) return v.toFixed(4);
  return String(v);
}

function rebuildText(r: Rebuild, saved: boolean, dryRun: boolean): string {
  const lines = [
    `rebuild: replayed ${r.answers} answer${r.answers === 1 ? '' : 's'} of ${r.cards} card${r.cards === 1 ? '' : 's'} through FSRS; ` +
      (r.diffs.length === 0
        ? 'every card matches its stored state.'
        : `${r.diffs.length} card${r.diffs.length === 1 ? ' differs' : 's differ'} from the stored state:`),
  ];
  for (const d of r.diffs.slice(0, 30))
    lines.push(
      `  ${d.id}: ${d.fields.map((f) => `${f.field} ${fmt(f.stored)} -> ${fmt(f.replayed)}`).join(', ')}`,
    );
  if (r.diffs.length > 30)
    lines.push(`  … and ${r.diffs.length - 30} more (--json lists them all)`);
  if (r.diffs.length)
    lines.push(
      saved
        ? 'The replayed states were saved (one settings event in the log moves these cards).'
        : dryRun
          ? '--dry-run: nothing was changed.'
          : 'Nothing was changed.',
    );
  return lines.join('\n') + '\n';
}

export function run(args: string[], env: Env): number {
  const { values, positionals } = parse(args, OPTIONS, usage);
  assertNoExtra(positionals, 0, usage);
  if (values['dry-run'] && !values.rebuild)
    throw usageError('--dry-run goes with --rebuild', usage);
  const paths = dataPaths(env.dataDir);
  const out = (s: string) => {
    if (!values.json) env.stdout.write(s);
  };
  const report: Record<string, unknown> = {};
  let code = 0;

  const check = diagnose(paths);
  report.check = check;
  out(diagnosisText(check));

  if (values.repair) {
    // A writer like any other: refused while a session holds the collection.
    const lock = acquireLock(paths.lock, 'doctor --repair');
    let r: RepairResult = { actions: [], keptAside: [], fromLogAlone: false };
    try {
      if (check.problems > 0) {
        out('\nRepairing:\n');
        r = repairLocked(paths, env.now());
        for (const a of r.actions) out(`  ${a}\n`);
      }
    } finally {
      lock.release();
    }
    const untidy = check.findings.some((f) => f.level !== 'ok');
    if (!untidy) out('\nNo problems found; nothing to repair.\n');
    else {
      // Opening as a writer replays the log past the collection file (or rebuilds it from
      // the log), trims a torn last line, takes over a stale lock and removes temporary files.
      const col = openCollection(env, 'write', 'doctor --repair');
      const cards = Object.keys(col.state.cards).length;
      col.close();
      out(`  the collection opens: ${cards} cards, up to event ${col.state.seq}\n`);
      const after = diagnose(paths);
      report.repair = r;
      report.after = after;
      out('\nAfter the repair:\n' + diagnosisText(after));
      if (after.problems > 0) code = 1;
    }
  } else if (check.problems > 0) {
    code = 1;
    if (!values.rebuild)
      out(
        `\n${check.problems} problem${check.problems === 1 ? '' : 's'} found. \`sre-cards doctor --repair\` fixes ${check.problems === 1 ? 'it' : 'them'}, keeping every damaged file aside.\n`,
      );
  } else {
    out('\nNo problems found.\n');
  }

  if (values.rebuild) {
    if (code !== 0 || (!values.repair && check.problems > 0)) {
      out('\nThe rebuild needs a readable collection: run `sre-cards doctor --repair` first.\n');
      code = 1;
    } else {
      const dryRun = values['dry-run'] ?? false;
      const col = openCollection(env, dryRun ? 'read' : 'write', 'doctor --rebuild');
      try {
        const r = replayCollection(col.state, col.events(), col.settings);
        let saved = false;
        if (r.diffs.length && !dryRun) {
          if (r.incomplete) {
            out(
              `\nrebuild: ${r.incomplete}, so a replay would not give the cards' true state; nothing was changed.\n`,
            );
            code = 1;
          } else {
            col.applyReplayed(r.moved, env.now());
            saved = true;
          }
        }
        report.rebuild = {
          answers: r.answers,
          cards: r.cards,
          differ: r.diffs.length,
          diffs: r.diffs,
          incomplete: r.incomplete,
          saved,
        };
        if (!(r.incomplete && r.diffs.length && !dryRun)) out('\n' + rebuildText(r, saved, dryRun));
      } finally {
        col.close();
      }
    }
  }
  if (values.json) env.stdout.write(JSON.stringify(report) + '\n');
  return code;
}
