// GO rule 2: every required step has passed in this run — a skipped (waived)
// or failed step blocks, a step marked required: false does not.
import { describe, expect, it } from 'vitest';
import { expectAcceptedGo, expectRefusedGo } from './expect.js';
import { eventsOf, runPlain, stepOf } from '../fixtures/engine/scenario.js';

describe('GO lock: required steps', () => {
  it('refuses a GO when a required step was skipped, naming the waiver', async () => {
    const run = await runPlain({ answers: (a) => (a['producer-suite'] = { skip: 'cargo is broken on the bastion' }) });
    expect(run.result.stdout).toContain('⊘ producer-suite skipped: cargo is broken on the bastion');
    expect(eventsOf(run.events, 'step.skipped').map((e) => [e.step, e.reason])).toEqual([['producer-suite', 'cargo is broken on the bastion']]);
    await expectRefusedGo({ ...run, option: 'go-rehearsal' }, 'required step "Producer suite" (producer-suite) was skipped ("cargo is broken on the bastion"); a waiver blocks a GO');
  });

  it('refuses a GO when a required command failed (`false`)', async () => {
    const run = await runPlain({ edit: (rb) => (stepOf(rb, 'producer-suite').run = ['false']) });
    expect(run.result.stdout).toContain('✗ producer-suite FAILED');
    await expectRefusedGo({ ...run, option: 'go-rehearsal' }, 'required step "Producer suite" (producer-suite) failed on attempt 1: exit code 1, expected 0');
  });

  it("refuses a GO when a required shell command exits 3 (`sh -c 'exit 3'`)", async () => {
    const run = await runPlain({ edit: (rb) => Object.assign(stepOf(rb, 'consumer-suite'), { run: 'sh -c \'exit 3\'', shell: false }) });
    const finished = eventsOf(run.events, 'step.finished').find((e) => e.step === 'consumer-suite');
    expect(finished?.result?.exit_code).toBe(3);
    await expectRefusedGo({ ...run, option: 'go-rehearsal' }, 'required step "Consumer suite" (consumer-suite) failed on attempt 1: exit code 3, expected 0');
  });

  it('does not block a GO on a failed step marked required: false', async () => {
    const run = await runPlain({ edit: (rb) => (stepOf(rb, 'optional-lint').run = ['false']) });
    expect(run.result.stdout).toContain('✗ optional-lint FAILED');
    await expectAcceptedGo(run.bundle, run.result, 'go-rehearsal');
  });
});
