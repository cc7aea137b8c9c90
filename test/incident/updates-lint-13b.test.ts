// Lint of status updates, review 13b: next_update naming an optional field
// (#5) or another step's field (#7), and a step requiring a status-update
// notice (#10) — each refused at its file:line:col with the fix.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { cutoverRunbook, workspace, writeYaml } from './fixture.js';
import { UPDATE_STEPS } from './updates-fixture.js';

type StepDoc = Record<string, unknown>;

async function lintWith(edit: (steps: StepDoc[]) => void) {
  const ws = workspace();
  const steps = structuredClone(UPDATE_STEPS) as StepDoc[];
  edit(steps);
  const file = writeYaml(join(ws.dir, 'updates.yaml'), cutoverRunbook(steps));
  const r = await cli(['lint', file]);
  return { ...r, out: r.stdout + r.stderr };
}

const status = (steps: StepDoc[]) => steps.find((s) => s.id === 'status')!;

describe('lint of status updates (review 13b)', () => {
  it('refuses next_update naming an optional field of the update step', async () => {
    const r = await lintWith((steps) => {
      (status(steps).fields as StepDoc[])[2]!.required = false;
    });
    expect(r.code, r.out).toBe(2);
    expect(r.out).toMatch(/updates\.yaml:\d+:\d+: .*next_update of status-update notice "status" names status\.eta, which is optional \(required: false\)/);
    expect(r.out).toContain('remove required: false from that field');
  });

  it('refuses next_update of an update step naming another step\'s field', async () => {
    const r = await lintWith((steps) => {
      status(steps).next_update = '${assess.eta}';
    });
    expect(r.code, r.out).toBe(2);
    expect(r.out).toMatch(/updates\.yaml:\d+:\d+: .*next_update of status-update notice "status" names assess\.eta, a field of another step: each update promises its own next time/);
    expect(r.out).toContain('write next_update: ${status.next_update_eta} (a field of this step)');
  });

  it('refuses requires: naming a status-update notice', async () => {
    const r = await lintWith((steps) => {
      steps.push({ id: 'after', kind: 'confirm', title: 'After', statement: 'done', requires: ['status'] });
    });
    expect(r.code, r.out).toBe(2);
    expect(r.out).toMatch(/updates\.yaml:\d+:\d+: .*step "after" requires "status", a status-update notice: updates are sent any number of times while the run is open and never required/);
  });
});
