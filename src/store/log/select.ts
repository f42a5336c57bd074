/**
 * The events of the devices' logs that can change some cards, in the order the whole logs
 * merge in (`mergeLogs`): what recomputing a few cards (`rebuildCards`) needs, without
 * parsing every line of a long log. Each line's place in the merged order is read from
 * its bytes (its type, time, card and sequence number, where the writer puts them); only
 * the lines that can touch the cards are parsed: undos (any of them may cancel one of
 * theirs), settings that move cards, and the events of the cards themselves. A line in
 * another shape is parsed whole. Anything out of the ordinary (a line that is not an
 * event, events out of order, a conflicted copy) gives null: the caller reads the logs
 * whole, which reports it as usual. Read-only.
 */
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import type { CollectionEvent } from '../../core/events.js';
import { parseLine } from './codec.js';

export interface LogSource {
  dev: string;
  path: string;
  /** The last event taken from this log (a peer's cursor); Infinity for the device's own. */
  upTo: number;
  /** The device's own log: every line must follow the one before it. */
  own: boolean;
}

/** One log's lines, as far as the merge needs them. */
interface Scanned {
  dev: string;
  at: Float64Array;
  seq: Float64Array;
  length: number;
  /** The events kept, by line index. */
  kept: Map<number, CollectionEvent>;
}

/** How much of a log is read at a time. */
const CHUNK = 1 << 22;

const enc = (s: string) => Buffer.from(s, 'latin1');
const TYPE = enc('{"type":"');
const AT = enc('","at":"');
const CARD = enc('","card":"');
const SEQ = enc(',"seq":');
const MOVED = enc('"moved":');
const CARD_FIELD = enc('"card":');

/** Does `what` occur in buf[from, to)? */
function within(buf: Buffer, from: number, to: number, what: Buffer): boolean {
  return buf.subarray(from, to).indexOf(what) !== -1;
}

function startsAt(buf: Buffer, pos: number, what: Buffer): boolean {
  if (pos + what.length > buf.length) return false;
  for (let i = 0; i < what.length; i++) if (buf[pos + i] !== what[i]) return false;
  return true;
}

const digits = (buf: Buffer, from: number, n: number): number => {
  let v = 0;
  for (let i = from; i < from + n; i++) {
    const d = buf[i]! - 0x30;
    if (d < 0 || d > 9) return NaN;
    v = v * 10 + d;
  }
  return v;
};

/**
 * The instant of an `at` written as the writer writes it (`2026-03-01T09:00:00.000Z`),
 * read from its bytes; NaN for any other form.
 */
function isoInstant(buf: Buffer, from: number, to: number): number {
  if (to - from !== 24 || buf[from + 23] !== 0x5a || buf[from + 10] !== 0x54) return NaN;
  if (buf[from + 4] !== 0x2d || buf[from + 7] !== 0x2d || buf[from + 19] !== 0x2e) return NaN;
  if (buf[from + 13] !== 0x3a || buf[from + 16] !== 0x3a) return NaN;
  const y = digits(buf, from, 4);
  const mo = digits(buf, from + 5, 2);
  const d = digits(buf, from + 8, 2);
  const h = digits(buf, from + 11, 2);
  const mi = digits(buf, from + 14, 2);
  const sec = digits(buf, from + 17, 2);
  const ms = digits(buf, from + 20, 3);
  // Out of range (a month 13): read as a string, as the whole read does.
  if (!(mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h < 24 && mi < 60 && sec < 60)) return NaN;
  return Date.UTC(y, mo - 1, d, h, mi, sec, ms);
}

/** The instant an `at` field names, as `compareAt` orders them (ms; NaN when unparsable). */
function instant(at: string): number {
  return Date.parse(at);
}

function scan(src: LogSource, cards: ReadonlySet<string>, size: number): Scanned | null {
  let at = new Float64Array(1024);
  let seq = new Float64Array(1024);
  let length = 0;
  const kept = new Map<number, CollectionEvent>();
  let last = 0;
  // Read a piece at a time into one buffer (a long log is not held whole).
  const fd = existsSync(src.path) ? openSync(src.path, 'r') : null;
  let chunk = Buffer.allocUnsafe(size);
  let have = 0;
  let fileAt = 0;
  let eof = fd === null;
  try {
    lines: for (;;) {
      if (!eof) {
        if (have === chunk.length) {
          // A line longer than the buffer: a larger one.
          const larger = Buffer.allocUnsafe(2 * chunk.length);
          chunk.copy(larger, 0, 0, have);
          chunk = larger;
        }
        const n = readSync(fd as number, chunk, have, chunk.length - have, fileAt);
        if (n === 0) eof = true;
        fileAt += n;
        have += n;
      }
      const buf = chunk.subarray(0, have);
      let pos = 0;
      while (pos < buf.length) {
        const nl = buf.indexOf(0x0a, pos);
        // A last line without its end: the writer is still at it (or it is torn); not read.
        if (nl === -1) break;
        const start = pos;
        pos = nl + 1;
        let end = nl;
        while (end > start && (buf[end - 1] === 0x20 || buf[end - 1] === 0x0d)) end--;
        if (end === start) continue;
        let type: string | null = null;
        let when = NaN;
        let card: string | null = null;
        let s = NaN;
        // `{"type":"T","at":"A"[,"card":"C"]...,"seq":N}` as the writer writes it.
        if (startsAt(buf, start, TYPE)) {
          const t0 = start + TYPE.length;
          const t1 = buf.indexOf(0x22, t0);
          if (t1 !== -1 && t1 < end && startsAt(buf, t1, AT)) {
            const a0 = t1 + AT.length;
            const a1 = buf.indexOf(0x22, a0);
            if (a1 !== -1 && a1 < end) {
              type = buf.toString('latin1', t0, t1);
              when = isoInstant(buf, a0, a1);
              if (Number.isNaN(when)) when = instant(buf.toString('latin1', a0, a1));
              if (startsAt(buf, a1, CARD)) {
                const c0 = a1 + CARD.length;
                const c1 = buf.indexOf(0x22, c0);
                // An id with an escape in it is read by the parser.
                if (c1 !== -1 && c1 < end && buf.subarray(c0, c1).indexOf(0x5c) === -1)
                  card = buf.toString('utf8', c0, c1);
                else type = null;
              } else if (within(buf, a1, end, CARD_FIELD)) {
                // A card named further on: the parser finds it.
                type = null;
              }
              // The sequence number closes the line.
              if (type !== null && buf[end - 1] === 0x7d) {
                let d = end - 2;
                let n = 0;
                let place = 1;
                while (d > start && buf[d]! >= 0x30 && buf[d]! <= 0x39) {
                  n += (buf[d]! - 0x30) * place;
                  place *= 10;
                  d--;
                }
                if (place > 1 && startsAt(buf, d - SEQ.length + 1, SEQ)) s = n;
              }
            }
          }
        }
        let event: CollectionEvent | null = null;
        if (type === null || Number.isNaN(s)) {
          // Another shape: parsed whole.
          const parsed = parseLine(buf.toString('utf8', start, end));
          if ('problem' in parsed) return null;
          event = parsed.event;
          type = event.type;
          when = instant(event.at);
          s = event.seq;
          card = 'card' in event && typeof event.card === 'string' ? event.card : null;
        }
        // Times are compared as instants; one that is not (never written so) is read whole.
        if (Number.isNaN(when)) return null;
        if (s <= last) {
          if (src.own) return null;
          continue;
        }
        if (last > 0 && s !== last + 1) return null;
        if (s > src.upTo) break lines;
        last = s;
        const wanted =
          type === 'undo' ||
          (card !== null && cards.has(card)) ||
          (type === 'settings' && within(buf, start, end, MOVED));
        if (wanted) {
          if (!event) {
            const parsed = parseLine(buf.toString('utf8', start, end));
            if ('problem' in parsed || parsed.event.seq !== s) return null;
            event = parsed.event;
          }
          event.dev = src.dev;
          kept.set(length, event);
        }
        if (length === at.length) {
          const a = new Float64Array(2 * length);
          a.set(at);
          at = a;
          const q = new Float64Array(2 * length);
          q.set(seq);
          seq = q;
        }
        at[length] = when;
        seq[length] = s;
        length++;
      }
      // What is left is the start of a line: kept for the next piece.
      chunk.copy(chunk, 0, pos, have);
      have -= pos;
      if (eof) break;
    }
  } finally {
    if (fd !== null) closeSync(fd);
  }
  return { dev: src.dev, at, seq, length, kept };
}

/**
 * The events of `sources` that can change `cards` (undos, settings that move cards, and
 * the cards' own events), in the merged order of the whole logs; null when a log is not
 * plainly readable (read them whole instead).
 */
export function selectEvents(
  sources: readonly LogSource[],
  cards: ReadonlySet<string>,
  /** How much of a log is read at a time (smaller in tests). */
  chunk = CHUNK,
): CollectionEvent[] | null {
  const logs: Scanned[] = [];
  for (const src of sources) {
    const s = scan(src, cards, chunk);
    if (!s) return null;
    if (s.length > 0) logs.push(s);
  }
  // As `mergeLogs` does: the next event is the earliest of the logs' next ones, by
  // [at, device, seq]; each log keeps its own order.
  const out: CollectionEvent[] = [];
  const pos = logs.map(() => 0);
  for (;;) {
    let best = -1;
    for (let i = 0; i < logs.length; i++) {
      const l = logs[i]!;
      const p = pos[i]!;
      if (p >= l.length) continue;
      if (best === -1) {
        best = i;
        continue;
      }
      const b = logs[best]!;
      const q = pos[best]!;
      const c =
        l.at[p]! - b.at[q]! ||
        (l.dev < b.dev ? -1 : l.dev > b.dev ? 1 : 0) ||
        l.seq[p]! - b.seq[q]!;
      if (c < 0) best = i;
    }
    if (best === -1) break;
    const e = logs[best]!.kept.get(pos[best]!);
    if (e) out.push(e);
    pos[best]!++;
  }
  return out;
}
