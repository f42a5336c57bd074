/**
 * A pager for text taller than the terminal (the stats screen): a window of its lines
 * and a status line, scrolled with the keys `less` uses. The text is laid out again for
 * the new width when the terminal is resized.
 */
import { Box, Text, useApp, useInput, useStdout } from 'ink';
import { useEffect, useState } from 'react';
import { clip } from './review-screen.js';

export interface PagerProps {
  /**
   * The text as lines, laid out for a width. Called outside React's rendering (at the
   * start and on a resize), since it may render with Ink itself.
   */
  linesFor: (width: number) => string[];
  onExit?: () => void;
}

interface PagerState {
  top: number;
  columns: number;
  rows: number;
  lines: string[];
}

export function Pager({ linesFor, lines: first, onExit }: PagerProps & { lines: string[] }) {
  const { exit } = useApp();
  const { stdout } = useStdout();
  const [s, setS] = useState<PagerState>(() => ({
    top: 0,
    columns: stdout?.columns || 80,
    rows: stdout?.rows || 24,
    lines: first,
  }));
  const { lines } = s;
  // The window: every row but the status line and the one the cursor rests on.
  const page = Math.max(1, s.rows - 2);
  const max = Math.max(0, lines.length - page);
  const top = Math.min(s.top, max);

  useEffect(() => {
    if (!stdout) return;
    const resized = () => {
      const columns = stdout.columns || 80;
      const lines = linesFor(columns);
      setS((p) => ({ ...p, columns, rows: stdout.rows || 24, lines }));
    };
    stdout.on('resize', resized);
    return () => {
      stdout.off('resize', resized);
    };
  }, [stdout, linesFor]);

  const quit = () => {
    onExit?.();
    exit();
  };
  useInput((input, key) => {
    // Each move starts where the one before left off (keys may arrive together).
    const move = (by: (top: number, page: number, max: number) => number) =>
      setS((p) => {
        const page = Math.max(1, p.rows - 2);
        const max = Math.max(0, p.lines.length - page);
        const top = Math.max(0, Math.min(max, by(Math.min(p.top, max), page, max)));
        return top === p.top ? p : { ...p, top };
      });
    if ((key.ctrl && input === 'c') || key.escape) return quit();
    if (key.upArrow) return move((t) => t - 1);
    if (key.downArrow || key.return) return move((t) => t + 1);
    if (key.pageDown) return move((t, page) => t + page - 1);
    if (key.pageUp) return move((t, page) => t - page + 1);
    if (key.home) return move(() => 0);
    if (key.end) return move((_t, _p, max) => max);
    for (const ch of input) {
      if (ch === 'q') return quit();
      if (ch === 'k') move((t) => t - 1);
      else if (ch === 'j') move((t) => t + 1);
      else if (ch === ' ' || ch === 'f') move((t, page) => t + page - 1);
      else if (ch === 'b') move((t, page) => t - page + 1);
      else if (ch === 'g') move(() => 0);
      else if (ch === 'G') move((_t, _p, max) => max);
    }
  });

  const shown = lines.slice(top, top + page);
  const status = `lines ${top + 1}-${top + shown.length} of ${lines.length}${
    top >= max ? ' (end)' : ''
  } · ↑↓ j k · space b page · q quit`;
  return (
    <Box flexDirection="column">
      {shown.map((l, i) => (
        <Text key={i} wrap="truncate">
          {l === '' ? ' ' : l}
        </Text>
      ))}
      <Text inverse>{clip(status, s.columns)}</Text>
    </Box>
  );
}
