import { Box, Text, useApp, useInput, useStdout } from 'ink';
import { useEffect, useState, useSyncExternalStore } from 'react';
import { pacingText } from '../core/interview.js';
import type { Preview, RatingName } from '../core/scheduler.js';
import type { ReviewSession, Summary } from '../session/types.js';
import type { StudyCard } from '../core/queue.js';
import { Markdown } from './Markdown.js';
import { createReviewStore, keyAction } from './review-state.js';
import { formatDuration, summaryLines } from './summary.js';
import { sanitize } from '../text/terminal.js';

export interface ReviewAppProps {
  session: ReviewSession;
  /** What is being reviewed: the deck title, or the filter. */
  label: string;
  now: () => Date;
  /** Called once when the session ends (quit or done), with the error if an answer was not saved. */
  onExit?: (result: { summary: Summary; error: string | null }) => void;
}

const LABELS: Record<RatingName, string> = {
  again: 'Again',
  hard: 'Hard',
  good: 'Good',
  easy: 'Easy',
};

function ProgressBar({ done, total, width }: { done: number; total: number; width: number }) {
  const w = Math.max(4, width);
  const filled = total === 0 ? w : Math.round((done / total) * w);
  return (
    <Text>
      <Text color="green">{'█'.repeat(filled)}</Text>
      <Text dimColor>{'░'.repeat(w - filled)}</Text>
    </Text>
  );
}

function Header({
  session,
  label,
  at,
  width,
}: {
  session: ReviewSession;
  label: string;
  /** The instant the screen is drawn for (ms). */
  at: number;
  width: number;
}) {
  const c = session.counts();
  const remaining = c.new + c.learning + c.review;
  const done = session.reviewed;
  return (
    <Box flexDirection="column">
      <Box justifyContent="space-between">
        <Text bold>{sanitize(label)}</Text>
        <Text>
          <Text color="blue">New {c.new}</Text> · <Text color="red">Learning {c.learning}</Text> ·{' '}
          <Text color="green">Due {c.review}</Text>
        </Text>
      </Box>
      <Box>
        <ProgressBar done={done} total={done + remaining} width={Math.min(40, width - 24)} />
        <Text>
          {' '}
          {done}/{done + remaining} · {formatDuration(at - session.startedAt.getTime())}
        </Text>
      </Box>
    </Box>
  );
}

function CardMeta({ sc }: { sc: StudyCard }) {
  const c = sc.card;
  const parts = [
    c.day !== null ? `Day ${c.day}` : null,
    c.dayTitle || null,
    c.topics.join(', '),
    sc.rec.sched.state,
  ].filter(Boolean);
  return <Text dimColor>{sanitize(parts.join(' · '))}</Text>;
}

function Buttons({ previews }: { previews: Preview[] }) {
  return (
    <Box gap={3} flexWrap="wrap">
      {previews.map((p, i) => (
        <Text key={p.rating}>
          <Text bold inverse>
            {' '}
            {i + 1}{' '}
          </Text>{' '}
          {LABELS[p.rating]} <Text dimColor>{p.label}</Text>
        </Text>
      ))}
    </Box>
  );
}

const HELP: [string, string][] = [
  ['Space, Enter', 'show the answer; after it, grade Good'],
  ['1 2 3 4', 'grade Again, Hard, Good, Easy'],
  ['u', 'undo the last answer, suspend or bury'],
  ['s', 'suspend this card'],
  ['b', 'bury this card until tomorrow'],
  ['?', 'show or hide these keys'],
  ['q, Esc, Ctrl-C', 'quit (everything is saved)'],
];

export function SummaryView({ summary }: { summary: Summary }) {
  return (
    <Box flexDirection="column">
      <Text bold>Session done</Text>
      {summaryLines(summary).map((l, i) => (
        <Text key={i}>{l}</Text>
      ))}
    </Box>
  );
}

/** The review screen: input handling and effects at the top, rendering below. */
export function ReviewApp({ session, label, now, onExit }: ReviewAppProps) {
  const { exit } = useApp();
  const { stdout } = useStdout();
  const width = stdout?.columns || 80;
  const [store] = useState(() => createReviewStore({ session, now }));
  const state = useSyncExternalStore(store.subscribe, store.getState);
  const [pacing] = useState(() => session.pacing());

  useEffect(() => {
    const t = setInterval(() => store.dispatch({ type: 'tick' }), 1000);
    return () => clearInterval(t);
  }, [store]);

  const { ended } = state;
  useEffect(() => {
    if (!ended) return;
    onExit?.(ended);
    exit();
  }, [ended, exit, onExit]);

  useInput((input, key) => {
    if ((key.ctrl && input === 'c') || key.escape) return store.dispatch({ type: 'quit' });
    if (key.return) input = ' ';
    // Keys that arrive together come as one string: each acts on the state the one
    // before it left, read from the store (the screen may not have redrawn yet).
    for (const ch of input) {
      const action = keyAction(ch, store.getState());
      if (action) store.dispatch(action);
    }
  });

  const { card, phase, help, notice } = state;
  if (ended) {
    return (
      <Box flexDirection="column">
        {ended.error ? <Text color="red">{ended.error}</Text> : null}
        <SummaryView summary={ended.summary} />
      </Box>
    );
  }
  if (!card) return <Text>Nothing left to review.</Text>;
  const previews = phase === 'answer' ? session.previews(card.card.id) : null;
  return (
    <Box flexDirection="column" width={width}>
      <Header session={session} label={label} at={state.at} width={width} />
      {pacing && pacing.unseen > 0 ? <Text dimColor>{pacingText(pacing)}</Text> : null}
      <Text dimColor>{'─'.repeat(Math.max(10, width - 1))}</Text>
      <CardMeta sc={card} />
      <Box marginTop={1}>
        <Markdown text={card.card.front} width={width} />
      </Box>
      {previews ? (
        <Box flexDirection="column" marginTop={1}>
          <Text dimColor>{'┄'.repeat(Math.max(10, Math.min(width - 1, 40)))}</Text>
          <Markdown text={card.card.back} width={width} />
          {card.card.source ? <Text dimColor>Source: {sanitize(card.card.source)}</Text> : null}
          <Box marginTop={1}>
            <Buttons previews={previews} />
          </Box>
        </Box>
      ) : (
        <Box marginTop={1}>
          <Text dimColor>Space or Enter shows the answer</Text>
        </Box>
      )}
      {notice ? <Text color="yellow">{notice}</Text> : null}
      {help ? (
        <Box flexDirection="column" marginTop={1} borderStyle="round" paddingX={1}>
          {HELP.map(([k, d]) => (
            <Text key={k}>
              <Text bold>{k.padEnd(16)}</Text>
              {d}
            </Text>
          ))}
        </Box>
      ) : (
        <Text dimColor>space show · 1-4 grade · u undo · s suspend · b bury · ? keys · q quit</Text>
      )}
    </Box>
  );
}
