/**
 * A cache of parsed user decks, so that opening a large collection does not parse every
 * source again: `cache/deck-NAME.bin` holds the deck's cards in columns (texts joined
 * in one string per field, split in one go; fronts and backs with where each starts,
 * read card by card), the deck's notes as JSON read only when asked for (export,
 * `show`), and the name, size and modification time of each source file they came
 * from, under a CRC-32. Any change to the folder's files (an edit, a new
 * file, a removed one) misses the cache, and the sources are parsed. Only writers write
 * it; readers use it when it matches. It holds nothing that is not in the sources:
 * deleting the folder is always safe.
 */
import {
  closeSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
} from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { deckCards } from '../deck/cards.js';
import { loadDeckFolder } from '../deck/read.js';
import type { Card, Deck, DeckError, Note, NoteKind, PlanLine, TypeAnswer } from '../deck/types.js';
import { readTransient, releaseTransient, writeFileAtomic } from './fsio.js';
import { viewColumn } from './snapfile.js';

declare const __VERSION__: string;
/** Parsed by another version of the parser: not used. */
export const PARSER = `sre-cards ${typeof __VERSION__ === 'string' ? __VERSION__ : 'dev'} deck 1`;

export type Fingerprint = [name: string, size: number, mtimeMs: number][];

const MAGIC = 'SREDECK1';
/** The layout's version: 2 adds where each front and back starts in its column. */
const CONTAINER = 2;
const KINDS: readonly NoteKind[] = ['basic', 'reversible', 'cloze', 'typein'];

/** The header of a cache file (JSON), before the columns. */
interface CacheHeader {
  parser: string;
  folder: string;
  files: Fingerprint;
  /** The deck without its notes. */
  deck: Omit<Deck, 'notes'>;
  n: number;
  /** Each text column: NUL-joined, or a JSON list when a text holds a NUL. */
  layout: { name: string; kind: 'text' | 'json' | 'f64' | 'u32' | 'u8'; bytes: number }[];
  dayTitles: string[];
  planLines: (PlanLine | null)[];
  topics: string[][];
  /** Type-in answers, by card index. */
  types: Record<number, TypeAnswer>;
  /** The notes' JSON after the columns (its length and CRC-32): read only when asked for. */
  notesBytes: number;
  notesCrc: number;
}

/** The fixed head: magic, CRC-32 of bytes 12 to `main`, version, header length, `main`. */
const HEAD = 24;

/** The sources' names, sizes and times, as `readSources` would read them; null if unreadable. */
function fingerprint(folder: string): Fingerprint | null {
  try {
    const out: Fingerprint = [];
    for (const name of readdirSync(folder).sort()) {
      if (!name.endsWith('.md')) continue;
      const st = statSync(join(folder, name));
      if (st.isFile()) out.push([name, st.size, st.mtimeMs]);
    }
    return out;
  } catch {
    return null;
  }
}

function cachePath(cacheDir: string, name: string): string {
  return join(cacheDir, `deck-${encodeURIComponent(name)}.bin`);
}

const align = (x: number) => (x + 7) & ~7;

function textColumn(values: string[]): ['text' | 'json', Buffer] {
  return values.some((v) => v.includes('\0'))
    ? ['json', Buffer.from(JSON.stringify(values), 'utf8')]
    : ['text', Buffer.from(values.join('\0'), 'utf8')];
}

/**
 * Where each of a NUL-joined column's texts starts (bytes), and one past its end: what
 * reading a text needs, without searching the column for NULs at every open.
 */
function textStarts(values: string[]): Uint32Array {
  const starts = new Uint32Array(values.length + 1);
  let at = 0;
  values.forEach((v, i) => {
    starts[i] = at;
    at += Buffer.byteLength(v, 'utf8') + 1;
  });
  starts[values.length] = at;
  return starts;
}

/** A cache file's bytes for a deck and its cards. */
export function encodeDeckCache(
  folder: string,
  files: Fingerprint,
  deck: Deck,
  cards: readonly Card[],
): Buffer {
  const n = cards.length;
  const { notes, ...rest } = deck;
  const dict = <T>() => {
    const values: T[] = [];
    const index = new Map<string, number>();
    return {
      values,
      code(v: T): number {
        const k = JSON.stringify(v);
        let i = index.get(k);
        if (i === undefined) {
          i = values.length;
          values.push(v);
          index.set(k, i);
        }
        return i;
      },
    };
  };
  const dayTitles = dict<string>();
  const planLines = dict<PlanLine | null>();
  const topics = dict<string[]>();
  const kind = new Uint8Array(n);
  const hasSource = new Uint8Array(n);
  const day = new Float64Array(n);
  const ord = new Uint32Array(n);
  const dayTitle = new Uint32Array(n);
  const planLine = new Uint32Array(n);
  const topic = new Uint32Array(n);
  const types: Record<number, TypeAnswer> = {};
  const text = {
    id: [] as string[],
    note: [] as string[],
    front: [] as string[],
    back: [] as string[],
    hash: [] as string[],
    source: [] as string[],
  };
  cards.forEach((c, i) => {
    kind[i] = KINDS.indexOf(c.kind);
    hasSource[i] = c.source === null ? 0 : 1;
    day[i] = c.day === null ? NaN : c.day;
    ord[i] = c.ord;
    dayTitle[i] = dayTitles.code(c.dayTitle);
    planLine[i] = planLines.code(c.planLine);
    topic[i] = topics.code(c.topics);
    if (c.type) types[i] = c.type;
    text.id.push(c.id);
    text.note.push(c.note);
    text.front.push(c.front);
    text.back.push(c.back);
    text.hash.push(c.hash);
    text.source.push(c.source ?? '');
  });
  const bytes = (a: Float64Array | Uint32Array | Uint8Array) =>
    Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  const columns: [string, CacheHeader['layout'][number]['kind'], Buffer][] = [
    ['kind', 'u8', bytes(kind)],
    ['hasSource', 'u8', bytes(hasSource)],
    ['day', 'f64', bytes(day)],
    ['ord', 'u32', bytes(ord)],
    ['dayTitle', 'u32', bytes(dayTitle)],
    ['planLine', 'u32', bytes(planLine)],
    ['topics', 'u32', bytes(topic)],
    ...Object.entries(text).map(([k, v]): [string, 'text' | 'json', Buffer] => [
      k,
      ...textColumn(v),
    ]),
  ];
  // The texts read card by card (see TextColumn), with where each starts.
  for (const k of ['front', 'back'] as const)
    if (columns.some(([name, kind]) => name === k && kind === 'text'))
      columns.push([`${k}Starts`, 'u32', bytes(textStarts(text[k]))]);
  const notesJson = Buffer.from(JSON.stringify(notes), 'utf8');
  const header: CacheHeader = {
    parser: PARSER,
    folder,
    files,
    deck: rest,
    n,
    layout: columns.map(([name, k, b]) => ({ name, kind: k, bytes: b.length })),
    dayTitles: dayTitles.values,
    planLines: planLines.values,
    topics: topics.values,
    types,
    notesBytes: notesJson.length,
    notesCrc: crc32(notesJson),
  };
  const head = Buffer.from(JSON.stringify(header), 'utf8');
  let main = align(HEAD + head.length);
  for (const [, , b] of columns) main = align(main + b.length);
  const out = Buffer.alloc(main + notesJson.length);
  out.write(MAGIC, 0, 'latin1');
  out.writeUInt32LE(CONTAINER, 12);
  out.writeUInt32LE(head.length, 16);
  out.writeUInt32LE(main, 20);
  head.copy(out, HEAD);
  let at = align(HEAD + head.length);
  for (const [, , b] of columns) {
    b.copy(out, at);
    at = align(at + b.length);
  }
  notesJson.copy(out, main);
  out.writeUInt32LE(crc32(out.subarray(12, main)), 8);
  return out;
}

/** The length of a cache file's part before the notes, from its first HEAD bytes; null if not one. */
function mainLength(buf: Buffer): number | null {
  if (
    buf.length < HEAD ||
    buf.toString('latin1', 0, 8) !== MAGIC ||
    buf.readUInt32LE(12) !== CONTAINER
  )
    return null;
  return buf.readUInt32LE(20);
}

/**
 * What reads a cache file's notes: `readNotes`, else the notes in `buf` (the whole file,
 * then kept until they are read). Made apart from the decoding, whose scope holds the
 * file's bytes and columns: a closure made there would keep them (a closure keeps its
 * whole scope).
 */
function notesLoader(
  h: CacheHeader,
  main: number,
  readNotes: ((h: CacheHeader, main: number) => Note[]) | undefined,
  buf: Buffer,
): () => Note[] {
  return readNotes ? () => readNotes(h, main) : notesIn(h, main, buf);
}

function notesIn(h: CacheHeader, main: number, buf: Buffer): () => Note[] {
  return () => {
    const n = notesFrom(h, buf.subarray(main));
    if (!n) throw new Error('the cached notes are damaged');
    return n;
  };
}

/** The notes of a cache file, from its bytes past the columns; null when they do not check out. */
function notesFrom(h: CacheHeader, bytes: Buffer): Note[] | null {
  if (bytes.length !== h.notesBytes || crc32(bytes) !== h.notesCrc) return null;
  return JSON.parse(bytes.toString('utf8')) as Note[];
}

/**
 * A cache file's deck and cards (named `name`), when it is whole and made by this parser
 * from these files; else null. `buf` holds the file, or its part before the notes, which
 * `readNotes` then reads when they are first asked for.
 */
export function decodeDeckCache(
  buf: Buffer,
  name: string,
  folder: string | null,
  files: Fingerprint | null,
  readNotes?: (h: CacheHeader, main: number) => Note[],
): { deck: Deck; cards: Card[]; folder: string; files: Fingerprint } | null {
  const main = mainLength(buf);
  if (main === null || buf.length < main) return null;
  if (crc32(buf.subarray(12, main)) !== buf.readUInt32LE(8)) return null;
  const hlen = buf.readUInt32LE(16);
  const h = JSON.parse(buf.toString('utf8', HEAD, HEAD + hlen)) as CacheHeader;
  if (
    h.parser !== PARSER ||
    (folder !== null && h.folder !== folder) ||
    (files !== null && JSON.stringify(h.files) !== JSON.stringify(files)) ||
    h.deck?.format !== 1
  )
    return null;
  const col: Record<string, Float64Array | Uint32Array | Uint8Array | unknown[]> = {};
  const lazyBytes: Partial<Record<'front' | 'back', Buffer>> = {};
  let at = align(HEAD + hlen);
  for (const c of h.layout) {
    if (at + c.bytes > buf.length) return null;
    if (c.kind === 'f64' || c.kind === 'u32' || c.kind === 'u8')
      col[c.name] = viewColumn(buf, c.kind, at, c.bytes);
    else if (c.kind === 'text' && (c.name === 'front' || c.name === 'back')) {
      // The cards' texts, the bulk of the file, are decoded card by card when shown.
      lazyBytes[c.name] = buf.subarray(at, at + c.bytes);
    } else {
      const t = buf.toString('utf8', at, at + c.bytes);
      const list = c.kind === 'json' ? (JSON.parse(t) as string[]) : h.n === 0 ? [] : t.split('\0');
      if (list.length !== h.n) return null;
      col[c.name] = list;
    }
    at = align(at + c.bytes);
  }
  const s = (k: string) => col[k] as string[];
  const [ids, notes, hashes, sources] = [s('id'), s('note'), s('hash'), s('source')];
  const text = (k: 'front' | 'back'): TextColumn | null => {
    const bytes = lazyBytes[k];
    if (!bytes) {
      const list = s(k);
      return { at: (i: number) => list[i] as string } as TextColumn;
    }
    const starts = col[`${k}Starts`];
    return starts instanceof Uint32Array ? TextColumn.of(bytes, starts, h.n) : null;
  };
  const [fronts, backs] = [text('front'), text('back')];
  if (!fronts || !backs) return null;
  const CachedCard = cachedCardClass(fronts, backs);
  const kind = col.kind as Uint8Array;
  const hasSource = col.hasSource as Uint8Array;
  const day = col.day as Float64Array;
  const ord = col.ord as Uint32Array;
  const dayTitle = col.dayTitle as Uint32Array;
  const planLine = col.planLine as Uint32Array;
  const topic = col.topics as Uint32Array;
  const cards: Card[] = new Array<Card>(h.n);
  for (let i = 0; i < h.n; i++) {
    const d = day[i] as number;
    const c: Card = new CachedCard(
      notes[i] as string,
      name,
      KINDS[kind[i] as number] as NoteKind,
      Number.isNaN(d) ? null : d,
      h.dayTitles[dayTitle[i] as number] as string,
      h.planLines[planLine[i] as number] ?? null,
      h.topics[topic[i] as number] as string[],
      hasSource[i] ? (sources[i] as string) : null,
      ids[i] as string,
      ord[i] as number,
      hashes[i] as string,
      i,
    );
    const type = h.types[i];
    if (type) c.type = type;
    cards[i] = c;
  }
  // The notes are read when first asked for (an export, `show`): opening needs the cards.
  const deck = withLazyNotes({ ...h.deck, name } as Deck, notesLoader(h, main, readNotes, buf));
  return { deck, cards, folder: h.folder, files: h.files };
}

/**
 * Texts joined with NULs in one column (UTF-8), each decoded when first asked for. The
 * column's bytes are copied out of the file's, so the file's buffer is not kept.
 */
class TextColumn {
  private constructor(
    private readonly bytes: Buffer,
    private readonly starts: Uint32Array,
  ) {}

  /**
   * The column of `n` texts starting at `starts` (each text ends a byte before the next
   * starts: `starts[n]` is one past the column's end), or null when they do not fit it.
   * Both are copied: they may be views of a buffer that is reused.
   */
  static of(bytes: Buffer, starts: Uint32Array, n: number): TextColumn | null {
    if (starts.length !== n + 1 || starts[0] !== 0) return null;
    if (starts[n] !== (n === 0 ? 0 : bytes.length + 1)) return null;
    for (let i = 1; i < n; i++) {
      const at = starts[i] as number;
      if (at <= (starts[i - 1] as number) || bytes[at - 1] !== 0) return null;
    }
    return new TextColumn(Buffer.from(bytes), starts.slice());
  }

  at(i: number): string {
    return this.bytes.toString('utf8', this.starts[i], (this.starts[i + 1] as number) - 1);
  }
}

/** Makes `value` the card's own `key`, as a card read from its sources has it. */
function own(card: object, key: 'front' | 'back', value: string): string {
  Object.defineProperty(card, key, { value, writable: true, enumerable: true, configurable: true });
  return value;
}

/**
 * Cards whose front and back are read from their columns when first asked for (then kept
 * as the card's own fields). At 100k cards that is most of a cache's bytes, and a tenth
 * of a second of every start, for texts of which a session shows a few hundred.
 */
function cachedCardClass(fronts: TextColumn, backs: TextColumn) {
  return class CachedCard {
    constructor(
      public note: string,
      public deck: string,
      public kind: NoteKind,
      public day: number | null,
      public dayTitle: string,
      public planLine: PlanLine | null,
      public topics: string[],
      public source: string | null,
      public id: string,
      public ord: number,
      public hash: string,
      public position: number,
    ) {}
    get front(): string {
      return own(this, 'front', fronts.at(this.position));
    }
    set front(v: string) {
      own(this, 'front', v);
    }
    get back(): string {
      return own(this, 'back', backs.at(this.position));
    }
    set back(v: string) {
      own(this, 'back', v);
    }
  };
}

/** The deck with its `notes` read by `load` when first asked for. */
function withLazyNotes(deck: Deck, load: () => Note[]): Deck {
  let parsed: Note[] | null = null;
  Object.defineProperty(deck, 'notes', {
    enumerable: true,
    configurable: true,
    get: () => (parsed ??= load()),
    set: (v: Note[]) => {
      parsed = v;
    },
  });
  return deck;
}

function readCache(
  path: string,
  name: string,
  folder: string,
  files: Fingerprint | null,
): { deck: Deck; cards: Card[] } | null {
  try {
    // The part before the notes only: opening needs the cards.
    const fd = openSync(path, 'r');
    let buf: Buffer;
    try {
      const head = Buffer.alloc(HEAD);
      if (readSync(fd, head, 0, HEAD, 0) !== HEAD) return null;
      const main = mainLength(head);
      if (main === null) return null;
      // Into the buffer the collection file was read into: the decoder copies what it keeps.
      const bytes = readTransient(fd, main);
      if (!bytes) return null;
      buf = bytes;
    } finally {
      closeSync(fd);
    }
    // The notes, read when asked for: from the same file if it still checks out (a writer
    // may have replaced it since), else from the sources.
    // (The notes are known by their length and CRC-32 in the header read now: the file's
    // bytes before them need not be kept to tell whether they are still these notes.)
    const readNotes = (h: CacheHeader): Note[] => {
      try {
        const all = readFileSync(path);
        const at = mainLength(all);
        if (at !== null) {
          const n = notesFrom(h, all.subarray(at));
          if (n) return n;
        }
      } catch {
        // read from the sources below
      }
      return loadDeckFolder(folder).deck?.notes ?? [];
    };
    try {
      return decodeDeckCache(buf, name, folder, files, readNotes);
    } finally {
      releaseTransient();
    }
  } catch {
    return null;
  }
}

/**
 * What identifies a user's deck sources as `loadUserDeck` keys them (the parser, each
 * file's name, size and time), from the folder alone; null when it cannot be read.
 */
export function userDeckKey(folder: string): string | null {
  const files = fingerprint(folder);
  return files ? keyOf(files) : null;
}

/** The key of a deck read from `files` (see `userDeckKey`). */
const keyOf = (files: Fingerprint) => `${PARSER} ${JSON.stringify(files)}`;

/**
 * Writes the cache of a deck read from `files` (its cards, when the caller has them);
 * its cards, or null if it could not be written.
 */
function writeCache(
  cacheDir: string,
  name: string,
  folder: string,
  files: Fingerprint,
  deck: Deck,
  cards: Card[] = deckCards({ ...deck, name }),
): Card[] | null {
  try {
    return storeCache(cacheDir, name, encodeDeckCache(folder, files, deck, cards)) ? cards : null;
  } catch {
    // a cache that cannot be made only costs time
    return null;
  }
}

/** Writes a deck's cache file; false if it could not be written. */
function storeCache(cacheDir: string, name: string, bytes: Buffer): boolean {
  try {
    mkdirSync(cacheDir, { recursive: true });
    writeFileAtomic(cachePath(cacheDir, name), bytes);
    // The JSON cache of earlier versions is not read any more.
    rmSync(join(cacheDir, `deck-${encodeURIComponent(name)}.json`), { force: true });
    return true;
  } catch {
    // a cache that cannot be written only costs time
    return false;
  }
}

/**
 * Caches a deck its folder holds as of now, parsed by the caller (a deck just added, or
 * written by an import), without reading it again: should its sources break before a
 * writer next reads them, its cards keep this text. In two steps: the cache is made now,
 * and written by `write` (its key, or null when not cached) provided the folder's files
 * are still as they were; an import makes it while its histories are being replayed and
 * writes it once the events are in.
 */
export function deckCache(
  cacheDir: string,
  name: string,
  folder: string,
  deck: Deck,
  cards: Card[],
): { write(): string | null } {
  const files = fingerprint(folder);
  let bytes: Buffer | null = null;
  try {
    if (files) bytes = encodeDeckCache(folder, files, deck, cards);
  } catch {
    // a cache that cannot be made only costs time
  }
  return {
    write() {
      const now = fingerprint(folder);
      if (!files || !bytes || !now || keyOf(now) !== keyOf(files)) return null;
      const ok = storeCache(cacheDir, name, bytes);
      bytes = null;
      return ok ? keyOf(files) : null;
    },
  };
}

/**
 * Reads a user's deck folder: from the cache when its files are unchanged, else from the
 * sources (and then, for a writer, refreshes the cache). Same result as `loadDeckFolder`,
 * with the deck's cards; when the sources do not parse, `previous` is the deck as last
 * read (from the cache), so that its cards keep their text until the error is fixed.
 */
export function loadUserDeck(
  name: string,
  folder: string,
  cacheDir: string,
  write: boolean,
): {
  deck: Deck | null;
  errors: DeckError[];
  key: string | null;
  cards?: Card[];
  previous?: { deck: Deck; cards: Card[] };
} {
  const files = fingerprint(folder);
  const key = files ? keyOf(files) : null;
  const path = cachePath(cacheDir, name);
  if (files) {
    const cached = readCache(path, name, folder, files);
    if (cached) return { deck: cached.deck, errors: [], key, cards: cached.cards };
  }
  const loaded = loadDeckFolder(folder);
  if (write && loaded.deck && files) {
    const cards = writeCache(cacheDir, name, folder, files, loaded.deck);
    if (cards) return { ...loaded, key, cards };
  }
  if (!loaded.deck) {
    const last = readCache(path, name, folder, null);
    if (last) return { ...loaded, key, previous: last };
  }
  return { ...loaded, key };
}
