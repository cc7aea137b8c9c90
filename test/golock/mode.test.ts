// GO rule 1: `GO (runtime cutover)` exists only in cutover mode; a
// rehearsal can never produce it.
import { describe, expect, it } from 'vitest';
import { expectAcceptedGo, expectRefusedGo } from './expect.js';
import { eventsOf, LABEL, runPlain } from '../fixtures/engine/scenario.js';

describe('GO lock: runtime cutover only in cutover mode', () => {
  it('refuses GO (runtime cutover) in a rehearsal, saying it is a rehearsal', async () => {
    const run = await runPlain({ mode: 'rehearsal', answers: (a) => (a.decide = { option: 'go-runtime' }) });
    expect(eventsOf(run.events, 'run.started')[0]?.rehearsal).toBe(true);
    await expectRefusedGo({ ...run, option: 'go-runtime' }, `${LABEL.runtime} is never available in a REHEARSAL; start a run with --mode cutover on cutover day`);
    // Everything else was green: the mode is the only reason.
    expect(eventsOf(run.events, 'decision.refused').flatMap((r) => r.reasons)).toHaveLength(1);
  });

  it('accepts GO (runtime cutover) in --mode cutover when every gate is green', async () => {
    const run = await runPlain({ mode: 'cutover', answers: (a) => (a.decide = { option: 'go-runtime' }) });
    expect(run.result.stdout).toContain(`Decision: ${LABEL.runtime}`);
    expect(run.result.stdout).not.toContain('REHEARSAL');
    await expectAcceptedGo(run.bundle, run.result, 'go-runtime');
    expect(eventsOf(run.events, 'run.closed')[0]?.outcome).toBe('GO');
  });
});
