/**
 * The event log's lines: an event is written as the `JSON.stringify` of the object, one a
 * line; a line read back is parsed and checked, so anything that passes can be applied
 * and written again. The checks on answers and resets come from their field tables
 * (`core/events.ts`), which the fast reader (`scan.ts`) follows too.
 */
import {
  ANSWER_FIELDS,
  RESET_FIELDS,
  type CollectionEvent,
  type FieldKind,
  type FieldSpec,
} from '../../core/events.js';
import { isValidTimeZone } from '../../core/time.js';
import {
  checkSettings,
  depthWithin,
  isInstant,
  isNum,
  isObject,
  isSched,
  isStrOrNull,
  MAX_EXTRA_DEPTH,
} from '../validate.js';

/** The line an event is written as (without its newline). */
export function encodeEvent(e: CollectionEvent): string {
  if (e.dev === undefined) return JSON.stringify(e);
  // A device's own log does not name the device (its file does).
  const { dev: _dev, ...rest } = e;
  return JSON.stringify(rest);
}

/** Whether a value read back is of a field's kind. */
export const KIND_OK: Record<FieldKind, (v: unknown) => boolean> = {
  string: (v) => typeof v === 'string',
  zone: (v) => typeof v === 'string',
  number: isNum,
  rating: (v) => v === 1 || v === 2 || v === 3 || v === 4,
  hour: (v) => Number.isInteger(v) && (v as number) >= 0 && (v as number) < 24,
  sched: isSched,
  flag: (v) => typeof v === 'boolean',
};

const isFlag = (v: unknown) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 7;

/** Why an event's fields do not follow their table, or null. Zones are checked last (Intl is slow). */
function fieldsProblem(
  e: Record<string, unknown>,
  fields: Record<string, FieldSpec>,
): string | null {
  let zone: string | null = null;
  for (const name in fields) {
    const spec = fields[name] as FieldSpec;
    const v = e[name];
    if (v === undefined && spec.optional) continue;
    if (!KIND_OK[spec.kind](v)) return spec.problem;
    if (spec.kind === 'zone') zone = v as string;
  }
  if (zone !== null && !isValidTimeZone(zone)) return `unknown time zone "${zone.slice(0, 40)}"`;
  return null;
}

function undoableProblem(e: Record<string, unknown>): string | null {
  switch (e.type) {
    case 'answer':
      return fieldsProblem(e, ANSWER_FIELDS);
    case 'reset':
      return fieldsProblem(e, RESET_FIELDS);
    case 'suspend':
    case 'unsuspend':
      return typeof e.card === 'string' ? null : 'no card id';
    case 'bury':
      if (typeof e.card !== 'string' || typeof e.day !== 'string' || !isStrOrNull(e.prev))
        return 'a field is missing or of the wrong type';
      return null;
    case 'flag':
      return typeof e.card === 'string' && isFlag(e.flag) && isFlag(e.prev)
        ? null
        : 'a field is missing or of the wrong type';
    case 'set-due':
      return typeof e.card === 'string' && isSched(e.before) && isSched(e.after)
        ? null
        : 'a field is missing or of the wrong type';
    case 'mark':
      return typeof e.card === 'string' && typeof e.marked === 'boolean'
        ? null
        : 'a field is missing or of the wrong type';
    case 'settings': {
      if (!isObject(e.before) || !isObject(e.after)) return 'the settings are missing';
      for (const side of [e.before, e.after]) {
        const checked = checkSettings(side);
        if (typeof checked === 'string') return checked;
      }
      if (e.moved !== undefined) {
        if (!isObject(e.moved)) return 'the moved cards are malformed';
        for (const m of Object.values(e.moved))
          if (!isObject(m) || !isSched(m.before) || !isSched(m.after))
            return 'a moved card is malformed';
      }
      return null;
    }
    default:
      return 'it cannot be undone';
  }
}

/**
 * Why a parsed log line is not an event, or null when it is one. Event types this
 * version does not know are accepted when their common fields are right: applying them
 * changes nothing.
 */
export function eventProblem(v: unknown): string | null {
  if (!isObject(v)) return 'a line is not an event';
  if (!(Number.isInteger(v.seq) && (v.seq as number) > 0)) return 'a line has no sequence number';
  if (typeof v.type !== 'string' || !isInstant(v.at)) return 'a line is not an event';
  let why: string | null;
  switch (v.type) {
    case 'undo':
      why = isObject(v.target)
        ? Number.isInteger(v.target.seq) && typeof v.target.at === 'string'
          ? undoableProblem(v.target)
          : 'the undone event is malformed'
        : 'the undone event is missing';
      break;
    case 'deck-add':
    case 'deck-remove':
      why =
        typeof v.name === 'string' && typeof v.path === 'string'
          ? null
          : 'a field is missing or of the wrong type';
      break;
    case 'device':
      why = typeof v.name === 'string' ? null : 'a field is missing or of the wrong type';
      break;
    case 'answer':
    case 'suspend':
    case 'unsuspend':
    case 'bury':
    case 'reset':
    case 'settings':
    case 'flag':
    case 'mark':
    case 'set-due':
      why = undoableProblem(v);
      break;
    default:
      why = depthWithin(v, MAX_EXTRA_DEPTH) ? null : 'nested too deep';
  }
  return why ? `event ${v.seq} (${String(v.type).slice(0, 20)}): ${why}` : null;
}

/** Parses one line of the log: the event, or why it is not one. */
export function parseLine(text: string): { event: CollectionEvent } | { problem: string } {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return { problem: 'a line is not valid JSON' };
  }
  const problem = eventProblem(v);
  return problem ? { problem } : { event: v as CollectionEvent };
}

/**
 * Is the text after the last newline the start of an event cut short by a crash (which
 * is trimmed), rather than damage? An interrupted append leaves a prefix of one JSON line.
 */
export function isTornTail(tail: Uint8Array): boolean {
  const text = Buffer.from(tail.buffer, tail.byteOffset, tail.byteLength).toString('utf8');
  return text.trim() === '' || text.startsWith('{');
}
