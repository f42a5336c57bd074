/**
 * Training data for the FSRS optimiser, from the event log. Each card's history is its
 * answers since it was last reset, in order (undone and cram answers left out); as in
 * FSRS's own tools, every answer after the first gives one training item: the history up
 * to and including it, with the study days elapsed before each answer.
 * Pure: the optimiser itself is loaded by the `optimize` command.
 */
import type { CollectionEvent } from './model.js';
import { cardHistories, sinceReset } from './reviewlog.js';
import type { RatingValue } from './scheduler.js';
import { daysBetween } from './time.js';

export interface TrainingReview {
  rating: RatingValue;
  /** Study days since the card's previous answer (0 for the first, and for same-day answers). */
  deltaT: number;
}

/**
 * fsrs-rs trains every parameter only from this many items on; below it, it fits the
 * four initial stabilities at most.
 */
export const MIN_TRAINING_ITEMS = 64;

/** Each card's answers (rating and study day) since its last reset, in log order. */
export function reviewHistories(
  events: readonly CollectionEvent[],
): Map<string, { rating: RatingValue; day: string }[]> {
  const out = new Map<string, { rating: RatingValue; day: string }[]>();
  for (const [card, steps] of cardHistories(events)) {
    const answers = sinceReset(steps);
    // A history starts with the card's first answer as a new card.
    const first = answers.findIndex((e) => e.before.state === 'new');
    if (first === -1) continue;
    out.set(
      card,
      answers.slice(first).map((e) => ({ rating: e.rating, day: e.day })),
    );
  }
  return out;
}

/** The training items of one history: one per answer after the first. */
export function historyItems(
  h: readonly { rating: RatingValue; day: string }[],
): TrainingReview[][] {
  const reviews: TrainingReview[] = h.map((r, i) => ({
    rating: r.rating,
    deltaT: i === 0 ? 0 : Math.max(0, daysBetween((h[i - 1] as { day: string }).day, r.day)),
  }));
  const items: TrainingReview[][] = [];
  for (let i = 1; i < reviews.length; i++) items.push(reviews.slice(0, i + 1));
  return items;
}

/** Whether an item holds a review on a later day than the one before it (the optimiser's own test). */
export function hasLongTermReview(item: readonly TrainingReview[]): boolean {
  return item.some((r, i) => i > 0 && r.deltaT > 0);
}
