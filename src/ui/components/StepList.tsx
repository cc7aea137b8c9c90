// The steps by section: a status glyph and word per step, the selection
// highlighted, a window that scrolls around the selection.
import { Box, Text } from 'ink';
import { useMemo } from 'react';
import { useIntents, useRunStore } from '../context.js';
import { oneLine } from '../layout.js';
import { stepRows, visibleRows, type Row } from '../store/selectors.js';
import { noColor, SPINNER, STATUS, tint } from '../theme.js';

export function StepList({ height }: { height: number }) {
  const runbook = useIntents().session.runbook;
  const { run, activity, now, selected, columns, spin } = useRunStore((s) => ({ run: s.run, activity: s.activity, now: s.now, selected: s.ui.selected, columns: s.size.columns, spin: s.spin }));
  const rows = useMemo(() => stepRows(runbook, run, activity, now), [runbook, run, activity, now]);
  const view = visibleRows(rows, selected, height);
  return (
    <Box flexDirection="column" height={height} width={columns}>
      {view.rows.map((row, i) => (
        <StepRow key={`${row.kind}:${row.id}`} row={row} selected={row.kind === 'step' && row.id === selected} more={i === 0 && view.above > 0 ? '↑' : i === view.rows.length - 1 && view.below > 0 ? '↓' : ' '} columns={columns} spin={spin} />
      ))}
    </Box>
  );
}

function StepRow({ row, selected, more, columns, spin }: { row: Row; selected: boolean; more: string; columns: number; spin: number }) {
  if (row.kind === 'section') {
    return (
      <Box height={1}>
        <Text dimColor>{more} </Text>
        <Text bold underline={!noColor()} wrap="truncate-end">
          {row.title}
        </Text>
      </Box>
    );
  }
  // A third of the row (at most 40), or more when the title leaves room: a decision's label is not cut beside a short title.
  const detailWidth = Math.max(Math.min(40, Math.floor(columns / 3)), Math.min(60, columns - 6 - [...row.title].length));
  // A pending step says what it waits for ("to confirm"); every other state says its word.
  const detail = oneLine(row.look === STATUS.pending ? row.detail : `${row.look.word}${row.detail ? ` ${row.detail}` : ''}`, detailWidth);
  return (
    <Box height={1}>
      <Text dimColor>{more}</Text>
      <Text inverse={selected} bold={selected}>
        {selected ? '›' : ' '}
      </Text>
      <Box width={2} flexShrink={0}>
        <Text color={tint(row.look.color)}>{row.running && !noColor() ? SPINNER[spin % SPINNER.length] : row.look.glyph}</Text>
      </Box>
      <Box width={Math.max(10, columns - 4 - detail.length - 1)} flexShrink={0}>
        <Text inverse={selected} wrap="truncate-end">
          {row.title}
        </Text>
      </Box>
      <Box flexShrink={0} marginLeft={1}>
        <Text color={tint(row.look.color)} wrap="truncate-end">
          {detail}
        </Text>
      </Box>
    </Box>
  );
}
