/**
 * The collection in memory: card records, day counters, settings, and the events that
 * change them. `applyEvent` is the only way state changes, so replaying the event log
 * over a snapshot gives the same state as the session that wrote it.
 */
import type { AnswerEvent, CollectionEvent, UndoableEvent } from './events.js';
import { isScheduling } from './reviewlog.js';
import type { SchedState } from './scheduler.js';
import { NEW_STATE } from './scheduler.js';
import { DEFAULT_SETTINGS, type Settings } from './settings.js';

export const SCHEMA_VERSION = 1;

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

/** Applies one event to the state, in place. Events for unknown cards are ignored. */
export function applyEvent(state: CollectionState, e: CollectionEvent): void {
  switch (e.type) {
    case 'undo':
      change(state, e.target, true);
      break;
    case 'deck-add':
      state.decks[e.name] = { name: e.name, path: e.path };
      break;
    case 'deck-remove':
      delete state.decks[e.name];
      for (const c of Object.values(state.cards)) if (c.deck === e.name) c.retired = true;
      break;
    default:
      change(state, e, false);
  }
  state.seq = e.seq;
}

/** Applies a change (`undo` false) or takes it back (`undo` true), in place. */
function change(state: CollectionState, e: UndoableEvent, undo: boolean): void {
  if (e.type === 'settings') {
    state.settings = { ...DEFAULT_SETTINGS, ...(undo ? e.before : e.after) };
    for (const [id, m] of Object.entries(e.moved ?? {}))
      if (state.cards[id]) state.cards[id].sched = undo ? m.before : m.after;
    return;
  }
  const card = state.cards[e.card];
  if (!card) return;
  switch (e.type) {
    case 'answer':
      if (!isScheduling(e)) break;
      card.sched = undo ? e.before : e.after;
      countAnswer(state, e, undo ? -1 : 1);
      break;
    case 'suspend':
      card.suspended = !undo;
      if (e.leech) card.leech = undo ? e.leech.before : true;
      break;
    case 'unsuspend':
      card.suspended = undo;
      break;
    case 'bury':
      card.buriedDay = undo ? e.prev : e.day;
      break;
    case 'reset':
      card.sched = undo ? e.before : forgotten(e.before, e.keepCounts === true);
      break;
    case 'flag':
      card.flag = undo ? e.prev : e.flag;
      break;
    case 'set-due':
      card.sched = undo ? e.before : e.after;
      break;
    case 'mark':
      for (const c of Object.values(state.cards))
        if (c.note === card.note && c.deck === card.deck) c.marked = undo ? !e.marked : e.marked;
      break;
  }
}

/** A card made new again, keeping its answer and lapse counts or not. */
export function forgotten(before: SchedState, keepCounts: boolean): SchedState {
  return keepCounts ? { ...NEW_STATE, reps: before.reps, lapses: before.lapses } : { ...NEW_STATE };
}

/** A card is buried on a study day if it was buried on that day. */
export function isBuried(card: CardRecord, today: string): boolean {
  return card.buriedDay === today;
}
