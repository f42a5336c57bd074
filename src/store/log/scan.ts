/**
 * A fast reader of the event log's answers and resets for the review log. The log's
 * lines are the `JSON.stringify` of flat events: this reads such a line's fields straight
 * from its bytes (no string or object per field), checking each as the log's loader does
 * (`eventProblem`), both following the fields' tables in `core/events.ts`. A line it does not take whole — another event type, an escape or a
 * non-ASCII byte in a string, an unknown, repeated or missing field, white space, a
 * number or instant in another form, anything out of range — is parsed and checked the
 * usual way. The two give the same rows (see the tests), this one several times faster.
 * A large log's two halves are read at once, in two worker threads (`worker.ts`).
 */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import {
  ANSWER_FIELDS,
  RESET_FIELDS,
  type CollectionEvent,
  type FieldSpec,
} from '../../core/events.js';
import { isValidTimeZone } from '../../core/time.js';
import { bundledScript, replyOf, type WorkerError } from '../../workers.js';
import { SCHED_KEYS } from '../../core/scheduler.js';
import { isTornTail, parseLine } from './codec.js';
import { logDamage } from './file.js';
import {
  addEvent,
  cardIndex,
  emptyRows,
  finished,
  joined,
  reserve,
  withoutUndone,
  type LogRows,
  type RowsBuilder,
} from '../../core/logrows.js';

const Q = 0x22; // "
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN = 0x7b; // {
const CLOSE = 0x7d; // }

const bytes = (keys: readonly string[]) => keys.map((k) => Buffer.from(k, 'latin1'));

/**
 * The keys of a line the scanner takes: `type` and `at`, the answer's fields as their
 * table declares them (a reset's are among them), and `seq`, in the order they are written.
 */
const FIELDS: Record<string, FieldSpec> = { ...ANSWER_FIELDS, ...RESET_FIELDS };
const TOP_NAMES = ['type', 'at', ...Object.keys(FIELDS), 'seq'];
const TOP = bytes(TOP_NAMES);
const TYPE = 0;
const AT = 1;
const SEQ = TOP_NAMES.length - 1;
const SPECS: (FieldSpec | null)[] = TOP_NAMES.map((n) => FIELDS[n] ?? null);
const at = (name: string) => TOP_NAMES.indexOf(name);
const CARD = at('card');
const RATING = at('rating');
const MS = at('ms');
const CRAM = at('cram');
const BEFORE = at('before');
const AFTER = at('after');
const bit = (...keys: number[]) => keys.reduce((m, k) => m | (1 << k), 0);
/** The fields a table requires, as bits of TOP. */
function required(fields: Record<string, FieldSpec>): number {
  const keys = Object.entries(fields)
    .filter(([, f]) => !f.optional)
    .map(([n]) => TOP_NAMES.indexOf(n));
  return bit(TYPE, AT, SEQ, ...keys);
}
/** The optional fields of a table, as bits of TOP. */
function optional(fields: Record<string, FieldSpec>): number {
  const keys = Object.entries(fields)
    .filter(([, f]) => f.optional)
    .map(([n]) => TOP_NAMES.indexOf(n));
  return bit(...keys);
}
const ANSWER_REQUIRED = required(ANSWER_FIELDS);
const ANSWER_OPTIONAL = optional(ANSWER_FIELDS);
const RESET_REQUIRED = required(RESET_FIELDS);
const RESET_OPTIONAL = optional(RESET_FIELDS);

const SCHED = bytes(SCHED_KEYS);
const STATE = SCHED_KEYS.indexOf('state');
const DUE = SCHED_KEYS.indexOf('due');
const STABILITY = SCHED_KEYS.indexOf('stability');
const DIFFICULTY = SCHED_KEYS.indexOf('difficulty');
const SCHEDULED_DAYS = SCHED_KEYS.indexOf('scheduledDays');
const LAST_REVIEW = SCHED_KEYS.indexOf('lastReview');
const SCHED_FIELDS = (1 << SCHED.length) - 1;
/** Card states in the order of `STATE_CODE`. */
const STATES = bytes(['new', 'learning', 'review', 'relearning']);
const TYPES = bytes(['answer', 'reset']);

/** A card state as scanned. */
export interface ScannedState {
  state: number;
  due: number;
  last: number;
  stability: number;
  difficulty: number;
  days: number;
}

/** A line scanned whole: an answer (type 0) or a reset (type 1). */
export interface Scanned {
  type: number;
  seq: number;
  at: number;
  cardStart: number;
  cardEnd: number;
  rating: number;
  ms: number;
  cram: boolean;
  before: ScannedState;
  after: ScannedState;
}

const state = (): ScannedState => ({
  state: 0,
  due: NaN,
  last: NaN,
  stability: 0,
  difficulty: 0,
  days: 0,
});

/** The scanner's current token: a string's bounds, a number's value. */
let strStart = 0;
let strEnd = 0;
let num = 0;

/** 10^k, exact for k up to 22. */
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

/** Is `b[s..e)` the bytes of `key`? */
function same(b: Uint8Array, s: number, e: number, key: Uint8Array): boolean {
  const n = e - s;
  if (key.length !== n) return false;
  let i = 0;
  while (i < n && b[s + i] === key[i]) i++;
  return i === n;
}

/** The index of the key `b[s..e)` in `keys`, or -1; tried first at `guess` (the writer's order). */
function keyIndex(
  b: Uint8Array,
  s: number,
  e: number,
  keys: readonly Uint8Array[],
  guess = 0,
): number {
  if (guess < keys.length && same(b, s, e, keys[guess] as Uint8Array)) return guess;
  for (let k = 0; k < keys.length; k++) if (same(b, s, e, keys[k] as Uint8Array)) return k;
  return -1;
}

/**
 * A string without escapes, of printable ASCII only, at `p`: sets its bounds and returns
 * the position after it, or -1.
 */
function scanString(b: Uint8Array, p: number, end: number): number {
  if (b[p] !== Q) return -1;
  const s = ++p;
  for (; p < end; p++) {
    const c = b[p] as number;
    if (c === Q) {
      strStart = s;
      strEnd = p;
      return p + 1;
    }
    if (c < 0x20 || c === 0x5c || c > 0x7e) return -1;
  }
  return -1;
}

const isDigit = (c: number | undefined) => c !== undefined && c >= 0x30 && c <= 0x39;

/**
 * A JSON number at `p`: sets its value and returns the position after it, or -1. Up to
 * 15 significant digits without an exponent, the value is the digits over a power of
 * ten: both exact, so their quotient is the correctly rounded value, as JSON.parse gives.
 * Other numbers are converted by Number(), which reads JSON's numbers as JSON.parse does.
 */
function scanNumber(b: Buffer, p: number, end: number): number {
  const start = p;
  const negative = b[p] === 0x2d;
  if (negative) p++;
  let m = 0;
  let digits = 0;
  if (b[p] === 0x30) p++;
  else if (isDigit(b[p]) && p < end) {
    for (; p < end && isDigit(b[p]); p++, digits++) m = m * 10 + ((b[p] as number) - 0x30);
  } else return -1;
  if (p < end && isDigit(b[p])) return -1; // a leading zero
  let frac = 0;
  if (p < end && b[p] === 0x2e) {
    const f = ++p;
    for (; p < end && isDigit(b[p]); p++) m = m * 10 + ((b[p] as number) - 0x30);
    frac = p - f;
    if (frac === 0) return -1;
    digits += frac;
  }
  let exponent = false;
  if (p < end && (b[p] === 0x65 || b[p] === 0x45)) {
    exponent = true;
    p++;
    if (b[p] === 0x2b || b[p] === 0x2d) p++;
    const e = p;
    while (p < end && isDigit(b[p])) p++;
    if (p === e) return -1;
  }
  if (exponent || digits > 15) num = Number(b.toString('latin1', start, p));
  else {
    const v = frac ? m / (POW10[frac] as number) : m;
    num = negative ? -v : v;
  }
  return p;
}

/** `true` or `false` at `p`: sets `num` to 1 or 0 and returns the position after it, or -1. */
function scanBoolean(b: Uint8Array, p: number): number {
  if (b[p] === 0x74 && b[p + 1] === 0x72 && b[p + 2] === 0x75 && b[p + 3] === 0x65) {
    num = 1;
    return p + 4;
  }
  if (
    b[p] === 0x66 &&
    b[p + 1] === 0x61 &&
    b[p + 2] === 0x6c &&
    b[p + 3] === 0x73 &&
    b[p + 4] === 0x65
  ) {
    num = 0;
    return p + 5;
  }
  return -1;
}

const isNull = (b: Uint8Array, p: number) =>
  b[p] === 0x6e && b[p + 1] === 0x75 && b[p + 2] === 0x6c && b[p + 3] === 0x6c;

const DAYS_BEFORE_MONTH = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/**
 * The instant of `b[s..e)` in the form `toISOString` writes (`2026-03-01T09:30:00.000Z`),
 * with every field in range, in ms; NaN for anything else.
 */
export function isoInstant(b: Uint8Array, s: number, e: number): number {
  if (e - s !== 24) return NaN;
  if (b[s + 4] !== 0x2d || b[s + 7] !== 0x2d || b[s + 10] !== 0x54) return NaN;
  if (b[s + 13] !== 0x3a || b[s + 16] !== 0x3a || b[s + 19] !== 0x2e || b[s + 23] !== 0x5a)
    return NaN;
  const d = (i: number) => {
    const c = (b[s + i] as number) - 0x30;
    return c >= 0 && c <= 9 ? c : NaN;
  };
  const year = d(0) * 1000 + d(1) * 100 + d(2) * 10 + d(3);
  const month = d(5) * 10 + d(6);
  const day = d(8) * 10 + d(9);
  const hour = d(11) * 10 + d(12);
  const minute = d(14) * 10 + d(15);
  const second = d(17) * 10 + d(18);
  const ms = d(20) * 100 + d(21) * 10 + d(22);
  if (Number.isNaN(year + month + day + hour + minute + second + ms)) return NaN;
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return NaN;
  const leap = isLeap(year);
  const monthDays =
    month === 2
      ? leap
        ? 29
        : 28
      : month === 4 || month === 6 || month === 9 || month === 11
        ? 30
        : 31;
  if (day > monthDays) return NaN;
  // Days since 1970-01-01: whole years (leap days counted to the year before), then this year's.
  const y = year - 1;
  const days =
    365 * (year - 1970) +
    (Math.floor(y / 4) - Math.floor(y / 100) + Math.floor(y / 400)) -
    477 + // the leap days before 1970: 1969/4 − 1969/100 + 1969/400
    (DAYS_BEFORE_MONTH[month - 1] as number) +
    (month > 2 && leap ? 1 : 0) +
    day -
    1;
  return ((days * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + ms;
}

/** An instant or null at `p` into `out[field]` (NaN for null); the position after it, or -1. */
function scanInstantOrNull(b: Buffer, p: number, end: number): number {
  if (isNull(b, p)) {
    num = NaN;
    return p + 4;
  }
  const q = scanString(b, p, end);
  if (q < 0) return -1;
  num = isoInstant(b, strStart, strEnd);
  return Number.isNaN(num) ? -1 : q;
}

const isCount = (v: number) => Number.isInteger(v) && v >= 0;

/** A card state (`isSched`'s checks) at `p` into `out`: the position after it, or -1. */
function scanState(b: Buffer, p: number, end: number, out: ScannedState): number {
  if (b[p] !== OPEN) return -1;
  p++;
  let seen = 0;
  let count = true;
  let k = -1;
  for (;;) {
    p = scanString(b, p, end);
    if (p < 0) return -1;
    k = keyIndex(b, strStart, strEnd, SCHED, k + 1);
    if (k < 0 || seen & (1 << k) || b[p] !== COLON) return -1;
    seen |= 1 << k;
    p++;
    if (k === STATE) {
      p = scanString(b, p, end);
      if (p < 0) return -1;
      out.state = keyIndex(b, strStart, strEnd, STATES);
      if (out.state < 0) return -1;
    } else if (k === DUE || k === LAST_REVIEW) {
      p = scanInstantOrNull(b, p, end);
      if (p < 0) return -1;
      if (k === DUE) out.due = num;
      else out.last = num;
    } else {
      p = scanNumber(b, p, end);
      if (p < 0 || !Number.isFinite(num)) return -1;
      if (k === STABILITY) out.stability = num;
      else if (k === DIFFICULTY) out.difficulty = num;
      else if (k === SCHEDULED_DAYS) out.days = num;
      else count &&= isCount(num);
    }
    const c = b[p++];
    if (c === COMMA) continue;
    if (c === CLOSE) break;
    return -1;
  }
  if (seen !== SCHED_FIELDS || !count || !(out.days >= 0)) return -1;
  const { stability: s, difficulty: d } = out;
  const none = s === 0 && d === 0;
  const memory = d >= 1 && d <= 10 && s >= 0.001 && s <= 36500;
  return (out.state === 0 ? none || memory : memory) ? p : -1;
}

/** Time zones already found valid, as bytes. */
const zones: Buffer[] = [];

function validZone(b: Buffer, s: number, e: number): boolean {
  for (const z of zones) if (same(b, s, e, z)) return true;
  if (!isValidTimeZone(b.toString('latin1', s, e))) return false;
  zones.push(Buffer.from(b.subarray(s, e)));
  return true;
}

/** Per key of TOP, what the line held: a number (or 0/1 for a flag), or a string's bounds. */
const nums = new Float64Array(TOP_NAMES.length);
const strS = new Int32Array(TOP_NAMES.length);
const strE = new Int32Array(TOP_NAMES.length);

/**
 * Reads the line `b[s..e)` (no newline) into `out` if it is an answer or a reset taken
 * whole, with every check the loader makes (those of the fields' tables); false otherwise
 * (the line must then be parsed the usual way, which reads anything this does not, or
 * finds what is wrong).
 */
export function scanLine(b: Buffer, s: number, e: number, out: Scanned): boolean {
  if (b[s] !== OPEN || b[e - 1] !== CLOSE) return false;
  let p = s + 1;
  let seen = 0;
  let k = -1;
  for (;;) {
    p = scanString(b, p, e);
    if (p < 0) return false;
    k = keyIndex(b, strStart, strEnd, TOP, k + 1);
    if (k < 0 || seen & (1 << k) || b[p] !== COLON) return false;
    seen |= 1 << k;
    p++;
    if (k === TYPE) {
      p = scanString(b, p, e);
      if (p >= 0) out.type = keyIndex(b, strStart, strEnd, TYPES);
      if (out.type < 0) return false;
    } else if (k === AT) {
      p = scanString(b, p, e);
      if (p >= 0) out.at = isoInstant(b, strStart, strEnd);
      if (Number.isNaN(out.at)) return false;
    } else if (k === SEQ) {
      p = scanNumber(b, p, e);
      out.seq = num;
    } else {
      p = scanField(b, p, e, k, out);
    }
    if (p < 0) return false;
    const c = b[p++];
    if (c === COMMA) continue;
    if (c === CLOSE && p === e) break;
    return false;
  }
  if (!Number.isInteger(out.seq) || out.seq <= 0) return false;
  out.cardStart = strS[CARD] as number;
  out.cardEnd = strE[CARD] as number;
  if (out.type === 1) return (seen & ~RESET_OPTIONAL) === RESET_REQUIRED;
  if ((seen & ~ANSWER_OPTIONAL) !== ANSWER_REQUIRED) return false;
  out.rating = nums[RATING] as number;
  out.ms = nums[MS] as number;
  out.cram = seen & (1 << CRAM) ? nums[CRAM] === 1 : false;
  return true;
}

/** One field of a table at `p`, checked by its kind: the position after it, or -1. */
function scanField(b: Buffer, p: number, e: number, k: number, out: Scanned): number {
  const spec = SPECS[k] as FieldSpec;
  switch (spec.kind) {
    case 'string':
    case 'zone':
      p = scanString(b, p, e);
      if (p < 0) return -1;
      strS[k] = strStart;
      strE[k] = strEnd;
      return spec.kind === 'zone' && !validZone(b, strStart, strEnd) ? -1 : p;
    case 'sched':
      return scanState(b, p, e, k === AFTER ? out.after : k === BEFORE ? out.before : state());
    case 'flag':
      p = scanBoolean(b, p);
      nums[k] = num;
      return p;
    default: {
      p = scanNumber(b, p, e);
      if (p < 0 || !Number.isFinite(num)) return -1;
      nums[k] = num;
      if (spec.kind === 'rating') return num === 1 || num === 2 || num === 3 || num === 4 ? p : -1;
      if (spec.kind === 'hour') return Number.isInteger(num) && num >= 0 && num < 24 ? p : -1;
      return p;
    }
  }
}

export function scanned(): Scanned {
  return {
    type: 0,
    seq: 0,
    at: NaN,
    cardStart: 0,
    cardEnd: 0,
    rating: 0,
    ms: 0,
    cram: false,
    before: state(),
    after: state(),
  };
}

/**
 * The card ids met, by their bytes: a hash table (open addressing), so that a line's card
 * id becomes a string only the first time it is met.
 */
class CardTable {
  /** Per slot: the card's index in the rows + 1 (0: empty), its hash, its bytes in `store`. */
  private card = new Int32Array(1 << 12);
  private hash = new Int32Array(1 << 12);
  private start = new Int32Array(1 << 12);
  private length = new Int32Array(1 << 12);
  private store = Buffer.alloc(1 << 16);
  private used = 0;
  private count = 0;

  constructor(private readonly rows: RowsBuilder) {}

  /** The index in the rows' `cards` of the card id `b[s..e)` (ASCII). */
  index(b: Buffer, s: number, e: number): number {
    let h = 0x811c9dc5 | 0; // as an Int32Array holds it
    for (let i = s; i < e; i++) h = Math.imul(h ^ (b[i] as number), 0x01000193);
    const mask = this.card.length - 1;
    const n = e - s;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const c = this.card[slot] as number;
      if (c === 0) return this.add(slot, h, b, s, e);
      if (this.hash[slot] === h && this.length[slot] === n) {
        const at = this.start[slot] as number;
        let i = 0;
        while (i < n && this.store[at + i] === b[s + i]) i++;
        if (i === n) return c - 1;
      }
    }
  }

  private add(slot: number, h: number, b: Buffer, s: number, e: number): number {
    const c = cardIndex(this.rows, b.toString('latin1', s, e));
    if (this.used + (e - s) > this.store.length) {
      const bigger = Buffer.alloc(2 * (this.store.length + (e - s)));
      this.store.copy(bigger, 0, 0, this.used);
      this.store = bigger;
    }
    b.copy(this.store, this.used, s, e);
    this.card[slot] = c + 1;
    this.hash[slot] = h;
    this.start[slot] = this.used;
    this.length[slot] = e - s;
    this.used += e - s;
    if (++this.count * 2 > this.card.length) this.grow();
    return c;
  }

  /** Twice the slots, every entry moved to its place among them. */
  private grow(): void {
    const { card, hash, start, length } = this;
    const size = 2 * card.length;
    this.card = new Int32Array(size);
    this.hash = new Int32Array(size);
    this.start = new Int32Array(size);
    this.length = new Int32Array(size);
    const mask = size - 1;
    for (let i = 0; i < card.length; i++) {
      if (card[i] === 0) continue;
      let slot = (hash[i] as number) & mask;
      while (this.card[slot] !== 0) slot = (slot + 1) & mask;
      this.card[slot] = card[i] as number;
      this.hash[slot] = hash[i] as number;
      this.start[slot] = start[i] as number;
      this.length[slot] = length[i] as number;
    }
  }
}

/**
 * The rows of the log's lines in bytes `start` to `end` (a whole number of lines; lines
 * numbered from `start`), undone ones still in: as `readRows(eachEvent(path, range))`,
 * with the same checks and errors. Reads only.
 */
export function scanLogRows(
  path: string,
  range: { start: number; end: number } = { start: 0, end: Infinity },
  chunk = 8 << 20,
): LogRows {
  const r: RowsBuilder = emptyRows(1 << 16);
  if (!existsSync(path)) return finished(r);
  const line = scanned();
  const cards = new CardTable(r);
  const fd = openSync(path, 'r');
  try {
    let buf = Buffer.alloc(chunk);
    let have = 0; // bytes in buf, from its start
    let at = range.start; // file offset of buf[0]
    let lineNo = 0;
    let lastSeq = 0;
    for (;;) {
      const want = Math.min(buf.length - have, range.end - at - have);
      const n = want > 0 ? readSync(fd, buf, have, want, at + have) : 0;
      have += n;
      let pos = 0;
      for (;;) {
        const nl = buf.indexOf(0x0a, pos);
        if (nl === -1 || nl >= have) break;
        lineNo++;
        if (scanLine(buf, pos, nl, line) && line.seq > lastSeq) {
          lastSeq = line.seq;
          addScanned(r, cards, buf, line);
        } else {
          const text = buf.toString('utf8', pos, nl);
          if (text.trim() !== '') {
            const parsed = parseLine(text);
            if ('problem' in parsed) throw logDamage(path, lineNo, parsed.problem);
            const ev: CollectionEvent = parsed.event;
            if (ev.seq <= lastSeq) throw logDamage(path, lineNo, `event ${ev.seq} is out of order`);
            lastSeq = ev.seq;
            addEvent(r, ev);
          }
        }
        pos = nl + 1;
      }
      if (n <= 0) {
        if (!isTornTail(buf.subarray(pos, have)))
          throw logDamage(path, lineNo + 1, 'the last line is not an event');
        break;
      }
      // Keep the part line; a line longer than the buffer gets a buffer twice as big.
      buf.copy(buf, 0, pos, have);
      have -= pos;
      at += pos;
      if (have === buf.length) {
        const bigger = Buffer.alloc(2 * buf.length);
        buf.copy(bigger, 0, 0, have);
        buf = bigger;
      }
    }
  } finally {
    closeSync(fd);
  }
  return finished(r);
}

/** Adds a scanned line's row (as `addEvent` would its event's). */
function addScanned(r: RowsBuilder, cards: CardTable, b: Buffer, e: Scanned): void {
  if (r.firstSeq === Infinity) r.firstSeq = e.seq;
  r.lastSeq = e.seq;
  if (e.type === 0) {
    if (e.at < r.firstAnswer) r.firstAnswer = e.at;
    if (e.cram) return;
  }
  const i = reserve(r);
  r.card[i] = cards.index(b, e.cardStart, e.cardEnd);
  r.seq[i] = e.seq;
  r.at[i] = e.at;
  setScanned(r.before, i, e.before);
  if (e.type === 1) {
    r.ease[i] = 0;
    r.ms[i] = 0;
    r.difficulty[i] = 0;
    r.after.state[i] = 0;
  } else {
    r.ease[i] = e.rating;
    r.ms[i] = e.ms;
    r.difficulty[i] = e.after.difficulty;
    setScanned(r.after, i, e.after);
  }
}

function setScanned(c: LogRows['before'], i: number, s: ScannedState): void {
  c.state[i] = s.state;
  c.days[i] = s.days;
  // Only a (re)learning state's interval is counted from its times.
  const timed = s.state === 1 || s.state === 3;
  c.due[i] = timed ? s.due : NaN;
  c.last[i] = timed ? s.last : NaN;
}

/** The worker's reply: the rows of its stretch of the log, or that it met an error. */
export type WorkerReply = { rows: LogRows } | WorkerError;

/** The rows of the log's bytes `start` to `end` (a whole number of lines), read in a worker. */
function inWorker(script: string, path: string, start: number, end: number): Promise<LogRows> {
  const worker = new Worker(script, { workerData: { log: path, start, end } });
  return replyOf<{ rows: LogRows }>(worker, 'the log reader')
    .then((reply) => reply.rows)
    .finally(() => void worker.terminate());
}

/** Where the line after the middle of the log starts, or null when the log is small. */
function middle(path: string): { mid: number; size: number } | null {
  const size = existsSync(path) ? statSync(path).size : 0;
  if (size < 4 << 20) return null;
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(1 << 20);
    const n = readSync(fd, buf, 0, buf.length, Math.floor(size / 2));
    const nl = buf.subarray(0, n).indexOf(0x0a);
    return nl === -1 ? null : { mid: Math.floor(size / 2) + nl + 1, size };
  } finally {
    closeSync(fd);
  }
}

/**
 * The log's rows (see `scanLogRows`). From the bundled command, a large log's two halves
 * are read at once in two worker threads (while the collection is opened and the notes
 * built); should either meet anything amiss, the log is read again in order, on this
 * thread, for the exact error. Reads only.
 */
export async function readLogRows(path: string): Promise<LogRows> {
  const script = bundledScript('log-worker.js');
  const split = script ? middle(path) : null;
  if (script && split) {
    const halves = await Promise.allSettled([
      inWorker(script, path, 0, split.mid),
      inWorker(script, path, split.mid, split.size),
    ]);
    const [a, b] = halves;
    if (
      a.status === 'fulfilled' &&
      b.status === 'fulfilled' &&
      (a.value.lastSeq < b.value.firstSeq || b.value.firstSeq === Infinity)
    )
      return withoutUndone(joined(a.value, b.value));
  }
  return withoutUndone(scanLogRows(path));
}
