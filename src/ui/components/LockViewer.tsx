// `o` on the decision step: the GO lock in full — every option, open or
// locked, and every unmet condition in words, wrapped rather than cut, on a
// page of its own that scrolls. Evaluated at each render from the store, so
// it changes the moment a condition does (freshness expiring included).
import { Box, Text } from 'ink';
import { useEffect, useMemo, useState } from 'react';
import { useKeys } from '../keys/use-keys.js';
import { useIntents, useRunStore } from '../context.js';
import { fitHints } from '../keys/hints.js';
import { wrapLines } from '../layout.js';
import { lockView } from '../store/selectors.js';
import { tint } from '../theme.js';

interface Row {
  text: string;
  color?: string;
  bold?: boolean;
}

export function LockViewer() {
  const intents = useIntents();
  const runbook = intents.session.runbook;
  const { run, now, columns, rows } = useRunStore((s) => ({ run: s.run, now: s.now, columns: s.size.columns, rows: s.size.rows }));
  const view = useMemo(() => lockView(runbook, run, now), [runbook, run, now]);
  const lines = useMemo(() => {
    const out: Row[] = [];
    if (run.decision || run.closed) out.push({ text: run.decision ? `Decided: ${run.decision.label} at ${run.decision.at}` : `Run closed: ${run.closed!.outcome}`, bold: true });
    for (const o of view.options) {
      const state = o.selectable ? (o.needsRemediation ? 'open — needs a remediation plan' : 'open — every condition holds') : o.notInMode ? 'not in this mode' : `LOCKED — ${o.unmet.length} unmet`;
      const color = o.selectable ? 'green' : o.notInMode ? 'gray' : 'red';
      wrapLines(`${o.label}: ${state}`, columns - 2, Infinity, { whole: true }).forEach((row, r) => out.push({ text: `${r === 0 ? (o.selectable ? '✓' : o.notInMode ? '–' : '✗') : ' '} ${row}`, color, bold: true }));
      o.unmet.forEach((u, i) => wrapLines(u, columns - 5, Infinity, { whole: true }).forEach((row, r) => out.push({ text: `${r === 0 ? `${String(i + 1).padStart(3)}. ` : '     '}${row}` })));
    }
    return out;
  }, [view, run.decision, run.closed, columns]);
  const height = Math.max(1, rows - 1 - 2);
  const last = Math.max(0, lines.length - height);
  const [top, setTop] = useState(0);
  const at = Math.min(top, last);
  // The page shrank (conditions met meanwhile): the scroll stays where it is shown.
  useEffect(() => {
    if (top > last) setTop(last);
  }, [top, last]);
  useKeys((input, key) => {
    if (key.escape || input === 'q' || input === 'o') intents.close();
    else if (key.downArrow || input === 'j') setTop(Math.min(last, at + 1));
    else if (key.upArrow || input === 'k') setTop(Math.max(0, at - 1));
    else if (key.pageDown || input === ' ') setTop(Math.min(last, at + height));
    else if (key.pageUp || input === 'b') setTop(Math.max(0, at - height));
    else if (key.home || input === 'g') setTop(0);
    else if (key.end || input === 'G') setTop(last);
  });
  const hints = fitHints([{ text: '↑↓ jk line', keep: 2 }, { text: 'PgUp/PgDn b/space page', keep: 1 }, { text: 'g/G start/end', keep: 1 }, { text: 'q/Esc back', keep: 3 }], columns, ' · ');
  return (
    <Box flexDirection="column" width={columns} height={rows - 1}>
      <Text inverse wrap="truncate-end">
        {` GO lock — ${view.decision?.title ?? 'no decision step'} · ${lines.length > height ? `lines ${at + 1}–${Math.min(lines.length, at + height)} of ${lines.length}` : 'all shown'} `.padEnd(columns)}
      </Text>
      <Box flexDirection="column" height={height}>
        {lines.slice(at, at + height).map((l, i) => (
          <Text key={at + i} color={l.color ? tint(l.color) : undefined} bold={l.bold} wrap="truncate-end">
            {l.text}
          </Text>
        ))}
      </Box>
      <Text dimColor wrap="truncate-end">
        {hints.join(' · ')}
      </Text>
    </Box>
  );
}
