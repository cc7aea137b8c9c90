// `o`: a step's whole output, read from its log on disk by pages — scroll,
// page, start/end, search forward (/) and back (?), n/N to repeat, follow
// (f) while it runs. Usable on a 1 GB log: only what is shown is read.
import { Box, Text } from 'ink';
import { useKeys } from '../keys/use-keys.js';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useIntents, useRunStore } from '../context.js';
import { bytes } from '../layout.js';
import { logFileFor } from '../output/log-file.js';
import { LogPager } from '../output/log-pager.js';
import { tint } from '../theme.js';
import { fitHints, type Hint } from '../keys/hints.js';

/** The viewer's keys (docs/tui.md lists them all); on a narrow terminal g/G and n/N give way first, never `q/Esc back`. */
const VIEWER_HINTS: Hint[] = [
  { text: '↑↓ jk line', keep: 2 },
  { text: 'PgUp/PgDn b/space page', keep: 2 },
  { text: 'g/G start/end', keep: 1 },
  { text: '/ ? search', keep: 2 },
  { text: 'n N next/prev', keep: 1 },
  { text: 'f follow', keep: 3 },
  { text: 'q/Esc back', keep: 4 },
];

export function OutputViewer({ step }: { step: string }) {
  const intents = useIntents();
  const session = intents.session;
  const { run, activity, columns, rows, grown } = useRunStore((s) => ({ run: s.run, activity: s.activity, columns: s.size.columns, rows: s.size.rows, grown: s.tails[step]?.bytes ?? 0 }));
  const running = activity.running?.step === step;
  const file = logFileFor(session.bundleDir, run, activity, step);
  const pager = useMemo(() => {
    try {
      return file ? new LogPager(file) : undefined;
    } catch {
      return undefined;
    }
  }, [file]);
  useEffect(() => () => pager?.close(), [pager]);
  const height = Math.max(1, rows - 1 - 2);
  const [top, setTop] = useState<number | undefined>(undefined);
  const [follow, setFollow] = useState(running);
  const [search, setSearch] = useState<{ typing: boolean; term: string; direction: 'forward' | 'backward' }>({ typing: false, term: '', direction: 'forward' });
  const [status, setStatus] = useState('');
  const searching = useRef(0);
  // Follow: stay at the end as the log grows; a new file (the attempt ended) starts at its end too.
  useEffect(() => {
    if (pager && (follow || top === undefined)) setTop(follow ? pager.lastPage(height) : 0);
  }, [pager, follow, grown, height]);
  const at = top ?? 0;
  const page = pager ? pager.page(at, height, columns) : { lines: [], offsets: [], end: 0 };
  const size = pager?.size ?? 0;
  const find = (direction: 'forward' | 'backward', term: string) => {
    if (!pager || !term) return;
    const ticket = ++searching.current;
    setStatus(`searching ${direction} for "${term}"…`);
    void pager.search(term, at, direction, () => searching.current !== ticket).then((hit) => {
      if (searching.current !== ticket) return;
      if (hit === undefined) setStatus(`"${term}" not found ${direction === 'forward' ? 'below' : 'above'}`);
      else {
        setFollow(false);
        setTop(hit);
        setStatus(`"${term}" at byte ${hit}`);
      }
    });
  };
  // Keys can arrive faster than renders: typing edits the latest search, not the last render's.
  const typed = useRef(search);
  typed.current = search;
  const setTyped = (next: typeof search) => {
    typed.current = next;
    setSearch(next);
  };
  useKeys((input, key) => {
    const search = typed.current;
    if (search.typing) {
      if (key.escape) setTyped({ ...search, typing: false });
      else if (key.return) {
        setTyped({ ...search, typing: false });
        find(search.direction, search.term);
      } else if (key.backspace || key.delete) setTyped({ ...search, term: search.term.slice(0, -1) });
      else if (input && !key.ctrl && !key.meta) setTyped({ ...search, term: search.term + input.replace(/[\r\n]+/g, ' ') });
      return;
    }
    if (!pager) {
      if (key.escape || input === 'q' || input === 'o') intents.close();
      return;
    }
    const move = (to: number) => {
      setFollow(false);
      setTop(Math.max(0, to));
    };
    if (key.escape || input === 'q' || input === 'o') {
      searching.current++;
      intents.close();
    } else if (key.downArrow || input === 'j') move(page.offsets[1] ?? at);
    else if (key.upArrow || input === 'k') move(pager.previous(at));
    else if (key.pageDown || input === ' ') move(page.end < size ? page.end : at);
    else if (key.pageUp || input === 'b') {
      let to = at;
      for (let i = 0; i < height && to > 0; i++) to = pager.previous(to);
      move(to);
    } else if (key.home || input === 'g') move(0);
    else if (key.end || input === 'G') setTop(pager.lastPage(height));
    else if (input === 'f') setFollow(!follow);
    else if (input === '/' || input === '?') setTyped({ typing: true, term: '', direction: input === '/' ? 'forward' : 'backward' });
    else if (input === 'n') find(search.direction, search.term);
    else if (input === 'N') find(search.direction === 'forward' ? 'backward' : 'forward', search.term);
  }, { text: () => typed.current.typing }); // a paste goes into the search term (read when it comes)
  const where = size ? `${Math.min(100, Math.round((page.end / size) * 100))}%` : 'empty';
  return (
    <Box flexDirection="column" width={columns} height={rows - 1}>
      <Text inverse wrap="truncate-end">
        {` Output of ${step}${running ? ' (running)' : ''} · ${bytes(size)} · ${where}${follow ? ' · following' : ''} · ${file ? session.relative(file) : 'no output yet'} `.padEnd(columns)}
      </Text>
      <Box flexDirection="column" height={height}>
        {page.lines.map((l, i) => (
          <Line key={page.offsets[i]} text={l} term={search.term} />
        ))}
      </Box>
      <Text dimColor={!search.typing && !status} color={status ? tint('cyan') : undefined} wrap="truncate-end">
        {search.typing ? `${search.direction === 'forward' ? '/' : '?'}${search.term}█  (Enter search, Esc cancel)` : status || fitHints(VIEWER_HINTS, columns, ' · ').join(' · ')}
      </Text>
    </Box>
  );
}

function Line({ text, term }: { text: string; term: string }) {
  const at = term ? text.indexOf(term) : -1;
  if (at === -1) return <Text wrap="truncate-end">{text || ' '}</Text>;
  return (
    <Text wrap="truncate-end">
      {text.slice(0, at)}
      <Text inverse>{term}</Text>
      {text.slice(at + term.length)}
    </Text>
  );
}
