/**
 * Card info, as Anki's Card Info window shows it: when the card came and was answered,
 * its interval, due date and memory state, recall now, counts and time spent, and every
 * answer with the interval it gave. Pure.
 */
import type { AnswerEvent } from './events.js';
import type { CardRecord } from './model.js';
import { isScheduling } from './reviewlog.js';
import { ratingName, retrievability, type RatingName } from './scheduler.js';
import type { Settings } from './settings.js';
import { DAY, formatInterval, type DayClock } from './time.js';

export interface InfoAnswer {
  at: string;
  rating: RatingName;
  /** The card's state before the answer. */
  state: string;
  /** The interval the answer gave, as the buttons show it ("10m", "4d"). */
  interval: string;
  ms: number;
  /** A cram answer: it changed nothing. */
  cram?: true;
}

export interface CardInfo {
  added: string | null;
  firstReview: string | null;
  latestReview: string | null;
  /** Days between reviews now (0 for a new or learning card). */
  interval: number;
  due: string | null;
  stability: number | null;
  difficulty: number | null;
  /** Probability of recall now (0–1); null for a new card. */
  retrievability: number | null;
  reps: number;
  lapses: number;
  averageMs: number | null;
  totalMs: number;
  log: InfoAnswer[];
}

/** The interval an answer gave: days for a review, the step's delay otherwise. */
function given(e: AnswerEvent): string {
  const a = e.after;
  if (a.state === 'review') return formatInterval(a.scheduledDays * DAY);
  return formatInterval((a.due ? Date.parse(a.due) : Date.parse(e.at)) - Date.parse(e.at));
}

export function cardInfo(
  rec: CardRecord,
  answers: readonly AnswerEvent[],
  now: Date,
  settings: Settings,
  clock: DayClock,
): CardInfo {
  const counted = answers.filter(isScheduling);
  const s = rec.sched;
  const isNew = s.state === 'new';
  const totalMs = counted.reduce((t, e) => t + e.ms, 0);
  return {
    added: rec.added ?? null,
    firstReview: counted[0]?.at ?? null,
    latestReview: counted[counted.length - 1]?.at ?? null,
    interval: s.state === 'review' ? s.scheduledDays : 0,
    due: s.due,
    stability: isNew ? null : s.stability,
    difficulty: isNew ? null : s.difficulty,
    retrievability: retrievability(s, now, settings, clock),
    reps: s.reps,
    lapses: s.lapses,
    averageMs: counted.length ? Math.round(totalMs / counted.length) : null,
    totalMs,
    log: answers.map((e) => ({
      at: e.at,
      rating: ratingName(e.rating),
      state: e.before.state,
      interval: isScheduling(e) ? given(e) : '-',
      ms: e.ms,
      ...(e.cram ? { cram: true as const } : {}),
    })),
  };
}
