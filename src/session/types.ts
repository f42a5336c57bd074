/**
 * What the review screen needs from a session, in the core's terms: the screen renders
 * these values and calls these methods (its intents); it never sees the collection.
 */
import type { CardInfo } from '../core/cardinfo.js';
import type { Pacing } from '../core/interview.js';
import type { QueueCounts, StudyCard } from '../core/queue.js';
import type { Preview, RatingName } from '../core/scheduler.js';

/** Where the card on screen came from. */
export type CardFrom = 'learning' | 'review' | 'new';

/** The card to show, with the queue it came from. */
export type SessionCard = StudyCard & { from: CardFrom };

/** Card info as `show` gives it, with the file and line its note is written at. */
export type CardInfoView = CardInfo & { file: string | null };

export interface Summary {
  /** When the session ended. */
  at: Date;
  reviewed: number;
  again: number;
  ms: number;
  /** What is still due today, after the limits: the counts of `sre-cards due`. */
  leftToday: QueueCounts;
  /** When the next learning card left today is due (null when none is). */
  nextToday: Date | null;
  /** Reviews and learning cards due on the next study day (as `stats` counts them). */
  dueTomorrow: number;
  /** New cards the next study day will offer. */
  newTomorrow: number;
  nextDue: Date | null;
}

export interface ReviewSession {
  readonly startedAt: Date;
  /** Answers given in this session (undone ones taken back). */
  readonly reviewed: number;
  /** The card the last answer made a leech (and suspended), if it did. */
  readonly leech: string | null;
  counts(): QueueCounts;
  /** The card to show now, or null when the session is done. */
  next(): SessionCard | null;
  /** The four buttons of a card: what each answer would do. */
  previews(id: string): Preview[];
  /**
   * Readies what answering needs (at 100k cards, a pass over all of them), called once
   * the first card is on screen, while it is read.
   */
  prepare?(): void;
  answer(id: string, rating: RatingName, ms: number): void;
  /** Undoes the last action; the card it concerned is shown next. Returns its id. */
  undo(): string | null;
  suspend(id: string): void;
  bury(id: string): void;
  /** Sets the card's flag (1-7, Anki's colours) or clears it (0), in the log first. */
  flag(id: string, flag: number): void;
  /** Marks or unmarks the card's note, in the log first. */
  mark(id: string, marked: boolean): void;
  /** The card's info: dates, interval, memory, recall now, time, its answers, where it is written. */
  info(id: string): CardInfoView;
  /** The decks were read again (a card was edited): the queue follows their cards. */
  reloaded(): void;
  /** Today's new-card pacing toward the interview date, if one is set. */
  pacing(): Pacing | null;
  /** Takes in other devices' new events from a synced folder; returns how many arrived. */
  pickUp?(): number;
  summary(): Summary;
}
