/**
 * A review session: the cards of a filter, shown one at a time from a queue source (the
 * day's queue, or a cram list), with the session's own tally for the summary. Wires the
 * collection (store) to the queue rules (core); the review screen drives it.
 */
import { cardInfo } from '../core/cardinfo.js';
import { newCardPacing, type Pacing } from '../core/interview.js';
import { buildQueue, nextDue, queueCounts, type Filter, type QueueCounts } from '../core/queue.js';
import { forecast } from '../core/stats.js';
import type { AnswerEvent, UndoableEvent } from '../core/model.js';
import type { Preview, RatingName } from '../core/scheduler.js';
import { addDays, studyDay, studyDayStart } from '../core/time.js';
import type { Collection } from '../store/collection.js';
import { dailyQueue } from './daily.js';
import type { CardFrom, CardInfoView, ReviewSession, SessionCard, Summary } from './types.js';

export type { CardFrom, CardInfoView, ReviewSession, SessionCard, Summary } from './types.js';

/** What a queue source is built from. */
export interface SessionContext {
  readonly collection: Collection;
  readonly filter: Filter;
  readonly now: () => Date;
}

/**
 * Where a session's cards come from, and what an answer does to them: the day's queue
 * (`dailyQueue`), or a cram list (`cramQueue`).
 */
export interface QueueSource {
  counts(): QueueCounts;
  /** The card to show now, or null when the source has none left. */
  next(): { id: string; from: CardFrom } | null;
  previews(id: string): Preview[];
  /** Logs an answer in the collection, as this source counts answers, and updates the queue. */
  answer(id: string, rating: RatingName, ms: number): AnswerEvent;
  /** The collection has just undone `target`: bring the queue up to date, the card first. */
  undone(target: UndoableEvent): void;
  /** A card left the session (suspended or buried). */
  removed(id: string): void;
  /** The decks were read again: cards may have come or gone. */
  reloaded(): void;
  /** Today's new-card pacing, where the source introduces new cards. */
  pacing(): Pacing | null;
  /** Other devices' events arrived: bring the queue up to date (a source that lists its cards once may keep them). */
  arrived?(): void;
  /** Readies what its answers need, while nothing else is asked of it. */
  prepare?(): void;
}

export type QueueSourceFactory<S extends QueueSource = QueueSource> = (ctx: SessionContext) => S;

/** A card's info (`show`, and `i` on the review screen), with where its note is written. */
export function cardInfoOf(col: Collection, id: string, now: Date): CardInfoView {
  const { rec } = col.get(id);
  const note = col.noteOfCard(id);
  return {
    ...cardInfo(rec, col.history(id), now, col.settingsFor(rec.deck), col.clock),
    file: note ? `${note.file}:${note.line}` : null,
  };
}

export class Session<S extends QueueSource = QueueSource> implements ReviewSession {
  readonly source: S;
  reviewed = 0;
  again = 0;
  ms = 0;
  readonly startedAt: Date;
  private answers: { id: string; rating: RatingName; ms: number }[] = [];
  leech: string | null = null;

  constructor(
    readonly collection: Collection,
    readonly filter: Filter,
    private readonly now: () => Date,
    source: QueueSourceFactory<S> = dailyQueue as unknown as QueueSourceFactory<S>,
  ) {
    this.startedAt = now();
    this.source = source({ collection, filter, now });
  }

  counts(): QueueCounts {
    return this.source.counts();
  }

  next(): SessionCard | null {
    const pick = this.source.next();
    return pick ? { ...this.collection.get(pick.id), from: pick.from } : null;
  }

  previews(id: string): Preview[] {
    return this.source.previews(id);
  }

  prepare(): void {
    this.source.prepare?.();
  }

  answer(id: string, rating: RatingName, ms: number): void {
    const e = this.source.answer(id, rating, ms);
    // A card that became a leech is suspended: it does not come back today.
    this.leech = !e.cram && this.collection.get(id).rec.suspended ? id : null;
    this.reviewed++;
    if (rating === 'again') this.again++;
    this.ms += e.ms;
    this.answers.push({ id, rating, ms: e.ms });
  }

  undo(): string | null {
    const target = this.collection.undo(this.now());
    if (!target || target.type === 'settings') return null;
    // A flag or a mark taken back leaves the queue as it is: the card stays on screen.
    if (target.type === 'flag' || target.type === 'mark') return target.card;
    if (target.type === 'answer') {
      const last = this.answers.pop();
      if (last) {
        this.reviewed--;
        if (last.rating === 'again') this.again--;
        this.ms -= last.ms;
      }
    }
    this.source.undone(target);
    return target.card;
  }

  get canUndo(): boolean {
    return this.collection.canUndo;
  }

  pacing(): Pacing | null {
    return this.source.pacing();
  }

  /**
   * Takes in what other devices added to a synced folder since the session began (or
   * last looked), and brings the queue up to date. Returns how many events arrived.
   */
  pickUp(): number {
    const a = this.collection.pickUp(this.now());
    if (a.events > 0) this.source.arrived?.();
    return a.events;
  }

  suspend(id: string): void {
    this.collection.suspend(id, this.now());
    this.source.removed(id);
  }

  bury(id: string): void {
    this.collection.bury(id, this.now());
    this.source.removed(id);
  }

  flag(id: string, flag: number): void {
    this.collection.setFlag(id, flag, this.now());
  }

  mark(id: string, marked: boolean): void {
    this.collection.setMarked(id, marked, this.now());
  }

  info(id: string): CardInfoView {
    return cardInfoOf(this.collection, id, this.now());
  }

  reloaded(): void {
    this.source.reloaded();
  }

  summary(): Summary {
    const now = this.now();
    const col = this.collection;
    const clock = col.clock;
    const tomorrow = addDays(studyDay(now, clock), 1);
    const cards = col.studyCards(this.filter);
    const today = buildQueue(col.state, cards, now, clock);
    const unseen = cards.filter((c) => !c.rec.suspended && c.rec.sched.state === 'new').length;
    const later = today.learning[0];
    return {
      at: now,
      reviewed: this.reviewed,
      again: this.again,
      ms: this.ms,
      leftToday: queueCounts(today),
      nextToday: later ? new Date(later.due) : null,
      // As stats counts it: cards due on the next study day, not those due later today.
      dueTomorrow: forecast(cards, now, clock).tomorrow,
      newTomorrow: Math.min(
        unseen,
        newCardPacing(col.state, studyDayStart(tomorrow, clock), clock)?.limit ??
          col.settings.newPerDay,
      ),
      nextDue: nextDue(col.state, cards, now, clock),
    };
  }
}
