// The GO lock, always in view: each option of the decision, open or locked,
// with its first unmet condition (`o` on the decision step lists them all).
import { Box, Text } from 'ink';
import { useMemo } from 'react';
import { useIntents, useRunStore } from '../context.js';
import { lockView } from '../store/selectors.js';
import { tint } from '../theme.js';

export function LockPanel({ height }: { height: number }) {
  const runbook = useIntents().session.runbook;
  const { run, now, columns } = useRunStore((s) => ({ run: s.run, now: s.now, columns: s.size.columns }));
  const view = useMemo(() => lockView(runbook, run, now), [runbook, run, now]);
  if (!view.decision || height === 0) return null;
  if (run.decision || run.closed) {
    return (
      <Box flexDirection="column" height={height} width={columns}>
        <Text bold wrap="truncate-end">
          GO lock — {view.decision.title}
        </Text>
        <Text wrap="truncate-end" color={tint(run.decision?.go ? 'green' : 'yellow')} bold>
          {run.closed ? `Run closed: ${run.closed.outcome} — ` : ''}
          {run.decision ? `${run.decision.label} recorded at ${run.decision.at.replace(/\.\d+Z$/, 'Z')}` : 'no decision was recorded'}
        </Text>
      </Box>
    );
  }
  return (
    <Box flexDirection="column" height={height} width={columns}>
      <Text bold wrap="truncate-end">
        GO lock — {view.decision.title}
      </Text>
      {view.options.slice(0, height - 1).map((o) => (
        <Text key={o.id} wrap="truncate-end">
          <Text color={tint(o.selectable ? 'green' : o.notInMode ? 'gray' : 'red')} bold>
            {o.selectable ? '✓ open   ' : o.notInMode ? '– n/a    ' : '✗ LOCKED '}
          </Text>
          <Text bold>{o.label}</Text>
          <Text dimColor>
            {o.selectable ? (o.needsRemediation ? ' — needs a remediation plan' : ' — every condition holds') : ` — ${o.unmet.length} unmet, first: ${o.unmet[0]}`}
          </Text>
        </Text>
      ))}
    </Box>
  );
}
