/**
 * The one writer of Anki packages: the rows go into an SQLite database made in memory
 * with sql.js (SQLite compiled to WebAssembly: no native build, the same bytes on every
 * platform), which is zipped with fflate as `collection.anki2` beside a `media` file
 * holding `{}`.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { dirname, join } from 'node:path';
import * as zlib from 'node:zlib';
import { Zip, ZipPassThrough, strToU8 } from 'fflate';
import type initSqlJs from 'sql.js';
import { UserError } from '../errors.js';
import {
  revlogTable,
  type AnkiPackage,
  type ColRow,
  type PackageSize,
  type RevlogJob,
  type RevlogTable,
} from './anki/index.js';
import { writeExport } from './file.js';
import { SCHEMA_INDEXES, SCHEMA_TABLES } from './schema.js';
import { bundledScript, replyOf } from '../workers.js';
import { trace } from '../trace.js';

type SqlJs = initSqlJs.SqlJsStatic;
type Database = initSqlJs.Database;

let sqlJs: Promise<SqlJs> | null = null;

/**
 * Loads sql.js from the installed package, by Node's own resolution (not through the
 * bundle): its loader finds `dist/sql-wasm.wasm` beside `dist/sql-wasm.js`, from the
 * sources and from the bundle in dist/ alike.
 */
export function loadSqlJs(): Promise<SqlJs> {
  if (!sqlJs) {
    const load = async (): Promise<SqlJs> => {
      const req = createRequire(import.meta.url);
      const entry = req.resolve('sql.js');
      const init = req('sql.js') as typeof initSqlJs;
      return init({ locateFile: (file: string) => join(dirname(entry), file) });
    };
    sqlJs = load().catch((e: unknown) => {
      sqlJs = null;
      throw new UserError(
        `the SQLite library (sql.js) could not be loaded (${(e as Error).message}); reinstall sre-cards with \`npm install\``,
      );
    });
  }
  return sqlJs;
}

/** Rows in id order (each insert then appends to the table's B-tree). */
function byId<T extends { id: number }>(rows: readonly T[]): readonly T[] {
  for (let i = 1; i < rows.length; i++)
    if ((rows[i - 1] as T).id > (rows[i] as T).id) return [...rows].sort((a, b) => a.id - b.id);
  return rows;
}

/** Rows a multi-row INSERT takes at once (SQLite allows 32 766 values a statement). */
const BATCH = 100;

/**
 * Inserts the rows with one prepared statement of `BATCH` rows at a time (then one per
 * row for the rest), refilling one array of values: few calls into SQLite, no garbage per
 * row. The rows go in in order, as one INSERT per row would put them.
 */
function insertAll<T>(
  db: Database,
  table: string,
  columns: number,
  rows: ArrayLike<T>,
  fill: (values: (number | string)[], at: number, row: T, index: number) => void,
): void {
  const row = `(${Array(columns).fill('?').join(',')})`;
  const many =
    rows.length >= BATCH
      ? db.prepare(`INSERT INTO ${table} VALUES ${Array(BATCH).fill(row).join(',')}`)
      : null;
  const one = db.prepare(`INSERT INTO ${table} VALUES ${row}`);
  try {
    let i = 0;
    if (many) {
      const values: (number | string)[] = Array<number | string>(columns * BATCH).fill(0);
      for (; i + BATCH <= rows.length; i += BATCH) {
        for (let j = 0; j < BATCH; j++) fill(values, j * columns, rows[i + j] as T, i + j);
        many.run(values);
      }
    }
    const values: (number | string)[] = Array<number | string>(columns).fill(0);
    for (; i < rows.length; i++) {
      fill(values, 0, rows[i] as T, i);
      one.run(values);
    }
  } finally {
    many?.free();
    one.free();
  }
}

/** How many rows the review log has. */
export function revlogCount(pkg: AnkiPackage): number {
  return pkg.revlogJob?.count ?? pkg.revlog.length;
}

/** Bytes of text and of rows the notes and cards take (see `estimateBytes`). */
function notesAndCardsSize(pkg: AnkiPackage): { text: number; rows: number } {
  let text = 0;
  for (const n of pkg.notes) text += n.flds.length + n.sfld.length + n.tags.length + n.guid.length;
  for (const c of pkg.cards) text += c.data.length;
  return { text, rows: 80 * pkg.notes.length + 110 * pkg.cards.length };
}

const fileSize = (text: number, rows: number) =>
  Math.ceil((1.3 * (text * 1.1 + rows)) / 4096) * 4096 + 256 * 1024;

/** As `estimateBytes`, before the notes' fields are HTML: from their text's length. */
export function estimateFromText(size: PackageSize): number {
  const text = 1.6 * size.chars + 60 * size.notes;
  return fileSize(text, 80 * size.notes + 110 * size.cards + 70 * size.reviews);
}

/**
 * Roughly how many bytes the database will take, indexes included. sql.js keeps the
 * file in memory and would otherwise regrow it by an eighth at a time, copying it each
 * time: a package of 100 000 cards and a million reviews would be copied some forty times.
 */
export function estimateBytes(pkg: AnkiPackage): number {
  const { text, rows } = notesAndCardsSize(pkg);
  return fileSize(text, rows + 70 * revlogCount(pkg));
}

/**
 * An empty collection (the schema's tables, nothing else) in a file of `size` bytes,
 * set up to be built in memory and thrown away on failure: no journal, sorting in memory.
 */
function emptyCollection(SQL: SqlJs, size: number): Database {
  const seed = new SQL.Database();
  let image: Uint8Array;
  try {
    seed.run('PRAGMA page_size = 4096');
    for (const t of SCHEMA_TABLES) seed.run(t);
    image = seed.export();
  } finally {
    seed.close();
  }
  // SQLite reads the database's size from its header: the zeros after it are room to grow.
  const file = new Uint8Array(Math.max(size, image.length));
  file.set(image);
  const db = new SQL.Database(file);
  db.run('PRAGMA journal_mode = OFF');
  db.run('PRAGMA synchronous = OFF');
  db.run('PRAGMA temp_store = MEMORY');
  return db;
}

/** The `col` row; then statistics taken once, as when Anki creates a collection. */
function insertCol(db: Database, c: ColRow): void {
  insertColRow(db, c);
  db.run('ANALYZE');
}

function insertColRow(db: Database, c: ColRow): void {
  db.run('INSERT INTO col VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)', [
    c.id,
    c.crt,
    c.mod,
    c.scm,
    c.ver,
    c.dty,
    c.usn,
    c.ls,
    c.conf,
    c.models,
    c.decks,
    c.dconf,
    c.tags,
  ]);
}

function insertNotesAndCards(db: Database, pkg: AnkiPackage): void {
  insertAll(db, 'notes', 11, byId(pkg.notes), (v, k, n) => {
    v[k] = n.id;
    v[k + 1] = n.guid;
    v[k + 2] = n.mid;
    v[k + 3] = n.mod;
    v[k + 4] = n.usn;
    v[k + 5] = n.tags;
    v[k + 6] = n.flds;
    v[k + 7] = n.sfld;
    v[k + 8] = n.csum;
    v[k + 9] = n.flags;
    v[k + 10] = n.data;
  });
  trace('notes inserted');
  insertAll(db, 'cards', 18, byId(pkg.cards), (v, k, r) => {
    v[k] = r.id;
    v[k + 1] = r.nid;
    v[k + 2] = r.did;
    v[k + 3] = r.ord;
    v[k + 4] = r.mod;
    v[k + 5] = r.usn;
    v[k + 6] = r.type;
    v[k + 7] = r.queue;
    v[k + 8] = r.due;
    v[k + 9] = r.ivl;
    v[k + 10] = r.factor;
    v[k + 11] = r.reps;
    v[k + 12] = r.lapses;
    v[k + 13] = r.left;
    v[k + 14] = r.odue;
    v[k + 15] = r.odid;
    v[k + 16] = r.flags;
    v[k + 17] = r.data;
  });
  trace('cards inserted');
}

function insertRevlog(db: Database, pkg: AnkiPackage): void {
  if (pkg.revlogJob) insertRevlogTable(db, revlogTable(pkg.revlogJob));
  insertAll(db, 'revlog', 9, byId(pkg.revlog), (v, k, r) => {
    v[k] = r.id;
    v[k + 1] = r.cid;
    v[k + 2] = r.usn;
    v[k + 3] = r.ease;
    v[k + 4] = r.ivl;
    v[k + 5] = r.lastIvl;
    v[k + 6] = r.factor;
    v[k + 7] = r.time;
    v[k + 8] = r.type;
  });
  trace('review log inserted');
}

function insertRevlogTable(db: Database, t: RevlogTable): void {
  insertAll(db, 'revlog', 9, t.id.subarray(0, t.length), (v, k, _, i) => {
    v[k] = t.id[i] as number;
    v[k + 1] = t.cid[i] as number;
    v[k + 2] = -1;
    v[k + 3] = t.ease[i] as number;
    v[k + 4] = t.ivl[i] as number;
    v[k + 5] = t.lastIvl[i] as number;
    v[k + 6] = t.factor[i] as number;
    v[k + 7] = t.time[i] as number;
    v[k + 8] = t.type[i] as number;
  });
}

function createIndexes(db: Database, which: (ix: string) => boolean = () => true): void {
  for (const ix of SCHEMA_INDEXES) if (which(ix)) db.run(ix);
  trace('indexes built');
}

const onNotesOrCards = (ix: string) => / on (notes|cards) /.test(ix);

function exported(db: Database): Uint8Array {
  try {
    return db.export();
  } finally {
    db.close();
  }
}

/** The package's SQLite database (schema 11), as bytes, built on this thread. */
export async function collectionBytes(pkg: AnkiPackage): Promise<Uint8Array> {
  const SQL = await loadSqlJs();
  const db = emptyCollection(SQL, estimateBytes(pkg));
  try {
    insertCol(db, pkg.col);
    db.run('BEGIN');
    insertNotesAndCards(db, pkg);
    insertRevlog(db, pkg);
    db.run('COMMIT');
    createIndexes(db);
  } catch (e) {
    db.close();
    throw e;
  }
  return exported(db);
}

/**
 * The notes and cards alone, with their indexes: the half of a split build that is made
 * on the command's thread (see `RevlogHalf`).
 */
export async function notesAndCardsBytes(pkg: AnkiPackage): Promise<Uint8Array> {
  const SQL = await loadSqlJs();
  const { text, rows } = notesAndCardsSize(pkg);
  const db = emptyCollection(SQL, fileSize(text, rows));
  try {
    db.run('BEGIN');
    insertNotesAndCards(db, pkg);
    db.run('COMMIT');
    createIndexes(db, onNotesOrCards);
  } catch (e) {
    db.close();
    throw e;
  }
  return exported(db);
}

/** What stands for `col` in the review log's half until `merge`: one row, for the statistics. */
const PLACEHOLDER_COL: ColRow = {
  id: 1,
  crt: 0,
  mod: 0,
  scm: 0,
  ver: 11,
  dty: 0,
  usn: 0,
  ls: 0,
  conf: '{}',
  models: '{}',
  decks: '{}',
  dconf: '{}',
  tags: '{}',
};

/**
 * The other half of a split build (in the SQLite worker, for a large review log): the
 * collection with the review log and every index, made while the notes and cards are
 * inserted elsewhere; then `merge` sets `col` and copies those in. SQLite copies a table
 * into an empty one of the same schema and indexes as it stands ("transfer
 * optimisation"), with no sorting, so the merge costs little.
 */
export class RevlogHalf {
  private constructor(
    private readonly SQL: SqlJs,
    private readonly db: Database,
  ) {}

  /** `size`: the whole database's (`estimateBytes`). */
  static async build(job: RevlogJob, size: number): Promise<RevlogHalf> {
    const SQL = await loadSqlJs();
    const db = emptyCollection(SQL, size);
    try {
      insertCol(db, PLACEHOLDER_COL);
      db.run('BEGIN');
      insertRevlogTable(db, revlogTable(job));
      db.run('COMMIT');
      trace('review log inserted');
      createIndexes(db);
    } catch (e) {
      db.close();
      throw e;
    }
    return new RevlogHalf(SQL, db);
  }

  /** The whole database: this half with `col`, and the notes and cards of `notesAndCards`. */
  merge(col: ColRow, notesAndCards: Uint8Array): Uint8Array {
    const { db } = this;
    try {
      const other = new this.SQL.Database(notesAndCards);
      try {
        // sql.js keeps each database in a file at its root, named by `filename`.
        const path = `/${(other as unknown as { filename: string }).filename}`;
        db.run('ATTACH ? AS half', [path]);
        db.run('BEGIN');
        db.run('DELETE FROM col');
        insertColRow(db, col);
        db.run('INSERT INTO notes SELECT * FROM half.notes');
        db.run('INSERT INTO cards SELECT * FROM half.cards');
        db.run('COMMIT');
        db.run('DETACH half');
      } finally {
        other.close();
      }
      trace('notes and cards copied in');
    } catch (e) {
      db.close();
      throw e;
    }
    return exported(db);
  }
}

/** Reviews from which a package's database is built in two halves at once. */
export const SPLIT_REVIEWS = 20_000;

/** What the SQLite worker is sent: at its start, and once the notes and cards are built. */
export interface SqliteStart {
  job: RevlogJob;
  size: number;
}
export interface SqliteFinish {
  col: ColRow;
  notesAndCards: Uint8Array;
}

/**
 * The SQLite worker (`sqlite-worker.ts`) building a large package's review-log half
 * while this thread builds the notes and cards. It does not keep the process alive
 * until it is waited for, so an error here ends the command as usual.
 */
export class SqliteWorker {
  private readonly reply: Promise<Uint8Array>;

  private constructor(private readonly worker: Worker) {
    this.reply = replyOf<{ bytes: Uint8Array }>(worker, 'the SQLite worker').then((r) => r.bytes);
    this.reply.catch(() => undefined);
    worker.unref();
  }

  /**
   * Starts the review log's half, for a large review log, from the bundled command;
   * null otherwise (the package is then built on this thread). The package keeps the
   * job's rows, to be built here should the worker fail: the worker reads them in place
   * when they are in shared memory (a large log's are: see `joined`), else it gets a
   * copy. It needs no card ids (`cids` has them).
   */
  static start(job: RevlogJob, size: PackageSize): SqliteWorker | null {
    if (job.count < SPLIT_REVIEWS) return null;
    const script = bundledScript('sqlite-worker.js');
    if (!script) return null;
    const start: SqliteStart = {
      job: { ...job, log: { ...job.log, cards: [] } },
      size: estimateFromText(size),
    };
    try {
      return new SqliteWorker(new Worker(script, { workerData: start }));
    } catch {
      return null; // no thread to be had
    }
  }

  /**
   * The whole database, once the worker has taken in the notes and cards; null if the
   * worker failed (it is stopped either way).
   */
  async finish(col: ColRow, notesAndCards: Uint8Array): Promise<Uint8Array | null> {
    try {
      this.worker.ref();
      const finish: SqliteFinish = { col, notesAndCards };
      this.worker.postMessage(finish, [notesAndCards.buffer as ArrayBuffer]);
      const bytes = await this.reply;
      trace('halves joined');
      return bytes;
    } catch (e) {
      trace(`the SQLite worker failed: ${(e as Error).message}`);
      return null;
    } finally {
      void this.worker.terminate();
    }
  }

  stop(): void {
    void this.worker.terminate();
  }
}

/** Node's CRC-32 (Node 20.15 and later), or undefined. */
const nativeCrc32 = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

/** A member already deflated (see `deflateLevel1`), as chunks, and its CRC-32 if known. */
export interface Deflated {
  chunks: Uint8Array<ArrayBuffer>[];
  crc: number | null;
}

/** A zip member deflated by Node's zlib (native, several times faster than JavaScript). */
class NativeDeflate extends ZipPassThrough {
  private readonly chunks: Uint8Array[] = [];

  /** `deflated`: the member's bytes already deflated (see `deflateLevel1`), or null. */
  constructor(
    filename: string,
    mtime: Date,
    private readonly deflated: Deflated | null = null,
  ) {
    super(filename);
    this.compression = 8;
    this.mtime = mtime;
    // Node's CRC-32 where there is one (the JavaScript one takes a third of a second for
    // a large collection), or the one computed while the member was deflated.
    const known = deflated?.crc ?? null;
    const native = nativeCrc32;
    if (known !== null || native) {
      let value = 0;
      (this as unknown as { c: { p: (d: Uint8Array) => void; d: () => number } }).c = {
        p: (d) => {
          if (known === null && native) value = native(d, value);
        },
        d: () => (known ?? value) | 0,
      };
    }
  }

  protected override process(chunk: Uint8Array<ArrayBuffer>, final: boolean): void {
    if (this.deflated) {
      if (!final) return;
      const { chunks } = this.deflated;
      if (chunks.length === 0) this.ondata(null, new Uint8Array(0), true);
      chunks.forEach((c, i) => this.ondata(null, c, i === chunks.length - 1));
      return;
    }
    this.chunks.push(chunk);
    if (!final) return;
    // Level 1: SQLite pages compress nearly as well as at 6, five times faster.
    const out = zlib.deflateRawSync(this.chunks.length === 1 ? chunk : Buffer.concat(this.chunks), {
      level: 1,
    });
    this.chunks.length = 0;
    this.ondata(null, new Uint8Array(out.buffer, out.byteOffset, out.length), true);
  }
}

/** `data` deflated raw at level 1 on one of libuv's threads, as the stream's chunks. */
function deflateChunks(data: Uint8Array, finishFlush?: number): Promise<Uint8Array<ArrayBuffer>[]> {
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array<ArrayBuffer>[] = [];
    const z = zlib.createDeflateRaw({
      level: 1,
      chunkSize: 1 << 20,
      ...(finishFlush === undefined ? {} : { finishFlush }),
    });
    z.on('data', (c: Buffer) =>
      chunks.push(new Uint8Array(c.buffer as ArrayBuffer, c.byteOffset, c.length)),
    );
    z.on('error', reject);
    z.on('end', () => resolve(chunks));
    z.end(data);
  });
}

/**
 * Raw deflate at level 1 (SQLite pages compress nearly as well as at 6, five times
 * faster). A large input is deflated in two halves at once, on two of libuv's threads:
 * the first half ends on a full flush, not a final block, so the two read as one stream.
 * The output stays in the streams' chunks (the zip writes them as they are), and the
 * CRC-32 is computed on this thread meanwhile.
 */
export async function deflateLevel1(data: Uint8Array): Promise<Deflated> {
  if (data.length < 8 << 20) return { chunks: await deflateChunks(data), crc: null };
  const mid = Math.floor(data.length / 2);
  const halves = Promise.all([
    deflateChunks(data.subarray(0, mid), zlib.constants.Z_FULL_FLUSH),
    deflateChunks(data.subarray(mid)),
  ]);
  halves.catch(() => undefined);
  const crc = nativeCrc32 ? nativeCrc32(data) : null;
  const [a, b] = await halves;
  return { chunks: [...a, ...b], crc };
}

/**
 * The `.apkg` zip: `collection.anki2` and `media` (`{}`: no media files). `deflated`:
 * the collection already deflated by `deflateLevel1`.
 */
export function zipPackage(
  collection: Uint8Array,
  mtime: Date,
  deflated: Deflated | null = null,
): Uint8Array[] {
  const parts: Uint8Array[] = [];
  let error: Error | null = null;
  const zip = new Zip((err, data) => {
    if (err) error = err;
    else parts.push(data);
  });
  const col = new NativeDeflate('collection.anki2', mtime, deflated);
  zip.add(col);
  col.push(collection, true);
  const media = new ZipPassThrough('media');
  media.mtime = mtime;
  zip.add(media);
  media.push(strToU8('{}'), true);
  zip.end();
  if (error) throw error;
  return parts;
}

/**
 * The package's database: in two halves at once when a SQLite worker was started for
 * it, else (or should the worker fail) in one piece here.
 */
async function databaseBytes(pkg: AnkiPackage, worker: SqliteWorker | null): Promise<Uint8Array> {
  if (!worker) return collectionBytes(pkg);
  let notesAndCards: Uint8Array;
  try {
    notesAndCards = await notesAndCardsBytes(pkg);
  } catch (e) {
    worker.stop();
    throw e;
  }
  return (await worker.finish(pkg.col, notesAndCards)) ?? collectionBytes(pkg);
}

/** Writes the package to `file` (atomically; an existing file only with `force`). */
export async function writeApkg(
  pkg: AnkiPackage,
  file: string,
  opts: { force: boolean; now: Date; worker?: SqliteWorker | null },
): Promise<void> {
  const bytes = await databaseBytes(pkg, opts.worker ?? null);
  const deflated = await deflateLevel1(bytes);
  trace('deflated');
  writeExport(file, zipPackage(bytes, opts.now, deflated), opts.force);
}
