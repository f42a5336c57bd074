/**
 * Test helpers that write Anki packages in the layouts Anki's own code writes, from the
 * importer's model: the current layout (meta version 3, `collection.anki21b` in schema 18,
 * zstd, protobuf media map, dummy `collection.anki2`) and the legacy one (schema 11).
 *
 * Schema 18 follows rslib/src/storage/schema11.sql with the upgrades schema14_upgrade.sql,
 * schema15_upgrade.sql, schema17_upgrade.sql and schema18_upgrade.sql (tables `config`,
 * `deck_config`, `tags`, `fields`, `templates`, `notetypes`, `decks`, names declared
 * `COLLATE unicase`); blobs are the protobuf messages of proto/anki/notetypes.proto,
 * decks.proto and deck_config.proto; the package is written as colpkg/export.rs does
 * (`meta`, the zstd-compressed collection, the dummy collection, `media` as protobuf
 * `MediaEntries`, each media file zstd-compressed, media.rs).
 */
import { zipSync } from 'fflate';
import type initSqlJs from 'sql.js';
import type { AnkiCollection } from '../src/import/model.js';
import { loadSqlJs } from '../src/import/sqlite.js';

type Db = initSqlJs.Database;

// --- protobuf -------------------------------------------------------------------------

function varint(n: number): number[] {
  const out: number[] = [];
  let v = n < 0 ? 2 ** 64 + n : n;
  do {
    let b = v % 128;
    v = Math.floor(v / 128);
    if (v > 0) b |= 0x80;
    out.push(b);
  } while (v > 0);
  return out;
}
export const pb = {
  int: (field: number, v: number) => (v === 0 ? [] : [...varint(field * 8), ...varint(v)]),
  bytes: (field: number, b: Uint8Array | number[]) => [
    ...varint(field * 8 + 2),
    ...varint(b.length),
    ...b,
  ],
  str: (field: number, s: string) =>
    s === '' ? [] : pb.bytes(field, [...new TextEncoder().encode(s)]),
  float: (field: number, x: number) => {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, x, true);
    return [...varint(field * 8 + 5), ...b];
  },
  floats: (field: number, xs: number[]) => {
    if (!xs.length) return [];
    const b = new Uint8Array(4 * xs.length);
    xs.forEach((x, i) => new DataView(b.buffer).setFloat32(4 * i, x, true));
    return pb.bytes(field, b);
  },
};
const u8 = (a: number[]) => Uint8Array.from(a);

// --- zstd: frames of raw blocks, as a streaming encoder writes them (no content size) --

export function zstdRaw(data: Uint8Array): Uint8Array {
  const parts: number[] = [0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x58]; // magic; no FCS, window 8 MB
  const MAX = 128 * 1024;
  let i = 0;
  do {
    const n = Math.min(MAX, data.length - i);
    const last = i + n >= data.length ? 1 : 0;
    const h = (n << 3) | last; // block type 0: raw
    parts.push(h & 0xff, (h >> 8) & 0xff, (h >> 16) & 0xff);
    for (let k = 0; k < n; k++) parts.push(data[i + k] as number);
    i += n;
  } while (i < data.length);
  return u8(parts);
}

// --- SQLite ---------------------------------------------------------------------------

const SCHEMA11 = `
CREATE TABLE col (id integer PRIMARY KEY, crt integer NOT NULL, mod integer NOT NULL, scm integer NOT NULL, ver integer NOT NULL, dty integer NOT NULL, usn integer NOT NULL, ls integer NOT NULL, conf text NOT NULL, models text NOT NULL, decks text NOT NULL, dconf text NOT NULL, tags text NOT NULL);
CREATE TABLE notes (id integer PRIMARY KEY, guid text NOT NULL, mid integer NOT NULL, mod integer NOT NULL, usn integer NOT NULL, tags text NOT NULL, flds text NOT NULL, sfld integer NOT NULL, csum integer NOT NULL, flags integer NOT NULL, data text NOT NULL);
CREATE TABLE cards (id integer PRIMARY KEY, nid integer NOT NULL, did integer NOT NULL, ord integer NOT NULL, mod integer NOT NULL, usn integer NOT NULL, type integer NOT NULL, queue integer NOT NULL, due integer NOT NULL, ivl integer NOT NULL, factor integer NOT NULL, reps integer NOT NULL, lapses integer NOT NULL, left integer NOT NULL, odue integer NOT NULL, odid integer NOT NULL, flags integer NOT NULL, data text NOT NULL);
CREATE TABLE revlog (id integer PRIMARY KEY, cid integer NOT NULL, usn integer NOT NULL, ease integer NOT NULL, ivl integer NOT NULL, lastIvl integer NOT NULL, factor integer NOT NULL, time integer NOT NULL, type integer NOT NULL);
CREATE INDEX ix_cards_nid ON cards (nid);
CREATE INDEX ix_revlog_cid ON revlog (cid);
`;

// The unicase columns are made NOCASE first (sql.js cannot create them), then renamed in
// the schema text, so the file declares COLLATE unicase exactly as Anki's does.
const SCHEMA18 = `
CREATE TABLE graves (oid integer NOT NULL, type integer NOT NULL, usn integer NOT NULL, PRIMARY KEY (oid, type)) WITHOUT ROWID;
CREATE TABLE deck_config (id integer PRIMARY KEY NOT NULL, name text NOT NULL COLLATE NOCASE, mtime_secs integer NOT NULL, usn integer NOT NULL, config blob NOT NULL);
CREATE TABLE config (KEY text NOT NULL PRIMARY KEY, usn integer NOT NULL, mtime_secs integer NOT NULL, val blob NOT NULL) without rowid;
CREATE TABLE fields (ntid integer NOT NULL, ord integer NOT NULL, name text NOT NULL COLLATE NOCASE, config blob NOT NULL, PRIMARY KEY (ntid, ord)) without rowid;
CREATE UNIQUE INDEX idx_fields_name_ntid ON fields (name, ntid);
CREATE TABLE templates (ntid integer NOT NULL, ord integer NOT NULL, name text NOT NULL COLLATE NOCASE, mtime_secs integer NOT NULL, usn integer NOT NULL, config blob NOT NULL, PRIMARY KEY (ntid, ord)) without rowid;
CREATE UNIQUE INDEX idx_templates_name_ntid ON templates (name, ntid);
CREATE TABLE notetypes (id integer NOT NULL PRIMARY KEY, name text NOT NULL COLLATE NOCASE, mtime_secs integer NOT NULL, usn integer NOT NULL, config blob NOT NULL);
CREATE UNIQUE INDEX idx_notetypes_name ON notetypes (name);
CREATE TABLE decks (id integer PRIMARY KEY NOT NULL, name text NOT NULL COLLATE NOCASE, mtime_secs integer NOT NULL, usn integer NOT NULL, common blob NOT NULL, kind blob NOT NULL);
CREATE UNIQUE INDEX idx_decks_name ON decks (name);
CREATE TABLE tags (tag text NOT NULL PRIMARY KEY COLLATE NOCASE, usn integer NOT NULL, collapsed boolean NOT NULL, config blob NULL) without rowid;
`;

function fillCommon(db: Db, c: AnkiCollection): void {
  const note = db.prepare('INSERT INTO notes VALUES (?,?,?,?,-1,?,?,?,0,0,?)');
  for (const n of c.notes)
    note.run([
      n.id,
      n.guid,
      n.mid,
      n.mod,
      n.tags.length ? ` ${n.tags.join(' ')} ` : '',
      n.fields.join('\x1f'),
      n.fields[0] ?? '',
      '',
    ]);
  note.free();
  const card = db.prepare('INSERT INTO cards VALUES (?,?,?,?,?,-1,?,?,?,?,?,?,?,?,?,?,?,?)');
  for (const k of c.cards)
    card.run([
      k.id,
      k.nid,
      k.did,
      k.ord,
      k.mod,
      k.type,
      k.queue,
      k.due,
      k.ivl,
      k.factor,
      k.reps,
      k.lapses,
      k.left,
      k.odue,
      k.odid,
      k.flags,
      Object.keys(k.data).length ? JSON.stringify(k.data) : '',
    ]);
  card.free();
  const rev = db.prepare('INSERT INTO revlog VALUES (?,?,-1,?,?,?,?,?,?)');
  const r = c.revlog;
  for (let i = 0; i < r.length; i++)
    rev.run([
      r.id[i]!,
      r.cid[i]!,
      r.ease[i]!,
      r.ivl[i]!,
      r.lastIvl[i]!,
      r.factor[i]!,
      r.time[i]!,
      r.type[i]!,
    ]);
  rev.free();
}

/** A schema-18 collection database holding `c`. */
export async function collection18(
  c: AnkiCollection,
  opts: { ver?: number } = {},
): Promise<Uint8Array> {
  const SQL = await loadSqlJs();
  const db = new SQL.Database();
  db.run(SCHEMA11 + SCHEMA18);
  db.run('INSERT INTO col VALUES (1,?,?,?,?,0,0,0,?,?,?,?,?)', [
    c.crt,
    c.mod,
    c.mod,
    opts.ver ?? 18,
    '',
    '',
    '',
    '',
    '',
  ]);
  const conf: Record<string, unknown> = { schedVer: 2, rollover: c.rollover ?? 4, fsrs: c.fsrs };
  if (c.creationOffset !== null) conf.creationOffset = c.creationOffset;
  if (c.localOffset !== null) conf.localOffset = c.localOffset;
  for (const [k, v] of Object.entries(conf))
    db.run('INSERT INTO config VALUES (?,0,0,?)', [k, new TextEncoder().encode(JSON.stringify(v))]);
  const stock = {
    basic: 1,
    reversed: 2,
    'optional-reversed': 3,
    typing: 4,
    cloze: 5,
    'image-occlusion': 6,
  };
  for (const nt of c.noteTypes.values()) {
    const config = [
      ...pb.int(1, nt.cloze ? 1 : 0),
      ...pb.str(3, '.card {}'),
      ...pb.int(9, nt.stockKind ? stock[nt.stockKind] : 0),
    ];
    db.run('INSERT INTO notetypes VALUES (?,?,0,-1,?)', [nt.id, nt.name, u8(config)]);
    nt.fields.forEach((f, ord) =>
      db.run('INSERT INTO fields VALUES (?,?,?,?)', [nt.id, ord, f, u8(pb.str(3, 'Arial'))]),
    );
    nt.templates.forEach((t, ord) =>
      db.run('INSERT INTO templates VALUES (?,?,?,0,-1,?)', [
        nt.id,
        ord,
        t.name,
        u8([...pb.str(1, t.qfmt), ...pb.str(2, t.afmt)]),
      ]),
    );
  }
  for (const d of c.decks.values()) {
    const kind = d.filtered ? pb.bytes(2, pb.int(1, 1)) : pb.bytes(1, pb.int(1, d.configId ?? 1));
    db.run('INSERT INTO decks VALUES (?,?,0,-1,?,?)', [
      d.id,
      d.name.split('::').join('\x1f'),
      u8(pb.int(3, 1)),
      u8(kind),
    ]);
  }
  for (const g of c.deckConfigs.values()) {
    const config = [
      ...pb.floats(1, g.learnSteps),
      ...pb.floats(2, g.relearnSteps),
      ...(g.fsrsParams?.length === 21
        ? pb.floats(6, g.fsrsParams)
        : g.fsrsParams
          ? pb.floats(5, g.fsrsParams)
          : []),
      ...pb.int(16, g.maxInterval),
      ...pb.int(22, g.leechThreshold),
      ...(g.desiredRetention !== null ? pb.float(37, g.desiredRetention) : []),
      ...pb.float(40, g.historicalRetention),
    ];
    db.run('INSERT INTO deck_config VALUES (?,?,0,-1,?)', [g.id, g.name, u8(config)]);
  }
  fillCommon(db, c);
  const version = db.exec('PRAGMA schema_version')[0]?.values[0]?.[0] as number;
  db.run('PRAGMA writable_schema = 1');
  db.run("UPDATE sqlite_master SET sql = replace(sql, 'COLLATE NOCASE', 'COLLATE unicase')");
  db.run(`PRAGMA schema_version = ${version + 1}`);
  db.run('PRAGMA writable_schema = 0');
  const bytes = db.export();
  db.close();
  return bytes;
}

/** A schema-11 collection database holding `c` (JSON in `col`). */
export async function collection11(c: AnkiCollection): Promise<Uint8Array> {
  const SQL = await loadSqlJs();
  const db = new SQL.Database();
  db.run(SCHEMA11);
  const models: Record<string, unknown> = {};
  for (const nt of c.noteTypes.values())
    models[nt.id] = {
      id: nt.id,
      name: nt.name,
      type: nt.cloze ? 1 : 0,
      flds: nt.fields.map((name, ord) => ({ name, ord })),
      tmpls: nt.templates.map((t, ord) => ({ ...t, ord })),
    };
  const decks: Record<string, unknown> = {};
  for (const d of c.decks.values())
    decks[d.id] = { id: d.id, name: d.name, dyn: d.filtered ? 1 : 0, conf: d.configId ?? 1 };
  const dconf: Record<string, unknown> = {};
  for (const g of c.deckConfigs.values())
    dconf[g.id] = {
      id: g.id,
      name: g.name,
      new: { delays: g.learnSteps },
      lapse: { delays: g.relearnSteps, leechFails: g.leechThreshold },
      rev: { maxIvl: g.maxInterval },
      ...(g.fsrsParams ? { fsrsParams6: g.fsrsParams } : {}),
      ...(g.desiredRetention !== null ? { desiredRetention: g.desiredRetention } : {}),
      sm2Retention: g.historicalRetention,
    };
  const conf = {
    schedVer: 2,
    fsrs: c.fsrs,
    ...(c.creationOffset !== null ? { creationOffset: c.creationOffset } : {}),
    ...(c.localOffset !== null ? { localOffset: c.localOffset } : {}),
  };
  db.run('INSERT INTO col VALUES (1,?,?,?,11,0,0,0,?,?,?,?,?)', [
    c.crt,
    c.mod,
    c.mod,
    JSON.stringify(conf),
    JSON.stringify(models),
    JSON.stringify(decks),
    JSON.stringify(dconf),
    '{}',
  ]);
  fillCommon(db, c);
  const bytes = db.export();
  db.close();
  return bytes;
}

/** Anki's "please update" collection that a current package carries as `collection.anki2`. */
export async function dummyCollection(): Promise<Uint8Array> {
  return collection11({
    schema: 11,
    crt: 1_700_000_000,
    mod: 0,
    creationOffset: null,
    localOffset: null,
    rollover: null,
    fsrs: false,
    noteTypes: new Map([
      [
        1,
        {
          id: 1,
          name: 'Basic',
          cloze: false,
          fields: ['Front', 'Back'],
          templates: [{ name: 'Card 1', qfmt: '{{Front}}', afmt: '{{Back}}' }],
          stockKind: null,
        },
      ],
    ]),
    decks: new Map([[1, { id: 1, name: 'Default', filtered: false, configId: 1 }]]),
    deckConfigs: new Map(),
    notes: [
      {
        id: 1,
        guid: 'dummy',
        mid: 1,
        mod: 0,
        tags: [],
        fields: [
          'Please update to the latest Anki version, then import the .colpkg/.apkg file again.',
          '',
        ],
      },
    ],
    cards: [
      {
        id: 1,
        nid: 1,
        did: 1,
        ord: 0,
        mod: 0,
        type: 0,
        queue: 0,
        due: 1,
        ivl: 0,
        factor: 0,
        reps: 0,
        lapses: 0,
        left: 0,
        odue: 0,
        odid: 0,
        flags: 0,
        data: {},
      },
    ],
    revlog: {
      length: 0,
      id: new Float64Array(),
      cid: new Float64Array(),
      ease: new Uint8Array(),
      ivl: new Int32Array(),
      lastIvl: new Int32Array(),
      factor: new Int32Array(),
      time: new Int32Array(),
      type: new Uint8Array(),
    },
  });
}

export interface Media {
  name: string;
  data: Uint8Array;
}

/** A current package (meta version 3) of `c`, with media. */
export async function package18(
  c: AnkiCollection,
  media: Media[] = [],
  opts: { ver?: number; collection?: Uint8Array; meta?: number } = {},
): Promise<Uint8Array> {
  const db = opts.collection ?? (await collection18(c, opts));
  const entries = u8(
    media.flatMap((m) =>
      pb.bytes(1, [
        ...pb.str(1, m.name),
        ...pb.int(2, m.data.length),
        ...pb.bytes(3, new Uint8Array(20)),
      ]),
    ),
  );
  const files: Record<string, [Uint8Array, { level: 0 }]> = {
    meta: [u8(pb.int(1, opts.meta ?? 3)), { level: 0 }],
    'collection.anki21b': [zstdRaw(db), { level: 0 }],
    'collection.anki2': [await dummyCollection(), { level: 0 }],
    media: [zstdRaw(entries), { level: 0 }],
  };
  media.forEach((m, i) => (files[String(i)] = [zstdRaw(m.data), { level: 0 }]));
  return zipSync(files);
}

/** A legacy package (`collection.anki21` beside the dummy, JSON media map) of `c`. */
export async function package11(c: AnkiCollection, media: Media[] = []): Promise<Uint8Array> {
  const map: Record<string, string> = {};
  const files: Record<string, Uint8Array> = {
    'collection.anki21': await collection11(c),
    'collection.anki2': await dummyCollection(),
  };
  media.forEach((m, i) => {
    map[String(i)] = m.name;
    files[String(i)] = m.data;
  });
  files.media = new TextEncoder().encode(JSON.stringify(map));
  return zipSync(files);
}
