// `?`: every key (from the key table) and what each glyph and colour means.
// On a short terminal the keys go into two columns, so everything still fits.
import { Box, Text } from 'ink';
import { useKeys } from '../keys/use-keys.js';
import { useIntents, useRunStore } from '../context.js';
import { BINDINGS as ALL, type Binding, type Command } from '../keys/bindings.js';
import { STATUS, tint } from '../theme.js';

/** Rows besides the key list: title, states title, three rows of states, the forms note. */
const OTHER_ROWS = 6;
const WATCH_KEYS: readonly Command[] = ['up', 'down', 'pageUp', 'pageDown', 'first', 'last', 'output', 'help', 'quit', 'interrupt'];

export function HelpOverlay() {
  const intents = useIntents();
  const { columns, rows } = useRunStore((s) => s.size);
  useKeys((input, key) => {
    if (key.escape || input === '?' || input === 'q' || key.return) intents.close();
  });
  // Every state a step row can show: the statuses, and a failure the environment caused (selectors.ts).
  const glyphs = [...Object.values(STATUS), { ...STATUS.failed, word: 'ENV FAILURE' }];
  const watching = 'watching' in intents;
  // Watching, only the keys that work there (moving, output, help, leaving).
  const BINDINGS = watching ? ALL.filter((b) => WATCH_KEYS.includes(b.command)).map((b) => (b.command === 'quit' || b.command === 'interrupt' ? { ...b, help: 'stop watching (the run goes on; nothing is written)' } : b)) : ALL;
  const frame = rows - 1;
  const twoColumns = BINDINGS.length + OTHER_ROWS > frame;
  const half = Math.ceil(BINDINGS.length / 2);
  const keyRows: Binding[][] = twoColumns ? Array.from({ length: half }, (_, i) => [BINDINGS[i]!, BINDINGS[i + half]].filter((b): b is Binding => b !== undefined)) : BINDINGS.map((b) => [b]);
  const cell = twoColumns ? Math.floor(columns / 2) : columns;
  return (
    <Box flexDirection="column" width={columns} height={frame} overflow="hidden">
      <Box flexDirection="column" flexShrink={0}>
        <Text bold wrap="truncate-end">
          {watching ? 'Keys — cutover watch, read-only: other keys say "read-only: watching" (Esc closes)' : 'Keys — cutover (Esc or ? closes this help)'}
        </Text>
        {keyRows.map((row) => (
          <Box key={row[0]!.command}>
            {row.map((b) => (
              <Box key={b.command} width={cell}>
                <Text wrap="truncate-end">
                  <Text bold>{b.keys.padEnd(8)}</Text> {b.help}
                </Text>
              </Box>
            ))}
          </Box>
        ))}
        <Text bold>Step states</Text>
        {[glyphs.slice(0, 4), glyphs.slice(4, 8), glyphs.slice(8)].map((row, r) => (
          <Text key={r} wrap="truncate-end">
            {row.map((g) => (
              <Text key={g.word}>
                <Text color={tint(g.color)}>{g.glyph}</Text> {g.word + ' '.repeat(Math.max(2, 13 - g.word.length))}
              </Text>
            ))}
          </Text>
        ))}
        <Text wrap="truncate-end" dimColor>
          {watching ? 'Watching: the screen follows the step the run works on; no key acts on the run.' : 'Forms: Tab/↓ next · ↑ back · ⏎ next/submit · Esc cancel · Alt-⏎ new line'}
        </Text>
      </Box>
    </Box>
  );
}
