/**
 * What an answer does, as events: the card scheduled by FSRS, the time taken capped as
 * Anki caps it, and a leech tagged and suspended when the answer makes one; and what an
 * undo takes back. Pure: the collection commits the events these return.
 */
import type {
  AnswerEvent,
  CollectionEvent,
  NewEvent,
  SuspendEvent,
  UndoableEvent,
} from './events.js';
import { undoneSeqs } from './reviewlog.js';
import { becomesLeech } from './leech.js';
import type { CardRecord } from './model.js';
import {
  answer as schedule,
  ratingValue,
  type RatingName,
  type SchedState,
  type ScheduleOptions,
} from './scheduler.js';
import type { Settings } from './settings.js';
import { isoTime, studyDay, type DayClock } from './time.js';

/** Time taken is counted up to this, as Anki does (its "maximum answer seconds"). */
export const MAX_ANSWER_MS = 60_000;

/** Time taken as logged: whole ms, 0 to 60 s. */
export function cappedMs(ms: number): number {
  return Math.max(0, Math.min(MAX_ANSWER_MS, Math.round(ms)));
}

type NewAnswer = Omit<AnswerEvent, 'seq'>;

function answerEvent(
  rec: CardRecord,
  rating: RatingName,
  now: Date,
  ms: number,
  clock: DayClock,
  after: SchedState,
  cram: boolean,
): NewAnswer {
  return {
    type: 'answer',
    at: isoTime(now.getTime()),
    card: rec.id,
    rating: ratingValue(rating),
    ms: cappedMs(ms),
    day: studyDay(now, clock),
    tz: clock.timeZone,
    rollover: clock.rolloverHour,
    before: rec.sched,
    after,
    ...(cram ? { cram: true } : {}),
  };
}

/**
 * The events of answering a card: the answer, then, when it brings the card's lapses to
 * the leech threshold, the leech's suspension (as Anki does; one undo takes back both).
 */
export function answerEvents(
  rec: CardRecord,
  rating: RatingName,
  now: Date,
  ms: number,
  settings: Settings,
  clock: DayClock,
  /** How the interval is picked: the load balancer's view of the days ahead. */
  opts: ScheduleOptions = {},
): [NewAnswer] | [NewAnswer, Omit<SuspendEvent, 'seq'>] {
  const after = schedule(rec.sched, now, rating, settings, clock, rec.id, opts);
  const e = answerEvent(rec, rating, now, ms, clock, after, false);
  if (!becomesLeech(rec.sched, after, settings.leechThreshold)) return [e];
  const leech = { before: rec.leech ?? false };
  return [e, { type: 'suspend', at: e.at, card: rec.id, leech }];
}

/** A cram answer: logged, leaving the card's state as it is. */
export function cramAnswerEvent(
  rec: CardRecord,
  rating: RatingName,
  now: Date,
  ms: number,
  clock: DayClock,
): NewAnswer {
  return answerEvent(rec, rating, now, ms, clock, rec.sched, true);
}

/**
 * What one undo cancels, taken off the top of a session's stack (last first): the last
 * change, and with a leech's suspension the answer that caused it, or every change of
 * the command that made several at once (a group). Empty when none.
 */
export function undoTargets(stack: UndoableEvent[]): UndoableEvent[] {
  const top = stack.pop();
  if (!top) return [];
  const below = stack[stack.length - 1];
  if (top.type === 'suspend' && top.leech && below?.type === 'answer' && below.card === top.card) {
    stack.pop();
    return [top, below];
  }
  const out = [top];
  if (top.group === undefined) return out;
  for (let e = stack.at(-1); e && e.group === top.group && e.dev === top.dev; e = stack.at(-1))
    out.push(stack.pop() as UndoableEvent);
  return out;
}

/** The undo events for those targets, in order. */
export function undoEvents(targets: readonly UndoableEvent[], now: Date): NewEvent[] {
  return targets.map((target) => ({ type: 'undo', at: now.toISOString(), target }));
}

/**
 * The changes an undo from the command line takes back, latest first: the last `n`
 * changes of the log not undone yet (a leech's suspension with the answer that caused
 * it counting as one), whatever session made them.
 */
export function lastChanges(events: readonly CollectionEvent[], n: number): UndoableEvent[][] {
  const undone = undoneSeqs(events);
  const stack = events.filter(
    (e): e is UndoableEvent =>
      e.type !== 'undo' && e.type !== 'deck-add' && e.type !== 'deck-remove' && !undone.has(e.seq),
  );
  const out: UndoableEvent[][] = [];
  while (out.length < n) {
    const group = undoTargets(stack);
    if (group.length === 0) break;
    out.push(group);
  }
  return out;
}
