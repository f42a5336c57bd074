/**
 * An Anki collection as the importer reads it, the same for schema 11 (JSON in `col`) and
 * schema 18 (tables with protobuf blobs): note types, decks, deck presets, notes, cards,
 * the review log and the collection's clock. Column meanings follow
 * rslib/src/storage/schema11.sql and rslib/src/storage/upgrades/schema1*_upgrade.sql.
 */

/** `OriginalStockKind` in proto/anki/notetypes.proto. */
export type StockKind =
  'basic' | 'reversed' | 'optional-reversed' | 'typing' | 'cloze' | 'image-occlusion';

export interface AnkiTemplate {
  name: string;
  qfmt: string;
  afmt: string;
}

export interface AnkiNoteType {
  id: number;
  name: string;
  /** Kind cloze (1) rather than standard (0). */
  cloze: boolean;
  fields: string[];
  templates: AnkiTemplate[];
  /** Which stock type it was made from (Anki 2.1.62+), or null. */
  stockKind: StockKind | null;
}

export interface AnkiDeck {
  id: number;
  /** The full name, components joined by `::`. */
  name: string;
  filtered: boolean;
  /** The deck preset (options group); null for a filtered deck. */
  configId: number | null;
}

export interface AnkiDeckConfig {
  id: number;
  name: string;
  /** FSRS parameters (the newest set present: FSRS-6, else 5, else 4); null when none. */
  fsrsParams: number[] | null;
  desiredRetention: number | null;
  /** The retention assumed for SM-2 history (`sm2Retention`, `historical_retention`). */
  historicalRetention: number;
  learnSteps: number[];
  relearnSteps: number[];
  leechThreshold: number;
  maxInterval: number;
}

export interface AnkiNote {
  id: number;
  guid: string;
  mid: number;
  /** Seconds. */
  mod: number;
  tags: string[];
  fields: string[];
}

/** `cards.data` (rslib/src/storage/card/data.rs): the FSRS memory state, when set. */
export interface CardData {
  s?: number;
  d?: number;
  dr?: number;
  lrt?: number;
}

export interface AnkiCard {
  id: number;
  nid: number;
  did: number;
  ord: number;
  /** Seconds. */
  mod: number;
  /** 0 new, 1 learning, 2 review, 3 relearning. */
  type: number;
  /** 0 new, 1 learning, 2 review, 3 learning on a later day, 4 preview, -1 suspended, -2/-3 buried. */
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
  data: CardData;
}

/** The review log in columns, ordered by card, then time. */
export interface Revlog {
  length: number;
  /** The answer's time, ms. */
  id: Float64Array;
  cid: Float64Array;
  /** 1-4; 0 for manual entries. */
  ease: Uint8Array;
  ivl: Int32Array;
  lastIvl: Int32Array;
  factor: Int32Array;
  time: Int32Array;
  /** 0 learn, 1 review, 2 relearn, 3 filtered, 4 manual, 5 rescheduled. */
  type: Uint8Array;
}

export interface AnkiCollection {
  /** `col.ver`: 11 or 18. */
  schema: number;
  /** Creation time, seconds: day 0 of the review cards' `due`. */
  crt: number;
  /** Last change, ms. */
  mod: number;
  /** Minutes west of UTC when the collection was created (v2 scheduler), else null. */
  creationOffset: number | null;
  /** Minutes west of UTC when last used, else null. */
  localOffset: number | null;
  rollover: number | null;
  /** FSRS was switched on. */
  fsrs: boolean;
  noteTypes: Map<number, AnkiNoteType>;
  decks: Map<number, AnkiDeck>;
  deckConfigs: Map<number, AnkiDeckConfig>;
  notes: AnkiNote[];
  cards: AnkiCard[];
  revlog: Revlog;
}

export interface AnkiMedia {
  /** The file's name in the collection's media folder. */
  name: string;
  /** The zip member holding it. */
  member: string;
}

export interface AnkiPackage {
  /** `meta`'s version: 1 `collection.anki2`, 2 `collection.anki21`, 3 `collection.anki21b`. */
  version: 1 | 2 | 3;
  /** The zip member the collection was read from. */
  collectionFile: string;
  collection: AnkiCollection;
  media: AnkiMedia[];
  /** A media file's bytes (decompressed in version 3). */
  readMedia(m: AnkiMedia): Uint8Array;
}
