// Whether a finished attempt passed, decided from the facts the journal
// recorded (exit code, assertions, check result, git HEAD and tree state) and never from
// anything live, so that `verify` reaches the same verdict as the session.
import type { CommandStep, Step } from '../runbook/types.js';
import { expectedAssertions } from './assertions.js';
import { substitute } from '../runbook/vars.js';
import { refLookup } from '../runbook/resolve.js';
import type { JournalEvent } from './events.js';
import type { RunState } from './fold.js';

/** The words an environment failure (could not run here) starts with. */
export const ENVIRONMENT_FAILURE = 'environment failure (could not run here)';

export function isEnvironmentFailure(failure: string | undefined): boolean {
  return failure?.startsWith(ENVIRONMENT_FAILURE) === true;
}

type Finished = Extract<JournalEvent, { type: 'step.finished' }>;

/**
 * Decides pass/fail from the recorded facts; returns the failure in words,
 * or undefined. A failure is an environment failure when the step could not
 * run here: an `environment_failure` pattern in its output, or a tool
 * missing from PATH when it started (`missingTools`, from step.started: the
 * runbook's declared tools and the step's own program).
 */
export function judgeAttempt(step: Step, ev: Finished, state: RunState, missingTools?: readonly string[]): string | undefined {
  const failure = gateVerdict(step, ev, state);
  if (!failure || step.kind !== 'command' || /^cancelled/.test(failure)) return failure;
  const why = environmentCauses(step, ev, missingTools);
  return why.length ? `${ENVIRONMENT_FAILURE}: ${why.join('; ')} — ${failure}` : failure;
}

function environmentCauses(step: CommandStep, ev: Finished, missingTools: readonly string[] = []): string[] {
  const out: string[] = [];
  const env = new Set(expectedAssertions(step).filter((a) => a.environment).map((a) => a.assertion));
  const matched = new Set<string>();
  for (const a of ev.assertions ?? []) {
    if (a.ok || !env.has(a.assertion)) continue;
    const m = /^(stdout|stderr) shows no environment failure (".*")$/.exec(a.assertion);
    if (m) matched.add(`${m[1]} shows ${m[2]}`);
  }
  if (matched.size) out.push(`the output matches an environment_failure pattern (${[...matched].join(', ')})`);
  if (missingTools.length) out.push(`${missingTools.map((t) => `"${t}"`).join(', ')} ${missingTools.length === 1 ? 'was' : 'were'} not found on PATH when the step started (the preflight names ${missingTools.length === 1 ? 'it' : 'them'}); install ${missingTools.length === 1 ? 'it' : 'them'} or fix PATH`);
  return out;
}

function gateVerdict(step: Step, ev: Finished, state: RunState): string | undefined {
  if (step.kind === 'check') {
    if (!ev.check) return 'no check result was recorded';
    if (ev.check.cancelled) return 'cancelled by the operator';
    return ev.check.passed ? undefined : `check ${ev.check.name} failed: ${ev.check.summary}`;
  }
  if (step.kind !== 'command') return undefined;
  const r = ev.result;
  if (!r) return 'no command result was recorded';
  switch (r.outcome) {
    case 'spawn-failed':
      return `could not start: ${r.error ?? 'unknown error'}`;
    case 'timed-out':
      return `timed out after ${step.timeout ?? `${r.duration_ms} ms`}`;
    case 'cancelled':
      return 'cancelled by the operator';
    case 'signaled':
      return `killed by signal ${r.signal}`;
    default:
      break;
  }
  const expected = step.expect_exit ?? [0];
  if (r.exit_code === null || !expected.includes(r.exit_code)) return `exit code ${r.exit_code}, expected ${expected.join(' or ')}`;
  const environment = new Set(expectedAssertions(step).filter((a) => a.environment).map((a) => a.assertion));
  const failedAssertion = ev.assertions?.find((a) => !a.ok && !environment.has(a.assertion));
  if (failedAssertion) return `output assertion failed: ${failedAssertion.assertion}`;
  if (step.pin_commit) {
    const pin = substitute(step.pin_commit, refLookup({ vars: state.vars, baseline: state.baseline, target: state.target }));
    if (r.git_head === null) {
      if (r.git_error) return `the git HEAD of the working directory could not be read (${r.git_error}), so it cannot be compared with the pinned commit ${pin}; fix git there and retry the step`;
      return `the working directory is not a git checkout, so its HEAD cannot be compared with the pinned commit ${pin}`;
    }
    if (r.git_head !== pin) return `git HEAD ${r.git_head} is not the pinned commit ${pin}`;
    if (r.git_dirty === true) return `the checkout at the pinned commit ${pin} has uncommitted changes to tracked files, so this is not evidence about that commit`;
    // Fail closed: a tree state that could not be told (or was never recorded) is not a clean checkout.
    if (r.git_dirty !== false) {
      return `whether the checkout at the pinned commit ${pin} has uncommitted changes could not be told (${r.git_error ?? 'no git status was recorded'}), so this is not evidence about that commit; fix what stops \`git status\` in the step's working directory and retry the step`;
    }
  }
  return undefined;
}
