// The plain line reporter: one line per fact, no colour, no cursor moves —
// safe for CI logs, pipes and `tee`. A failed step shows the tail of its
// output; the full output is in the bundle.
import { join } from 'node:path';
import { stepsInOrder } from '../engine/fold.js';
import { decisionStep, lockStatus } from '../engine/gates.js';
import { blockedBy, deadlines, type DeadlineState } from '../engine/progress.js';
import { deadlineLine, overdueLines, rollbackHint, triggerClearedLines, triggerDeclaredLines } from './incident-lines.js';
import { etaDueLine, etaOverdueLines, etaSummaryLines, updateSentLines } from './update-lines.js';
import type { EtaState } from '../engine/updates.js';
import { directionText } from '../engine/direction.js';
import { incidentLines } from '../evidence/incident-record.js';
import type { Step } from '../runbook/types.js';
import { tailOf } from '../runner/log-tail.js';
import type { Session } from '../session/session.js';
import { VERSION } from '../version.js';
import { commandName } from '../shared/command-name.js';
import { printable } from '../shared/printable.js';

const TAIL_LINES = 15;

/** Why a required step has not passed, as the end of "it requires X, which …". */
const PREREQUISITE: Record<string, string> = { failed: 'failed', skipped: 'was skipped (a waiver does not satisfy requires)', interrupted: 'was interrupted', pending: 'was not run', running: 'is still running', 'not-run': 'was not run' };

export class LineReporter {
  private section = '';
  private sectionOfStep = new Map<string, { id: string; title: string }>();
  private saidNotRun = new Set<string>();

  constructor(private readonly write: (text: string) => void) {}

  line(text: string): void {
    this.write(text);
  }

  header(session: Session): void {
    const s = session.state;
    const rb = session.runbook;
    for (const sec of rb.sections) for (const st of sec.steps) this.sectionOfStep.set(st.id, { id: sec.id, title: sec.title });
    this.write(`cutover ${VERSION} — ${rb.title} (${rb.id} ${rb.version})`);
    this.write(`${s.rehearsal ? 'REHEARSAL' : 'CUTOVER'} · operator ${s.operator} · ${directionText(rb, s.baseline, s.target)}`);
    this.write(`bundle: ${session.relative(session.bundleDir)}`);
    for (const p of session.preflight) this.write(`preflight: ${p.step ? `[${p.step}] ` : ''}${p.message} — ${p.hint}`);
    const notInMode = stepsInOrder(rb).filter((st) => s.steps[st.id]?.status === 'not-in-mode');
    if (notInMode.length) this.write(`not in this mode (${s.mode}; recorded, they do not block the GO): ${notInMode.map((st) => `${st.id} (runs only in ${(st.modes ?? []).join('/')})`).join(', ')}`);
    if (session.preflight.some((p) => p.pin)) this.write('WARNING: the repository does not confirm the release pins (above): this run\'s GO is locked; start a new run with the right pins');
  }

  /** Prints the section heading when the run enters a new section. */
  private sectionOf(step: Step): void {
    const section = this.sectionOfStep.get(step.id);
    if (section && section.id !== this.section) {
      this.section = section.id;
      this.write(`\n== ${section.title}`);
    }
  }

  stepStarted(session: Session, step: Step): void {
    this.sectionOf(step);
    const st = session.state.steps[step.id]!;
    const a = st.attempts[st.attempts.length - 1];
    this.write(`▶ ${step.id}: ${step.title}${a && a.n > 1 ? ` (attempt ${a.n})` : ''}`);
    if (a?.display) this.write(`    $ ${a.display}`);
  }

  stepFinished(session: Session, step: Step): void {
    const st = session.state.steps[step.id]!;
    const a = st.attempts[st.attempts.length - 1]!;
    const took = a.result ? ` in ${(a.result.duration_ms / 1000).toFixed(1)}s` : '';
    if (a.status === 'passed') {
      this.write(`✓ ${step.id} passed${took}${a.check ? ` — ${a.check.summary}` : ''}`);
      return;
    }
    if (a.result?.outcome === 'cancelled') {
      this.write(`■ ${step.id} cancelled${took}; it runs again when the run continues`);
      return;
    }
    this.write(`✗ ${step.id} ${a.environment ? 'ENVIRONMENT FAILURE (could not run here; not the gate\'s verdict, and it still blocks the GO)' : 'FAILED'}${took}: ${a.failure}`);
    const file = a.result?.combined.file ?? a.check?.report.file;
    if (file) {
      for (const l of tailOf(join(session.bundleDir, file), TAIL_LINES)) this.write(`    | ${l}`);
      this.write(`    full output: ${session.relative(join(session.bundleDir, file))}`);
    }
    // on_failure: stop — the rest of the section waits for this step.
    const held = stepsInOrder(session.runbook).filter((x) => st.status === 'failed' && session.state.steps[x.id]?.notRun?.failedStep === step.id);
    for (const x of held) this.write(`↷ ${x.id}: ${x.title} — ${session.state.steps[x.id]!.notRun!.reason}`);
    if (held.length) this.write(`    the section goes on once ${step.id} passes (\`${commandName()} resume ${session.relative(session.bundleDir)} --retry ${step.id}\`) or is skipped with a reason`);
  }

  /**
   * Steps before `upTo` (every step, without it) that the run went past
   * because a step they require has not passed: said once each, in order.
   */
  notRunBefore(session: Session, upTo?: Step): void {
    for (const step of stepsInOrder(session.runbook)) {
      if (step.id === upTo?.id) return;
      if (step.kind === 'decision' || session.state.steps[step.id]?.status !== 'pending' || this.saidNotRun.has(step.id)) continue;
      const missing = blockedBy(session.state, step);
      // A prerequisite still to come (a forward requires) may yet pass: said only once the run is past it, or at the end.
      const settled = (r: string) => !['pending', 'running'].includes(session.state.steps[r]?.status ?? 'pending') || this.saidNotRun.has(r);
      if (missing.length === 0 || (upTo && !missing.every(settled))) continue;
      this.saidNotRun.add(step.id);
      this.sectionOf(step);
      this.write(`↷ ${step.id} not run: it requires ${missing.map((r) => `"${r}", which ${PREREQUISITE[session.state.steps[r]?.status ?? 'pending'] ?? 'has not passed'}`).join(', and ')}`);
    }
  }

  stepSkipped(step: Step, reason: string): void {
    this.sectionOf(step);
    this.write(`⊘ ${step.id} skipped: ${reason} (a waiver; it blocks a GO)`);
  }

  manual(step: Step, what: string): void {
    this.sectionOf(step);
    this.write(`✓ ${step.id}: ${step.title} — ${printable(what)}`); // a typed note or name never forges a line
  }

  notice(session: Session, step: Step): void {
    this.sectionOf(step);
    const n = session.state.notices[step.id];
    this.write(`✓ ${step.id}: ${step.title} — sent${n?.channel ? ` to ${n.channel}` : ''} at ${n?.sentAt} (${n?.file})`);
    const sent = session.state.etas.at(-1);
    if (sent?.step === step.id && sent.update === 0) for (const l of etaDueLine(session, sent.seq)) this.write(l);
  }

  /** A status update sent (notice.updated) and the next-update ETA it starts. */
  update(session: Session, step: Step): void {
    this.sectionOf(step);
    for (const l of updateSentLines(session, step.id)) this.write(l);
  }

  /** A next-update ETA journaled overdue now (update.overdue). */
  etaOverdue(late: EtaState): void {
    for (const l of etaOverdueLines(late)) this.write(l);
  }

  triggerDeclared(session: Session, id: string): void {
    for (const l of triggerDeclaredLines(session, id)) this.write(l);
  }

  triggerCleared(session: Session, id: string): void {
    for (const l of triggerClearedLines(session, id)) this.write(l);
  }

  /** Deadlines journaled overdue now (deadline.overdue), in red words. */
  overdue(missed: DeadlineState[]): void {
    for (const l of overdueLines(missed)) this.write(l);
  }

  refused(label: string, reasons: string[]): void {
    this.write(`\n${label} — REFUSED, the GO lock holds:`);
    for (const r of reasons) this.write(`  - ${r}`);
  }

  decided(session: Session): void {
    const d = session.state.decision!;
    this.write(`\nDecision: ${d.label}${d.remediation ? ` — remediation: ${d.remediation}` : ''} (recorded ${d.at})`);
  }

  waiting(session: Session, step: Step, why: string): void {
    this.sectionOf(step);
    this.write(`… ${step.id}: ${step.title} — waiting for an answer (${step.kind}); ${why}`);
    this.write(`\nPAUSED: add an answer for "${step.id}" to an answers file and run \`${commandName()} resume ${session.relative(session.bundleDir)} --answers FILE\`.`);
  }

  paused(session: Session, why: string): void {
    this.write(`\nPAUSED (${why}); resume with \`${commandName()} resume ${session.relative(session.bundleDir)}\``);
  }

  closed(session: Session, outcome: string): void {
    const s = session.state;
    const counts = { passed: 0, failed: 0, skipped: 0, 'not-run': 0, 'not-in-mode': 0, other: 0 };
    // The decision is said by the outcome, not counted as a step that passed.
    for (const step of stepsInOrder(session.runbook).filter((x) => x.kind !== 'decision')) {
      const status = s.steps[step.id]!.status;
      if (status === 'passed' || status === 'failed' || status === 'skipped' || status === 'not-run' || status === 'not-in-mode') counts[status]++;
      else counts.other++;
    }
    const extra = `${counts['not-run'] ? `, ${counts['not-run']} not run after a failure` : ''}${counts['not-in-mode'] ? `, ${counts['not-in-mode']} not in this mode` : ''}`;
    this.write(`\nOutcome: ${outcome}${s.rehearsal ? ' (REHEARSAL)' : ''} — ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped${extra}, ${counts.other} not done`);
    const decision = decisionStep(session.runbook);
    if (!s.decision && decision) {
      const go = lockStatus(session.runbook, s, decision, session.clock()).find((o) => o.option.go && (!o.option.modes || o.option.modes.includes(s.mode)));
      for (const c of go?.unmet ?? []) if (c.rule !== 'closed') this.write(`  - ${c.message}`);
    }
    const rollbackTrigger = s.triggers.find((t) => t.open && session.runbook.triggers?.find((x) => x.id === t.id)?.rollback);
    if (rollbackTrigger && session.runbook.rollback) {
      this.write(printable(`Rollback trigger ${rollbackTrigger.id} (${rollbackTrigger.severity}) is open: run the rollback protocol — ${rollbackHint(session) ?? ''}`));
    }
    for (const d of deadlines(session.runbook, s, session.clock()).filter((x) => x.dueAt)) this.write(`Deadline: ${deadlineLine(d)}`);
    for (const l of etaSummaryLines(session)) this.write(l);
    // A rollback run (or a trigger): severity, drill metrics and the four protocol deadlines (evidence/incident-record.ts).
    for (const line of incidentLines(session.runbook, s, session.clock())) this.write(line);
    this.write(`Evidence bundle: ${session.relative(session.bundleDir)}`);
    this.write(`Verify it with: ${commandName()} verify ${session.relative(session.bundleDir)}`);
    // A closed run is never resumed: after a NO-GO the day goes on in a new run linked to this one.
    const started = session.events[0];
    if ((outcome === 'NO-GO' || outcome === 'FAILED') && started?.type === 'run.started') {
      this.write(`After fixing what failed, go on in a new run linked to this one: ${commandName()} run ${session.relative(started.runbook.file)} --reopen ${session.relative(session.bundleDir)}`);
    }
  }
}
