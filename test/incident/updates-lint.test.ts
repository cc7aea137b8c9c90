// Lint of status-update notices and next_update (issue 13): each mistake
// named at its line, with the fix.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { cutoverRunbook, workspace, writeYaml } from './fixture.js';
import { UPDATE_STEPS } from './updates-fixture.js';

type StepDoc = Record<string, unknown>;

function lintWith(edit: (steps: StepDoc[]) => void) {
  const ws = workspace();
  const steps = structuredClone(UPDATE_STEPS) as StepDoc[];
  edit(steps);
  const file = writeYaml(join(ws.dir, 'updates.yaml'), cutoverRunbook(steps));
  return cli(['lint', file]);
}

describe('lint of status updates', () => {
  it('accepts the fixture', async () => {
    const r = await lintWith(() => {});
    expect(r.code, r.stdout + r.stderr).toBe(0);
  });

  it('refuses updates without next_update, fields without updates, a reserved field id, a next_update that is not a future timestamp, and another step using an update\'s field', async () => {
    const r = await lintWith((steps) => {
      const status = steps.find((s) => s.id === 'status')!;
      delete status.next_update;
      (status.fields as StepDoc[])[0]!.id = 'number';
      steps.find((s) => s.id === 'incident-notice')!.fields = [{ id: 'x', label: 'X', type: 'text' }];
      (steps.find((s) => s.id === 'assess')!.fields as StepDoc[])[1]!.future = false;
      steps.push({ id: 'echo', kind: 'notice', title: 'Echo', template: 'State: ${status.state}' });
    });
    expect(r.code).toBe(2);
    const out = r.stdout + r.stderr;
    expect(out).toContain('status-update notice "status" has no next_update: each update promises the time of the next one');
    expect(out).toContain('notice "incident-notice" has fields but no `updates: true`');
    expect(out).toContain('status-update notice "status" has a field "number", a reserved name');
    expect(out).toContain('next_update of notice "incident-notice" names assess.eta, which is not a timestamp field with future: true');
    expect(out).toContain('${status.state} refers to step "status", which is a notice step, not an input');
    expect(out).toContain("a status update's fields are only for its own template and next_update");
  });
});
