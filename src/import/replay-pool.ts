/**
 * The import's card histories replayed in chunks, in worker threads when the command
 * runs from its bundle (two at most, while this thread writes the chunks before), else
 * here: either way the chunks come back in order, and give the same events (`replay.ts`).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { bundledScript, type WorkerError } from '../workers.js';
import { replayChunk, type ReplayChunk, type ReplayedChunk } from './replay.js';

/** Cards a chunk: about 40,000 answers with ten a card. */
export const CHUNK_CARDS = 4000;

export interface ReplayWork {
  count: number;
  chunk: (from: number, to: number) => ReplayChunk;
}

export interface PoolOptions {
  /**
   * The memory of chunks written already, given back (`ReplayedChunk.bytes.buffer`), for
   * the next chunks: the workers write into it rather than into new memory.
   */
  spares?: ArrayBuffer[];
  /** The worker script; default the bundle's `replay-worker.js` (none from the sources). */
  script?: string | null;
  chunkCards?: number;
  /** Worker threads at most; default 2 (fewer on fewer cores). */
  threads?: number;
  /**
   * Chunks given each worker before any is taken; default 2, so that they never wait and
   * few results wait in memory. A replay started while this thread has other work to do
   * gives them all (`Infinity`): the workers cannot be given more until it is done.
   */
  ahead?: number;
  /** Told how many of the cards are done, now and then. */
  progress?: (done: number, total: number) => void;
}

/** A replay under way: its chunks, to be taken once, in order; or stopped unused. */
export interface Replay {
  chunks(
    opts?: Pick<PoolOptions, 'spares' | 'progress'>,
  ): AsyncGenerator<ReplayedChunk, void, void>;
  /** Ends the workers (when the chunks are not taken to the end). */
  stop(): void;
}

/** Each chunk replayed, in order. */
export function replayChunks(
  work: ReplayWork,
  opts: PoolOptions = {},
): AsyncGenerator<ReplayedChunk, void, void> {
  return startReplay(work, opts).chunks(opts);
}

/**
 * Starts replaying the chunks: in worker threads, the first ones are given them now, and
 * replay them while this thread goes on; without workers, each is replayed here as it is taken.
 */
export function startReplay(work: ReplayWork, opts: PoolOptions = {}): Replay {
  const size = Math.max(1, opts.chunkCards ?? CHUNK_CARDS);
  const n = Math.ceil(work.count / size);
  const range = (i: number): [number, number] => [i * size, Math.min(work.count, (i + 1) * size)];
  const script = opts.script === undefined ? bundledScript('replay-worker.js') : opts.script;
  const most = Math.max(1, opts.threads ?? 2);
  const threads = script && n > 1 ? Math.min(most, Math.max(1, availableParallelism()), n) : 0;
  if (!threads || !script)
    return {
      async *chunks(o = {}) {
        for (let i = 0; i < n; i++) {
          o.progress?.(range(i)[0], work.count);
          yield replayChunk(work.chunk(...range(i)), o.spares?.pop());
        }
      },
      stop() {},
    };
  const workers: { worker: Worker; waiting: ((r: ReplayedChunk | Error) => void)[] }[] = [];
  for (let w = 0; w < threads; w++) {
    const worker = new Worker(script);
    const slot = { worker, waiting: [] as ((r: ReplayedChunk | Error) => void)[] };
    worker.on('message', (m: ReplayedChunk | WorkerError) =>
      slot.waiting.shift()?.('error' in m ? new Error(m.error) : m),
    );
    const fail = (e: Error) => {
      for (const f of slot.waiting.splice(0)) f(e);
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the replay worker stopped (exit code ${code})`)));
    workers.push(slot);
  }
  const pending: Promise<ReplayedChunk>[] = [];
  let posted = 0;
  const post = (spare: ArrayBuffer | undefined) => {
    const i = posted++;
    const slot = workers[i % threads]!;
    const chunk = work.chunk(...range(i));
    pending[i] = new Promise<ReplayedChunk>((resolve, reject) =>
      slot.waiting.push((r) => (r instanceof Error ? reject(r) : resolve(r))),
    );
    // Unhandled until awaited in order; a failure is then thrown where it is awaited.
    pending[i].catch(() => {});
    slot.worker.postMessage({ chunk, spare }, [
      ...(spare ? [spare] : []),
      chunk.offsets.buffer,
      chunk.at.buffer,
      chunk.ease.buffer,
      chunk.ivl.buffer,
      chunk.factor.buffer,
      chunk.time.buffer,
      chunk.type.buffer,
    ] as ArrayBuffer[]);
  };
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    for (const { worker } of workers) {
      worker.removeAllListeners('exit');
      void worker.terminate();
    }
  };
  const first = Math.min(n, Math.max(1, opts.ahead ?? 2) * threads);
  while (posted < first) post(opts.spares?.pop());
  return {
    async *chunks(o = {}) {
      try {
        // Two chunks ahead for each worker, once these are taken.
        for (let i = 0; i < n; i++) {
          while (posted < n && posted < i + 2 * threads) post(o.spares?.pop());
          o.progress?.(range(i)[0], work.count);
          const r = await pending[i]!;
          delete pending[i];
          yield r;
        }
      } finally {
        stop();
      }
    },
    stop,
  };
}
