import { Box, Text } from 'ink';
import { blocks, type Span } from './text.js';

function Spans({ spans }: { spans: Span[] }) {
  return (
    <Text>
      {spans.map((s, i) =>
        s.code ? (
          <Text key={i} color="cyan">
            {s.text}
          </Text>
        ) : s.bold ? (
          <Text key={i} bold>
            {s.text}
          </Text>
        ) : (
          s.text
        ),
      )}
    </Text>
  );
}

/** Card text rendered legibly: bold, inline code, code blocks, lists; wraps to the width. */
export function Markdown({ text }: { text: string }) {
  return (
    <Box flexDirection="column">
      {blocks(text).map((b, i) => {
        switch (b.kind) {
          case 'blank':
            return <Text key={i}> </Text>;
          case 'code':
            return (
              <Box
                key={i}
                paddingLeft={2}
                borderStyle="single"
                borderLeft
                borderRight={false}
                borderTop={false}
                borderBottom={false}
              >
                <Text color="cyan">{b.text}</Text>
              </Box>
            );
          case 'item':
            return (
              <Box key={i} paddingLeft={b.depth * 2}>
                <Text>{b.marker} </Text>
                <Spans spans={b.spans} />
              </Box>
            );
          case 'para':
            return <Spans key={i} spans={b.spans} />;
        }
      })}
    </Box>
  );
}
