/**
 * The review screen's state, in one place, and the one action type that changes it.
 * `reduce` applies an action to the session (an answer is on disk when it returns) and
 * gives the next state; `createReviewStore` holds the state between keys, so keys that
 * arrive before the screen redraws each act on the result of the one before.
 */
import type { RatingName } from '../core/scheduler.js';
import { compareTyped, type TypeDiff } from '../core/typeanswer.js';
import type { CardInfoView, ReviewSession, SessionCard, Summary } from '../session/types.js';
import { FLAG_NAMES } from './flags.js';

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
  | { type: 'tick' }
  /** Card info over the card; any key closes it. */
  | { type: 'info' }
  | { type: 'close' }
  /** `f`: the next digit is a flag colour (0 clears). */
  | { type: 'flag-prefix' }
  | { type: 'flag'; flag: number }
  /** `*`: marks the note, or unmarks it. */
  | { type: 'mark' }
  /** A key in the type-in line editor, Enter (compare) and Esc (leave it). */
  | { type: 'line'; op: LineOp }
  | { type: 'submit' }
  | { type: 'skip-typing' }
  /** `e`: the card's source is to open in the editor; 'edited' when it has closed. */
  | { type: 'edit' }
  | { type: 'edited'; notice: string };

/** What a key does to the line being typed. */
export type LineOp =
  { insert: string } | 'left' | 'right' | 'home' | 'end' | 'backspace' | 'delete' | 'clear';

/** The type-in line: its text and the cursor, both in code points. */
export interface TypedLine {
  text: string;
  cursor: number;
}

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
  /** The type-in line editor, while a type-in card's answer is being typed. */
  typing: TypedLine | null;
  /** What was typed against what was expected, once Enter compared them. */
  diff: TypeDiff | null;
  /** Card info shown over the card. */
  info: CardInfoView | null;
  /** `f` was pressed: a digit sets a flag. */
  flagPrefix: boolean;
  /** The editor is to open on the card's source (the screen runs it, then sends 'edited'). */
  editing: boolean;
}

export interface ReviewContext {
  session: ReviewSession;
  now: () => Date;
  /** Whether `e` can open the card's source in an editor here. */
  canEdit?: boolean;
  /** Where the card is scrolled in a state, and how far it can be: for the scroll keys. */
  scrollRange?: (s: ReviewState) => { scroll: number; maxScroll: number; page: number };
}

export function initialState(
  { session, now }: ReviewContext,
  size: { columns: number; rows: number } = { columns: 80, rows: 0 },
): ReviewState {
  const t = now().getTime();
  const card = session.next();
  return {
    card,
    phase: 'question',
    shownAt: t,
    at: t,
    help: false,
    notice: null,
    scroll: 0,
    columns: size.columns,
    rows: size.rows,
    ended: null,
    typing: lineFor(card),
    diff: null,
    info: null,
    flagPrefix: false,
    editing: false,
  };
}

/** A type-in card starts with an empty line to type into; other cards have none. */
function lineFor(card: SessionCard | null): TypedLine | null {
  return card?.card.type ? { text: '', cursor: 0 } : null;
}

/** The line after a key of the line editor. */
export function editLine(line: TypedLine, op: LineOp): TypedLine {
  const chars = [...line.text];
  const at = Math.max(0, Math.min(chars.length, line.cursor));
  if (typeof op === 'object') {
    const add = [...op.insert];
    chars.splice(at, 0, ...add);
    return { text: chars.join(''), cursor: at + add.length };
  }
  switch (op) {
    case 'left':
      return { ...line, cursor: Math.max(0, at - 1) };
    case 'right':
      return { ...line, cursor: Math.min(chars.length, at + 1) };
    case 'home':
      return { ...line, cursor: 0 };
    case 'end':
      return { ...line, cursor: chars.length };
    case 'backspace':
      if (at === 0) return line;
      chars.splice(at - 1, 1);
      return { text: chars.join(''), cursor: at - 1 };
    case 'delete':
      if (at >= chars.length) return line;
      chars.splice(at, 1);
      return { text: chars.join(''), cursor: at };
    case 'clear':
      return { text: '', cursor: 0 };
  }
}

/** The grade Space gives after the reveal: Again when the typed answer missed, else Good. */
export function defaultRating(s: Pick<ReviewState, 'diff'>): RatingName {
  return s.diff && !s.diff.correct ? 'again' : 'good';
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
    info: null,
    flagPrefix: false,
    diff: null,
  };
  next.typing = lineFor(next.card);
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
      return s.phase === 'question'
        ? { ...s, phase: 'answer', notice: null, scroll: 'answer', typing: null }
        : s;
    case 'line':
      return s.typing ? { ...s, typing: editLine(s.typing, a.op) } : s;
    case 'submit': {
      if (!s.typing || s.phase !== 'question' || !card.card.type) return s;
      const expected = card.card.type;
      const diff = compareTyped(s.typing.text, expected.text, expected.ci);
      return { ...s, phase: 'answer', typing: null, diff, notice: null, scroll: 'answer' };
    }
    case 'skip-typing':
      return s.typing ? { ...s, typing: null, notice: 'Not typing: Space shows the answer.' } : s;
    case 'info':
      return attempt(
        s,
        ctx,
        () => undefined,
        () => ({ ...s, info: session.info(id), flagPrefix: false, scroll: 0 }),
      );
    case 'close':
      // Back to the card where a reveal leaves it: at its answer.
      return { ...s, info: null, scroll: s.phase === 'answer' ? 'answer' : 0 };
    case 'flag-prefix':
      return {
        ...s,
        flagPrefix: true,
        notice: 'Flag: 1 red, 2 orange, 3 green, 4 blue, 5 pink, 6 turquoise, 7 purple, 0 none',
      };
    case 'flag': {
      const flag = a.flag;
      if (!(Number.isInteger(flag) && flag >= 0 && flag <= 7))
        return { ...s, flagPrefix: false, notice: 'No flag set.' };
      return attempt(
        s,
        ctx,
        () => session.flag(id, flag),
        () => ({
          ...s,
          card: { ...card },
          flagPrefix: false,
          notice: flag === 0 ? 'Flag cleared. u undoes.' : `Flagged ${FLAG_NAMES[flag]}. u undoes.`,
        }),
      );
    }
    case 'mark': {
      const marked = !(card.rec.marked ?? false);
      return attempt(
        s,
        ctx,
        () => session.mark(id, marked),
        () => ({
          ...s,
          card: { ...card },
          notice: marked ? 'Note marked. u undoes.' : 'Note unmarked. u undoes.',
        }),
      );
    }
    case 'edit':
      return ctx.canEdit
        ? { ...s, editing: true, info: null, flagPrefix: false }
        : { ...s, notice: 'Editing is not available in this session.' };
    case 'edited': {
      // The decks were read again: the card on screen shows its text now (or, if its
      // note is gone, the next card does).
      const next = session.next();
      if (!next) return end({ ...s, editing: false }, ctx);
      const same = next.card.id === id;
      return {
        ...s,
        editing: false,
        card: next,
        notice: a.notice,
        ...(same
          ? {}
          : { phase: 'question' as const, scroll: 0, diff: null, typing: lineFor(next) }),
      };
    }
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
  if (s.info) return { type: 'close' };
  if (s.flagPrefix) return { type: 'flag', flag: /^[0-7]$/.test(ch) ? Number(ch) : -1 };
  if (ch === 'q') return { type: 'quit' };
  if (ch === 'i') return { type: 'info' };
  if (ch === 'f') return { type: 'flag-prefix' };
  if (ch === '*') return { type: 'mark' };
  if (ch === 'e') return { type: 'edit' };
  // Anki's keys: - buries the card, @ suspends it, ! suspends the note (here: the card).
  if (ch === '-') return { type: 'bury' };
  if (ch === '@' || ch === '!') return { type: 'suspend' };
  if (ch === '?') return { type: 'help' };
  if (ch === 'u') return { type: 'undo' };
  if (ch === 's') return { type: 'suspend' };
  if (ch === 'b') return { type: 'bury' };
  if (ch === 'j') return { type: 'scroll', lines: 1 };
  if (ch === 'k') return { type: 'scroll', lines: -1 };
  if (ch === ' ')
    return s.phase === 'question'
      ? { type: 'reveal' }
      : { type: 'grade', rating: defaultRating(s) };
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
  notice: string | null = null,
): ReviewStore {
  let state = { ...initialState(ctx, size), notice };
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
