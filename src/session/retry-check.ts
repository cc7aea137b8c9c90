// `cutover resume --retry STEP` / `--retry-failed`, checked before the run is
// opened: from the journal and the runbook copy as they are on disk, read
// only — no lock, no tail repair, no event. A step that cannot run again
// (not a step of the runbook, not a command or check, the run closed or
// decided, a `requires` that has not passed and is not retried before it)
// is refused with every reason, and the bundle is left exactly as it was.
// Whatever else is wrong with the bundle is left for opening it to report.
import { join } from 'node:path';
import { foldEvents, stepsInOrder, type RunState } from '../engine/fold.js';
import { heldBy, inMode, notInModeReason } from '../engine/modes.js';
import { blockedBy } from '../engine/progress.js';
import { isBundleDir, RUNBOOK_COPY } from '../evidence/bundle.js';
import { JOURNAL_FILE, readJournal } from '../evidence/journal.js';
import { loadRunbook } from '../runbook/load.js';
import type { Runbook } from '../runbook/types.js';
import { InputError } from '../shared/errors.js';
import { closedRunHint } from './reopen.js';

/**
 * The steps a resume runs again first, in order: those named by `--retry`,
 * then (with `retryFailed`) every failed or interrupted command and check
 * step — an attempt still marked running is interrupted on resume. Throws
 * an InputError naming every step that cannot run again.
 */
export function planRetries(bundleDir: string, named: readonly string[], retryFailed: boolean): string[] {
  const opened = readRun(bundleDir);
  if (!opened) return [...named]; // not readable as a run: opening it reports why
  const { runbook, state, runbookFile } = opened;
  if (state.closed && (named.length || retryFailed)) {
    // Nothing of a closed run runs again: after a NO-GO the day goes on in a new, linked run.
    throw new InputError(`${bundleDir}: the run is closed (${state.closed.outcome}); its steps do not run again and it is not resumed (nothing was written)`, closedRunHint(bundleDir, runbookFile, state.closed.outcome));
  }
  const retry = [...named];
  if (retryFailed) {
    for (const step of stepsInOrder(runbook)) {
      const status = state.steps[step.id]?.status;
      const automated = step.kind === 'command' || step.kind === 'check';
      if (automated && (status === 'failed' || status === 'interrupted' || status === 'running') && !retry.includes(step.id)) retry.push(step.id);
    }
  }
  const problems = retry.flatMap((id, i) => problemsOf(runbook, state, id, retry.slice(0, i)));
  if (problems.length) {
    const automated = stepsInOrder(runbook).filter((s) => s.kind === 'command' || s.kind === 'check').map((s) => s.id);
    throw new InputError(
      `${bundleDir}: cannot resume with these retries (nothing was written): ${problems.join('; ')}`,
      `name command or check steps whose requirements have passed or are retried before them${automated.length ? ` (this runbook's: ${automated.join(', ')})` : ''}`,
    );
  }
  return retry;
}

function problemsOf(runbook: Runbook, state: RunState, id: string, before: string[]): string[] {
  const step = stepsInOrder(runbook).find((s) => s.id === id);
  if (!step) return [`--retry ${id}: no step "${id}" in runbook ${runbook.id}`];
  if (step.kind !== 'command' && step.kind !== 'check') return [`--retry ${id}: it is a ${step.kind} step; only command and check steps run again`];
  if (state.closed) return [`--retry ${id}: the run is closed (${state.closed.outcome})`];
  if (state.decision) return [`--retry ${id}: the decision is recorded (${state.decision.label}); the evidence of this run cannot change`];
  if (!inMode(step, state.mode)) return [`--retry ${id}: it is ${notInModeReason(step, state.mode)}`];
  const held = heldBy(runbook, state, step);
  if (held && !before.includes(held.id)) return [`--retry ${id}: it is not run while "${held.id}" has failed (its section stops at a failure, on_failure: stop); retry "${held.id}" first (--retry ${held.id})`];
  const missing = blockedBy(state, step).filter((r) => !before.includes(r));
  if (missing.length) {
    return [`--retry ${id}: it requires ${missing.map((r) => `"${r}" (${state.steps[r]?.status ?? 'pending'})`).join(' and ')} to pass first`];
  }
  return [];
}

function readRun(bundleDir: string): { runbook: Runbook; state: RunState; runbookFile: string } | undefined {
  if (!isBundleDir(bundleDir)) return undefined;
  try {
    const { events, problems } = readJournal(join(bundleDir, JOURNAL_FILE));
    if (problems.length || events[0]?.type !== 'run.started') return undefined;
    const loaded = loadRunbook(join(bundleDir, RUNBOOK_COPY), { checkRollbackPath: false, bundleCopy: true });
    if (!loaded.ok || loaded.loaded.sha256 !== events[0].runbook.sha256) return undefined;
    return { runbook: loaded.loaded.runbook, state: foldEvents(loaded.loaded.runbook, events), runbookFile: events[0].runbook.file };
  } catch {
    return undefined;
  }
}
