/**
 * Shape checks for what is read back from disk (the snapshot, backups, and the parts of
 * events they share: card states and settings; the events themselves: `log/codec.ts`).
 * Anything that passes can be used and written again without a crash: right types,
 * finite numbers, no runaway nesting.
 */
import { SCHED_KEYS, type SchedState } from '../core/scheduler.js';
import { DEFAULT_SETTINGS, validateSettings, type Settings } from '../core/settings.js';

const STATES = new Set(['new', 'learning', 'review', 'relearning']);

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
export const isStrOrNull = (v: unknown) => v === null || typeof v === 'string';
/** The form `toISOString` writes, with a month, day and time in range: parses for sure. */
const ISO_RE =
  /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;
/** An instant as stored: an ISO string that parses. */
export const isInstant = (v: unknown): v is string =>
  typeof v === 'string' && (ISO_RE.test(v) || !Number.isNaN(Date.parse(v)));
const isInstantOrNull = (v: unknown) => v === null || isInstant(v);

const isCount = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;

/**
 * A stored scheduling state (flat: every field a number, a string or null), with a memory
 * state FSRS accepts: none (0, 0) for a new card, else difficulty 1-10 and stability
 * 0.001-36500 days.
 */
export function isSched(v: unknown): v is SchedState {
  if (!isObject(v)) return false;
  // Nine fields, all checked below to be flat; any more must be flat too.
  if (Object.keys(v).length !== SCHED_KEYS.length)
    for (const k in v) if (typeof v[k] === 'object' && v[k] !== null) return false;
  if (!(
    typeof v.state === 'string' &&
    STATES.has(v.state) &&
    isInstantOrNull(v.due) &&
    isNum(v.stability) &&
    isNum(v.difficulty) &&
    isCount(v.reps) &&
    isCount(v.lapses) &&
    isCount(v.step) &&
    isNum(v.scheduledDays) &&
    v.scheduledDays >= 0 &&
    isInstantOrNull(v.lastReview)
  ))
    return false;
  const none = v.stability === 0 && v.difficulty === 0;
  const memory =
    v.difficulty >= 1 && v.difficulty <= 10 && v.stability >= 0.001 && v.stability <= 36500;
  return v.state === 'new' ? none || memory : memory;
}

/** Is `v` nested at most `max` levels deep (objects and arrays)? Iterative: never overflows. */
export function depthWithin(v: unknown, max: number): boolean {
  if (typeof v !== 'object' || v === null) return true;
  const stack: [unknown, number][] = [[v, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (depth > max) return false;
    for (const child of Object.values(node as object))
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
  }
  return true;
}

/** Extra fields (from another version) may hold anything JSON, but not nested deeper than this. */
export const MAX_EXTRA_DEPTH = 16;

const CARD_KEYS = new Set([
  'id',
  'note',
  'deck',
  'sched',
  'suspended',
  'buriedDay',
  'retired',
  'hash',
  'mod',
]);

/** Why a card record is malformed, or null when it is fine. */
export function cardProblem(id: string, c: unknown): string | null {
  if (!isObject(c)) return 'not an object';
  if (!isSched(c.sched)) return 'its scheduling state is malformed';
  if (
    c.id !== id ||
    typeof c.note !== 'string' ||
    typeof c.deck !== 'string' ||
    typeof c.hash !== 'string' ||
    typeof c.mod !== 'string' ||
    typeof c.suspended !== 'boolean' ||
    typeof c.retired !== 'boolean' ||
    !isStrOrNull(c.buriedDay)
  )
    return 'a field is missing or of the wrong type';
  if (
    c.flag !== undefined &&
    !(Number.isInteger(c.flag) && (c.flag as number) >= 0 && (c.flag as number) <= 7)
  )
    return 'its flag is not 0-7';
  if (c.marked !== undefined && typeof c.marked !== 'boolean')
    return 'its mark is not true or false';
  if (Object.keys(c).length !== CARD_KEYS.size)
    for (const k in c)
      if (!CARD_KEYS.has(k) && !depthWithin(c[k], MAX_EXTRA_DEPTH))
        return `field "${k}" is too deep`;
  return null;
}

const DAY_KEYS = ['new', 'learning', 'review', 'relearning', 'again', 'ms'] as const;

export function dayProblem(v: unknown): string | null {
  if (!isObject(v)) return 'not an object';
  for (const k of DAY_KEYS) if (!isNum(v[k])) return `"${k}" is not a number`;
  return depthWithin(v, 2) ? null : 'nested too deep';
}

export function deckEntryProblem(name: string, v: unknown): string | null {
  if (!isObject(v)) return 'not an object';
  if (
    v.name !== name ||
    !isStrOrNull(v.path) ||
    !(v.synced === undefined || typeof v.synced === 'string')
  )
    return 'a field is missing or of the wrong type';
  return depthWithin(v, 2) ? null : 'nested too deep';
}

/**
 * Settings as read back: missing ones take their defaults; each must have its default's
 * type and pass `validateSettings`. Returns the settings, or why they are malformed.
 */
export function checkSettings(raw: unknown): Settings | string {
  if (raw === undefined) return { ...DEFAULT_SETTINGS };
  if (!isObject(raw)) return 'the settings are not an object';
  const s: Record<string, unknown> = { ...DEFAULT_SETTINGS, ...raw };
  for (const [k, d] of Object.entries(DEFAULT_SETTINGS) as [string, unknown][]) {
    const v = s[k];
    let ok: boolean;
    if (d === null) ok = v === null || typeof v !== 'object' || depthWithin(v, 1);
    else if (Array.isArray(d))
      ok =
        Array.isArray(v) &&
        v.every((x) => (d.length ? typeof x === typeof d[0] : typeof x !== 'object'));
    else if (typeof d === 'number') ok = isNum(v);
    else ok = typeof v === typeof d;
    if (!ok) return `setting "${k}" has the wrong type`;
  }
  for (const k in raw)
    if (!(k in DEFAULT_SETTINGS) && !depthWithin(raw[k], 3)) return `setting "${k}" is too deep`;
  let problems: string[];
  try {
    problems = validateSettings(s as unknown as Settings);
  } catch {
    problems = ['they cannot be read'];
  }
  if (problems.length) return `the settings are invalid: ${problems[0]}`;
  return s as unknown as Settings;
}
