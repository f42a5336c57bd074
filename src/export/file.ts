/**
 * Writing an export: to a temporary file beside the target, flushed, then moved into
 * place in one step, so a crash never leaves half a package under the user's name.
 * Without `force` an existing file is never replaced.
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  linkSync,
  openSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileWriteError, UserError } from '../errors.js';

/** The refusal for an existing file, with what to do. */
export function existsError(file: string): UserError {
  return new UserError(
    `${file} already exists; pass --force to replace it, or choose another name with --out`,
  );
}

/** Writes `chunks` to `file` atomically; refuses an existing file unless `force`. */
export function writeExport(file: string, chunks: readonly Uint8Array[], force: boolean): void {
  if (!force && existsSync(file)) throw existsError(file);
  if (existsSync(file) && statSync(file).isDirectory())
    throw fileWriteError(file, Object.assign(new Error('is a folder'), { code: 'EISDIR' }));
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  let fd: number | null = null;
  try {
    fd = openSync(tmp, 'wx', 0o644);
    for (const c of chunks) {
      let off = 0;
      while (off < c.length) off += writeSync(fd, c, off, c.length - off);
    }
    fsyncSync(fd);
    closeSync(fd);
    fd = null;
    if (force) {
      renameSync(tmp, file);
      return;
    }
    try {
      // A hard link puts the file in place only if the name is still free.
      linkSync(tmp, file);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') throw existsError(file);
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV' && code !== 'ENOSYS') throw e;
      if (existsSync(file)) throw existsError(file);
      renameSync(tmp, file);
    }
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw fileWriteError(file, e as NodeJS.ErrnoException);
  } finally {
    if (fd !== null) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      // already moved into place
    }
  }
}
