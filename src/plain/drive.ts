// The plain (non-interactive) driver: asks the conductor what is next, runs
// the automated steps, answers manual ones from the answers file, and stops —
// resumable — at the first step it cannot answer. Used by CI, scripts and
// `cutover demo` without a TTY. Ctrl-C cancels the running command, records
// it, and exits 130; SIGTERM/SIGHUP (a dropped SSH session) pause with 3.
import { decisionStep } from '../engine/gates.js';
import type { Step } from '../runbook/types.js';
import { killAllRunning } from '../runner/process-group.js';
import { EXIT, InputError } from '../shared/errors.js';
import type { Answer, Answers } from '../session/answers.js';
import type { Conductor } from '../session/conductor.js';
import type { IntentResult } from '../session/result.js';
import type { Session } from '../session/session.js';
import { LineReporter } from './reporter.js';
import { driveSignedSignoff } from './signed.js';
import { commandName } from '../shared/command-name.js';
import { openFollowUps } from '../session/follow-ups.js';
import { isUpdateStep } from '../engine/updates.js';
import { overdueOnResume } from './resume-overdue.js';

export interface DriveResult {
  exitCode: number;
  outcome: string;
}

export interface DriveOptions {
  /** Steps to run again first (a new attempt each), e.g. after fixing what failed. */
  retry?: string[];
}

export async function drivePlain(conductor: Conductor, answers: Answers | undefined, reporter: LineReporter, options: DriveOptions = {}): Promise<DriveResult> {
  const session = conductor.session;
  const retry = [...(options.retry ?? [])];
  const signedHere = new Set<string>();
  let interrupted: { signal: NodeJS.Signals; code: number } | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) {
      // A dropped SSH session delivers SIGHUP twice (the shell passes one on,
      // the kernel sends another): only an operator's second Ctrl-C means "now".
      if (signal !== 'SIGINT') return;
      // Stop now. The journal already holds every acknowledged event; the
      // running attempt is marked interrupted on resume.
      killAllRunning();
      process.exit(interrupted.code);
    }
    interrupted = { signal, code: signal === 'SIGINT' ? EXIT.sigint : EXIT.paused };
    reporter.line(`\n${signal} received: stopping after the current step${signal === 'SIGINT' ? ' (Ctrl-C again to stop at once)' : ''}`);
    conductor.cancel(); // refused when nothing runs: then the loop pauses at once
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const s of signals) process.on(s, onSignal);
  try {
    reporter.header(session);
    const onResume = overdueOnResume(session); // journaled by resume itself, before this loop could see them
    if (onResume.deadlines.length) reporter.overdue(onResume.deadlines);
    for (const e of onResume.etas) reporter.etaOverdue(e);
    // A closed run resumed for its follow-ups (the 24 h summary): only those are recorded. A closed run
    // with none open (e.g. killed after run.closed, before its summaries) goes on below: close() writes them.
    if (session.state.closed && openFollowUps(session.runbook, session.state).length) return await recordFollowUps(session, answers, reporter);
    const passOver = new Set<string>();
    for (;;) {
      if (interrupted) {
        session.pause(`interrupted by ${interrupted.signal}`);
        await session.writeSummaries();
        reporter.paused(session, `interrupted by ${interrupted.signal}`);
        return { exitCode: interrupted.code, outcome: 'PAUSED' };
      }
      declareDueTriggers(session, answers, reporter);
      const missed = session.triggers.recordOverdue();
      if (missed.length) reporter.overdue(missed);
      const late = session.updates.recordOverdue(); // a next-update ETA passed with no newer notice
      if (late) reporter.etaOverdue(late);
      sendRemainingUpdates(session, answers, reporter); // a resumed run: the listed updates not sent yet
      const retried = retry.shift();
      const step = retried !== undefined ? session.step(retried) : conductor.next(passOver);
      if (retried === undefined) reporter.notRunBefore(session, step);
      if (!step) break;
      const answer = answers?.get(step.id);
      if (answer?.kind === 'skip') {
        must(session.skip(step.id, answer.reason), answers!.where(step.id));
        reporter.stepSkipped(step, session.state.steps[step.id]?.skipReason ?? answer.reason);
        continue;
      }
      if (step.kind === 'command' || step.kind === 'check') {
        // Shown once step.started is in the journal, with that attempt's command.
        const unsubscribe = session.subscribe((n) => {
          if (n.kind === 'snapshot' && n.snapshot.event.type === 'step.started' && n.snapshot.event.step === step.id) reporter.stepStarted(session, step);
        });
        try {
          must(await conductor.run(step.id), retried !== undefined ? `--retry ${retried}` : `step "${step.id}"`);
        } finally {
          unsubscribe();
        }
        reporter.stepFinished(session, step);
        continue;
      }
      if (retried !== undefined) throw new InputError(`--retry ${retried}: it is a ${step.kind} step; only command and check steps run again`, 'name command or check steps after --retry');
      if (step.kind === 'signoff' && session.signoffs.required) {
        const signed = await driveSignedSignoff(session, step, answer, answers, reporter, () => interrupted !== undefined);
        if (signed === 'paused') return { exitCode: EXIT.paused, outcome: 'PAUSED' };
        continue;
      }
      // A sign-off voided after it was given in this same invocation is not
      // signed again by the script: the approvers must see the new evidence.
      if (step.kind === 'signoff' && signedHere.has(step.id)) {
        session.pause(`the sign-off "${step.id}" was voided after it was given`, step.id);
        await session.writeSummaries();
        reporter.waiting(session, step, 'its signatures were voided by a later change to the evidence; the approvers must sign again');
        return { exitCode: EXIT.paused, outcome: 'PAUSED' };
      }
      const unsigned = answer ? unsignedRoles(session, step, answer) : [];
      if (!answer && isUpdateStep(step)) {
        passOver.add(step.id); // status updates are never required: sent on the screen, or listed in the answers file
        reporter.line(`… ${step.id}: ${step.title} — no status update to send (list them under "${step.id}:" in the answers file)`);
        continue;
      }
      if (!answer && step.follow_up && retried === undefined) {
        // A follow-up never holds the run: left open, recorded later with `cutover resume` on the bundle.
        passOver.add(step.id);
        reporter.line(`… ${step.id}: ${step.title} — a follow-up, left open (record it later: \`${commandName()} resume ${session.relative(session.bundleDir)} --answers FILE\`)`);
        continue;
      }
      if (!answer || unsigned.length) {
        const why = !answers
          ? 'no --answers file was given'
          : !answer
            ? `${answers.file} has no answer for step "${step.id}"`
            : `${answers.where(step.id)}: the answer to "${step.id}" names no signer for ${unsigned.join(', ')}`;
        session.pause(`waiting for an answer to ${step.kind} step "${step.id}"`, step.id);
        await session.writeSummaries();
        reporter.waiting(session, step, why);
        return { exitCode: EXIT.paused, outcome: 'PAUSED' };
      }
      let done: ReturnType<typeof applyAnswer>;
      try {
        done = applyAnswer(session, step, answer, answers!, reporter, signedHere);
      } catch (err) {
        // An answer the run refuses (a value that breaks its field's equals:, a bad link…)
        // is the answers file's error (exit 2); the run pauses there, its summaries current.
        if (err instanceof InputError && !session.state.closed) {
          session.pause(`the answer to ${step.kind} step "${step.id}" was refused`, step.id);
          await session.writeSummaries();
        }
        throw err;
      }
      if (done === 'refused') {
        await session.writeSummaries();
        reporter.line(`The run stays open: fix what is listed, then \`${commandName()} resume ${session.relative(session.bundleDir)} --retry-failed\` (or --retry STEP) to run the red steps again.`);
        return { exitCode: EXIT.notOk, outcome: 'REFUSED' };
      }
    }
    const outcome = await session.close();
    reporter.closed(session, outcome);
    return { exitCode: outcome === 'GO' || outcome === 'DONE' ? EXIT.ok : outcome === 'INCOMPLETE' ? EXIT.paused : EXIT.notOk, outcome };
  } finally {
    for (const s of signals) process.off(s, onSignal);
  }
}

/**
 * The answers file's status updates of steps already reached (one sent)
 * that are not sent yet — update n is the n-th entry — e.g. when a run is
 * resumed with a longer list. Each is sent now.
 */
function sendRemainingUpdates(session: Session, answers: Answers | undefined, reporter: LineReporter): void {
  if (!answers || session.state.closed || session.state.decision) return;
  for (const [id, sent] of Object.entries(session.state.updates)) {
    const answer = answers.get(id);
    if (!sent.length || answer?.kind !== 'updates') continue;
    for (const u of answer.updates.slice(sent.length)) {
      must(session.updates.send(id, u.values, u.channel ? { channel: u.channel } : {}), answers.where(id));
      reporter.update(session, session.step(id));
    }
  }
}

/** A refused intent from a scripted answer is the answers file's (or the flag's) input error. */
function must(result: IntentResult, where: string): void {
  if (!result.ok) throw new InputError(`${where}: ${result.reasons.join('; ')}`, result.hint);
}

/**
 * Declares the answers file's triggers once their `after` step has run
 * (whatever its result), once each; a `clear: true` entry clears its open
 * trigger (with its note as the reason) at that point.
 */
function declareDueTriggers(session: Session, answers: Answers | undefined, reporter: LineReporter): void {
  if (session.state.closed || session.state.decision) return;
  for (const t of answers?.triggers ?? []) {
    const after = t.after ? session.state.steps[t.after]?.status : undefined;
    if (t.after && (after === 'pending' || after === 'running')) continue;
    if (t.clear) {
      if (!session.state.triggers.some((x) => x.id === t.id && x.open)) continue;
      must(session.clearTrigger(t.id, t.note), answers!.file);
      reporter.triggerCleared(session, t.id);
      continue;
    }
    if (session.state.triggers.some((x) => x.id === t.id)) continue;
    must(session.declareTrigger(t.id, t.note, { ...(t.severity ? { severity: t.severity } : {}), ...(t.identified_at ? { identifiedAt: t.identified_at } : {}) }), answers!.file);
    reporter.triggerDeclared(session, t.id);
  }
}

/**
 * Roles of a sign-off step that neither have a valid signature nor a name in
 * the answer. Signing the others could never complete the step, so the run
 * pauses instead of signing the same roles over and over.
 */
function unsignedRoles(session: Session, step: Step, answer: Answer): string[] {
  if (step.kind !== 'signoff' || answer.kind !== 'signoff') return [];
  const signed = new Set(session.state.signatures.filter((sig) => sig.step === step.id && !sig.voidedBy).map((sig) => sig.role));
  return step.roles.filter((role) => !signed.has(role) && !answer.names[role]?.trim());
}

function applyAnswer(session: Session, step: Step, answer: NonNullable<ReturnType<Answers['get']>>, answers: Answers, reporter: LineReporter, signedHere: Set<string>): 'ok' | 'refused' {
  const mismatch = () => {
    throw new InputError(`${answers.where(step.id)}: the answer to "${step.id}" does not fit a ${step.kind} step`, 'see docs/runbook-format.md, section "Answers file", for the answer each step kind takes');
  };
  switch (step.kind) {
    case 'confirm':
      if (answer.kind !== 'confirm') return mismatch();
      must(session.confirm(step.id, answer), answers.where(step.id));
      // Printed from the journaled (masked) state, not from the raw answer.
      reporter.manual(step, `confirmed by ${session.operator}${session.state.steps[step.id]?.note ? ` — ${session.state.steps[step.id]!.note}` : ''}`);
      return 'ok';
    case 'input':
      if (answer.kind !== 'input') return mismatch();
      must(session.recordInput(step.id, answer.values), answers.where(step.id));
      reporter.manual(step, `recorded ${Object.keys(answer.values).length} field(s)`);
      return 'ok';
    case 'notice':
      if (answer.kind === 'updates') {
        // Update n is the n-th entry: a resumed run sends only those not sent yet.
        for (const u of answer.updates.slice(session.state.updates[step.id]?.length ?? 0)) {
          must(session.updates.send(step.id, u.values, u.channel ? { channel: u.channel } : {}), answers.where(step.id));
          reporter.update(session, step);
        }
        return 'ok';
      }
      if (answer.kind !== 'notice') return mismatch();
      must(session.sendNotice(step.id, answer), answers.where(step.id));
      reporter.notice(session, step);
      return 'ok';
    case 'signoff': {
      if (answer.kind !== 'signoff') return mismatch();
      signedHere.add(step.id);
      for (const role of step.roles) {
        const name = answer.names[role];
        if (name) must(session.sign(step.id, role, name), answers.where(step.id));
      }
      const signedBy = (r: string) => session.state.signatures.find((sig) => sig.step === step.id && sig.role === r)?.name ?? '(missing)';
      reporter.manual(step, `signed by ${step.roles.map((r) => `${r}: ${signedBy(r)}`).join(', ')}`);
      return 'ok';
    }
    case 'decision': {
      if (answer.kind !== 'decision') return mismatch();
      const decision = decisionStep(session.runbook)!;
      const label = (id: string) => step.options.find((o) => o.id === id)?.label ?? id;
      const first = session.decide(step.id, { option: answer.option, confirmedText: label(answer.option), remediation: answer.remediation });
      if (first.ok) {
        reporter.decided(session);
        return 'ok';
      }
      reporter.refused(label(answer.option), first.reasons);
      if (!answer.otherwise) return 'refused';
      const second = session.decide(decision.id, { option: answer.otherwise.option, confirmedText: label(answer.otherwise.option), remediation: answer.otherwise.remediation });
      if (second.ok) {
        reporter.decided(session);
        return 'ok';
      }
      reporter.refused(label(answer.otherwise.option), second.reasons);
      return 'refused';
    }
    default:
      return mismatch();
  }
}

/** Records the follow-ups of a closed run the answers file answers; exit 0 when none is left open, else 3. */
async function recordFollowUps(session: Session, answers: Answers | undefined, reporter: LineReporter): Promise<DriveResult> {
  const open = openFollowUps(session.runbook, session.state);
  for (const step of open) {
    const answer = answers?.get(step.id);
    if (!answer) continue;
    applyAnswer(session, step, answer, answers!, reporter, new Set());
  }
  await session.writeSummaries();
  const left = openFollowUps(session.runbook, session.state);
  for (const step of left) reporter.line(`… ${step.id}: ${step.title} — follow-up still open${answers ? ` (${answers.file} has no answer for it)` : ' (give --answers FILE with its answer)'}`);
  reporter.line(`The run is closed (${session.state.closed!.outcome}); ${open.length - left.length} follow-up(s) recorded, ${left.length} open.`);
  return { exitCode: left.length ? EXIT.paused : EXIT.ok, outcome: session.state.closed!.outcome };
}
