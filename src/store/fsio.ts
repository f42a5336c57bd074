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
