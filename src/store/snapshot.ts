/**
 * The snapshot: a lowdb document holding settings, card states and the log position it
 * covers, in `collection.snap` (see snapfile.ts: the small parts as JSON, the cards in
 * columns, a checksum over all). Written atomically (tmp file, fsync, rename, fsync
 * folder), at the end of a session and now and then, never per answer. A document
 * written by an older schema (schema 1: the whole document as JSON in
 * `collection.json`) is migrated forward in memory (MIGRATIONS); one from a newer
 * schema, or one that is damaged, is refused and left untouched.
 */
import { existsSync, unlinkSync } from 'node:fs';
import { LowSync, type SyncAdapter } from 'lowdb';
import { SCHEMA_VERSION, type CollectionState } from '../core/model.js';
import { UserError } from '../errors.js';
import { readFileTransient, writeFileAtomic } from './fsio.js';
import { decodeSnap, encodeSnap, isSnapFile, snapDamage } from './snapfile.js';
import { cardProblem, checkSettings, dayProblem, deckEntryProblem, isObject } from './validate.js';

export function damagedSnapshot(path: string, why: string): UserError {
  return new UserError(
    `the collection file ${path} is damaged (${why}); it was left untouched. Run \`sre-cards doctor --repair\` to set it aside and recover from the newest backup and the event log`,
  );
}

export function newerSchema(path: string, schema: number): UserError {
  return new UserError(
    `the collection ${path} was written by a newer sre-cards (schema ${schema}; this one reads up to ${SCHEMA_VERSION}); it was left untouched. Update sre-cards to open it`,
  );
}

/** A migration turns a document of schema n into one of schema n + 1. */
export type Migration = (doc: Record<string, unknown>) => Record<string, unknown>;

/**
 * MIGRATIONS[n] upgrades schema n to n + 1. Schema 1 is the first released schema, so
 * the table is empty until schema 2; each later schema adds its step here, and a
 * fixture of the older schema under test/fixtures/.
 */
export const MIGRATIONS: Record<number, Migration> = {
  // Schema 2 keeps the same document; only the file changed (columns, a checksum).
  1: (doc) => doc,
};

/** Brings a parsed document up to SCHEMA_VERSION. Pure: the input is not modified. */
export function migrate(path: string, doc: Record<string, unknown>): Record<string, unknown> {
  let v = doc.schema as number;
  let out = doc;
  while (v < SCHEMA_VERSION) {
    const step = MIGRATIONS[v];
    if (!step)
      throw damagedSnapshot(path, `schema ${v} is older than any this sre-cards can migrate`);
    try {
      out = step(structuredClone(out));
    } catch (e) {
      if (e instanceof UserError) throw e;
      throw damagedSnapshot(path, `it could not be migrated from schema ${v}`);
    }
    if (!isObject(out)) throw damagedSnapshot(path, `migrating schema ${v} gave no document`);
    v++;
    out.schema = v;
  }
  return out;
}

export interface CheckedSnapshot {
  state: CollectionState;
  /** The schema the document was written with (less than SCHEMA_VERSION when migrated). */
  schema: number;
}

/**
 * Checks the shape of a parsed snapshot, migrating older schemas forward. `cardsChecked`:
 * the card table came from a file whose checksum matched (written by this code), so its
 * records are not checked one by one.
 */
export function checkSnapshot(path: string, v: unknown, cardsChecked = false): CheckedSnapshot {
  if (!isObject(v)) throw damagedSnapshot(path, 'not a JSON object');
  const schema = v.schema;
  if (typeof schema !== 'number' || !Number.isInteger(schema) || schema < 0)
    throw damagedSnapshot(path, 'no schema version');
  if (schema > SCHEMA_VERSION) throw newerSchema(path, schema);
  const s = schema < SCHEMA_VERSION ? migrate(path, v) : v;
  const { seq, logOffset } = s;
  if (
    !(typeof seq === 'number' && Number.isInteger(seq) && seq >= 0) ||
    !(typeof logOffset === 'number' && Number.isInteger(logOffset) && logOffset >= 0)
  )
    throw damagedSnapshot(path, 'no log position');
  const settings = checkSettings(s.settings);
  if (typeof settings === 'string') throw damagedSnapshot(path, settings);
  if (!isObject(s.cards)) throw damagedSnapshot(path, 'no card table');
  if (!cardsChecked || s !== v)
    for (const id in s.cards) {
      const why = cardProblem(id, s.cards[id]);
      if (why) throw damagedSnapshot(path, `card "${id.slice(0, 80)}" is malformed: ${why}`);
    }
  if (!isObject(s.days)) throw damagedSnapshot(path, 'no day counters');
  for (const day in s.days) {
    const why = dayProblem(s.days[day]);
    if (why) throw damagedSnapshot(path, `day "${day.slice(0, 40)}" is malformed: ${why}`);
  }
  if (!isObject(s.decks)) throw damagedSnapshot(path, 'no deck table');
  for (const name in s.decks) {
    const why = deckEntryProblem(name, s.decks[name]);
    if (why) throw damagedSnapshot(path, `deck "${name.slice(0, 80)}" is malformed: ${why}`);
  }
  return {
    schema,
    state: {
      schema: SCHEMA_VERSION,
      seq,
      logOffset,
      settings,
      decks: s.decks as CollectionState['decks'],
      cards: s.cards as CollectionState['cards'],
      days: s.days as CollectionState['days'],
      ...syncFields(path, s),
    },
  };
}

const isCount = (v: unknown) => Number.isInteger(v) && (v as number) >= 0;
const isKey = (v: unknown) =>
  Array.isArray(v) &&
  v.length === 3 &&
  typeof v[0] === 'string' &&
  typeof v[1] === 'string' &&
  isCount(v[2]);

/** The fields that follow the other devices' logs, checked. */
function syncFields(path: string, s: Record<string, unknown>): Partial<CollectionState> {
  const out: Partial<CollectionState> = {};
  if (typeof s.device === 'string') out.device = s.device;
  if (s.peers !== undefined) {
    if (!isObject(s.peers)) throw damagedSnapshot(path, "the devices' positions are malformed");
    for (const [dev, c] of Object.entries(s.peers))
      if (
        !isObject(c) ||
        !isCount(c.seq) ||
        !isCount(c.offset) ||
        !(c.line === undefined || isCount(c.line))
      )
        throw damagedSnapshot(
          path,
          `the position in device ${dev.slice(0, 40)}'s log is malformed`,
        );
    out.peers = s.peers as CollectionState['peers'];
  }
  if (s.settingsAt !== undefined) {
    if (!isKey(s.settingsAt)) throw damagedSnapshot(path, "the settings' time is malformed");
    out.settingsAt = s.settingsAt as CollectionState['settingsAt'];
  }
  if (s.last !== undefined) {
    if (!isObject(s.last) || !Object.values(s.last).every(isKey))
      throw damagedSnapshot(path, "the cards' last changes are malformed");
    out.last = s.last as CollectionState['last'];
  }
  if (s.devices !== undefined) {
    if (!isObject(s.devices) || !Object.values(s.devices).every((n) => typeof n === 'string'))
      throw damagedSnapshot(path, 'the device names are malformed');
    out.devices = s.devices as CollectionState['devices'];
  }
  return out;
}

/** Parses a snapshot's text; damage is a UserError naming the file. */
export function parseSnapshot(path: string, text: string): CheckedSnapshot {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw damagedSnapshot(
      path,
      text.length === 0 ? 'it is empty' : 'it is not valid JSON, perhaps truncated',
    );
  }
  return checkSnapshot(path, parsed);
}

/** Checks a snapshot file's bytes: the columnar format, or a JSON document (schema 1). */
export function parseSnapshotBytes(path: string, buf: Buffer): CheckedSnapshot {
  if (!isSnapFile(buf)) return parseSnapshot(path, buf.toString('utf8'));
  const why = snapDamage(buf);
  if (why) throw damagedSnapshot(path, why);
  let doc: Record<string, unknown>;
  try {
    doc = decodeSnap(buf);
  } catch {
    throw damagedSnapshot(path, 'its columns cannot be read');
  }
  return checkSnapshot(path, doc, true);
}

/** Reads and checks a snapshot file (a collection file or a backup). Reads only. */
export function readSnapshot(path: string): CheckedSnapshot {
  let buf: Buffer;
  try {
    // Decoding copies out every value it keeps: the shared buffer serves (see fsio.ts).
    buf = readFileTransient(path);
  } catch (e) {
    throw new UserError(`cannot read ${path}: ${(e as Error).message}`);
  }
  return parseSnapshotBytes(path, buf);
}

/** The bytes of a snapshot file holding `state`. */
export function snapshotBytes(state: CollectionState): Buffer {
  return encodeSnap(state);
}

/** lowdb adapter: compact JSON, durable atomic writes, damage reported, never overwritten on read. */
export class SnapshotFile implements SyncAdapter<CollectionState> {
  /** The schema the file was written with, once read. */
  readSchema: number | null = null;

  /** Reads `path`, writes `out` (a collection of schema 1 is read from collection.json). */
  constructor(
    readonly path: string,
    readonly out: string = path,
  ) {}

  read(): CollectionState | null {
    if (!existsSync(this.path)) return null;
    const { state, schema } = readSnapshot(this.path);
    this.readSchema = schema;
    return state;
  }

  write(data: CollectionState): void {
    writeFileAtomic(this.out, encodeSnap(data));
    if (this.path !== this.out) {
      // The old file is superseded (a writer kept a copy in backups/ before migrating).
      try {
        unlinkSync(this.path);
      } catch {
        // gone already
      }
    }
  }
}

export function openSnapshot(
  path: string,
  fallback: CollectionState,
  out: string = path,
): LowSync<CollectionState> {
  const db = new LowSync<CollectionState>(new SnapshotFile(path, out), fallback);
  db.read();
  return db;
}
