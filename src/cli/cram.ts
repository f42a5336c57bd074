/**
 * A cram session: any cards matching a filter, now, whatever their due dates, for
 * example one topic the night before an interview. Answers are logged as cram answers:
 * they change neither the cards' FSRS state nor the day's counts and limits. A card
 * answered Again comes back a few cards later; any other answer takes it out of the
 * session. The review screen drives it as it drives a daily session.
 */
import { planOrder, type Filter, type QueueCounts, type StudyCard } from '../core/queue.js';
import { RATINGS, retrievability, type Preview, type RatingName } from '../core/scheduler.js';
import type { Collection } from '../store/collection.js';
import { Session } from './session.js';

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

export class CramSession extends Session {
  private list: string[];
  private readonly clockNow: () => Date;
  /** Answers of this session, for undo: the card and whether it was put back in the list. */
  private done: { id: string; rating: RatingName; ms: number; requeued: boolean }[] = [];

  constructor(collection: Collection, filter: Filter, now: () => Date) {
    super(collection, filter, now);
    this.clockNow = now;
    this.list = cramOrder(collection.studyCards(filter), collection, now());
  }

  /** How many cards the session started with. */
  get size(): number {
    return new Set(this.list).size;
  }

  /** Cramming introduces nothing: the day's new-card pacing does not apply. */
  override pacing(): null {
    return null;
  }

  override counts(): QueueCounts {
    let fresh = 0;
    for (const id of this.list) if (this.collection.state.cards[id]?.sched.state === 'new') fresh++;
    return { new: fresh, learning: 0, review: this.list.length - fresh };
  }

  override next(): (StudyCard & { from: 'learning' | 'review' | 'new' }) | null {
    this.list = this.list.filter((id) => !this.collection.state.cards[id]?.suspended);
    const id = this.list[0];
    if (!id) return null;
    const sc = this.collection.get(id);
    return { ...sc, from: sc.rec.sched.state === 'new' ? 'new' : 'review' };
  }

  /** Cram buttons change nothing: Again brings the card back soon, the others finish it. */
  override previews(id: string): Preview[] {
    const next = this.collection.get(id).rec.sched;
    return RATINGS.map((rating) => ({
      rating,
      next,
      label: rating === 'again' ? 'again soon' : 'done',
    }));
  }

  override answer(id: string, rating: RatingName, ms: number): void {
    const e = this.collection.cramAnswer(id, rating, this.clockNow(), ms);
    const i = this.list.indexOf(id);
    if (i >= 0) this.list.splice(i, 1);
    const requeued = rating === 'again';
    if (requeued) this.list.splice(Math.min(CRAM_AGAIN_GAP, this.list.length), 0, id);
    this.reviewed++;
    if (requeued) this.again++;
    this.ms += e.ms;
    this.leech = null;
    this.done.push({ id, rating, ms: e.ms, requeued });
  }

  override undo(): string | null {
    const target = this.collection.undo(this.clockNow());
    if (!target || target.type === 'settings') return null;
    if (target.type === 'answer') {
      const last = this.done.pop();
      if (last) {
        this.reviewed--;
        if (last.requeued) {
          this.again--;
          const i = this.list.indexOf(last.id);
          if (i >= 0) this.list.splice(i, 1);
        }
        this.ms -= last.ms;
      }
    }
    this.list = [target.card, ...this.list.filter((id) => id !== target.card)];
    return target.card;
  }

  override suspend(id: string): void {
    this.collection.suspend(id, this.clockNow());
    this.list = this.list.filter((x) => x !== id);
  }

  override bury(id: string): void {
    this.collection.bury(id, this.clockNow());
    this.list = this.list.filter((x) => x !== id);
  }
}
