/**
 * The event log's answers and resets as the review log needs them, in columns (no object
 * per event): one pass over the events, in order, leaving out undone events and cram
 * answers. A large log is read in a worker thread (`log-worker.ts`) while the collection
 * is opened and the notes are built.
 */
import { closeSync, existsSync, openSync, readSync, realpathSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { CollectionEvent } from '../core/model.js';
import type { SchedState } from '../core/scheduler.js';
import { eachEvent } from '../store/eventlog.js';

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

function states(n: number): StateColumns {
  return {
    state: new Uint8Array(n),
    days: new Float64Array(n),
    due: new Float64Array(n),
    last: new Float64Array(n),
  };
}

function emptyRows(n: number): LogRows {
  return {
    length: 0,
    firstAnswer: Infinity,
    cards: [],
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

/** The rows' first `n` entries in arrays of room `size`. */
function resized(r: LogRows, size: number, n: number): LogRows {
  const copy = <T extends Uint8Array | Int32Array | Float64Array>(a: T, b: T): T => {
    b.set(a.subarray(0, n));
    return b;
  };
  const to = emptyRows(size);
  to.length = r.length;
  to.firstAnswer = r.firstAnswer;
  to.cards = r.cards;
  to.card = copy(r.card, to.card);
  to.seq = copy(r.seq, to.seq);
  to.undone = r.undone;
  to.firstSeq = r.firstSeq;
  to.lastSeq = r.lastSeq;
  to.at = copy(r.at, to.at);
  to.ease = copy(r.ease, to.ease);
  to.ms = copy(r.ms, to.ms);
  to.difficulty = copy(r.difficulty, to.difficulty);
  for (const k of ['before', 'after'] as const) {
    to[k].state = copy(r[k].state, to[k].state);
    to[k].days = copy(r[k].days, to[k].days);
    to[k].due = copy(r[k].due, to[k].due);
    to[k].last = copy(r[k].last, to[k].last);
  }
  return to;
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
  let r = emptyRows(1024);
  const cardIndex = new Map<string, number>();
  for (const e of events) {
    if (r.firstSeq === Infinity) r.firstSeq = e.seq;
    r.lastSeq = e.seq;
    if (e.type === 'undo') {
      r.undone.push(e.target.seq);
      continue;
    }
    if (e.type !== 'answer' && e.type !== 'reset') continue;
    const at = Date.parse(e.at);
    if (e.type === 'answer') {
      if (at < r.firstAnswer) r.firstAnswer = at;
      if (e.cram) continue;
    }
    if (!Number.isFinite(at)) continue;
    const i = r.length;
    if (i === r.card.length) r = resized(r, 2 * i, i);
    let c = cardIndex.get(e.card);
    if (c === undefined) {
      c = r.cards.length;
      r.cards.push(e.card);
      cardIndex.set(e.card, c);
    }
    r.seq[i] = e.seq;
    r.card[i] = c;
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
    r.length = i + 1;
  }
  return r.length === r.card.length ? r : resized(r, r.length, r.length);
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
  return r.length === r.card.length ? r : resized(r, r.length, r.length);
}

/** The typed arrays of the rows (for a transfer between threads). */
export function rowBuffers(r: LogRows): ArrayBuffer[] {
  const all = [r.card, r.seq, r.at, r.ease, r.ms, r.difficulty];
  for (const c of [r.before, r.after]) all.push(c.state, c.days, c.due, c.last);
  if (all.length !== BUFFERS || STATE_BUFFERS !== 4) throw new Error('log rows: buffer count');
  return all.map((a) => a.buffer as ArrayBuffer);
}

/** The rows of two consecutive stretches of the log, as one. */
export function joined(a: LogRows, b: LogRows): LogRows {
  const r = resized(a, a.length + b.length, a.length);
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

/** The worker's reply: the rows of its stretch of the log, or that it met an error. */
export type WorkerReply = { rows: LogRows } | { error: string };

/** Where the bundle's worker script is (beside the command), or null (running from source). */
function workerScript(): string | null {
  try {
    const script = join(dirname(realpathSync(process.argv[1] ?? '')), 'log-worker.js');
    return existsSync(script) ? script : null;
  } catch {
    return null;
  }
}

/** The rows of the log's bytes `start` to `end` (a whole number of lines), read in a worker. */
function inWorker(script: string, path: string, start: number, end: number): Promise<LogRows> {
  const worker = new Worker(script, { workerData: { log: path, start, end } });
  return new Promise<LogRows>((resolve, reject) => {
    let settled = false;
    worker.once('message', (reply: WorkerReply) => {
      settled = true;
      if ('rows' in reply) resolve(reply.rows);
      else reject(new Error(reply.error));
      void worker.terminate();
    });
    worker.once('error', (e) => {
      settled = true;
      reject(e);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`the log reader stopped (exit code ${code})`));
    });
  });
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
 * The log's rows. From the bundled command, its two halves are read at once in two
 * worker threads (while the collection is opened and the notes built); should either
 * meet anything amiss, the log is read again in order, on this thread, for the exact
 * error. Reads only.
 */
export async function readLogRows(path: string): Promise<LogRows> {
  const script = workerScript();
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
  return collectLogRows(eachEvent(path));
}
