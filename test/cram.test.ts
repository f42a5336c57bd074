import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CRAM_AGAIN_GAP, cramSession } from '../src/session/cram.js';
import { cardLog } from '../src/cli/common.js';
import type { AnswerEvent } from '../src/core/model.js';
import { historyItems, reviewHistories } from '../src/core/optimize.js';
import { buildQueue, NO_FILTER, queueCounts } from '../src/core/queue.js';
import { replayStates } from '../src/core/reschedule.js';
import { readAllEvents } from '../src/store/log/file.js';
import { cleanup, cli, openMini, tempDir, logFile } from './helpers.js';

/** Every training item of the log: one per answer after a card's first. */
const trainingItems = (events: Parameters<typeof reviewHistories>[0]) =>
  [...reviewHistories(events).values()].flatMap(historyItems);

afterEach(cleanup);

const T = new Date('2026-03-01T09:00:00Z');
const NIGHT_BEFORE = new Date('2026-03-04T21:00:00Z');

/** A constructed history: three cards studied on 1 March, due days later; the rest unseen. */
function history(dir: string) {
  const col = openMini(dir, T);
  col.answer('one-basic', 'easy', T, 1000);
  col.answer('two-a', 'easy', T, 1000);
  col.answer('two-b', 'good', T, 1000);
  col.answer('two-b', 'good', new Date('2026-03-01T09:10:00Z'), 1000);
  return col;
}

describe('cram answers', () => {
  it('leave the card state and the day counts untouched, and are logged as cram', () => {
    const dir = tempDir();
    const col = history(dir);
    const cards = structuredClone(col.state.cards);
    const days = structuredClone(col.state.days);
    const e = col.cramAnswer('one-basic', 'again', NIGHT_BEFORE, 4000);
    col.cramAnswer('two-a', 'good', NIGHT_BEFORE, 4000);
    col.cramAnswer('one-cloze:c1', 'hard', NIGHT_BEFORE, 4000);
    expect(e).toMatchObject({ type: 'answer', cram: true, rating: 1, card: 'one-basic' });
    expect(e.before).toEqual(e.after);
    expect(col.state.cards).toEqual(cards);
    expect(col.state.days).toEqual(days);
    const logged = readAllEvents(logFile(dir)).filter(
      (x): x is AnswerEvent => x.type === 'answer' && x.cram === true,
    );
    expect(logged).toHaveLength(3);
    // Undo of a cram answer changes nothing either.
    expect(col.undo(NIGHT_BEFORE)?.type).toBe('answer');
    expect(col.state.cards).toEqual(cards);
    expect(col.state.days).toEqual(days);
    col.close();
    // A rebuild from the log alone gives the same state.
    rmSync(join(dir, 'collection.snap'));
    const again = openMini(dir, NIGHT_BEFORE, { mode: 'read' });
    for (const [id, c] of Object.entries(cards))
      expect(again.state.cards[id]?.sched).toEqual(c.sched);
    expect(again.state.days).toEqual(days);
    again.close();
  });

  it('do not count toward the daily limits: the day queue is the same after cramming', () => {
    const dir = tempDir();
    const col = history(dir);
    const day4 = new Date('2026-03-04T09:00:00Z');
    const before = buildQueue(col.state, col.studyCards(NO_FILTER), day4, col.clock);
    col.cramAnswer('one-cloze:c1', 'good', day4, 1000);
    col.cramAnswer('two-b', 'good', day4, 1000);
    const after = buildQueue(col.state, col.studyCards(NO_FILTER), day4, col.clock);
    expect(queueCounts(after)).toEqual(queueCounts(before));
    expect(after).toEqual(before);
    col.close();
  });

  it('are left out of the replay, the optimiser data, and marked in the card log', () => {
    const dir = tempDir();
    const col = history(dir);
    col.cramAnswer('one-basic', 'again', NIGHT_BEFORE, 1000);
    col.cramAnswer('one-basic', 'good', NIGHT_BEFORE, 1000);
    const events = readAllEvents(logFile(dir));
    const replay = replayStates(events, col.settings);
    expect(replay.get('one-basic')).toEqual(col.state.cards['one-basic']?.sched);
    const plain = events.filter((e) => !(e.type === 'answer' && e.cram));
    expect(trainingItems(events)).toEqual(trainingItems(plain));
    const log = cardLog(col, 'one-basic');
    expect(log.map((l) => [l.rating, l.cram ?? false])).toEqual([
      ['easy', false],
      ['again', true],
      ['good', true],
    ]);
    col.close();
  });
});

describe('cram session', () => {
  it('offers every matching card now, due or not, weakest first, new cards last', () => {
    const col = history(tempDir());
    const s = cramSession(col, NO_FILTER, () => NIGHT_BEFORE);
    // Seven cards, none of them due on the 4th in the day queue except by cramming.
    expect(s.source.size).toBe(7);
    expect(s.counts()).toEqual({ new: 4, learning: 0, review: 3 });
    const first = s.next();
    // two-b graduated with Good (lowest stability): it is the weakest.
    expect(first?.card.id).toBe('two-b');
    expect(first?.from).toBe('review');
    const buttons = s.previews('two-b');
    expect(buttons.map((b) => [b.rating, b.label])).toEqual([
      ['again', 'again soon'],
      ['hard', 'done'],
      ['good', 'done'],
      ['easy', 'done'],
    ]);
    expect(buttons.every((b) => b.next === col.state.cards['two-b']?.sched)).toBe(true);
    col.close();
  });

  it('brings an Again card back a few cards later, and ends when every card is done', () => {
    const col = history(tempDir());
    const days = structuredClone(col.state.days);
    const s = cramSession(
      col,
      { topics: ['networking'], days: null, decks: [] },
      () => NIGHT_BEFORE,
    );
    const order: string[] = [];
    let n = s.next();
    let againGiven = false;
    while (n) {
      order.push(n.card.id);
      const id = n.card.id;
      if (!againGiven) {
        s.answer(id, 'again', 1000);
        againGiven = true;
      } else s.answer(id, 'good', 1000);
      n = s.next();
    }
    // networking: one-rev, one-rev:rev (networking/dns), two-a, two-b.
    expect(new Set(order)).toEqual(new Set(['two-b', 'two-a', 'one-rev', 'one-rev:rev']));
    expect(order).toHaveLength(5);
    expect(order.lastIndexOf('two-b')).toBe(1 + Math.min(CRAM_AGAIN_GAP, 3));
    expect(s.reviewed).toBe(5);
    expect(s.again).toBe(1);
    expect(col.state.days).toEqual(days);
    expect(s.summary().reviewed).toBe(5);
    col.close();
  });

  it('undo puts the card back in front and takes its requeued copy out', () => {
    const col = history(tempDir());
    const s = cramSession(col, NO_FILTER, () => NIGHT_BEFORE);
    const id = s.next()?.card.id ?? '';
    s.answer(id, 'again', 1000);
    expect(s.next()?.card.id).not.toBe(id);
    expect(s.undo()).toBe(id);
    expect(s.next()?.card.id).toBe(id);
    expect(s.reviewed).toBe(0);
    expect(s.again).toBe(0);
    expect(s.counts().new + s.counts().review).toBe(7);
    // Suspending from a cram session is a real suspension; the card leaves the session.
    s.suspend(id);
    expect(col.state.cards[id]?.suspended).toBe(true);
    expect(s.next()?.card.id).not.toBe(id);
    col.close();
  });

  it('counts a card answered Again as learning until it is done, and undo takes that back', () => {
    const col = history(tempDir());
    const s = cramSession(col, NO_FILTER, () => NIGHT_BEFORE);
    expect(s.counts()).toEqual({ new: 4, learning: 0, review: 3 });
    const first = s.next()?.card.id ?? '';
    expect(col.state.cards[first]?.sched.state).toBe('review');
    s.answer(first, 'again', 1000);
    expect(s.counts()).toEqual({ new: 4, learning: 1, review: 2 });
    // Answered through the list until the Again card is back: it comes as learning.
    let n = s.next();
    while (n && n.card.id !== first) {
      s.answer(n.card.id, 'good', 1000);
      n = s.next();
    }
    expect(n?.from).toBe('learning');
    const c = s.counts();
    expect(c.learning).toBe(1);
    s.answer(first, 'again', 1000);
    expect(s.counts().learning).toBe(1);
    // Undo of the second Again keeps it learning (the first still stands).
    expect(s.undo()).toBe(first);
    expect(s.counts()).toEqual(c);
    expect(s.next()?.from).toBe('learning');
    // Done with Good it leaves the session; undo of that brings it back as learning.
    s.answer(first, 'good', 1000);
    expect(s.counts().learning).toBe(0);
    expect(s.undo()).toBe(first);
    expect(s.counts()).toEqual(c);
    col.close();
  });

  it('leaves suspended cards out', () => {
    const col = history(tempDir());
    col.suspend('two-b', T);
    const s = cramSession(col, NO_FILTER, () => NIGHT_BEFORE);
    expect(s.source.size).toBe(6);
    col.close();
  });
});

describe('review --cram on the command line', () => {
  it('is documented, and needs a terminal like review', () => {
    const dir = tempDir();
    const help = cli(['review', '--help'], { SRE_CARDS_DATA_DIR: dir });
    expect(help.stdout).toContain('--cram');
    expect(help.stdout).toContain('without\n                 changing its schedule');
    const r = cli(['review', '--cram', '--topic', 'networking'], {
      SRE_CARDS_DATA_DIR: dir,
      SRE_CARDS_NOW: '2026-03-01T09:00:00Z',
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('review needs a terminal');
  });
});
