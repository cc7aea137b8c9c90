// The demo's answers file against the demo runbook: every manual step is
// answered with what its kind requires (links and notes where the step says
// required, valid input values, two distinct approvers who are not the
// operator), and the demo has the same shape as the real cutover day.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAnswers } from '../../src/session/answers.js';
import { validateInput } from '../../src/session/inputs.js';
import { resolvePins } from '../../src/runbook/resolve.js';
import type { Step } from '../../src/runbook/types.js';
import { PACKAGE_ROOT } from '../shipped/cli.js';
import { loadDemoRunbook } from './sandbox.js';

const DEMO_OPERATOR = 'Demo Captain';
const demo = loadDemoRunbook(join(PACKAGE_ROOT, 'checklists', 'demo', 'demo.yaml'));
const cutoverDay = loadDemoRunbook(join(PACKAGE_ROOT, 'checklists', 'service-v3-cutover-day.yaml'));
const answers = loadAnswers(join(PACKAGE_ROOT, 'checklists', 'demo', 'answers.yaml'), demo);
const steps = demo.sections.flatMap((s) => s.steps);
const manual = steps.filter((s) => s.kind !== 'command' && s.kind !== 'check');

describe('checklists/demo/answers.yaml', () => {
  it.each(manual.map((s) => [s.id, s] as [string, Step]))('answers %s as its kind requires', (id, step) => {
    const a = answers.get(id);
    expect(a, `no answer for ${id}`).toBeDefined();
    expect(a!.kind).toBe(step.kind);
    switch (step.kind) {
      case 'confirm':
        if (a!.kind !== 'confirm') break;
        if (step.link === 'required') expect(a!.link).toMatch(/^https:\/\//);
        if (step.note === 'required') expect(a!.note?.length ?? 0).toBeGreaterThan(10);
        break;
      case 'input':
        if (a!.kind === 'input') expect(validateInput(step, a!.values)).toEqual([]);
        break;
      case 'signoff':
        if (a!.kind !== 'signoff') break;
        expect(Object.keys(a!.names).sort()).toEqual([...step.roles].sort());
        expect(new Set(Object.values(a!.names)).size).toBe(step.roles.length);
        expect(Object.values(a!.names)).not.toContain(DEMO_OPERATOR);
        break;
      case 'decision':
        if (a!.kind !== 'decision') break;
        expect(step.options.find((o) => o.id === a!.option)?.label).toBe('GO (rehearsal continuation)');
        expect(step.options.find((o) => o.id === a!.otherwise?.option)).toMatchObject({ go: false, remediation: true });
        expect(a!.otherwise?.remediation?.length ?? 0).toBeGreaterThan(40);
        break;
      default:
        break;
    }
  });

  it('leaves command and check steps to run by themselves', () => {
    for (const s of steps.filter((x) => x.kind === 'command' || x.kind === 'check')) expect(answers.get(s.id), s.id).toBeUndefined();
  });

  it('names the same approvers in the decision record and the joint sign-off', () => {
    const record = answers.get('decision-record');
    const signoff = answers.get('joint-signoff');
    if (record?.kind !== 'input' || signoff?.kind !== 'signoff') throw new Error('decision-record or joint-signoff is not answered');
    expect(signoff.names).toEqual({ producer_approver: record.values.producer_approver, consumer_approver: record.values.consumer_approver });
    expect([record.values.rollback_target_tag, record.values.rollback_target_sha]).toEqual([demo.baseline.release_tag, demo.baseline.commit]);
  });
});

describe('the demo runbook has the shape of the cutover day', () => {
  it('is rehearsal-only, with the same pins, roles and trigger matrix', () => {
    expect(demo.modes).toEqual(['rehearsal']);
    // The cutover day pins its commits through vars whose defaults are the published pins.
    const pins = resolvePins(cutoverDay, Object.fromEntries(Object.entries(cutoverDay.vars ?? {}).map(([k, v]) => [k, String(v.default ?? '')])));
    expect(demo.baseline).toEqual(pins.baseline);
    expect(demo.target).toEqual(pins.target);
    expect(demo.roles).toEqual(cutoverDay.roles);
    expect(demo.triggers).toEqual(cutoverDay.triggers);
  });

  it('has the same sections, and the same manual steps with the same ids and kinds', () => {
    expect(demo.sections.map((s) => s.id)).toEqual(cutoverDay.sections.map((s) => s.id));
    const manualOf = (rb: typeof demo) => rb.sections.flatMap((s) => s.steps).filter((s) => s.kind !== 'command' && s.kind !== 'check').map((s) => `${s.id}:${s.kind}`);
    expect(manualOf(demo)).toEqual(manualOf(cutoverDay));
  });

  it('pins every producer command to the prepared commit, like the cutover day pins the target', () => {
    const producerCommands = steps.filter((s) => s.kind === 'command' && s.cwd === '${producer_root}');
    expect(producerCommands.length).toBeGreaterThanOrEqual(5);
    for (const s of producerCommands) expect(s).toMatchObject({ pin_commit: '${producer_commit}' });
    expect(steps.filter((s) => s.kind === 'check').map((s) => s.kind === 'check' && s.check).sort()).toEqual(['artifact-digest', 'envelope', 'handoff-payload', 'handoff-payload']);
  });

  it('offers GO (rehearsal continuation) and NO-GO, never a runtime cutover', () => {
    const decision = steps.find((s) => s.id === 'go-no-go');
    expect(decision?.kind === 'decision' && decision.options.map((o) => o.label)).toEqual(['GO (rehearsal continuation)', 'NO-GO']);
  });
});
