// The evidence digest a sign-off or decision binds to: a hash over the
// latest attempt of every step (status and log digests) and the inputs.
import { createHash } from 'node:crypto';
import type { RunState } from './fold.js';

export function evidenceDigest(state: RunState): string {
  // Status updates (engine/updates.ts) are not evidence of the GO: sending one never changes the digest.
  const parts = Object.values(state.steps)
    .filter((s) => !Object.hasOwn(state.updates, s.id))
    .map((s) => {
      const a = s.attempts[s.attempts.length - 1];
      const logs = a?.result ? [a.result.stdout.sha256, a.result.stderr.sha256] : a?.check ? [a.check.report.sha256] : [];
      return [s.id, s.status, a?.n ?? 0, ...logs].join(':');
    })
    .sort();
  const inputs = Object.entries(state.inputs)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .sort();
  return createHash('sha256').update([...parts, ...inputs].join('\n')).digest('hex');
}
