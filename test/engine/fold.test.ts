// The pure fold and the gate rules over hand-built journals: attempts and
// retries, interrupted attempts, waivers, signature voiding, triggers,
// freshness and deadlines. No I/O.
import { describe, expect, it } from 'vitest';
import { foldEvents } from '../../src/engine/fold.js';
import { formatAge, gateProblems, type DecisionAttempt } from '../../src/engine/gates.js';
import { deadlines, isDone, nextStep } from '../../src/engine/progress.js';
import type { AttemptResult } from '../../src/engine/events.js';
import type { DecisionStep, Runbook, Step } from '../../src/runbook/types.js';
import { attempt, decide, iso, journal, MIN, optional, result, runbookWith, sign, signed, suite, T0, type Timed } from './build.js';

const RB = runbookWith([suite, optional, sign, decide]);
const GO: DecisionAttempt = { option: 'go', confirmedText: 'GO (rehearsal continuation)' };

function fold(rb: Runbook, ...bodies: Timed[]) {
  return foldEvents(rb, journal('rehearsal', ...bodies));
}

/** Unmet GO conditions right after the last event. */
function unmet(rb: Runbook, bodies: Timed[], now = T0 + 10 * MIN, mode: 'rehearsal' | 'cutover' = 'rehearsal', attemptGo = GO): string[] {
  const state = foldEvents(rb, journal(mode, ...bodies));
  return gateProblems(rb, state, rb.sections[0]!.steps.find((s) => s.kind === 'decision') as DecisionStep, attemptGo, new Date(now));
}

const green: Timed[] = [...attempt('suite', 1, result()), ...attempt('optional', 1, result()), signed('pa', 'Priya'), signed('ca', 'Marco')];

describe('fold: attempts', () => {
  it('derives pass and fail from the recorded exit code, not a stored verdict', () => {
    const passed = fold(RB, ...attempt('suite', 1, result()));
    expect(passed.steps.suite).toMatchObject({ status: 'passed', completedSeq: 3 });
    expect(passed.steps.suite!.attempts).toMatchObject([{ n: 1, status: 'passed', startedSeq: 2, finishedSeq: 3, display: 'run suite' }]);

    const failed = fold(RB, ...attempt('suite', 1, result({ exit_code: 1 })));
    expect(failed.steps.suite).toMatchObject({ status: 'failed', completedSeq: undefined });
    expect(failed.steps.suite!.attempts[0]!.failure).toBe('exit code 1, expected 0');
  });

  it('honours expect_exit, signals, timeouts, spawn failures and output assertions', () => {
    const rb = runbookWith([{ ...suite, expect_exit: [0, 3], timeout: '5m' } as Step, decide]);
    const failureOf = (bodies: Timed[]) => foldEvents(rb, journal('rehearsal', ...bodies)).steps.suite!.attempts[0]!.failure;
    expect(failureOf(attempt('suite', 1, result({ exit_code: 3 })))).toBeUndefined();
    expect(failureOf(attempt('suite', 1, result({ exit_code: 1 })))).toBe('exit code 1, expected 0 or 3');
    expect(failureOf(attempt('suite', 1, result({ outcome: 'signaled', exit_code: null, signal: 'SIGKILL' })))).toBe('killed by signal SIGKILL');
    expect(failureOf(attempt('suite', 1, result({ outcome: 'timed-out', exit_code: null })))).toBe('timed out after 5m');
    expect(failureOf(attempt('suite', 1, result({ outcome: 'spawn-failed', exit_code: null, error: 'ENOENT cargo' })))).toBe('could not start: ENOENT cargo');
    const withAssertion: Timed[] = [attempt('suite', 1, 'running')[0]!, { type: 'step.finished', step: 'suite', attempt: 1, result: result(), assertions: [{ assertion: 'stdout contains "ok"', ok: false }] }];
    expect(failureOf(withAssertion)).toBe('output assertion failed: stdout contains "ok"');
  });

  it('judges a pinned commit from the recorded git HEAD, with ${target.commit} resolved', () => {
    const rb = runbookWith([{ ...suite, pin_commit: '${target.commit}' } as Step, decide]);
    const other = 'b'.repeat(40);
    const st = (head: string | null) => foldEvents(rb, journal('rehearsal', ...attempt('suite', 1, result({ git_head: head, git_dirty: false })))).steps.suite!;
    expect(st('7e4806a34b98e6c06ee33fa9f11499a975e7b922').status).toBe('passed');
    expect(st(other).attempts[0]!.failure).toBe(`git HEAD ${other} is not the pinned commit 7e4806a34b98e6c06ee33fa9f11499a975e7b922`);
    expect(st(null).attempts[0]!.failure).toMatch(/^the working directory is not a git checkout/);
  });

  it('never passes a pinned step whose tree state is unknown: null, or not recorded at all (fail closed)', () => {
    const rb = runbookWith([{ ...suite, pin_commit: '${target.commit}' } as Step, decide]);
    const pin = '7e4806a34b98e6c06ee33fa9f11499a975e7b922';
    const st = (over: Partial<AttemptResult>) => foldEvents(rb, journal('rehearsal', ...attempt('suite', 1, result({ git_head: pin, ...over })))).steps.suite!;
    const unknown = st({ git_dirty: null, git_error: 'git status did not finish within 30 s' });
    expect(unknown.status).toBe('failed');
    expect(unknown.attempts[0]!.failure).toBe(
      `whether the checkout at the pinned commit ${pin} has uncommitted changes could not be told (git status did not finish within 30 s), so this is not evidence about that commit; fix what stops \`git status\` in the step's working directory and retry the step`,
    );
    expect(st({}).attempts[0]!.failure).toContain('could not be told (no git status was recorded)');
    expect(st({ git_dirty: true }).status).toBe('failed');
    expect(st({ git_dirty: false }).status).toBe('passed');
    // A HEAD that could not be read is named as such, not as "not a git checkout".
    expect(st({ git_head: null, git_error: 'git is not installed (not on PATH)' }).attempts[0]!.failure).toBe(
      `the git HEAD of the working directory could not be read (git is not installed (not on PATH)), so it cannot be compared with the pinned commit ${pin}; fix git there and retry the step`,
    );
  });

  it('keeps every earlier attempt when a step is retried', () => {
    const state = fold(RB, ...attempt('suite', 1, result({ exit_code: 2 })), ...attempt('suite', 2, result()));
    const st = state.steps.suite!;
    expect(st.status).toBe('passed');
    expect(st.attempts.map((a) => [a.n, a.status, a.failure])).toEqual([
      [1, 'failed', 'exit code 2, expected 0'],
      [2, 'passed', undefined],
    ]);
    expect(st.completedSeq).toBe(5);
  });

  it('a retry in progress clears the earlier pass, and a failed retry fails the step', () => {
    const running = fold(RB, ...attempt('suite', 1, result()), ...attempt('suite', 2, 'running'));
    expect(running.steps.suite).toMatchObject({ status: 'running', completedSeq: undefined, completedAt: undefined });
    const failed = fold(RB, ...attempt('suite', 1, result()), ...attempt('suite', 2, result({ exit_code: 1 })));
    expect(failed.steps.suite!.status).toBe('failed');
    expect(failed.steps.suite!.attempts.map((a) => a.status)).toEqual(['passed', 'failed']);
    expect(unmet(RB, [...green, ...attempt('suite', 2, result({ exit_code: 1 }))])).toContain('required step "Producer suite" (suite) failed on attempt 2: exit code 1, expected 0');
  });
});

describe('fold: interrupted attempts never count as passed', () => {
  const interrupted: Timed = { type: 'step.interrupted', step: 'suite', attempt: 2, reason: 'cutover stopped while the attempt ran' };

  it('an interrupted retry blocks a GO even though attempt 1 passed', () => {
    const bodies = [...green, ...attempt('suite', 2, 'running'), interrupted];
    const state = fold(RB, ...bodies);
    expect(state.steps.suite!.status).toBe('interrupted');
    expect(state.steps.suite!.attempts.map((a) => a.status)).toEqual(['passed', 'interrupted']);
    expect(isDone(state, 'suite')).toBe(false);
    expect(nextStep(RB, state)?.id).toBe('suite');
    expect(unmet(RB, bodies)).toContain('required step "Producer suite" (suite) was interrupted on attempt 2 and has not passed since');
  });

  it('a step.finished arriving for an attempt already marked interrupted does not turn it into a pass', () => {
    const bodies = [...attempt('suite', 1, 'running'), { ...interrupted, attempt: 1 }, { type: 'step.finished', step: 'suite', attempt: 1, result: result() } as Timed];
    const state = fold(RB, ...bodies);
    expect(state.steps.suite!.status).toBe('interrupted');
    expect(state.steps.suite!.attempts[0]!.status).toBe('interrupted');
  });
});

describe('fold: a skip is a waiver', () => {
  const skipped: Timed = { type: 'step.skipped', step: 'suite', reason: 'cargo missing on the bastion', by: 'Olga Operator' };

  it('lets the run move on but blocks a GO, quoting the reason', () => {
    const state = fold(RB, skipped);
    expect(state.steps.suite).toMatchObject({ status: 'skipped', skipReason: 'cargo missing on the bastion', completedSeq: 2 });
    expect(isDone(state, 'suite')).toBe(true);
    expect(nextStep(RB, state)?.id).toBe('optional');
    const bodies = [skipped, ...green.filter((e) => e.type !== 'step.started' || e.step !== 'suite').filter((e) => e.type !== 'step.finished' || e.step !== 'suite')];
    expect(unmet(RB, bodies)).toEqual(['required step "Producer suite" (suite) was skipped ("cargo missing on the bastion"); a waiver blocks a GO']);
  });

  it('skipping a step marked required: false does not block a GO', () => {
    const bodies = [...attempt('suite', 1, result()), { ...skipped, step: 'optional' }, signed('pa', 'Priya'), signed('ca', 'Marco')];
    expect(unmet(RB, bodies)).toEqual([]);
  });

  it('running a skipped step later clears the waiver', () => {
    const state = fold(RB, skipped, ...attempt('suite', 1, result()));
    expect(state.steps.suite).toMatchObject({ status: 'passed', skipReason: undefined });
  });
});

describe('fold: sign-offs and voiding', () => {
  it('completes the sign-off step only when every role has signed', () => {
    expect(fold(RB, signed('pa', 'Priya')).steps.sign!.status).toBe('pending');
    expect(fold(RB, signed('pa', 'Priya'), signed('ca', 'Marco')).steps.sign!.status).toBe('passed');
    expect(unmet(RB, [...attempt('suite', 1, result()), signed('pa', 'Priya')])).toEqual(['Consumer approver (ca) has not signed "Joint sign-off"']);
  });

  it('re-running a required step voids every earlier signature and reopens the sign-off', () => {
    const state = fold(RB, ...green, ...attempt('suite', 2, result()));
    expect(state.signatures.map((s) => [s.role, s.voidedBy])).toEqual([
      ['pa', { step: 'suite', change: 'was re-run (attempt 2)', seq: 8 }],
      ['ca', { step: 'suite', change: 'was re-run (attempt 2)', seq: 8 }],
    ]);
    expect(state.steps.sign!.status).toBe('pending');
    expect(unmet(RB, [...green, ...attempt('suite', 2, result())])).toEqual([
      'the sign-off of Producer approver by Priya is void: step "suite" was re-run (attempt 2) after it was signed; sign again',
      'the sign-off of Consumer approver by Marco is void: step "suite" was re-run (attempt 2) after it was signed; sign again',
    ]);
  });

  it('re-running a step marked required: false voids the signatures too', () => {
    const bodies = [...green, ...attempt('optional', 2, result())];
    expect(fold(RB, ...bodies).signatures.every((s) => s.voidedBy?.step === 'optional')).toBe(true);
    expect(unmet(RB, bodies).length).toBe(2);
  });

  it('a signature given while a step runs is voided when it finishes', () => {
    const bodies = [...attempt('suite', 1, result()), ...attempt('optional', 1, result()), attempt('suite', 2, 'running')[0]!, signed('pa', 'Priya'), signed('ca', 'Marco'), { type: 'step.finished', step: 'suite', attempt: 2, result: result() } as Timed];
    expect(fold(RB, ...bodies).signatures.every((s) => s.voidedBy?.change === 'finished attempt 2')).toBe(true);
  });

  it('whoever resumed the run may not sign either', () => {
    const bodies: Timed[] = [...attempt('suite', 1, result()), ...attempt('optional', 1, result()), { type: 'run.resumed', operator: 'Rita Resumer', repaired_tail_bytes: 0 }, signed('pa', 'Rita Resumer'), signed('ca', 'Marco')];
    expect(unmet(RB, bodies)).toContain('Rita Resumer is an operator who resumed this run and may not sign as Producer approver');
  });

  it('a new signature for a role replaces the void one', () => {
    const bodies = [...green, ...attempt('suite', 2, result()), signed('pa', 'Priya'), signed('ca', 'Marco')];
    const state = fold(RB, ...bodies);
    expect(state.signatures).toHaveLength(2);
    expect(state.signatures.every((s) => !s.voidedBy)).toBe(true);
    expect(state.steps.sign!.status).toBe('passed');
    expect(unmet(RB, bodies)).toEqual([]);
  });

  it('compares names trimmed and case-insensitively for distinctness and the operator rule', () => {
    expect(unmet(RB, [...attempt('suite', 1, result()), signed('pa', 'Alice'), signed('ca', ' ALICE ')])).toEqual(['Alice signed as both Producer approver and Consumer approver; each role needs a different person']);
    expect(unmet(RB, [...attempt('suite', 1, result()), signed('pa', 'olga operator'), signed('ca', 'Marco')])).toEqual(['olga operator is the operator who started this run and may not sign as Producer approver']);
  });
});

describe('gates: mode, triggers, freshness, the decision', () => {
  it('runtime cutover is refused in a rehearsal and allowed in cutover mode', () => {
    const runtime = { option: 'runtime', confirmedText: 'GO (runtime cutover)' };
    expect(unmet(RB, green, undefined, 'rehearsal', runtime)).toEqual(['GO (runtime cutover) is never available in a REHEARSAL; start a run with --mode cutover on cutover day']);
    expect(unmet(RB, green, undefined, 'cutover', runtime)).toEqual([]);
  });

  it('an open trigger blocks a GO until it is cleared', () => {
    const declared: Timed = { type: 'trigger.declared', trigger: 'envelope-mismatch', severity: 'SEV-1', note: 'legacy_error seen', by: 'Olga Operator', at: T0 + 5 * MIN };
    expect(unmet(RB, [...green, declared])).toEqual([`rollback trigger "Non-2xx envelope shape mismatch" (SEV-1) declared at ${iso(T0 + 5 * MIN)} is open`]);
    const cleared: Timed = { type: 'trigger.cleared', trigger: 'envelope-mismatch', note: 'false alarm', by: 'Olga Operator' };
    expect(unmet(RB, [...green, declared, cleared])).toEqual([]);
  });

  it('evidence exactly max_age old is fresh; one millisecond more is stale', () => {
    const rb = runbookWith([suite, sign, decide], { max_age: '4h' });
    const bodies = [...attempt('suite', 1, result({ endedAt: T0 }), T0 - 1000), signed('pa', 'Priya', T0 + 1000), signed('ca', 'Marco', T0 + 2000)];
    expect(unmet(rb, bodies, T0 + 4 * 60 * MIN)).toEqual([]);
    const stale = unmet(rb, bodies, T0 + 4 * 60 * MIN + 1);
    expect(stale).toHaveLength(1);
    expect(stale[0]).toMatch(/^the evidence of "Producer suite" \(suite\) is \S+ old, older than the 4h this runbook allows; re-run it$/);
    // A step's own max_age overrides the default.
    const strict = runbookWith([{ ...suite, max_age: '15m' } as Step, sign, decide], { max_age: '4h' });
    expect(unmet(strict, bodies, T0 + 20 * MIN)).toEqual(['the evidence of "Producer suite" (suite) is 20m old, older than the 15m this runbook allows; re-run it']);
  });

  it('states sub-minute ages in seconds', () => {
    expect(formatAge(1500)).toBe('1.5s');
    expect(formatAge(42_000)).toBe('42s');
    expect(formatAge(20 * MIN)).toBe('20m');
    expect(formatAge(5 * 60 * MIN + 7 * MIN)).toBe('5h7m');
    expect(formatAge(72 * 60 * MIN)).toBe('3d');
  });

  it('NO-GO is always available but needs a remediation plan and the typed label', () => {
    const bodies = [{ type: 'step.skipped', step: 'suite', reason: 'broken', by: 'Olga Operator' } as Timed];
    expect(unmet(RB, bodies, undefined, 'rehearsal', { option: 'no-go', confirmedText: 'NO-GO', remediation: 'fix and retry' })).toEqual([]);
    expect(unmet(RB, bodies, undefined, 'rehearsal', { option: 'no-go', confirmedText: 'NO-GO', remediation: '   ' })).toEqual(['NO-GO needs a remediation plan']);
    expect(unmet(RB, bodies, undefined, 'rehearsal', { option: 'no-go', confirmedText: 'no go', remediation: 'x' })).toEqual(['the choice must be confirmed by typing "NO-GO" exactly']);
    expect(unmet(RB, green, undefined, 'rehearsal', { option: 'maybe', confirmedText: 'maybe' })).toEqual(['"maybe" is not an option of "Go/no-go"; the options are: go, runtime, no-go']);
  });

  it('a never-run required step blocks, and so does an earlier decision', () => {
    expect(unmet(RB, [signed('pa', 'Priya'), signed('ca', 'Marco')])).toEqual(['required step "Producer suite" (suite) has not been done']);
    const decided: Timed = { type: 'decision.recorded', step: 'decide', option: 'no-go', label: 'NO-GO', go: false, confirmed_text: 'NO-GO', remediation: 'later', evidence_digest: 'e'.repeat(64), by: 'Olga Operator', at: T0 + MIN };
    expect(unmet(RB, [...green, decided])).toEqual([`the decision was already recorded (NO-GO) at ${iso(T0 + MIN)}`]);
    expect(nextStep(RB, fold(RB, ...green, decided))).toBeUndefined();
  });
});

describe('progress: deadlines', () => {
  const notice: Step = { id: 'notice', kind: 'confirm', title: 'Initial incident notice', statement: 'sent', due: { after: 'trigger', within: '15m' } };
  const rollback: Step = { id: 'rollback', kind: 'confirm', title: 'Rollback executed', statement: 'done' };
  const repin: Step = { id: 'repin', kind: 'confirm', title: 'Consumer re-pin confirmation', statement: 'repinned', due: { after: 'rollback', within: '30m' } };
  const kickoff: Step = { id: 'kickoff', kind: 'confirm', title: 'Kick-off', statement: 'ok', due: { after: 'start', within: '1h' } };
  const rb = runbookWith([kickoff, notice, rollback, repin]);
  const declared: Timed = { type: 'trigger.declared', trigger: 'envelope-mismatch', severity: 'SEV-1', note: 'seen', by: 'Olga Operator', at: T0 + 10 * MIN };
  const confirmed = (step: string, at: number): Timed => ({ type: 'step.confirmed', step, by: 'Olga Operator', statement: 'attested', at });
  const byStep = (bodies: Timed[], now: number) => Object.fromEntries(deadlines(rb, fold(rb, ...bodies), new Date(now)).map((d) => [d.step, d]));

  it('waits until its anchor happens', () => {
    const d = byStep([], T0 + 5 * MIN);
    expect(d.notice).toMatchObject({ status: 'waiting', anchor: 'trigger' });
    expect(d.notice!.dueAt).toBeUndefined();
    expect(d.repin).toMatchObject({ status: 'waiting', anchor: 'rollback' });
    expect(d.kickoff).toMatchObject({ status: 'running', dueAt: iso(T0 + 60 * MIN) });
  });

  it('runs from the trigger and is missed once the time is up', () => {
    expect(byStep([declared], T0 + 20 * MIN).notice).toMatchObject({ status: 'running', dueAt: iso(T0 + 25 * MIN) });
    expect(byStep([declared], T0 + 25 * MIN + 1).notice).toMatchObject({ status: 'missed' });
  });

  it('is met when the step completes in time, missed when it completes late', () => {
    expect(byStep([declared, confirmed('notice', T0 + 24 * MIN)], T0 + 99 * MIN).notice).toMatchObject({ status: 'met', completedAt: iso(T0 + 24 * MIN) });
    expect(byStep([declared, confirmed('notice', T0 + 26 * MIN)], T0 + 26 * MIN).notice).toMatchObject({ status: 'missed' });
  });

  it('counts from the completion of the step it names', () => {
    const done = confirmed('rollback', T0 + 40 * MIN);
    expect(byStep([done], T0 + 50 * MIN).repin).toMatchObject({ status: 'running', dueAt: iso(T0 + 70 * MIN) });
    expect(byStep([done, confirmed('repin', T0 + 69 * MIN)], T0 + 80 * MIN).repin).toMatchObject({ status: 'met' });
    expect(byStep([done], T0 + 71 * MIN).repin).toMatchObject({ status: 'missed' });
  });
});

describe('GO lock hardening', () => {
  const confirmStep: Step = { id: 'ready', kind: 'confirm', title: 'Consumer ready', statement: 'ready' };
  const rb = runbookWith([suite, confirmStep, sign, decide]);

  it('a required manual step answered after the signatures voids them too (rule 4)', () => {
    const signedFirst: Timed[] = [...attempt('suite', 1, result()), signed('pa', 'Priya'), signed('ca', 'Marco'), { type: 'step.confirmed', step: 'ready', by: 'Olga Operator', statement: 'ready' }];
    const state = fold(rb, ...signedFirst);
    expect(state.signatures.map((s) => s.voidedBy?.change)).toEqual(['was confirmed', 'was confirmed']);
    expect(unmet(rb, signedFirst)).toContain('the sign-off of Producer approver by Priya is void: step "ready" was confirmed after it was signed; sign again');
  });

  it('an option listing its own requires_steps cannot drop the other required steps (rule 2)', () => {
    const narrow = runbookWith([suite, sign, { ...decide, options: (decide as DecisionStep).options.map((o) => (o.go ? { ...o, requires_steps: [] } : o)) } as Step]);
    const failedSuite: Timed[] = [...attempt('suite', 1, result({ exit_code: 1 })), signed('pa', 'Priya'), signed('ca', 'Marco')];
    expect(unmet(narrow, failedSuite)).toContain('required step "Producer suite" (suite) failed on attempt 1: exit code 1, expected 0');
  });

  it('a GO without any joint sign-off in the runbook stays locked', () => {
    const unsigned = runbookWith([suite, decide]);
    expect(unmet(unsigned, attempt('suite', 1, result())).join('\n')).toMatch(/requires no joint sign-off/);
  });

  it('the same person typed with other spacing, case or Unicode form is still one person (rule 3)', () => {
    const problems = unmet(RB, [...attempt('suite', 1, result()), ...attempt('optional', 1, result()), signed('pa', 'Zoë  Smith'), signed('ca', 'zoe\u0308 smith')]);
    expect(problems.join('\n')).toMatch(/signed as both Producer approver and Consumer approver/);
  });
});
