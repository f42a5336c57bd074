/** The rows of an Anki package (legacy schema 11) as this exporter builds them, and Anki's codes. */
import type { CollectionEvent } from '../../core/model.js';
import type { Settings } from '../../core/settings.js';
import { type DayClock } from '../../core/time.js';
import { type ExportSource } from '../notes.js';
import { type LogRows } from '../../core/logrows.js';

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
