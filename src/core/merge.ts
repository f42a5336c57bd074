/**
 * Merging the devices' logs. Each device appends only to its own log, so a device's
 * events are in its own order (by sequence number); the collection's order interleaves
 * the devices' logs by time, ties broken by device id, then sequence number. An event is
 * known across devices by its id, (device, seq). Pure.
 */
import type { CollectionEvent, UndoEvent } from './events.js';

/** Where an event falls in the merged order: [at, device, seq]. */
export type EventKey = [at: string, dev: string, seq: number];

/** An event's key; an event read from no device's log (in tests) has device ''. */
export function keyOf(e: CollectionEvent): EventKey {
  return [e.at, e.dev ?? '', e.seq];
}

/** An event's id across devices: `device#seq`. */
export function eventId(e: { dev?: string; seq: number }, own = ''): string {
  return `${e.dev ?? own}#${e.seq}`;
}

/** The id of the event an undo cancels (an undo written before devices names its own). */
export function targetId(u: UndoEvent, own = ''): string {
  return `${u.target.dev ?? u.dev ?? own}#${u.target.seq}`;
}

const ISO = (s: string) => s.length === 24 && s.endsWith('Z');

/** Compares instants: ISO strings of one form compare as strings. */
export function compareAt(a: string, b: string): number {
  if (ISO(a) && ISO(b)) return a < b ? -1 : a > b ? 1 : 0;
  return Date.parse(a) - Date.parse(b);
}

export function compareKeys(a: EventKey, b: EventKey): number {
  return compareAt(a[0], b[0]) || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0) || a[2] - b[2];
}

export function sameKey(a: EventKey | undefined, b: EventKey): boolean {
  return !!a && a[0] === b[0] && a[1] === b[1] && a[2] === b[2];
}

/**
 * The devices' logs interleaved: each log stays in its own order, and the next event is
 * the earliest of the logs' next ones (by key). Every event must carry its device.
 */
export function mergeLogs(logs: readonly (readonly CollectionEvent[])[]): CollectionEvent[] {
  const live = logs.filter((l) => l.length > 0);
  if (live.length === 0) return [];
  if (live.length === 1) return [...(live[0] as CollectionEvent[])];
  const pos = live.map(() => 0);
  const out: CollectionEvent[] = [];
  const total = live.reduce((n, l) => n + l.length, 0);
  while (out.length < total) {
    let best = -1;
    let bestKey: EventKey | null = null;
    for (let i = 0; i < live.length; i++) {
      const e = (live[i] as CollectionEvent[])[pos[i] as number];
      if (!e) continue;
      const k = keyOf(e);
      if (bestKey === null || compareKeys(k, bestKey) < 0) {
        best = i;
        bestKey = k;
      }
    }
    out.push((live[best] as CollectionEvent[])[pos[best] as number] as CollectionEvent);
    pos[best] = (pos[best] as number) + 1;
  }
  return out;
}

/** How far ahead of this device's clock another device's event may be before it is reported. */
export const FUTURE_SLACK_MS = 24 * 3600_000;
/** How far back a device's clock may jump between two of its events before it is reported. */
export const BACKWARD_SLACK_MS = 24 * 3600_000;

/** Answers and resets: what an import writes with the times its history carries. */
const mayBeHistory = (e: CollectionEvent): boolean => e.type === 'answer' || e.type === 'reset';

/**
 * Where the run of answers and resets around event `i`, dated back from `last`, ends
 * when it is imported history rather than a clock gone back; null when it is not. An
 * import writes a deck's history with the times it carries, after the deck-add that
 * registers the deck (at the device's time) and before the events it closes with (at
 * that time too). So the run is history when it follows a deck-add, or when the
 * device's next event after it is back at its time.
 */
function importedRun(events: readonly CollectionEvent[], i: number, last: number): number | null {
  let start = i;
  while (start > 0 && mayBeHistory(events[start - 1] as CollectionEvent)) start--;
  let end = i;
  while (end < events.length && mayBeHistory(events[end] as CollectionEvent)) end++;
  if (end === i) return null;
  const after = events[end];
  const back = after !== undefined && Date.parse(after.at) >= last - BACKWARD_SLACK_MS;
  return events[start - 1]?.type === 'deck-add' || back ? end : null;
}

/**
 * A device's clock looks wrong when its events are dated in the future (past a day of
 * slack), or jump back in time by more than a day from its previous event. Imported
 * history is dated back by design and does not count (see `importedRun`). Returns one
 * sentence, or null. `prevAt` is the time of the device's event before these, if known.
 */
export function clockProblem(
  device: string,
  events: readonly CollectionEvent[],
  now: Date,
  prevAt: string | null = null,
): string | null {
  const limit = now.getTime() + FUTURE_SLACK_MS;
  for (const e of events)
    if (Date.parse(e.at) > limit)
      return `device ${device}'s clock looks wrong: its event ${e.seq} is dated ${e.at}, in the future; its events are merged at the times they carry`;
  let last = prevAt === null ? null : Date.parse(prevAt);
  for (let i = 0; i < events.length; i++) {
    const e = events[i] as CollectionEvent;
    const t = Date.parse(e.at);
    if (last !== null && t < last - BACKWARD_SLACK_MS) {
      const end = importedRun(events, i, last);
      if (end === null)
        return `device ${device}'s clock looks wrong: its event ${e.seq} (${e.at}) is dated more than a day before the event it follows; its events are merged at the times they carry`;
      // The history is skipped whole: the device's time stays the one before it.
      i = end - 1;
      continue;
    }
    last = t;
  }
  return null;
}
