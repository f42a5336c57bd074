/** Argument parsing shared by the commands (node's util.parseArgs, strict). */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UserError } from '../errors.js';
import type { Filter } from '../core/queue.js';
import { joinSearches, parseSearch } from '../core/search.js';

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
  search: { type: 'string', multiple: true },
  flag: { type: 'string', multiple: true },
  marked: { type: 'boolean' },
} as const satisfies Options;

/** The filter options as the commands' help lists them. */
export const FILTER_HELP = `  --topic T      only cards of topic T or its sub-topics (repeatable: any of them)
  --day N|N-M    only cards of plan day N, or days N to M
  --deck NAME    only cards of that deck (repeatable)
  --search TEXT  only cards whose front, back or source holds every word; "an exact
                 phrase" in quotes; -word leaves out the cards that have it
  --flag N       only cards flagged N (1-7: red, orange, green, blue, pink, turquoise,
                 purple; 0: no flag; repeatable: any of them)
  --marked       only cards of marked notes`;

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
  values: {
    topic?: string[];
    day?: string[];
    deck?: string[];
    search?: string[];
    flag?: string[];
    marked?: boolean;
  },
  usage: string,
): Filter {
  const searches = (values.search ?? []).map((t) => {
    const s = parseSearch(t);
    if (!s) throw usageError(`--search needs words to look for, not "${t}"`, usage);
    return s;
  });
  const flags = (values.flag ?? []).map((f) => {
    if (!/^[0-7]$/.test(f))
      throw usageError(`--flag takes a flag number from 1 to 7 (0: no flag), not "${f}"`, usage);
    return Number(f);
  });
  const extra: Pick<Filter, 'search' | 'flags' | 'marked'> = {
    ...(searches.length ? { search: joinSearches(searches) } : {}),
    ...(flags.length ? { flags } : {}),
    ...(values.marked ? { marked: true } : {}),
  };
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
  return { topics: values.topic ?? [], days, decks: values.deck ?? [], ...extra };
}
