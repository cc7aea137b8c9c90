// q: leave the screen? The run pauses (every acknowledged event is already
// in the journal) and `cutover resume` continues it; a running step is
// cancelled first and recorded as cancelled.
import { Box, Text } from 'ink';
import { useKeys } from '../../keys/use-keys.js';
import { EXIT } from '../../../shared/errors.js';
import { useIntents, useRunStore } from '../../context.js';
import { tint } from '../../theme.js';

export function QuitForm({ height }: { height: number }) {
  const intents = useIntents();
  const { running, columns } = useRunStore((s) => ({ running: s.activity.running?.step, columns: s.size.columns }));
  useKeys((input, key) => {
    if (input === 'y' || input === 'Y' || key.return) void intents.leave(EXIT.paused, 'paused by the operator (q)');
    else if (input === 'n' || input === 'N' || key.escape || input === 'q') intents.close();
  });
  return (
    <Box flexDirection="column" height={height} width={columns}>
      <Text dimColor>{'─'.repeat(columns)}</Text>
      <Text bold color={tint('yellow')}>
        Quit? The run pauses and can be resumed later.
      </Text>
      {running ? <Text color={tint('red')}>"{running}" is running: quitting cancels it (recorded as cancelled; it runs again on resume).</Text> : null}
      <Text wrap="wrap">Resume with: cutover resume {intents.session.relative(intents.session.bundleDir)}</Text>
      <Text> </Text>
      <Text bold>y / Enter: pause and quit · n / Esc: stay</Text>
    </Box>
  );
}
