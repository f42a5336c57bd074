/**
 * The snapshot: a lowdb document holding settings, card states and the log position it
 * covers. Written atomically (tmp file, fsync, rename, fsync folder) and compactly, at
 * the end of a session and now and then, never per answer. A document written by an
 * older schema is migrated forward in memory (MIGRATIONS); one from a newer schema, or
 * one that is damaged, is refused and left untouched.
 */
import { existsSync, readFileSync } from 'node:fs';
import { LowSync, type SyncAdapter } from 'lowdb';
import { SCHEMA_VERSION, type CollectionState } from '../core/model.js';
import { UserError } from '../errors.js';
import { writeFileAtomic } from './fsio.js';
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
export const MIGRATIONS: Record<number, Migration> = {};

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

/** Checks the shape of a parsed snapshot, migrating older schemas forward. */
export function checkSnapshot(path: string, v: unknown): CheckedSnapshot {
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

/** Reads and checks a snapshot file (a collection file or a backup). Reads only. */
export function readSnapshot(path: string): CheckedSnapshot {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UserError(`cannot read ${path}: ${(e as Error).message}`);
  }
  return parseSnapshot(path, text);
}

/** lowdb adapter: compact JSON, durable atomic writes, damage reported, never overwritten on read. */
export class SnapshotFile implements SyncAdapter<CollectionState> {
  /** The schema the file was written with, once read. */
  readSchema: number | null = null;

  constructor(readonly path: string) {}

  read(): CollectionState | null {
    if (!existsSync(this.path)) return null;
    const { state, schema } = readSnapshot(this.path);
    this.readSchema = schema;
    return state;
  }

  write(data: CollectionState): void {
    writeFileAtomic(this.path, JSON.stringify(data));
  }
}

export function openSnapshot(path: string, fallback: CollectionState): LowSync<CollectionState> {
  const db = new LowSync<CollectionState>(new SnapshotFile(path), fallback);
  db.read();
  return db;
}
