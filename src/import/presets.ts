/**
 * An Anki deck preset's FSRS settings as a deck's settings here (`import --with-settings`):
 * its parameters (`fsrsParams6`, else `fsrsParams5`, else `fsrsWeights`; in schema 18 the
 * `DeckConfig.Config` fields 6, 5 and 3: proto/anki/deck_config.proto) and its desired
 * retention. FSRS-4 and FSRS-5 sets are migrated to FSRS-6 as ts-fsrs migrates them. A
 * value ts-fsrs cannot use (a set of another length, a parameter out of its range, a
 * retention outside what the settings take) is refused with a sentence saying why; the
 * other value still comes across. Pure.
 */
import { CLAMP_PARAMETERS, W17_W18_Ceiling } from 'ts-fsrs';
import { specOfField, type DeckSettings } from '../core/settings.js';
import { migrated } from './memory.js';
import type { AnkiDeckConfig } from './model.js';
import { oneLine } from './render.js';

/** What a preset gives a deck: the values taken, and why any was refused. */
export interface ImportedSettings {
  /** The preset's name. */
  preset: string;
  /** FSRS-6 parameters (older sets migrated), or null when the preset has none or they were refused. */
  weights: number[] | null;
  desiredRetention: number | null;
  /** A sentence for each value refused. */
  refused: string[];
}

/** ts-fsrs's range for each FSRS-6 parameter (short-term memory on, as the scheduler runs it). */
const RANGES = CLAMP_PARAMETERS(W17_W18_Ceiling, true);

/** Why ts-fsrs cannot use a parameter set (of its own length), or null. */
export function parameterProblem(ws: readonly number[]): string | null {
  if (ws.length !== 17 && ws.length !== 19 && ws.length !== 21)
    return `there are ${ws.length} of them, where FSRS-4, FSRS-5 and FSRS-6 have 17, 19 and 21`;
  for (let i = 0; i < ws.length; i++) {
    const w = ws[i] as number;
    if (!Number.isFinite(w)) return `parameter ${i + 1} (w${i}) is not a number`;
    const [lo, hi] = RANGES[i] as [number, number];
    if (w < lo || w > hi)
      return `parameter ${i + 1} (w${i}) is ${w}, and it must be between ${lo} and ${hi}`;
  }
  return null;
}

/**
 * FSRS-6 parameters from a set ts-fsrs can use: an FSRS-6 set as it is, an older one
 * migrated (the parameters FSRS-6 adds take ts-fsrs's values, raised to the least its
 * scheduler takes: it would raise them itself).
 */
function asFsrs6(ws: readonly number[]): number[] {
  if (ws.length === 21) return [...ws];
  return migrated(ws).map((w, i) => {
    const [lo, hi] = RANGES[i] as [number, number];
    return i < ws.length ? w : Math.min(hi, Math.max(lo, w));
  });
}

/** The preset's FSRS settings; `null` when it has none. */
export function presetSettings(p: AnkiDeckConfig): ImportedSettings | null {
  if (!p.fsrsParams?.length && p.desiredRetention === null) return null;
  const name = oneLine(p.name);
  const refused: string[] = [];
  let weights: number[] | null = null;
  if (p.fsrsParams?.length) {
    let why = parameterProblem(p.fsrsParams);
    if (!why) {
      weights = asFsrs6(p.fsrsParams);
      why = parameterProblem(weights) ?? specOfField('weights').check(weights);
      if (why) weights = null;
    }
    if (why)
      refused.push(
        `the FSRS parameters of Anki's preset "${name}" cannot be used by ts-fsrs (${why}), so the deck keeps the parameters it had`,
      );
  }
  let desiredRetention: number | null = null;
  if (p.desiredRetention !== null) {
    const why = specOfField('desiredRetention').check(p.desiredRetention);
    if (why)
      refused.push(
        `the desired retention ${p.desiredRetention} of Anki's preset "${name}" is refused (${why}), so the deck keeps the retention it had`,
      );
    else desiredRetention = p.desiredRetention;
  }
  return { preset: name, weights, desiredRetention, refused };
}

/** The deck's own settings with what was taken from the preset over them. */
export function withPreset(own: DeckSettings | undefined, s: ImportedSettings): DeckSettings {
  return {
    ...(own ?? {}),
    ...(s.weights ? { weights: s.weights } : {}),
    ...(s.desiredRetention !== null ? { desiredRetention: s.desiredRetention } : {}),
  };
}

/** Do two presets give a deck the same FSRS settings? */
export function sameFsrs(a: ImportedSettings | null, b: ImportedSettings | null): boolean {
  return (
    JSON.stringify([a?.weights ?? null, a?.desiredRetention ?? null]) ===
    JSON.stringify([b?.weights ?? null, b?.desiredRetention ?? null])
  );
}
