/**
 * Helpers for the export tests: the real binary run on a data folder, and the packages it
 * writes opened with SQLite (sql.js) and checked note by note and card by card.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { strFromU8, unzipSync } from 'fflate';
import type initSqlJs from 'sql.js';
import { afterAll, expect } from 'vitest';
import { loadSqlJs } from '../src/export/apkg.js';
import { noteGuid } from '../src/export/ids.js';
import { cli } from './helpers.js';

export type Database = initSqlJs.Database;
export type Row = Record<string, number | string | null>;

export const DECK = 'sre-61-90';
export const T0 = '2026-03-01T09:00:00Z';

export function env(
  dir: string,
  now = T0,
  extra: Record<string, string> = {},
): Record<string, string> {
  return { SRE_CARDS_DATA_DIR: dir, SRE_CARDS_NOW: now, ...extra };
}

export function run(args: string[], e: Record<string, string>) {
  const r = cli(args, e);
  if (r.status !== 0) throw new Error(`${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
  return r;
}

export interface CardJson {
  id: string;
  note: string;
  deck: string;
  day: number | null;
  state: string;
  due: string | null;
  stability: number | null;
  difficulty: number | null;
  reps: number;
  lapses: number;
  suspended: boolean;
}

export function list(dir: string, now: string, args: string[] = []): CardJson[] {
  return JSON.parse(run(['list', '--json', ...args], env(dir, now)).stdout) as CardJson[];
}

export interface Package {
  db: Database;
  members: string[];
  media: string;
  col: Row;
  conf: Record<string, unknown>;
  models: Record<string, Record<string, unknown>>;
  decks: Record<string, Record<string, unknown>>;
  dconf: Record<string, Record<string, unknown>>;
}

const opened: Database[] = [];
afterAll(() => {
  for (const db of opened.splice(0)) db.close();
});

export async function openPackage(file: string): Promise<Package> {
  const zip = unzipSync(readFileSync(file));
  const collection = zip['collection.anki21'] ?? zip['collection.anki2'];
  if (!collection) throw new Error(`${file} has no collection`);
  const SQL = await loadSqlJs();
  const db = new SQL.Database(collection);
  opened.push(db);
  const col = rows(db, 'SELECT * FROM col')[0] ?? {};
  const json = (k: string) => JSON.parse(String(col[k])) as Record<string, never>;
  return {
    db,
    members: Object.keys(zip).sort(),
    media: strFromU8(zip.media ?? new Uint8Array()),
    col,
    conf: json('conf'),
    models: json('models'),
    decks: json('decks'),
    dconf: json('dconf'),
  };
}

export function rows(db: Database, sql: string): Row[] {
  const stmt = db.prepare(sql);
  const out: Row[] = [];
  while (stmt.step()) out.push(stmt.getAsObject() as Row);
  stmt.free();
  return out;
}

/** Anki's field stripping, written out independently of the exporter (and checked against Anki's own values below). */
export function ankiStrip(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

export function csumOf(firstField: string): number {
  return parseInt(createHash('sha1').update(ankiStrip(firstField)).digest('hex').slice(0, 8), 16);
}

/** Everything the issue asks of every package: notes, note types, cards, decks, tags. */
export function checkPackage(p: Package): void {
  const notes = rows(p.db, 'SELECT * FROM notes');
  const cards = rows(p.db, 'SELECT * FROM cards');
  expect(notes.length).toBeGreaterThan(0);
  const guids = new Set<string>();
  const noteById = new Map<number, Row>();
  for (const n of notes) {
    const model = p.models[String(n.mid)];
    expect(model, `note ${n.id}: mid ${n.mid} is in col.models`).toBeDefined();
    const fields = String(n.flds).split('\x1f');
    expect(fields.length, `note ${n.id}: field count`).toBe((model?.flds as unknown[]).length);
    expect(n.csum, `note ${n.id}: csum`).toBe(csumOf(fields[0] ?? ''));
    expect(String(n.sfld), `note ${n.id}: sfld`).toBe(ankiStrip(fields[0] ?? ''));
    expect(String(n.sfld).length).toBeGreaterThan(0);
    expect(n.tags, `note ${n.id}: tags`).toMatch(/^ (\S+ )+$/);
    expect(n.usn).toBe(-1);
    expect(n.flags).toBe(0);
    expect(n.data).toBe('');
    expect(String(n.flds)).not.toMatch(/\n/);
    guids.add(String(n.guid));
    noteById.set(Number(n.id), n);
  }
  expect(guids.size, 'GUIDs are unique').toBe(notes.length);
  const seen = new Set<string>();
  const withCards = new Set<number>();
  for (const c of cards) {
    const n = noteById.get(Number(c.nid));
    expect(n, `card ${c.id}: its note exists`).toBeDefined();
    expect(p.decks[String(c.did)], `card ${c.id}: its deck is in col.decks`).toBeDefined();
    const model = p.models[String(n?.mid)] as Record<string, unknown>;
    const ord = Number(c.ord);
    if (model.type === 1) {
      const text = String(n?.flds).split('\x1f')[0] ?? '';
      expect(text, `card ${c.id}: cloze ord ${ord} matches a deletion`).toContain(
        `{{c${ord + 1}::`,
      );
    } else {
      expect(ord).toBeGreaterThanOrEqual(0);
      expect(ord).toBeLessThan((model.tmpls as unknown[]).length);
    }
    const key = `${c.nid}/${ord}`;
    expect(seen.has(key), `one card per note and ordinal: ${key}`).toBe(false);
    seen.add(key);
    withCards.add(Number(c.nid));
    expect([c.usn, c.odue, c.odid, c.flags]).toEqual([-1, 0, 0, 0]);
  }
  expect(withCards.size, 'every note has cards').toBe(notes.length);
  // Anki's importer refuses ids (millisecond timestamps) later than tomorrow.
  const tomorrow = Number(p.col.mod) + 86_400_000;
  for (const table of ['notes', 'cards', 'revlog'])
    expect(Number(rows(p.db, `SELECT max(id) AS m FROM ${table}`)[0]?.m ?? 0), table).toBeLessThan(
      tomorrow,
    );
  expect(p.members).toEqual(['collection.anki2', 'media']);
  expect(p.media).toBe('{}');
  expect(p.col.ver).toBe(11);
  expect(p.col.tags).toBe('{}');
  expect(p.conf.schedVer).toBe(2);
  for (const d of Object.values(p.decks))
    expect(p.dconf[String(d.conf)], `deck ${d.name}: options group`).toBeDefined();
}

export const ordOf = (id: string) =>
  id.endsWith(':rev') ? 1 : /:c(\d+)$/.test(id) ? Number(/:c(\d+)$/.exec(id)?.[1]) - 1 : 0;

/** The Anki card of one of ours: found through its note's GUID and its ordinal. */
export function ankiCard(db: Database, card: CardJson): Row {
  const guid = noteGuid(card.deck, card.note).replace(/'/g, "''");
  const found = rows(
    db,
    `SELECT c.* FROM cards c JOIN notes n ON n.id = c.nid WHERE n.guid = '${guid}' AND c.ord = ${ordOf(card.id)}`,
  );
  expect(found, `Anki card for ${card.id}`).toHaveLength(1);
  return found[0] as Row;
}
