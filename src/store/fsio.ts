/**
 * The file operations the store uses for writing, behind one object so that tests can
 * inject faults (a full disk, a read-only folder) exactly where writes happen.
 */
import * as fs from 'node:fs';
import { dirname } from 'node:path';

export interface FileIo {
  openSync: typeof fs.openSync;
  writeSync: (fd: number, data: Buffer) => number;
  fsyncSync: typeof fs.fsyncSync;
  closeSync: typeof fs.closeSync;
  renameSync: typeof fs.renameSync;
  ftruncateSync: typeof fs.ftruncateSync;
}

export const realIo: FileIo = {
  openSync: fs.openSync,
  writeSync: (fd, data) => fs.writeSync(fd, data),
  fsyncSync: fs.fsyncSync,
  closeSync: fs.closeSync,
  renameSync: fs.renameSync,
  ftruncateSync: fs.ftruncateSync,
};

let io: FileIo = realIo;

export function fileIo(): FileIo {
  return io;
}

/** For tests: replace the file layer; returns a function that puts the real one back. */
export function setFileIo(next: FileIo): () => void {
  io = next;
  return () => {
    io = realIo;
  };
}

/** Writes all of `data` at the fd's position. */
export function writeAll(fd: number, data: string | Buffer): void {
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let off = 0;
  while (off < buf.length) {
    const n = io.writeSync(fd, buf.subarray(off));
    if (n <= 0) throw Object.assign(new Error('short write'), { code: 'EIO' });
    off += n;
  }
}

/** fsyncs a folder, so that a rename or a new file in it survives a power cut. */
export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    io.fsyncSync(fd);
  } catch {
    // Some file systems refuse fsync on folders; the data itself is already synced.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Writes a file so that it is either the old or the new content, never half: tmp, fsync, rename, fsync folder. */
export function writeFileAtomic(path: string, data: string | Buffer): void {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    const fd = io.openSync(tmp, 'w', 0o644);
    try {
      writeAll(fd, data);
      io.fsyncSync(fd);
    } finally {
      io.closeSync(fd);
    }
    io.renameSync(tmp, path);
  } catch (e) {
    // The old file is intact; leave no half-written copy beside it.
    try {
      fs.unlinkSync(tmp);
    } catch {
      // never created, or the folder refuses changes
    }
    throw e;
  }
  fsyncDir(dirname(path));
}

/** Is `name` a temporary file left by `writeFileAtomic` (of a process that died before its rename)? */
export function isAtomicTmp(name: string): boolean {
  return /\.tmp-\d+$/.test(name);
}

/**
 * One buffer for the files that are decoded and let go at once: the collection file, then
 * a deck's cache, whose decoders copy out all they keep. Read into a new buffer each, both
 * stayed in memory (tens of megabytes at 100k cards) until the collector found them
 * garbage, well after opening: the peak of a session's memory. The bytes returned are
 * valid until the next read; the deck's cache, read last, lets the buffer go.
 */
let transient: Buffer | null = null;

/** Reads `length` bytes from the start of `fd` into the shared buffer; null when the file is shorter. */
export function readTransient(fd: number, length: number): Buffer | null {
  if (!transient || transient.length < length) {
    // Twice as large, for the next file to fit: memory not written to is not taken.
    transient = Buffer.allocUnsafe(2 * length);
  }
  const bytes = transient.subarray(0, length);
  let got = 0;
  while (got < length) {
    const n = fs.readSync(fd, bytes, got, length - got, got);
    if (n === 0) return null;
    got += n;
  }
  return bytes;
}

/** A whole file, read into the shared buffer (see `readTransient`). */
export function readFileTransient(path: string): Buffer {
  const fd = fs.openSync(path, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const bytes = readTransient(fd, size);
    if (!bytes) throw new Error(`${path} became shorter while it was read`);
    return bytes;
  } finally {
    fs.closeSync(fd);
  }
}

/** Lets the shared buffer go (the collector frees it). */
export function releaseTransient(): void {
  transient = null;
}
