/**
 * The day's queue as a session's source: learning cards due now, then reviews, then new
 * cards, within the day's limits (the rules are in core/queue.ts), kept up to date as
 * cards are answered, undone, suspended or buried.
 */
import { newCardPacing, type Pacing } from '../core/interview.js';
import {
  addLearning,
  buildQueue,
  pickNext,
  queueCounts,
  removeAnswered,
  type Queue,
  type QueueCounts,
} from '../core/queue.js';
import type { AnswerEvent, UndoableEvent } from '../core/model.js';
import type { Preview, RatingName } from '../core/scheduler.js';
import { studyDay } from '../core/time.js';
import type { QueueSource, SessionContext } from './session.js';
import type { CardFrom } from './types.js';

export class DailyQueue implements QueueSource {
  private queue: Queue;
  /** A card to show before the queue's pick: the card an undo brought back. */
  private front: string | null = null;

  constructor(private readonly ctx: SessionContext) {
    this.queue = this.rebuild();
  }

  private rebuild(): Queue {
    const { collection, filter, now } = this.ctx;
    return buildQueue(collection.state, collection.studyCards(filter), now(), collection.clock);
  }

  counts(): QueueCounts {
    return queueCounts(this.queue);
  }

  next(): { id: string; from: CardFrom } | null {
    if (this.front) {
      const s = this.ctx.collection.get(this.front).rec.sched.state;
      return { id: this.front, from: s === 'new' ? 'new' : s === 'review' ? 'review' : 'learning' };
    }
    return pickNext(this.queue, this.ctx.now());
  }

  previews(id: string): Preview[] {
    return this.ctx.collection.preview(id, this.ctx.now());
  }

  answer(id: string, rating: RatingName, ms: number): AnswerEvent {
    const col = this.ctx.collection;
    const now = this.ctx.now();
    const e = col.answer(id, rating, now, ms);
    this.front = null;
    this.queue = removeAnswered(this.queue, id, col.noteOf(id) ?? '', col.noteOf);
    const s = e.after;
    // A card that became a leech is suspended: it does not come back today.
    const leech = col.get(id).rec.suspended;
    if ((s.state === 'learning' || s.state === 'relearning') && s.due && !leech)
      this.queue = addLearning(this.queue, id, Date.parse(s.due), now, col.clock);
    return e;
  }

  undone(target: UndoableEvent): void {
    if (target.type === 'settings') return;
    const col = this.ctx.collection;
    this.queue = this.rebuild();
    const rec = col.state.cards[target.card];
    this.front =
      rec && !rec.suspended && rec.buriedDay !== studyDay(this.ctx.now(), col.clock)
        ? target.card
        : null;
  }

  removed(id: string): void {
    if (this.front === id) this.front = null;
    this.queue = {
      learning: this.queue.learning.filter((e) => e.id !== id),
      review: this.queue.review.filter((r) => r !== id),
      new: this.queue.new.filter((n) => n !== id),
    };
  }

  pacing(): Pacing | null {
    const { collection, now } = this.ctx;
    return newCardPacing(collection.state, now(), collection.clock);
  }
}

export const dailyQueue = (ctx: SessionContext): DailyQueue => new DailyQueue(ctx);
