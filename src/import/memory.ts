/**
 * A card's FSRS memory state (stability, difficulty) from its Anki review log, computed
 * as Anki computes it when FSRS is switched on: `reviews_for_fsrs` in
 * rslib/src/scheduler/fsrs/params.rs picks the entries from the first answer of the
 * card's last learning block (cram answers and manual entries left out, a logged reset
 * ending the history), and `fsrs_item_for_memory_state` in memory_state.rs replays them;
 * a history without its learning steps starts from the SM-2 state of its first entry.
 * The FSRS steps themselves are ts-fsrs's (`next_state`), the same the scheduler uses.
 * Pure.
 */
import { FSRSAlgorithm, generatorParameters, migrateParameters } from 'ts-fsrs';

export interface LogEntry {
  /** ms */
  at: number;
  ease: number;
  ivl: number;
  factor: number;
  type: number;
  /** The entry's study day, as a day number. */
  day: number;
}

export interface Memory {
  stability: number;
  difficulty: number;
}

/** Anki's `is_cramming`: a filtered-deck answer that changed nothing (rslib/src/revlog/mod.rs). */
export const isCramming = (e: Pick<LogEntry, 'type' | 'factor'>) => e.type === 3 && e.factor === 0;
/** Anki's `is_reset`: "Forget" / reset to new. */
export const isReset = (e: Pick<LogEntry, 'type' | 'factor'>) => e.type === 4 && e.factor === 0;

const algorithms = new Map<string, FSRSAlgorithm>();

/**
 * ts-fsrs's migration of a parameter set to FSRS-6, without the line it writes to the
 * standard output for an FSRS-4 or FSRS-5 set (it would land in the middle of `--json`).
 */
export function migrated(params: readonly number[]): number[] {
  const debug = console.debug;
  console.debug = () => {};
  try {
    return migrateParameters([...params]);
  } finally {
    console.debug = debug;
  }
}

/** ts-fsrs's algorithm for a parameter set (FSRS-4 and -5 sets are migrated to FSRS-6). */
export function algorithm(params: readonly number[] | null): FSRSAlgorithm {
  const key = params ? params.join(',') : '';
  let a = algorithms.get(key);
  if (!a) {
    a = new FSRSAlgorithm(
      generatorParameters({
        enable_short_term: true,
        ...(params && params.length ? { w: migrated(params) } : {}),
      }),
    );
    algorithms.set(key, a);
  }
  return a;
}

/**
 * The memory state of SM-2 values, as fsrs-rs `memory_state_from_sm2` (FSRS-6): the
 * stability whose forgetting curve falls to `retention` after `interval` days, and the
 * difficulty that ease gives.
 */
export function memoryFromSm2(
  alg: FSRSAlgorithm,
  ease: number,
  interval: number,
  retention: number,
): Memory {
  const w = alg.parameters.w;
  const decay = -(w[20] ?? 0.5);
  const factor = 0.9 ** (1 / decay) - 1;
  const stability = (Math.max(interval, 0.001) * factor) / (retention ** (1 / decay) - 1);
  const difficulty =
    11 -
    (ease - 1) /
      (Math.exp(w[8] ?? 0) *
        stability ** -(w[9] ?? 0) *
        Math.expm1((1 - retention) * (w[10] ?? 0)));
  return {
    stability: Math.min(36500, Math.max(0.001, stability)),
    difficulty: Math.min(10, Math.max(1, Number.isFinite(difficulty) ? difficulty : 5)),
  };
}

/** The card's memory state from its log (all its entries, in time order), or null when it has none. */
export function memoryFromLog(
  entries: readonly LogEntry[],
  alg: FSRSAlgorithm,
  historicalRetention: number,
): Memory | null {
  let firstLearn = -1;
  let firstGraded = -1;
  let complete = false;
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i] as LogEntry;
    if (isCramming(e)) continue;
    const graded = e.ease > 0;
    if (graded && (e.ivl >= 1 || e.ivl <= -86400)) firstGraded = i;
    if (graded && e.type === 0) {
      firstLearn = i;
      complete = true;
    } else if (isReset(e)) {
      if (firstLearn >= 0) {
        complete = true;
        break;
      } else if (firstGraded >= 0) {
        complete = false;
        break;
      } else return null;
    } else if (firstLearn >= 0) break;
  }
  const start = firstLearn >= 0 ? firstLearn : firstGraded;
  if (start < 0) return null;
  const kept = entries.slice(start).filter((e) => e.ease > 0 && !isCramming(e));
  if (kept.length === 0) return null;
  let memory: Memory | null = null;
  let from = 0;
  if (!complete) {
    const first = kept[0] as LogEntry;
    const ease = (first.factor === 0 ? 2500 : first.factor) / 1000;
    memory = memoryFromSm2(alg, ease, Math.max(1, first.ivl), historicalRetention);
    // A factor under 1100 was written by FSRS: it is the difficulty (memory_state.rs).
    if (ease <= 1.1) memory.difficulty = (ease - 0.1) * 9 + 1;
    from = 1;
  }
  for (let i = from; i < kept.length; i++) {
    const e = kept[i] as LogEntry;
    const t = i === 0 ? 0 : Math.max(0, e.day - (kept[i - 1] as LogEntry).day);
    const next = alg.next_state(memory, t, e.ease);
    memory = { stability: next.stability, difficulty: next.difficulty };
  }
  return memory;
}
