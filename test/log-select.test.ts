/**
 * Reading only what of the logs can touch some cards (`store/log/select.ts`): the same
 * events, in the same order, as merging the logs read whole and keeping those; null
 * where the logs are not plainly readable.
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CollectionEvent } from '../src/core/events.js';
import { mergeLogs } from '../src/core/merge.js';
import { NEW_STATE } from '../src/core/scheduler.js';
import { readAllEvents } from '../src/store/log/file.js';
import { readDeviceLog } from '../src/store/log/devices.js';
import { selectEvents, type LogSource } from '../src/store/log/select.js';
import { cleanup, tempDir } from './helpers.js';

afterEach(() => {
  cleanup();
});

const at = (h: number) => new Date(Date.UTC(2026, 2, 1, 0, 0) + h * 3600_000).toISOString();
const sched = (due: string) => ({
  ...NEW_STATE,
  state: 'review' as const,
  due,
  stability: 2,
  difficulty: 5,
  reps: 1,
});

function answer(card: string, h: number, seq: number): Record<string, unknown> {
  return {
    type: 'answer',
    at: at(h),
    card,
    rating: 3,
    ms: 1000,
    day: at(h).slice(0, 10),
    tz: 'UTC',
    rollover: 4,
    before: NEW_STATE,
    after: sched(at(h + 24)),
    seq,
  };
}

/** A log of these events, one JSON line each, as written (key order as given). */
function writeLog(path: string, events: Record<string, unknown>[], tail = ''): void {
  writeFileSync(path, events.map((e) => JSON.stringify(e) + '\n').join('') + tail);
}

/** The reference: every log read whole and merged, then the events that can touch `cards`. */
function reference(sources: LogSource[], cards: Set<string>): CollectionEvent[] {
  const lists = sources.map((s) => {
    const events = s.own
      ? readAllEvents(s.path)
      : readDeviceLog(s.dev, s.path, { seq: 0, offset: 0 }).events.filter((e) => e.seq <= s.upTo);
    for (const e of events) e.dev = s.dev;
    return events;
  });
  return mergeLogs(lists).filter(
    (e) =>
      e.type === 'undo' ||
      (e.type === 'settings' && e.moved !== undefined) ||
      ('card' in e && cards.has(e.card)),
  );
}

function logs() {
  const dir = tempDir();
  const own = join(dir, 'aaa.jsonl');
  const peer = join(dir, 'bbb.jsonl');
  const third = join(dir, 'ccc.jsonl');
  // This device: recent answers, then an imported history dated back (not in time order),
  // a flag whose card comes after other fields, an event whose seq is not last, an undo,
  // settings with and without moved cards, and a blank line.
  writeLog(own, [
    { type: 'deck-add', at: at(0), name: 'd', path: '/d', seq: 1 },
    answer('c1', 10, 2),
    answer('c2', 11, 3),
    answer('c1', -500, 4),
    answer('c3', -400, 5),
    answer('c1', -300, 6),
    { type: 'flag', at: at(12), prev: 0, flag: 2, card: 'c1', seq: 7 },
    { seq: 8, type: 'suspend', at: at(13), card: 'c3' },
    {
      type: 'undo',
      at: at(14),
      target: { type: 'suspend', at: at(13), card: 'c3', seq: 8 },
      seq: 9,
    },
    {
      type: 'settings',
      at: at(15),
      before: {},
      after: {},
      moved: { c1: { before: NEW_STATE, after: sched(at(40)) } },
      seq: 10,
    },
    { type: 'settings', at: at(16), before: {}, after: {}, seq: 11 },
  ]);
  appendFileSync(own, '\n');
  appendFileSync(own, JSON.stringify(answer('c2', 17, 12)) + '\n');
  // Another device: answers at times between this device's, past its cursor too, and a
  // torn last line.
  writeLog(
    peer,
    [
      answer('c1', 10.5, 1),
      answer('c2', -450, 2),
      // A time in another form (11:30 UTC), compared as an instant.
      { ...answer('c3', 11.5, 3), at: '2026-03-01T13:30:00+02:00' },
      answer('c1', 30, 4),
    ],
    '{"type":"answer","at":"' + at(31),
  );
  // A third, whose events tie with this device's on time (the device id breaks the tie).
  writeLog(third, [answer('c1', 10, 1), answer('c2', 11, 2)]);
  const sources: LogSource[] = [
    { dev: 'aaa', path: own, upTo: Infinity, own: true },
    { dev: 'bbb', path: peer, upTo: 3, own: false },
    { dev: 'ccc', path: third, upTo: 2, own: false },
  ];
  return { dir, own, peer, sources };
}

describe('selecting the events that can touch some cards', () => {
  it('gives what merging the whole logs gives, in the same order, for any set of cards', () => {
    const { sources } = logs();
    // Read in pieces smaller than a line, of a line and a half, and whole.
    for (const chunk of [64, 700, undefined])
      for (const cards of [['c1'], ['c2'], ['c3'], ['c1', 'c3'], ['nothing']]) {
        const set = new Set(cards);
        const got = selectEvents(sources, set, chunk);
        const want = reference(sources, set);
        expect(got).not.toBeNull();
        expect(got!.map((e) => `${e.dev}#${e.seq}`)).toEqual(want.map((e) => `${e.dev}#${e.seq}`));
        expect(got).toEqual(want);
      }
    // The undo and the settings that move cards come whatever the cards.
    const some = selectEvents(sources, new Set(['nothing']))!;
    expect(some.map((e) => e.type)).toEqual(['undo', 'settings']);
  });

  it('leaves the reading to the whole logs when a line is not an event or the own log is out of order', () => {
    const a = logs();
    appendFileSync(a.own, 'not json\n');
    expect(selectEvents(a.sources, new Set(['c1']))).toBeNull();
    const b = logs();
    appendFileSync(b.own, JSON.stringify(answer('c1', 50, 3)) + '\n');
    expect(selectEvents(b.sources, new Set(['c1']))).toBeNull();
    const c = logs();
    // A gap in another device's log.
    writeLog(c.peer, [answer('c1', 1, 1), answer('c1', 2, 3)]);
    expect(selectEvents([{ ...c.sources[1]!, upTo: Infinity }], new Set(['c1']))).toBeNull();
  });
});
