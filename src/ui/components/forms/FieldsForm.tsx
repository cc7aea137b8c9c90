// A form of fields (text or a choice), with validation per field as you
// type and the session's refusal shown by field after Enter. Tab or ↓ next
// field, Shift-Tab or ↑ previous (in a choice ↑/↓ choose), Enter next or
// submit, Esc cancels.
import { Box, Text } from 'ink';
import { useKeys } from '../../keys/use-keys.js';
import { useRef, useState, type ReactNode } from 'react';
import type { IntentResult } from '../../../session/result.js';
import { useIntents, useRunStore } from '../../context.js';
import { cells, wrapLines } from '../../layout.js';
import { tint } from '../../theme.js';
import { FieldError, TextField } from './TextField.js';

export interface FieldSpec {
  id: string;
  label: string;
  kind?: 'text' | 'choice';
  /** For a choice: value, what is shown, and what more the chosen one says (wrapped under the list). */
  options?: { value: string; label: string; detail?: string }[];
  multiline?: boolean;
  /** A text field masked while typed (a secret var). */
  secret?: boolean;
  placeholder?: string;
  /** What is wrong with the value now, if anything (shown as you type). */
  validate?(value: string, values: Record<string, string>): string | undefined;
  /** Other fields set anew when this one changes (the severity to the chosen trigger's minimum). */
  sets?(value: string): Record<string, string>;
  /** Hidden while this returns false (e.g. remediation only for NO-GO). */
  when?(values: Record<string, string>): boolean;
}

export interface FieldsFormProps {
  title: string;
  /**
   * What the operator should know before answering (statement, preview…); as
   * a function, given the rows the fields, their errors, the refusal and the
   * hint leave it (the fields are never pushed out by a long statement).
   */
  intro?: ReactNode | ((room: number) => ReactNode);
  fields: FieldSpec[];
  initial: Record<string, string>;
  submitLabel: string;
  onSubmit(values: Record<string, string>): IntentResult;
  /** Esc: what happens instead of only closing the form. */
  onCancel?(): void;
  height: number;
}

export function FieldsForm({ title, intro, fields, initial, submitLabel, onSubmit, onCancel, height }: FieldsFormProps) {
  const intents = useIntents();
  const columns = useRunStore((s) => s.size.columns);
  const [values, setValuesState] = useState<Record<string, string>>(() => Object.fromEntries(fields.map((f) => [f.id, initial[f.id] ?? ''])));
  const [focus, setFocusState] = useState(0);
  // `local`: refused here, before submitting, for the fields' own errors only (its one reason points at their ✗ marks).
  const [refusal, setRefusal] = useState<{ reasons: string[]; fields: Record<string, string>; local?: true } | undefined>();
  const [touched, setTouched] = useState<Set<string>>(() => new Set());
  // Keys can arrive faster than renders: navigate and submit from the latest state, not the last render's.
  const live = useRef({ values, focus });
  const setValues = (next: Record<string, string>) => {
    live.current.values = next;
    setValuesState(next);
  };
  const visible = (v: Record<string, string>) => fields.filter((f) => f.when?.(v) ?? true);
  const setFocus = (to: (f: number) => number) => {
    const n = Math.max(0, Math.min(visible(live.current.values).length - 1, to(live.current.focus)));
    live.current.focus = n;
    setFocusState(n);
  };
  const shown = visible(values);
  const set = (id: string, v: string) => {
    const changed = live.current.values[id] !== v;
    const next = { ...live.current.values, [id]: v, ...(changed ? fields.find((f) => f.id === id)?.sets?.(v) : undefined) };
    setValues(next);
    setTouched((t) => (t.has(id) ? t : new Set(t).add(id)));
    if (!changed) return;
    // The refusal spoke of the old value: from now on this field is checked as it is typed.
    // A refusal made here for the fields' own errors goes once none of the fields it marked
    // (and still shown) keeps its old value: its one reason would point at ✗ marks no longer there.
    // A refusal of the session (a sign-off's role, a locked option) keeps its reasons until the next submit.
    setRefusal((r) => {
      if (!r || !(id in r.fields)) return r;
      const rest = { ...r.fields };
      delete rest[id];
      const stillShown = visible(next).some((f) => f.id in rest);
      return r.local && !stillShown ? undefined : { ...r, fields: rest };
    });
  };
  const submit = () => {
    const now = visible(live.current.values);
    const all = Object.fromEntries(now.map((f) => [f.id, live.current.values[f.id] ?? '']));
    const local = Object.fromEntries(now.flatMap((f) => {
      const p = f.validate?.(all[f.id]!, all);
      return p ? [[f.id, p]] : [];
    }));
    if (Object.keys(local).length) {
      setTouched(new Set(now.map((f) => f.id)));
      setRefusal({ reasons: ['correct the fields marked ✗'], fields: local, local: true });
      setFocus(() => now.findIndex((f) => f.id in local));
      return;
    }
    const r = onSubmit(all);
    if (!r.ok) setRefusal({ reasons: r.reasons, fields: r.fields ?? {} });
  };
  useKeys((_input, key) => {
    const now = visible(live.current.values);
    const current = now[live.current.focus];
    if (key.escape) return onCancel ? onCancel() : intents.close();
    if (key.tab && key.shift) return setFocus((f) => f - 1);
    if (key.tab) return setFocus((f) => f + 1);
    if (current?.kind === 'choice' && (key.upArrow || key.downArrow)) return; // the choice takes ↑/↓
    if (key.upArrow) return setFocus((f) => f - 1);
    if (key.downArrow) return setFocus((f) => f + 1);
    if (key.return && !key.meta) {
      if (live.current.focus < now.length - 1) setFocus((f) => f + 1);
      else submit();
    }
  });
  const errorOf = (f: FieldSpec) => refusal?.fields[f.id] ?? (touched.has(f.id) ? f.validate?.(values[f.id] ?? '', values) : undefined);
  // Why it was refused, in words: two rows each before a reason is cut (the GO lock page has them all).
  const refusalRows = (refusal?.reasons ?? []).map((r) => wrapLines(r, columns - 2, 2, { whole: true }));
  // The rows every part but the intro takes: the rule, the title, each field (a focused choice with its
  // options and detail, a focused text with its wrapped value), each error, the refusal, the hint.
  const fieldRows = (f: FieldSpec, i: number, detailRows: number): number => {
    const error = errorOf(f);
    const errorRows = error ? wrapLines(error, columns - 6, 2, { whole: true }).length : 0;
    if (f.kind === 'choice') {
      const chosen = f.options?.find((o) => o.value === values[f.id]);
      const detail = chosen?.detail ? Math.min(detailRows, wrapLines(chosen.detail, columns - 4, 2, { whole: true }).length) : 0;
      return 1 + (i === focus ? Math.min(f.options?.length ?? 0, choiceRows(f)) : 0) + detail + errorRows;
    }
    const value = values[f.id] ?? '';
    const valueRows = i === focus ? value.split('\n').reduce((n, line, j) => n + Math.max(1, Math.ceil((cells(line) + (j === 0 ? f.label.length + 4 : 0)) / Math.max(1, columns))), 0) : 1;
    return valueRows + errorRows;
  };
  const used = (detailRows: number) => 3 + refusalRows.flat().length + shown.reduce((n, f, i) => n + fieldRows(f, i, detailRows), 0);
  // A choice's detail (a trigger's required action) takes two rows where they are free, else one or none.
  const detailRows = [2, 1, 0].find((d) => used(d) <= height) ?? 0;
  const room = height - used(detailRows);
  return (
    <Box flexDirection="column" height={height} width={columns} overflow="hidden">
      {/* Rows keep their height; what does not fit is cut at the bottom, never drawn over. */}
      <Box flexDirection="column" flexShrink={0}>
      <Text dimColor wrap="truncate-end">
        {'─'.repeat(columns)}
      </Text>
      <Text bold color={tint('cyan')} wrap="truncate-end">
        {title}
      </Text>
      {typeof intro === 'function' ? intro(room) : intro}
      {shown.map((f, i) =>
        f.kind === 'choice' ? (
          <ChoiceField key={f.id} field={f} value={values[f.id] ?? ''} focused={i === focus} error={errorOf(f)} detailRows={detailRows} onChoose={(v) => set(f.id, v)} />
        ) : (
          <TextField key={f.id} label={f.label} value={values[f.id] ?? ''} onChange={(v) => set(f.id, v)} focused={i === focus} error={errorOf(f)} multiline={f.multiline} placeholder={f.placeholder} width={columns} secret={f.secret} />
        ),
      )}
      {refusalRows.flatMap((rows, i) =>
        rows.map((row, j) => (
          <Text key={`${i}.${j}`} color={tint('red')} wrap="truncate-end">
            {j === 0 ? '✗ ' : '  '}
            {row}
          </Text>
        )),
      )}
      <Text dimColor wrap="truncate-end">
        {focus >= shown.length - 1 ? `Enter ${submitLabel}` : 'Enter next field'}{shown.length > 1 ? ' · Tab/↑↓ move' : ''} · Esc cancel
      </Text>
      </Box>
    </Box>
  );
}

/** Options shown at once; more scroll with the choice. */
const CHOICE_ROWS = 4;
/** A choice whose options say more (a trigger's required action) shows one option fewer, so that it has room. */
const choiceRows = (f: FieldSpec) => (f.options?.some((o) => o.detail) ? CHOICE_ROWS - 1 : CHOICE_ROWS);

function windowOf<T>(items: T[], at: number, rows: number): { option: T; index: number; more?: 'above' | 'below' }[] {
  const top = Math.max(0, Math.min(Math.max(0, at) - 1, items.length - rows));
  return items.slice(top, top + rows).map((option, i) => ({
    option,
    index: top + i,
    ...(i === 0 && top > 0 ? { more: 'above' as const } : i === rows - 1 && top + rows < items.length ? { more: 'below' as const } : {}),
  }));
}

/** A choice: ↑/↓ moves the choice (it is taken at once); Enter goes on. */
function ChoiceField({ field, value, focused, error, detailRows, onChoose }: { field: FieldSpec; value: string; focused: boolean; error?: string | undefined; detailRows: number; onChoose(v: string): void }) {
  const columns = useRunStore((s) => s.size.columns);
  const options = field.options ?? [];
  const at = options.findIndex((o) => o.value === value);
  const live = useRef(at);
  live.current = at;
  useKeys(
    (_input, key) => {
      const next = key.upArrow ? Math.max(0, live.current - 1) : key.downArrow ? Math.min(options.length - 1, live.current + 1) : undefined;
      if (next === undefined) return;
      live.current = next;
      onChoose(options[next]!.value);
    },
    { isActive: focused && options.length > 0 },
  );
  return (
    <Box flexDirection="column">
      <Text bold={focused} color={focused ? tint('cyan') : undefined} wrap="truncate-end">
        {focused ? '› ' : '  '}
        {field.label}: {at >= 0 ? options[at]!.label : <Text dimColor>{focused ? '↑↓ choose' : '—'}</Text>}
      </Text>
      {focused
        ? windowOf(options, at, choiceRows(field)).map(({ option: o, index: i, more }) => (
            <Text key={o.value} wrap="truncate-end" inverse={i === at}>
              {more === 'above' ? '  ↑ ' : more === 'below' ? '  ↓ ' : '    '}
              {i === at ? '(•) ' : '( ) '}
              {o.label}
            </Text>
          ))
        : null}
      {at >= 0 && options[at]!.detail && detailRows > 0
        ? wrapLines(options[at]!.detail!, columns - 4, detailRows, { whole: true }).map((row, i) => (
            <Text key={`detail${i}`} color={tint('yellow')} wrap="truncate-end">
              {'    '}
              {row}
            </Text>
          ))
        : null}
      <FieldError error={error} />
    </Box>
  );
}
