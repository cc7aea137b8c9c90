// Parts of decision-record.md beyond the summary table: the preflight the
// run started with (journaled in run.started), every attempt of every
// automated step with its exit, duration and git HEAD (not only the last
// one), the decision step shown as the decision it recorded, a step held
// back by its requires shown as not run. Pure
// functions of the folded state: `cutover verify` renders them again.
import type { PreflightProblem } from '../runbook/preflight.js';
import type { Attempt, RunState } from '../engine/fold.js';
import { blockedBy } from '../engine/progress.js';
import type { Step } from '../runbook/types.js';
import { mdCode, mdText } from './markdown.js';

/** The "Preflight" section; nothing for a bundle whose run.started has no preflight (cutover before 0.3.0). */
export function preflightSection(state: RunState): string[] {
  const p = state.preflight;
  if (!p) return [];
  const L = ['', '## Preflight (before the first step)', ''];
  const line = (mark: string, f: PreflightProblem, what: string) => `- ${mark} ${f.step ? `${mdCode(String(f.step))}: ` : ''}${mdText(f.message)} — ${what}: ${mdText(f.hint)}`;
  if (p.problems.length === 0 && p.warnings.length === 0) L.push('- nothing found: every var had a value, every cwd, tool and executable was there, the pinned checkouts and release tags agreed with the pins');
  for (const f of p.problems) L.push(line(f.pin ? '✗ PIN' : '✗', f, 'fix'));
  for (const f of p.warnings) L.push(line('!', f, 'note'));
  if (p.problems.some((f) => f.pin)) L.push('', 'The repository did not confirm the release pins: every GO of this run is locked.');
  return L;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function exitOf(a: Attempt): string {
  const r = a.result;
  if (!r) return a.check ? `check ${a.check.passed ? 'passed' : a.check.cancelled ? 'cancelled' : 'failed'}` : '—';
  if (r.outcome === 'exited') return `exit ${r.exit_code}`;
  if (r.outcome === 'signaled') return `signal ${r.signal ?? '?'}`;
  return r.exit_code === null ? r.outcome : `${r.outcome}, exit ${r.exit_code}`;
}

/** The "Attempts" section: one row per attempt of each command and check step, in run order. */
export function attemptsSection(steps: readonly Step[], state: RunState): string[] {
  const rows: string[] = [];
  for (const step of steps) {
    for (const a of state.steps[step.id]?.attempts ?? []) {
      const r = a.result;
      const head = r ? (r.git_head ? mdCode(r.git_head) : r.git_error ? `— (${mdText(r.git_error)})` : '—') : '—';
      const status = a.status + (a.failure && a.status !== 'passed' ? ` — ${a.failure}` : '');
      rows.push(`| ${mdCode(step.id)} | ${a.n} | ${mdText(a.startedAt)} | ${mdText(status)} | ${mdText(exitOf(a))} | ${r ? seconds(r.duration_ms) : '—'} | ${head} |`);
    }
  }
  if (rows.length === 0) return [];
  return ['', '## Attempts', '', '| Step | # | Started (UTC) | Status | Exit | Duration | Git HEAD |', '|---|---|---|---|---|---|---|', ...rows, ...attemptDetails(steps, state)];
}

/** A check parameter in one short line: a list of pins is counted, not spelled out. */
function paramText(v: unknown): string {
  if (Array.isArray(v)) return `[${v.length} item${v.length === 1 ? '' : 's'}]`;
  return typeof v === 'string' ? v : JSON.stringify(v) ?? String(v);
}

/**
 * What each attempt ran with and looked at: the environment variables a
 * command step set and the parameters of a check (as journaled: secret
 * values masked), and the files a check read, with their digest, git HEAD
 * and whether a copy is in the bundle (docs/checks.md).
 */
function attemptDetails(steps: readonly Step[], state: RunState): string[] {
  const L: string[] = [];
  for (const step of steps) {
    for (const a of state.steps[step.id]?.attempts ?? []) {
      const at = `${mdCode(step.id)} #${a.n}`;
      if (a.env) L.push(`- ${at} environment: ${Object.entries(a.env).map(([k, v]) => `${mdCode(k)}=${mdText(v)}`).join(', ')}`);
      if (a.params && Object.keys(a.params).length) L.push(`- ${at} with: ${Object.entries(a.params).map(([k, v]) => `${mdCode(k)}=${mdText(paramText(v))}`).join(', ')}`);
      const inputs = Array.isArray(a.check?.inputs) ? a.check.inputs : [];
      for (const i of inputs) {
        if (!i || typeof i !== 'object') continue;
        const digest = typeof i.sha256 === 'string' ? `sha256 ${mdCode(i.sha256)}` : 'not read';
        const git = typeof i.git_head === 'string' ? `, git HEAD ${mdCode(i.git_head)}` : '';
        const copy = i.copy && typeof i.copy.file === 'string' ? `copied to ${mdText(i.copy.file)}` : `not copied: ${mdText(String(i.not_copied ?? ''))}`;
        L.push(`- ${at} read ${mdCode(String(i.param))}${i.builtin ? ' (built-in)' : ''} ${mdText(String(i.path))} — ${digest}${git}; ${copy}`);
      }
    }
  }
  return L.length ? ['', '### What the attempts ran with and read', '', ...L] : [];
}

/**
 * How the steps table shows a step, where its status alone would mislead: a
 * decision step as the decision it recorded ("NO-GO recorded"), never as
 * "passed"; a pending step as not run while a step it requires has not passed.
 */
export function shownStatus(step: Step | undefined, state: RunState): { glyph?: string; status: string } | undefined {
  if (!step) return undefined;
  if (step.kind === 'decision') return state.decision?.step === step.id ? { glyph: state.decision.go ? '✓' : '■', status: `${state.decision.label} recorded` } : undefined;
  if (state.steps[step.id]?.status !== 'pending') return undefined;
  const missing = blockedBy(state, step);
  return missing.length ? { status: `pending — not run: it requires ${missing.map((r) => `${r} (${state.steps[r]?.status ?? 'pending'})`).join(', ')}` } : undefined;
}
