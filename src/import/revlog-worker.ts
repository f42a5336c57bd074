/**
 * A worker thread reading an Anki collection's review log (`revlog-reader.ts`): given the
 * database's bytes once, it opens its own read-only copy, reads the log as the importer
 * does (`readReviewLog`), replies with its columns or the error it met, and raises the
 * flag the command waits on. As it goes it counts its progress in the flag's second slot,
 * which tells a waiting command that it has not stopped.
 */
import { workerData, type MessagePort } from 'node:worker_threads';
import { UserError } from '../errors.js';
import { readReviewLog } from './collection.js';
import type { Revlog } from './model.js';
import { loadSqlJs, openReadOnly } from './sqlite.js';
import type { RevlogReply, RevlogRequest } from './revlog-reader.js';

const { port, flag } = workerData as { port: MessagePort; flag: Int32Array };
const KEYS = ['id', 'cid', 'ease', 'ivl', 'lastIvl', 'factor', 'time', 'type'] as const;

const progress = () => {
  Atomics.add(flag, 1, 1);
};

port.once('message', ({ bytes, what }: RevlogRequest) => {
  void (async () => {
    try {
      let reply: RevlogReply;
      let transfer: ArrayBuffer[] = [];
      try {
        const SQL = await loadSqlJs();
        progress();
        const db = openReadOnly(SQL, bytes, what);
        progress();
        try {
          const revlog: Revlog = readReviewLog(db, what, progress);
          reply = { revlog };
          transfer = KEYS.map((k) => revlog[k].buffer as ArrayBuffer);
        } finally {
          db.close();
        }
      } catch (e) {
        reply = { error: (e as Error).message, user: e instanceof UserError };
      }
      try {
        port.postMessage(reply, transfer);
      } catch (e) {
        port.postMessage({ error: (e as Error).message, user: false } satisfies RevlogReply);
      }
    } finally {
      // Raised whatever happened: the command waits for it.
      Atomics.store(flag, 0, 1);
      Atomics.notify(flag, 0);
      port.close();
    }
  })();
});
