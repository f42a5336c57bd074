import { afterEach, describe, expect, it } from 'vitest';
import { NO_FILTER } from '../src/core/queue.js';
import { Session } from '../src/session/session.js';
import {
  createReviewStore,
  initialState,
  keyAction,
  reduce,
  type ReviewAction,
} from '../src/ui/review-state.js';
import { cleanup, openMini, tempDir } from './helpers.js';

afterEach(cleanup);

function setup() {
  const clock = { t: new Date('2026-03-01T09:00:00Z') };
  const now = () => clock.t;
  const col = openMini(tempDir(), clock.t);
  const session = new Session(col, NO_FILTER, now);
  return { clock, now, col, session, ctx: { session, now } };
}

describe('review screen state', () => {
  it('is driven by one action type: reveal, grade, undo, suspend, bury, help, quit', () => {
    const { ctx, col, clock } = setup();
    let s = initialState(ctx);
    expect(s.card?.card.id).toBe('one-basic');
    expect(s.phase).toBe('question');
    const run = (a: ReviewAction) => (s = reduce(s, a, ctx));
    // A grade before the reveal does nothing.
    run({ type: 'grade', rating: 'good' });
    expect(col.state.cards['one-basic']?.sched.reps).toBe(0);
    run({ type: 'reveal' });
    expect(s.phase).toBe('answer');
    clock.t = new Date('2026-03-01T09:00:07Z');
    run({ type: 'grade', rating: 'good' });
    expect(col.state.cards['one-basic']?.sched.state).toBe('learning');
    expect(s.card?.card.id).toBe('one-rev');
    expect(s.phase).toBe('question');
    expect(s.shownAt).toBe(clock.t.getTime());
    run({ type: 'undo' });
    expect(s.notice).toBe('Undone.');
    expect(s.card?.card.id).toBe('one-basic');
    run({ type: 'bury' });
    expect(s.notice).toMatch(/Buried/);
    expect(col.state.cards['one-basic']?.buriedDay).toBe('2026-03-01');
    run({ type: 'suspend' });
    expect(col.state.cards['one-rev']?.suspended).toBe(true);
    run({ type: 'help' });
    expect(s.help).toBe(true);
    run({ type: 'quit' });
    expect(s.ended?.error).toBeNull();
    expect(s.ended?.summary.reviewed).toBe(0);
    // Nothing happens after the end.
    const before = s;
    run({ type: 'reveal' });
    expect(s).toBe(before);
    col.close();
  });

  it('maps keys by the state they meet: Space reveals, then grades Good', () => {
    const { ctx, col } = setup();
    const store = createReviewStore(ctx);
    for (const ch of ' 3 3') {
      const a = keyAction(ch, store.getState());
      if (a) store.dispatch(a);
    }
    expect(col.state.cards['one-basic']?.sched.reps).toBe(1);
    expect(col.state.cards['one-rev']?.sched.reps).toBe(1);
    expect(keyAction(' ', store.getState())).toEqual({ type: 'reveal' });
    expect(keyAction('x', store.getState())).toBeNull();
    col.close();
  });

  it('ends, saying NOT SAVED, when a change cannot be saved', () => {
    const { ctx, col, session } = setup();
    session.answer = () => {
      throw new Error('no space left on device');
    };
    let s = initialState(ctx);
    s = reduce(s, { type: 'reveal' }, ctx);
    s = reduce(s, { type: 'grade', rating: 'good' }, ctx);
    expect(s.ended?.error).toBe('NOT SAVED: no space left on device');
    col.close();
  });
});
