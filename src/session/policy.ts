// The run policy lives in the engine (pure, replayed by verify); the
// session turns a refused permission into the refusal an intent returns.
import type { Permission } from '../engine/policy.js';
import { refuse, type Refusal } from './result.js';

export { actionsFor, describe, needsRerun, runSettled, type Permission, type StepActions } from '../engine/policy.js';

/** A refused permission as the refusal an intent returns. */
export function refusalOf(p: Permission): Refusal {
  return p.ok ? refuse('refused') : refuse(p.reason, p.hint);
}
