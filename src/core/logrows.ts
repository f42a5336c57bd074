/**
 * The review log in columns (no object per event), for a large export: one pass over the
 * events, in order, leaving out undone events and cram answers (the rules of
 * `reviewlog.ts`). The log's file is read into these by `store/log/scan.ts`.
 */
import type { CollectionEvent } from './events.js';
import { isScheduling } from './reviewlog.js';
import type { SchedState } from './scheduler.js';

/** A card state's code in `LogRows`. */
export const STATE_CODE: Record<SchedState['state'], number> = {
  new: 0,
  learning: 1,
  review: 2,
  relearning: 3,
};

/** What a review-log interval needs of a card state: its code, days, due and last review (ms, NaN when none). */
export interface StateColumns {
  state: Uint8Array;
  days: Float64Array;
  due: Float64Array;
  last: Float64Array;
}

export interface LogRows {
  length: number;
  /** The time of the first answer (cram and undone ones too), Infinity when none. */
  firstAnswer: number;
  /** The distinct card ids; `card` indexes into it. */
  cards: string[];
  card: Int32Array;
  /** The event's sequence number. */
  seq: Float64Array;
  /** The event's time, ms. */
  at: Float64Array;
  /** 0 for a reset, else the rating. */
  ease: Uint8Array;
  /** Milliseconds taken (answers). */
  ms: Float64Array;
  /** FSRS difficulty after the answer. */
  difficulty: Float64Array;
  before: StateColumns;
  /** After the answer; a reset's is new. */
  after: StateColumns;
  /** Sequence numbers of the events undone, not yet left out of the rows. */
  undone: number[];
  /** The first and last sequence numbers read (Infinity and 0 when none). */
  firstSeq: number;
  lastSeq: number;
}

const STATE_BUFFERS = 4;
const BUFFERS = 6 + 2 * STATE_BUFFERS;

/** Room for `bytes`: in memory threads share (see `joined`), or this thread's own. */
const room = (bytes: number, shared: boolean) =>
  shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);

function states(n: number, shared = false): StateColumns {
  return {
    state: new Uint8Array(room(n, shared)),
    days: new Float64Array(room(8 * n, shared)),
    due: new Float64Array(room(8 * n, shared)),
    last: new Float64Array(room(8 * n, shared)),
  };
}

/** Rows being read: room for more, and where each card id is in `cards`. */
export interface RowsBuilder extends LogRows {
  index: Map<string, number>;
}

export function emptyRows(n: number): RowsBuilder {
  return {
    length: 0,
    firstAnswer: Infinity,
    cards: [],
    index: new Map(),
    card: new Int32Array(n),
    seq: new Float64Array(n),
    at: new Float64Array(n),
    ease: new Uint8Array(n),
    ms: new Float64Array(n),
    difficulty: new Float64Array(n),
    before: states(n),
    after: states(n),
    undone: [],
    firstSeq: Infinity,
    lastSeq: 0,
  };
}

/** The rows' columns cut or grown to room for `size`, in place (`shared`: see `joined`). */
function resize(r: LogRows, size: number, shared = false): void {
  const n = Math.min(r.length, size);
  const copy = <T extends Uint8Array | Int32Array | Float64Array>(a: T, b: T): T => {
    b.set(a.subarray(0, n));
    return b;
  };
  r.card = copy(r.card, new Int32Array(room(4 * size, shared)));
  r.seq = copy(r.seq, new Float64Array(room(8 * size, shared)));
  r.at = copy(r.at, new Float64Array(room(8 * size, shared)));
  r.ease = copy(r.ease, new Uint8Array(room(size, shared)));
  r.ms = copy(r.ms, new Float64Array(room(8 * size, shared)));
  r.difficulty = copy(r.difficulty, new Float64Array(room(8 * size, shared)));
  for (const k of ['before', 'after'] as const) {
    const to = states(size, shared);
    to.state = copy(r[k].state, to.state);
    to.days = copy(r[k].days, to.days);
    to.due = copy(r[k].due, to.due);
    to.last = copy(r[k].last, to.last);
    r[k] = to;
  }
}

/** The index of a new row at the end (the columns grow as needed). */
export function reserve(r: RowsBuilder): number {
  const i = r.length;
  if (i === r.card.length) resize(r, 2 * i);
  r.length = i + 1;
  return i;
}

/** The card's index in `cards` (added when new). */
export function cardIndex(r: RowsBuilder, id: string): number {
  let c = r.index.get(id);
  if (c === undefined) {
    c = r.cards.length;
    r.cards.push(id);
    r.index.set(id, c);
  }
  return c;
}

/** The rows read, in columns of their length. */
export function finished(r: RowsBuilder | LogRows): LogRows {
  if (r.length !== r.card.length) resize(r, r.length);
  const { index: _, ...rows } = r as RowsBuilder;
  return rows;
}

const instant = (s: string | null) => (s ? Date.parse(s) : NaN);

function setState(c: StateColumns, i: number, s: SchedState): void {
  const state = STATE_CODE[s.state];
  c.state[i] = state;
  c.days[i] = s.scheduledDays;
  // Only a (re)learning state's interval is counted from its times.
  const timed = state === STATE_CODE.learning || state === STATE_CODE.relearning;
  c.due[i] = timed ? instant(s.due) : NaN;
  c.last[i] = timed ? instant(s.lastReview) : NaN;
}

/** Reads the events once, in order. */
export function collectLogRows(
  events: Iterable<CollectionEvent>,
  undone: ReadonlySet<number> = new Set(),
): LogRows {
  const r = readRows(events);
  for (const seq of undone) r.undone.push(seq);
  return withoutUndone(r);
}

/** The rows of the events, undone ones still in (see `withoutUndone`). */
export function readRows(events: Iterable<CollectionEvent>): LogRows {
  const r = emptyRows(1024);
  for (const e of events) addEvent(r, e);
  return finished(r);
}

/** Adds an event's row, if it makes one (an answer or a reset), in the log's order. */
export function addEvent(r: RowsBuilder, e: CollectionEvent): void {
  if (r.firstSeq === Infinity) r.firstSeq = e.seq;
  r.lastSeq = e.seq;
  if (e.type === 'undo') {
    r.undone.push(e.target.seq);
    return;
  }
  if (e.type !== 'answer' && e.type !== 'reset') return;
  const at = Date.parse(e.at);
  if (e.type === 'answer') {
    if (at < r.firstAnswer) r.firstAnswer = at;
    if (!isScheduling(e)) return;
  }
  if (!Number.isFinite(at)) return;
  const i = reserve(r);
  r.seq[i] = e.seq;
  r.card[i] = cardIndex(r, e.card);
  r.at[i] = at;
  setState(r.before, i, e.before);
  if (e.type === 'reset') {
    r.ease[i] = 0;
    r.ms[i] = 0;
    r.difficulty[i] = 0;
    r.after.state[i] = STATE_CODE.new;
  } else {
    r.ease[i] = e.rating;
    r.ms[i] = e.ms;
    r.difficulty[i] = e.after.difficulty;
    setState(r.after, i, e.after);
  }
}

/** The rows without those of undone events. */
export function withoutUndone(r: LogRows): LogRows {
  const cancelled = new Set(r.undone);
  r.undone = [];
  if (cancelled.size > 0) {
    // Keep the rows whose event was not undone, in place.
    let n = 0;
    for (let i = 0; i < r.length; i++) {
      if (cancelled.has(r.seq[i] as number)) continue;
      if (n !== i) {
        r.card[n] = r.card[i] as number;
        r.seq[n] = r.seq[i] as number;
        r.at[n] = r.at[i] as number;
        r.ease[n] = r.ease[i] as number;
        r.ms[n] = r.ms[i] as number;
        r.difficulty[n] = r.difficulty[i] as number;
        for (const c of [r.before, r.after]) {
          c.state[n] = c.state[i] as number;
          c.days[n] = c.days[i] as number;
          c.due[n] = c.due[i] as number;
          c.last[n] = c.last[i] as number;
        }
      }
      n++;
    }
    r.length = n;
  }
  return finished(r);
}

/** The typed arrays of the rows (for a transfer between threads). */
export function rowBuffers(r: LogRows): ArrayBuffer[] {
  const all = [r.card, r.seq, r.at, r.ease, r.ms, r.difficulty];
  for (const c of [r.before, r.after]) all.push(c.state, c.days, c.due, c.last);
  if (all.length !== BUFFERS || STATE_BUFFERS !== 4) throw new Error('log rows: buffer count');
  return [...new Set(all.map((a) => a.buffer as ArrayBuffer))];
}

/**
 * The rows of two consecutive stretches of the log, as one. Their columns are in shared
 * memory: a worker they are handed to (the export's SQLite worker) reads them where they
 * are, where a copy of a million rows (some 90 MB) would take a good part of a second.
 */
export function joined(a: LogRows, b: LogRows): LogRows {
  const r: LogRows = { ...a, before: { ...a.before }, after: { ...a.after } };
  resize(r, a.length + b.length, true);
  const index = new Map(a.cards.map((c, i) => [c, i]));
  const cards = [...a.cards];
  const remap = b.cards.map((c) => {
    let i = index.get(c);
    if (i === undefined) {
      i = cards.length;
      cards.push(c);
      index.set(c, i);
    }
    return i;
  });
  r.cards = cards;
  for (let i = 0; i < b.length; i++) r.card[a.length + i] = remap[b.card[i] as number] as number;
  r.seq.set(b.seq, a.length);
  r.at.set(b.at, a.length);
  r.ease.set(b.ease, a.length);
  r.ms.set(b.ms, a.length);
  r.difficulty.set(b.difficulty, a.length);
  for (const k of ['before', 'after'] as const) {
    r[k].state.set(b[k].state, a.length);
    r[k].days.set(b[k].days, a.length);
    r[k].due.set(b[k].due, a.length);
    r[k].last.set(b[k].last, a.length);
  }
  r.length = a.length + b.length;
  r.firstAnswer = Math.min(a.firstAnswer, b.firstAnswer);
  r.undone = [...a.undone, ...b.undone];
  r.firstSeq = Math.min(a.firstSeq, b.firstSeq);
  r.lastSeq = Math.max(a.lastSeq, b.lastSeq);
  return r;
}
