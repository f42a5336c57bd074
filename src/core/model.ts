/**
 * The collection in memory: card records, day counters, settings, and the events that
 * change them. `applyEvent` is the only way state changes, so replaying the event log
 * over a snapshot gives the same state as the session that wrote it.
 */
import type { PlanRecord } from './plan.js';
import type { RatingValue, SchedState } from './scheduler.js';
import { NEW_STATE } from './scheduler.js';
import { DEFAULT_SETTINGS, type Settings } from './settings.js';

export const SCHEMA_VERSION = 1;

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

interface EventBase {
  seq: number;
  /** When it happened (ISO, UTC). */
  at: string;
}
export interface AnswerEvent extends EventBase {
  type: 'answer';
  card: string;
  rating: RatingValue;
  /** Time taken, ms, capped at 60 s. */
  ms: number;
  /** Study day of the answer, and the clock that defined it. */
  day: string;
  tz: string;
  rollover: number;
  before: SchedState;
  after: SchedState;
  /** A cram answer: logged, but it changes neither the card's state nor the day's counts. */
  cram?: boolean;
}
export interface SuspendEvent extends EventBase {
  type: 'suspend' | 'unsuspend';
  card: string;
  /** Set when the suspension is the leech action: the card's leech tag before it. */
  leech?: { before: boolean };
}
export interface BuryEvent extends EventBase {
  type: 'bury';
  card: string;
  day: string;
  prev: string | null;
}
export interface ResetEvent extends EventBase {
  type: 'reset';
  card: string;
  before: SchedState;
}
export interface SettingsEvent extends EventBase {
  type: 'settings';
  before: Settings;
  after: Settings;
  /** Cards rescheduled with the new settings (their answers replayed), by id. */
  moved?: Record<string, { before: SchedState; after: SchedState }>;
  /** The prediction of the plan applied with this change (`sre-cards plan --apply`). */
  plan?: PlanRecord;
}
export type UndoableEvent = AnswerEvent | SuspendEvent | BuryEvent | ResetEvent | SettingsEvent;
/** Undo carries the event it cancels, so it can be applied without the rest of the log. */
export interface UndoEvent extends EventBase {
  type: 'undo';
  target: UndoableEvent;
}
/** A user's deck folder joins or leaves the collection (its cards are retired, not deleted). */
export interface DeckEvent extends EventBase {
  type: 'deck-add' | 'deck-remove';
  name: string;
  path: string;
}
export type CollectionEvent = UndoableEvent | UndoEvent | DeckEvent;
/** An event before it is given its sequence number. */
export type NewEvent = DistributiveOmit<CollectionEvent, 'seq'>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export const MAX_ANSWER_MS = 60_000;

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
      revert(state, e.target);
      break;
    case 'deck-add':
      state.decks[e.name] = { name: e.name, path: e.path };
      break;
    case 'deck-remove':
      delete state.decks[e.name];
      for (const c of Object.values(state.cards)) if (c.deck === e.name) c.retired = true;
      break;
    default:
      forward(state, e);
  }
  state.seq = e.seq;
}

function forward(state: CollectionState, e: UndoableEvent): void {
  if (e.type === 'settings') {
    state.settings = { ...DEFAULT_SETTINGS, ...e.after };
    for (const [id, m] of Object.entries(e.moved ?? {}))
      if (state.cards[id]) state.cards[id].sched = m.after;
    return;
  }
  const card = state.cards[e.card];
  if (!card) return;
  switch (e.type) {
    case 'answer':
      if (e.cram) break;
      card.sched = e.after;
      countAnswer(state, e, 1);
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
      card.sched = { ...NEW_STATE };
      break;
  }
}

function revert(state: CollectionState, e: UndoableEvent): void {
  if (e.type === 'settings') {
    state.settings = { ...DEFAULT_SETTINGS, ...e.before };
    for (const [id, m] of Object.entries(e.moved ?? {}))
      if (state.cards[id]) state.cards[id].sched = m.before;
    return;
  }
  const card = state.cards[e.card];
  if (!card) return;
  switch (e.type) {
    case 'answer':
      if (e.cram) break;
      card.sched = e.before;
      countAnswer(state, e, -1);
      break;
    case 'suspend':
      card.suspended = false;
      if (e.leech) card.leech = e.leech.before;
      break;
    case 'unsuspend':
      card.suspended = true;
      break;
    case 'bury':
      card.buriedDay = e.prev;
      break;
    case 'reset':
      card.sched = e.before;
      break;
  }
}

/** A card is buried on a study day if it was buried on that day. */
export function isBuried(card: CardRecord, today: string): boolean {
  return card.buriedDay === today;
}
