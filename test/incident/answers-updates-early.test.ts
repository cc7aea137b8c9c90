// An answers file's status updates are checked before the run starts
// (review 13b, finding 9): a value its equals: refuses (the pin) and a
// fixed ETA already past are refused naming the file, the update and the
// field, with nothing written — no bundle is created.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { OPERATOR, workspace, writeYaml } from './fixture.js';
import { UPDATE_STEPS } from './updates-fixture.js';

async function runWith(status: Record<string, string>[]) {
  const ws = workspace(UPDATE_STEPS);
  writeYaml(join(ws.dir, 'answers.yaml'), { answers: { rc: true, assess: { impact: 'x', eta: 'now+30m' }, 'incident-notice': true, status } });
  const r = await cli(['run', 'cutover.yaml', '--plain', '--answers', 'answers.yaml', '--var', 'channel=#bridge', '--operator', OPERATOR], { cwd: ws.dir });
  const bundles = existsSync(ws.evidence) ? readdirSync(ws.evidence) : [];
  return { ...r, out: r.stdout + r.stderr, bundles };
}

describe('answers-file status updates checked before the run', () => {
  it('refuses an update whose tag is not the pin (equals:) before anything is written', async () => {
    const r = await runWith([{ state: 'in progress', rollback_tag: 'v9.9.9', eta: 'now+30m' }]);
    expect(r.code, r.out).toBe(2);
    expect(r.out).toMatch(/answers\.yaml:\d+:\d+: update 1 of "status": Rollback target tag must equal \$\{baseline\.release_tag\} = "v0\.3\.2"; the value given is "v9\.9\.9"/);
    expect(r.out).not.toMatch(/at .*\.ts:\d+/);
    expect(r.bundles).toEqual([]);
  });

  it('refuses a fixed ETA already past before anything is written', async () => {
    const r = await runWith([{ state: 'in progress', rollback_tag: 'v0.3.2', eta: '2020-01-01T00:00:00Z' }]);
    expect(r.code, r.out).toBe(2);
    expect(r.out).toMatch(/answers\.yaml:\d+:\d+: update 1 of "status": Next update ETA \(UTC\) must be a time in the future: 2020-01-01T00:00:00Z is not later than the time this file is read/);
    expect(r.out).toContain('now+30m');
    expect(r.bundles).toEqual([]);
  });
});
