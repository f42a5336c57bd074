/**
 * The review log: which of the log's answers count. Two rules, applied here once:
 * - an undone event never happened (undo names the event it cancels);
 * - a cram answer (studying outside the schedule) is kept in the log, but changes no
 *   card: it is left out of every replay, of retention, of the optimiser and of the
 *   exported review log, and counted apart in stats.
 * A reset (a card made new again) starts the card's history over.
 * Pure: takes events, returns events.
 */
import type { AnswerEvent, CollectionEvent, ResetEvent } from './events.js';
import { eventId, targetId } from './merge.js';

/** Sequence numbers of the events cancelled by an undo. */
export function undoneSeqs(events: Iterable<CollectionEvent>): Set<number> {
  const s = new Set<number>();
  for (const e of events) if (e.type === 'undo') s.add(e.target.seq);
  return s;
}

/** Ids (device#seq, see `merge.ts`) of the events cancelled by an undo. */
export function undoneIds(events: Iterable<CollectionEvent>, own = ''): Set<string> {
  const s = new Set<string>();
  for (const e of events) if (e.type === 'undo') s.add(targetId(e, own));
  return s;
}

/** Does an answer change its card (and so count in replays and the review log)? */
export function isScheduling(e: AnswerEvent): boolean {
  return e.cram !== true;
}

/** Every answer not undone, cram answers included (marked), in log order. */
export function keptAnswers(events: readonly CollectionEvent[]): AnswerEvent[] {
  const undone = undoneIds(events);
  return events.filter((e): e is AnswerEvent => e.type === 'answer' && !undone.has(eventId(e)));
}

/** The answers that count: not undone, not cram, in log order. */
export function reviewLog(events: readonly CollectionEvent[]): AnswerEvent[] {
  return keptAnswers(events).filter(isScheduling);
}

/** A step of a card's history: an answer that counts, or a reset. */
export type HistoryStep = AnswerEvent | ResetEvent;

/** Each card's answers that count and its resets (not undone), in log order. */
export function cardHistories(events: readonly CollectionEvent[]): Map<string, HistoryStep[]> {
  const undone = undoneIds(events);
  const out = new Map<string, HistoryStep[]>();
  for (const e of events) {
    if (undone.has(eventId(e))) continue;
    if (e.type !== 'reset' && !(e.type === 'answer' && isScheduling(e))) continue;
    let h = out.get(e.card);
    if (!h) out.set(e.card, (h = []));
    h.push(e);
  }
  return out;
}

/** A card's answers since its last reset. */
export function sinceReset(h: readonly HistoryStep[]): AnswerEvent[] {
  let from = 0;
  for (let i = 0; i < h.length; i++) if (h[i]?.type === 'reset') from = i + 1;
  return h.slice(from) as AnswerEvent[];
}
