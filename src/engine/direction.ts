// Which way a run goes between its two pins. A cutover runbook goes from
// `baseline` to `target`; a rollback runbook (`kind: rollback`) keeps the
// same meanings — `baseline` is what it restores, `target` the release it
// leaves — so it is shown from the target back to the baseline. Every place
// that prints the direction (plan, plain log, screen header, report) asks here.
import type { Pin, Runbook } from '../runbook/types.js';

export interface Direction {
  rollback: boolean;
  from: Pin;
  to: Pin;
}

export function isRollbackRunbook(runbook: Pick<Runbook, 'kind'>): boolean {
  return runbook.kind === 'rollback';
}

export function direction(runbook: Pick<Runbook, 'kind'>, baseline: Pin, target: Pin): Direction {
  return isRollbackRunbook(runbook) ? { rollback: true, from: target, to: baseline } : { rollback: false, from: baseline, to: target };
}

/** `v0.3.2 cf33144 → v0.4.0 7e4806a`, or for a rollback `rollback v0.4.0 7e4806a → v0.3.2 cf33144`. */
export function directionText(runbook: Pick<Runbook, 'kind'>, baseline: Pin, target: Pin, commitChars = 7): string {
  const d = direction(runbook, baseline, target);
  const pin = (p: Pin) => `${p.release_tag} ${p.commit.slice(0, commitChars)}`;
  return `${d.rollback ? 'rollback ' : ''}${pin(d.from)} → ${pin(d.to)}`;
}
