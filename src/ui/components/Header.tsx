// Two rows: the runbook and the mode badge; pins, operator, elapsed time
// and the running deadlines as countdowns.
import { Box, Text } from 'ink';
import { useIntents, useRunStore } from '../context.js';
import { headerView } from '../store/selectors.js';
import { badge, tint } from '../theme.js';

export function Header() {
  const runbook = useIntents().session.runbook;
  const { run, now, columns } = useRunStore((s) => ({ run: s.run, now: s.now, columns: s.size.columns }));
  const h = headerView(runbook, run, now);
  const b = badge(h.rehearsal);
  return (
    <Box flexDirection="column" width={columns} height={2}>
      <Box>
        <Box flexGrow={1} flexShrink={1}>
          <Text bold wrap="truncate-end">
            {h.title}
          </Text>
        </Box>
        <Box flexShrink={0} marginLeft={1}>
          <Text inverse bold color={tint(b.color)}>
            {b.text}
          </Text>
        </Box>
      </Box>
      <Box>
        <Text wrap="truncate-end">
          {/* The countdowns come first: they are what must not be cut off. */}
          {h.deadlines.map((d) => (
            <Text key={d.text} color={tint(d.overdue ? 'red' : 'yellow')} bold={d.overdue}>
              {'⏱ '}
              {d.text}
              {' · '}
            </Text>
          ))}
          {h.pins} · {h.operator} · elapsed {h.elapsed}
        </Text>
      </Box>
    </Box>
  );
}
