/**
 * The collection in memory: card records, day counters, settings, and the events that
 * change them. `applyEvent` is the only way state changes, so replaying the event log
 * over a snapshot gives the same state as the session that wrote it.
 */
import type { AnswerEvent, CollectionEvent, UndoableEvent } from './events.js';
import { compareKeys, eventId, sameKey, targetId, type EventKey } from './merge.js';
import { isScheduling, undoneIds } from './reviewlog.js';
import type { SchedState } from './scheduler.js';
import { answer as schedule, NEW_STATE, ratingName, sameSched } from './scheduler.js';
import { DEFAULT_SETTINGS, settingsForDeck, type Settings } from './settings.js';

export const SCHEMA_VERSION = 2;

/** Anki's flag colours, by number (0: none). */
export const FLAG_NAMES = ['none', 'red', 'orange', 'green', 'blue', 'pink', 'turquoise', 'purple'];

export interface CardRecord {
  id: string;
  note: string;
  deck: string;
  sched: SchedState;
  suspended: boolean;
  /** Buried until the end of this study day (YYYY-MM-DD); null when not buried. */
  buriedDay: string | null;
  /** No longer in its deck's sources: not listed or reviewed; history kept. */
  retired: boolean;
  /** Hash of the card's current text. */
  hash: string;
  /** When the collection first saw the card's current text (ISO). */
  mod: string;
  /** Tagged a leech: it reached the leech threshold in lapses (absent means no). */
  leech?: boolean;
  /** Anki's flag colour, 1–7 (absent or 0: none). */
  flag?: number;
  /** Its note is marked (absent means no). */
  marked?: boolean;
  /** When the collection first saw the card (ISO); absent for cards from before it was kept. */
  added?: string;
}

/** What a study day holds, counted as answers are given (undo subtracts). */
export interface DayCounts {
  /** Answers by the card's state before the answer. */
  new: number;
  learning: number;
  review: number;
  relearning: number;
  again: number;
  /** Time spent answering, ms. */
  ms: number;
  /** Answers to new and to review cards by deck, for decks' own limits (zeros left out). */
  deckNew?: Record<string, number>;
  deckReview?: Record<string, number>;
}

export interface DeckEntry {
  name: string;
  /** Absolute folder of a user's deck; null for the built-in deck. */
  path: string | null;
  /**
   * Identifies the sources (file names, sizes, times) the cards were last synced with;
   * opening skips the sync while they are unchanged.
   */
  synced?: string;
}

export interface CollectionState {
  schema: number;
  /** Sequence number of the last event applied. */
  seq: number;
  /** Byte offset in the event log just past that event. */
  logOffset: number;
  settings: Settings;
  decks: Record<string, DeckEntry>;
  cards: Record<string, CardRecord>;
  days: Record<string, DayCounts>;
  /** This device's id: `seq` and `logOffset` are its log's. */
  device?: string;
  /** How far into each other device's log the state goes. */
  peers?: Record<string, { seq: number; offset: number }>;
  /** The settings event in force (the latest, in the merged order). */
  settingsAt?: EventKey;
  /** By card id: the last event that changed the card, in the merged order of the devices' logs. */
  last?: Record<string, EventKey>;
  /** Devices' names, by id, from their `device` events. */
  devices?: Record<string, string>;
}

export function emptyState(): CollectionState {
  return {
    schema: SCHEMA_VERSION,
    seq: 0,
    logOffset: 0,
    settings: { ...DEFAULT_SETTINGS },
    decks: {},
    cards: {},
    days: {},
  };
}

export type {
  AnswerEvent,
  BuryEvent,
  FlagEvent,
  MarkEvent,
  CollectionEvent,
  DeckEvent,
  NewEvent,
  ResetEvent,
  SetDueEvent,
  SettingsEvent,
  SuspendEvent,
  UndoableEvent,
  UndoEvent,
} from './events.js';

function counts(state: CollectionState, day: string): DayCounts {
  let c = state.days[day];
  if (!c) {
    c = { new: 0, learning: 0, review: 0, relearning: 0, again: 0, ms: 0 };
    state.days[day] = c;
  }
  return c;
}

function countAnswer(state: CollectionState, e: AnswerEvent, sign: 1 | -1): void {
  const c = counts(state, e.day);
  c[e.before.state] += sign;
  if (e.rating === 1) c.again += sign;
  c.ms += sign * e.ms;
  const deck = state.cards[e.card]?.deck;
  const by =
    e.before.state === 'new' ? 'deckNew' : e.before.state === 'review' ? 'deckReview' : null;
  if (deck !== undefined && by) {
    const m = (c[by] ??= {});
    const n = (m[deck] ?? 0) + sign;
    if (n > 0) m[deck] = n;
    else delete m[deck];
    if (Object.keys(m).length === 0) delete c[by];
  }
}

/** Is `e` from this device (or from no device's log in particular)? */
function isOwn(state: CollectionState, e: { dev?: string }): boolean {
  return e.dev === undefined || e.dev === state.device;
}

/**
 * Does `e` come after everything applied to the card? A device's events always follow
 * its own; another device's follow when their key is later.
 */
function inOrder(state: CollectionState, card: CardRecord, e: CollectionEvent): boolean {
  const last = state.last?.[card.id];
  return !last || last[1] === devOf(state, e) || compareKeys(keyIn(state, e), last) > 0;
}

/** The device an event comes from: an event read from no device's log is this device's. */
function devOf(state: CollectionState, e: { dev?: string }): string {
  return e.dev ?? state.device ?? '';
}

function keyIn(state: CollectionState, e: CollectionEvent): EventKey {
  return [e.at, devOf(state, e), e.seq];
}

function setLast(state: CollectionState, id: string, key: EventKey): void {
  (state.last ??= {})[id] = key;
}

/**
 * An answer's effect on its card. The state the device that gave it saw is in `before`:
 * when the card is in that state (or its last change came from the same device), the
 * answer's `after` is what FSRS gave. Otherwise another device answered the card in
 * between, and this answer is scheduled again from the card's state as it now is, as
 * FSRS would have seen the two answers in time order.
 */
function answered(state: CollectionState, card: CardRecord, e: AnswerEvent): SchedState {
  const last = state.last?.[card.id];
  const dev = devOf(state, e);
  // With no change recorded (a collection from before devices), this device's own events
  // are taken as they were written.
  if ((last ? last[1] === dev : dev === (state.device ?? '')) || sameSched(card.sched, e.before))
    return e.after;
  return schedule(
    card.sched,
    new Date(e.at),
    ratingName(e.rating),
    settingsForDeck(state.settings, card.deck),
    { timeZone: e.tz, rolloverHour: e.rollover },
    card.id,
    // The interval given then is kept while the state allows it (the load balancer's choice).
    { recorded: e.after },
  );
}

/**
 * Applies one event to the state, in place. Events for unknown cards are ignored.
 * Returns the cards whose state must be recomputed from their whole history (see
 * `rebuildCards`): another device's event that falls before changes already applied to
 * the card, or an undo that cannot simply take its event back.
 */
export function applyEvent(
  state: CollectionState,
  e: CollectionEvent,
  notes: NoteCards = (card) => siblings(state, card),
): string[] {
  const rebuild: string[] = [];
  switch (e.type) {
    case 'undo':
      undo(state, e.target, e, rebuild, notes);
      break;
    case 'deck-add': {
      // Another device adding a deck this one has keeps what this one knows of its sources.
      const had = state.decks[e.name];
      state.decks[e.name] = had && had.path === e.path ? had : { name: e.name, path: e.path };
      break;
    }
    case 'deck-remove':
      delete state.decks[e.name];
      for (const c of Object.values(state.cards)) if (c.deck === e.name) c.retired = true;
      break;
    case 'device':
      (state.devices ??= {})[e.dev ?? state.device ?? ''] = e.name;
      break;
    default:
      forward(state, e, rebuild, notes);
  }
  if (isOwn(state, e)) state.seq = e.seq;
  return rebuild;
}

function forward(
  state: CollectionState,
  e: UndoableEvent,
  rebuild: string[],
  notes: NoteCards,
): void {
  const key = keyIn(state, e);
  if (e.type === 'settings') {
    // The later change wins; a device's own changes follow each other.
    const at = state.settingsAt;
    if (!at || at[1] === key[1] || compareKeys(key, at) > 0) {
      state.settings = { ...DEFAULT_SETTINGS, ...e.after };
      state.settingsAt = key;
    }
    for (const [id, m] of Object.entries(e.moved ?? {})) {
      const card = state.cards[id];
      if (!card) continue;
      if (!inOrder(state, card, e)) rebuild.push(id);
      else {
        card.sched = m.after;
        setLast(state, id, key);
      }
    }
    return;
  }
  const card = state.cards[e.card];
  if (!card) return;
  if (e.type === 'answer' && isScheduling(e)) countAnswer(state, e, 1);
  // A mark is the note's: it is in order when it is for every card of the note.
  const group = e.type === 'mark' ? notes(card) : [card];
  if (group.some((c) => !inOrder(state, c, e))) {
    for (const c of group) rebuild.push(c.id);
    return;
  }
  step(state, card, e, notes);
}

/** An event's effect on its card (the day's counts aside). */
function step(state: CollectionState, card: CardRecord, e: UndoableEvent, notes: NoteCards): void {
  if (e.type === 'settings') return;
  switch (e.type) {
    case 'answer':
      if (!isScheduling(e)) return;
      card.sched = answered(state, card, e);
      break;
    case 'suspend':
      card.suspended = true;
      if (e.leech) card.leech = true;
      break;
    case 'unsuspend':
      card.suspended = false;
      break;
    case 'bury':
      card.buriedDay = e.day;
      break;
    case 'reset':
      card.sched = forgotten(card.sched, e.keepCounts === true);
      break;
    case 'flag':
      setFlag(card, e.flag);
      break;
    case 'set-due':
      card.sched = e.after;
      break;
    case 'mark':
      for (const c of notes(card)) mark(c, e.marked);
      break;
  }
  if (e.type === 'mark') for (const c of notes(card)) setLast(state, c.id, keyIn(state, e));
  else setLast(state, card.id, keyIn(state, e));
}

/** Was the card last changed by this device (or never)? */
function lastOwn(state: CollectionState, id: string): boolean {
  const last = state.last?.[id];
  return !last || last[1] === (state.device ?? '');
}

/**
 * Takes an event back. When the event is this device's, the card was last changed here
 * and is as the event left it, its `before` is exact (this is how a session undoes);
 * otherwise the card is recomputed from its history without the event.
 */
function undo(
  state: CollectionState,
  t: UndoableEvent,
  u: CollectionEvent,
  rebuild: string[],
  notes: NoteCards,
): void {
  const target = { ...t, dev: t.dev ?? devOf(state, u) };
  const tkey = keyIn(state, target);
  const ukey = keyIn(state, u);
  const own = isOwn(state, target);
  if (target.type === 'settings') {
    if (sameKey(state.settingsAt, tkey)) {
      state.settings = { ...DEFAULT_SETTINGS, ...target.before };
      state.settingsAt = ukey;
    }
    for (const [id, m] of Object.entries(target.moved ?? {})) {
      const card = state.cards[id];
      if (!card) continue;
      if (own && lastOwn(state, id) && sameSched(card.sched, m.after)) {
        card.sched = m.before;
        setLast(state, id, ukey);
      } else rebuild.push(id);
    }
    return;
  }
  const card = state.cards[target.card];
  if (!card) return;
  if (target.type === 'answer' && isScheduling(target)) countAnswer(state, target, -1);
  const group = target.type === 'mark' ? notes(card) : [card];
  if (!own || group.some((c) => !lastOwn(state, c.id))) {
    for (const c of group) rebuild.push(c.id);
    return;
  }
  switch (target.type) {
    case 'answer':
      if (!isScheduling(target)) return;
      if (!sameSched(card.sched, target.after)) {
        rebuild.push(card.id);
        return;
      }
      card.sched = target.before;
      break;
    case 'suspend':
      card.suspended = false;
      if (target.leech) card.leech = target.leech.before;
      break;
    case 'unsuspend':
      card.suspended = true;
      break;
    case 'bury':
      card.buriedDay = target.prev;
      break;
    case 'reset':
      card.sched = target.before;
      break;
    case 'flag':
      setFlag(card, target.prev);
      break;
    case 'set-due':
      if (!sameSched(card.sched, target.after)) {
        rebuild.push(card.id);
        return;
      }
      card.sched = target.before;
      break;
    case 'mark':
      for (const c of group) {
        mark(c, !target.marked);
        setLast(state, c.id, ukey);
      }
      break;
  }
  setLast(state, card.id, ukey);
}

/**
 * Recomputes cards from their whole history: each starts new, and every event that
 * touches it and was not undone is applied in the merged order. `events` is every
 * device's log, merged (see `mergeLogs`), or a function giving at least what of it can
 * touch the cards recomputed. The day counts are not touched (they add up the same in
 * any order).
 */
export function rebuildCards(
  state: CollectionState,
  ids: Iterable<string>,
  events: readonly CollectionEvent[] | ((cards: ReadonlySet<string>) => readonly CollectionEvent[]),
): void {
  // A card's note comes whole: its mark is the note's.
  const notes = new Set<string>();
  for (const id of ids) {
    const card = state.cards[id];
    if (card) notes.add(`${card.deck}\u0000${card.note}`);
  }
  const todo = new Set<string>();
  for (const card of Object.values(state.cards)) {
    if (!notes.has(`${card.deck}\u0000${card.note}`)) continue;
    const id = card.id;
    todo.add(id);
    card.sched = { ...NEW_STATE };
    card.suspended = false;
    card.buriedDay = null;
    delete card.leech;
    delete card.flag;
    delete card.marked;
    delete state.last?.[id];
  }
  if (todo.size === 0) return;
  // Given as a function, the events come from it once the cards are known: at least
  // those that can touch them (every undo, the settings that move cards, the cards' own).
  if (typeof events === 'function') events = events(todo);
  const undone = undoneIds(events, state.device);
  const cardsOf = noteCards(state);
  for (const e of events) {
    if (e.type === 'undo' || e.type === 'deck-add' || e.type === 'deck-remove') continue;
    if (e.type === 'device' || undone.has(eventId(e, state.device))) continue;
    if (!('card' in e) && e.type !== 'settings') continue;
    if (e.type === 'settings') {
      for (const [id, m] of Object.entries(e.moved ?? {})) {
        const card = state.cards[id];
        if (!card || !todo.has(id)) continue;
        card.sched = m.after;
        setLast(state, id, keyIn(state, e));
      }
      continue;
    }
    if (e.type === 'mark') {
      // A mark is the note's: it reaches every card of the note being recomputed.
      const of = state.cards[e.card];
      if (!of) continue;
      for (const c of cardsOf(of))
        if (todo.has(c.id)) {
          mark(c, e.marked);
          setLast(state, c.id, keyIn(state, e));
        }
      continue;
    }
    if (!todo.has(e.card)) continue;
    step(state, state.cards[e.card] as CardRecord, e, cardsOf);
  }
}

export { targetId };

/** A card made new again, keeping its answer and lapse counts or not. */
export function forgotten(before: SchedState, keepCounts: boolean): SchedState {
  return keepCounts ? { ...NEW_STATE, reps: before.reps, lapses: before.lapses } : { ...NEW_STATE };
}

/** No flag is kept as none (absent), however it was cleared. */
function setFlag(card: CardRecord, flag: number | undefined): void {
  if (flag) card.flag = flag;
  else delete card.flag;
}

/** Not marked is kept as absent, however it came about. */
function mark(card: CardRecord, marked: boolean): void {
  if (marked) card.marked = true;
  else delete card.marked;
}

/** The cards of a card's note (itself included): a mark is the note's. */
function siblings(state: CollectionState, card: CardRecord): CardRecord[] {
  return Object.values(state.cards).filter((c) => c.note === card.note && c.deck === card.deck);
}

/** The cards of a card's note (itself included), as `siblings` finds them. */
export type NoteCards = (card: CardRecord) => CardRecord[];

/**
 * `siblings` for many events applied in a row: the cards are grouped by note when first
 * asked (one walk, where each mark would walk them all). Events never add cards, so the
 * groups hold while the caller applies events and adds none itself.
 */
export function noteCards(state: CollectionState): NoteCards {
  let byNote: Map<string, string[]> | null = null;
  return (card) => {
    if (!byNote) {
      byNote = new Map();
      for (const c of Object.values(state.cards)) {
        const k = `${c.deck}\u0000${c.note}`;
        const ids = byNote.get(k);
        if (ids) ids.push(c.id);
        else byNote.set(k, [c.id]);
      }
    }
    const ids = byNote.get(`${card.deck}\u0000${card.note}`) ?? [];
    return ids.map((id) => state.cards[id]).filter((c) => c !== undefined);
  };
}

/** A card is buried on a study day if it was buried on that day. */
export function isBuried(card: CardRecord, today: string): boolean {
  return card.buriedDay === today;
}
