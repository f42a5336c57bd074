/**
 * Reads an Anki collection database into the importer's model, for schema 11 (note
 * types, decks and presets as JSON in `col`: rslib/src/storage/schema11.sql) and schema
 * 18 (their own tables, with protobuf blobs: rslib/src/storage/upgrades/schema14_upgrade.sql,
 * schema15_upgrade.sql, schema17_upgrade.sql, schema18_upgrade.sql; messages in
 * proto/anki/notetypes.proto, decks.proto, deck_config.proto). Read-only; pure but for
 * the database handle.
 */
import type { SqlValue } from 'sql.js';
import { UserError } from '../errors.js';
import type {
  AnkiCard,
  AnkiCollection,
  AnkiDeck,
  AnkiDeckConfig,
  AnkiNote,
  AnkiNoteType,
  CardData,
  Revlog,
  StockKind,
} from './model.js';
import {
  decodeMessage,
  float,
  floats,
  int,
  message,
  ProtobufError,
  str,
  type Field,
} from './protobuf.js';
import { rows, tableNames, type Database } from './sqlite.js';

/** The schema versions this reader knows (Anki opens 11 to 18: rslib/src/storage/upgrades/mod.rs). */
export const MIN_SCHEMA = 11;
export const MAX_SCHEMA = 18;

const STOCK_KINDS: Record<number, StockKind> = {
  1: 'basic',
  2: 'reversed',
  3: 'optional-reversed',
  4: 'typing',
  5: 'cloze',
  6: 'image-occlusion',
};

const num = (v: SqlValue | undefined): number => (typeof v === 'number' ? v : Number(v ?? 0));
const text = (v: SqlValue | undefined): string =>
  typeof v === 'string'
    ? v
    : v instanceof Uint8Array
      ? new TextDecoder().decode(v)
      : String(v ?? '');
const blob = (v: SqlValue | undefined): Uint8Array =>
  v instanceof Uint8Array ? v : new TextEncoder().encode(typeof v === 'string' ? v : '');

/** A float32 read from protobuf, as the decimal Anki shows (0.9, not 0.8999999761581421). */
const f32 = (x: number): number => Number(x.toPrecision(7));

function parseJson(s: string, what: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    throw new UserError(`${what} is not valid JSON (the collection is damaged)`);
  }
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const numbers = (v: unknown): number[] =>
  Array.isArray(v) ? v.filter((x): x is number => typeof x === 'number' && Number.isFinite(x)) : [];
const optNum = (v: unknown): number | null =>
  typeof v === 'number' && Number.isFinite(v) ? v : null;

/**
 * Where the review log comes from when it is read elsewhere (a worker thread, reading its
 * own copy of the database with `readReviewLog`): called once the collection is open, it
 * starts the read and gives back how to wait for it, or null to have it read here. Its
 * error is readCollection's.
 */
export type ReviewLogReader = () => (() => Revlog) | null;

/**
 * Reads the collection; `what` names the package in messages. With `revlog`, the review
 * log is read there while the rest is read here, and taken (waited for) when first asked.
 */
export function readCollection(
  db: Database,
  what: string,
  revlog?: ReviewLogReader,
): AnkiCollection {
  return readable(what, () => readAll(db, what, revlog));
}

/** The review log of a collection alone (`ReviewLogReader`), refused as readCollection refuses it. */
export function readReviewLog(db: Database, what: string, progress?: () => void): Revlog {
  return readable(what, () => readRevlog(db, progress));
}

function readable<T>(what: string, read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof UserError) throw e;
    if (e instanceof ProtobufError)
      throw new UserError(`the collection in ${what} holds a malformed record (${e.message})`);
    throw new UserError(
      `the collection in ${what} cannot be read (${(e as Error).message}); the file is damaged or cut short`,
    );
  }
}

function readAll(db: Database, what: string, revlogReader?: ReviewLogReader): AnkiCollection {
  const tables = tableNames(db);
  for (const t of ['col', 'notes', 'cards', 'revlog'])
    if (!tables.has(t))
      throw new UserError(
        `the collection in ${what} has no "${t}" table, so it is not an Anki collection`,
      );
  const col = rows(db, 'SELECT crt, mod, ver, conf, models, decks, dconf FROM col')[0];
  if (!col)
    throw new UserError(
      `the collection in ${what} has no "col" row, so it is not an Anki collection`,
    );
  const schema = num(col[2]);
  if (schema > MAX_SCHEMA)
    throw new UserError(
      `the collection in ${what} is schema ${schema}, newer than this sre-cards reads (${MIN_SCHEMA} to ${MAX_SCHEMA}); update sre-cards, or export from Anki with "Support older Anki versions" ticked`,
    );
  if (schema < MIN_SCHEMA)
    throw new UserError(
      `the collection in ${what} is schema ${schema}, older than this sre-cards reads (${MIN_SCHEMA} to ${MAX_SCHEMA}); open it in a current Anki and export it again`,
    );
  const base = {
    schema,
    crt: num(col[0]),
    mod: num(col[1]),
  };
  const parts =
    schema >= 14 && tables.has('notetypes')
      ? readSchema18(db, what)
      : readSchema11(text(col[3]), text(col[4]), text(col[5]), text(col[6]), what);
  const take = revlogReader?.();
  const notes = readNotes(db);
  const cards = readCards(db);
  if (!take) return { ...base, ...parts, notes, cards, revlog: readRevlog(db) };
  let revlog: Revlog | null = null;
  return Object.defineProperty({ ...base, ...parts, notes, cards }, 'revlog', {
    enumerable: true,
    get: () => (revlog ??= take()),
  }) as AnkiCollection;
}

interface Parts {
  creationOffset: number | null;
  localOffset: number | null;
  rollover: number | null;
  fsrs: boolean;
  noteTypes: Map<number, AnkiNoteType>;
  decks: Map<number, AnkiDeck>;
  deckConfigs: Map<number, AnkiDeckConfig>;
}

function configFrom(
  conf: Json,
): Pick<Parts, 'creationOffset' | 'localOffset' | 'rollover' | 'fsrs'> {
  return {
    creationOffset: optNum(conf.creationOffset),
    localOffset: optNum(conf.localOffset),
    rollover: optNum(conf.rollover),
    fsrs: conf.fsrs === true,
  };
}

function readSchema11(
  conf: string,
  models: string,
  decks: string,
  dconf: string,
  what: string,
): Parts {
  const c = parseJson(conf, `the configuration of ${what}`);
  const m = parseJson(models, `the note types of ${what}`);
  const d = parseJson(decks, `the decks of ${what}`);
  const dc = parseJson(dconf, `the deck presets of ${what}`);
  const noteTypes = new Map<number, AnkiNoteType>();
  for (const nt of Object.values(isObj(m) ? m : {})) {
    if (!isObj(nt)) continue;
    const byOrd = <T>(list: unknown, f: (x: Json) => T): T[] =>
      (Array.isArray(list) ? list : [])
        .filter(isObj)
        .sort((a, b) => num(a.ord as SqlValue) - num(b.ord as SqlValue))
        .map(f);
    const id = Number(nt.id);
    noteTypes.set(id, {
      id,
      name: String(nt.name ?? ''),
      cloze: nt.type === 1,
      fields: byOrd(nt.flds, (f) => String(f.name ?? '')),
      templates: byOrd(nt.tmpls, (t) => ({
        name: String(t.name ?? ''),
        qfmt: String(t.qfmt ?? ''),
        afmt: String(t.afmt ?? ''),
      })),
      stockKind: STOCK_KINDS[num(nt.originalStockKind as SqlValue)] ?? null,
    });
  }
  const deckMap = new Map<number, AnkiDeck>();
  for (const dk of Object.values(isObj(d) ? d : {})) {
    if (!isObj(dk)) continue;
    const id = Number(dk.id);
    const filtered = dk.dyn === 1 || dk.dyn === true;
    deckMap.set(id, {
      id,
      name: String(dk.name ?? ''),
      filtered,
      configId: filtered ? null : (optNum(dk.conf) ?? 1),
    });
  }
  const configs = new Map<number, AnkiDeckConfig>();
  for (const g of Object.values(isObj(dc) ? dc : {})) {
    if (!isObj(g)) continue;
    const id = Number(g.id);
    const nw = isObj(g.new) ? g.new : {};
    const lapse = isObj(g.lapse) ? g.lapse : {};
    const rev = isObj(g.rev) ? g.rev : {};
    const p6 = numbers(g.fsrsParams6);
    const p5 = numbers(g.fsrsParams5);
    const p4 = numbers(g.fsrsWeights);
    configs.set(id, {
      id,
      name: String(g.name ?? ''),
      fsrsParams: p6.length ? p6 : p5.length ? p5 : p4.length ? p4 : null,
      desiredRetention: optNum(g.desiredRetention),
      historicalRetention: optNum(g.sm2Retention) ?? 0.9,
      learnSteps: numbers(nw.delays),
      relearnSteps: numbers(lapse.delays),
      leechThreshold: optNum(lapse.leechFails) ?? 8,
      maxInterval: optNum(rev.maxIvl) ?? 36500,
    });
  }
  return {
    ...configFrom(isObj(c) ? c : {}),
    noteTypes,
    decks: deckMap,
    deckConfigs: configs,
  };
}

function readSchema18(db: Database, what: string): Parts {
  const conf: Json = {};
  for (const [key, val] of rows(db, 'SELECT KEY, val FROM config')) {
    try {
      conf[text(key)] = JSON.parse(text(val));
    } catch {
      // a value that is not JSON is not one the importer reads
    }
  }
  const noteTypes = new Map<number, AnkiNoteType>();
  for (const [id, name, config] of rows(db, 'SELECT id, name, config FROM notetypes')) {
    const c = decodeMessage(blob(config));
    noteTypes.set(num(id), {
      id: num(id),
      name: text(name),
      cloze: int(c, 1) === 1,
      fields: [],
      templates: [],
      stockKind: STOCK_KINDS[int(c, 9)] ?? null,
    });
  }
  const byNt = <T>(sql: string, add: (nt: AnkiNoteType, ord: number, r: SqlValue[]) => T) => {
    const list = rows(db, sql).sort((a, b) => num(a[0]) - num(b[0]) || num(a[1]) - num(b[1]));
    for (const r of list) {
      const nt = noteTypes.get(num(r[0]));
      if (!nt)
        throw new UserError(
          `the collection in ${what} has a field or template of note type ${num(r[0])}, which it does not have (the collection is damaged)`,
        );
      add(nt, num(r[1]), r);
    }
  };
  byNt('SELECT ntid, ord, name FROM fields', (nt, _ord, r) => nt.fields.push(text(r[2])));
  byNt('SELECT ntid, ord, name, config FROM templates', (nt, _ord, r) => {
    const c = decodeMessage(blob(r[3]));
    nt.templates.push({ name: text(r[2]), qfmt: str(c, 1), afmt: str(c, 2) });
  });
  const decks = new Map<number, AnkiDeck>();
  for (const [id, name, kind] of rows(db, 'SELECT id, name, kind FROM decks')) {
    const k = decodeMessage(blob(kind));
    const normal = message(k, 1);
    decks.set(num(id), {
      id: num(id),
      // Stored with \x1f between components (rslib/src/decks/name.rs).
      name: text(name).split('\x1f').join('::'),
      filtered: !normal && k.has(2),
      configId: normal ? int(normal, 1) || 1 : k.has(2) ? null : 1,
    });
  }
  const deckConfigs = new Map<number, AnkiDeckConfig>();
  for (const [id, name, config] of rows(db, 'SELECT id, name, config FROM deck_config')) {
    const c = decodeMessage(blob(config));
    const set = (n: number) => floats(c, n).map(f32);
    const p6 = set(6);
    const p5 = set(5);
    const p4 = set(3);
    const dr = float(c, 37);
    const hr = float(c, 40);
    deckConfigs.set(num(id), {
      id: num(id),
      name: text(name),
      fsrsParams: p6.length ? p6 : p5.length ? p5 : p4.length ? p4 : null,
      desiredRetention: dr === null ? null : f32(dr),
      historicalRetention: hr ? f32(hr) : 0.9,
      learnSteps: set(1),
      relearnSteps: set(2),
      leechThreshold: int(c, 22) || 8,
      maxInterval: int(c, 16) || 36500,
    });
  }
  return { ...configFrom(conf), noteTypes, decks, deckConfigs };
}

function readNotes(db: Database): AnkiNote[] {
  return rows(db, 'SELECT id, guid, mid, mod, tags, flds FROM notes ORDER BY id').map((r) => ({
    id: num(r[0]),
    guid: text(r[1]),
    mid: num(r[2]),
    mod: num(r[3]),
    tags: text(r[4])
      .split(/[\s\u3000]+/)
      .filter(Boolean),
    fields: text(r[5]).split('\x1f'),
  }));
}

function cardData(s: string): CardData {
  if (!s || s === '{}') return {};
  try {
    const v = JSON.parse(s) as unknown;
    if (!isObj(v)) return {};
    const out: CardData = {};
    for (const k of ['s', 'd', 'dr', 'lrt'] as const) {
      const x = v[k];
      if (typeof x === 'number' && Number.isFinite(x)) out[k] = x;
    }
    return out;
  } catch {
    return {};
  }
}

function readCards(db: Database): AnkiCard[] {
  const stmt = db.prepare(
    'SELECT id, nid, did, ord, mod, type, queue, due, ivl, factor, reps, lapses, left, odue, odid, flags, data FROM cards ORDER BY id',
  );
  const out: AnkiCard[] = [];
  try {
    while (stmt.step()) {
      const r = stmt.get();
      out.push({
        id: num(r[0]),
        nid: num(r[1]),
        did: num(r[2]),
        ord: num(r[3]),
        mod: num(r[4]),
        type: num(r[5]),
        queue: num(r[6]),
        due: num(r[7]),
        ivl: num(r[8]),
        factor: num(r[9]),
        reps: num(r[10]),
        lapses: num(r[11]),
        left: num(r[12]),
        odue: num(r[13]),
        odid: num(r[14]),
        flags: num(r[15]),
        data: cardData(text(r[16])),
      });
    }
  } finally {
    stmt.free();
  }
  return out;
}

/** Rows read between calls of a reader's `progress`. */
const PROGRESS_ROWS = 1 << 14;

function readRevlog(db: Database, progress?: () => void): Revlog {
  const n = num(rows(db, 'SELECT count(*) FROM revlog')[0]?.[0] ?? 0);
  // In the table's own order first (by id, its rowid): several times faster than in the
  // order of the cid index, which fetches each row from wherever the table holds it.
  const { r, numbers } = revlogRows(
    db,
    'SELECT id, cid, ease, ivl, lastIvl, factor, time, type FROM revlog',
    n,
    progress,
  );
  progress?.();
  // Then put in card order, as the importer takes them; or read in that order, when
  // JavaScript cannot tell it (`cardOrder`).
  const from = cardOrder(r, numbers);
  if (!from)
    return revlogRows(
      db,
      'SELECT id, cid, ease, ivl, lastIvl, factor, time, type FROM revlog ORDER BY cid, id',
      n,
      progress,
    ).r;
  const out: Revlog = {
    length: r.length,
    id: new Float64Array(n),
    cid: new Float64Array(n),
    ease: new Uint8Array(n),
    ivl: new Int32Array(n),
    lastIvl: new Int32Array(n),
    factor: new Int32Array(n),
    time: new Int32Array(n),
    type: new Uint8Array(n),
  };
  for (const key of ['id', 'cid', 'ease', 'ivl', 'lastIvl', 'factor', 'time', 'type'] as const) {
    const a = r[key];
    const b = out[key];
    for (let k = 0; k < r.length; k++) b[k] = a[from[k] as number] as number;
  }
  return out;
}

/**
 * Where each row of `r` (read by rowid) goes in card order: by cid, then by id, as SQLite
 * orders them. Null when the ids do not increase with the rowid, or some id or cid is not
 * a number JavaScript holds exactly (then SQLite must order them).
 */
function cardOrder(r: Revlog, numbers: boolean): Int32Array | null {
  const { id, cid, length: m } = r;
  if (!numbers) return null;
  for (let k = 0; k < m; k++) {
    if (k > 0 && !((id[k - 1] as number) < (id[k] as number))) return null;
    if (Math.abs(cid[k] as number) > Number.MAX_SAFE_INTEGER) return null;
    if (Math.abs(id[k] as number) > Number.MAX_SAFE_INTEGER) return null;
  }
  // The cards in order, then each row's card found among them; the rows of a card keep
  // the order of their ids (a counting sort keeps the order it finds).
  const cards = cid.slice(0, m).sort();
  let u = 0;
  for (let k = 0; k < m; k++) if (k === 0 || cards[k] !== cards[u - 1]) cards[u++] = cards[k]!;
  const rank = new Int32Array(m);
  const start = new Int32Array(u + 1);
  for (let k = 0; k < m; k++) {
    const c = cid[k] as number;
    let lo = 0;
    let hi = u - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((cards[mid] as number) < c) lo = mid + 1;
      else hi = mid;
    }
    rank[k] = lo;
    start[lo + 1]!++;
  }
  for (let c = 0; c < u; c++) start[c + 1]! += start[c]!;
  const from = new Int32Array(m);
  for (let k = 0; k < m; k++) from[start[rank[k]!]!++] = k;
  return from;
}

/** The first `n` rows of a query of the revlog's columns, in that order; `numbers`: every id and cid was a number. */
function revlogRows(
  db: Database,
  sql: string,
  n: number,
  progress?: () => void,
): { r: Revlog; numbers: boolean } {
  const r: Revlog = {
    length: 0,
    id: new Float64Array(n),
    cid: new Float64Array(n),
    ease: new Uint8Array(n),
    ivl: new Int32Array(n),
    lastIvl: new Int32Array(n),
    factor: new Int32Array(n),
    time: new Int32Array(n),
    type: new Uint8Array(n),
  };
  const stmt = db.prepare(sql);
  let i = 0;
  let numbers = true;
  try {
    while (i < n && stmt.step()) {
      const row = stmt.get();
      if (typeof row[0] !== 'number' || typeof row[1] !== 'number') numbers = false;
      r.id[i] = num(row[0]);
      r.cid[i] = num(row[1]);
      r.ease[i] = Math.max(0, Math.min(255, num(row[2])));
      r.ivl[i] = num(row[3]);
      r.lastIvl[i] = num(row[4]);
      r.factor[i] = num(row[5]);
      r.time[i] = num(row[6]);
      r.type[i] = Math.max(0, Math.min(255, num(row[7])));
      i++;
      if (progress && (i & (PROGRESS_ROWS - 1)) === 0) progress();
    }
  } finally {
    stmt.free();
  }
  r.length = i;
  return { r, numbers };
}

export type { Field };
