import { Box, Text } from 'ink';
import { markdownLines, type Line } from './layout.js';

/** One laid-out line: its segments in their styles, never wrapped again by Ink. */
export function LineView({ line }: { line: Line }) {
  if (line.length === 0) return <Text> </Text>;
  return (
    <Text wrap="truncate-end">
      {line.map((s, i) => (
        <Text key={i} bold={s.bold} dimColor={s.dim} inverse={s.inverse} color={s.color}>
          {s.text}
        </Text>
      ))}
    </Text>
  );
}

export function Lines({ lines }: { lines: readonly Line[] }) {
  return (
    <Box flexDirection="column">
      {lines.map((l, i) => (
        <LineView key={i} line={l} />
      ))}
    </Box>
  );
}

/** Card text rendered legibly: bold, inline code, code blocks, lists; wrapped to the width. */
export function Markdown({ text, width }: { text: string; width: number }) {
  return <Lines lines={markdownLines(text, width)} />;
}
