/**
 * Studying toward an interview date. Three rules live here and in the scheduler:
 * - pacing: every card of the plan is introduced by the lead day (the interview date
 *   minus `interviewLeadDays`), so the day's new-card limit is raised when the normal
 *   limit would not get there in time;
 * - the cap (see `interviewCapDay` in scheduler.ts): no interval of a card answered
 *   before the eve of the interview runs past the eve;
 * - the forecast: the predicted probability of recall on the interview day.
 * Pure: takes `now` and the clock.
 */
import type { CollectionState } from './model.js';
import { answer, retrievability, type SchedState } from './scheduler.js';
import type { Settings } from './settings.js';
import { addDays, daysBetween, studyDay, studyDayStart, type DayClock } from './time.js';

export { interviewCapDay } from './scheduler.js';

/** The study day by which every card should have been introduced; null without a date. */
export function leadDay(settings: Settings): string | null {
  return settings.interviewDate
    ? addDays(settings.interviewDate, -settings.interviewLeadDays)
    : null;
}

export interface Pacing {
  interviewDate: string;
  /** Every card is introduced by the end of this study day. */
  leadDay: string;
  /** Live, unsuspended cards not yet introduced, counted at the start of today. */
  unseen: number;
  /** Study days left to introduce them, today included (at least 1). */
  daysLeft: number;
  /** Today's new-card limit. */
  limit: number;
  /** The new-per-day setting. */
  normal: number;
  /** Whether the limit is above the setting. */
  raised: boolean;
}

/**
 * Today's new-card pacing toward the interview: null without an interview date, or from
 * the interview day on. The limit is the larger of the new-per-day setting and the share
 * of the unseen cards that still gets every card introduced by the lead day; past the
 * lead day, every card left is due for introduction today.
 */
export function newCardPacing(state: CollectionState, now: Date, clock: DayClock): Pacing | null {
  const s = state.settings;
  const lead = leadDay(s);
  if (!s.interviewDate || !lead) return null;
  const today = studyDay(now, clock);
  if (today >= s.interviewDate) return null;
  let unseenNow = 0;
  for (const rec of Object.values(state.cards))
    if (!rec.retired && !rec.suspended && rec.sched.state === 'new') unseenNow++;
  // Cards introduced today still count toward today's share, so the limit holds all day.
  const unseen = unseenNow + (state.days[today]?.new ?? 0);
  const daysLeft = Math.max(1, daysBetween(today, lead) + 1);
  const share = Math.ceil(unseen / daysLeft);
  const limit = Math.max(s.newPerDay, share);
  return {
    interviewDate: s.interviewDate,
    leadDay: lead,
    unseen,
    daysLeft,
    limit,
    normal: s.newPerDay,
    raised: limit > s.newPerDay,
  };
}

/** What is left of today's limits for a deck with limits of its own. */
export interface DeckLimitLeft {
  new: number;
  review: number;
}

/**
 * Today's limits left for each deck that has its own new-card or review limit (decks
 * without one are only held to the limits of the whole collection). With an interview
 * date, a deck's own new-card limit is raised as the collection's is, from the deck's
 * unseen cards.
 */
export function deckLimitsLeft(
  state: CollectionState,
  now: Date,
  clock: DayClock,
): Map<string, DeckLimitLeft> {
  const out = new Map<string, DeckLimitLeft>();
  const s = state.settings;
  const own = Object.entries(s.deckSettings ?? {}).filter(
    ([, o]) => o.newPerDay !== undefined || o.reviewsPerDay !== undefined,
  );
  if (own.length === 0) return out;
  const today = studyDay(now, clock);
  const done = state.days[today];
  const pacing = newCardPacing(state, now, clock);
  const unseen = new Map<string, number>();
  if (pacing)
    for (const rec of Object.values(state.cards))
      if (!rec.retired && !rec.suspended && rec.sched.state === 'new')
        unseen.set(rec.deck, (unseen.get(rec.deck) ?? 0) + 1);
  for (const [deck, o] of own) {
    let newLimit = o.newPerDay ?? Number.POSITIVE_INFINITY;
    if (pacing && o.newPerDay !== undefined) {
      const left = (unseen.get(deck) ?? 0) + (done?.deckNew?.[deck] ?? 0);
      newLimit = Math.max(newLimit, Math.ceil(left / pacing.daysLeft));
    }
    out.set(deck, {
      new: Math.max(0, newLimit - (done?.deckNew?.[deck] ?? 0)),
      review: Math.max(
        0,
        (o.reviewsPerDay ?? Number.POSITIVE_INFINITY) - (done?.deckReview?.[deck] ?? 0),
      ),
    });
  }
  return out;
}

/** One line for people: what pacing does today. */
export function pacingText(p: Pacing): string {
  const by = `by ${p.leadDay}, ${daysBetween(p.leadDay, p.interviewDate)} days before the interview on ${p.interviewDate}`;
  if (p.unseen === 0)
    return `Every card has been introduced, ahead of the interview on ${p.interviewDate}.`;
  if (p.raised)
    return `New-card limit raised from ${p.normal} to ${p.limit} today, to introduce the ${p.unseen} unseen cards ${by}.`;
  return `On pace: the ${p.unseen} unseen cards will all be introduced ${by}.`;
}

export interface RetentionForecast {
  /** The day forecast (YYYY-MM-DD). */
  day: string;
  /**
   * Mean probability of recall on the day over the cards studied so far, if every
   * review that falls before the day is done on its due date and answered Good.
   */
  retention: number | null;
  /** The same if no review at all were done from now on. */
  ifNoReviews: number | null;
  /** Cards counted (studied so far). */
  studied: number;
  /** Cards not yet introduced, left out of the mean. */
  unseen: number;
}

const MAX_SIMULATED_REVIEWS = 200;

/**
 * Predicted retention on `day` for these cards' states. Each studied card is carried
 * forward through the reviews it would get before the day (due date, Good, with the
 * interview cap applied), then its retrievability on the day is read off the forgetting
 * curve.
 */
export function predictedRetentionOn(
  states: readonly SchedState[],
  day: string,
  now: Date,
  settings: Settings,
  clock: DayClock,
  /** Each card's settings (its deck's), in the order of `states`; else `settings` for all. */
  cardSettings?: readonly Settings[],
): RetentionForecast {
  const at = studyDayStart(day, clock);
  let sum = 0;
  let idle = 0;
  let studied = 0;
  let unseen = 0;
  for (const [i, start] of states.entries()) {
    if (start.state === 'new' || !start.lastReview) {
      unseen++;
      continue;
    }
    studied++;
    const cs = cardSettings?.[i] ?? settings;
    idle += retrievability(start, at, cs, clock) ?? 0;
    let s = start;
    let t = now.getTime();
    for (let i = 0; i < MAX_SIMULATED_REVIEWS && s.due; i++) {
      const dueAt = Math.max(Date.parse(s.due), t);
      if (studyDay(new Date(dueAt), clock) >= day) break;
      s = answer(s, new Date(dueAt), 'good', cs, clock);
      t = dueAt;
    }
    sum += retrievability(s, at, cs, clock) ?? 0;
  }
  return {
    day,
    retention: studied ? sum / studied : null,
    ifNoReviews: studied ? idle / studied : null,
    studied,
    unseen,
  };
}
