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
): RetentionForecast {
  const at = studyDayStart(day, clock);
  let sum = 0;
  let idle = 0;
  let studied = 0;
  let unseen = 0;
  for (const start of states) {
    if (start.state === 'new' || !start.lastReview) {
      unseen++;
      continue;
    }
    studied++;
    idle += retrievability(start, at, settings, clock) ?? 0;
    let s = start;
    let t = now.getTime();
    for (let i = 0; i < MAX_SIMULATED_REVIEWS && s.due; i++) {
      const dueAt = Math.max(Date.parse(s.due), t);
      if (studyDay(new Date(dueAt), clock) >= day) break;
      s = answer(s, new Date(dueAt), 'good', settings, clock);
      t = dueAt;
    }
    sum += retrievability(s, at, settings, clock) ?? 0;
  }
  return {
    day,
    retention: studied ? sum / studied : null,
    ifNoReviews: studied ? idle / studied : null,
    studied,
    unseen,
  };
}
