import { dirname } from 'node:path';

/**
 * The one error type for failures a person must act on: a sentence saying what went
 * wrong and what to do, and the exit code (2 for usage errors, 1 otherwise).
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

const WRITE_CAUSES: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EROFS: 'the data folder is on a read-only file system',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EIO: 'an input/output error',
};

/** For a failed write to the collection (disk full, read-only folder, ...): a sentence; null for other errors. */
export function writeErrorText(e: unknown): string | null {
  const err = e as NodeJS.ErrnoException | null;
  const why = err && typeof err.code === 'string' ? WRITE_CAUSES[err.code] : undefined;
  return why ? `could not write to the collection: ${why} (${err?.code})` : null;
}

/** Why a file or folder could not be read, in words. */
export function readErrorText(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT') return 'no such folder';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return String((e as Error).message);
}

/** Why a file of the user's choosing (an export) could not be written, and what to do. */
export function fileWriteError(file: string, e: NodeJS.ErrnoException): UserError {
  const dir = dirname(file);
  switch (e.code) {
    case 'ENOENT':
      return new UserError(
        `cannot write ${file}: the folder ${dir} does not exist; create it first or choose another --out`,
      );
    case 'EACCES':
    case 'EPERM':
      return new UserError(`cannot write ${file}: permission denied; choose another --out`);
    case 'EISDIR':
      return new UserError(`cannot write ${file}: it is a folder; choose a file name with --out`);
    case 'ENOSPC':
    case 'EDQUOT':
      return new UserError(`cannot write ${file}: the disk is full; free some space and try again`);
    case 'EROFS':
      return new UserError(
        `cannot write ${file}: the file system is read-only; choose another --out`,
      );
    default:
      return new UserError(`cannot write ${file} (${e.code ?? 'error'}: ${e.message})`);
  }
}
