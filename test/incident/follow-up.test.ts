// Issue 13A: a follow-up step (the joint incident summary, due 24 h after
// the trigger) does not hold the run: the rollback run started from the
// cutover run closes with the summary open (GO reached), and `cutover
// resume` on the closed bundle records it later; both bundles verify.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { cli } from '../helpers/cli.js';
import { journalOf, OPERATOR, workspace, writeYaml } from './fixture.js';

const APPROVERS = { pa: 'Priya Producer', ca: 'Marco Consumer' };

describe('follow-up steps', () => {
  it('a rollback run closes with its 24 h summary open; cutover resume on the closed bundle records it; verify passes before and after', async () => {
    const ws = workspace();
    const rb = parse(readFileSync(ws.rollback, 'utf8')) as { sections: { steps: Record<string, unknown>[] }[] };
    rb.sections[0]!.steps.find((s) => s.id === 'summary')!.follow_up = true;
    writeYaml(ws.rollback, rb);
    writeYaml(join(ws.dir, 'answers.yaml'), {
      answers: { rc: true, notify: true, sign: APPROVERS, decide: { option: 'go', otherwise: { option: 'no-go', remediation: 'roll back' } } },
      triggers: [{ id: 'envelope-mismatch', after: 'rc', note: 'legacy_error in prod' }],
    });
    const cut = await cli(['run', 'cutover.yaml', '--plain', '--answers', 'answers.yaml', '--var', 'channel=#bridge', '--operator', OPERATOR], { cwd: ws.dir });
    expect(cut.code, cut.stdout + cut.stderr).toBe(1);
    const cutBundle = join(ws.dir, /Evidence bundle: (\S+)/.exec(cut.stdout)![1]!);
    writeYaml(join(ws.dir, 'rb-answers.yaml'), { answers: { 'initial-notice': true, recommendation: true, 'rollback-executed': true, repin: true, owners: APPROVERS, done: { option: 'complete' } } });
    const r = await cli(['run', 'rollback.yaml', '--from', cutBundle, '--var', 'ticket=INC-9', '--plain', '--answers', 'rb-answers.yaml', '--operator', OPERATOR], { cwd: ws.dir });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('summary: Joint incident summary — a follow-up, left open');
    expect(r.stdout).toMatch(/Deadline: Joint incident summary \(summary\) within 24h of the trigger, due \S+ — open/);
    const bundle = join(ws.dir, /Evidence bundle: (\S+)/.exec(r.stdout)![1]!);
    expect(journalOf(bundle).at(-1)).toMatchObject({ type: 'run.closed', outcome: 'GO' });
    const before = await cli(['verify', bundle]);
    expect(before.code, before.stdout).toBe(0);
    writeYaml(join(ws.dir, 'later.yaml'), { answers: { summary: { note: 'sent to the joint decision log' } } });
    const later = await cli(['resume', bundle, '--plain', '--answers', 'later.yaml', '--operator', 'Dana Decisionlog'], { cwd: ws.dir });
    expect(later.code, later.stdout + later.stderr).toBe(0);
    expect(later.stdout).toContain('1 follow-up(s) recorded, 0 open');
    const tail = journalOf(bundle).slice(-2);
    expect(tail).toMatchObject([{ type: 'run.resumed', follow_up: true, operator: 'Dana Decisionlog' }, { type: 'step.confirmed', step: 'summary', by: 'Dana Decisionlog' }]);
    for (const b of [bundle, cutBundle]) {
      const after = await cli(['verify', b]);
      expect(after.code, after.stdout).toBe(0);
    }
    // Nothing is left: the closed run is not opened again.
    const again = await cli(['resume', bundle, '--plain'], { cwd: ws.dir });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('the run is closed');
  }, 300_000);
});
