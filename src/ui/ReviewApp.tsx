import { Box, Text, useApp, useInput, useStdout } from 'ink';
import { useEffect, useState, useSyncExternalStore } from 'react';
import { pacingText } from '../core/interview.js';
import type { ReviewSession, Summary } from '../session/types.js';
import { wrap } from './layout.js';
import { Lines } from './Markdown.js';
import { createReviewStore, keyAction, type ReviewState } from './review-state.js';
import { reviewScreen, type Screen } from './review-screen.js';
import { summaryLines } from './summary.js';

export interface ReviewAppProps {
  session: ReviewSession;
  /** What is being reviewed: the deck title, or the filter. */
  label: string;
  now: () => Date;
  /** Called once when the session ends (quit or done), with the error if an answer was not saved. */
  onExit?: (result: { summary: Summary; error: string | null }) => void;
}

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

/** The review screen: input handling and effects at the top, rendering below. */
export function ReviewApp({ session, label, now, onExit }: ReviewAppProps) {
  const { exit } = useApp();
  const { stdout } = useStdout();
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
        })
      : null;
  const [store] = useState(() =>
    createReviewStore(
      { session, now, scrollRange: (s) => screen(s) ?? { scroll: 0, maxScroll: 0, page: 1 } },
      { columns: stdout?.columns || 80, rows: stdout?.rows || 0 },
    ),
  );
  const state = useSyncExternalStore(store.subscribe, store.getState);

  useEffect(() => {
    const t = setInterval(() => store.dispatch({ type: 'tick' }), 1000);
    return () => clearInterval(t);
  }, [store]);

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
    const resized = () =>
      store.dispatch({ type: 'resize', columns: stdout.columns || 80, rows: stdout.rows || 0 });
    stdout.on('resize', resized);
    return () => {
      stdout.off('resize', resized);
    };
  }, [stdout, store]);

  const { ended } = state;
  useEffect(() => {
    if (!ended) return;
    onExit?.(ended);
    exit();
  }, [ended, exit, onExit]);

  useInput((input, key) => {
    if ((key.ctrl && input === 'c') || key.escape) return store.dispatch({ type: 'quit' });
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
  return (
    <Box flexDirection="column" width={state.columns}>
      <Lines lines={screen(state)?.lines ?? []} />
    </Box>
  );
}
