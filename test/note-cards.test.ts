/**
 * A mark is the note's: it reaches every card of the note, in its deck. Events applied in
 * a row (an import, a sync, a rebuild) group the cards by note once, not once a mark.
 */
import { describe, expect, it } from 'vitest';
import {
  applyEvent,
  emptyState,
  noteCards,
  type CardRecord,
  type CollectionEvent,
  type CollectionState,
} from '../src/core/model.js';
import { NEW_STATE } from '../src/core/scheduler.js';

const card = (id: string, note: string, deck: string): CardRecord => ({
  id,
  note,
  deck,
  sched: { ...NEW_STATE },
  suspended: false,
  buriedDay: null,
  retired: false,
  hash: '',
  mod: '',
});

function state(notes: number): CollectionState {
  const s = emptyState();
  s.device = 'dev-a';
  for (let i = 0; i < notes; i++) {
    s.cards[`n${i}`] = card(`n${i}`, `n${i}`, 'one');
    s.cards[`n${i}:rev`] = card(`n${i}:rev`, `n${i}`, 'one');
    // The same note id in another deck is another note.
    s.cards[`other-n${i}`] = card(`other-n${i}`, `n${i}`, 'two');
  }
  return s;
}

/** `state` whose cards count how often they are walked whole. */
function counted(s: CollectionState): { walks: () => number } {
  let walks = 0;
  s.cards = new Proxy(s.cards, {
    ownKeys(t) {
      walks++;
      return Reflect.ownKeys(t);
    },
  });
  return { walks: () => walks };
}

const events = (notes: number): CollectionEvent[] => {
  const out: CollectionEvent[] = [];
  let seq = 0;
  const at = (k: number) => new Date(Date.UTC(2026, 2, 1, 9, 0, k)).toISOString();
  for (let i = 0; i < notes; i += 2)
    out.push({ type: 'mark', at: at(i), card: `n${i}`, marked: true, seq: ++seq });
  // An unmark by another device, later: it reaches the note's cards too.
  out.push({ type: 'mark', at: at(notes), card: `n0:rev`, marked: false, seq: 1, dev: 'dev-b' });
  return out;
};

describe('marks applied in a row', () => {
  it('mark the same cards as marks applied one by one, walking the cards once', () => {
    const n = 200;
    const alone = state(n);
    const aloneWalks = counted(alone);
    for (const e of events(n)) applyEvent(alone, e);
    const batch = state(n);
    const batchWalks = counted(batch);
    const notes = noteCards(batch);
    for (const e of events(n)) applyEvent(batch, e, notes);
    // One walk to group them, against three a mark.
    expect(batchWalks.walks()).toBe(1);
    expect(aloneWalks.walks()).toBe(3 * (n / 2 + 1));
    expect(batch.cards).toEqual(alone.cards);
    expect(batch.last).toEqual(alone.last);
    const marked = Object.values(batch.cards)
      .filter((c) => c.marked)
      .map((c) => c.id);
    expect(marked).toContain('n2');
    expect(marked).toContain('n2:rev');
    expect(marked).not.toContain('other-n2');
    expect(marked).not.toContain('n0');
    expect(marked).not.toContain('n0:rev');
    expect(marked).toHaveLength(n - 2);
  });

  it('finds a card that replaced its record since the grouping', () => {
    const s = state(2);
    const notes = noteCards(s);
    expect(notes(s.cards.n1 as CardRecord).map((c) => c.id)).toEqual(['n1', 'n1:rev']);
    s.cards['n1:rev'] = { ...(s.cards['n1:rev'] as CardRecord), suspended: true };
    expect(notes(s.cards.n1 as CardRecord)[1]).toBe(s.cards['n1:rev']);
  });
});
