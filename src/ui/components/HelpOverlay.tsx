// `?`: every key (from the key table) and what each glyph and colour means.
import { Box, Text, useInput } from 'ink';
import { useIntents, useRunStore } from '../context.js';
import { BINDINGS } from '../keys/bindings.js';
import { STATUS, tint } from '../theme.js';

export function HelpOverlay() {
  const intents = useIntents();
  const { columns, rows } = useRunStore((s) => s.size);
  useInput((input, key) => {
    if (key.escape || input === '?' || input === 'q' || key.return) intents.close();
  });
  const glyphs = Object.values(STATUS);
  return (
    <Box flexDirection="column" width={columns} height={rows - 1}>
      <Text bold>Keys — cutover (Esc or ? closes this help)</Text>
      {BINDINGS.map((b) => (
        <Text key={b.command} wrap="truncate-end">
          <Text bold>{b.keys.padEnd(8)}</Text> {b.help}
        </Text>
      ))}
      <Text> </Text>
      <Text bold>Step states</Text>
      <Text wrap="wrap">
        {glyphs.map((g) => (
          <Text key={g.word}>
            <Text color={tint(g.color)}>{g.glyph}</Text> {g.word}
            {'   '}
          </Text>
        ))}
      </Text>
      <Text wrap="wrap" dimColor>
        In forms: Tab or ↓ next field, Shift-Tab or ↑ previous, Enter next / submit, Esc cancel, Alt-Enter or Ctrl-N a new line in a multi-line field.
      </Text>
    </Box>
  );
}
