/**
 * sql.js (SQLite in WebAssembly) for reading an Anki collection. The database is opened
 * from bytes in memory and set to `query_only`: the importer never writes into it.
 *
 * Schema 18 declares `COLLATE unicase` on names (rslib/src/storage/upgrades/
 * schema15_upgrade.sql, schema17_upgrade.sql), a collation Anki registers itself and
 * sql.js has no way to add (it exports no sqlite3_create_collation). SQLite then refuses
 * any statement that might compare such a column: sorting or searching by name, a
 * count(*) that would use a name index, and any read at all of the WITHOUT ROWID tables
 * `fields`, `templates` and `tags`, whose records carry the collation. So, in the copy of
 * the database that sql.js holds in memory (the package's file is never written), the
 * schema's text is changed to declare `COLLATE NOCASE` instead before anything is read;
 * the data pages stay as they are, and the reader never relies on how names compare
 * (it sorts in JavaScript).
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type initSqlJs from 'sql.js';
import { UserError } from '../errors.js';

export type SqlJs = initSqlJs.SqlJsStatic;
export type Database = initSqlJs.Database;

let loading: Promise<SqlJs> | null = null;

/** Loads sql.js by Node's own resolution, so its .wasm is found beside it (sources and bundle). */
export function loadSqlJs(): Promise<SqlJs> {
  if (!loading) {
    loading = (async () => {
      const req = createRequire(import.meta.url);
      const entry = req.resolve('sql.js');
      const init = req('sql.js') as typeof initSqlJs;
      return init({ locateFile: (file: string) => join(dirname(entry), file) });
    })().catch((e: unknown) => {
      loading = null;
      throw new UserError(
        `the SQLite library (sql.js) could not be loaded (${(e as Error).message}); reinstall sre-cards with \`npm install\``,
      );
    });
  }
  return loading;
}

/** Opens a database from its bytes, read-only. */
export function openReadOnly(SQL: SqlJs, bytes: Uint8Array, what: string): Database {
  const damaged = () =>
    new UserError(
      `the collection in ${what} is not a readable SQLite database (the file is damaged or cut short)`,
    );
  if (
    bytes.byteLength < 512 ||
    new TextDecoder().decode(bytes.subarray(0, 15)) !== 'SQLite format 3'
  )
    throw damaged();
  let db: Database;
  try {
    db = new SQL.Database(bytes);
    withoutUnicase(db);
    db.run('PRAGMA query_only = 1');
  } catch {
    throw damaged();
  }
  return db;
}

/** Declares NOCASE where the schema says unicase, in sql.js's in-memory copy (see above). */
function withoutUnicase(db: Database): void {
  const n = db.exec("SELECT count(*) FROM sqlite_master WHERE instr(sql, 'COLLATE unicase') > 0");
  if (!Number(n[0]?.values[0]?.[0] ?? 0)) return;
  const version = Number(db.exec('PRAGMA schema_version')[0]?.values[0]?.[0] ?? 0);
  db.run('PRAGMA writable_schema = 1');
  db.run(
    "UPDATE sqlite_master SET sql = replace(sql, 'COLLATE unicase', 'COLLATE NOCASE') WHERE instr(sql, 'COLLATE unicase') > 0",
  );
  db.run(`PRAGMA schema_version = ${version + 1}`);
  db.run('PRAGMA writable_schema = 0');
}

/** Every row of a query, as arrays of values. */
export function rows(db: Database, sql: string): initSqlJs.SqlValue[][] {
  const stmt = db.prepare(sql);
  try {
    const out: initSqlJs.SqlValue[][] = [];
    while (stmt.step()) out.push(stmt.get());
    return out;
  } finally {
    stmt.free();
  }
}

/** The tables of the database. */
export function tableNames(db: Database): Set<string> {
  return new Set(
    rows(db, "SELECT name FROM sqlite_master WHERE type = 'table'").map((r) => String(r[0])),
  );
}
