// The selected step in detail: what it is, its command, the live output tail
// while it runs (from the output hub), then its result and the last lines of
// its log; for the decision, every unmet condition of the GO lock.
import { Box, Text } from 'ink';
import { useMemo } from 'react';
import { useIntents, useRunStore } from '../context.js';
import { lockView } from '../store/selectors.js';
import { detailRows } from '../layout.js';
import { TONE, tint } from '../theme.js';
import { detailLines, fitHead, logOf, readTail } from './detail-lines.js';

export function DetailPane({ height }: { height: number }) {
  const intents = useIntents();
  const session = intents.session;
  const { selected, run, tail, running, now, columns, message } = useRunStore((s) => ({
    selected: s.ui.selected,
    run: s.run,
    tail: s.tails[s.ui.selected],
    running: s.activity.running?.step === s.ui.selected,
    // Only what changes the pane: a countdown tick re-renders it only on the decision.
    now: session.findStep(s.ui.selected)?.kind === 'decision' ? s.now : 0,
    columns: s.size.columns,
    message: s.ui.message,
  }));
  const step = session.step(selected);
  const log = logOf(session, run, step);
  const diskTail = useMemo(() => (log && !running ? readTail(log.file, Math.max(height, 8)) : undefined), [log?.file, log?.bytes, running, height]);
  const lock = step.kind === 'decision' ? lockView(session.runbook, run, now || session.clock().getTime()).options : [];
  // Wrapped once per message and size, not on every frame of a running step's tail.
  const details = useMemo(() => detailRows(message?.details, columns, height - 1), [message, columns, height]);
  const { head, body } = detailLines(session, run, step, { ...(tail ? { tail } : {}), ...(diskTail ? { diskTail } : {}), running, now: now || session.clock().getTime(), width: columns, lock, readOnly: 'watching' in intents });
  // The head says what the step is and how it went; output fills the rest, newest last.
  const room = Math.max(0, height - 1 - details.length);
  const shownHead = fitHead(head, body.length, room);
  const lines = [...shownHead, ...body.slice(Math.max(0, body.length - (room - shownHead.length)))];
  return (
    <Box flexDirection="column" height={height} width={columns}>
      <Text dimColor wrap="truncate-end">
        {'─'.repeat(columns)}
      </Text>
      {details.map((d, i) => (
        <Text key={`d${i}`} color={tint(TONE[message!.tone])} wrap="truncate-end">
          {d}
        </Text>
      ))}
      {lines.map((l, i) => (
        <Text key={i} color={l.color ? tint(l.color) : undefined} bold={l.bold} dimColor={l.dim} wrap="truncate-end">
          {l.text === '' ? ' ' : l.text}
        </Text>
      ))}
    </Box>
  );
}
