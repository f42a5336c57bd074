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

/** How long to wait for the worker at most; it takes seconds for the largest packages. */
const GIVE_UP_MS = 10 * 60 * 1000;

/** Reading the review log in a worker, or null where there is none (from the sources). */
export function reviewLogInWorker(
  script: string | null = bundledScript('revlog-worker.js'),
): ReviewLogElsewhere | null {
  if (!script) return null;
  return (bytes, what) => {
    const { port1, port2 } = new MessageChannel();
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const worker = new Worker(script, { workerData: { port: port2, flag }, transferList: [port2] });
    // It ends by itself once it replies; a command that stops before asking need not wait.
    worker.unref();
    // Copied: sql.js keeps the bytes it opens as the database's memory, here too.
    port1.postMessage({ bytes, what } satisfies RevlogRequest);
    let result: { revlog: Revlog } | { error: Error } | null = null;
    return () => {
      if (!result) {
        for (let waited = 0; Atomics.load(flag, 0) === 0 && waited < GIVE_UP_MS; waited += 1000)
          Atomics.wait(flag, 0, 0, 1000);
        const reply = receiveMessageOnPort(port1)?.message as RevlogReply | undefined;
        port1.close();
        result = !reply
          ? { error: new Error(`the review log of ${what} was not read (its reader stopped)`) }
          : 'error' in reply
            ? { error: reply.user ? new UserError(reply.error) : new Error(reply.error) }
            : { revlog: reply.revlog };
      }
      if ('error' in result) throw result.error;
      return result.revlog;
    };
  };
}
