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
import { DEFAULT_SETTINGS } from '../src/core/settings.js';
import { syncDeck } from '../src/core/sync.js';
import { deckCards } from '../src/deck/cards.js';
import { readPackage } from '../src/import/package.js';
import { plan } from '../src/import/plan.js';
import { loadSqlJs } from '../src/import/sqlite.js';
import { eventStream } from '../src/import/stream.js';
import { encodeEvent } from '../src/store/log/codec.js';
import { ROOT } from './helpers.js';

const SQL = await loadSqlJs();
const NOW = new Date('2024-06-01T10:00:00Z');
const WORKER = join(ROOT, 'dist', 'replay-worker.js');

function planned() {
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
async function streamed(p: ReturnType<typeof plan>, script: string | null) {
  const state = fresh(p);
  const lines: string[] = [];
  const items: (
    NewEvent | { bytes: Uint8Array; ends: Int32Array; apply(s: CollectionState): void }
  )[] = [];
  for await (const x of eventStream(p, {}, undefined, { script, chunkCards: 2 })) items.push(x);
  for (const x of items) {
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
