/**
 * The whole package: the notes and their cards, the `col` row, and the review log (made
 * here, or left to the SQLite worker of a large export). Pure.
 */
import { scheduler } from '../../core/scheduler.js';
import { offsetMinutes, studyDay } from '../../core/time.js';
import { fieldChecksum, stripHtml } from '../html.js';
import { collectNotes, NoteCollector, type CollectedNotes, type ExportNote } from '../notes.js';
import { ALL_NOTE_TYPES, NOTE_TYPES, noteTypeJson } from '../notetypes.js';
import { collectLogRows, type LogRows } from '../../core/logrows.js';
import { trace } from '../../trace.js';
import { deckJson, defaultOptions, ourOptions } from './col.js';
import { revlogTable, tableRows } from './revlog.js';
import {
  type AnkiExportInput,
  type AnkiPackage,
  type CardRow,
  type NoteRow,
  OPTIONS_ID,
  type RevlogJob,
} from './rows.js';
import { type Timing, asNew, creationTime, scheduling, secs, stepMinutes } from './schedule.js';

function noteRow(n: ExportNote, tags: string[]): NoteRow {
  const flds = n.fields.join('\x1f');
  return {
    id: n.id,
    guid: n.guid,
    mid: n.def.id,
    mod: secs(n.mod),
    usn: -1,
    tags: tags.length ? ` ${tags.join(' ')} ` : '',
    flds,
    sfld: stripHtml(n.fields[0] ?? ''),
    csum: fieldChecksum(n.fields[0] ?? ''),
    flags: 0,
    data: '',
  };
}

/** What a package's notes give, before the log is read. */
interface NotesPart {
  notes: ExportNote[];
  decks: AnkiPackage['decks'];
  cardIds: ReadonlyMap<string, number>;
  exported: Map<string, number>;
  deckId: Map<string, number>;
  deckMod: Map<string, number>;
  modelDeck: Map<number, number>;
  noteRows: NoteRow[];
}

type PackageInput = Omit<AnkiExportInput, 'events' | 'undone' | 'log'>;

function notesPart(input: PackageInput, collected: CollectedNotes): NotesPart {
  const { notes, decks, cardIds } = collected;
  const exported = new Map<string, number>();
  for (const n of notes)
    for (const { card } of n.cards) {
      const cid = cardIds.get(card.id);
      if (cid !== undefined) exported.set(card.id, cid);
    }
  const deckId = new Map(decks.map((d) => [d.name, d.id]));
  const deckMod = new Map<string, number>();
  const modelDeck = new Map<number, number>();
  const noteRows: NoteRow[] = [];
  for (const n of notes) {
    const did = deckId.get(n.ankiDeck) ?? 1;
    // Anki's own tags: `leech` (with progress) and `marked`, sorted in among ours.
    const extra = [
      ...(input.withProgress && n.cards.some(({ rec }) => rec.leech) ? ['leech'] : []),
      ...(n.cards.some(({ rec }) => rec.marked) ? ['marked'] : []),
    ];
    noteRows.push(noteRow(n, extra.length ? [...n.tags, ...extra].sort() : n.tags));
    if (!modelDeck.has(n.def.id)) modelDeck.set(n.def.id, did);
    for (const name of [n.ankiDeck, n.ankiDeck.split('::')[0] ?? n.ankiDeck])
      deckMod.set(name, Math.max(deckMod.get(name) ?? 0, secs(n.mod)));
  }
  return { notes, decks, cardIds, exported, deckId, deckMod, modelDeck, noteRows };
}

export function buildAnkiPackage(input: AnkiExportInput): AnkiPackage {
  const part = notesPart(input, collectNotes(input));
  const log = input.log ?? collectLogRows(input.events ?? [], input.undone);
  return finishPackage(input, part, log, revlogJobOf(input, log, part.exported), false);
}

/**
 * The review log's job. Its intervals are differences of day numbers, the same whatever
 * day they count from: it can be made before `crt` is known.
 */
function revlogJobOf(
  input: PackageInput,
  log: LogRows,
  exported: ReadonlyMap<string, number>,
): RevlogJob {
  const rows = input.withProgress ? log : collectLogRows([]);
  const cids = new Float64Array(rows.cards.length);
  rows.cards.forEach((c, i) => (cids[i] = exported.get(c) ?? NaN));
  let count = 0;
  for (let i = 0; i < rows.length; i++) if (!Number.isNaN(cids[rows.card[i] as number])) count++;
  return { log: rows, cids, clock: input.clock, day: studyDay(input.now, input.clock), count };
}

/** How big a package will be, from its notes' text before HTML: see `estimateBytes`. */
export interface PackageSize {
  chars: number;
  notes: number;
  cards: number;
  reviews: number;
}

/**
 * As `buildAnkiPackage`, with the log's rows still to come: the notes are built meanwhile.
 * The review log comes as `revlogJob`, to be made where the database is built; `onJob`
 * is given it as soon as the log's rows are in, while the notes are still being built.
 */
export async function buildAnkiPackageWhile(
  input: PackageInput,
  log: Promise<LogRows>,
  onJob: (job: RevlogJob, size: PackageSize) => void = () => undefined,
): Promise<AnkiPackage> {
  const collector = new NoteCollector(input);
  const exported = collector.exportedIds();
  let job: RevlogJob | null = null;
  const jobMade = log.then((rows) => {
    trace('log read');
    job = revlogJobOf(input, rows, exported);
    onJob(job, { ...collector.textSize(), cards: exported.size, reviews: job.count });
  });
  jobMade.catch(() => undefined);
  // Building the notes pauses now and then, for the log's rows to be taken as they come.
  const { chosen } = collector;
  for (let i = 0; i < chosen.length; i++) {
    collector.add(chosen[i] as (typeof chosen)[number]);
    if (i % 2048 === 2047) await new Promise((resolve) => setImmediate(resolve));
  }
  const part = notesPart(input, collector.result());
  trace('notes built');
  const rows = await log;
  await jobMade;
  return finishPackage(input, part, rows, job ?? revlogJobOf(input, rows, exported), true);
}

function finishPackage(
  input: PackageInput,
  part: NotesPart,
  log: LogRows,
  job: RevlogJob,
  /** Leave the review log to be made (`revlogJob`). */
  deferred: boolean,
): AnkiPackage {
  const { notes, decks, cardIds, deckId, deckMod, modelDeck, noteRows } = part;
  const { clock, settings, now } = input;
  const crt = creationTime(input.allCards, [], clock, now, log.firstAnswer);
  const timing: Timing = {
    crtDay: studyDay(crt, clock),
    clock,
    settings,
    learnSteps: stepMinutes(settings.learningSteps),
    relearnSteps: stepMinutes(settings.relearningSteps),
    intervalModifier: scheduler(settings).calculate_interval_modifier(settings.desiredRetention),
    days: new Map(),
  };

  const cardRows: CardRow[] = [];
  for (const n of notes) {
    const did = deckId.get(n.ankiDeck) ?? 1;
    for (const { card, rec } of n.cards) {
      const cid = cardIds.get(card.id);
      if (cid === undefined) continue;
      const s = rec.sched;
      let mod = Date.parse(rec.mod) || 0;
      if (input.withProgress && s.lastReview) mod = Math.max(mod, Date.parse(s.lastReview));
      cardRows.push({
        id: cid,
        nid: n.id,
        did,
        ord: card.ord,
        mod: secs(mod),
        usn: -1,
        ...(input.withProgress
          ? scheduling(timing, s, rec.suspended, n.position)
          : asNew(n.position, false)),
        odue: 0,
        odid: 0,
        // Anki keeps the flag colour (1-7) in the low bits of `flags`.
        flags: rec.flag ?? 0,
      });
    }
  }

  const crtSecs = secs(crt.getTime());
  const conf = input.withProgress ? OPTIONS_ID : 1;
  const decksJson: Record<string, unknown> = { '1': deckJson(1, 'Default', 1, crtSecs) };
  for (const d of decks)
    decksJson[String(d.id)] = deckJson(d.id, d.name, conf, deckMod.get(d.name) ?? crtSecs);
  const dconf: Record<string, unknown> = { '1': defaultOptions() };
  if (input.withProgress) dconf[String(OPTIONS_ID)] = ourOptions(settings, crtSecs);
  const models: Record<string, unknown> = {};
  for (const def of ALL_NOTE_TYPES) {
    const did = modelDeck.get(def.id);
    if (did !== undefined) models[String(def.id)] = noteTypeJson(def, did);
  }
  const firstModel = Object.keys(models)[0] ?? String(NOTE_TYPES.basic.id);
  const maxPosition = notes.reduce((m, n) => Math.max(m, n.position), 0);
  const colConf = {
    activeDecks: [1],
    curDeck: 1,
    newSpread: 0,
    collapseTime: 1200,
    timeLim: 0,
    estTimes: true,
    dueCounts: true,
    curModel: firstModel,
    nextPos: maxPosition + 1,
    sortType: 'noteFld',
    sortBackwards: false,
    addToCur: true,
    dayLearnFirst: false,
    schedVer: 2,
    localOffset: -offsetMinutes(now, clock.timeZone),
    newBury: true,
    // The study day: Anki counts days from crt with this rollover hour and offset.
    rollover: clock.rolloverHour,
    creationOffset: -offsetMinutes(crt, clock.timeZone),
  };
  return {
    col: {
      id: 1,
      crt: crtSecs,
      mod: now.getTime(),
      scm: now.getTime(),
      ver: 11,
      dty: 0,
      usn: 0,
      ls: 0,
      conf: JSON.stringify(colConf),
      models: JSON.stringify(models),
      decks: JSON.stringify(decksJson),
      dconf: JSON.stringify(dconf),
      tags: '{}',
    },
    notes: noteRows,
    cards: cardRows,
    revlog: deferred ? [] : tableRows(revlogTable(job)),
    ...(deferred ? { revlogJob: job } : {}),
    decks,
  };
}
