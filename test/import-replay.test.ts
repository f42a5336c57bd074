/**
 * The card histories replayed in chunks (in the bundle's worker threads, or on the
 * calling thread) give the very events, bytes and state that replaying them one card
 * after another gives.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  applyEvent,
  emptyState,
  type CollectionEvent,
  type CollectionState,
  type NewEvent,
} from '../src/core/model.js';
import { NEW_STATE } from '../src/core/scheduler.js';
import { DEFAULT_SETTINGS } from '../src/core/settings.js';
import { DAY, toStudyClock } from '../src/core/time.js';
import { syncDeck } from '../src/core/sync.js';
import { deckCards } from '../src/deck/cards.js';
import { historyEvents } from '../src/import/history.js';
import { readPackage } from '../src/import/package.js';
import { plan } from '../src/import/plan.js';
import { loadSqlJs } from '../src/import/sqlite.js';
import { replayChunk } from '../src/import/replay.js';
import { startReplay, type Replay, type ReplayWork } from '../src/import/replay-pool.js';
import { eventStream } from '../src/import/stream.js';
import { encodeEvent } from '../src/store/log/codec.js';
import { ROOT } from './helpers.js';

const SQL = await loadSqlJs();
const NOW = new Date('2024-06-01T10:00:00Z');
const WORKER = join(ROOT, 'dist', 'replay-worker.js');

function planned(onReplay?: (work: ReplayWork) => void) {
  const pkg = readPackage(
    new Uint8Array(
      readFileSync(
        join(ROOT, 'test', 'fixtures', 'anki-reference', 'reference-with-progress.apkg'),
      ),
    ),
    'reference-with-progress.apkg',
    SQL,
  );
  return plan({
    pkg,
    fileName: 'reference-with-progress.apkg',
    deckDir: '/decks/sre-interview-prep',
    deckName: 'sre-interview-prep',
    existing: { files: [], registered: null, cards: new Set() },
    settings: { ...DEFAULT_SETTINGS, deckSettings: {} },
    clock: { timeZone: 'Europe/Berlin', rolloverHour: 4 },
    now: NOW,
    ...(onReplay ? { onReplay } : {}),
  });
}

function fresh(p: ReturnType<typeof plan>): CollectionState {
  const state = emptyState();
  syncDeck(state, p.deckName, deckCards({ ...p.deck, name: p.deckName }), NOW);
  return state;
}

/** The log's lines and the state, from the events one by one. */
function sequential(p: ReturnType<typeof plan>) {
  const state = fresh(p);
  const lines = [...p.events()].map((e, i) => {
    const ev = { ...e, seq: i + 1 } as CollectionEvent;
    applyEvent(state, ev);
    return encodeEvent(ev);
  });
  return { lines, state };
}

/** The same, from the stream: encoded chunks get their sequence number as the store adds it. */
async function streamed(
  p: ReturnType<typeof plan>,
  script: string | null,
  started?: Replay | null,
) {
  const state = fresh(p);
  const lines: string[] = [];
  // Each item is taken before the next is asked for: a chunk's memory then serves the next.
  for await (const x of eventStream(p, {}, undefined, { script, chunkCards: 2, started })) {
    if ('bytes' in x) {
      let from = 0;
      for (const to of x.ends) {
        lines.push(
          `${Buffer.from(x.bytes.subarray(from, to)).toString('utf8')},"seq":${lines.length + 1}}`,
        );
        from = to;
      }
      x.apply(state);
      state.seq = lines.length;
    } else {
      const ev = { ...x, seq: lines.length + 1 } as CollectionEvent;
      applyEvent(state, ev);
      lines.push(encodeEvent(ev));
    }
  }
  return { lines, state };
}

describe('the histories replayed in chunks', () => {
  it('on this thread: the same lines and state as one card after another', async () => {
    const p = planned();
    const a = sequential(p);
    const b = await streamed(p, null);
    expect(a.lines.length).toBeGreaterThan(10);
    expect(b.lines).toEqual(a.lines);
    expect(b.state).toEqual(a.state);
  });

  it('in the worker threads of the bundle: the same again', async () => {
    const p = planned();
    expect(p.replay.count).toBeGreaterThan(4);
    const a = sequential(p);
    const b = await streamed(p, WORKER);
    expect(b.lines).toEqual(a.lines);
    expect(b.state).toEqual(a.state);
  });
});

describe('the histories replayed while the plan is made', () => {
  it('give the same lines and state however they are split between workers and chunks', async () => {
    const reference = sequential(planned());
    for (const [threads, startNow, chunkCards, ahead] of [
      [1, 1, 1, Infinity],
      [2, 1, 1, Infinity],
      [2, 2, 1, Infinity],
      [2, 1, 3, Infinity],
      [2, 1, 1, 1],
      [2, 2, 1000, Infinity],
    ] as const) {
      let started: Replay | null = null;
      const p = planned((work) => {
        started = startReplay(work, { script: WORKER, threads, startNow, chunkCards, ahead });
      });
      expect(started).not.toBeNull();
      expect(p.replay.early).toBe(true);
      const b = await streamed(p, WORKER, started);
      expect(b.lines).toEqual(reference.lines);
      expect(b.state).toEqual(reference.state);
    }
  });

  it('on this thread too, when there is no worker script', async () => {
    let started: Replay | null = null;
    const p = planned((work) => {
      started = startReplay(work, { script: null });
    });
    const a = sequential(p);
    const b = await streamed(p, null, started);
    expect(b.lines).toEqual(a.lines);
    expect(b.state).toEqual(a.state);
  });
});

describe('a chunk of histories', () => {
  it('writes answers and resets as JSON.stringify does, and counts them as applyEvent does', () => {
    // Two cards: learn, review, lapse, relearn; a Forget; again from new; cram and manual entries.
    const day = 86_400_000;
    const t0 = Date.parse('2025-03-01T09:00:00Z');
    const log: [number, number, number, number, number][] = [
      // at, ease, type, factor, time
      [t0, 3, 0, 0, 8000],
      [t0 + 600_000, 3, 0, 2500, 4000],
      [t0 + 2 * day, 1, 1, 2300, 12_000],
      [t0 + 2 * day + 600_000, 3, 2, 2300, 3000],
      [t0 + 6 * day, 0, 4, 0, 0],
      [t0 + 7 * day, 4, 0, 0, 61_000],
      [t0 + 8 * day, 3, 3, 0, 5000],
      [t0 + 9 * day, 0, 4, 2500, 0],
      [t0 + 10 * day, 2, 1, 2500, 7000],
    ];
    const n = log.length;
    const all = [...log, ...log, ...log];
    const chunk = {
      settings: { ...DEFAULT_SETTINGS, deckSettings: {} },
      clock: { timeZone: 'America/New_York', rolloverHour: 4 },
      deck: 'd',
      // An id that JSON escapes, and one that is not ASCII (its bytes are UTF-8).
      cards: ['c"1', 'c2', 'é3'],
      offsets: Int32Array.from([0, n, 2 * n, 3 * n]),
      at: Float64Array.from(all.map((e, i) => e[0] + Math.floor(i / n) * 3600_000)),
      ease: Uint8Array.from(all.map((e) => e[1])),
      ivl: new Int32Array(3 * n),
      factor: Int32Array.from(all.map((e) => e[3])),
      time: Int32Array.from(all.map((e) => e[4])),
      type: Uint8Array.from(all.map((e) => e[2])),
    };
    const r = replayChunk(chunk);
    const expected: NewEvent[] = [];
    for (let k = 0; k < 3; k++) {
      const entries = [];
      for (let i = chunk.offsets[k]!; i < chunk.offsets[k + 1]!; i++)
        entries.push({
          at: chunk.at[i]!,
          ease: chunk.ease[i]!,
          ivl: 0,
          factor: chunk.factor[i]!,
          type: chunk.type[i]!,
          time: chunk.time[i]!,
          day: Math.floor(toStudyClock(new Date(chunk.at[i]!), chunk.clock).getTime() / DAY),
        });
      historyEvents(chunk.cards[k]!, entries, chunk.settings, chunk.clock, expected);
    }
    expect(expected.map((e) => e.type)).toContain('reset');
    const texts: string[] = [];
    let from = 0;
    for (const to of r.ends) {
      texts.push(Buffer.from(r.bytes.subarray(from, to)).toString('utf8'));
      from = to;
    }
    expect(texts).toEqual(expected.map((e) => JSON.stringify(e).slice(0, -1)));
    const state = emptyState();
    for (const id of chunk.cards)
      state.cards[id] = {
        id,
        note: '',
        deck: 'd',
        sched: NEW_STATE,
        suspended: false,
        buriedDay: null,
        retired: false,
        hash: '',
        mod: '',
      };
    expected.forEach((e, i) => applyEvent(state, { ...e, seq: i + 1 } as CollectionEvent));
    expect(r.days).toEqual(state.days);
    expect(r.finals).toEqual(chunk.cards.map((id) => state.cards[id]!.sched));
  });
});
