// What the detail pane says about a step, as lines (pure, except reading the
// last lines of a finished attempt's log from disk, which the pane caches).
import { join } from 'node:path';
import type { Attempt, RunState } from '../../engine/fold.js';
import type { Step } from '../../runbook/types.js';
import { tailOf } from '../../runner/log-tail.js';
import type { ScreenView } from '../screen-view.js';
import { bytes, oneLine, wrapLines } from '../layout.js';
import { clockTime, type LockOptionView } from '../store/selectors.js';
import type { TailView } from '../store/run-store.js';

export interface Line {
  text: string;
  color?: string;
  bold?: boolean;
  dim?: boolean;
  /** A head line a short pane gives up for output: the highest rank goes first (see fitHead). */
  drop?: number;
  /** This line as shown when the rows that continue it are given up (ends with …). */
  cut?: string;
}

/** Rows that continue one another: the first says … when a short pane drops the rest. */
function continued(rows: string[], line: Omit<Line, 'text'>, rank: number, indent = '  '): Line[] {
  return rows.map((text, i) => (i ? { ...line, text: `${indent}${text}`, drop: rank } : { ...line, text, ...(rows.length > 1 ? { cut: `${text} …` } : {}) }));
}

/**
 * The head lines that fit `room` rows, leaving the output up to 3 rows (the
 * failing lines are what the captain needs): where they do not, lines are
 * given up by rank — where it runs, then the log or report path and the
 * attempt count, then the description. What says how the step went (its
 * command, result, failure) is never given up for output: if even that does
 * not fit, the head takes the whole pane and is cut from the end.
 */
export function fitHead(head: Line[], bodyLines: number, room: number): Line[] {
  const budget = Math.max(0, room - Math.min(bodyLines, 3));
  let kept = head;
  const ranks = [...new Set(head.map((l) => l.drop ?? 0))].filter((r) => r > 0).sort((a, b) => b - a);
  for (const rank of ranks) {
    if (kept.length <= budget) break;
    kept = kept.filter((l) => l.drop !== rank);
  }
  // A line whose continuation went (given up, or below the pane) says so.
  const fitted = kept.slice(0, room);
  const shown = new Set(fitted);
  return fitted.map((l) => {
    const next = head[head.indexOf(l) + 1];
    return l.cut && next && !shown.has(next) && next.drop !== undefined ? { ...l, text: l.cut } : l;
  });
}

const KIND: Record<Step['kind'], string> = { command: 'command', check: 'built-in check', confirm: 'confirmation', input: 'input', notice: 'notice', signoff: 'sign-off', decision: 'decision' };

/** `label: path`, broken after a `/` over as many rows as it needs: a log's path is copied from the screen, never cut. */
function pathLines(label: string, path: string, width: number): Line[] {
  const rows: string[] = [];
  let rest = `${label}: ${path}`;
  while (rest.length > width) {
    const cut = rest.lastIndexOf('/', width - 1);
    if (cut <= label.length + 2) break; // no '/' to break at: the row is cut as any other
    rows.push(rest.slice(0, cut + 1));
    rest = `${' '.repeat(label.length + 2)}${rest.slice(cut + 1)}`;
  }
  return [...rows, rest].map((text, i, all) => ({ text, dim: true, drop: 2, ...(i === 0 && all.length > 1 ? { cut: `${text.length < width ? text : text.slice(0, -1)}…` } : {}) }));
}

function resultLine(session: ScreenView, a: Attempt, width: number): Line[] {
  const out: Line[] = [];
  const r = a.result;
  if (r) {
    const how = r.outcome === 'exited' ? `exit ${r.exit_code}` : r.outcome === 'signaled' ? `signal ${r.signal}` : r.outcome;
    out.push({ text: `attempt ${a.n}: ${how} · ${(r.duration_ms / 1000).toFixed(1)}s · ${bytes(r.stdout.bytes + r.stderr.bytes)} · sha256 ${r.combined.sha256.slice(0, 12)} · HEAD ${r.git_head ? r.git_head.slice(0, 10) : 'none'}`, color: a.status === 'passed' ? 'green' : 'red' });
    out.push(...pathLines('log', session.relative(join(session.bundleDir, r.combined.file)), width));
  } else if (a.check) {
    out.push({ text: `attempt ${a.n}: ${a.check.cancelled ? 'cancelled' : a.check.passed ? 'passed' : 'FAILED'} — ${a.check.summary}`, color: a.status === 'passed' ? 'green' : 'red' });
    out.push(...pathLines('report', session.relative(join(session.bundleDir, a.check.report.file)), width));
  }
  if (a.failure) out.push({ text: a.failure, color: 'red' });
  for (const w of r?.warnings ?? []) out.push({ text: `warning: ${w}`, color: 'yellow' });
  return out;
}

/** The log of the step's latest finished attempt, to read its tail from disk. */
export function logOf(session: ScreenView, run: RunState, step: Step): { file: string; bytes: number } | undefined {
  const a = run.steps[step.id]?.attempts.at(-1);
  const rec = a?.result?.combined ?? a?.check?.report;
  return rec ? { file: join(session.bundleDir, rec.file), bytes: rec.bytes } : undefined;
}

export function readTail(file: string, n: number): string[] {
  return tailOf(file, n);
}

/**
 * `head` says what the step is and how it went; `body` is output (its last
 * lines matter most, so a short pane cuts it from the top).
 */
export function detailLines(session: ScreenView, run: RunState, step: Step, opts: { tail?: TailView; diskTail?: string[]; running: boolean; now: number; width: number; lock: LockOptionView[]; readOnly?: boolean }): { head: Line[]; body: Line[] } {
  const L: Line[] = [];
  const body: Line[] = [];
  const st = run.steps[step.id]!;
  const owner = step.owner ? ` · owner ${session.runbook.roles.find((r) => r.id === step.owner)?.title ?? step.owner}` : '';
  // What the step is, and whose: on a second row rather than cut (a short pane gives that row up first).
  const meta = `${KIND[step.kind]} \`${step.id}\`${owner}${step.required === false ? ' · optional' : ''}${step.requires?.length ? ` · requires ${step.requires.join(', ')}` : ''}`;
  L.push(...continued(wrapLines(meta, opts.width - 2, 2, { whole: true }), { dim: true }, 1));
  if (step.description) for (const row of wrapLines(step.description, opts.width, 2)) L.push({ text: row, drop: 1 });
  // Not in this mode, or held back by a failure (on_failure: stop): say so first, in the journal's words.
  if (st.notRun && (st.status === 'not-in-mode' || st.status === 'not-run')) {
    L.push({ text: st.notRun.reason, color: st.status === 'not-run' ? 'yellow' : 'gray' });
    if (!opts.readOnly || st.status !== 'not-run') L.push({ text: st.status === 'not-run' ? `it runs once "${st.notRun.failedStep}" passes (r retries it) or is skipped; s skips this one with a reason` : 'it does not block the GO of this run', dim: true });
  }
  const last = st.attempts.at(-1);
  switch (step.kind) {
    case 'command':
    case 'check': {
      const cmd = last?.display ? undefined : session.preview(step.id);
      const display = last?.display ?? cmd?.display;
      // Where it runs: before the first attempt as it would, then as the last attempt recorded it.
      const cwd = last?.display ? last.cwd : cmd?.cwd;
      // The resolved command over up to three rows (a short pane keeps the first).
      if (display) L.push(...continued(wrapLines(`$ ${oneLine(display, opts.width * 3)}`, opts.width - 2, 3, { whole: true }), { bold: true }, 2));
      if (cwd) L.push({ text: `in ${cwd}`, dim: true, drop: 3 });
      if (opts.running) {
        const t = opts.tail;
        L.push({ text: `running${t ? ` · ${bytes(t.bytes)} so far` : ''} — o opens the whole output (follows it)${opts.readOnly ? '' : ', c cancels'}`, color: 'cyan' });
        for (const l of t?.lines ?? []) body.push({ text: l });
        break;
      }
      if (last) {
        L.push(...resultLine(session, last, opts.width));
        const lines = opts.tail && opts.tail.attempt === last.n ? opts.tail.lines : opts.diskTail ?? [];
        for (const l of lines) body.push({ text: l, dim: last.status === 'passed' });
      } else L.push({ text: opts.readOnly ? 'not run yet' : 'not run yet — Enter runs it, a runs the whole section', dim: true });
      break;
    }
    case 'confirm':
      for (const row of wrapLines(session.statementOf(step.id) ?? '', opts.width, 3)) L.push({ text: row });
      if (st.status === 'passed') L.push({ text: `confirmed at ${st.completedAt}${st.note ? ` — ${oneLine(st.note, 200)}` : ''}${st.link ? ` — ${st.link}` : ''}`, color: 'green' });
      break;
    case 'input': {
      const values = run.inputs[step.id];
      for (const f of step.fields) L.push({ text: `${f.label}: ${values?.[f.id] !== undefined ? oneLine(values[f.id]!, opts.width) : '—'}`, ...(values ? {} : { dim: true }) });
      break;
    }
    case 'notice': {
      // A status-update notice: its latest update (the text below is that one), and Enter sends the next.
      const last = step.updates ? run.updates[step.id]?.at(-1) : undefined;
      const sent = last ? { sentAt: last.sentAt, channel: last.channel, file: `${last.file} (update ${last.n}; next due ${last.eta}) — Enter sends update ${last.n + 1}` } : run.notices[step.id];
      if (step.updates && !last) L.push({ text: 'status updates: none sent yet — Enter fills in update 1 (sent any number of times)', color: 'yellow' });
      if (sent) L.push({ text: `sent ${sent.sentAt}${sent.channel ? ` to ${sent.channel}` : ''} — ${sent.file}`, color: 'green' });
      for (const l of (session.renderNotice(step.id) ?? '').split('\n').slice(0, 12)) L.push({ text: l, dim: !sent });
      break;
    }
    case 'signoff':
      for (const row of wrapLines(session.statementOf(step.id) ?? '', opts.width, 2)) L.push({ text: row, dim: true });
      for (const role of step.roles) {
        const sig = run.signatures.find((s) => s.step === step.id && s.role === role);
        const title = session.runbook.roles.find((r) => r.id === role)?.title ?? role;
        // A signed runbook's request names who signs which text (docs/signoffs.md).
        const asked = sig ? undefined : [...session.events].reverse().find((e) => e.type === 'signoff.requested' && e.step === step.id && e.role === role);
        const from = asked?.type === 'signoff.requested' ? ` — requested from ${asked.principal}` : '';
        L.push(sig ? { text: `${title}: ${sig.name} at ${sig.at}${sig.voidedBy ? ` — VOID (${sig.voidedBy.step} ${sig.voidedBy.change})` : ''}`, color: sig.voidedBy ? 'red' : 'green' } : { text: `${title}: not signed${from}`, color: 'yellow' });
        if (sig?.key) L.push({ text: `  SSH-signed, key ${sig.key}`, dim: true });
      }
      break;
    case 'decision':
      if (run.decision) L.push({ text: `Decision: ${run.decision.label} at ${run.decision.at}${run.decision.remediation ? ` — remediation: ${run.decision.remediation}` : ''}`, bold: true, color: run.decision.go ? 'green' : 'yellow' });
      if (!run.decision && !run.closed && opts.lock.some((o) => o.unmet.length)) L.push({ text: 'o shows the GO lock in full: every condition, wrapped, on a page of its own', dim: true });
      for (const o of run.decision || run.closed ? [] : opts.lock) {
        L.push({ text: `${o.selectable ? '✓' : '✗'} ${o.label}: ${o.selectable ? (o.needsRemediation ? 'available (needs a remediation plan)' : 'available') : 'LOCKED'}`, color: o.selectable ? 'green' : 'red', bold: true });
        for (const u of o.unmet) L.push({ text: `   - ${u}` });
      }
      break;
  }
  if (st.attempts.length > 1 && !opts.running) L.push({ text: `${st.attempts.length} attempts; the first started ${clockTime(opts.now - Date.parse(st.attempts[0]!.startedAt))} ago`, dim: true, drop: 2 });
  return { head: L, body };
}
