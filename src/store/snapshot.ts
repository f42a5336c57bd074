/**
 * The snapshot: a lowdb document holding settings, card states and the log position it
 * covers. Written atomically (tmp file, fsync, rename, fsync folder) and compactly, at
 * the end of a session and now and then, never per answer.
 */
import { existsSync, readFileSync } from 'node:fs';
import { LowSync, type SyncAdapter } from 'lowdb';
import { SCHEMA_VERSION, type CollectionState } from '../core/model.js';
import { DEFAULT_SETTINGS } from '../core/settings.js';
import { UserError } from '../errors.js';
import { writeFileAtomic } from './fsio.js';

export function damagedSnapshot(path: string, why: string): UserError {
  return new UserError(
    `the collection file ${path} is damaged (${why}); it was left untouched. Run \`sre-cards doctor --repair\` to rebuild it from the event log, or restore a copy from the backups folder beside it`,
  );
}

/** Checks the shape of a parsed snapshot and migrates older schemas forward. */
export function checkSnapshot(path: string, v: unknown): CollectionState {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw damagedSnapshot(path, 'not a JSON object');
  const s = v as Partial<CollectionState>;
  if (typeof s.schema !== 'number') throw damagedSnapshot(path, 'no schema version');
  if (s.schema > SCHEMA_VERSION) {
    throw new UserError(
      `the collection ${path} was written by a newer sre-cards (schema ${s.schema}; this one reads up to ${SCHEMA_VERSION}); it was left untouched. Update sre-cards to open it`,
    );
  }
  if (typeof s.seq !== 'number' || typeof s.logOffset !== 'number')
    throw damagedSnapshot(path, 'no log position');
  if (typeof s.cards !== 'object' || s.cards === null || Array.isArray(s.cards))
    throw damagedSnapshot(path, 'no card table');
  for (const [id, c] of Object.entries(s.cards)) {
    if (
      typeof c !== 'object' ||
      c === null ||
      typeof c.sched !== 'object' ||
      c.sched === null ||
      typeof c.sched.state !== 'string'
    ) {
      throw damagedSnapshot(path, `card "${id.slice(0, 80)}" is malformed`);
    }
  }
  if (typeof s.days !== 'object' || s.days === null) throw damagedSnapshot(path, 'no day counters');
  if (typeof s.decks !== 'object' || s.decks === null) throw damagedSnapshot(path, 'no deck table');
  return {
    schema: SCHEMA_VERSION,
    seq: s.seq,
    logOffset: s.logOffset,
    settings: { ...DEFAULT_SETTINGS, ...(s.settings ?? {}) },
    decks: s.decks,
    cards: s.cards,
    days: s.days,
  };
}

/** lowdb adapter: compact JSON, durable atomic writes, damage reported, never overwritten on read. */
export class SnapshotFile implements SyncAdapter<CollectionState> {
  constructor(readonly path: string) {}

  read(): CollectionState | null {
    if (!existsSync(this.path)) return null;
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (e) {
      throw new UserError(`cannot read ${this.path}: ${(e as Error).message}`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw damagedSnapshot(
        this.path,
        text.length === 0 ? 'it is empty' : 'it is not valid JSON, perhaps truncated',
      );
    }
    return checkSnapshot(this.path, parsed);
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
