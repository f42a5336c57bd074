/**
 * A planned import's events as the store appends them: the opening events, then each
 * chunk of card histories replayed (in worker threads from the bundle: `replay-pool.ts`)
 * as encoded lines with what they do to the state, then the closing events, which need
 * the state each card's history ended in. The replay may have started while the import
 * was planned (`started`). Each item is to be taken (written) before the
 * next is asked for: an encoded chunk's memory then serves a chunk to come.
 */
import type { NewEvent } from '../core/model.js';
import type { Moved } from '../core/reschedule.js';
import type { SchedState } from '../core/scheduler.js';
import type { ImportPlan } from './plan.js';
import { startReplay, type PoolOptions, type Replay } from './replay-pool.js';
import { applyChunk } from './replay.js';

/** What the store's `appendImport` takes for an encoded chunk (`EncodedEvents`). */
interface Encoded {
  bytes: Uint8Array;
  ends: Int32Array;
  apply(state: Parameters<typeof applyChunk>[0]): void;
}

export async function* eventStream(
  p: Pick<ImportPlan, 'opening' | 'replay' | 'closing'>,
  moved: Moved,
  progress?: (done: number, total: number) => void,
  opts: PoolOptions & { started?: Replay | null } = {},
): AsyncGenerator<NewEvent | Encoded, void, void> {
  yield* p.opening(moved);
  const finals: SchedState[] = [];
  // Once a chunk is written, its memory goes back for a chunk to come.
  const spares: ArrayBuffer[] = [];
  // The replay started while the plan was made (`plan`'s `onReplay`), else one now.
  const replay = opts.started ?? startReplay(p.replay, { spares, ...opts });
  for await (const r of replay.chunks({ progress, spares })) {
    for (const f of r.finals) finals.push(f);
    yield { bytes: r.bytes, ends: r.ends, apply: (state) => applyChunk(state, r) };
    spares.push(r.bytes.buffer as ArrayBuffer);
  }
  yield* p.closing(finals);
}
