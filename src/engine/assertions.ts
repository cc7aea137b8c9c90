// A command step's output assertions (`expect:`), as the runner judges them
// and the journal records them: one list, in one order, with one wording,
// so that `cutover verify` can hold the recorded list against the runbook.
import type { CommandStep } from '../runbook/types.js';

export interface ExpectedAssertion {
  /** The text the journal records, e.g. `stdout contains "ok"`. */
  assertion: string;
  needle: string;
  /** true: the stream must contain it; false: must not. */
  want: boolean;
  stream: 'stdout' | 'stderr';
  /** An `environment_failure` pattern: found, it makes a failed attempt an environment failure (it never fails one by itself). */
  environment?: boolean;
}

/** The output assertions of a command step, in the order they are recorded. */
export function expectedAssertions(step: CommandStep): ExpectedAssertion[] {
  const e = step.expect ?? {};
  const groups: [string, string[] | undefined, boolean, 'stdout' | 'stderr'][] = [
    ['stdout contains', e.stdout_contains, true, 'stdout'],
    ['stdout does not contain', e.stdout_not_contains, false, 'stdout'],
    ['stderr contains', e.stderr_contains, true, 'stderr'],
    ['stderr does not contain', e.stderr_not_contains, false, 'stderr'],
  ];
  const own = groups.flatMap(([label, needles, want, stream]) => (needles ?? []).map((needle) => ({ assertion: `${label} ${JSON.stringify(needle)}`, needle, want, stream })));
  // Recorded after the runbook's own assertions: ok = the pattern is not in that stream.
  const environment = (step.environment_failure ?? []).flatMap((needle) =>
    (['stdout', 'stderr'] as const).map((stream) => ({ assertion: `${stream} shows no environment failure ${JSON.stringify(needle)}`, needle, want: false, stream, environment: true as const })),
  );
  return [...own, ...environment];
}
