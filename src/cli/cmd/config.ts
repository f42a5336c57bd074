import { leadDay, newCardPacing, pacingText } from '../../core/interview.js';
import {
  changesIntervals,
  DEFAULT_SETTINGS,
  SPECS,
  settingsForDeck,
  specOf,
  validateSettings,
  type AnySpec,
  type DeckSettings,
  type Settings,
} from '../../core/settings.js';
import { daysBetween, studyDay } from '../../core/time.js';
import { usageError } from '../args.js';
import { openCollection } from '../common.js';
import type { Env } from '../context.js';
import type { Collection } from '../../store/collection.js';

export const usage =
  'sre-cards config [get KEY | set KEY VALUE | unset KEY] [--deck NAME] [--json]';

const DECK_KEYS = SPECS.filter((s) => s.perDeck).map((s) => s.key);

export const help = `Shows and changes the settings. Bare \`config\` lists every key with its value and
default, and which deck has its own value of which key.

${usage}

${SPECS.map(
  (d) =>
    `  ${d.key.padEnd(20)} ${d.values.replace(/`/g, '')}\n  ${''.padEnd(20)} ${d.meaning.replace(/`/g, '')}`,
).join('\n')}

  --deck NAME   the settings of one deck's cards, like Anki's deck presets: \`set\` gives
                the deck its own value, \`unset\` takes it back to the one above, \`get\`
                and bare \`config --deck NAME\` show what the deck's cards are scheduled
                with. A deck can have its own ${DECK_KEYS.join(', ')}.

Changing the parameters, desired retention, steps, maximum interval, fuzz or interview
date reschedules the cards (for --deck, that deck's cards only): each card's answers are
replayed with the new settings, as Anki does, and the number of cards that moved to a
new due date is reported. \`unset KEY\` puts a key back to its default.`;

function keyOf(name: string | undefined): [string, AnySpec] {
  if (name === undefined) throw usageError('missing KEY', usage);
  const k = specOf(name);
  if (!k)
    throw usageError(
      `unknown key "${name}"; the keys are: ${SPECS.map((s) => s.key).join(', ')}`,
      usage,
    );
  return [name, k];
}

interface ConfigArgs {
  json: boolean;
  deck: string | null;
  positionals: string[];
}

/** Arguments by hand: values such as -1 must reach the key's own check, not the option parser. */
function parseConfigArgs(args: string[]): ConfigArgs {
  let json = false;
  let deck: string | null = null;
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
    else if (a === '--deck' || a.startsWith('--deck=')) {
      const v = a === '--deck' ? args[++i] : a.slice('--deck='.length);
      if (v === undefined || v === '') throw usageError('--deck takes the name of a deck', usage);
      deck = v;
    } else if (a.startsWith('--')) throw usageError(`unknown option '${a}'`, usage);
    else positionals.push(a);
  }
  return { json, deck, positionals };
}

export function run(args: string[], env: Env): number {
  const opts = parseConfigArgs(args);
  const [verb, ...rest] = opts.positionals;
  if (verb === undefined) return list(env, opts);
  if (verb === 'get') {
    const [name, k] = keyOf(rest[0]);
    if (rest.length > 1) throw usageError(`unexpected argument "${rest[1]}"`, usage);
    const col = openCollection(env, 'read', 'config');
    if (opts.deck !== null) checkDeck(col, opts.deck, k);
    const v = settingsForDeck(col.settings, opts.deck)[k.field];
    env.stdout.write(opts.json ? JSON.stringify({ [name]: v }) + '\n' : k.show(v as never) + '\n');
    return 0;
  }
  if (verb === 'set' || verb === 'unset') {
    const [name, k] = keyOf(rest[0]);
    const want = verb === 'set' ? 2 : 1;
    if (verb === 'set' && rest[1] === undefined)
      throw usageError(`missing VALUE for ${name}`, usage);
    if (rest.length > want) throw usageError(`unexpected argument "${rest[want]}"`, usage);
    return change(env, name, k, verb === 'set' ? (rest[1] as string) : null, opts);
  }
  throw usageError(`unknown action "${verb}"; use get, set or unset`, usage);
}

/** The deck must exist and the key must be one a deck can have. */
function checkDeck(col: Collection, deck: string, k?: AnySpec): void {
  if (!col.decks.has(deck))
    throw usageError(`unknown deck "${deck}"; decks: ${[...col.decks.keys()].join(', ')}`, usage);
  if (k && !k.perDeck)
    throw usageError(
      `${k.key} is one setting for every deck; a deck can have its own ${DECK_KEYS.join(', ')}`,
      usage,
    );
}

const clip = (s: string) => (s.length > 40 ? s.slice(0, 39) + '…' : s);

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .map((l) => l + '\n')
    .join('');
}

function list(env: Env, opts: ConfigArgs): number {
  const col = openCollection(env, 'read', 'config');
  const s = col.settings;
  if (opts.deck !== null) return listDeck(env, col, opts.deck, opts.json);
  const own = s.deckSettings ?? {};
  const decksOf = (k: AnySpec) =>
    Object.entries(own).filter(([, o]) => k.field in o) as [string, DeckSettings][];
  if (opts.json) {
    const out: Record<
      string,
      { value: unknown; default: unknown; decks?: Record<string, unknown> }
    > = {};
    for (const k of SPECS) {
      const ds = decksOf(k);
      out[k.key] = {
        value: s[k.field],
        default: DEFAULT_SETTINGS[k.field],
        ...(ds.length
          ? { decks: Object.fromEntries(ds.map(([d, o]) => [d, o[k.field as keyof DeckSettings]])) }
          : {}),
      };
    }
    env.stdout.write(JSON.stringify(out) + '\n');
    return 0;
  }
  const rows = [['KEY', 'VALUE', 'DEFAULT']];
  for (const k of SPECS)
    rows.push([k.key, clip(k.show(s[k.field] as never)), clip(k.show(k.default as never))]);
  env.stdout.write(table(rows));
  const decks = Object.entries(own).filter(([, o]) => Object.keys(o).length > 0);
  if (decks.length) {
    env.stdout.write('\nDecks with their own settings (`config --deck NAME` shows one):\n');
    for (const [d, o] of decks) {
      const parts = SPECS.filter((k) => k.field in o).map(
        (k) => `${k.key} ${clip(k.show(o[k.field as keyof DeckSettings] as never))}`,
      );
      env.stdout.write(`  ${d}: ${parts.join(', ')}\n`);
    }
  }
  return 0;
}

function listDeck(env: Env, col: Collection, deck: string, json: boolean): number {
  checkDeck(col, deck);
  const s = col.settings;
  const own = s.deckSettings?.[deck] ?? {};
  const eff = settingsForDeck(s, deck);
  const keys = SPECS.filter((k) => k.perDeck);
  if (json) {
    const out: Record<string, { value: unknown; global: unknown; own: boolean }> = {};
    for (const k of keys)
      out[k.key] = { value: eff[k.field], global: s[k.field], own: k.field in own };
    env.stdout.write(JSON.stringify(out) + '\n');
    return 0;
  }
  const rows = [['KEY', 'VALUE', 'FROM']];
  for (const k of keys)
    rows.push([
      k.key,
      clip(k.show(eff[k.field] as never)),
      k.field in own ? `deck ${deck}` : 'every deck',
    ]);
  env.stdout.write(table(rows));
  return 0;
}

/** The settings with `field` of deck `deck` set to `value` (null: back to the global value). */
function withDeckValue(s: Settings, deck: string, k: AnySpec, value: unknown | null): Settings {
  const all = { ...(s.deckSettings ?? {}) };
  const own: Record<string, unknown> = { ...(all[deck] ?? {}) };
  if (value === null) delete own[k.field];
  else own[k.field] = value;
  if (Object.keys(own).length) all[deck] = own as DeckSettings;
  else delete all[deck];
  return { ...s, deckSettings: all };
}

function change(env: Env, name: string, k: AnySpec, raw: string | null, opts: ConfigArgs): number {
  const now = env.now();
  const deck = opts.deck;
  let value: unknown;
  try {
    value = raw === null ? (deck === null ? k.default : null) : k.parse(raw);
  } catch (e) {
    throw usageError((e as Error).message, usage);
  }
  const col = openCollection(env, 'write', 'config');
  try {
    if (deck !== null) checkDeck(col, deck, k);
    const today = studyDay(now, col.clock);
    if (k.field === 'interviewDate' && typeof value === 'string' && value <= today)
      throw usageError(`interview-date must be after today (${today}); ${value} is not`, usage);
    const before = col.settings;
    const after =
      deck === null
        ? ({ ...before, [k.field]: value } as Settings)
        : withDeckValue(before, deck, k, value);
    const problems = validateSettings(after);
    if (problems.length) throw usageError(problems.join('; '), usage);
    const was = settingsForDeck(before, deck)[k.field];
    const now_ = settingsForDeck(after, deck)[k.field];
    const unchanged = JSON.stringify(before) === JSON.stringify(after);
    const result = unchanged ? { due: 0, changed: 0 } : col.updateSettings(after, now);
    const label = deck === null ? name : `${name} of deck ${deck}`;
    if (opts.json) {
      env.stdout.write(
        JSON.stringify({
          key: name,
          ...(deck !== null ? { deck } : {}),
          value: now_,
          previous: was,
          changed: !unchanged,
          moved: result.due,
          rescheduled: result.changed,
        }) + '\n',
      );
      return 0;
    }
    if (unchanged) {
      env.stdout.write(`${label} is already ${k.show(now_ as never)}; nothing changed.\n`);
      return 0;
    }
    env.stdout.write(`${label}: ${k.show(was as never)} -> ${k.show(now_ as never)}\n`);
    if (changesIntervals(before, after))
      env.stdout.write(
        `Rescheduled from your answers: ${result.due} card${result.due === 1 ? '' : 's'} moved to a new due date.\n`,
      );
    if ((k.field === 'fuzz' || k.field === 'loadBalance') && after.loadBalance && !after.fuzz)
      env.stdout.write(
        'The load balancer picks days within the fuzz range: with fuzz off it has nothing to pick from.\n',
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
