/**
 * A card's Anki history as events here, and its state as Anki had it.
 *
 * Every answer of the review log (learn, review, relearn, and filtered-deck reviews that
 * counted) becomes an answer event at its own instant, with its rating and time taken;
 * its states before and after come from `src/core/scheduler.ts`, answer after answer,
 * so that replaying the log gives each event's state. A logged reset ("Forget") becomes
 * a reset event, and so does a learning step that follows a graduated state with no
 * reset logged (Anki before 2.1.50 logged none; its memory-state code starts over
 * there too). Cram answers (`is_cramming`), manual entries (set due date) and
 * rescheduled entries are left out (revlog kinds: rslib/src/revlog/mod.rs).
 *
 * The state the card has in Anki (its due day, steps, reps, lapses and memory state) is
 * then given by one closing event: see `plan.ts`. Pure.
 */
import type { AnswerEvent, NewEvent, ResetEvent } from '../core/model.js';
import { MAX_ANSWER_MS } from '../core/answer.js';
import {
  answer,
  NEW_STATE,
  ratingName,
  type RatingValue,
  type SchedState,
  sameSched,
} from '../core/scheduler.js';
import type { Settings } from '../core/settings.js';
import {
  addDays,
  DAY,
  daysBetween,
  fromStudyClock,
  isoDate,
  isoTime,
  studyDay,
  studyDayStart,
  toStudyClock,
  type DayClock,
} from '../core/time.js';
import {
  isCramming,
  isReset,
  memoryFromLog,
  memoryFromSm2,
  type LogEntry,
  type Memory,
} from './memory.js';
import type { FSRSAlgorithm } from 'ts-fsrs';
import type { AnkiCard, AnkiDeckConfig } from './model.js';

export type Omit1<T> = T extends unknown ? Omit<T, 'seq'> : never;

/** How the card's history was read, for the summary. */
export interface HistoryCount {
  answers: number;
  resets: number;
  cram: number;
  manual: number;
}

export type Step = 'answer' | 'reset' | 'cram' | 'manual';

/**
 * What each log entry (in time order) becomes: an answer, a reset (a logged one after an
 * answer, and one before a learning step that follows a review or relearning answer, as
 * Anki before 2.1.50 logged none), or nothing (cram, manual and rescheduled entries).
 * Decided from the log alone, so the summary is known before any state is computed.
 */
export function eachStep(entries: readonly Entry[], f: (e: Entry, step: Step) => void): void {
  // The kind of the last answer since the start or the last reset; -1: none.
  let last = -1;
  for (const e of entries) {
    if (e.ease === 0 || e.type > 3 || e.ease > 4) {
      if (isReset(e) && last >= 0) {
        f(e, 'reset');
        last = -1;
      } else f(e, 'manual');
      continue;
    }
    if (isCramming(e)) {
      f(e, 'cram');
      continue;
    }
    if (e.type === 0 && last >= 1) f(e, 'reset');
    f(e, 'answer');
    last = e.type;
  }
}

/** The summary's counts for a card's log, and the time of its last answer. */
export function countSteps(entries: readonly Entry[], count: HistoryCount): number | null {
  let lastAnswer: number | null = null;
  eachStep(entries, (e, step) => {
    if (step === 'answer') {
      count.answers++;
      lastAnswer = e.at;
    } else if (step === 'reset') count.resets++;
    else count[step]++;
  });
  return lastAnswer;
}

const dayNames = new Map<number, string>();
/** A day number (days since 1970-01-01) as `YYYY-MM-DD`. */
function dayName(n: number): string {
  let s = dayNames.get(n);
  if (s === undefined) {
    s = isoDate(n * DAY);
    dayNames.set(n, s);
  }
  return s;
}

/** A card's events from its log entries (in time order); returns the state they end in. */
export function historyEvents(
  cardId: string,
  entries: readonly Entry[],
  settings: Settings,
  clock: DayClock,
  out: NewEvent[],
): SchedState {
  let state: SchedState = NEW_STATE;
  eachStep(entries, (e, step) => {
    if (step === 'reset') {
      const r: Omit1<ResetEvent> = {
        type: 'reset',
        at: isoTime(e.at),
        card: cardId,
        before: state,
      };
      out.push(r);
      state = NEW_STATE;
    } else if (step === 'answer') {
      const at = new Date(e.at);
      const rating = e.ease as RatingValue;
      const after = answer(state, at, ratingName(rating), settings, clock, cardId);
      const ev: Omit1<AnswerEvent> = {
        type: 'answer',
        at: isoTime(e.at),
        card: cardId,
        rating,
        ms: Math.max(0, Math.min(MAX_ANSWER_MS, Math.round(e.time))),
        day: dayName(e.day),
        tz: clock.timeZone,
        rollover: clock.rolloverHour,
        before: state,
        after,
      };
      out.push(ev);
      state = after;
    }
  });
  return state;
}

/** Where a card's memory state came from. */
export type MemorySource = 'fsrs' | 'history' | 'sm2' | 'none';

/** What the final state needs to know of Anki's clock and presets. */
export interface FinalContext {
  /** Anki's day 0, as a study day here. */
  day0: string;
  clock: DayClock;
  settings: Settings;
  fsrsOn: boolean;
  alg: FSRSAlgorithm;
  config: AnkiDeckConfig | null;
}

/** A log entry's time taken, kept beside the entry for the events. */
export interface Entry extends LogEntry {
  time: number;
}

/** Is `due` a Unix time in seconds rather than a day number (rslib/src/scheduler/timing.rs)? */
const isTimestamp = (due: number) => due > 1_000_000_000;

/**
 * The card's state as Anki has it: due on the same study day (review `due` counts days
 * from `crt`; learning `due` is a Unix time; day-learning `due` a day number), with its
 * reps and lapses, and its memory state: from `cards.data` when FSRS is on, else from
 * the history as Anki computes it, else by Anki's SM-2 conversion. Null for a new card.
 */
export function ankiState(
  card: AnkiCard,
  entries: readonly LogEntry[],
  lastAnswer: number | null,
  ctx: FinalContext,
): { state: SchedState; memory: MemorySource } | null {
  if (card.type === 0 || card.type > 3) return null;
  const name = card.type === 1 ? 'learning' : card.type === 2 ? 'review' : 'relearning';
  const hr = ctx.config?.historicalRetention ?? 0.9;
  let memory: Memory | null = null;
  let source: MemorySource = 'none';
  const data = card.data;
  if (ctx.fsrsOn && data.s !== undefined && data.d !== undefined && data.s > 0) {
    memory = { stability: data.s, difficulty: data.d };
    source = 'fsrs';
  }
  if (!memory) {
    memory = memoryFromLog(entries, ctx.alg, hr);
    if (memory) source = 'history';
  }
  if (!memory && data.s !== undefined && data.d !== undefined && data.s > 0) {
    memory = { stability: data.s, difficulty: data.d };
    source = 'fsrs';
  }
  if (!memory && card.ivl > 0) {
    memory = memoryFromSm2(ctx.alg, (card.factor || 2500) / 1000, card.ivl, hr);
    source = 'sm2';
  }
  if (!memory) return null;
  const lrtMs = lastAnswer ?? (data.lrt ? data.lrt * 1000 : null);
  const inFiltered = card.odid !== 0 && card.odue !== 0;
  const due = inFiltered ? card.odue : card.due;
  const dayDue = (n: number) => addDays(ctx.day0, n);
  let dueAt: number;
  if (card.type === 2 || !isTimestamp(due)) {
    const day = dayDue(due);
    if (lrtMs !== null) {
      const k = daysBetween(studyDay(new Date(lrtMs), ctx.clock), day);
      dueAt = fromStudyClock(
        new Date(toStudyClock(new Date(lrtMs), ctx.clock).getTime() + k * DAY),
        ctx.clock,
      ).getTime();
    } else dueAt = studyDayStart(day, ctx.clock).getTime();
  } else {
    // Seconds; the answer's own milliseconds are kept when it set this step.
    const secs = due;
    dueAt =
      lrtMs !== null && secs >= Math.floor(lrtMs / 1000)
        ? lrtMs + (secs - Math.floor(lrtMs / 1000)) * 1000
        : secs * 1000;
  }
  const ours = name === 'relearning' ? ctx.settings.relearningSteps : ctx.settings.learningSteps;
  const theirs = (name === 'relearning' ? ctx.config?.relearnSteps : ctx.config?.learnSteps) ?? [];
  const remaining = card.left % 1000;
  const total = theirs.length || ours.length;
  const step =
    name === 'review' ? 0 : Math.max(0, Math.min(Math.max(0, ours.length - 1), total - remaining));
  let lastReview = lrtMs;
  if (lastReview === null && name === 'review') lastReview = dueAt - Math.max(1, card.ivl) * DAY;
  const state: SchedState = {
    state: name,
    due: isoTime(dueAt),
    stability: Math.min(36500, Math.max(0.001, memory.stability)),
    difficulty: Math.min(10, Math.max(1, memory.difficulty)),
    reps: Math.max(0, card.reps),
    lapses: Math.max(0, card.lapses),
    step,
    scheduledDays: name === 'review' ? Math.max(1, card.ivl) : 0,
    lastReview: lastReview === null ? null : isoTime(lastReview),
  };
  return { state, memory: source };
}

/** Do two states differ? The scheduler's own comparison. */
export const sameState = sameSched;
