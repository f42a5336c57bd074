/**
 * A worker thread reading a stretch of the event log for `export anki --with-progress`:
 * it replies with the stretch's rows (see `core/logrows.ts`), or that it met an error.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { rowBuffers } from '../../core/logrows.js';
import { scanLogRows, type WorkerReply } from './scan.js';

const port = parentPort;
if (port) {
  const { log, start, end } = workerData as { log: string; start: number; end: number };
  let reply: WorkerReply;
  let transfer: ArrayBuffer[] = [];
  try {
    const rows = scanLogRows(log, { start, end });
    reply = { rows };
    transfer = rowBuffers(rows);
  } catch (e) {
    reply = { error: (e as Error).message };
  }
  port.postMessage(reply, transfer);
}
