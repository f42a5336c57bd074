/** Argument parsing shared by the commands (node's util.parseArgs, strict). */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UserError } from '../errors.js';
import type { Filter } from '../core/queue.js';

type Options = NonNullable<ParseArgsConfig['options']>;

export const COMMON_OPTIONS = {
  'data-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Options;

export const FILTER_OPTIONS = {
  topic: { type: 'string', multiple: true },
  // Repeatable only to refuse a second one: a filter holds one day or one range.
  day: { type: 'string', multiple: true },
  deck: { type: 'string', multiple: true },
} as const satisfies Options;

export const JSON_OPTION = { json: { type: 'boolean' } } as const satisfies Options;

/** A usage error: exit 2, with the command's usage line. */
export function usageError(message: string, usage: string): UserError {
  return new UserError(`${message}\nusage: ${usage}`, 2);
}

export function parse<O extends Options>(args: string[], options: O, usage: string) {
  try {
    return parseArgs({ args, options: { ...options }, allowPositionals: true, strict: true });
  } catch (e) {
    const msg = (e as Error).message.replace(/\. To specify a positional argument.*$/s, '');
    throw usageError(msg.charAt(0).toLowerCase() + msg.slice(1), usage);
  }
}

const DAY_RE = /^(\d{1,4})(?:-(\d{1,4}))?$/;

/** Builds a filter from --topic, --day and --deck (validated later against the decks). */
export function filterFrom(
  values: { topic?: string[]; day?: string[]; deck?: string[] },
  usage: string,
): Filter {
  let days: [number, number] | null = null;
  if (values.day && values.day.length > 1)
    throw usageError(
      `--day is given ${values.day.length} times (${values.day.join(', ')}); give one day or one range, such as --day 61-65`,
      usage,
    );
  const day = values.day?.[0];
  if (day !== undefined) {
    const m = DAY_RE.exec(day);
    if (!m)
      throw usageError(`--day takes a day or a range such as 61 or 61-65, not "${day}"`, usage);
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (b < a) throw usageError(`--day ${day}: the range must run from low to high`, usage);
    days = [a, b];
  }
  return { topics: values.topic ?? [], days, decks: values.deck ?? [] };
}
