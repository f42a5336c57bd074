/**
 * A worker thread replaying chunks of an import's card histories (`replay.ts`): given
 * every chunk once, it takes the next one free from the counter the workers share, one
 * after another, and replies for each (or that it met an error), until none is left. It
 * waits while the next is beyond the last the pool allows yet, and writes into the memory
 * given back on its port of spares when there is some.
 */
import { parentPort, receiveMessageOnPort } from 'node:worker_threads';
import { replayChunk } from './replay.js';
import type { WorkerReply, WorkerStart } from './replay-pool.js';

const port = parentPort;
port?.once('message', ({ chunks, control, spares }: WorkerStart) => {
  try {
    for (;;) {
      const i = Atomics.add(control, 0, 1);
      if (i >= chunks.length) break;
      for (let last = Atomics.load(control, 1); i > last; last = Atomics.load(control, 1))
        Atomics.wait(control, 1, last);
      const spare = receiveMessageOnPort(spares)?.message as ArrayBuffer | undefined;
      const r = replayChunk(chunks[i]!, spare);
      const reply: WorkerReply = { ...r, index: i };
      port.postMessage(reply, [r.bytes.buffer as ArrayBuffer, r.ends.buffer as ArrayBuffer]);
    }
  } catch (e) {
    const reply: WorkerReply = { error: (e as Error).message };
    port.postMessage(reply);
  }
});
