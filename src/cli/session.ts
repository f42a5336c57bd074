/**
 * A review session: the queue of the day for a filter, kept up to date as cards are
 * answered, undone, suspended or buried. Wires the collection (store) to the queue rules
 * (core); the review screen drives it.
 */
import {
  addLearning,
  buildQueue,
  nextDue,
  pickNext,
  queueCounts,
  removeAnswered,
  type Filter,
  type NextPick,
  type Queue,
  type QueueCounts,
  type StudyCard,
} from '../core/queue.js';
import { newCardPacing, type Pacing } from '../core/interview.js';
import type { Preview, RatingName } from '../core/scheduler.js';
import { addDays, endOfStudyDay, studyDay, studyDayStart } from '../core/time.js';
import type { Collection } from '../store/collection.js';

export interface Summary {
  reviewed: number;
  again: number;
  ms: number;
  /** Reviews and learning cards due by the end of the next study day. */
  dueTomorrow: number;
  /** New cards the next study day will offer. */
  newTomorrow: number;
  nextDue: Date | null;
}

export class Session {
  private queue: Queue;
  /** A card to show before the queue's pick: the card an undo brought back. */
  private front: string | null = null;
  reviewed = 0;
  again = 0;
  ms = 0;
  readonly startedAt: Date;
  private answers: { id: string; rating: RatingName; ms: number }[] = [];
  /** The card the last answer made a leech (and suspended), if it did. */
  leech: string | null = null;

  constructor(
    readonly collection: Collection,
    readonly filter: Filter,
    private readonly now: () => Date,
  ) {
    this.startedAt = now();
    this.queue = this.rebuild();
  }

  private rebuild(): Queue {
    return buildQueue(
      this.collection.state,
      this.collection.studyCards(this.filter),
      this.now(),
      this.collection.clock,
    );
  }

  counts(): QueueCounts {
    return queueCounts(this.queue);
  }

  /** The card to show now, or null when the session is done. */
  next(): (StudyCard & { from: NonNullable<NextPick>['from'] }) | null {
    if (this.front) {
      const id = this.front;
      const sc = this.collection.get(id);
      return {
        ...sc,
        from:
          sc.rec.sched.state === 'new'
            ? 'new'
            : sc.rec.sched.state === 'review'
              ? 'review'
              : 'learning',
      };
    }
    const pick = pickNext(this.queue, this.now());
    return pick ? { ...this.collection.get(pick.id), from: pick.from } : null;
  }

  previews(id: string): Preview[] {
    return this.collection.preview(id, this.now());
  }

  answer(id: string, rating: RatingName, ms: number): void {
    const now = this.now();
    const e = this.collection.answer(id, rating, now, ms);
    this.front = null;
    this.queue = removeAnswered(
      this.queue,
      id,
      this.collection.noteOf(id) ?? '',
      this.collection.noteOf,
    );
    const s = e.after;
    // A card that became a leech is suspended: it does not come back today.
    this.leech = this.collection.get(id).rec.suspended ? id : null;
    if ((s.state === 'learning' || s.state === 'relearning') && s.due && !this.leech) {
      this.queue = addLearning(this.queue, id, Date.parse(s.due), now, this.collection.clock);
    }
    this.reviewed++;
    if (rating === 'again') this.again++;
    this.ms += e.ms;
    this.answers.push({ id, rating, ms: e.ms });
  }

  /** Undoes the last action; the card it concerned is shown next. Returns its id. */
  undo(): string | null {
    const target = this.collection.undo(this.now());
    if (!target || target.type === 'settings') return null;
    if (target.type === 'answer') {
      const last = this.answers.pop();
      if (last) {
        this.reviewed--;
        if (last.rating === 'again') this.again--;
        this.ms -= last.ms;
      }
    }
    this.queue = this.rebuild();
    const rec = this.collection.state.cards[target.card];
    this.front =
      rec && !rec.suspended && rec.buriedDay !== studyDay(this.now(), this.collection.clock)
        ? target.card
        : null;
    return target.card;
  }

  get canUndo(): boolean {
    return this.collection.canUndo;
  }

  /** Today's new-card pacing toward the interview date, if one is set. */
  pacing(): Pacing | null {
    return newCardPacing(this.collection.state, this.now(), this.collection.clock);
  }

  suspend(id: string): void {
    this.collection.suspend(id, this.now());
    this.drop(id);
  }

  bury(id: string): void {
    this.collection.bury(id, this.now());
    this.drop(id);
  }

  private drop(id: string): void {
    if (this.front === id) this.front = null;
    this.queue = {
      learning: this.queue.learning.filter((e) => e.id !== id),
      review: this.queue.review.filter((r) => r !== id),
      new: this.queue.new.filter((n) => n !== id),
    };
  }

  summary(): Summary {
    const now = this.now();
    const col = this.collection;
    const clock = col.clock;
    const tomorrow = addDays(studyDay(now, clock), 1);
    const endTomorrow = endOfStudyDay(studyDayStart(tomorrow, clock), clock).getTime();
    const cards = col.studyCards(this.filter);
    let dueTomorrow = 0;
    let unseen = 0;
    for (const { rec } of cards) {
      if (rec.suspended) continue;
      if (rec.sched.state === 'new') unseen++;
      else if (rec.sched.due && Date.parse(rec.sched.due) < endTomorrow) dueTomorrow++;
    }
    return {
      reviewed: this.reviewed,
      again: this.again,
      ms: this.ms,
      dueTomorrow,
      newTomorrow: Math.min(
        unseen,
        newCardPacing(col.state, studyDayStart(tomorrow, clock), clock)?.limit ??
          col.settings.newPerDay,
      ),
      nextDue: nextDue(col.state, cards, now, clock),
    };
  }
}
