import { CLEAR } from './terminal-codes.js';
import { Box, renderToString, Text, useApp, useInput, useStdin, useStdout } from 'ink';
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { pacingText } from '../core/interview.js';
import type { ReviewSession, Summary } from '../session/types.js';
import { wrap } from './layout.js';
import { Lines } from './Markdown.js';
import {
  createReviewStore,
  keyAction,
  reduce,
  type LineOp,
  type ReviewContext,
  type ReviewState,
} from './review-state.js';
import { reviewScreen, type Screen } from './review-screen.js';
import { summaryLines } from './summary.js';

export interface ReviewAppProps {
  session: ReviewSession;
  /** What is being reviewed: the deck title, or the filter. */
  label: string;
  now: () => Date;
  /** Called once when the session ends (quit or done), with the error if an answer was not saved. */
  onExit?: (result: { summary: Summary; error: string | null }) => void;
  /**
   * Opens a card's source in the editor and reads the decks again (`e`); returns the line
   * to show. Without it, `e` says that editing is not available.
   */
  edit?: (cardId: string) => string;
  /** Runs `fn` with the terminal given back (raw mode off, main screen): the editor's. */
  suspend?: <T>(fn: () => T) => T;
  /** A line to show over the first card (what changed in the decks since the last session). */
  notice?: string | null;
  /**
   * On a full screen: renders the new layout at once on a resize (run.tsx: a synchronous
   * render), before the screen is cleared and drawn again whole.
   */
  redraw?: () => void;
}

/** Ctrl-1…Ctrl-7 as terminals send them, when they send them at all: the flag, or null. */
export function ctrlDigit(input: string, ctrl: boolean): number | null {
  // The kitty keyboard protocol (Ink gives the digit with ctrl).
  if (ctrl && /^[1-7]$/.test(input)) return Number(input);
  // xterm's modifyOtherKeys: ESC [27;5;49~ (Ink drops the ESC).
  const m = /^\[27;5;(49|5[0-5])~$/.exec(input);
  if (m) return Number(m[1]) - 48;
  // The VT100 control codes of Ctrl-2 and Ctrl-4…7 (Ctrl-1 sends 1, Ctrl-3 is Esc).
  if (ctrl && input === '`') return 2;
  const legacy = ['\x1c', '\x1d', '\x1e', '\x1f'].indexOf(input);
  return legacy >= 0 ? legacy + 4 : null;
}

/** Printable characters only: what the type-in line takes from a key. */
const printable = (s: string): string =>
  // eslint-disable-next-line no-control-regex -- controls are what it leaves out
  s.replace(/[\u0000-\u001f\u007f-\u009f]/g, '');

export function SummaryView({ summary, width = 80 }: { summary: Summary; width?: number }) {
  const lines = summaryLines(summary).flatMap((l) => wrap([{ text: l }], width));
  return (
    <Box flexDirection="column">
      <Text bold>Session done</Text>
      <Lines lines={lines} />
    </Box>
  );
}

/** How often a session looks for other devices' events in a synced folder. */
const PICK_UP_MS = 30_000;
/** After the first frame: the screen is drawn before anything else is counted. */
const PREPARE_MS = 30;
/** How often each of the first card's frames is drawn off the screen, once it is shown. */
const WARM_UP_FRAMES = 3;
const REVEAL = { type: 'reveal' } as const;

/** The review screen: input handling and effects at the top, rendering below. */
export function ReviewApp({
  session,
  label,
  now,
  onExit,
  edit,
  suspend,
  notice,
  redraw,
}: ReviewAppProps) {
  const { exit } = useApp();
  const { stdout, write } = useStdout();
  const { internal_eventEmitter: inputEvents } = useStdin();
  const [pacing] = useState(() => session.pacing());
  const pacingLine = pacing && pacing.unseen > 0 ? pacingText(pacing) : null;
  const screen = (s: ReviewState): Screen | null =>
    s.card
      ? reviewScreen({
          label,
          counts: session.counts(),
          done: session.reviewed,
          elapsedMs: s.at - session.startedAt.getTime(),
          pacing: pacingLine,
          card: s.card,
          phase: s.phase,
          previews: s.phase === 'answer' ? session.previews(s.card.card.id) : null,
          notice: s.notice,
          help: s.help,
          scroll: s.scroll,
          columns: s.columns,
          rows: s.rows,
          typing: s.typing,
          diff: s.diff,
          info: s.info,
          editing: s.editing,
        })
      : null;
  const [ctx] = useState<ReviewContext>(() => ({
    session,
    now,
    canEdit: edit !== undefined,
    scrollRange: (s) => screen(s) ?? { scroll: 0, maxScroll: 0, page: 1 },
  }));
  const [store] = useState(() =>
    createReviewStore(
      ctx,
      { columns: stdout?.columns || 80, rows: stdout?.rows || 0 },
      notice ?? null,
    ),
  );
  const state = useSyncExternalStore(store.subscribe, store.getState);

  useEffect(() => {
    const t = setInterval(() => store.dispatch({ type: 'tick' }), 1000);
    return () => clearInterval(t);
  }, [store]);

  // Once the first card is drawn, what its answer will need is made ready while it is read.
  useEffect(() => {
    const t = setTimeout(() => {
      try {
        session.prepare?.();
      } catch {
        // The answer does it again, and says what went wrong.
      }
      // The frames of this card's question and answer, drawn off the screen: the code
      // that makes a frame's output runs slowly its first few times, and would else do
      // so in the frames of the first answers (two to three times as long as the later).
      const s = store.getState();
      if (!s.card || s.ended) return;
      const frames = s.phase === 'question' ? [s, reduce(s, REVEAL, ctx)] : [s];
      try {
        for (let i = 0; i < WARM_UP_FRAMES; i++)
          for (const f of frames) renderToString(frame(f), { columns: f.columns });
      } catch {
        // Only the time is lost: the screen draws its frames itself.
      }
    }, PREPARE_MS);
    return () => clearTimeout(t);
  }, [session, store, ctx]);

  // Between keys, now and then: other devices' answers in a synced folder come in, and
  // the counts on screen follow (the next second's tick draws them).
  useEffect(() => {
    if (!session.pickUp) return;
    const t = setInterval(() => {
      try {
        session.pickUp?.();
      } catch {
        // A folder that is briefly unreadable is read again next time.
      }
    }, PICK_UP_MS);
    return () => clearInterval(t);
  }, [session]);

  useEffect(() => {
    if (!stdout) return;
    const resized = () => {
      store.dispatch({ type: 'resize', columns: stdout.columns || 80, rows: stdout.rows || 0 });
      if (!redraw) return;
      redraw();
      // Through Ink: it clears the screen and draws its last frame again, which a plain
      // write would leave blank when the new layout is the old one (a taller window).
      write(CLEAR);
    };
    // Before Ink's own handler, which draws at once: so that it draws the screen laid out
    // for the new width, not one more frame at the old width (which the terminal would
    // wrap, and whose extra rows the next frame would not erase).
    stdout.prependListener('resize', resized);
    return () => {
      stdout.off('resize', resized);
    };
  }, [stdout, write, store, redraw]);

  const { ended } = state;
  useEffect(() => {
    if (!ended) return;
    onExit?.(ended);
    exit();
  }, [ended, exit, onExit]);

  // The editor runs once the screen says so ("Editing…"), then the screen comes back
  // with the card as the sources now have it.
  const { editing } = state;
  useEffect(() => {
    if (!editing || !edit) return;
    const id = store.getState().card?.card.id;
    const t = setTimeout(() => {
      let notice: string;
      try {
        notice = id ? (suspend ?? ((f) => f()))(() => edit(id)) : 'No card to edit.';
      } catch (e) {
        notice = `The editor did not run: ${(e as Error).message}`;
      }
      store.dispatch({ type: 'edited', notice });
    }, 30);
    return () => clearTimeout(t);
  }, [editing, edit, suspend, store]);

  // The raw key, to tell Backspace (DEL, which Ink calls delete) from Delete (ESC [3~).
  const raw = useRef('');
  useEffect(() => {
    const seen = (data: string) => (raw.current = data);
    inputEvents?.prependListener('input', seen);
    return () => {
      inputEvents?.off('input', seen);
    };
  }, [inputEvents]);

  useInput((input, key) => {
    const s = store.getState();
    if (s.editing) return;
    if (key.ctrl && input === 'c') return store.dispatch({ type: 'quit' });
    // The keys' list closes on Esc or ?, even over a card that takes a typed answer.
    if (s.help && !s.info && (key.escape || input === '?')) return store.dispatch({ type: 'help' });
    if (s.typing && !s.info) {
      const line = (op: LineOp) => store.dispatch({ type: 'line', op });
      if (key.return) return store.dispatch({ type: 'submit' });
      if (key.escape) return store.dispatch({ type: 'skip-typing' });
      if (key.leftArrow) return line('left');
      if (key.rightArrow) return line('right');
      if (key.home || (key.ctrl && input === 'a')) return line('home');
      if (key.end || (key.ctrl && input === 'e')) return line('end');
      if (key.ctrl && input === 'u') return line('clear');
      if (key.backspace || (key.delete && (raw.current === '\x7f' || raw.current === '\b')))
        return line('backspace');
      if (key.delete || (key.ctrl && input === 'd')) return line('delete');
      if (key.upArrow || key.downArrow)
        return store.dispatch({ type: 'scroll', lines: key.upArrow ? -1 : 1 });
      if (key.ctrl || key.meta || key.tab) return;
      // Keys that come together (typed fast, or pasted) are taken in turn: an Enter among
      // them compares, and the keys after it act on the answer.
      for (const [n, ch] of [...input].entries()) {
        const now = store.getState();
        if (!now.typing) {
          for (const rest of [...input].slice(n)) {
            const action = keyAction(rest === '\r' ? ' ' : rest, store.getState());
            if (action) store.dispatch(action);
          }
          return;
        }
        if (ch === '\r' || ch === '\n') store.dispatch({ type: 'submit' });
        else if (printable(ch)) line({ insert: ch });
      }
      return;
    }
    if (s.info) {
      // Card info taller than the screen scrolls as a card does; any other key closes it.
      if (key.upArrow || key.downArrow || input === 'j' || input === 'k')
        return store.dispatch({ type: 'scroll', lines: key.upArrow || input === 'k' ? -1 : 1 });
      if (key.pageUp || key.pageDown)
        return store.dispatch({ type: 'page', dir: key.pageUp ? -1 : 1 });
      return store.dispatch({ type: 'close' });
    }
    // Esc closes the keys' list when it is open (as it closes card info), else quits.
    if (key.escape) return store.dispatch({ type: s.help ? 'help' : 'quit' });
    const flag = ctrlDigit(input, key.ctrl);
    if (flag !== null) return store.dispatch({ type: 'flag', flag });
    if (key.ctrl && input === 'z') return store.dispatch({ type: 'undo' });
    if (key.ctrl) return;
    if (key.upArrow || key.downArrow)
      return store.dispatch({ type: 'scroll', lines: key.upArrow ? -1 : 1 });
    if (key.pageUp || key.pageDown)
      return store.dispatch({ type: 'page', dir: key.pageUp ? -1 : 1 });
    if (key.return) input = ' ';
    // Keys that arrive together come as one string: each acts on the state the one
    // before it left, read from the store (the screen may not have redrawn yet).
    for (const ch of input) {
      const action = keyAction(ch, store.getState());
      if (action) store.dispatch(action);
    }
  });

  // The lines are laid out for `columns`: the box is as wide, whatever width Ink takes
  // the terminal to have (a pseudo-terminal of unknown size reports 0).
  function frame(s: ReviewState) {
    return (
      <Box flexDirection="column" width={s.columns}>
        <Lines lines={screen(s)?.lines ?? []} />
      </Box>
    );
  }
  if (ended) {
    return (
      <Box flexDirection="column" width={state.columns}>
        {ended.error ? (
          <Lines lines={wrap([{ text: ended.error, color: 'red' }], state.columns)} />
        ) : null}
        <SummaryView summary={ended.summary} width={state.columns} />
      </Box>
    );
  }
  return frame(state);
}
