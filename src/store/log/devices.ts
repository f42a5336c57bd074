/**
 * The folder of the devices' logs: `<device-id>.jsonl` each, written only by its device.
 * Other devices' logs are read with care, since a file-sync tool may be writing them as
 * they are read: a last line without its line end is left for later; a conflicted copy
 * of a log (Syncthing's `*.sync-conflict-*`, Dropbox's `(conflicted copy)`) gives the
 * events the log lacks, by sequence number, never twice; temporary files are ignored.
 * A line that is not an event stops the reading of that device's log only.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CollectionEvent } from '../../core/events.js';
import { isTornTail, parseLine } from './codec.js';
import { readTail } from './file.js';

const ID = '[a-z0-9][a-z0-9-]{2,39}';
const LOG_RE = new RegExp(`^(${ID})\\.jsonl$`);
const CONFLICT_RE = new RegExp(
  `^(${ID})(?:\\.sync-conflict-[^/]*|\\s*\\([^)]*conflicted copy[^)]*\\)[^/]*)\\.jsonl$`,
);

export interface LogFolder {
  /** Device id to its log's path. */
  logs: Map<string, string>;
  /** Device id to its conflicted copies' paths. */
  conflicts: Map<string, string[]>;
  /** Other files (temporary files of a sync tool, anything else): ignored. */
  ignored: string[];
}

/** The devices' logs in a folder. */
export function listLogFolder(dir: string): LogFolder {
  const out: LogFolder = { logs: new Map(), conflicts: new Map(), ignored: [] };
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const n of names.sort()) {
    const m = LOG_RE.exec(n);
    if (m) {
      out.logs.set(m[1] as string, join(dir, n));
      continue;
    }
    const c = CONFLICT_RE.exec(n);
    if (c) {
      const id = c[1] as string;
      out.conflicts.set(id, [...(out.conflicts.get(id) ?? []), join(dir, n)]);
      continue;
    }
    if (n === '.git' || n === '.gitattributes' || n === '.stfolder') continue;
    out.ignored.push(n);
  }
  return out;
}

/** How far into a device's log the collection has read. */
export interface Cursor {
  seq: number;
  offset: number;
  /** Whole lines before `offset`, for messages (file:line). */
  line?: number;
}

export interface PeerRead {
  events: CollectionEvent[];
  cursor: Cursor;
  /** Why the log was refused (file:line: why), or null. */
  problem: string | null;
  /** A last line still being written was left for later. */
  partial: boolean;
}

/**
 * Reads a device's log past `cursor`: its events tagged with the device, stopping before
 * a line still being written, or at a line that is not the device's next event.
 */
export function readDeviceLog(dev: string, path: string, cursor: Cursor): PeerRead {
  const out: PeerRead = { events: [], cursor: { ...cursor }, problem: null, partial: false };
  if (!existsSync(path)) return out;
  const buf = readTail(path, cursor.offset);
  let pos = 0;
  let line = cursor.line ?? 0;
  let last = cursor.seq;
  while (pos < buf.length) {
    const nl = buf.indexOf(0x0a, pos);
    if (nl === -1) break;
    const text = buf.toString('utf8', pos, nl);
    line++;
    if (text.trim() !== '') {
      const parsed = parseLine(text);
      if ('problem' in parsed) {
        out.problem = `${path}:${line}: ${parsed.problem}`;
        return out;
      }
      const e = parsed.event;
      if (e.seq <= last) {
        // Already taken (from a conflicted copy, or an earlier read).
      } else if (e.seq !== last + 1 && last > 0) {
        out.problem = `${path}:${line}: event ${e.seq} follows event ${last}; events ${last + 1}-${e.seq - 1} are missing`;
        return out;
      } else {
        e.dev = dev;
        out.events.push(e);
        last = e.seq;
      }
    }
    pos = nl + 1;
    out.cursor = { seq: last, offset: cursor.offset + pos, line };
  }
  if (pos < buf.length) {
    if (isTornTail(buf.subarray(pos))) out.partial = true;
    else out.problem = `${path}:${line + 1}: the last line is not an event`;
  }
  return out;
}

/**
 * The events after `seq` that a device's conflicted copies hold, in order, as long as
 * they follow each other; a copy's damaged line ends what it gives.
 */
export function readConflictCopies(
  dev: string,
  copies: readonly string[],
  seq: number,
): CollectionEvent[] {
  const found = new Map<number, CollectionEvent>();
  for (const path of copies) {
    const r = readDeviceLog(dev, path, { seq: 0, offset: 0 });
    for (const e of r.events) if (e.seq > seq && !found.has(e.seq)) found.set(e.seq, e);
  }
  const out: CollectionEvent[] = [];
  for (let s = seq + 1; found.has(s); s++) out.push(found.get(s) as CollectionEvent);
  return out;
}
