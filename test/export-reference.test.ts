/**
 * Our packages beside two written by Anki's own exporter (Anki 2.1.16, schema 11; see
 * the README next to them): the same tables and indexes, the same columns, the same
 * JSON keys in `col` (configuration, note types, decks, deck options), and the field
 * stripping and checksums Anki computed.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import type initSqlJs from 'sql.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSqlJs } from '../src/export/apkg.js';
import { fieldChecksum, stripHtml } from '../src/export/html.js';
import { cleanup, cli, ROOT, tempDir } from './helpers.js';

type Database = initSqlJs.Database;
type Row = Record<string, number | string | null>;
type Json = Record<string, unknown>;

// Two small packages written by Anki 2.1.16's own exporter (notes with and without scheduling).
const REFERENCE =
  process.env.SRE_CARDS_ANKI_REFERENCE ?? join(ROOT, 'test', 'fixtures', 'anki-reference');
const HAVE_REFERENCE = existsSync(join(REFERENCE, 'reference-with-progress.apkg'));

const dbs: Database[] = [];
afterAll(() => {
  for (const db of dbs.splice(0)) db.close();
  cleanup();
});

async function open(file: string): Promise<Database> {
  const zip = unzipSync(readFileSync(file));
  const bytes = zip['collection.anki21'] ?? zip['collection.anki2'];
  if (!bytes) throw new Error(`${file}: no collection`);
  const db = new (await loadSqlJs()).Database(bytes);
  dbs.push(db);
  return db;
}

function rows(db: Database, sql: string): Row[] {
  const stmt = db.prepare(sql);
  const out: Row[] = [];
  while (stmt.step()) out.push(stmt.getAsObject() as Row);
  stmt.free();
  return out;
}

function col(db: Database): Record<'conf' | 'models' | 'decks' | 'dconf', Json> {
  const r = rows(db, 'SELECT conf, models, decks, dconf FROM col')[0] ?? {};
  const j = (k: string) => JSON.parse(String(r[k])) as Json;
  return { conf: j('conf'), models: j('models'), decks: j('decks'), dconf: j('dconf') };
}

/** The shape of a JSON value: keys (recursively, for objects) and value types. */
function shape(v: unknown): unknown {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  if (typeof v === 'object')
    return Object.fromEntries(
      Object.keys(v as Json)
        .sort()
        .map((k) => [k, shape((v as Json)[k])]),
    );
  return typeof v;
}

const keys = (o: unknown) => Object.keys(o as Json).sort();

describe.skipIf(!HAVE_REFERENCE)("beside Anki's own packages", () => {
  let refNo: Database;
  let refWith: Database;
  let oursNo: Database;
  let oursWith: Database;

  beforeAll(async () => {
    refNo = await open(join(REFERENCE, 'reference-no-progress.apkg'));
    refWith = await open(join(REFERENCE, 'reference-with-progress.apkg'));
    const data = tempDir();
    const out = tempDir();
    const env = (now: string) => ({ SRE_CARDS_DATA_DIR: data, SRE_CARDS_NOW: now });
    for (const [id, r] of [
      ['d61-ha-vs-ft', 'good'],
      ['d61-spof', 'easy'],
      ['d61-resilience', 'easy'],
      ['d61-nines-three:c1', 'again'],
    ])
      expect(cli(['answer', id as string, r as string], env('2026-03-01T09:00:00Z')).status).toBe(
        0,
      );
    expect(cli(['suspend', 'd62-anycast'], env('2026-03-01T09:01:00Z')).status).toBe(0);
    expect(cli(['flag', 'd61-ha-vs-ft', '3'], env('2026-03-01T09:01:00Z')).status).toBe(0);
    expect(cli(['mark', 'd61-resilience'], env('2026-03-01T09:01:00Z')).status).toBe(0);
    // A lapse: the review card goes back to relearning.
    expect(cli(['answer', 'd61-spof', 'again'], env('2026-03-02T08:00:00Z')).status).toBe(0);
    const now = env('2026-03-02T09:00:00Z');
    expect(cli(['export', 'anki', '--out', join(out, 'no.apkg')], now).status).toBe(0);
    expect(
      cli(['export', 'anki', '--with-progress', '--out', join(out, 'with.apkg')], now).status,
    ).toBe(0);
    oursNo = await open(join(out, 'no.apkg'));
    oursWith = await open(join(out, 'with.apkg'));
  }, 60_000);

  it('has the same tables, indexes and columns', () => {
    const schema = (db: Database) =>
      rows(db, 'SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name');
    expect(schema(oursNo)).toEqual(schema(refWith));
    expect(schema(oursWith)).toEqual(schema(refNo));
    for (const table of ['col', 'notes', 'cards', 'revlog', 'graves'])
      expect(rows(oursWith, `PRAGMA table_info(${table})`)).toEqual(
        rows(refWith, `PRAGMA table_info(${table})`),
      );
    expect(rows(oursNo, 'SELECT * FROM sqlite_stat1')).toEqual(
      rows(refNo, 'SELECT * FROM sqlite_stat1'),
    );
    expect(rows(oursNo, 'PRAGMA page_size')).toEqual(rows(refNo, 'PRAGMA page_size'));
    expect(rows(oursWith, 'SELECT count(*) AS n FROM graves')[0]?.n).toBe(0);
  });

  it('fills the col row as Anki does', () => {
    const pick = (db: Database) =>
      rows(db, 'SELECT ver, dty, usn, ls, tags, typeof(crt) AS crt, typeof(mod) AS mod FROM col');
    expect(pick(oursNo)).toEqual(pick(refNo));
    const crt = Number(rows(oursWith, 'SELECT crt FROM col')[0]?.crt);
    const refCrt = Number(rows(refWith, 'SELECT crt FROM col')[0]?.crt);
    // Both at the rollover hour (04:00 here, in UTC) of a day.
    expect(crt % 86_400).toBe(refCrt % 86_400);
  });

  it('writes every configuration key Anki writes, with the same types', () => {
    for (const [ours, ref] of [
      [oursNo, refNo],
      [oursWith, refWith],
    ] as const) {
      const o = col(ours).conf;
      const r = col(ref).conf;
      for (const k of keys(r)) expect(shape(o[k]), `conf.${k}`).toEqual(shape(r[k]));
      // Beyond them only the keys that pin the study day: the rollover hour and the offset at crt.
      expect(keys(o).filter((k) => !(k in r))).toEqual(['creationOffset', 'rollover']);
      expect(o.schedVer).toBe(2);
    }
  });

  it('writes note types with the keys and field and template keys of Anki’s', () => {
    const ref = Object.values(col(refWith).models) as Json[];
    const standard = ref.find((m) => m.type === 0 && m.name === 'Basic') as Json;
    const cloze = ref.find((m) => m.type === 1) as Json;
    const ours = Object.values(col(oursWith).models) as Json[];
    expect(ours).toHaveLength(5);
    for (const m of ours) {
      const like = m.type === 1 ? cloze : standard;
      expect(keys(m), String(m.name)).toEqual(keys(like));
      for (const k of keys(like))
        if (!['flds', 'tmpls', 'req'].includes(k))
          expect(shape(m[k]), `${m.name}.${k}`).toEqual(shape(like[k]));
      for (const f of m.flds as Json[]) expect(shape(f)).toEqual(shape((like.flds as Json[])[0]));
      for (const t of m.tmpls as Json[]) expect(shape(t)).toEqual(shape((like.tmpls as Json[])[0]));
      expect(m.sortf).toBe(0);
      expect(String(m.name)).toMatch(/^SRE /);
    }
  });

  it('writes decks and deck options with the keys Anki writes', () => {
    const refDecks = Object.values(col(refWith).decks) as Json[];
    for (const db of [oursNo, oursWith])
      for (const d of Object.values(col(db).decks) as Json[])
        expect(shape(d), String(d.name)).toEqual(shape(refDecks[1]));
    const refOptions = col(refNo).dconf['1'] as Json;
    expect(col(oursNo).dconf).toEqual({ '1': refOptions });
    const withOptions = col(oursWith).dconf;
    expect(withOptions['1']).toEqual(refOptions);
    const ours = Object.values(withOptions).find((o) => (o as Json).id !== 1) as Json;
    const { desiredRetention, ...rest } = ours;
    expect(shape(rest)).toEqual(shape(refOptions));
    expect(desiredRetention).toBe(0.9);
  });

  it('keeps flags in the cards and marks as the marked tag, in the columns Anki uses', () => {
    const refTags = rows(refWith, "SELECT tags FROM notes WHERE tags <> ''").map((r) => r.tags);
    // Anki writes a note's tags space-separated, with a space at each end.
    expect(refTags.length).toBeGreaterThan(0);
    for (const t of refTags) expect(String(t)).toMatch(/^ \S.* $/);
    for (const db of [oursNo, oursWith]) {
      const flags = rows(db, 'SELECT flags FROM cards WHERE flags <> 0').map((r) => r.flags);
      expect(flags).toEqual([3]);
      const marked = rows(db, "SELECT tags FROM notes WHERE tags LIKE '% marked %'");
      expect(marked).toHaveLength(1);
      expect(String(marked[0]?.tags)).toMatch(/^ \S.* $/);
    }
    expect(typeof rows(refWith, 'SELECT flags FROM cards LIMIT 1')[0]?.flags).toBe('number');
  });

  it('strips fields and checksums them as Anki computed', () => {
    const notes = rows(refNo, 'SELECT flds, sfld, csum FROM notes');
    expect(notes).toHaveLength(7);
    for (const n of notes) {
      const first = String(n.flds).split('\x1f')[0] ?? '';
      expect(stripHtml(first)).toBe(String(n.sfld));
      expect(fieldChecksum(first)).toBe(n.csum);
      expect(
        parseInt(createHash('sha1').update(String(n.sfld)).digest('hex').slice(0, 8), 16),
      ).toBe(n.csum);
    }
  });

  it('sets card and review-log columns by state as Anki does', () => {
    // Learning cards: due in seconds with steps left; review cards: a day number and an interval.
    const byState = (db: Database) =>
      rows(
        db,
        `SELECT type, queue, min(due > 1000000000) AS seconds, min(type = 2 OR left % 1000 > 0) AS steps,
           min(type <> 2 OR ivl > 0) AS interval, typeof(data) AS data
         FROM cards WHERE queue IN (1, 2) GROUP BY type, queue ORDER BY type, queue`,
      );
    const ours = byState(oursWith);
    expect(ours.map((r) => r.type)).toEqual([1, 2, 3]);
    expect(ours).toEqual(byState(refWith));
    const suspended = (db: Database) => rows(db, 'SELECT type, queue FROM cards WHERE queue = -1');
    expect(suspended(oursWith)).toEqual(suspended(refWith));
    expect(suspended(oursNo)).toEqual([]);
    const firstAnswers = (db: Database) =>
      rows(db, 'SELECT ease, type, usn, lastIvl FROM revlog WHERE type = 0 AND ease = 3 LIMIT 1');
    expect(firstAnswers(oursWith).map(({ lastIvl: _l, ...r }) => r)).toEqual(
      firstAnswers(refWith).map(({ lastIvl: _l, ...r }) => r),
    );
    const revCols = (db: Database) => rows(db, 'PRAGMA table_info(revlog)');
    expect(revCols(oursWith)).toEqual(revCols(refWith));
  });
});
