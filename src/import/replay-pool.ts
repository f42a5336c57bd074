/**
 * The import's card histories replayed in chunks, in worker threads when the command
 * runs from its bundle (two at most), else here: either way the chunks come back in
 * order, and give the same events (`replay.ts`). The workers take the chunks in turn
 * from a counter they share, so one started while this thread still plans the import
 * replays chunk after chunk, and the other, started once this thread waits for them,
 * takes the next ones free: the two cores go to this thread and one worker first, then
 * to both workers while this thread writes.
 */
import { availableParallelism } from 'node:os';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { bundledScript, type WorkerError } from '../workers.js';
import { replayChunk, type ReplayChunk, type ReplayedChunk } from './replay.js';

/** Cards a chunk: about 40,000 answers with ten a card. */
export const CHUNK_CARDS = 4000;

/**
 * Each worker's young generation, MB: three semi-spaces of 64 MB, four times V8's default.
 * A replay makes a few short-lived objects an answer, a million answers, and its worker
 * collects them that much less often. At 100k cards the import took 0.3-0.5 s less, and
 * its peak (both workers) grew by some 150 MB.
 */
const YOUNG_MB = 192;

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
  /** Of those, how many start now; the others once the chunks are asked for. Default all. */
  startNow?: number;
  /**
   * How many chunks the workers replay beyond the one asked for, at most (their results
   * wait in memory); default 2 a worker. A replay started while this thread has other
   * work to do replays them all (`Infinity`).
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

/** What a worker is given: every chunk, the shared counters, and a port for memory to reuse. */
export interface WorkerStart {
  chunks: ReplayChunk[];
  /** [0]: the next chunk to take; [1]: the last chunk a worker may take (it waits till then). */
  control: Int32Array;
  spares: MessagePort;
}

/** What a worker replies for each chunk it takes. */
export type WorkerReply = (ReplayedChunk & { index: number }) | WorkerError;

/** Each chunk replayed, in order. */
export function replayChunks(
  work: ReplayWork,
  opts: PoolOptions = {},
): AsyncGenerator<ReplayedChunk, void, void> {
  return startReplay(work, opts).chunks(opts);
}

/**
 * Starts replaying the chunks: in worker threads, `startNow` of them start on them now
 * while this thread goes on; without workers, each is replayed here as it is taken.
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
  const inputs = Array.from({ length: n }, (_, i) => work.chunk(...range(i)));
  const ahead = Math.max(1, opts.ahead ?? 2) * threads;
  const control = new Int32Array(new SharedArrayBuffer(8));
  control[1] = Math.min(n, ahead) - 1;
  const results = inputs.map(() => {
    let resolve!: (r: ReplayedChunk) => void;
    let reject!: (e: Error) => void;
    const promise = new Promise<ReplayedChunk>((y, n) => {
      resolve = y;
      reject = n;
    });
    // Unhandled until awaited in order; a failure is then thrown where it is awaited.
    promise.catch(() => {});
    return { promise, resolve, reject };
  });
  const fail = (e: Error) => {
    for (const r of results) r.reject(e);
  };
  const workers: { worker: Worker; spares: MessagePort }[] = [];
  const start = () => {
    const worker = new Worker(script, { resourceLimits: { maxYoungGenerationSizeMb: YOUNG_MB } });
    const { port1, port2 } = new MessageChannel();
    worker.on('message', (m: WorkerReply) => {
      if ('error' in m) fail(new Error(m.error));
      else results[m.index]?.resolve(m);
    });
    worker.on('error', fail);
    // A worker ends of itself once no chunk is left to take (the others' may be under way).
    worker.on('exit', (code) => {
      if (code !== 0) fail(new Error(`the replay worker stopped (exit code ${code})`));
    });
    const msg: WorkerStart = { chunks: inputs, control, spares: port2 };
    worker.postMessage(msg, [port2]);
    workers.push({ worker, spares: port1 });
  };
  const now = Math.max(1, Math.min(threads, opts.startNow ?? threads));
  while (workers.length < now) start();
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    for (const { worker, spares } of workers) {
      worker.removeAllListeners('exit');
      spares.close();
      void worker.terminate();
    }
  };
  return {
    async *chunks(o = {}) {
      try {
        while (workers.length < threads) start();
        for (let i = 0; i < n; i++) {
          // Chunk i is taken: the workers may go on to `ahead` chunks beyond it.
          if (Atomics.load(control, 1) < Math.min(n - 1, i + ahead)) {
            Atomics.store(control, 1, Math.min(n - 1, i + ahead));
            Atomics.notify(control, 1);
          }
          // The memory of the chunk written last, for the chunks the workers still take.
          const spare = i + threads < n ? o.spares?.pop() : undefined;
          if (spare) workers[i % threads]!.spares.postMessage(spare, [spare]);
          o.progress?.(range(i)[0], work.count);
          const r = await results[i]!.promise;
          yield r;
        }
      } finally {
        stop();
      }
    },
    stop,
  };
}
