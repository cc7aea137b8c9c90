// The one JSON object `run --json`, `resume --json` and `demo --json` print
// on stdout when the run stops (closed, paused or refused), so a script can
// read the outcome with jq while the plain log goes to stderr. Its shape is
// documented in docs/json-output.md; fields are only ever added.
import { resolve } from 'node:path';
import { stepsInOrder } from '../engine/fold.js';
import { commandName } from '../shared/command-name.js';
import type { Session } from '../session/session.js';

export interface RunSummary {
  /** GO, NO-GO, DONE, FAILED, INCOMPLETE (closed) or PAUSED, REFUSED (open). */
  outcome: string;
  exit_code: number;
  closed: boolean;
  run_id: string;
  mode: string;
  rehearsal: boolean;
  runbook: { id: string; version: string };
  bundle: string;
  steps: { total: number; passed: number; failed: number; skipped: number; not_run: number; not_in_mode: number; not_done: number };
  decision: { step: string; option: string; label: string; go: boolean; remediation: string | null; at: string } | null;
  /** The step the run waits for (an answer), when it paused at one. */
  waiting_for: string | null;
  /** The command that continues this run (null once it is closed). */
  resume: string | null;
  /** The closed run this one reopens (run --reopen), as run.started records it. */
  reopens: { run_id: string; bundle: string; outcome: string; journal_head: string } | null;
  /** After a NO-GO: the command that starts a new run linked to this one. */
  reopen: string | null;
  verify: string;
}

export function runSummary(session: Session, outcome: string, exitCode: number): RunSummary {
  const s = session.state;
  const steps = { total: 0, passed: 0, failed: 0, skipped: 0, not_run: 0, not_in_mode: 0, not_done: 0 };
  for (const step of stepsInOrder(session.runbook)) {
    steps.total++;
    const status = s.steps[step.id]?.status;
    if (status === 'passed' || status === 'failed' || status === 'skipped') steps[status]++;
    else if (status === 'not-run') steps.not_run++;
    else if (status === 'not-in-mode') steps.not_in_mode++;
    else steps.not_done++;
  }
  const bundle = resolve(session.bundleDir);
  const shown = session.relative(bundle);
  const cmd = commandName();
  const closed = s.closed !== undefined;
  const last = session.events[session.events.length - 1];
  const waiting = last?.type === 'run.paused' ? (last.waiting_for ?? null) : null;
  const d = s.decision;
  const first = session.events[0];
  return {
    outcome,
    exit_code: exitCode,
    closed,
    run_id: s.runId,
    mode: s.mode,
    rehearsal: s.rehearsal,
    runbook: { id: session.runbook.id, version: session.runbook.version },
    bundle,
    steps,
    decision: d ? { step: d.step, option: d.option, label: d.label, go: d.go, remediation: d.remediation ?? null, at: d.at } : null,
    waiting_for: waiting,
    resume: closed ? null : outcome === 'REFUSED' ? `${cmd} resume ${shown} --retry-failed` : `${cmd} resume ${shown}${waiting ? ' --answers FILE' : ''}`,
    reopens: first?.type === 'run.started' && first.reopens ? { ...first.reopens } : null,
    reopen: s.closed?.outcome === 'NO-GO' || s.closed?.outcome === 'FAILED' ? `${cmd} run ${first?.type === 'run.started' ? session.relative(first.runbook.file) : '<runbook>'} --reopen ${shown}` : null,
    verify: `${cmd} verify ${shown}`,
  };
}
