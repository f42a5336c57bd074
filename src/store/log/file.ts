/**
 * The event log's file: one event a line (see `codec.ts`), appended and fsynced on every
 * change. It is the source of truth; the snapshot is a cache of its replay. A torn last
 * line (a crash mid-write) is expected and trimmed; a bad line before the end is damage.
 */
import { closeSync, existsSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CollectionEvent } from '../../core/events.js';
import { UserError } from '../../errors.js';
import { fileIo, fsyncDir, writeAll } from '../fsio.js';
import { encodeEvent, isTornTail, parseLine } from './codec.js';

export interface LogTail {
  events: CollectionEvent[];
  /** Byte offset just past the last whole line. */
  end: number;
  /** Bytes of a torn last line past `end` (0 when the file ends cleanly). */
  torn: number;
}

/**
 * The line of the file a byte offset falls on, counted from 1 (read only when reporting
 * damage found past a snapshot's offset); null when the file cannot be read.
 */
function lineAt(path: string, byte: number): number | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return null;
  }
  try {
    const buf = Buffer.alloc(1 << 20);
    let line = 1;
    for (let at = 0; at < byte;) {
      const n = readSync(fd, buf, 0, Math.min(buf.length, byte - at), at);
      if (n <= 0) break;
      for (let i = buf.indexOf(10, 0); i >= 0 && i < n; i = buf.indexOf(10, i + 1)) line++;
      at += n;
    }
    return line;
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

/** `where`: a line number (counted from the file's start), a byte offset, or nothing. */
function damaged(
  path: string,
  where: { line: number } | { byte: number } | null,
  why: string,
): UserError {
  const at = !where
    ? path
    : 'line' in where
      ? `${path}:${where.line}`
      : `${path}:${lineAt(path, where.byte) ?? `? (byte ${where.byte})`}`;
  return new UserError(
    `the event log is damaged (${at}: ${why}); it was left untouched. Run \`sre-cards doctor\` to see what is wrong, then \`sre-cards doctor --repair\` to set the file aside and keep every readable event`,
  );
}

/** The file's bytes from `offset` to its end, as they are now (empty when it is no longer). */
export function readTail(path: string, offset: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size <= offset) return Buffer.alloc(0);
    // Filled by the reads below; only what they read is returned.
    const buf = Buffer.allocUnsafe(size - offset);
    let got = 0;
    while (got < buf.length) {
      const n = readSync(fd, buf, got, buf.length - got, offset + got);
      if (n <= 0) break;
      got += n;
    }
    return buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

/** The log's bytes past what the snapshot covers; a log shorter than that is damaged. */
function readFrom(path: string, offset: number): Buffer {
  const size = statSync(path).size;
  if (size < offset)
    throw damaged(
      path,
      null,
      `it is ${size} bytes, shorter than the ${offset} the snapshot covers`,
    );
  return readTail(path, offset);
}

/** The error for a damaged log, at a line (numbered from 1). */
export function logDamage(path: string, line: number, why: string): UserError {
  return damaged(path, { line }, why);
}

/** Reads the events after byte `offset` (the snapshot's position). */
export function readLog(path: string, offset: number, afterSeq: number): LogTail {
  if (!existsSync(path)) {
    if (offset > 0)
      throw damaged(path, null, 'the file is missing, but the snapshot says it held events');
    return { events: [], end: 0, torn: 0 };
  }
  const buf = readFrom(path, offset);
  const events: CollectionEvent[] = [];
  let pos = 0;
  let lineNo = 0;
  let lastSeq = afterSeq;
  // Past the snapshot's position the line number is unknown without reading the whole
  // file: messages give the byte offset instead (`sre-cards doctor` gives line numbers).
  const where = (start: number) => (offset === 0 ? { line: lineNo } : { byte: offset + start });
  while (pos < buf.length) {
    const nl = buf.indexOf(0x0a, pos);
    if (nl === -1) break;
    lineNo++;
    const start = pos;
    const text = buf.toString('utf8', pos, nl);
    pos = nl + 1;
    if (text.trim() === '') continue;
    const parsed = parseLine(text);
    if ('problem' in parsed) throw damaged(path, where(start), parsed.problem);
    const ev = parsed.event;
    if (ev.seq <= lastSeq) {
      if (ev.seq <= afterSeq) continue;
      throw damaged(path, where(start), `event ${ev.seq} is out of order`);
    }
    lastSeq = ev.seq;
    events.push(ev);
  }
  if (pos < buf.length && !isTornTail(buf.subarray(pos))) {
    lineNo++;
    throw damaged(path, where(pos), 'the last line is not an event');
  }
  return { events, end: offset + pos, torn: buf.length - pos };
}

export interface LogLine {
  /** 1-based line number in the file. */
  no: number;
  /** Byte offsets of the line's start and just past its newline. */
  start: number;
  end: number;
  text: string;
}

/**
 * Every whole line of the log, read in chunks (for checks over logs too big to hold);
 * then `tail` is called with the bytes after the last newline. Reads only.
 */
export function* logLines(
  path: string,
  chunk = 8 << 20,
  range: { start: number; end: number } = { start: 0, end: Infinity },
): Generator<LogLine, Buffer, void> {
  const fd = openSync(path, 'r');
  try {
    let carry = Buffer.alloc(0);
    let base = range.start;
    let no = 0;
    const buf = Buffer.alloc(chunk);
    for (;;) {
      const want = Math.min(chunk, range.end - base - carry.length);
      const n = want > 0 ? readSync(fd, buf, 0, want, base + carry.length) : 0;
      if (n <= 0) break;
      const data = carry.length ? Buffer.concat([carry, buf.subarray(0, n)]) : buf.subarray(0, n);
      let pos = 0;
      for (;;) {
        const nl = data.indexOf(0x0a, pos);
        if (nl === -1) break;
        no++;
        yield { no, start: base + pos, end: base + nl + 1, text: data.toString('utf8', pos, nl) };
        pos = nl + 1;
      }
      carry = Buffer.from(data.subarray(pos));
      base += pos;
    }
    return carry;
  } finally {
    closeSync(fd);
  }
}

/** Reads every event of the log (for history views, stats and export). Read-only. */
export function readAllEvents(path: string): CollectionEvent[] {
  return readLog(path, 0, 0).events;
}

/**
 * Every event of the log, in order, parsed one line at a time: for a single pass over a
 * log too big to hold as objects (export). Checks as `readAllEvents` does. Read-only.
 * With `range` (byte offsets, starting on a line), only the lines in it, numbered from it.
 */
export function* eachEvent(
  path: string,
  range?: { start: number; end: number },
): Generator<CollectionEvent, void, void> {
  if (!existsSync(path)) return;
  let lastSeq = 0;
  let lineNo = 0;
  const lines = logLines(path, undefined, range);
  for (;;) {
    const next = lines.next();
    if (next.done) {
      if (!isTornTail(next.value))
        throw damaged(path, { line: lineNo + 1 }, 'the last line is not an event');
      return;
    }
    const { no, text } = next.value;
    lineNo = no;
    if (text.trim() === '') continue;
    const parsed = parseLine(text);
    if ('problem' in parsed) throw damaged(path, { line: no }, parsed.problem);
    const ev = parsed.event;
    if (ev.seq <= lastSeq) throw damaged(path, { line: no }, `event ${ev.seq} is out of order`);
    lastSeq = ev.seq;
    yield ev;
  }
}

/** An open log, appending durably. */
export class EventLog {
  private fd: number;
  private size: number;

  private constructor(
    readonly path: string,
    fd: number,
    size: number,
  ) {
    this.fd = fd;
    this.size = size;
  }

  /** Opens for appending; trims a torn last line first. */
  static openForAppend(path: string, tail: LogTail): EventLog {
    const io = fileIo();
    const created = !existsSync(path);
    const fd = io.openSync(path, 'a', 0o644);
    if (tail.torn > 0) {
      io.ftruncateSync(fd, tail.end);
      io.fsyncSync(fd);
    }
    if (created) fsyncDir(dirname(path));
    return new EventLog(path, fd, created ? 0 : statSync(path).size);
  }

  /** Byte size of the log: the offset a snapshot taken now covers. */
  get offset(): number {
    return this.size;
  }

  /** Appends one event and fsyncs: on disk before this returns. */
  append(e: CollectionEvent): void {
    const line = encodeEvent(e) + '\n';
    const io = fileIo();
    const before = this.size;
    try {
      writeAll(this.fd, line);
      io.fsyncSync(this.fd);
    } catch (err) {
      // Leave no partial line behind for the next append to join.
      try {
        io.ftruncateSync(this.fd, before);
      } catch {
        // the next open trims it
      }
      throw err;
    }
    this.size += Buffer.byteLength(line);
  }

  close(): void {
    fileIo().closeSync(this.fd);
  }
}
