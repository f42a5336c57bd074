/** The export's worker threads: where their scripts are, and how their one reply comes back. */
import { existsSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Worker } from 'node:worker_threads';

/**
 * Where a worker script of the bundle is (beside the command, in dist/), or null when
 * running from the sources (tests), where the work is done on the calling thread.
 */
export function bundledScript(name: string): string | null {
  try {
    const script = join(dirname(realpathSync(process.argv[1] ?? '')), name);
    return existsSync(script) ? script : null;
  } catch {
    return null;
  }
}

/** What a worker replies when it meets an error. */
export interface WorkerError {
  error: string;
}

/**
 * A worker's one reply: it resolves with the reply, or rejects with the error the worker
 * met, reported or thrown, or when it stops without replying. `what` names it for that.
 */
export function replyOf<R extends object>(worker: Worker, what: string): Promise<R> {
  return new Promise<R>((resolve, reject) => {
    let settled = false;
    worker.once('message', (reply: R | WorkerError) => {
      settled = true;
      if ('error' in reply) reject(new Error(reply.error));
      else resolve(reply);
    });
    worker.once('error', (e) => {
      settled = true;
      reject(e);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`${what} stopped (exit code ${code})`));
    });
  });
}
