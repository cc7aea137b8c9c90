// What `cutover verify` needs of the checks to run one again on the copies
// of its inputs (evidence/verify-check-inputs.ts). The evidence layer does
// not import the checks; the verify command hands it this object.
import { readArtifactPins } from './artifact-digest.js';
import { BUILTIN_CHECKS } from './index.js';
import { checkInputsOf, MAX_INPUT_COPY_BYTES } from './inputs.js';

export const CHECK_RERUN = {
  /** The files a check reads with these parameters (as the session recorded them). */
  inputsOf: checkInputsOf,
  /** A handoff-payload or envelope check on files given by absolute path; input errors are a failed outcome, as in a run. */
  run: async (check: string, params: Record<string, unknown>): Promise<{ passed: boolean; data: unknown }> => {
    const builtin = Object.hasOwn(BUILTIN_CHECKS, check) ? BUILTIN_CHECKS[check] : undefined;
    if (!builtin || check === 'artifact-digest') throw new Error(`check ${check} is not run again from its inputs`);
    // These checks write nothing; the directory is never created.
    const outcome = await builtin.run(params, { cwd: '/', artifactDir: '/nonexistent/cutover-verify' });
    return { passed: outcome.passed, data: outcome.data };
  },
  /** The `{path, sha256}` pins of an artifact list. */
  artifactPins: (file: string) => readArtifactPins(file, undefined, 'with.from'),
  maxCopyBytes: MAX_INPUT_COPY_BYTES,
};
