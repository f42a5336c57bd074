/**
 * Rescheduling after a change of settings, as Anki does when parameters or desired
 * retention change: each card's answers are replayed through FSRS with the new settings
 * (undone and cram answers left out; a reset starts the card over), which gives its
 * memory state and due date as if those settings had been in force all along.
 * Pure: takes the events, returns the cards whose state changes.
 */
import { forgotten, type CollectionEvent, type CollectionState } from './model.js';
import { cardHistories } from './reviewlog.js';
import { answer, NEW_STATE, ratingName, type SchedState } from './scheduler.js';
import type { Settings } from './settings.js';

export type Moved = Record<string, { before: SchedState; after: SchedState }>;

/** Does going from `a` to `b` change the intervals FSRS gives (so cards need rescheduling)? */
export function changesIntervals(a: Settings, b: Settings): boolean {
  const key = (s: Settings) =>
    JSON.stringify([
      s.desiredRetention,
      s.weights,
      s.learningSteps,
      s.relearningSteps,
      s.maximumInterval,
      s.fuzz,
      s.interviewDate,
    ]);
  return key(a) !== key(b);
}

/** Each card's state from replaying its answers with `settings`, for cards with any answer or reset. */
export function replayStates(
  events: readonly CollectionEvent[],
  settings: Settings,
): Map<string, SchedState> {
  const out = new Map<string, SchedState>();
  for (const [card, steps] of cardHistories(events)) {
    let s: SchedState = { ...NEW_STATE };
    for (const e of steps) {
      if (e.type === 'reset') s = forgotten(s, e.keepCounts === true);
      else
        s = answer(
          s,
          new Date(e.at),
          ratingName(e.rating),
          settings,
          { timeZone: e.tz, rolloverHour: e.rollover },
          card,
        );
    }
    out.set(card, s);
  }
  return out;
}

function same(a: SchedState, b: SchedState): boolean {
  return (
    a.state === b.state &&
    a.due === b.due &&
    a.stability === b.stability &&
    a.difficulty === b.difficulty &&
    a.reps === b.reps &&
    a.lapses === b.lapses &&
    a.step === b.step &&
    a.scheduledDays === b.scheduledDays &&
    a.lastReview === b.lastReview
  );
}

/** The cards whose state differs once their answers are replayed with `settings`. */
export function reschedule(
  state: CollectionState,
  events: readonly CollectionEvent[],
  settings: Settings,
): Moved {
  const moved: Moved = {};
  for (const [id, after] of replayStates(events, settings)) {
    const rec = state.cards[id];
    if (rec && !same(rec.sched, after)) moved[id] = { before: rec.sched, after };
  }
  return moved;
}

/** How many of the moved cards got a different due date. */
export function movedDue(moved: Moved): number {
  return Object.values(moved).filter((m) => m.before.due !== m.after.due).length;
}
