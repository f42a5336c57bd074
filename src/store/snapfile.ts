/**
 * The snapshot's file format (schema 2): a small JSON document (settings, decks, day
 * counters, the log positions, the devices) followed by the card table in columns, the
 * whole covered by a CRC-32. Reading 100k cards is then a handful of typed-array views
 * and one string split per text column, not the parse of a 36 MB JSON document and a
 * shape check of every record: what was written whole and checks out is what this
 * writer wrote.
 *
 *   0   "SRECSNAP"                   magic (8 bytes)
 *   8   u32 LE  container version (1)
 *   12  u32 LE  CRC-32 of every byte from 16 to the end
 *   16  u32 LE  length H of the header
 *   20  H bytes header, JSON: the document without cards and `last`, plus the layout
 *   ..  columns, each 8-byte aligned from the file's start, in the order of `layout`
 *
 * A card that does not fit the columns (a field of another version, a NUL in a text, a
 * time of its last change not in the form `toISOString` writes) is kept whole in the
 * header's `odd` list: every card round-trips exactly.
 */
import { crc32 } from 'node:zlib';
import type { CardRecord, CollectionState } from '../core/model.js';
import type { EventKey } from '../core/merge.js';
import { SCHED_KEYS, type CardStateName, type SchedState } from '../core/scheduler.js';

export const MAGIC = 'SRECSNAP';
const CONTAINER = 1;
const HEAD = 20;

const STATES: readonly CardStateName[] = ['new', 'learning', 'review', 'relearning'];
const CARD_FIELDS = new Set([
  'id',
  'note',
  'deck',
  'sched',
  'suspended',
  'buriedDay',
  'retired',
  'hash',
  'mod',
  'leech',
  'flag',
  'marked',
  'added',
]);
/** A scheduling state's fields, as the scheduler lists them. */
const SCHED_FIELDS = new Set<string>(SCHED_KEYS);

/** Does the file's content start as a snapshot of this format? */
export function isSnapFile(buf: Uint8Array): boolean {
  return buf.length >= 8 && Buffer.from(buf.buffer, buf.byteOffset, 8).toString('latin1') === MAGIC;
}

/** An instant as a number when `toISOString` gives the same text back; null as NaN. */
function instant(s: string | null): number | undefined {
  if (s === null) return NaN;
  const t = Date.parse(s);
  return Number.isFinite(t) && new Date(t).toISOString() === s ? t : undefined;
}

const iso = (t: number): string | null => (Number.isNaN(t) ? null : new Date(t).toISOString());

const u32ok = (v: unknown): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < 0xffffffff;

/** Can the card be written in the columns without losing anything? */
function columnar(c: CardRecord, last: EventKey | undefined): boolean {
  for (const k in c) if (!CARD_FIELDS.has(k)) return false;
  const s = c.sched;
  for (const k in s) if (!SCHED_FIELDS.has(k)) return false;
  if (!STATES.includes(s.state)) return false;
  // Times are kept as written; '' stands for null.
  for (const t of [s.due, s.lastReview])
    if (t !== null && (typeof t !== 'string' || t === '' || t.includes('\0'))) return false;
  if (!u32ok(s.reps) || !u32ok(s.lapses) || !u32ok(s.step)) return false;
  if (c.flag !== undefined && !(Number.isInteger(c.flag) && c.flag >= 0 && c.flag <= 7))
    return false;
  if (typeof c.suspended !== 'boolean' || typeof c.retired !== 'boolean') return false;
  if (c.leech !== undefined && typeof c.leech !== 'boolean') return false;
  if (c.marked !== undefined && typeof c.marked !== 'boolean') return false;
  for (const t of [c.id, c.note, c.hash])
    if (typeof t !== 'string' || t.includes('\0')) return false;
  if (typeof c.deck !== 'string' || typeof c.mod !== 'string') return false;
  if (c.added !== undefined && typeof c.added !== 'string') return false;
  if (c.buriedDay !== null && typeof c.buriedDay !== 'string') return false;
  if (last && (instant(last[0]) === undefined || !Number.isSafeInteger(last[2]))) return false;
  return true;
}

/**
 * A number column of a file's bytes as a typed array: viewed in place when it sits at a
 * multiple of the element's size in memory (a file read whole has its own buffer, which
 * starts aligned, and the columns are 8-byte aligned from the file's start), else copied.
 */
export function viewColumn(
  buf: Uint8Array,
  kind: 'f64' | 'u32' | 'u8',
  at: number,
  bytes: number,
): Float64Array | Uint32Array | Uint8Array {
  const size = kind === 'f64' ? 8 : kind === 'u32' ? 4 : 1;
  let from = { buffer: buf.buffer, offset: buf.byteOffset + at };
  if (from.offset % size !== 0) {
    const copy = new Uint8Array(bytes);
    copy.set(buf.subarray(at, at + bytes));
    from = { buffer: copy.buffer, offset: 0 };
  }
  if (kind === 'f64') return new Float64Array(from.buffer, from.offset, bytes / 8);
  if (kind === 'u32') return new Uint32Array(from.buffer, from.offset, bytes / 4);
  return new Uint8Array(from.buffer, from.offset, bytes);
}

/** A string column's values joined by NUL. */
function joined(values: string[]): Buffer {
  return Buffer.from(values.join('\0'), 'utf8');
}

function split(buf: Buffer, n: number): string[] {
  if (n === 0) return [];
  const out = buf.toString('utf8').split('\0');
  if (out.length !== n) throw new Error('a text column has the wrong count');
  return out;
}

/** Values of a column with few distinct values, as indexes into a list (0 is absent). */
class Dict {
  readonly values: (string | null)[] = [];
  private readonly index = new Map<string | null, number>();
  code(v: string | null | undefined): number {
    if (v === undefined) return 0;
    let i = this.index.get(v);
    if (i === undefined) {
      this.values.push(v);
      i = this.values.length;
      this.index.set(v, i);
    }
    return i;
  }
}

type ColumnKind = 'f64' | 'u32' | 'u8' | 'text';
interface ColumnInfo {
  name: string;
  kind: ColumnKind;
  bytes: number;
}

interface Header extends Omit<CollectionState, 'cards' | 'last'> {
  n: number;
  layout: ColumnInfo[];
  dicts: Record<string, (string | null)[]>;
  /** Cards kept whole, in their places (kind 1 in the `kind` column). */
  odd: CardRecord[];
  /** Their entries of `last`, and any entry of a card not in the table. */
  oddLast: Record<string, EventKey>;
  /** `last` was present (even empty). */
  hasLast: boolean;
}

// Bits of the `bits` column.
const SUSPENDED = 1;
const RETIRED = 2;
const HAS_LEECH = 4;
const LEECH = 8;
const HAS_MARKED = 16;
const MARKED = 32;
const HAS_LAST = 64;
const NO_FLAG = 255;

/** Encodes a state as the file's bytes. */
export function encodeSnap(state: CollectionState): Buffer {
  const { cards, last, ...doc } = state;
  const ids = Object.keys(cards);
  const n = ids.length;
  const kind = new Uint8Array(n);
  const stateCol = new Uint8Array(n);
  const bits = new Uint8Array(n);
  const flag = new Uint8Array(n);
  const stability = new Float64Array(n);
  const difficulty = new Float64Array(n);
  const scheduledDays = new Float64Array(n);
  const reps = new Uint32Array(n);
  const lapses = new Uint32Array(n);
  const step = new Uint32Array(n);
  const deck = new Uint32Array(n);
  const mod = new Uint32Array(n);
  const added = new Uint32Array(n);
  const buried = new Uint32Array(n);
  const lastAt = new Float64Array(n);
  const lastDev = new Uint32Array(n);
  const lastSeq = new Float64Array(n);
  const idText: string[] = [];
  const noteText: string[] = [];
  const hashText: string[] = [];
  const dueText: string[] = [];
  const lastReviewText: string[] = [];
  const decks = new Dict();
  const mods = new Dict();
  const days = new Dict();
  const devs = new Dict();
  const odd: CardRecord[] = [];
  const oddLast: Record<string, EventKey> = {};
  for (let i = 0; i < n; i++) {
    const id = ids[i] as string;
    const c = cards[id] as CardRecord;
    const l = last?.[id];
    if (c.id !== id || !columnar(c, l)) {
      kind[i] = 1;
      odd.push(c);
      if (l) oddLast[id] = l;
      idText.push('');
      noteText.push('');
      hashText.push('');
      dueText.push('');
      lastReviewText.push('');
      continue;
    }
    const s = c.sched;
    idText.push(id);
    noteText.push(c.note);
    hashText.push(c.hash);
    stateCol[i] = STATES.indexOf(s.state);
    bits[i] =
      (c.suspended ? SUSPENDED : 0) |
      (c.retired ? RETIRED : 0) |
      (c.leech !== undefined ? HAS_LEECH | (c.leech ? LEECH : 0) : 0) |
      (c.marked !== undefined ? HAS_MARKED | (c.marked ? MARKED : 0) : 0) |
      (l ? HAS_LAST : 0);
    flag[i] = c.flag === undefined ? NO_FLAG : c.flag;
    dueText.push(s.due ?? '');
    lastReviewText.push(s.lastReview ?? '');
    stability[i] = s.stability;
    difficulty[i] = s.difficulty;
    scheduledDays[i] = s.scheduledDays;
    reps[i] = s.reps;
    lapses[i] = s.lapses;
    step[i] = s.step;
    deck[i] = decks.code(c.deck);
    mod[i] = mods.code(c.mod);
    added[i] = mods.code(c.added);
    buried[i] = days.code(c.buriedDay);
    if (l) {
      lastAt[i] = instant(l[0]) as number;
      lastDev[i] = devs.code(l[1]);
      lastSeq[i] = l[2];
    }
  }
  for (const id in last ?? {})
    if (!(id in cards)) oddLast[id] = (last as Record<string, EventKey>)[id] as EventKey;
  const columns: [string, ColumnKind, Uint8Array][] = [
    ['kind', 'u8', kind],
    ['state', 'u8', stateCol],
    ['bits', 'u8', bits],
    ['flag', 'u8', flag],
    ['stability', 'f64', u8(stability)],
    ['difficulty', 'f64', u8(difficulty)],
    ['scheduledDays', 'f64', u8(scheduledDays)],
    ['reps', 'u32', u8(reps)],
    ['lapses', 'u32', u8(lapses)],
    ['step', 'u32', u8(step)],
    ['deck', 'u32', u8(deck)],
    ['mod', 'u32', u8(mod)],
    ['added', 'u32', u8(added)],
    ['buriedDay', 'u32', u8(buried)],
    ['lastAt', 'f64', u8(lastAt)],
    ['lastDev', 'u32', u8(lastDev)],
    ['lastSeq', 'f64', u8(lastSeq)],
    ['id', 'text', joined(idText)],
    ['note', 'text', joined(noteText)],
    ['hash', 'text', joined(hashText)],
    ['due', 'text', joined(dueText)],
    ['lastReview', 'text', joined(lastReviewText)],
  ];
  const header: Header = {
    ...doc,
    n,
    layout: columns.map(([name, k, b]) => ({ name, kind: k, bytes: b.byteLength })),
    dicts: { deck: decks.values, mod: mods.values, day: days.values, dev: devs.values },
    odd,
    oddLast,
    hasLast: last !== undefined,
  };
  const head = Buffer.from(JSON.stringify(header), 'utf8');
  let size = align(HEAD + head.length);
  for (const [, , b] of columns) size = align(size + b.byteLength);
  const out = Buffer.alloc(size);
  out.write(MAGIC, 0, 'latin1');
  out.writeUInt32LE(CONTAINER, 8);
  out.writeUInt32LE(head.length, 16);
  head.copy(out, HEAD);
  let at = align(HEAD + head.length);
  for (const [, , b] of columns) {
    out.set(b, at);
    at = align(at + b.byteLength);
  }
  out.writeUInt32LE(crc32(out.subarray(16)), 12);
  return out;
}

const align = (x: number) => (x + 7) & ~7;
const u8 = (a: Float64Array | Uint32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** Why the bytes are not a whole snapshot of this format, or null. */
export function snapDamage(buf: Buffer): string | null {
  if (buf.length < HEAD) return 'it is truncated';
  const v = buf.readUInt32LE(8);
  if (v !== CONTAINER) return `its container version ${v} is unknown`;
  if (crc32(buf.subarray(16)) !== buf.readUInt32LE(12))
    return 'its checksum does not match, perhaps truncated or overwritten';
  return null;
}

/**
 * Decodes a snapshot checked with `snapDamage` into the document it was made from (the
 * schema as written; the caller migrates and checks the small parts).
 */
export function decodeSnap(buf: Buffer): Record<string, unknown> {
  const hlen = buf.readUInt32LE(16);
  const header = JSON.parse(buf.toString('utf8', HEAD, HEAD + hlen)) as Header;
  const { n, layout, dicts, odd, oddLast, hasLast, ...doc } = header;
  // The columns, viewed in place where they are aligned in memory.
  const col: Record<string, Uint8Array | Float64Array | Uint32Array | Buffer> = {};
  let at = align(HEAD + hlen);
  for (const c of layout) {
    if (at + c.bytes > buf.length) throw new Error('a column runs past the end');
    col[c.name] =
      c.kind === 'f64' || c.kind === 'u32' || c.kind === 'u8'
        ? viewColumn(buf, c.kind, at, c.bytes)
        : buf.subarray(at, at + c.bytes);
    at = align(at + c.bytes);
  }
  const f64 = (k: string) => col[k] as Float64Array;
  const u32 = (k: string) => col[k] as Uint32Array;
  const by = (k: string) => col[k] as Uint8Array;
  const [kind, stateCol, bits, flag] = [by('kind'), by('state'), by('bits'), by('flag')];
  const [stability, difficulty, scheduledDays] = [
    f64('stability'),
    f64('difficulty'),
    f64('scheduledDays'),
  ];
  const [reps, lapses, step, deck, mod, added, buried] = [
    u32('reps'),
    u32('lapses'),
    u32('step'),
    u32('deck'),
    u32('mod'),
    u32('added'),
    u32('buriedDay'),
  ];
  const [lastAt, lastDev, lastSeq] = [f64('lastAt'), u32('lastDev'), f64('lastSeq')];
  const ids = split(col.id as Buffer, n);
  const notes = split(col.note as Buffer, n);
  const hashes = split(col.hash as Buffer, n);
  // Times as written (text), or as numbers (the first files of this format).
  const times = (k: string): (string | null)[] => {
    const c = col[k];
    if (c instanceof Float64Array) return Array.from(c, iso);
    return split(c as Buffer, n).map((t) => t || null);
  };
  const dues = times('due');
  const lastReviews = times('lastReview');
  const decks = dicts.deck as string[];
  const mods = dicts.mod as string[];
  const days = dicts.day as (string | null)[];
  const devs = dicts.dev as string[];
  const cards: Record<string, CardRecord> = {};
  const last: Record<string, EventKey> = {};
  let nextOdd = 0;
  for (let i = 0; i < n; i++) {
    if (kind[i] === 1) {
      const c = odd[nextOdd++] as CardRecord;
      cards[c.id] = c;
      const l = oddLast[c.id];
      if (l) last[c.id] = l;
      continue;
    }
    const id = ids[i] as string;
    const b = bits[i] as number;
    const sched: SchedState = {
      state: STATES[stateCol[i] as number] as CardStateName,
      due: dues[i] ?? null,
      stability: stability[i] as number,
      difficulty: difficulty[i] as number,
      reps: reps[i] as number,
      lapses: lapses[i] as number,
      step: step[i] as number,
      scheduledDays: scheduledDays[i] as number,
      lastReview: lastReviews[i] ?? null,
    };
    const c: CardRecord = {
      id,
      note: notes[i] as string,
      deck: decks[(deck[i] as number) - 1] as string,
      sched,
      suspended: (b & SUSPENDED) !== 0,
      buriedDay: days[(buried[i] as number) - 1] ?? null,
      retired: (b & RETIRED) !== 0,
      hash: hashes[i] as string,
      mod: mods[(mod[i] as number) - 1] as string,
    };
    if (b & HAS_LEECH) c.leech = (b & LEECH) !== 0;
    if (flag[i] !== NO_FLAG) c.flag = flag[i];
    if (b & HAS_MARKED) c.marked = (b & MARKED) !== 0;
    const a = added[i] as number;
    if (a !== 0) c.added = mods[a - 1] as string;
    cards[id] = c;
    if (b & HAS_LAST)
      last[id] = [
        iso(lastAt[i] as number) as string,
        devs[(lastDev[i] as number) - 1] as string,
        lastSeq[i] as number,
      ];
  }
  for (const id in oddLast) if (!(id in cards)) last[id] = oddLast[id] as EventKey;
  return { ...doc, cards, ...(hasLast ? { last } : {}) };
}
