/**
 * The review log of a package read in a worker thread (`revlog-worker.ts`) while this
 * thread reads the notes and cards and maps the notes: reading a million entries through
 * sql.js is about a second on one core, which the import would otherwise spend before
 * anything else can start. The worker reads its own copy of the database; the log is
 * waited for (the thread blocks) where the plan first needs it, by then read. From the
 * sources (tests), where there is no bundled worker, it is read here as before.
 */
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { UserError } from '../errors.js';
import { bundledScript } from '../workers.js';
import type { Revlog } from './model.js';
import type { ReviewLogElsewhere } from './package.js';

export interface RevlogRequest {
  bytes: Uint8Array;
  what: string;
}
export type RevlogReply = { revlog: Revlog } | { error: string; user: boolean };

/**
 * How long to wait for the worker once it makes no progress: it counts its progress every
 * 16k entries it reads (some milliseconds), and after loading sql.js and opening the
 * database (a second or two for the largest packages). A worker that stops while this
 * thread waits (out of memory, say) cannot be seen otherwise: the thread is blocked.
 */
export const STALLED_MS = 60 * 1000;

const seconds = (ms: number): string => {
  const n = Math.round(ms / 1000);
  return `${n} second${n === 1 ? '' : 's'}`;
};

/**
 * Reading the review log in a worker, or null where there is none (from the sources).
 * The reader returns null, and the log is read here, when the worker cannot be started.
 */
export function reviewLogInWorker(
  script: string | null = bundledScript('revlog-worker.js'),
  stalledMs = STALLED_MS,
): ReviewLogElsewhere | null {
  if (!script) return null;
  return (bytes, what) => {
    const { port1, port2 } = new MessageChannel();
    // [0]: raised once it has replied; [1]: its progress.
    const flag = new Int32Array(new SharedArrayBuffer(8));
    // A worker that stops unanswered (out of memory, say), seen while this thread runs.
    let stopped: string | null = null;
    let worker: Worker;
    try {
      worker = new Worker(script, { workerData: { port: port2, flag }, transferList: [port2] });
      // Copied, the database's range alone (sql.js keeps the bytes it opens as the
      // database's memory, here too; they may be a view into the whole package).
      const copy = new Uint8Array(bytes);
      port1.postMessage({ bytes: copy, what } satisfies RevlogRequest, [copy.buffer]);
    } catch {
      port1.close();
      return null;
    }
    worker.on('error', (e) => {
      stopped ??= e.message;
    });
    worker.on('exit', (code) => {
      stopped ??= `exit code ${code}`;
    });
    // It ends by itself once it replies; a command that stops before asking need not wait.
    worker.unref();
    let result: { revlog: Revlog } | { error: Error } | null = null;
    return () => {
      if (!result) {
        const slice = Math.min(1000, stalledMs);
        let seen = Atomics.load(flag, 1);
        let still = 0;
        while (Atomics.load(flag, 0) === 0 && stopped === null && still < stalledMs) {
          Atomics.wait(flag, 0, 0, slice);
          const now = Atomics.load(flag, 1);
          if (now !== seen) [seen, still] = [now, 0];
          else still += slice;
        }
        const reply = receiveMessageOnPort(port1)?.message as RevlogReply | undefined;
        port1.close();
        if (!reply) void worker.terminate();
        const why = reply ? null : (stopped ?? `it made no progress for ${seconds(stalledMs)}`);
        result = why
          ? {
              error: new UserError(
                `the review log of ${what} could not be read (its reader stopped: ${why}); nothing was imported, try again`,
              ),
            }
          : 'error' in reply!
            ? { error: reply.user ? new UserError(reply.error) : new Error(reply.error) }
            : { revlog: reply!.revlog };
      }
      if ('error' in result) throw result.error;
      return result.revlog;
    };
  };
}
