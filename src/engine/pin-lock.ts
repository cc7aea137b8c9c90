// The journaled preflight and the GO lock: a release pin the repository did
// not confirm when the run started (a tag pointing elsewhere, or missing;
// runbook/pin-tags.ts) locks every GO of the run. The pins are fixed for a
// run, so the lock holds until a new run starts with the right pins.
import type { PreflightRecord } from './events.js';

/** The words of each pin the run started without confirming (empty for bundles without a journaled preflight). */
export function unconfirmedPins(preflight: PreflightRecord | undefined): string[] {
  const problems = Array.isArray(preflight?.problems) ? preflight.problems : [];
  return problems
    .filter((p) => p && typeof p === 'object' && p.pin && typeof p.pin === 'object')
    .map((p) => `the repository did not confirm the ${String(p.pin!.pin)} pin when the run started: ${String(p.message)}; start a new run with the right pins`);
}

/** Why a journaled preflight is malformed or missing (verify reports run.started so), or undefined. */
export function preflightShapeProblem(p: unknown, cutoverVersion: unknown): string | undefined {
  // cutover journals its preflight since 0.3.0: without one, a pin problem that locked the GO could have been taken out.
  if (p === undefined) return journalsPreflight(cutoverVersion) ? `it was written by cutover ${String(cutoverVersion)}, which journals the preflight, but has none` : undefined;
  const item = (f: unknown) => !!f && typeof f === 'object' && typeof (f as { message?: unknown }).message === 'string' && typeof (f as { hint?: unknown }).hint === 'string';
  const r = p as { problems?: unknown; warnings?: unknown } | null;
  if (!r || typeof r !== 'object' || !Array.isArray(r.problems) || !Array.isArray(r.warnings) || ![...r.problems, ...r.warnings].every(item)) {
    return 'its preflight is not a list of problems and warnings, each with a message and a hint';
  }
  for (const f of r.problems as { pin?: unknown }[]) {
    const pin = f.pin as Record<string, unknown> | undefined | null;
    if (pin !== undefined && (!pin || typeof pin !== 'object' || (pin.pin !== 'baseline' && pin.pin !== 'target') || typeof pin.tag !== 'string' || typeof pin.pinned !== 'string')) {
      return 'a pin problem of its preflight does not say which pin, tag and commit';
    }
  }
  return undefined;
}

/** Whether cutover `version` journals the preflight in run.started (0.3.0 and later). */
function journalsPreflight(version: unknown): boolean {
  const m = /^(\d+)\.(\d+)\./.exec(String(version));
  if (!m) return true; // not a version cutover writes: held to the current rules
  const [major, minor] = [Number(m[1]), Number(m[2])];
  return major > 0 || minor >= 3;
}
