// A controlled text field: the cursor moves with ←/→ (Home/End, Ctrl-A/E),
// Backspace/Delete erase, Ctrl-U clears, a paste arrives whole. In a
// multi-line field Alt-Enter or Ctrl-N starts a new line; elsewhere a pasted
// newline becomes a space. Field navigation (Tab, Enter, Esc) is the form's.
import { Box, Text } from 'ink';
import { useKeys } from '../../keys/use-keys.js';
import { useRef, useState } from 'react';
import { useRunStore } from '../../context.js';
import { wrapLines } from '../../layout.js';
import { noColor, tint } from '../../theme.js';

export interface TextFieldProps {
  label: string;
  value: string;
  onChange(value: string): void;
  focused: boolean;
  error?: string;
  multiline?: boolean;
  placeholder?: string;
  width: number;
  /** Shown as • while typed (a secret var): the value itself is never drawn. */
  secret?: boolean;
}

export function TextField({ label, value, onChange, focused, error, multiline, placeholder, width, secret }: TextFieldProps) {
  const [cursor, setCursorState] = useState(value.length);
  // Keys can arrive faster than renders: edit the latest value, not the one of the last render.
  const live = useRef({ value, cursor: value.length });
  live.current.value = value;
  const setCursor = (c: number) => {
    live.current.cursor = c;
    setCursorState(c);
  };
  const change = (v: string) => {
    live.current.value = v;
    onChange(v);
  };
  const at = Math.min(cursor, value.length);
  useKeys(
    (input, key) => {
      const value = live.current.value;
      const at = Math.min(live.current.cursor, value.length);
      if (key.tab || key.escape || key.upArrow || key.downArrow || (key.return && !(multiline && key.meta))) return;
      if ((key.return && key.meta) || (key.ctrl && input === 'n')) {
        if (!multiline) return;
        change(value.slice(0, at) + '\n' + value.slice(at));
        setCursor(at + 1);
      } else if (key.leftArrow) setCursor(Math.max(0, at - 1));
      else if (key.rightArrow) setCursor(Math.min(value.length, at + 1));
      else if (key.home || (key.ctrl && input === 'a')) setCursor(0);
      else if (key.end || (key.ctrl && input === 'e')) setCursor(value.length);
      else if (key.ctrl && input === 'u') {
        change('');
        setCursor(0);
      } else if (key.backspace) {
        if (at === 0) return;
        change(value.slice(0, at - 1) + value.slice(at));
        setCursor(at - 1);
      } else if (key.delete) {
        // Most terminals send DEL (0x7f) for the Backspace key, which Ink reports as delete.
        if (at === 0) return;
        change(value.slice(0, at - 1) + value.slice(at));
        setCursor(at - 1);
      } else if (input && !key.ctrl && !key.meta) {
        const text = multiline ? input.replace(/\r\n?/g, '\n') : input.replace(/[\r\n]+/g, ' ');
        change(value.slice(0, at) + text + value.slice(at));
        setCursor(at + text.length);
      }
    },
    { isActive: focused, text: true },
  );
  // A secret is drawn as one • per character, so the cursor keeps its place.
  const lines = value === '' ? [''] : (secret ? value.replace(/[^\n]/g, '•') : value).split('\n');
  // Where the cursor is: line and column.
  let rest = at;
  let cursorLine = 0;
  while (cursorLine < lines.length - 1 && rest > lines[cursorLine]!.length) rest -= lines[cursorLine++]!.length + 1;
  return (
    <Box flexDirection="column" width={width}>
      <Box>
        <Box flexShrink={0}>
          <Text bold={focused} color={focused ? tint('cyan') : undefined}>
            {focused ? '› ' : '  '}
            {label}:{' '}
          </Text>
        </Box>
        <Box flexDirection="column" flexGrow={1} flexShrink={1}>
          {(focused ? lines : lines.slice(0, 1)).map((line, i) => {
            if (value === '' && !focused) return <Text key={i} dimColor>{placeholder ?? '—'}</Text>;
            if (!focused && lines.length > 1) return <Text key={i} wrap="truncate-end">{line} <Text dimColor>(+{lines.length - 1} lines)</Text></Text>;
            // Unfocused: one row each; focused: the whole value, wrapped, with the cursor.
            if (!focused || i !== cursorLine) return <Text key={i} wrap={focused ? 'wrap' : 'truncate-end'}>{line || ' '}</Text>;
            return (
              <Text key={i} wrap="wrap">
                {line.slice(0, rest)}
                <Text inverse>{line[rest] ?? (noColor() ? '_' : ' ')}</Text>
                {line.slice(rest + 1)}
                {value === '' && placeholder ? <Text dimColor>{placeholder}</Text> : null}
              </Text>
            );
          })}
        </Box>
      </Box>
      <FieldError error={error} />
    </Box>
  );
}

/** What is wrong with a field, under it. */
export function FieldError({ error }: { error?: string | undefined }) {
  const columns = useRunStore((s) => s.size.columns);
  if (!error) return null;
  // Two rows before it is cut: what is wrong and how to fix it, in words.
  return (
    <>
      {wrapLines(error, columns - 6, 2, { whole: true }).map((row, i) => (
        <Text key={i} color={tint('red')} wrap="truncate-end">
          {i === 0 ? '    ✗ ' : '      '}
          {row}
        </Text>
      ))}
    </>
  );
}
