import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { readCollection } from '../src/import/collection.js';
import { LIMITS } from '../src/import/limits.js';
import type { AnkiCollection } from '../src/import/model.js';
import { readPackage } from '../src/import/package.js';
import { loadSqlJs } from '../src/import/sqlite.js';
import { readZipDirectory, readZipEntry } from '../src/import/zip.js';
import { collection18, package11, package18, zstdRaw } from './anki-build.js';
import { ROOT } from './helpers.js';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'anki-reference');
const fixture = (name: string) => new Uint8Array(readFileSync(join(FIXTURES, name)));
const SQL = await loadSqlJs();
const read = (bytes: Uint8Array, limits = LIMITS) => readPackage(bytes, 'test.apkg', SQL, limits);
const withProgress = () => read(fixture('reference-with-progress.apkg')).collection;

/** The model without functions or typed-array identity, for comparisons. */
function plain(c: AnkiCollection) {
  return {
    ...c,
    noteTypes: [...c.noteTypes.values()].sort((a, b) => a.id - b.id),
    decks: [...c.decks.values()].sort((a, b) => a.id - b.id),
    deckConfigs: [...c.deckConfigs.values()].sort((a, b) => a.id - b.id),
    revlog: Array.from({ length: c.revlog.length }, (_, i) => [
      c.revlog.id[i],
      c.revlog.cid[i],
      c.revlog.ease[i],
      c.revlog.ivl[i],
      c.revlog.lastIvl[i],
      c.revlog.factor[i],
      c.revlog.time[i],
      c.revlog.type[i],
    ]),
  };
}

describe('the packages Anki wrote (schema 11)', () => {
  it('reads collection.anki21, not the dummy collection.anki2 beside it', () => {
    const pkg = read(fixture('reference-with-progress.apkg'));
    expect(pkg.version).toBe(2);
    expect(pkg.collectionFile).toBe('collection.anki21');
    const c = pkg.collection;
    expect(c.schema).toBe(11);
    expect(c.crt).toBe(1711944000);
    expect(c.notes).toHaveLength(7);
    expect(c.cards).toHaveLength(10);
    expect(c.revlog.length).toBe(10);
    expect(pkg.media).toEqual([]);
  });

  it('reads note types, decks, presets, notes, cards and the review log as the README lists them', () => {
    const c = withProgress();
    const types = [...c.noteTypes.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
    expect(types.map((n) => [n.name, n.cloze, n.fields, n.templates.length])).toEqual([
      ['Basic', false, ['Front', 'Back'], 1],
      ['Basic (and reversed card)', false, ['Front', 'Back'], 2],
      ['Cloze', true, ['Text', 'Extra'], 1],
    ]);
    expect([...c.decks.values()].map((d) => d.name).sort()).toEqual([
      'Default',
      'SRE Interview Prep',
      'SRE Interview Prep::Day 61 · HA vs FT',
      'SRE Interview Prep::Day 62 · Global traffic',
    ]);
    expect(c.deckConfigs.get(1)).toMatchObject({
      learnSteps: [1, 10],
      relearnSteps: [10],
      fsrsParams: null,
    });
    const n1 = c.notes.find((n) => n.guid === 'yc.)bg%Fir');
    expect(n1?.fields[0]).toBe('What does <b>99.9%</b> availability allow per 30 days?');
    expect(n1?.tags).toEqual(['day::61', 'topic::reliability', 'topic::slo']);
    const cards = c.cards.map((k) => [k.type, k.queue, k.due, k.ivl, k.factor, k.reps, k.lapses]);
    expect(cards).toContainEqual([2, 2, 64, 3, 2500, 3, 0]); // N1: review, due day 64
    expect(cards).toContainEqual([3, 1, 1717233157, 1, 2300, 3, 1]); // N2: relearning
    expect(cards).toContainEqual([0, -1, 5, 0, 0, 0, 0]); // N5: suspended new
    const r = c.revlog;
    expect([r.id[0], r.ease[0], r.ivl[0], r.lastIvl[0], r.time[0], r.type[0]]).toEqual([
      1717146007500, 3, -600, -60, 7500, 0,
    ]);
  });

  it('reads the package without scheduling from collection.anki2', () => {
    const pkg = read(fixture('reference-no-progress.apkg'));
    expect(pkg.version).toBe(1);
    expect(pkg.collectionFile).toBe('collection.anki2');
    expect(pkg.collection.revlog.length).toBe(0);
    expect(pkg.collection.cards.every((k) => k.type === 0)).toBe(true);
  });
});

describe('the current format (collection.anki21b, schema 18)', () => {
  it('reads the same collection from the schema-18 layout, never the dummy', async () => {
    const c = withProgress();
    const media = [{ name: 'diagram one.png', data: new TextEncoder().encode('PNG bytes') }];
    const pkg = read(await package18(c, media));
    expect(pkg.version).toBe(3);
    expect(pkg.collectionFile).toBe('collection.anki21b');
    expect(pkg.collection.schema).toBe(18);
    const got = plain(pkg.collection);
    const want = plain(c);
    expect(got.notes).toEqual(want.notes);
    expect(got.cards).toEqual(want.cards);
    expect(got.revlog).toEqual(want.revlog);
    expect(got.noteTypes.map((n) => [n.id, n.name, n.cloze, n.fields, n.templates])).toEqual(
      want.noteTypes.map((n) => [n.id, n.name, n.cloze, n.fields, n.templates]),
    );
    expect(got.decks).toEqual(want.decks);
    expect(
      got.deckConfigs.map((g) => [g.learnSteps, g.relearnSteps, g.historicalRetention]),
    ).toEqual(want.deckConfigs.map((g) => [g.learnSteps, g.relearnSteps, g.historicalRetention]));
    expect(pkg.media.map((m) => m.name)).toEqual(['diagram one.png']);
    expect(new TextDecoder().decode(pkg.readMedia(pkg.media[0]!))).toBe('PNG bytes');
  });

  it('declares COLLATE unicase as Anki does: plain sql.js cannot read those tables, the reader can', async () => {
    const bytes = await collection18(withProgress());
    const db = new SQL.Database(bytes);
    const schema = db.exec("SELECT sql FROM sqlite_master WHERE name = 'decks'")[0]?.values[0]?.[0];
    expect(String(schema)).toContain('COLLATE unicase');
    expect(() => db.exec('SELECT name FROM decks ORDER BY name')).toThrow(
      /no such collation sequence: unicase/,
    );
    expect(() => db.exec('SELECT count(*) FROM decks')).toThrow(
      /no such collation sequence: unicase/,
    );
    expect(() => db.exec('SELECT ntid, ord, name, config FROM templates')).toThrow(/unicase/);
    db.close();
    const pkg = read(await package18(withProgress()));
    expect(
      [...pkg.collection.noteTypes.values()].flatMap((n) => n.templates.map((t) => t.name)).sort(),
    ).toEqual(['Card 1', 'Card 1', 'Card 2', 'Cloze']);
  });

  it('never changes the bytes it was given', async () => {
    const bytes = await package18(withProgress());
    const copy = Uint8Array.from(bytes);
    read(bytes);
    expect(Buffer.compare(Buffer.from(bytes), Buffer.from(copy))).toBe(0);
  });

  it('reads FSRS parameters and desired retention from the deck preset blobs', async () => {
    const c = withProgress();
    const params = [
      0.212, 1.2931, 2.3065, 8.2956, 6.4133, 0.8334, 3.0194, 0.001, 1.8722, 0.1666, 0.796, 1.4835,
      0.0614, 0.2629, 1.6483, 0.6014, 1.8729, 0.5425, 0.0912, 0.0658, 0.1542,
    ];
    const g = c.deckConfigs.get(1)!;
    c.deckConfigs.set(1, { ...g, fsrsParams: params, desiredRetention: 0.85 });
    c.fsrs = true;
    const got = read(await package18(c)).collection;
    expect(got.fsrs).toBe(true);
    expect(got.deckConfigs.get(1)?.fsrsParams).toEqual(params);
    expect(got.deckConfigs.get(1)?.desiredRetention).toBe(0.85);
  });

  it('reads the legacy layout written from the model too (JSON media map)', async () => {
    const c = withProgress();
    const pkg = read(await package11(c, [{ name: 'a.png', data: new Uint8Array([1, 2, 3]) }]));
    expect(pkg.collectionFile).toBe('collection.anki21');
    expect(pkg.collection.notes).toEqual(c.notes);
    expect([...pkg.readMedia(pkg.media[0]!)]).toEqual([1, 2, 3]);
  });
});

describe('bad packages: one sentence naming the problem', () => {
  const reject = async (bytes: Uint8Array | Promise<Uint8Array>, re: RegExp, limits = LIMITS) =>
    expect(() => read(bytes instanceof Uint8Array ? bytes : new Uint8Array(), limits)).toThrow(re);

  it('not a zip', async () => {
    await reject(new TextEncoder().encode('just some text, not a package'), /is not a zip archive/);
  });
  it('a zip without a collection', async () => {
    await reject(
      zipSync({ 'readme.txt': new TextEncoder().encode('hello') }),
      /without an Anki collection/,
    );
  });
  it('a truncated SQLite file', async () => {
    const db = await collection18(withProgress());
    const bytes = zipSync({ 'collection.anki2': db.subarray(0, Math.floor(db.length / 3)) });
    expect(() => read(bytes)).toThrow(/damaged|cut short/);
  });
  it('a newer schema than supported', async () => {
    expect(() => read(new Uint8Array(0))).toThrow();
    const bytes = await package18(withProgress(), [], { ver: 19 });
    expect(() => read(bytes)).toThrow(/schema 19, newer than this sre-cards reads \(11 to 18\)/);
  });
  it('a package version newer than 3', async () => {
    const bytes = await package18(withProgress(), [], { meta: 4 });
    expect(() => read(bytes)).toThrow(/package version 4/);
  });
  it('an .anki21b with a corrupt zstd frame', async () => {
    const db = await collection18(withProgress());
    const frame = zstdRaw(db);
    frame[5] = 0xff; // the frame header descriptor's reserved bit
    frame[8] = 0x07; // and a block of a type that does not exist
    const bytes = zipSync({
      meta: new Uint8Array([8, 3]),
      'collection.anki21b': [frame, { level: 0 }],
    });
    expect(() => read(bytes)).toThrow(/corrupt zstd frame/);
  });
  it('a media name that escapes the folder', async () => {
    const bytes = await package18(withProgress(), [{ name: '../x', data: new Uint8Array([1]) }]);
    expect(() => read(bytes)).toThrow(/"\.\.\/x" is refused, as it holds a path separator/);
  });
  it('a huge package: the collection is refused before it is decompressed', async () => {
    const small = { ...LIMITS, collectionBytes: 64 * 1024 };
    const bytes = await package18(withProgress());
    expect(() => read(bytes, small)).toThrow(
      /too large to import: its collection takes over 66 kB uncompressed/,
    );
    const file = { ...LIMITS, packageBytes: 1000 };
    expect(() => read(bytes, file)).toThrow(/is too large to import \(\d+ kB; at most 1 kB\)/);
  });
});

describe('the review log', () => {
  /** The collection of a package Anki wrote, opened anew each call. */
  const db = () => {
    const bytes = fixture('reference-with-progress.apkg');
    const zip = readZipDirectory(bytes, 'test.apkg');
    return new SQL.Database(
      readZipEntry(bytes, zip.get('collection.anki21')!, 'test.apkg', 1 << 30, () => 'big'),
    );
  };
  const referenceRevlog = () => {
    const plain = db();
    try {
      return readCollection(plain, 'test.apkg').revlog;
    } finally {
      plain.close();
    }
  };
  it('comes in card order, whether or not the table keeps its rows in the order of their ids', () => {
    const asRead = referenceRevlog();
    const cards = Array.from(asRead.cid);
    expect(cards).toEqual([...cards].sort((a, b) => a - b));
    const ids = Array.from(asRead.id);
    expect(ids).not.toEqual([...ids].sort((a, b) => a - b));
    // The same rows in a table of no primary key, in another order than their ids'.
    const shuffled = db();
    shuffled.run(`CREATE TABLE r2 AS SELECT * FROM revlog ORDER BY (id * 7919) % 13, id DESC;
      DROP TABLE revlog; ALTER TABLE r2 RENAME TO revlog;`);
    const other = readCollection(shuffled, 'test.apkg').revlog;
    shuffled.close();
    const columns = (r: typeof asRead) =>
      (['id', 'cid', 'ease', 'ivl', 'lastIvl', 'factor', 'time', 'type'] as const).map((k) =>
        Array.from(r[k]),
      );
    expect(other.length).toBe(asRead.length);
    expect(columns(other)).toEqual(columns(asRead));
  });
  it('reads values written as text, or left empty, as the numbers they stand for', () => {
    const asRead = referenceRevlog();
    const odd = db();
    const changed = odd
      .exec('SELECT id FROM revlog ORDER BY id LIMIT 3')[0]!
      .values.map((v) => Number(v[0]));
    // A table of no declared types keeps each value as it is given (text stays text).
    odd.run(`CREATE TABLE r2 (id, cid, usn, ease, ivl, lastIvl, factor, time, type);
      INSERT INTO r2 SELECT id, cid, usn, ease, ivl, lastIvl, factor, time, type FROM revlog ORDER BY id;
      DROP TABLE revlog; ALTER TABLE r2 RENAME TO revlog;
      UPDATE revlog SET ease = CAST(ease AS TEXT), ivl = CAST(ivl AS REAL), time = NULL, factor = '0x10'
      WHERE id IN (${changed.join(', ')});`);
    expect(
      odd.exec(`SELECT count(*) FROM revlog WHERE typeof(ease) = 'text'`)[0]!.values[0]![0],
    ).toBe(3);
    const read = readCollection(odd, 'test.apkg').revlog;
    odd.close();
    expect(read.length).toBe(asRead.length);
    for (let k = 0; k < read.length; k++) {
      const hit = changed.includes(read.id[k]!);
      // '0x10' is 16 as JavaScript reads it (SQLite would make it 0).
      expect([
        read.id[k],
        read.cid[k],
        read.ease[k],
        read.ivl[k],
        read.time[k],
        read.factor[k],
      ]).toEqual([
        asRead.id[k],
        asRead.cid[k],
        asRead.ease[k],
        asRead.ivl[k],
        hit ? 0 : asRead.time[k],
        hit ? 16 : asRead.factor[k],
      ]);
    }
    expect(
      changed.every((id) => Array.from(asRead.time)[Array.from(asRead.id).indexOf(id)]! > 0),
    ).toBe(true);
  });
});
