import { afterEach, describe, expect, it } from 'vitest';
import { buildQueue, pickNext, queueCounts, NO_FILTER } from '../src/core/queue.js';
import { Session } from '../src/session/session.js';
import { cleanup, miniDeck, openMini, tempDir } from './helpers.js';
import type { Deck } from '../src/deck/types.js';

afterEach(cleanup);

/** A deck of `n` basic notes spread over days, for limit tests. */
function bigDeck(n: number): Deck {
  const files: Record<string, string> = {};
  for (let d = 1; d <= 3; d++) {
    let body = `---\nday: ${d}\ntitle: Day ${d}\ntopics: reliability\n---\n`;
    for (let i = 0; i < n; i++)
      body += `\n## d${d}-n${i}\nQ: Question ${d}.${i}?\nA: Answer ${d}.${i}.\n`;
    files[`day-${d}.md`] = body;
  }
  return miniDeck({
    'day-1.md': files['day-1.md'] ?? '',
    'day-2.md': files['day-2.md'] ?? '',
    'day-3.md': files['day-3.md'] ?? '',
  });
}

describe('daily queue', () => {
  it('offers new cards in plan order, one card per note (siblings apart)', () => {
    const col = openMini(tempDir(), new Date('2026-03-01T09:00:00Z'));
    const q = buildQueue(
      col.state,
      col.studyCards(NO_FILTER),
      new Date('2026-03-01T09:00:00Z'),
      col.clock,
    );
    expect(q.new).toEqual(['one-basic', 'one-rev', 'one-cloze:c1', 'two-a', 'two-b']);
    col.close();
  });

  it('shows learning cards due now first, then reviews, then new; learns ahead 20 minutes only when nothing else is left', () => {
    const dir = tempDir();
    const t0 = new Date('2026-03-01T09:00:00Z');
    const col = openMini(dir, t0);
    const now = { t: t0 };
    const s = new Session(col, NO_FILTER, () => now.t);
    expect(s.next()?.card.id).toBe('one-basic');
    s.answer('one-basic', 'good', 5000); // learning, due 09:10
    // 09:05: the learning card is not due yet; new cards come first.
    now.t = new Date('2026-03-01T09:05:00Z');
    expect(s.next()?.card.id).toBe('one-rev');
    // 09:11: the learning card is due and comes before new cards.
    now.t = new Date('2026-03-01T09:11:00Z');
    expect(s.next()?.card.id).toBe('one-basic');
    s.answer('one-basic', 'again', 1000); // due 09:12
    for (const id of ['one-rev', 'one-cloze:c1', 'two-a', 'two-b']) {
      expect(s.next()?.card.id).toBe(id);
      s.answer(id, 'easy', 1000);
    }
    // Only the learning card is left, due at 09:12 (within 20 minutes): shown ahead.
    expect(s.next()?.card.id).toBe('one-basic');
    col.close();
  });

  it('orders due reviews by retrievability, lowest first', () => {
    const dir = tempDir();
    const col = openMini(dir, new Date('2026-03-01T09:00:00Z'));
    col.answer('two-a', 'easy', new Date('2026-03-01T09:00:00Z'), 0); // 8 days
    col.answer('one-basic', 'easy', new Date('2026-03-01T09:00:00Z'), 0);
    col.answer('one-basic', 'easy', new Date('2026-03-10T09:00:00Z'), 0); // long interval, stable
    const later = new Date('2026-06-01T09:00:00Z');
    const q = buildQueue(col.state, col.studyCards(NO_FILTER), later, col.clock);
    expect(q.review).toEqual(['two-a', 'one-basic']);
    col.close();
  });

  it('counts the new-card limit across sessions of one study day, and resets it the next day', () => {
    const dir = tempDir();
    const deck = bigDeck(10);
    const t = new Date('2026-03-01T09:00:00Z');
    let col = openMini(dir, t, { deck });
    col.state.settings.newPerDay = 4;
    let s = new Session(col, NO_FILTER, () => t);
    expect(s.counts().new).toBe(4);
    s.answer(s.next()!.card.id, 'easy', 1000);
    s.answer(s.next()!.card.id, 'easy', 1000);
    col.close();
    // A second session the same study day (03:00 the next morning is still the same study day).
    const t2 = new Date('2026-03-02T03:00:00Z');
    col = openMini(dir, t2, { deck });
    s = new Session(col, NO_FILTER, () => t2);
    expect(s.counts().new).toBe(2);
    expect(s.next()?.card.id).toBe('d1-n2');
    col.close();
    // After the 04:00 rollover: a fresh allowance.
    const t3 = new Date('2026-03-02T04:00:00Z');
    col = openMini(dir, t3, { deck });
    expect(queueCounts(buildQueue(col.state, col.studyCards(NO_FILTER), t3, col.clock)).new).toBe(
      4,
    );
    col.close();
  });

  it('caps reviews at the reviews-per-day limit', () => {
    const dir = tempDir();
    const deck = bigDeck(5);
    const t = new Date('2026-03-01T09:00:00Z');
    const col = openMini(dir, t, { deck });
    for (const sc of col.studyCards(NO_FILTER)) col.answer(sc.card.id, 'easy', t, 0);
    col.state.settings.reviewsPerDay = 3;
    const later = new Date('2026-05-01T09:00:00Z');
    expect(
      queueCounts(buildQueue(col.state, col.studyCards(NO_FILTER), later, col.clock)).review,
    ).toBe(3);
    col.close();
  });

  it("keeps a reversible note's other card for another day once one is answered", () => {
    const dir = tempDir();
    const t = new Date('2026-03-01T09:00:00Z');
    const col = openMini(dir, t);
    col.answer('one-rev', 'good', t, 0);
    const q = buildQueue(col.state, col.studyCards(NO_FILTER), t, col.clock);
    expect(q.new).not.toContain('one-rev:rev');
    const tomorrow = new Date('2026-03-02T09:00:00Z');
    expect(buildQueue(col.state, col.studyCards(NO_FILTER), tomorrow, col.clock).new).toContain(
      'one-rev:rev',
    );
    col.close();
  });

  it('filters by topic (sub-topics included), day range and deck', () => {
    const col = openMini(tempDir(), new Date('2026-03-01T09:00:00Z'));
    const ids = (f: Parameters<typeof col.studyCards>[0]) =>
      col.studyCards(f).map((c) => c.card.id);
    expect(ids({ topics: ['networking'], days: null, decks: [] })).toEqual([
      'one-rev',
      'one-rev:rev',
      'two-a',
      'two-b',
    ]);
    expect(ids({ topics: [], days: [2, 2], decks: [] })).toEqual(['two-a', 'two-b']);
    expect(ids({ topics: [], days: null, decks: ['other'] })).toEqual([]);
    col.close();
  });

  it('hides suspended and buried cards; buried ones come back the next study day', () => {
    const t = new Date('2026-03-01T09:00:00Z');
    const col = openMini(tempDir(), t);
    col.suspend('one-basic', t);
    col.bury('two-a', t);
    const q = buildQueue(col.state, col.studyCards(NO_FILTER), t, col.clock);
    expect(q.new).not.toContain('one-basic');
    expect(q.new).not.toContain('two-a');
    const next = new Date('2026-03-02T09:00:00Z');
    const q2 = buildQueue(col.state, col.studyCards(NO_FILTER), next, col.clock);
    expect(q2.new).toContain('two-a');
    expect(q2.new).not.toContain('one-basic');
    expect(pickNext(q2, next)?.id).toBe('one-rev');
    col.close();
  });
});
