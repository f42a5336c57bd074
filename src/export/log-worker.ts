/**
 * A worker thread reading a stretch of the event log for `export anki --with-progress`:
 * it replies with the stretch's rows (see `logrows.ts`), or that it met an error.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { eachEvent } from '../store/eventlog.js';
import { readRows, rowBuffers, type WorkerReply } from './logrows.js';

const port = parentPort;
if (port) {
  const { log, start, end } = workerData as { log: string; start: number; end: number };
  let reply: WorkerReply;
  let transfer: ArrayBuffer[] = [];
  try {
    const rows = readRows(eachEvent(log, { start, end }));
    reply = { rows };
    transfer = rowBuffers(rows);
  } catch (e) {
    reply = { error: (e as Error).message };
  }
  port.postMessage(reply, transfer);
}
