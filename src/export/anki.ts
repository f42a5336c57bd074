/**
 * The rows of an Anki package (legacy schema 11, as every Anki imports): the `col` row
 * with its JSON (note types, decks, deck options, configuration), the notes, the cards
 * and, with progress, the cards' scheduling and the review log. Pure: everything comes
 * from the collection's cards and records, the decks and the event log passed in.
 */
import type { CollectionEvent } from '../core/model.js';
import { scheduler, type SchedState } from '../core/scheduler.js';
import type { Settings } from '../core/settings.js';
import {
  daysBetween,
  endOfStudyDay,
  offsetMinutes,
  studyDay,
  studyDayStart,
  type DayClock,
} from '../core/time.js';
import { fieldChecksum, stripHtml } from './html.js';
import {
  collectNotes,
  NoteCollector,
  type CollectedNotes,
  type ExportNote,
  type ExportSource,
} from './notes.js';
import { NOTE_TYPES, noteTypeJson } from './notetypes.js';
import { collectLogRows, STATE_CODE, type LogRows, type StateColumns } from '../core/logrows.js';
import { trace } from '../trace.js';

export interface AnkiExportInput extends ExportSource {
  /** The event log, in order (its answers become the review log), read once. */
  events?: Iterable<CollectionEvent>;
  /** Sequence numbers of further events to treat as cancelled by an undo. */
  undone?: ReadonlySet<number>;
  /** Instead of `events`: the log's rows, already read (see `readLogRows`). */
  log?: LogRows;
  settings: Settings;
  clock: DayClock;
  now: Date;
  /** Carry each card's scheduling and the review log; otherwise every card is new. */
  withProgress: boolean;
}

export interface ColRow {
  id: number;
  crt: number;
  mod: number;
  scm: number;
  ver: number;
  dty: number;
  usn: number;
  ls: number;
  conf: string;
  models: string;
  decks: string;
  dconf: string;
  tags: string;
}

export interface NoteRow {
  id: number;
  guid: string;
  mid: number;
  mod: number;
  usn: number;
  tags: string;
  flds: string;
  sfld: string;
  csum: number;
  flags: number;
  data: string;
}

export interface CardRow {
  id: number;
  nid: number;
  did: number;
  ord: number;
  mod: number;
  usn: number;
  type: number;
  queue: number;
  due: number;
  ivl: number;
  factor: number;
  reps: number;
  lapses: number;
  left: number;
  odue: number;
  odid: number;
  flags: number;
  data: string;
}

export interface RevlogRow {
  id: number;
  cid: number;
  usn: number;
  ease: number;
  ivl: number;
  lastIvl: number;
  factor: number;
  time: number;
  type: number;
}

/** The review log in columns (`usn` is -1 throughout), in id order. */
export interface RevlogTable {
  length: number;
  id: Float64Array;
  cid: Float64Array;
  ease: Int32Array;
  ivl: Int32Array;
  lastIvl: Int32Array;
  factor: Int32Array;
  time: Int32Array;
  type: Int32Array;
}

/**
 * What the review log is made from, for a large export: the log's rows and each card's
 * Anki id. `revlogTable` makes it (in the SQLite worker: see `apkg.ts`).
 */
export interface RevlogJob {
  log: LogRows;
  /** The Anki card id of each of `log.cards`, NaN for a card not exported. */
  cids: Float64Array;
  clock: DayClock;
  /** A study day to count days from (any: the log's intervals are differences of day numbers). */
  day: string;
  /** How many rows it makes. */
  count: number;
}

export interface AnkiPackage {
  col: ColRow;
  notes: NoteRow[];
  cards: CardRow[];
  /** The review log; empty when it comes as `revlogJob` instead. */
  revlog: RevlogRow[];
  /** The review log still to be made (a large export: no object per row). */
  revlogJob?: RevlogJob;
  /** The Anki decks, parents included. */
  decks: { id: number; name: string }[];
}

/** Anki's card types and queues. */
export const CARD_TYPE = { new: 0, learning: 1, review: 2, relearning: 3 } as const;
export const QUEUE = { suspended: -1, new: 0, learning: 1, review: 2, dayLearning: 3 } as const;
/** Anki's review-log kinds. */
export const REVLOG_TYPE = { learn: 0, review: 1, relearn: 2, manual: 4 } as const;

/** The ease Anki gives a card at graduation, which an Anki still on SM-2 builds on. */
export const STARTING_EASE = 2500;
/** The deck options group our decks use when progress comes along. */
export const OPTIONS_ID = 1_704_067_200_010;
export const OPTIONS_NAME = 'SRE Cards';

const secs = (ms: number) => Math.floor(ms / 1000);
const round = (x: number, places: number) => {
  const f = 10 ** places;
  return Math.round(x * f) / f;
};

/**
 * The collection's creation time, `crt`: the start (rollover hour, local time) of the
 * study day of the first thing the collection saw, so every export of a collection has
 * the same `crt`. Review cards' `due` counts study days from it.
 */
export function creationTime(
  cards: ExportSource['allCards'],
  events: readonly CollectionEvent[],
  clock: DayClock,
  now: Date,
  firstAnswer = Infinity,
): Date {
  let first = Math.min(now.getTime(), firstAnswer);
  for (const { rec } of cards) {
    const t = Date.parse(rec.mod);
    if (t < first) first = t;
  }
  for (const e of events) {
    if (e.type !== 'answer') continue;
    const t = Date.parse(e.at);
    if (t < first) first = t;
  }
  return studyDayStart(studyDay(new Date(first), clock), clock);
}

/** Learning steps in minutes (`1m`, `10m`, `1h`, `1d`). */
export function stepMinutes(steps: readonly string[]): number[] {
  return steps.map((s) => {
    const n = parseInt(s, 10);
    const unit = s.slice(-1);
    return unit === 'd' ? n * 1440 : unit === 'h' ? n * 60 : n;
  });
}

/** What counts Anki's day numbers: see `dayNumber`. */
interface DayCount {
  crtDay: string;
  clock: DayClock;
  /** Day numbers (study days since `crt`) by quarter hour. */
  days: Map<number, number>;
}

interface Timing extends DayCount {
  settings: Settings;
  learnSteps: number[];
  relearnSteps: number[];
  intervalModifier: number;
}

const QUARTER_HOUR = 900_000;

/**
 * The Anki day number (study days since `crt`) of an instant. Time-zone offsets and
 * their changes fall on quarter hours, so a study day always begins on a UTC quarter
 * hour: the day is looked up once per quarter hour, not once per review.
 */
function dayNumber(t: DayCount, ms: number): number {
  const q = Math.floor(ms / QUARTER_HOUR);
  let n = t.days.get(q);
  if (n === undefined) {
    n = daysBetween(t.crtDay, studyDay(new Date(q * QUARTER_HOUR), t.clock));
    t.days.set(q, n);
  }
  return n;
}

/** Is a learning step due on a later study day than the answer that set it? */
function interday(t: Timing, s: SchedState): boolean {
  if (!s.lastReview || !s.due) return false;
  return dayNumber(t, Date.parse(s.due)) > dayNumber(t, Date.parse(s.lastReview));
}

/**
 * A state's interval as the review log writes it: days when positive (reviews, and
 * learning steps that cross a day), seconds when negative (steps within a day), 0 new.
 */
function logInterval(t: DayCount, c: StateColumns, i: number): number {
  const state = c.state[i];
  if (state === STATE_CODE.new) return 0;
  if (state === STATE_CODE.review) return Math.max(1, c.days[i] as number);
  const due = c.due[i] as number;
  const last = c.last[i] as number;
  if (Number.isNaN(due) || Number.isNaN(last)) return 0;
  const days = dayNumber(t, due) - dayNumber(t, last);
  if (days > 0) return days;
  return -Math.max(0, Math.round((due - last) / 1000));
}

/**
 * `left` of a (re)learning card: steps still to do, plus a thousand times those that fit
 * before the day's cutoff (counted from the answer, as Anki's v2 scheduler does).
 */
function learningLeft(t: Timing, s: SchedState): number {
  const steps = s.state === 'relearning' ? t.relearnSteps : t.learnSteps;
  if (steps.length === 0) return 1001;
  const remaining = Math.min(steps.length, Math.max(1, steps.length - s.step));
  const from = Date.parse(s.lastReview ?? s.due ?? '');
  if (!Number.isFinite(from)) return remaining * 1001;
  const cutoff = endOfStudyDay(new Date(from), t.clock).getTime();
  let at = from;
  let ok = 0;
  const rest = steps.slice(steps.length - remaining);
  for (let i = 0; i < rest.length; i++) {
    at += (rest[i] ?? 0) * 60_000;
    if (at > cutoff) break;
    ok = i;
  }
  return remaining + 1000 * (ok + 1);
}

/** FSRS difficulty (1–10) as the review log's `factor`: ((d − 1) / 9 + 0.1) × 1000. */
export function difficultyFactor(d: number): number {
  return Math.round(((d - 1) / 9 + 0.1) * 1000);
}

/** The FSRS memory state for `cards.data`: stability, difficulty, desired retention, last review. */
export function memoryData(s: SchedState, desiredRetention: number): string {
  if (s.state === 'new' || !s.lastReview || !(s.stability > 0)) return '';
  return JSON.stringify({
    s: round(s.stability, 3),
    d: round(s.difficulty, 3),
    dr: round(desiredRetention, 2),
    lrt: secs(Date.parse(s.lastReview)),
  });
}

type Sched = Pick<
  CardRow,
  'type' | 'queue' | 'due' | 'ivl' | 'factor' | 'reps' | 'lapses' | 'left' | 'data'
>;

/** A card as new, at its place in the plan. */
function asNew(position: number, suspended: boolean): Sched {
  return {
    type: CARD_TYPE.new,
    queue: suspended ? QUEUE.suspended : QUEUE.new,
    due: position,
    ivl: 0,
    factor: 0,
    reps: 0,
    lapses: 0,
    left: 0,
    data: '',
  };
}

/** A card's scheduling columns from its FSRS state. */
function scheduling(t: Timing, s: SchedState, suspended: boolean, position: number): Sched {
  if (s.state === 'new' || !s.due) return asNew(position, suspended);
  const due = Date.parse(s.due);
  const common = {
    factor: STARTING_EASE,
    reps: s.reps,
    lapses: s.lapses,
    data: memoryData(s, t.settings.desiredRetention),
  };
  let row: Sched;
  if (s.state === 'review') {
    row = {
      ...common,
      type: CARD_TYPE.review,
      queue: QUEUE.review,
      due: dayNumber(t, due),
      ivl: Math.max(1, s.scheduledDays),
      left: 0,
    };
  } else {
    const later = interday(t, s);
    row = {
      ...common,
      type: s.state === 'learning' ? CARD_TYPE.learning : CARD_TYPE.relearning,
      queue: later ? QUEUE.dayLearning : QUEUE.learning,
      due: later ? dayNumber(t, due) : secs(due),
      // A relearning card carries the interval it returns to review with.
      ivl:
        s.state === 'relearning'
          ? Math.min(
              t.settings.maximumInterval,
              Math.max(1, Math.round(s.stability * t.intervalModifier)),
            )
          : 0,
      left: learningLeft(t, s),
    };
  }
  if (suspended) row.queue = QUEUE.suspended;
  return row;
}

const REVLOG_KIND = [REVLOG_TYPE.learn, REVLOG_TYPE.learn, REVLOG_TYPE.review, REVLOG_TYPE.relearn];

/**
 * The review log: one row per answer that still counts (undone and cram answers left
 * out) and one "manual" row per reset, for the exported cards. Ids are the answer times
 * in ms, moved on by a millisecond where two coincide (Array.prototype.sort is stable).
 */
export function revlogTable(job: RevlogJob): RevlogTable {
  const { log, cids } = job;
  const t: DayCount = { crtDay: job.day, clock: job.clock, days: new Map() };
  const r: RevlogTable = {
    length: 0,
    id: new Float64Array(log.length),
    cid: new Float64Array(log.length),
    ease: new Int32Array(log.length),
    ivl: new Int32Array(log.length),
    lastIvl: new Int32Array(log.length),
    factor: new Int32Array(log.length),
    time: new Int32Array(log.length),
    type: new Int32Array(log.length),
  };
  let n = 0;
  for (let i = 0; i < log.length; i++) {
    const cid = cids[log.card[i] as number] as number;
    if (Number.isNaN(cid)) continue;
    const ease = log.ease[i] as number;
    r.id[n] = log.at[i] as number;
    r.cid[n] = cid;
    r.ease[n] = ease;
    r.lastIvl[n] = logInterval(t, log.before, i);
    if (ease === 0) {
      r.ivl[n] = 0;
      r.factor[n] = 0;
      r.time[n] = 0;
      r.type[n] = REVLOG_TYPE.manual;
    } else {
      r.ivl[n] = logInterval(t, log.after, i);
      r.factor[n] = difficultyFactor(log.difficulty[i] as number);
      r.time[n] = Math.max(0, Math.min(60_000, Math.round(log.ms[i] as number)));
      r.type[n] = REVLOG_KIND[log.before.state[i] as number] as number;
    }
    n++;
  }
  r.length = n;
  // In time order (the log's order where times are equal), each id at least one past the last.
  let sorted = true;
  for (let i = 1; i < n && sorted; i++) sorted = (r.id[i - 1] as number) <= (r.id[i] as number);
  if (!sorted) {
    const order = Array.from({ length: n }, (_, i) => i).sort(
      (a, b) => (r.id[a] as number) - (r.id[b] as number),
    );
    for (const k of ['id', 'cid', 'ease', 'ivl', 'lastIvl', 'factor', 'time', 'type'] as const) {
      const col = r[k];
      const copy = col.slice(0, n);
      for (let i = 0; i < n; i++) col[i] = copy[order[i] as number] as number;
    }
  }
  let last = -Infinity;
  for (let i = 0; i < n; i++) {
    if ((r.id[i] as number) <= last) r.id[i] = last + 1;
    last = r.id[i] as number;
  }
  return r;
}

/** The review log's rows as objects. */
function tableRows(r: RevlogTable): RevlogRow[] {
  const rows: RevlogRow[] = [];
  for (let i = 0; i < r.length; i++)
    rows.push({
      id: r.id[i] as number,
      cid: r.cid[i] as number,
      usn: -1,
      ease: r.ease[i] as number,
      ivl: r.ivl[i] as number,
      lastIvl: r.lastIvl[i] as number,
      factor: r.factor[i] as number,
      time: r.time[i] as number,
      type: r.type[i] as number,
    });
  return rows;
}

function deckJson(id: number, name: string, conf: number, mod: number): Record<string, unknown> {
  return {
    newToday: [0, 0],
    revToday: [0, 0],
    lrnToday: [0, 0],
    timeToday: [0, 0],
    conf,
    usn: id === 1 ? 0 : -1,
    desc: '',
    dyn: 0,
    collapsed: false,
    extendNew: 10,
    extendRev: 50,
    id,
    name,
    mod,
  };
}

/** Anki's default options group (id 1), as its exporter writes it. */
function defaultOptions(): Record<string, unknown> {
  return {
    name: 'Default',
    new: {
      delays: [1, 10],
      ints: [1, 4, 7],
      initialFactor: STARTING_EASE,
      separate: true,
      order: 1,
      perDay: 20,
      bury: false,
    },
    lapse: { delays: [10], mult: 0, minInt: 1, leechFails: 8, leechAction: 0 },
    rev: {
      perDay: 200,
      ease4: 1.3,
      fuzz: 0.05,
      minSpace: 1,
      ivlFct: 1,
      maxIvl: 36500,
      bury: false,
      hardFactor: 1.2,
    },
    maxTaken: 60,
    timer: 0,
    autoplay: true,
    replayq: true,
    mod: 0,
    usn: 0,
    id: 1,
  };
}

/** Our settings as an options group: steps, limits, maximum interval, desired retention. */
function ourOptions(s: Settings, mod: number): Record<string, unknown> {
  const base = defaultOptions();
  return {
    ...base,
    name: OPTIONS_NAME,
    new: {
      ...(base.new as object),
      delays: stepMinutes(s.learningSteps),
      perDay: s.newPerDay,
      bury: true,
    },
    lapse: {
      ...(base.lapse as object),
      delays: stepMinutes(s.relearningSteps),
      leechFails: s.leechThreshold > 0 ? s.leechThreshold : 8,
      leechAction: s.leechThreshold > 0 ? 0 : 1,
    },
    rev: {
      ...(base.rev as object),
      perDay: s.reviewsPerDay,
      maxIvl: s.maximumInterval,
      bury: true,
    },
    mod,
    usn: -1,
    id: OPTIONS_ID,
    desiredRetention: s.desiredRetention,
  };
}

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
    const leech = input.withProgress && n.cards.some(({ rec }) => rec.leech);
    noteRows.push(noteRow(n, leech ? [...n.tags, 'leech'].sort() : n.tags));
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
        flags: 0,
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
  for (const def of Object.values(NOTE_TYPES)) {
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
