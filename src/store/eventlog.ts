/**
 * The event log: one JSON object a line, appended and fsynced on every change. It is
 * the source of truth; the snapshot is a cache of its replay. A torn last line (a crash
 * mid-write) is expected and trimmed; a bad line before the end is damage.
 */
import { closeSync, existsSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CollectionEvent } from '../core/model.js';
import { UserError } from '../errors.js';
import { fileIo, fsyncDir, writeAll } from './fsio.js';

export interface LogTail {
  events: CollectionEvent[];
  /** Byte offset just past the last whole line. */
  end: number;
  /** Bytes of a torn last line past `end` (0 when the file ends cleanly). */
  torn: number;
}

function damaged(path: string, line: number | null, why: string): UserError {
  const where = line === null ? path : `${path}:${line}`;
  return new UserError(
    `the event log is damaged (${where}: ${why}); it was left untouched. Run \`sre-cards doctor\` for how to recover, or keep a copy of the data folder and ask for help`,
  );
}

function readFrom(path: string, offset: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size < offset)
      throw damaged(
        path,
        null,
        `it is ${size} bytes, shorter than the ${offset} the snapshot covers`,
      );
    const buf = Buffer.alloc(size - offset);
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

function isEvent(v: unknown): v is CollectionEvent {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as Record<string, unknown>;
  return typeof e.seq === 'number' && typeof e.type === 'string' && typeof e.at === 'string';
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
  // Line numbers in messages count from the offset; good enough to find the line.
  while (pos < buf.length) {
    const nl = buf.indexOf(0x0a, pos);
    if (nl === -1) break;
    lineNo++;
    const text = buf.toString('utf8', pos, nl);
    pos = nl + 1;
    if (text.trim() === '') continue;
    let ev: unknown;
    try {
      ev = JSON.parse(text);
    } catch {
      throw damaged(path, lineNo, 'a line is not valid JSON');
    }
    if (!isEvent(ev)) throw damaged(path, lineNo, 'a line is not an event');
    if (ev.seq <= lastSeq) {
      if (ev.seq <= afterSeq) continue;
      throw damaged(path, lineNo, `event ${ev.seq} is out of order`);
    }
    lastSeq = ev.seq;
    events.push(ev);
  }
  return { events, end: offset + pos, torn: buf.length - pos };
}

/** Reads every event of the log (for history views, stats and export). Read-only. */
export function readAllEvents(path: string): CollectionEvent[] {
  return readLog(path, 0, 0).events;
}

/** Sequence numbers of events cancelled by an undo. */
export function undoneSeqs(events: readonly CollectionEvent[]): Set<number> {
  const s = new Set<number>();
  for (const e of events) if (e.type === 'undo') s.add(e.target.seq);
  return s;
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
    const line = JSON.stringify(e) + '\n';
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
