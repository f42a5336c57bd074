/**
 * A worker thread replaying chunks of an import's card histories (`replay.ts`): one
 * reply per chunk, in the order they come, or that it met an error.
 */
import { parentPort } from 'node:worker_threads';
import { replayChunk, type ReplayChunk } from './replay.js';

const port = parentPort;
port?.on('message', ({ chunk, spare }: { chunk: ReplayChunk; spare?: ArrayBuffer }) => {
  try {
    const r = replayChunk(chunk, spare);
    port.postMessage(r, [r.bytes.buffer as ArrayBuffer, r.ends.buffer as ArrayBuffer]);
  } catch (e) {
    port.postMessage({ error: (e as Error).message });
  }
});
