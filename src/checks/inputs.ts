// The files a check step reads: recorded (digest, git HEAD, a copy) as
// evidence of what the check looked at, and read back by `cutover verify`,
// which runs the check again on the copies. Which `with:` parameters name
// input files is said here once, for the session and for verify.
import { resolve } from 'node:path';
import { defaultPolicyPath } from './envelope-policy.js';

/** A copy is kept of an input up to this size; a larger one is recorded by its digest only. */
export const MAX_INPUT_COPY_BYTES = 1024 * 1024;
/** And of the inputs of one attempt together, up to this size. */
export const MAX_INPUT_COPY_TOTAL_BYTES = 8 * 1024 * 1024;

/** The parameters of each check that name a file it reads. */
export const INPUT_PARAMS: Readonly<Record<string, readonly string[]>> = {
  'handoff-payload': ['manifest', 'payload'],
  envelope: ['sample', 'policy', 'manifest'],
  'artifact-digest': ['from'],
};

export interface CheckInputSpec {
  param: string;
  /** Absolute: resolved against the step's working directory, as the check resolves it. */
  path: string;
  /** cutover's own contracts/envelope-policy.json, read when no `policy:` is given. */
  builtin?: boolean;
}

/**
 * The files `check` reads with `params` from `cwd`, in parameter order. A
 * parameter that is not a non-empty string names no file (the check itself
 * refuses it). The envelope check without `policy:` reads cutover's built-in
 * policy, which is an input like any other: verify must not judge the run
 * with the policy of whatever cutover version it is.
 */
export function checkInputsOf(check: string, params: Record<string, unknown>, cwd: string): CheckInputSpec[] {
  const out: CheckInputSpec[] = [];
  for (const param of INPUT_PARAMS[check] ?? []) {
    const value = params[param];
    if (typeof value === 'string' && value !== '') out.push({ param, path: resolve(cwd, value) });
    else if (check === 'envelope' && param === 'policy' && value === undefined) {
      const builtin = defaultPolicyPath();
      if (builtin !== undefined) out.push({ param, path: builtin, builtin: true });
    }
  }
  return out;
}
