/** Helpers the commands share: opening the collection, checking filters, printing cards. */
import { hasTopic } from '../deck/cards.js';
import type { Card } from '../deck/types.js';
import { UserError } from '../errors.js';
import type { CardInfo } from '../core/cardinfo.js';
import { cardInfoOf, type CardInfoView } from '../session/session.js';
import { ratingName } from '../core/scheduler.js';
import { FLAG_NAMES } from './cmd/flag.js';
import { isBuried } from '../core/model.js';
import { selectsAll, type Filter, type StudyCard } from '../core/queue.js';
import { describeSearch } from '../core/search.js';
import { studyDay } from '../core/time.js';
import { Collection } from '../store/collection.js';
import { zoneToRecord } from './context.js';
import { usageError } from './args.js';
import { BUILTIN_DECK } from '../deck/builtin.js';
import type { Env } from './context.js';
import { sanitize } from '../text/terminal.js';
import { answerLogLines, seconds } from '../text/cardinfo.js';

/** SRE_CARDS_SNAPSHOT_EVERY: events between snapshots (tests and benchmarks set it). */
export function snapshotEveryFromEnv(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (!/^[1-9]\d{0,8}$/.test(value))
    throw new UserError(
      `SRE_CARDS_SNAPSHOT_EVERY must be a whole number from 1, not "${value}"`,
      2,
    );
  return Number(value);
}

export function openCollection(
  env: Env,
  mode: 'read' | 'write',
  command: string,
  opts: { snapshotWhenIdle?: boolean } = {},
): Collection {
  const col = Collection.open({
    dataDir: env.dataDir,
    mode,
    command,
    now: env.now(),
    // Writers record the zone in the log: it must be one the runtime knows.
    timeZone: mode === 'write' ? zoneToRecord(env.timeZone) : env.timeZone,
    snapshotEvery: snapshotEveryFromEnv(process.env.SRE_CARDS_SNAPSHOT_EVERY),
    ...opts,
  });
  const warn = (w: string) => env.stderr.write(`sre-cards: warning: ${sanitize(w)}\n`);
  for (const w of col.warnings) warn(w);
  // Decks left unread at open (their sources unchanged) may still raise one when read.
  col.onWarning = warn;
  return col;
}

/** Every topic the collection's decks declare. */
export function knownTopics(col: Collection): string[] {
  const set = new Set<string>();
  for (const d of col.decks.values()) for (const t of d.topics) set.add(t.id);
  return [...set].sort();
}

/** Rejects a filter naming a topic, day or deck the collection does not have (exit 2). */
export function checkFilter(col: Collection, f: Filter, usage: string): void {
  const topics = knownTopics(col);
  for (const t of f.topics) {
    if (!topics.some((k) => k === t || k.startsWith(t + '/'))) {
      const roots = topics.filter((k) => !k.includes('/'));
      throw usageError(
        `unknown topic "${t}"; known topics: ${roots.join(', ')} (sub-topics: \`sre-cards topics\`)`,
        usage,
      );
    }
  }
  for (const d of f.decks) {
    if (!col.decks.has(d))
      throw usageError(`unknown deck "${d}"; decks: ${[...col.decks.keys()].join(', ')}`, usage);
  }
  if (f.days) {
    const days = [...col.cards.values()].map((c) => c.day).filter((d): d is number => d !== null);
    const lo = Math.min(...days);
    const hi = Math.max(...days);
    if (days.length === 0 || f.days[1] < lo || f.days[0] > hi) {
      throw usageError(
        `day ${f.days[0] === f.days[1] ? f.days[0] : f.days.join('-')} is out of range; the decks cover days ${lo}-${hi}`,
        usage,
      );
    }
  }
}

/**
 * What a filter selects, for a header: the title of its deck (or the titles of its
 * decks, joined), then the rest of the filter (`Mini Deck · topic dns · day 2`).
 */
export function selectionLabel(col: Collection, f: Filter): string {
  // (Without a filter, every deck with cards: at 100k cards, no pass over them all.)
  const names = f.decks.length
    ? f.decks
    : [
        ...new Set(
          selectsAll(f) ? col.decksWithCards() : col.studyCards(f).map((sc) => sc.card.deck),
        ),
      ].sort((a, b) => (a === BUILTIN_DECK ? -1 : b === BUILTIN_DECK ? 1 : a < b ? -1 : 1));
  const titles = names.map((n) => col.decks.get(n)?.title || n);
  const title = titles.length
    ? titles.join(' + ')
    : (col.decks.get(BUILTIN_DECK)?.title ?? 'sre-cards');
  // The title names the decks already.
  return [title, describeFilter({ ...f, decks: [] })].filter(Boolean).join(' · ');
}

/** Why a session has no card to show when nothing matches: which filter matched nothing. */
export function noCardText(col: Collection, f: Filter): string | null {
  const cards = col.studyCards(f);
  const what = describeFilter(f) || 'the collection';
  if (cards.length === 0)
    return `No card matches ${what}: each part is known, but no card has them all (\`sre-cards topics\` lists the days of each topic).`;
  if (cards.every((c) => c.rec.suspended))
    return `Every card of ${what} is suspended (\`sre-cards list\` marks them S; \`sre-cards unsuspend CARD_ID\` brings one back).`;
  return null;
}

export function describeFilter(f: Filter): string {
  const parts: string[] = [];
  if (f.decks.length) parts.push(`deck ${f.decks.join(', ')}`);
  if (f.topics.length) parts.push(`topic ${f.topics.join(', ')}`);
  if (f.days)
    parts.push(f.days[0] === f.days[1] ? `day ${f.days[0]}` : `days ${f.days[0]}-${f.days[1]}`);
  if (f.search) parts.push(`search ${describeSearch(f.search)}`);
  if (f.flags?.length) parts.push(`flag ${f.flags.join(', ')}`);
  if (f.marked) parts.push('marked');
  return parts.join(' · ');
}

export interface CardJson {
  id: string;
  note: string;
  deck: string;
  day: number | null;
  line: string | null;
  topics: string[];
  front: string;
  back: string;
  source: string | null;
  state: string;
  due: string | null;
  stability: number | null;
  difficulty: number | null;
  reps: number;
  lapses: number;
  suspended: boolean;
  buried: boolean;
  /** Tagged a leech (reached the leech threshold in lapses). */
  leech: boolean;
  /** Anki's flag colour, 1-7; 0 for none. */
  flag: number;
  /** Its note is marked. */
  marked: boolean;
}

export function cardJson(sc: StudyCard, col: Collection, now: Date): CardJson {
  const { card, rec } = sc;
  const s = rec.sched;
  const isNew = s.state === 'new';
  return {
    id: card.id,
    note: card.note,
    deck: card.deck,
    day: card.day,
    line: card.planLine,
    topics: card.topics,
    front: card.front,
    back: card.back,
    source: card.source,
    state: s.state,
    due: s.due,
    stability: isNew ? null : s.stability,
    difficulty: isNew ? null : s.difficulty,
    reps: s.reps,
    lapses: s.lapses,
    suspended: rec.suspended,
    buried: isBuried(rec, studyDay(now, col.clock)),
    leech: rec.leech ?? false,
    flag: rec.flag ?? 0,
    marked: rec.marked ?? false,
  };
}

/** A card as `show` prints it (and `answer` after answering it): the card, its answers, its info. */
export function cardView(col: Collection, id: string, now: Date) {
  const sc = col.get(id);
  return { ...cardJson(sc, col, now), log: cardLog(col, id), info: cardInfoJson(sc, col, now) };
}

/** Card info (`show`): dates, interval, memory, recall now, time, every answer, where it is written. */
export function cardInfoJson(sc: StudyCard, col: Collection, now: Date): CardInfoView {
  return cardInfoOf(col, sc.card.id, now);
}

export interface LogEntryJson {
  at: string;
  rating: string;
  /** A cram answer (it did not change the schedule). */
  cram?: true;
  /** The device that gave it, once the collection syncs with others. */
  device?: string;
}

/** A card's answers from the event log, undone ones left out. */
export function cardLog(col: Collection, id: string): LogEntryJson[] {
  const shared = Object.keys(col.state.peers ?? {}).length > 0;
  return col.history(id).map((e) => ({
    at: e.at,
    rating: ratingName(e.rating),
    ...(e.cram ? { cram: true as const } : {}),
    ...(shared ? { device: col.deviceName(e.dev ?? col.device.id) } : {}),
  }));
}

export function showText(
  j: CardJson & { log?: LogEntryJson[]; info?: CardInfo & { file: string | null } },
): string {
  const lines = [
    `id:         ${j.id}`,
    `note:       ${j.note}  (deck ${j.deck}${j.day !== null ? `, day ${j.day}` : ''}${j.line ? `, ${j.line}` : ''})`,
    `topics:     ${j.topics.join(', ')}`,
    `state:      ${j.state}${j.suspended ? ' (suspended)' : ''}${j.buried ? ' (buried)' : ''}${j.leech ? ' (leech)' : ''}`,
    `due:        ${j.due ?? '-'}`,
  ];
  if (j.stability !== null)
    lines.push(
      `stability:  ${j.stability.toFixed(2)} days`,
      `difficulty: ${j.difficulty?.toFixed(2)}`,
    );
  lines.push(`reps:       ${j.reps}   lapses: ${j.lapses}`);
  if (j.flag) lines.push(`flag:       ${j.flag} (${FLAG_NAMES[j.flag]})`);
  if (j.marked) lines.push('marked:     yes');
  if (j.source) lines.push(`source:     ${j.source}`);
  const info = j.info;
  const secs = seconds;
  if (info) {
    const pct = (x: number | null) => (x === null ? '-' : `${(x * 100).toFixed(1)}%`);
    lines.push(
      `added:      ${info.added ?? '-'}`,
      `reviewed:   first ${info.firstReview ?? '-'}, latest ${info.latestReview ?? '-'}`,
      `interval:   ${info.interval} day${info.interval === 1 ? '' : 's'}   recall now: ${pct(info.retrievability)}`,
      `time:       ${secs(info.averageMs)} on average, ${secs(info.totalMs)} in all`,
    );
    if (info.file) lines.push(`written in: ${info.file}`);
  }
  lines.push('', j.front, '---', j.back);
  if (info && info.log.length) {
    const devices = j.log?.length === info.log.length ? j.log.map((l) => l.device) : undefined;
    const [head, ...rows] = answerLogLines(info.log, false, devices);
    lines.push('', `log:        ${head}`, ...rows.map((r) => `  ${r}`));
  } else if (j.log && j.log.length)
    lines.push(
      '',
      'log:',
      ...j.log.map(
        (l) =>
          `  ${l.at}  ${l.rating}${l.cram ? '  (cram)' : ''}${l.device ? `  ${l.device}` : ''}`,
      ),
    );
  // Card text comes from deck files: no control character of it reaches the terminal.
  return sanitize(lines.join('\n')) + '\n';
}

export function topicCount(cards: readonly Card[], topic: string): number {
  return cards.filter((c) => hasTopic(c.topics, topic)).length;
}

export function assertNoExtra(positionals: string[], max: number, usage: string): void {
  if (positionals.length > max)
    throw usageError(`unexpected argument "${positionals[max]}"`, usage);
}

export function need(value: string | undefined, what: string, usage: string): string {
  if (value === undefined || value === '') throw usageError(`missing ${what}`, usage);
  return value;
}

export { UserError };

/** The terminal's width when stdout is one, for tables cut to fit; none when piped (kept whole). */
export function terminalWidth(env: Env): number | undefined {
  const out = env.stdout as NodeJS.WriteStream;
  return out.isTTY && out.columns ? out.columns : undefined;
}
