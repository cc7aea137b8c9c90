// Status updates in a plain run (issue 13): the answers file lists them in
// order; each is sent when the run reaches the step, the log says so with
// the ETA it starts, and the end of the run lists every next-update ETA
// (met, or pending at the close). A resumed run sends only the entries not
// sent yet. Both runs' bundles verify.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { journalOf, OPERATOR, workspace, writeYaml } from './fixture.js';
import { UPDATE_STEPS } from './updates-fixture.js';

const APPROVERS = { pa: 'Priya Producer', ca: 'Marco Consumer' };
const update = (state: string, eta: string) => ({ state, rollback_tag: 'v0.3.2', eta });

describe('status updates from the answers file (plain)', () => {
  it('sends the listed updates in order, logs each ETA, lists them at the end; a resume sends only the new entries', async () => {
    const ws = workspace(UPDATE_STEPS);
    const first = { rc: true, assess: { impact: 'Draft enrichment falls back', eta: 'now+30m' }, 'incident-notice': true, status: [update('in progress', 'now+20m')] };
    writeYaml(join(ws.dir, 'answers.yaml'), { answers: first });
    const run = await cli(['run', 'cutover.yaml', '--plain', '--answers', 'answers.yaml', '--var', 'channel=#bridge', '--operator', OPERATOR], { cwd: ws.dir });
    expect(run.code, run.stdout + run.stderr).toBe(3); // waits at the next manual step (notify)
    expect(run.stdout).toMatch(/✓ incident-notice: Incident notice — sent to #bridge at \S+ \(notices\/incident-notice\.md\)\n {2}next update due \S+Z \(in \d\d:\d\d\): the countdown starts/);
    expect(run.stdout).toMatch(/✓ status: Status update #1 — sent to #bridge at \S+ \(notices\/status\.update-1\.md\)\n {2}next update due \S+Z \(in \d\d:\d\d\): the countdown starts/);
    const bundle = join(ws.evidence, readdirSync(ws.evidence).find((d) => d.endsWith('_mini-cut'))!);

    writeYaml(join(ws.dir, 'answers.yaml'), { answers: { ...first, status: [update('in progress', 'now+20m'), { ...update('executed', 'now+1h'), channel: '#war-room' }], notify: true, sign: APPROVERS, decide: { option: 'go' } } });
    const resumed = await cli(['resume', bundle, '--plain', '--answers', 'answers.yaml', '--operator', OPERATOR], { cwd: ws.dir });
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
    expect(resumed.stdout).not.toContain('Status update #1');
    expect(resumed.stdout).toContain('✓ status: Status update #2 — sent to #war-room');
    expect(resumed.stdout).toMatch(/Next update: next update promised by incident-notice \(sent \S+\), due \S+: met by status #1/);
    expect(resumed.stdout).toMatch(/Next update: next update promised by status #1 \(sent \S+\), due \S+: met by status #2/);
    expect(resumed.stdout).toMatch(/Next update: next update promised by status #2 \(sent \S+\), due \S+: still pending when the run closed/);
    expect(journalOf(bundle).filter((e) => e.type === 'notice.updated').map((e) => (e as { update: number }).update)).toEqual([1, 2]);
    const v = await cli(['verify', bundle]);
    expect(v.code, v.stdout).toBe(0);
    const report = await cli(['report', bundle, '--format', 'json']);
    const json = JSON.parse(report.stdout) as { status_updates?: { update: number; eta_status: string }[] };
    expect(json.status_updates?.map((u) => [u.update, u.eta_status])).toEqual([[1, 'met'], [2, 'pending']]);
  });
});
