/**
 * The day's queue as a session's source: learning cards due now, then reviews, then new
 * cards, within the day's limits (the rules are in core/queue.ts). The queue is drawn
 * again from the day's plan after every answer, suspension and bury, so its counts are
 * at every moment those of `sre-cards due`: a card that leaves the queue makes room for
 * the next one, as Anki refills up to the limits. An undo, or the next study day, plans
 * the day again.
 */
import { newCardPacing, type Pacing } from '../core/interview.js';
import {
  fillQueue,
  pickNext,
  planAnswered,
  planQueue,
  planRemoved,
  queueCounts,
  type Queue,
  type QueueCounts,
  type QueuePlan,
} from '../core/queue.js';
import type { AnswerEvent, UndoableEvent } from '../core/model.js';
import type { Preview, RatingName } from '../core/scheduler.js';
import { studyDay } from '../core/time.js';
import type { QueueSource, SessionContext } from './session.js';
import type { CardFrom } from './types.js';

export class DailyQueue implements QueueSource {
  private plan!: QueuePlan;
  private queue!: Queue;
  /** A card to show before the queue's pick: the card an undo brought back. */
  private front: string | null = null;

  constructor(private readonly ctx: SessionContext) {
    this.replan();
  }

  private replan(): void {
    const { collection, filter, now } = this.ctx;
    this.plan = planQueue(collection.state, collection.studyCards(filter), now(), collection.clock);
    this.refill();
  }

  private refill(): void {
    this.queue = fillQueue(this.plan, this.ctx.collection.state);
  }

  /** The queue as it stands now: planned again once the study day is over. */
  private current(): Queue {
    if (this.ctx.now().getTime() >= this.plan.end) this.replan();
    return this.queue;
  }

  counts(): QueueCounts {
    return queueCounts(this.current());
  }

  next(): { id: string; from: CardFrom } | null {
    const queue = this.current();
    if (this.front) {
      const s = this.ctx.collection.get(this.front).rec.sched.state;
      return { id: this.front, from: s === 'new' ? 'new' : s === 'review' ? 'review' : 'learning' };
    }
    return pickNext(queue, this.ctx.now(), this.ctx.collection.noteOf);
  }

  previews(id: string): Preview[] {
    return this.ctx.collection.preview(id, this.ctx.now());
  }

  prepare(): void {
    this.ctx.collection.prepareAnswers(this.ctx.now());
  }

  answer(id: string, rating: RatingName, ms: number): AnswerEvent {
    const col = this.ctx.collection;
    const now = this.ctx.now();
    this.current();
    const e = col.answer(id, rating, now, ms);
    this.front = null;
    const s = e.after;
    // A card that became a leech is suspended: it does not come back today.
    const learning =
      (s.state === 'learning' || s.state === 'relearning') && s.due && !col.get(id).rec.suspended;
    this.plan = planAnswered(
      this.plan,
      id,
      col.noteOf(id) ?? '',
      learning ? Date.parse(s.due ?? '') : null,
    );
    this.refill();
    return e;
  }

  undone(target: UndoableEvent): void {
    if (target.type === 'settings') return;
    const col = this.ctx.collection;
    this.replan();
    const rec = col.state.cards[target.card];
    this.front =
      rec && !rec.suspended && rec.buriedDay !== studyDay(this.ctx.now(), col.clock)
        ? target.card
        : null;
  }

  removed(id: string): void {
    if (this.front === id) this.front = null;
    this.plan = planRemoved(this.plan, id);
    // A suspension changes the unseen cards an interview pacing shares out.
    if (this.ctx.collection.settings.interviewDate) {
      const { collection, now } = this.ctx;
      const limit = newCardPacing(collection.state, now(), collection.clock)?.limit;
      if (limit !== undefined) this.plan = { ...this.plan, newLimit: limit };
    }
    this.refill();
  }

  arrived(): void {
    this.replan();
  }

  reloaded(): void {
    const rec = this.front ? this.ctx.collection.state.cards[this.front] : undefined;
    if (!rec || rec.retired) this.front = null;
    this.replan();
  }

  pacing(): Pacing | null {
    const { collection, now } = this.ctx;
    return newCardPacing(collection.state, now(), collection.clock);
  }
}

export const dailyQueue = (ctx: SessionContext): DailyQueue => new DailyQueue(ctx);
