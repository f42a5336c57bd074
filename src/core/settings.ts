/**
 * The settings, described once. `SETTINGS` holds every setting: its key on the command
 * line, its field in the collection, its default, the values it takes in words, what it
 * means, and how it is read, checked and shown. The defaults, `validateSettings` (and so
 * the checks of what is read back from disk), `config` and its help, and the README's
 * table of settings all come from it.
 *
 * Some settings can be overridden for one deck (`perDeck`), as Anki's deck presets do:
 * `settingsForDeck` gives the settings a deck's cards are scheduled with.
 */
import { CLAMP_PARAMETERS, W17_W18_Ceiling } from 'ts-fsrs';

/** Scheduling and limit settings, with Anki-like defaults. */
export interface Settings {
  desiredRetention: number;
  learningSteps: string[];
  relearningSteps: string[];
  maximumInterval: number;
  fuzz: boolean;
  /** Pick each review's day within the fuzz range so that the daily load evens out. */
  loadBalance: boolean;
  /** A share of the normal load for each weekday, Monday first (1 is normal, 0 none). */
  easyDays: number[];
  newPerDay: number;
  reviewsPerDay: number;
  rolloverHour: number;
  /** FSRS weights; null means ts-fsrs's defaults. */
  weights: number[] | null;
  /** Lapses at which a card becomes a leech and is suspended; 0 turns it off. */
  leechThreshold: number;
  /** The interview day (YYYY-MM-DD), or null when none is set. */
  interviewDate: string | null;
  /** Every card is introduced at least this many days before the interview. */
  interviewLeadDays: number;
  /** Daily backups of the collection to keep (0 keeps none). */
  backups: number;
  /** Settings of one deck that differ from the ones above, by deck name. */
  deckSettings: Record<string, DeckSettings>;
}

/** The fields a deck can set for its own cards. */
export const DECK_FIELDS = [
  'desiredRetention',
  'newPerDay',
  'reviewsPerDay',
  'learningSteps',
  'relearningSteps',
  'maximumInterval',
  'weights',
] as const;
export type DeckField = (typeof DECK_FIELDS)[number];
export type DeckSettings = Partial<Pick<Settings, DeckField>>;

/** A setting the command line can change; `deckSettings` is set through `config --deck`. */
export type SettingField = Exclude<keyof Settings, 'deckSettings'>;

export interface SettingSpec<F extends SettingField = SettingField> {
  /** The key on the command line: `config set KEY VALUE`. */
  key: string;
  field: F;
  default: Settings[F];
  /** The values it takes, in words (Markdown: `code` marks literal text). */
  values: string;
  /** What it means. */
  meaning: string;
  /** The default as the README's table writes it, when not simply the value shown. */
  defaultText?: string;
  /** Reads a value from the command line; throws an Error whose message says what it takes. */
  parse: (v: string) => Settings[F];
  /** Why a stored value is not valid (of any type), or null. */
  check: (v: unknown) => string | null;
  /** The value as `config` shows it and `set` takes it. */
  show: (v: Settings[F]) => string;
  /** A change moves cards: their answers are replayed with the new value. */
  reschedules: boolean;
  /** A deck can override it (`config --deck NAME set KEY VALUE`). */
  perDeck: boolean;
}

const STEP_RE = /^[1-9]\d*(m|h|d)$/;

const isWhole = (v: unknown, lo: number, hi: number): boolean =>
  Number.isInteger(v) && (v as number) >= lo && (v as number) <= hi;

function whole(key: string, lo: number, hi: number, unit = '') {
  return (v: string): number => {
    if (!/^\d+$/.test(v.trim()) || Number(v) < lo || Number(v) > hi)
      throw new Error(`${key} must be a whole number${unit} from ${lo} to ${hi}, not "${v}"`);
    return Number(v);
  };
}

function readSteps(key: string) {
  return (v: string): string[] => {
    if (v.trim() === 'none' || v.trim() === '') return [];
    const list = v.split(',').map((s) => s.trim());
    const bad = list.find((s) => !STEP_RE.test(s));
    if (bad !== undefined)
      throw new Error(
        `${key}: "${bad}" is not a step; give minutes, hours or days separated by commas, such as 1m,10m or 10m,1d (or "none")`,
      );
    return list;
  };
}

function checkSteps(v: unknown): string | null {
  if (!Array.isArray(v)) return 'steps must be a list such as 1m, 10m';
  for (const st of v)
    if (typeof st !== 'string' || !STEP_RE.test(st))
      return `bad step "${String(st)}": use minutes, hours or days such as 1m, 10m, 1h, 1d`;
  return null;
}

const showSteps = (v: string[]) => (v.length ? v.join(',') : 'none');
const showOnOff = (v: boolean) => (v ? 'on' : 'off');

function readOnOff(key: string) {
  return (v: string): boolean => {
    if (v === 'on' || v === 'off') return v === 'on';
    throw new Error(`${key} must be on or off, not "${v}"`);
  };
}

function readParameters(v: string): number[] {
  const parts = v.split(',').map((s) => s.trim());
  const ws = parts.map(Number);
  if (parts.length !== 21 || parts.some((p) => p === '') || !ws.every(Number.isFinite))
    throw new Error(
      `parameters must be 21 numbers separated by commas (FSRS-6), as \`sre-cards optimize\` prints them; got ${parts.length}`,
    );
  const clamp = CLAMP_PARAMETERS(W17_W18_Ceiling, true);
  ws.forEach((w, i) => {
    const [lo, hi] = clamp[i] as [number, number];
    if (w < lo || w > hi)
      throw new Error(`parameter ${i + 1} (w${i}) is ${w}; it must be between ${lo} and ${hi}`);
  });
  return ws;
}

/** Weekday names, Monday first, as `easy-days` takes them. */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const NORMAL_WEEK = [1, 1, 1, 1, 1, 1, 1];

function readEasyDays(v: string): number[] {
  const week = [...NORMAL_WEEK];
  if (v.trim() === 'none') return week;
  const usage = `easy-days takes weekdays with a share of the normal load from 0 to 1, such as sat=0.5,sun=0 (or "none")`;
  for (const part of v.split(',')) {
    const m = /^\s*([a-z]+)\s*=\s*(\d*\.?\d+)\s*$/i.exec(part);
    const day = m ? WEEKDAYS.findIndex((d) => (m[1] ?? '').toLowerCase().startsWith(d)) : -1;
    const share = m ? Number(m[2]) : NaN;
    if (!m || day === -1 || !(share >= 0 && share <= 1))
      throw new Error(`${usage}; "${part.trim()}" is not one`);
    week[day] = share;
  }
  return week;
}

function showEasyDays(v: number[]): string {
  const parts = v.flatMap((share, i) => (share === 1 ? [] : [`${WEEKDAYS[i]}=${share}`]));
  return parts.length ? parts.join(',') : 'none';
}

function spec<F extends SettingField>(s: SettingSpec<F>): SettingSpec<F> {
  return s;
}

/** Every setting, in the order `config` lists them. */
export const SETTINGS = [
  spec({
    key: 'desired-retention',
    field: 'desiredRetention',
    default: 0.9,
    values: '0.70 to 0.99',
    meaning:
      'the probability of recall FSRS schedules each review for; higher means shorter intervals and more reviews',
    parse: (v) => {
      const n = Number(v);
      if (!/^(0?\.\d+|1(\.0*)?|0)$/.test(v.trim()) || !(n >= 0.7 && n <= 0.99))
        throw new Error(
          `desired-retention must be a number from 0.70 to 0.99, such as 0.9, not "${v}"`,
        );
      return n;
    },
    check: (v) =>
      typeof v === 'number' && v >= 0.7 && v <= 0.99
        ? null
        : 'desired retention must be between 0.70 and 0.99',
    show: String,
    reschedules: true,
    perDeck: true,
  }),
  spec({
    key: 'new-per-day',
    field: 'newPerDay',
    default: 20,
    values: '0 to 9999',
    meaning: 'new cards introduced a study day (raised when needed to meet an interview date)',
    parse: whole('new-per-day', 0, 9999),
    check: (v) =>
      isWhole(v, 0, 9999) ? null : 'new cards per day must be a whole number from 0 to 9999',
    show: String,
    reschedules: false,
    perDeck: true,
  }),
  spec({
    key: 'reviews-per-day',
    field: 'reviewsPerDay',
    default: 200,
    values: '0 to 99999',
    meaning: 'reviews offered a study day at most',
    parse: whole('reviews-per-day', 0, 99999),
    check: (v) =>
      isWhole(v, 0, 99999) ? null : 'reviews per day must be a whole number from 0 to 99999',
    show: String,
    reschedules: false,
    perDeck: true,
  }),
  spec({
    key: 'rollover-hour',
    field: 'rolloverHour',
    default: 4,
    values: '0 to 23',
    meaning: 'the local hour at which a new study day begins',
    parse: whole('rollover-hour', 0, 23),
    check: (v) => (isWhole(v, 0, 23) ? null : 'rollover hour must be a whole number from 0 to 23'),
    show: String,
    reschedules: false,
    perDeck: false,
  }),
  spec({
    key: 'learning-steps',
    field: 'learningSteps',
    default: ['1m', '10m'],
    values: 'steps such as `1m,10m` (`m`, `h` or `d`), or `none`',
    meaning: 'the steps a new card goes through before its first day-long interval',
    parse: readSteps('learning-steps'),
    check: checkSteps,
    show: showSteps,
    reschedules: true,
    perDeck: true,
  }),
  spec({
    key: 'relearning-steps',
    field: 'relearningSteps',
    default: ['10m'],
    values: 'steps such as `10m`, or `none`',
    meaning: 'the steps a forgotten card goes through before it is a review card again',
    parse: readSteps('relearning-steps'),
    check: checkSteps,
    show: showSteps,
    reschedules: true,
    perDeck: true,
  }),
  spec({
    key: 'maximum-interval',
    field: 'maximumInterval',
    default: 36500,
    values: '1 to 36500',
    meaning: 'the longest interval, in days',
    parse: whole('maximum-interval', 1, 36500, ' of days'),
    check: (v) =>
      isWhole(v, 1, 36500)
        ? null
        : 'maximum interval must be a whole number of days from 1 to 36500',
    show: String,
    reschedules: true,
    perDeck: true,
  }),
  spec({
    key: 'fuzz',
    field: 'fuzz',
    default: true,
    values: '`on` or `off`',
    meaning: 'spread review intervals a little, so cards learnt together do not stay together',
    parse: readOnOff('fuzz'),
    check: (v) => (typeof v === 'boolean' ? null : 'fuzz must be on or off'),
    show: showOnOff,
    reschedules: true,
    perDeck: false,
  }),
  spec({
    key: 'load-balance',
    field: 'loadBalance',
    default: true,
    values: '`on` or `off`',
    meaning:
      "pick each review's day within the fuzz range so that the daily load evens out, as Anki does; needs fuzz",
    parse: readOnOff('load-balance'),
    check: (v) => (typeof v === 'boolean' ? null : 'load balance must be on or off'),
    show: showOnOff,
    reschedules: false,
    perDeck: false,
  }),
  spec({
    key: 'easy-days',
    field: 'easyDays',
    default: NORMAL_WEEK,
    values: 'weekdays with a share from 0 to 1, such as `sat=0.5,sun=0`; `none`',
    meaning:
      "a share of the normal load on some weekdays: the load balancer moves reviews off them within each card's fuzz range; 0 means none at all",
    parse: readEasyDays,
    check: (v) =>
      Array.isArray(v) &&
      v.length === 7 &&
      v.every((x) => typeof x === 'number' && x >= 0 && x <= 1)
        ? null
        : 'easy days must be 7 shares from 0 to 1, Monday first',
    show: showEasyDays,
    reschedules: false,
    perDeck: false,
  }),
  spec({
    key: 'leech-threshold',
    field: 'leechThreshold',
    default: 8,
    values: '0 to 99',
    meaning:
      'lapses at which a card is tagged a leech and suspended (and again every half of it after: 8, 12, 16...); `0` turns it off',
    parse: whole('leech-threshold', 0, 99, ' of lapses'),
    check: (v) =>
      isWhole(v, 0, 99)
        ? null
        : 'leech threshold must be a whole number of lapses from 0 (off) to 99',
    show: String,
    reschedules: false,
    perDeck: false,
  }),
  spec({
    key: 'backups',
    field: 'backups',
    default: 7,
    values: '0 to 1000',
    meaning: 'daily backups of the collection to keep; `0` keeps none',
    parse: whole('backups', 0, 1000),
    check: (v) =>
      isWhole(v, 0, 1000) ? null : 'backups must be a whole number from 0 to 1000 (0 keeps none)',
    show: String,
    reschedules: false,
    perDeck: false,
  }),
  spec({
    key: 'interview-date',
    field: 'interviewDate',
    default: null,
    values: 'a date after today, `YYYY-MM-DD`; `unset` removes it',
    meaning:
      'the interview day: new cards are paced to be introduced before it, and no interval runs past its eve',
    defaultText: 'none (`-`)',
    parse: (v) => {
      if (!isCalendarDate(v))
        throw new Error(
          `interview-date must be a date written YYYY-MM-DD, such as 2026-12-20, not "${v}"`,
        );
      return v;
    },
    check: (v) =>
      v === null || (typeof v === 'string' && isCalendarDate(v))
        ? null
        : `interview date must be a date such as 2026-12-20, not "${String(v)}"`,
    show: (v) => v ?? '-',
    reschedules: true,
    perDeck: false,
  }),
  spec({
    key: 'interview-lead-days',
    field: 'interviewLeadDays',
    default: 7,
    values: '0 to 365',
    meaning: 'days before the interview by which every card has been introduced',
    parse: whole('interview-lead-days', 0, 365, ' of days'),
    check: (v) =>
      isWhole(v, 0, 365) ? null : 'interview lead days must be a whole number from 0 to 365',
    show: String,
    reschedules: false,
    perDeck: false,
  }),
  spec({
    key: 'parameters',
    field: 'weights',
    default: null,
    values: '21 numbers separated by commas; `unset` goes back to the defaults',
    meaning: 'the 21 FSRS-6 parameters; `sre-cards optimize` fits them',
    defaultText: 'the FSRS-6 defaults (`-`)',
    parse: readParameters,
    check: (v) =>
      v === null ||
      (Array.isArray(v) &&
        v.length === 21 &&
        v.every((w) => typeof w === 'number' && Number.isFinite(w)))
        ? null
        : 'FSRS parameters must be 21 numbers (FSRS-6)',
    show: (v) => (v === null ? '-' : v.map((w) => String(w)).join(',')),
    reschedules: true,
    perDeck: true,
  }),
];

/** A setting's spec, typed loosely for code that goes through all of them. */
export type AnySpec = SettingSpec<SettingField>;

export const SPECS: readonly AnySpec[] = SETTINGS as unknown as readonly AnySpec[];

/** The spec of a command-line key, or undefined. */
export function specOf(key: string): AnySpec | undefined {
  return SPECS.find((s) => s.key === key);
}

/** The spec of a field. */
export function specOfField(field: SettingField): AnySpec {
  return SPECS.find((s) => s.field === field) as AnySpec;
}

export const DEFAULT_SETTINGS: Settings = {
  ...(Object.fromEntries(SPECS.map((s) => [s.field, s.default])) as Omit<Settings, 'deckSettings'>),
  deckSettings: {},
};

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Problems with a deck's own settings, as sentences. */
function deckProblems(all: unknown): string[] {
  if (all === undefined) return [];
  if (!isPlainObject(all)) return ['the settings of decks must be an object, by deck name'];
  const p: string[] = [];
  for (const [deck, own] of Object.entries(all)) {
    if (!isPlainObject(own)) {
      p.push(`the settings of deck "${deck}" must be an object`);
      continue;
    }
    for (const [field, v] of Object.entries(own)) {
      const s = SPECS.find((x) => x.field === field);
      if (!s || !s.perDeck) p.push(`deck "${deck}": "${field}" is not a setting a deck can have`);
      else {
        const why = s.check(v);
        if (why) p.push(`deck "${deck}": ${why}`);
      }
    }
  }
  return p;
}

/** Problems with a settings object, as sentences (ts-fsrs would silently replace some). */
export function validateSettings(s: Settings): string[] {
  const p: string[] = [];
  for (const x of SPECS) {
    const why = x.check(s[x.field]);
    if (why) p.push(why);
  }
  p.push(...deckProblems(s.deckSettings));
  return p;
}

/** Is `s` a real calendar date written YYYY-MM-DD? */
export function isCalendarDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const t = Date.parse(`${s}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === s;
}

const merged = new WeakMap<Settings, Map<string, Settings>>();

/**
 * The settings a deck's cards are scheduled with: the deck's own settings over the
 * others. The same object for the same settings and deck (cheap in loops over cards).
 */
export function settingsForDeck(s: Settings, deck: string | null | undefined): Settings {
  const own = deck ? s.deckSettings?.[deck] : undefined;
  if (!own || Object.keys(own).length === 0) return s;
  let byDeck = merged.get(s);
  if (!byDeck) {
    byDeck = new Map();
    merged.set(s, byDeck);
  }
  let r = byDeck.get(deck as string);
  if (!r) {
    r = { ...s, ...own };
    byDeck.set(deck as string, r);
  }
  return r;
}

const RESCHEDULING = SPECS.filter((s) => s.reschedules).map((s) => s.field);

/** What decides a card's intervals under these settings, for one deck, as a string. */
export function intervalKey(s: Settings, deck?: string | null): string {
  const e = settingsForDeck(s, deck);
  return JSON.stringify(RESCHEDULING.map((f) => e[f]));
}

/** Does going from `a` to `b` change intervals for any deck (so cards need rescheduling)? */
export function changesIntervals(a: Settings, b: Settings): boolean {
  if (intervalKey(a) !== intervalKey(b)) return true;
  const decks = new Set([
    ...Object.keys(a.deckSettings ?? {}),
    ...Object.keys(b.deckSettings ?? {}),
  ]);
  for (const d of decks) if (intervalKey(a, d) !== intervalKey(b, d)) return true;
  return false;
}

/** The settings' table as the README writes it (a test keeps the two the same). */
export function settingsTableMarkdown(): string {
  const rows = SPECS.map((s) => {
    const shown = s.show(s.default as never);
    const dflt = s.defaultText ?? (/^\d+(\.\d+)?$/.test(shown) ? shown : `\`${shown}\``);
    return `| \`${s.key}\` | ${s.meaning} | ${s.values} | ${dflt} | ${s.perDeck ? 'yes' : ''} |`;
  });
  return [
    '| key | meaning | values | default | per deck |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}
