/**
 * The SQLite worker of a large `export anki --with-progress`: it builds the review log's
 * half of the database (see `RevlogHalf`) while the command's thread builds the notes'
 * and cards', then takes those in and replies with the whole database, or the error it met.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { RevlogHalf, type SqliteFinish, type SqliteStart } from './apkg.js';
import type { WorkerError } from '../workers.js';

export type SqliteReply = { bytes: Uint8Array } | WorkerError;

const port = parentPort;
if (port) {
  // The notes and cards come in one message, once built.
  const finish = new Promise<SqliteFinish>((resolve) => port.once('message', resolve));
  const { job, size } = workerData as SqliteStart;
  RevlogHalf.build(job, size)
    .then(async (half) => {
      const { col, notesAndCards } = await finish;
      return half.merge(col, notesAndCards);
    })
    .then(
      (bytes) => port.postMessage({ bytes } satisfies SqliteReply, [bytes.buffer as ArrayBuffer]),
      (e: unknown) => port.postMessage({ error: (e as Error).message } satisfies SqliteReply),
    );
}
