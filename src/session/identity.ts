// Who is operating: --operator, else git user.name, else the login name.
// The name is stored as cleanText makes it (a tab or newline is one space)
// and refused without a visible letter: the GO lock compares it with every
// signer's name (shared/names.ts).
import { execFileSync } from 'node:child_process';
import { userInfo } from 'node:os';
import { InputError } from '../shared/errors.js';
import type { JournalEvent } from '../engine/events.js';
import { cleanText, nameProblem } from '../shared/names.js';

export function resolveOperator(explicit?: string): string {
  if (explicit !== undefined) {
    const problem = nameProblem(explicit, 'the operator\'s name (--operator)');
    if (problem) throw new InputError(problem, 'pass the full name of the person operating the run: --operator "First Last"');
    return cleanText(explicit);
  }
  const found = [gitUserName(), loginName()].find((name) => name !== undefined && !nameProblem(name));
  if (found === undefined) {
    throw new InputError('cannot tell who is operating: neither git user.name nor the login name is a usable name', 'pass the full name of the person operating the run: --operator "First Last"');
  }
  return cleanText(found);
}

function gitUserName(): string | undefined {
  try {
    return execFileSync('git', ['config', 'user.name'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 2000 });
  } catch {
    return undefined; // no git or no user.name: fall through to the login name
  }
}

function loginName(): string | undefined {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER;
  }
}

/**
 * Who operates a run now: the operator of run.started, or of the last
 * run.resumed. A trigger declared, or a rollback started, on a paused run
 * by someone else is journaled with this operator and `requested_by`/
 * `started_by` naming them: they never become an operator of the run (an
 * approver excluded as the operator could not sign then).
 */
export function operatorOfRun(events: readonly JournalEvent[]): string | undefined {
  const last = events.filter((e) => e.type === 'run.started' || e.type === 'run.resumed').at(-1) as { operator?: unknown } | undefined;
  return typeof last?.operator === 'string' ? last.operator : undefined;
}
