// Pure views of the store for the components: small slices, so that an
// output flush re-renders the detail pane only. No React, no I/O.
import { isCancelled, stepsInOrder, type RunState } from '../../engine/fold.js';
import { decisionStep, lockStatus } from '../../engine/gates.js';
import { blockedBy, deadlines } from '../../engine/progress.js';
import { directionText } from '../../engine/direction.js';
import type { Runbook, Step } from '../../runbook/types.js';
import type { Activity } from '../../session/notifications.js';
import { STATUS, type StatusLook } from '../theme.js';
import { clockTime, etaCountdown, updateLook } from './eta-view.js';

export type Row =
  | { kind: 'section'; id: string; title: string }
  | { kind: 'step'; id: string; title: string; look: StatusLook; detail: string; running: boolean };

export { clockTime };

const DONE: Record<Step['kind'], string> = { command: 'passed', check: 'passed', confirm: 'confirmed', input: 'recorded', notice: 'sent', signoff: 'signed', decision: 'decided' };
const ASK: Record<Step['kind'], string> = { command: 'to run', check: 'to run', confirm: 'to confirm', input: 'to fill in', notice: 'to send', signoff: 'to sign', decision: 'to decide' };

function stepLook(step: Step, run: RunState, activity: Activity, now: number): { look: StatusLook; detail: string; running: boolean } {
  const st = run.steps[step.id]!;
  const last = st.attempts[st.attempts.length - 1];
  const running = activity.running?.step === step.id;
  if (running) {
    const since = Date.parse(activity.running!.startedAt);
    return { look: STATUS.running, detail: `${activity.running!.cancelling ? 'cancelling… ' : ''}${clockTime(now - since)}`, running: true };
  }
  switch (st.status) {
    case 'passed': {
      if (step.kind === 'notice' && step.updates) return updateLook(step, run, now); // status updates: how many, and the ETA countdown
      const word = step.kind === 'decision' && run.decision ? run.decision.label : DONE[step.kind];
      const detail = last?.result ? `${(last.result.duration_ms / 1000).toFixed(1)}s` : last?.check ? last.check.summary : '';
      return { look: { ...STATUS.passed, word }, detail, running: false };
    }
    case 'failed':
      if (isCancelled(last)) return { look: STATUS.cancelled, detail: 'runs again', running: false };
      if (last?.environment) return { look: { ...STATUS.failed, word: 'ENV FAILURE' }, detail: last.failure ?? '', running: false };
      return { look: STATUS.failed, detail: last?.failure ?? '', running: false };
    case 'skipped':
      return { look: STATUS.skipped, detail: st.skipReason ?? '', running: false };
    case 'not-in-mode':
      return { look: STATUS['not-in-mode'], detail: `runs only in ${(step.modes ?? []).join('/')}`, running: false };
    case 'not-run':
      return { look: STATUS['not-run'], detail: st.notRun?.failedStep ? `"${st.notRun.failedStep}" failed (on_failure: stop)` : st.notRun?.reason ?? '', running: false };
    case 'interrupted':
      return { look: STATUS.interrupted, detail: 'runs again', running: false };
    case 'running':
      return { look: STATUS.interrupted, detail: 'no process (resume to record it)', running: false };
    default: {
      const signatures = step.kind === 'signoff' ? run.signatures.filter((s) => s.step === step.id && !s.voidedBy).length : 0;
      if (step.kind !== 'decision' && blockedBy(run, step).length) return { look: STATUS.blocked, detail: `needs ${blockedBy(run, step).join(', ')}`, running: false };
      if (run.decision || run.closed) return { look: STATUS.pending, detail: 'not done', running: false };
      if (step.kind === 'notice' && step.updates) return updateLook(step, run, now);
      return { look: STATUS.pending, detail: signatures ? `${signatures}/${step.kind === 'signoff' ? step.roles.length : 0} signed` : ASK[step.kind], running: false };
    }
  }
}

export function stepRows(runbook: Runbook, run: RunState, activity: Activity, now: number): Row[] {
  const rows: Row[] = [];
  for (const section of runbook.sections) {
    rows.push({ kind: 'section', id: section.id, title: section.title });
    for (const step of section.steps) rows.push({ kind: 'step', id: step.id, title: step.title, ...stepLook(step, run, activity, now) });
  }
  return rows;
}

/**
 * The rows that fit in `height`, scrolled so the selection stays in view
 * with some context around it (and its section's title when it fits).
 */
export function visibleRows(rows: Row[], selected: string, height: number): { rows: Row[]; above: number; below: number } {
  if (rows.length <= height) return { rows, above: 0, below: 0 };
  const at = Math.max(0, rows.findIndex((r) => r.kind === 'step' && r.id === selected));
  let top = Math.max(0, Math.min(at - Math.floor(height / 3), rows.length - height));
  // Show the selected step's section title when it is just above the window.
  for (let i = at; i >= top - 1 && i >= 0; i--) {
    if (rows[i]!.kind === 'section') {
      if (i === top - 1 && at - i < height) top = i;
      break;
    }
  }
  return { rows: rows.slice(top, top + height), above: top, below: rows.length - top - height };
}

/** How far each movement key moves the selection (first/last: as far as it goes). */
export const MOVE_DELTA = { up: -1, down: 1, pageUp: -8, pageDown: 8, first: -1e6, last: 1e6 } as const;

/** The step `delta` steps away from `selected` (section titles are not selectable). */
export function moveSelection(runbook: Runbook, selected: string, delta: number): string {
  const ids = stepsInOrder(runbook).map((s) => s.id);
  const at = Math.max(0, ids.indexOf(selected));
  return ids[Math.max(0, Math.min(ids.length - 1, at + delta))]!;
}

export interface HeaderView {
  title: string;
  rehearsal: boolean;
  pins: string;
  operator: string;
  elapsed: string;
  deadlines: { text: string; overdue: boolean }[];
}

export function headerView(runbook: Runbook, run: RunState, now: number): HeaderView {
  const running = deadlines(runbook, run, new Date(now)).filter((d) => d.status === 'running' || (d.status === 'missed' && !d.completedAt));
  return {
    title: runbook.title,
    rehearsal: run.rehearsal,
    pins: directionText(runbook, run.baseline, run.target),
    operator: run.operator,
    elapsed: clockTime(now - Date.parse(run.startedAt)),
    // With the next-update ETA of the latest notice (engine/updates.ts); the soonest first, so what is cut off at the right is the least urgent.
    deadlines: [
      ...running.map((d) => {
        const left = Date.parse(d.dueAt!) - now;
        return left >= 0 ? { text: `${d.title} in ${clockTime(left)}`, overdue: false, left } : { text: `${d.title} OVERDUE ${clockTime(-left)}`, overdue: true, left };
      }),
      ...etaCountdown(run, now),
    ].sort((a, b) => a.left - b.left).map(({ text, overdue }) => ({ text, overdue })),
  };
}

export interface LockOptionView {
  id: string;
  label: string;
  go: boolean;
  selectable: boolean;
  unmet: string[];
  /** Never available in this run's mode (a runtime cutover in a rehearsal). */
  notInMode: boolean;
  needsRemediation: boolean;
}

/** The GO lock of the runbook's decision, every option, right now. */
export function lockView(runbook: Runbook, run: RunState, now: number): { decision?: Step; options: LockOptionView[] } {
  const decision = decisionStep(runbook);
  if (!decision) return { options: [] };
  const options = lockStatus(runbook, run, decision, new Date(now)).map((o) => ({
    id: o.option.id,
    label: o.option.label,
    go: o.option.go,
    selectable: o.selectable,
    unmet: o.unmet.map((c) => c.message),
    notInMode: o.unmet.some((c) => c.rule === 'mode'),
    needsRemediation: o.needsRemediation,
  }));
  return { decision, options };
}
