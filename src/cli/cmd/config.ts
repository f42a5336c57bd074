import { CLAMP_PARAMETERS, W17_W18_Ceiling } from 'ts-fsrs';
import { leadDay, newCardPacing, pacingText } from '../../core/interview.js';
import { changesIntervals } from '../../core/reschedule.js';
import {
  DEFAULT_SETTINGS,
  isCalendarDate,
  validateSettings,
  type Settings,
} from '../../core/settings.js';
import { daysBetween, studyDay } from '../../core/time.js';
import { usageError } from '../args.js';
import { openCollection } from '../common.js';
import type { Env } from '../context.js';

export const usage = 'sre-cards config [get KEY | set KEY VALUE | unset KEY] [--json]';

type Field = keyof Settings;

interface Key {
  field: Field;
  /** What it means, for `config` and the help. */
  meaning: string;
  /** The values it takes, in words. */
  range: string;
  /** Reads a value from the command line; throws a sentence when it is not valid. */
  read: (v: string) => Settings[Field];
  show: (v: Settings[Field]) => string;
}

const STEP_RE = /^[1-9]\d*(m|h|d)$/;

function whole(name: string, lo: number, hi: number, unit = '') {
  return (v: string): number => {
    if (!/^\d+$/.test(v.trim()) || Number(v) < lo || Number(v) > hi)
      throw new Error(`${name} must be a whole number${unit} from ${lo} to ${hi}, not "${v}"`);
    return Number(v);
  };
}

function steps(name: string) {
  return (v: string): string[] => {
    if (v.trim() === 'none' || v.trim() === '') return [];
    const list = v.split(',').map((s) => s.trim());
    const bad = list.find((s) => !STEP_RE.test(s));
    if (bad !== undefined)
      throw new Error(
        `${name}: "${bad}" is not a step; give minutes, hours or days separated by commas, such as 1m,10m or 10m,1d (or "none")`,
      );
    return list;
  };
}

const showSteps = (v: Settings[Field]) =>
  (v as string[]).length ? (v as string[]).join(',') : 'none';
const showPlain = (v: Settings[Field]) => (v === null ? '-' : String(v));

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

/** Every key, in the order `config` lists them. */
export const KEYS: Record<string, Key> = {
  'desired-retention': {
    field: 'desiredRetention',
    meaning: 'the probability of recall FSRS schedules each review for',
    range: '0.70 to 0.99',
    read: (v) => {
      const n = Number(v);
      if (!/^(0?\.\d+|1(\.0*)?|0)$/.test(v.trim()) || !(n >= 0.7 && n <= 0.99))
        throw new Error(
          `desired-retention must be a number from 0.70 to 0.99, such as 0.9, not "${v}"`,
        );
      return n;
    },
    show: showPlain,
  },
  'new-per-day': {
    field: 'newPerDay',
    meaning: 'new cards introduced a study day (raised when needed to meet an interview date)',
    range: '0 to 9999',
    read: whole('new-per-day', 0, 9999),
    show: showPlain,
  },
  'reviews-per-day': {
    field: 'reviewsPerDay',
    meaning: 'reviews offered a study day at most',
    range: '0 to 99999',
    read: whole('reviews-per-day', 0, 99999),
    show: showPlain,
  },
  'rollover-hour': {
    field: 'rolloverHour',
    meaning: 'the local hour at which a new study day begins',
    range: '0 to 23',
    read: whole('rollover-hour', 0, 23),
    show: showPlain,
  },
  'learning-steps': {
    field: 'learningSteps',
    meaning: 'the steps a new card goes through before its first day-long interval',
    range: 'steps such as 1m,10m (m, h or d), or none',
    read: steps('learning-steps'),
    show: showSteps,
  },
  'relearning-steps': {
    field: 'relearningSteps',
    meaning: 'the steps a forgotten card goes through before it is a review card again',
    range: 'steps such as 10m (m, h or d), or none',
    read: steps('relearning-steps'),
    show: showSteps,
  },
  'maximum-interval': {
    field: 'maximumInterval',
    meaning: 'the longest interval, in days',
    range: '1 to 36500',
    read: whole('maximum-interval', 1, 36500, ' of days'),
    show: showPlain,
  },
  fuzz: {
    field: 'fuzz',
    meaning: 'spread review intervals a little, so cards learnt together do not stay together',
    range: 'on or off',
    read: (v) => {
      if (v === 'on' || v === 'off') return v === 'on';
      throw new Error(`fuzz must be on or off, not "${v}"`);
    },
    show: (v) => (v ? 'on' : 'off'),
  },
  'leech-threshold': {
    field: 'leechThreshold',
    meaning:
      'lapses at which a card is tagged a leech and suspended (again every half of it after); 0 turns it off',
    range: '0 to 99',
    read: whole('leech-threshold', 0, 99, ' of lapses'),
    show: showPlain,
  },
  backups: {
    field: 'backups',
    meaning: 'daily backups of the collection to keep (0 keeps none)',
    range: '0 to 1000',
    read: whole('backups', 0, 1000),
    show: showPlain,
  },
  'interview-date': {
    field: 'interviewDate',
    meaning:
      'the interview day: new cards are paced to be introduced before it, and no interval runs past its eve',
    range: 'a date after today, YYYY-MM-DD',
    read: (v) => {
      if (!isCalendarDate(v))
        throw new Error(
          `interview-date must be a date written YYYY-MM-DD, such as 2026-12-20, not "${v}"`,
        );
      return v;
    },
    show: showPlain,
  },
  'interview-lead-days': {
    field: 'interviewLeadDays',
    meaning: 'days before the interview by which every card has been introduced',
    range: '0 to 365',
    read: whole('interview-lead-days', 0, 365, ' of days'),
    show: showPlain,
  },
  parameters: {
    field: 'weights',
    meaning: 'the 21 FSRS-6 parameters (`sre-cards optimize` fits them); - means the defaults',
    range: '21 numbers separated by commas',
    read: readParameters,
    show: (v) => (v === null ? '-' : (v as number[]).map((w) => String(w)).join(',')),
  },
};

export const help = `Shows and changes the settings. Bare \`config\` lists every key with its value and default.

${usage}

${Object.entries(KEYS)
  .map(([k, d]) => `  ${k.padEnd(20)} ${d.range}\n  ${''.padEnd(20)} ${d.meaning}`)
  .join('\n')}

Changing the parameters, desired retention, steps, maximum interval, fuzz or interview
date reschedules the cards: each card's answers are replayed with the new settings, as
Anki does, and the number of cards that moved to a new due date is reported.
\`unset KEY\` puts a key back to its default.`;

function keyOf(name: string | undefined): [string, Key] {
  if (name === undefined) throw usageError('missing KEY', usage);
  const k = KEYS[name];
  if (!k)
    throw usageError(`unknown key "${name}"; the keys are: ${Object.keys(KEYS).join(', ')}`, usage);
  return [name, k];
}

/** Arguments by hand: values such as -1 must reach the key's own check, not the option parser. */
function parseConfigArgs(args: string[]): { json: boolean; positionals: string[] } {
  let json = false;
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (a === '--json') json = true;
    else if (a === '--data-dir') i++;
    else if (a.startsWith('--data-dir=')) continue;
    else if (a.startsWith('--')) throw usageError(`unknown option '${a}'`, usage);
    else positionals.push(a);
  }
  return { json, positionals };
}

export function run(args: string[], env: Env): number {
  const { json, positionals } = parseConfigArgs(args);
  const [verb, ...rest] = positionals;
  if (verb === undefined) return list(env, json);
  if (verb === 'get') {
    const [name, k] = keyOf(rest[0]);
    if (rest.length > 1) throw usageError(`unexpected argument "${rest[1]}"`, usage);
    const col = openCollection(env, 'read', 'config');
    const v = col.settings[k.field];
    env.stdout.write(json ? JSON.stringify({ [name]: v }) + '\n' : k.show(v) + '\n');
    return 0;
  }
  if (verb === 'set' || verb === 'unset') {
    const [name, k] = keyOf(rest[0]);
    const want = verb === 'set' ? 2 : 1;
    if (verb === 'set' && rest[1] === undefined)
      throw usageError(`missing VALUE for ${name}`, usage);
    if (rest.length > want) throw usageError(`unexpected argument "${rest[want]}"`, usage);
    return change(env, name, k, verb === 'set' ? (rest[1] as string) : null, json);
  }
  throw usageError(`unknown action "${verb}"; use get, set or unset`, usage);
}

function list(env: Env, json: boolean): number {
  const col = openCollection(env, 'read', 'config');
  const rows = Object.entries(KEYS).map(([name, k]) => ({
    key: name,
    value: col.settings[k.field],
    default: DEFAULT_SETTINGS[k.field],
    show: k.show(col.settings[k.field]),
    showDefault: k.show(DEFAULT_SETTINGS[k.field]),
  }));
  if (json) {
    const out: Record<string, { value: unknown; default: unknown }> = {};
    for (const r of rows) out[r.key] = { value: r.value, default: r.default };
    env.stdout.write(JSON.stringify(out) + '\n');
    return 0;
  }
  const clip = (s: string) => (s.length > 40 ? s.slice(0, 39) + '…' : s);
  const kw = Math.max(3, ...rows.map((r) => r.key.length));
  const vw = Math.max(5, ...rows.map((r) => clip(r.show).length));
  env.stdout.write(`${'KEY'.padEnd(kw)}  ${'VALUE'.padEnd(vw)}  DEFAULT\n`);
  for (const r of rows)
    env.stdout.write(`${r.key.padEnd(kw)}  ${clip(r.show).padEnd(vw)}  ${clip(r.showDefault)}\n`);
  return 0;
}

function change(env: Env, name: string, k: Key, raw: string | null, json: boolean): number {
  const now = env.now();
  let value: Settings[Field];
  try {
    value = raw === null ? DEFAULT_SETTINGS[k.field] : k.read(raw);
  } catch (e) {
    throw usageError((e as Error).message, usage);
  }
  const col = openCollection(env, 'write', 'config');
  try {
    const today = studyDay(now, col.clock);
    if (k.field === 'interviewDate' && typeof value === 'string' && value <= today)
      throw usageError(`interview-date must be after today (${today}); ${value} is not`, usage);
    const before = col.settings;
    const after = { ...before, [k.field]: value } as Settings;
    const problems = validateSettings(after);
    if (problems.length) throw usageError(problems.join('; '), usage);
    const unchanged = JSON.stringify(before[k.field]) === JSON.stringify(value);
    const result = unchanged ? { due: 0, changed: 0 } : col.updateSettings(after, now);
    if (json) {
      env.stdout.write(
        JSON.stringify({
          key: name,
          value,
          previous: before[k.field],
          changed: !unchanged,
          moved: result.due,
          rescheduled: result.changed,
        }) + '\n',
      );
      return 0;
    }
    if (unchanged) {
      env.stdout.write(`${name} is already ${k.show(value)}; nothing changed.\n`);
      return 0;
    }
    env.stdout.write(`${name}: ${k.show(before[k.field])} -> ${k.show(value)}\n`);
    if (changesIntervals(before, after))
      env.stdout.write(
        `Rescheduled from your answers: ${result.due} card${result.due === 1 ? '' : 's'} moved to a new due date.\n`,
      );
    if (k.field === 'interviewDate' || k.field === 'interviewLeadDays') {
      const lead = leadDay(col.settings);
      const pacing = newCardPacing(col.state, now, col.clock);
      if (lead && lead < today)
        env.stdout.write(
          `The lead day (${lead}) has passed: every card left is offered now, ${daysBetween(today, col.settings.interviewDate ?? today)} days before the interview.\n`,
        );
      if (pacing) env.stdout.write(pacingText(pacing) + '\n');
    }
    return 0;
  } finally {
    col.close();
  }
}
