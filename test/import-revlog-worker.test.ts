import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { UserError } from '../src/errors.js';
import { LIMITS } from '../src/import/limits.js';
import type { Revlog } from '../src/import/model.js';
import { readPackage } from '../src/import/package.js';
import { reviewLogInWorker } from '../src/import/revlog-reader.js';
import { loadSqlJs } from '../src/import/sqlite.js';
import { readZipDirectory, readZipEntry } from '../src/import/zip.js';
import { package18 } from './anki-build.js';
import { ROOT, tempDir } from './helpers.js';

const SQL = await loadSqlJs();
const WORKER = join(ROOT, 'dist', 'revlog-worker.js');
const FIXTURE = new Uint8Array(
  readFileSync(join(ROOT, 'test', 'fixtures', 'anki-reference', 'reference-with-progress.apkg')),
);
const KEYS = ['id', 'cid', 'ease', 'ivl', 'lastIvl', 'factor', 'time', 'type'] as const;
const columns = (r: Revlog) => [r.length, ...KEYS.map((k) => Array.from(r[k]))];
const here = (bytes: Uint8Array) => readPackage(bytes, 'test.apkg', SQL);
const inWorker = (bytes: Uint8Array) =>
  readPackage(bytes, 'test.apkg', SQL, LIMITS, reviewLogInWorker(WORKER)!);

/** The reference package's collection, its review log read by the worker `script`. */
const withReader = (script: string, stalledMs?: number) =>
  readPackage(FIXTURE, 'test.apkg', SQL, LIMITS, reviewLogInWorker(script, stalledMs)!).collection;

/** The reference package with its review log table replaced by `sql`'s. */
function withRevlogTable(sql: string): Uint8Array {
  const zip = readZipDirectory(FIXTURE, 'test.apkg');
  const db = new SQL.Database(
    readZipEntry(FIXTURE, zip.get('collection.anki21')!, 'test.apkg', 1 << 30, () => 'big'),
  );
  db.run(`DROP TABLE revlog; ${sql}`);
  const bytes = db.export();
  db.close();
  return zipSync({ 'collection.anki21': bytes, media: new TextEncoder().encode('{}') });
}

describe('the review log read in a worker thread', () => {
  it('is the log read here, entry for entry, from either format', async () => {
    const want = here(FIXTURE).collection;
    expect(want.revlog.length).toBe(10);
    const got = inWorker(FIXTURE).collection;
    expect(columns(got.revlog)).toEqual(columns(want.revlog));
    // Asked again, the same log (it is taken once).
    expect(got.revlog).toBe(got.revlog);
    expect(got.notes).toEqual(want.notes);
    expect(got.cards).toEqual(want.cards);
    const pkg18 = await package18(want, []);
    expect(columns(inWorker(pkg18).collection.revlog)).toEqual(columns(want.revlog));
  });

  it('refuses a damaged log with the sentence reading it here gives, when the log is asked for', () => {
    const broken = withRevlogTable('CREATE TABLE revlog (id integer primary key, cid integer)');
    let sentence = '';
    try {
      here(broken);
    } catch (e) {
      expect(e).toBeInstanceOf(UserError);
      sentence = (e as Error).message;
    }
    expect(sentence).toMatch(/^the collection in test\.apkg cannot be read \(.*ease.*\)/);
    // The notes and cards are read while the worker reads the log; its error waits for it.
    const c = inWorker(broken).collection;
    expect(c.notes.length).toBeGreaterThan(0);
    for (let i = 0; i < 2; i++) {
      let err: unknown;
      try {
        void c.revlog;
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(UserError);
      expect((err as Error).message).toBe(sentence);
    }
  });

  it('is read here where there is no worker script (from the sources)', () => {
    expect(reviewLogInWorker(null)).toBeNull();
  });

  it('refuses the import, without waiting, when its reader stops unanswered', async () => {
    const dir = tempDir();
    const script = join(dir, 'stops.cjs');
    writeFileSync(script, 'process.exit(3);\n');
    const c = withReader(script);
    expect(c.notes.length).toBeGreaterThan(0);
    // Once the worker's end has been seen (here, after a moment), asking does not block.
    await new Promise((r) => setTimeout(r, 300));
    expect(() => c.revlog).toThrow(UserError);
    expect(() => c.revlog).toThrow(
      /^the review log of test\.apkg could not be read \(its reader stopped: exit code 3\); nothing was imported/,
    );
  });

  it('gives up on a reader that stops while the log is waited for, once it makes no progress', () => {
    const dir = tempDir();
    const script = join(dir, 'dies.cjs');
    // It takes the request, then its thread ends without a word, while this one waits.
    writeFileSync(
      script,
      "const { workerData } = require('node:worker_threads');\n" +
        'workerData.port.once("message", () => setTimeout(() => process.exit(4), 100));\n',
    );
    const c = withReader(script, 1000);
    expect(() => c.revlog).toThrow(
      /^the review log of test\.apkg could not be read \(its reader stopped: it made no progress for 1 second\); nothing was imported, try again$/,
    );
  });

  it('waits for a reader past that time while it makes progress', () => {
    const dir = tempDir();
    const script = join(dir, 'slow.cjs');
    // Progress every 50 ms for 2.5 s (more than twice the time it may go without), then a reply.
    writeFileSync(
      script,
      [
        "const { workerData } = require('node:worker_threads');",
        'const { port, flag } = workerData;',
        'port.once("message", () => {',
        '  const t = setInterval(() => Atomics.add(flag, 1, 1), 50);',
        '  setTimeout(() => {',
        '    clearInterval(t);',
        '    port.postMessage({ error: "the slow reader finished", user: true });',
        '    Atomics.store(flag, 0, 1);',
        '    Atomics.notify(flag, 0);',
        '    port.close();',
        '  }, 2500);',
        '});',
      ].join('\n'),
    );
    const c = withReader(script, 1000);
    expect(() => c.revlog).toThrow(/^the slow reader finished$/);
  });
});
