/**
 * The cards' Anki histories through the scheduler, a chunk of cards at a time, as the
 * lines of the events they become: what a worker thread computes while the command
 * writes the chunks before it (see `replay-pool.ts`), and what the command computes
 * itself when no worker is at hand. A chunk's answers and resets are encoded as the
 * log writes them, each without its sequence number (the writer adds it), and applied to
 * a state of the chunk's cards alone, whose final card states and day counts are then
 * added to the collection's: the same `applyEvent` that replaying the log runs. Pure.
 */
import { applyEvent, emptyState, type CollectionEvent, type DayCounts } from '../core/model.js';
import { NEW_STATE, type SchedState } from '../core/scheduler.js';
import type { Settings } from '../core/settings.js';
import { studyDayNumber, type DayClock } from '../core/time.js';
import type { NewEvent } from '../core/model.js';
import { writeText } from '../text/bytes.js';
import { historyEvents, type Entry } from './history.js';

const ASCII = /^[\x20-\x7e]*$/;

/** A chunk of cards to replay: each card's log entries, in columns. */
export interface ReplayChunk {
  /** The deck's settings, and the clock of the study days. */
  settings: Settings;
  clock: DayClock;
  /** The deck the cards are in (the day counts count by deck). */
  deck: string;
  cards: string[];
  /** Card k's entries are [offsets[k], offsets[k + 1]). */
  offsets: Int32Array;
  at: Float64Array;
  ease: Uint8Array;
  ivl: Int32Array;
  factor: Int32Array;
  time: Int32Array;
  type: Uint8Array;
}

/** A chunk replayed. */
export interface ReplayedChunk {
  cards: string[];
  /** UTF-8: each event's JSON without its closing brace, one after the other. */
  bytes: Uint8Array;
  /** Where each event's text ends in `bytes`. */
  ends: Int32Array;
  /** Each card's state after its events. */
  finals: SchedState[];
  /** The answers counted by study day. */
  days: Record<string, DayCounts>;
}

/**
 * Replays a chunk. `spare` is the memory of a chunk written already, to write this one's
 * events into when it is large enough (a chunk's bytes are outside the JavaScript heap,
 * and new ones each chunk would have the collector run over the whole heap again and again).
 */
export function replayChunk(c: ReplayChunk, spare?: ArrayBuffer): ReplayedChunk {
  const state = emptyState();
  for (const id of c.cards)
    state.cards[id] = {
      id,
      note: '',
      deck: c.deck,
      sched: NEW_STATE,
      suspended: false,
      buriedDay: null,
      retired: false,
      hash: '',
      mod: '',
    };
  // The events' text, written straight into one buffer (no string of the whole chunk).
  const want = Math.max(1 << 16, c.at.length * 640);
  let buf = spare && spare.byteLength >= want ? Buffer.from(spare) : Buffer.allocUnsafe(want);
  let used = 0;
  const ends: number[] = [];
  const out: NewEvent[] = [];
  let seq = 0;
  // Every field of these events is ASCII but the card id and the zone: with those ASCII
  // too, a line's text is its bytes, copied as they are (far quicker than UTF-8 encoding).
  const asciiZone = ASCII.test(c.clock.timeZone);
  for (let k = 0; k < c.cards.length; k++) {
    const encoding = asciiZone && ASCII.test(c.cards[k] as string) ? 'latin1' : 'utf8';
    const entries: Entry[] = [];
    for (let i = c.offsets[k] as number; i < (c.offsets[k + 1] as number); i++)
      entries.push({
        at: c.at[i] as number,
        ease: c.ease[i] as number,
        ivl: c.ivl[i] as number,
        factor: c.factor[i] as number,
        type: c.type[i] as number,
        time: c.time[i] as number,
        day: studyDayNumber(c.at[i] as number, c.clock),
      });
    out.length = 0;
    historyEvents(c.cards[k] as string, entries, c.settings, c.clock, out);
    for (const e of out) {
      const text = JSON.stringify(e);
      if (used + 3 * text.length > buf.length) {
        const bigger = Buffer.allocUnsafe(2 * buf.length + 3 * text.length);
        buf.copy(bigger, 0, 0, used);
        buf = bigger;
      }
      // Without the closing brace (one byte), which the writer puts after the sequence number.
      used += writeText(buf, text, used, encoding) - 1;
      ends.push(used);
      (e as CollectionEvent).seq = ++seq;
      applyEvent(state, e as CollectionEvent);
    }
  }
  return {
    cards: c.cards,
    bytes: new Uint8Array(buf.buffer, buf.byteOffset, used),
    ends: Int32Array.from(ends),
    finals: c.cards.map((id) => state.cards[id]!.sched),
    days: state.days,
  };
}

/** Adds a replayed chunk to a collection state: its cards' states and its day counts. */
export function applyChunk(
  state: { cards: Record<string, { sched: SchedState }>; days: Record<string, DayCounts> },
  r: Pick<ReplayedChunk, 'cards' | 'finals' | 'days'>,
): void {
  r.cards.forEach((id, k) => {
    const card = state.cards[id];
    if (card) card.sched = r.finals[k] as SchedState;
  });
  for (const [day, add] of Object.entries(r.days)) {
    const c = (state.days[day] ??= {
      new: 0,
      learning: 0,
      review: 0,
      relearning: 0,
      again: 0,
      ms: 0,
    });
    c.new += add.new;
    c.learning += add.learning;
    c.review += add.review;
    c.relearning += add.relearning;
    c.again += add.again;
    c.ms += add.ms;
    for (const by of ['deckNew', 'deckReview'] as const) {
      const from = add[by];
      if (!from) continue;
      const to = (c[by] ??= {});
      for (const [deck, n] of Object.entries(from)) to[deck] = (to[deck] ?? 0) + n;
    }
  }
}
