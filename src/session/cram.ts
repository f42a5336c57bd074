/**
 * A cram session: any cards matching a filter, now, whatever their due dates, for
 * example one topic the night before an interview. Answers are logged as cram answers:
 * they change neither the cards' FSRS state nor the day's counts and limits. A card
 * answered Again comes back a few cards later, counted as learning until it is answered
 * otherwise; any other answer takes it out of the session. It is an ordinary session
 * whose queue source is the cram list.
 */
import { planOrder, type Filter, type QueueCounts, type StudyCard } from '../core/queue.js';
import type { AnswerEvent, UndoableEvent } from '../core/model.js';
import { RATINGS, retrievability, type Preview, type RatingName } from '../core/scheduler.js';
import type { Collection } from '../store/collection.js';
import { Session, type QueueSource, type SessionContext } from './session.js';
import type { CardFrom } from './types.js';

/** An Again card comes back after this many other cards (or at the end, if fewer are left). */
export const CRAM_AGAIN_GAP = 3;

/** The cards to cram, weakest first: lowest retrievability now, then unseen cards in plan order. */
export function cramOrder(cards: readonly StudyCard[], col: Collection, now: Date): string[] {
  const live = cards.filter((c) => !c.rec.suspended);
  const r = new Map<string, number>();
  for (const c of live)
    r.set(c.rec.id, retrievability(c.rec.sched, now, col.settings, col.clock) ?? 2);
  return live
    .sort((a, b) => (r.get(a.rec.id) ?? 2) - (r.get(b.rec.id) ?? 2) || planOrder(a.card, b.card))
    .map((c) => c.rec.id);
}

/** The cram list as a session's source. */
export class CramQueue implements QueueSource {
  private list: string[];
  /** How many cards the session started with. */
  readonly size: number;
  /** This session's answers, for undo: whether each put its card back in the list. */
  private requeued: boolean[] = [];
  /** How many of this session's Again answers each card has had (kept once it is done, for undo). */
  private againTimes = new Map<string, number>();

  constructor(private readonly ctx: SessionContext) {
    const { collection, filter, now } = ctx;
    this.list = cramOrder(collection.studyCards(filter), collection, now());
    this.size = new Set(this.list).size;
  }

  private get cards() {
    return this.ctx.collection.state.cards;
  }

  /** Where a card of the list counts: learning once answered Again here, else by its state. */
  private from(id: string): CardFrom {
    if (this.againTimes.has(id)) return 'learning';
    return this.cards[id]?.sched.state === 'new' ? 'new' : 'review';
  }

  counts(): QueueCounts {
    const counts = { new: 0, learning: 0, review: 0 };
    for (const id of this.list) counts[this.from(id)]++;
    return counts;
  }

  next(): { id: string; from: CardFrom } | null {
    this.list = this.list.filter((id) => !this.cards[id]?.suspended);
    const id = this.list[0];
    if (!id) return null;
    return { id, from: this.from(id) };
  }

  private againGiven(id: string, by: 1 | -1): void {
    const times = (this.againTimes.get(id) ?? 0) + by;
    if (times > 0) this.againTimes.set(id, times);
    else this.againTimes.delete(id);
  }

  /** Cram buttons change nothing: Again brings the card back soon, the others finish it. */
  previews(id: string): Preview[] {
    const next = this.ctx.collection.get(id).rec.sched;
    return RATINGS.map((rating) => ({
      rating,
      next,
      label: rating === 'again' ? 'again soon' : 'done',
    }));
  }

  answer(id: string, rating: RatingName, ms: number): AnswerEvent {
    const e = this.ctx.collection.cramAnswer(id, rating, this.ctx.now(), ms);
    const i = this.list.indexOf(id);
    if (i >= 0) this.list.splice(i, 1);
    const requeued = rating === 'again';
    if (requeued) {
      this.list.splice(Math.min(CRAM_AGAIN_GAP, this.list.length), 0, id);
      this.againGiven(id, 1);
    }
    this.requeued.push(requeued);
    return e;
  }

  undone(target: UndoableEvent): void {
    if (target.type === 'settings') return;
    if (target.type === 'answer' && this.requeued.pop()) {
      const i = this.list.indexOf(target.card);
      if (i >= 0) this.list.splice(i, 1);
      this.againGiven(target.card, -1);
    }
    this.list = [target.card, ...this.list.filter((id) => id !== target.card)];
  }

  removed(id: string): void {
    this.list = this.list.filter((x) => x !== id);
  }

  /** Cards the sources no longer hold leave the list; new ones are not crammed. */
  reloaded(): void {
    this.list = this.list.filter((id) => {
      const rec = this.cards[id];
      return rec !== undefined && !rec.retired;
    });
  }

  /** Cramming introduces nothing: the day's new-card pacing does not apply. */
  pacing(): null {
    return null;
  }
}

export const cramQueue = (ctx: SessionContext): CramQueue => new CramQueue(ctx);

/** A session over the cram list of a filter. */
export function cramSession(
  collection: Collection,
  filter: Filter,
  now: () => Date,
): Session<CramQueue> {
  return new Session(collection, filter, now, cramQueue);
}
