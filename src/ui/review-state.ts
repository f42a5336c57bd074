/**
 * The review screen's state, in one place, and the one action type that changes it.
 * `reduce` applies an action to the session (an answer is on disk when it returns) and
 * gives the next state; `createReviewStore` holds the state between keys, so keys that
 * arrive before the screen redraws each act on the result of the one before.
 */
import type { RatingName } from '../core/scheduler.js';
import type { ReviewSession, SessionCard, Summary } from '../session/types.js';

export type ReviewAction =
  | { type: 'reveal' }
  | { type: 'grade'; rating: RatingName }
  | { type: 'undo' }
  | { type: 'suspend' }
  | { type: 'bury' }
  | { type: 'help' }
  | { type: 'quit' }
  /** Scroll a card taller than the screen, by lines or by a page. */
  | { type: 'scroll'; lines: number }
  | { type: 'page'; dir: 1 | -1 }
  /** The terminal changed size. */
  | { type: 'resize'; columns: number; rows: number }
  /** The clock moved on: redraw the time. */
  | { type: 'tick' };

export type Phase = 'question' | 'answer';

export interface Ended {
  summary: Summary;
  /** Why the session stopped early: a change that could not be saved. */
  error: string | null;
}

export interface ReviewState {
  card: SessionCard | null;
  phase: Phase;
  /** When the card was shown (ms), for the time an answer took. */
  shownAt: number;
  /** The instant the screen was last drawn for (ms): the session clock reads it. */
  at: number;
  help: boolean;
  notice: string | null;
  /** The first line of the card shown; 'answer' scrolls to the answer just revealed. */
  scroll: number | 'answer';
  /** The terminal's size (rows 0 when unknown). */
  columns: number;
  rows: number;
  ended: Ended | null;
}

export interface ReviewContext {
  session: ReviewSession;
  now: () => Date;
  /** Where the card is scrolled in a state, and how far it can be: for the scroll keys. */
  scrollRange?: (s: ReviewState) => { scroll: number; maxScroll: number; page: number };
}

export function initialState(
  { session, now }: ReviewContext,
  size: { columns: number; rows: number } = { columns: 80, rows: 0 },
): ReviewState {
  const t = now().getTime();
  return {
    card: session.next(),
    phase: 'question',
    shownAt: t,
    at: t,
    help: false,
    notice: null,
    scroll: 0,
    columns: size.columns,
    rows: size.rows,
    ended: null,
  };
}

function end(s: ReviewState, { session }: ReviewContext, error: string | null = null): ReviewState {
  return { ...s, ended: { summary: session.summary(), error } };
}

/** The next card, or the end of the session when there is none. */
function show(s: ReviewState, ctx: ReviewContext, notice: string | null): ReviewState {
  const t = ctx.now().getTime();
  const next: ReviewState = {
    ...s,
    card: ctx.session.next(),
    phase: 'question',
    shownAt: t,
    at: t,
    notice,
    scroll: 0,
  };
  return next.card ? next : end(next, ctx);
}

/** Runs a change to the session; a failure to save ends the session, saying so. */
function attempt(
  s: ReviewState,
  ctx: ReviewContext,
  change: () => void,
  then: () => ReviewState,
): ReviewState {
  try {
    change();
  } catch (e) {
    return end(s, ctx, `NOT SAVED: ${(e as Error).message}`);
  }
  return then();
}

export function reduce(s: ReviewState, a: ReviewAction, ctx: ReviewContext): ReviewState {
  if (s.ended) return s;
  const { session } = ctx;
  if (a.type === 'quit') return end(s, ctx);
  if (a.type === 'tick') return { ...s, at: ctx.now().getTime() };
  if (a.type === 'resize') return { ...s, columns: a.columns, rows: a.rows };
  if (a.type === 'scroll' || a.type === 'page') {
    const range = ctx.scrollRange?.(s);
    const from = range ? range.scroll : typeof s.scroll === 'number' ? s.scroll : 0;
    const by = a.type === 'page' ? a.dir * Math.max(1, (range?.page ?? 10) - 1) : a.lines;
    const to = Math.max(0, Math.min(range?.maxScroll ?? Number.POSITIVE_INFINITY, from + by));
    return to === s.scroll ? s : { ...s, scroll: to };
  }
  const card = s.card;
  if (!card) return end(s, ctx);
  const id = card.card.id;
  switch (a.type) {
    case 'help':
      return { ...s, help: !s.help, scroll: 0 };
    case 'reveal':
      return s.phase === 'question' ? { ...s, phase: 'answer', notice: null, scroll: 'answer' } : s;
    case 'grade': {
      if (s.phase !== 'answer') return s;
      const taken = ctx.now().getTime() - s.shownAt;
      return attempt(
        s,
        ctx,
        () => session.answer(id, a.rating, taken),
        () =>
          show(
            s,
            ctx,
            session.leech
              ? `Leech: ${id} was forgotten too often and is suspended. u undoes.`
              : null,
          ),
      );
    }
    case 'undo': {
      let undone: string | null = null;
      return attempt(
        s,
        ctx,
        () => (undone = session.undo()),
        () => (undone ? show(s, ctx, 'Undone.') : { ...s, notice: 'Nothing to undo.' }),
      );
    }
    case 'suspend':
      return attempt(
        s,
        ctx,
        () => session.suspend(id),
        () => show(s, ctx, 'Suspended. u undoes.'),
      );
    case 'bury':
      return attempt(
        s,
        ctx,
        () => session.bury(id),
        () => show(s, ctx, 'Buried until tomorrow. u undoes.'),
      );
  }
}

const RATING_KEYS: Record<string, RatingName> = {
  '1': 'again',
  '2': 'hard',
  '3': 'good',
  '4': 'easy',
};

/** What a key means in this state (Space reveals, then grades Good), or null. */
export function keyAction(ch: string, s: ReviewState): ReviewAction | null {
  if (ch === 'q') return { type: 'quit' };
  if (ch === '?') return { type: 'help' };
  if (ch === 'u') return { type: 'undo' };
  if (ch === 's') return { type: 'suspend' };
  if (ch === 'b') return { type: 'bury' };
  if (ch === 'j') return { type: 'scroll', lines: 1 };
  if (ch === 'k') return { type: 'scroll', lines: -1 };
  if (ch === ' ')
    return s.phase === 'question' ? { type: 'reveal' } : { type: 'grade', rating: 'good' };
  const rating = RATING_KEYS[ch];
  return rating ? { type: 'grade', rating } : null;
}

export interface ReviewStore {
  getState(): ReviewState;
  dispatch(a: ReviewAction): void;
  subscribe(listener: () => void): () => void;
}

export function createReviewStore(
  ctx: ReviewContext,
  size?: { columns: number; rows: number },
): ReviewStore {
  let state = initialState(ctx, size);
  if (!state.card) state = end(state, ctx);
  const listeners = new Set<() => void>();
  return {
    getState: () => state,
    dispatch(a) {
      const next = reduce(state, a, ctx);
      if (next === state) return;
      state = next;
      for (const l of listeners) l();
    },
    subscribe(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
}
