/**
 * One writer at a time: a lock file holding the writer's pid. A lock whose process is
 * gone (a crash, a kill) is taken over.
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { UserError } from '../errors.js';

export interface Lock {
  release(): void;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Who holds the lock file, and whether that process is still running; null when unreadable. */
export function lockHolder(
  path: string,
): { pid: number; command: string | null; alive: boolean } | null {
  try {
    const v = JSON.parse(readFileSync(path, 'utf8'));
    const pid = Number(v.pid);
    if (!Number.isInteger(pid) || pid <= 0) return null;
    return { pid, command: typeof v.command === 'string' ? v.command : null, alive: alive(pid) };
  } catch {
    return null;
  }
}

function holder(path: string): number | null {
  try {
    const pid = Number(JSON.parse(readFileSync(path, 'utf8')).pid);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

export function acquireLock(path: string, command: string): Lock {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o644);
      writeSync(
        fd,
        JSON.stringify({ pid: process.pid, command, since: new Date().toISOString() }) + '\n',
      );
      closeSync(fd);
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          if (holder(path) === process.pid) {
            try {
              unlinkSync(path);
            } catch {
              // already gone
            }
          }
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = holder(path);
      if (pid !== null && pid !== process.pid && alive(pid)) {
        throw new UserError(
          `the collection is in use by another sre-cards (pid ${pid}); finish that session first, or use read-only commands such as \`sre-cards due\` meanwhile`,
        );
      }
      // The holder is gone (or the file is unreadable half-written): take it over.
      try {
        unlinkSync(path);
      } catch {
        // someone else removed it first
      }
    }
  }
  throw new UserError(`could not take the collection lock ${path}; try again`);
}
