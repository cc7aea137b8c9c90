// Two rows: the runbook and the mode badge; pins, operator, elapsed time
// and the running deadlines as countdowns.
import { Box, Text } from 'ink';
import { useIntents, useRunStore } from '../context.js';
import { headerView } from '../store/selectors.js';
import { cells } from '../layout.js';
import { badge, tint } from '../theme.js';

export function Header() {
  const runbook = useIntents().session.runbook;
  const { run, now, columns } = useRunStore((s) => ({ run: s.run, now: s.now, columns: s.size.columns }));
  const h = headerView(runbook, run, now);
  const b = badge(h.rehearsal);
  // What follows the countdowns, as much as fits: the operator gives way first, then the pins
  // (to the target alone, then none); the elapsed time stays.
  const clocks = cells(h.deadlines.map((d) => `⏱ ${d.text} · `).join(''));
  const target = h.pins.includes('→') ? `→${h.pins.split('→').at(-1)}` : h.pins;
  const rest = [`${h.pins} · ${h.operator} · elapsed ${h.elapsed}`, `${h.pins} · elapsed ${h.elapsed}`, `${target} · elapsed ${h.elapsed}`, `elapsed ${h.elapsed}`].find((r) => clocks + cells(r) <= columns) ?? `elapsed ${h.elapsed}`;
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
          {rest}
        </Text>
      </Box>
    </Box>
  );
}
