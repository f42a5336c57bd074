import { Box, Text, useApp, useInput, useStdout } from 'ink';
import { useEffect, useRef, useState } from 'react';
import { pacingText } from '../core/interview.js';
import type { Preview, RatingName } from '../core/scheduler.js';
import type { ReviewSession, Summary } from '../session/types.js';
import type { StudyCard } from '../core/queue.js';
import { Markdown } from './Markdown.js';
import { sanitize } from './text.js';

export interface ReviewAppProps {
  session: ReviewSession;
  /** What is being reviewed: the deck title, or the filter. */
  label: string;
  now: () => Date;
  /** Called once when the session ends (quit or done), with the error if an answer was not saved. */
  onExit?: (result: { summary: Summary; error: string | null }) => void;
}

type Phase = 'question' | 'answer';
const RATING_KEYS: Record<string, RatingName> = {
  '1': 'again',
  '2': 'hard',
  '3': 'good',
  '4': 'easy',
};
const LABELS: Record<RatingName, string> = {
  again: 'Again',
  hard: 'Hard',
  good: 'Good',
  easy: 'Easy',
};

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h > 0
    ? `${h}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}`
    : `${m}:${String(sec).padStart(2, '0')}`;
}

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
  now,
  width,
}: {
  session: ReviewSession;
  label: string;
  now: () => Date;
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
          {done}/{done + remaining} ·{' '}
          {formatDuration(now().getTime() - session.startedAt.getTime())}
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
  const share = summary.reviewed === 0 ? 0 : Math.round((summary.again / summary.reviewed) * 100);
  return (
    <Box flexDirection="column">
      <Text bold>Session done</Text>
      <Text>
        Reviewed {summary.reviewed} card{summary.reviewed === 1 ? '' : 's'} · Again {share}% · Time{' '}
        {formatDuration(summary.ms)}
      </Text>
      <Text>
        Tomorrow: {summary.dueTomorrow} review{summary.dueTomorrow === 1 ? '' : 's'} and up to{' '}
        {summary.newTomorrow} new card{summary.newTomorrow === 1 ? '' : 's'}
      </Text>
    </Box>
  );
}

/** The review screen: input handling and effects at the top, rendering below. */
export function ReviewApp({ session, label, now, onExit }: ReviewAppProps) {
  const { exit } = useApp();
  const { stdout } = useStdout();
  const width = stdout?.columns || 80;
  const [card, setCard] = useState<StudyCard | null>(() => session.next());
  const [phase, setPhase] = useState<Phase>('question');
  const [shownAt, setShownAt] = useState(() => now().getTime());
  const [help, setHelp] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [pacing] = useState(() => session.pacing());
  const [ended, setEnded] = useState<{ summary: Summary; error: string | null } | null>(null);
  const [, setTick] = useState(0);

  useEffect(() => {
    const t = setInterval(() => setTick((n) => n + 1), 1000);
    return () => clearInterval(t);
  }, []);

  useEffect(() => {
    if (!ended) return;
    onExit?.(ended);
    exit();
  }, [ended, exit, onExit]);

  // What the keys act on, kept in a ref as well as in state: keys can arrive before the
  // screen has re-rendered, and each must see the result of the one before it.
  const live = useRef({ card, phase, shownAt, ended: false });
  const finish = (error: string | null = null) => {
    if (live.current.ended) return;
    live.current.ended = true;
    setEnded({ summary: session.summary(), error });
  };
  const setPhaseNow = (p: Phase) => {
    live.current.phase = p;
    setPhase(p);
  };
  const show = (next: StudyCard | null) => {
    const t = now().getTime();
    live.current = { ...live.current, card: next, phase: 'question', shownAt: t };
    setCard(next);
    setPhase('question');
    setShownAt(t);
    if (!next) finish();
  };
  /** Runs a change; a failure to save ends the session, saying so. */
  const attempt = (f: () => void): boolean => {
    try {
      f();
      return true;
    } catch (e) {
      finish(`NOT SAVED: ${(e as Error).message}`);
      return false;
    }
  };

  useInput((input, key) => {
    if (live.current.ended) return;
    if ((key.ctrl && input === 'c') || key.escape) return finish();
    if (key.return) input = ' ';
    // Keys that arrive together come as one string: handle each in turn.
    for (const ch of input) {
      const cur = live.current.card;
      if (!cur || live.current.ended) return;
      if (ch === 'q') return finish();
      if (ch === '?') {
        setHelp((h) => !h);
        continue;
      }
      if (ch === 'u') {
        let undone: string | null = null;
        if (!attempt(() => (undone = session.undo()))) return;
        setNotice(undone ? 'Undone.' : 'Nothing to undo.');
        if (undone) show(session.next());
        continue;
      }
      if (ch === 's' || ch === 'b') {
        const id = cur.card.id;
        if (!attempt(() => (ch === 's' ? session.suspend(id) : session.bury(id)))) return;
        setNotice(ch === 's' ? 'Suspended. u undoes.' : 'Buried until tomorrow. u undoes.');
        show(session.next());
        continue;
      }
      if (live.current.phase === 'question') {
        if (ch === ' ') {
          setPhaseNow('answer');
          setNotice(null);
        }
        continue;
      }
      const rating = ch === ' ' ? 'good' : RATING_KEYS[ch];
      if (!rating) continue;
      const id = cur.card.id;
      const taken = now().getTime() - live.current.shownAt;
      if (!attempt(() => session.answer(id, rating, taken))) return;
      setNotice(
        session.leech ? `Leech: ${id} was forgotten too often and is suspended. u undoes.` : null,
      );
      show(session.next());
    }
  });

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
      <Header session={session} label={label} now={now} width={width} />
      {pacing && pacing.unseen > 0 ? <Text dimColor>{pacingText(pacing)}</Text> : null}
      <Text dimColor>{'─'.repeat(Math.max(10, width - 1))}</Text>
      <CardMeta sc={card} />
      <Box marginTop={1}>
        <Markdown text={card.card.front} />
      </Box>
      {previews ? (
        <Box flexDirection="column" marginTop={1}>
          <Text dimColor>{'┄'.repeat(Math.max(10, Math.min(width - 1, 40)))}</Text>
          <Markdown text={card.card.back} />
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
