/**
 * The events of the collection: what the log holds, one per line. The fields of the two
 * events the review log is made of, answers and resets, are declared once, in the tables
 * below: their TypeScript types, the checks on what is read back, and the fast reader of
 * the log's bytes (`store/log/scan.ts`) all come from them. A new field is one entry here.
 */
import type { RatingValue, SchedState } from './scheduler.js';
import type { PlanRecord } from './plan.js';
import type { Settings } from './settings.js';

/** How a field is written, and so how it is read and checked. */
export type FieldKind =
  | 'string'
  /** An IANA time zone the runtime knows. */
  | 'zone'
  /** A finite number. */
  | 'number'
  /** 1 Again, 2 Hard, 3 Good, 4 Easy. */
  | 'rating'
  /** A whole hour, 0 to 23. */
  | 'hour'
  /** A card's scheduling state. */
  | 'sched'
  | 'flag';

export interface FieldSpec {
  kind: FieldKind;
  /** Absent from most events (and then not written). */
  optional?: true;
  /** Why an event is refused when the field is missing or wrong. */
  problem: string;
}

const WRONG = 'a field is missing or of the wrong type';

/** The fields of an answer, beside `type`, `seq` and `at`, in the order they are written. */
export const ANSWER_FIELDS = {
  /** The card answered. */
  card: { kind: 'string', problem: 'no card id' },
  rating: { kind: 'rating', problem: 'the rating is not 1-4' },
  /** Time taken, ms, capped at 60 s. */
  ms: { kind: 'number', problem: WRONG },
  /** Study day of the answer, and the clock that defined it. */
  day: { kind: 'string', problem: WRONG },
  tz: { kind: 'zone', problem: WRONG },
  rollover: { kind: 'hour', problem: 'no rollover hour' },
  /** The card's state before and after. */
  before: { kind: 'sched', problem: 'a card state is malformed' },
  after: { kind: 'sched', problem: 'a card state is malformed' },
  /** A cram answer: logged, but it changes neither the card's state nor the day's counts. */
  cram: { kind: 'flag', optional: true, problem: WRONG },
} as const satisfies Record<string, FieldSpec>;

/** The fields of a reset (a card made new again), beside `type`, `seq` and `at`. */
export const RESET_FIELDS = {
  card: { kind: 'string', problem: 'no card id' },
  before: { kind: 'sched', problem: 'a card state is malformed' },
  /** Keep the answer and lapse counts (Anki's Forget does by default); absent: back to 0. */
  keepCounts: { kind: 'flag', optional: true, problem: WRONG },
  /** One of several changes made at once (see `EventBase.group`). */
  group: { kind: 'number', optional: true, problem: WRONG },
} as const satisfies Record<string, FieldSpec>;

interface KindTypes {
  string: string;
  zone: string;
  number: number;
  rating: RatingValue;
  hour: number;
  sched: SchedState;
  flag: boolean;
}

/** The TypeScript type of a field table: required fields, then optional ones. */
type Fields<T extends Record<string, FieldSpec>> = {
  -readonly [K in keyof T as T[K] extends { optional: true } ? never : K]: KindTypes[T[K]['kind']];
} & {
  -readonly [K in keyof T as T[K] extends { optional: true } ? K : never]?: KindTypes[T[K]['kind']];
};

interface EventBase {
  seq: number;
  /** When it happened (ISO, UTC). */
  at: string;
  /**
   * The device whose log holds it: set when the log is read (a log's file is named after
   * its device), never written in that log. An undo's target carries it.
   */
  dev?: string;
  /**
   * One of the changes a command made to several cards at once (a filtered forget, a
   * set-due of many cards): the seq of the first of them. An undo takes them back together.
   */
  group?: number;
}
export type AnswerEvent = EventBase & { type: 'answer' } & Fields<typeof ANSWER_FIELDS>;
export type ResetEvent = EventBase & { type: 'reset' } & Fields<typeof RESET_FIELDS>;

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
/** A card's flag set (1–7, as Anki's colours) or cleared (0). */
export interface FlagEvent extends EventBase {
  type: 'flag';
  card: string;
  flag: number;
  prev: number;
}
/** The note of a card marked or unmarked (all its cards carry the mark, as Anki's `marked` tag). */
export interface MarkEvent extends EventBase {
  type: 'mark';
  card: string;
  marked: boolean;
}
/** A card set due on a chosen day (Anki's Set due date): its state before and after. */
export interface SetDueEvent extends EventBase {
  type: 'set-due';
  card: string;
  before: SchedState;
  after: SchedState;
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
export type UndoableEvent =
  | AnswerEvent
  | SuspendEvent
  | BuryEvent
  | ResetEvent
  | SettingsEvent
  | FlagEvent
  | MarkEvent
  | SetDueEvent;
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
/** A device names itself (once, and whenever its name is changed). */
export interface DeviceEvent extends EventBase {
  type: 'device';
  name: string;
}
export type CollectionEvent = UndoableEvent | UndoEvent | DeckEvent | DeviceEvent;
/** An event before it is given its sequence number. */
export type NewEvent = DistributiveOmit<CollectionEvent, 'seq'>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
