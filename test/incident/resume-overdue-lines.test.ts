// A deadline and a next-update ETA that passed while the run was paused are
// journaled by resume (deadline.overdue, update.overdue) — and the plain log
// prints them as it prints one passing mid-run (review 13b, finding 8).
// The run is made two hours in the past (a session on a clock set back),
// then resumed through the CLI on the real clock: no waiting.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { Session } from '../../src/session/session.js';
import { journalOf, OPERATOR, workspace, writeYaml } from './fixture.js';
import { UPDATE_STEPS } from './updates-fixture.js';

describe('overdue on resume (plain)', () => {
  it('prints ✗ DEADLINE OVERDUE and ✗ NEXT UPDATE OVERDUE for what resume journaled', async () => {
    const ws = workspace(UPDATE_STEPS);
    const past = Date.now() - 2 * 3600_000;
    const s = Session.start({ runbookPath: ws.cutover, mode: 'rehearsal', vars: { channel: '#bridge' }, evidenceDir: ws.evidence, operator: OPERATOR, now: () => new Date(past) });
    try {
      expect(s.confirm('rc')).toEqual({ ok: true });
      expect(s.declareTrigger('envelope-mismatch', 'legacy_error in a 400')).toEqual({ ok: true });
      expect(s.recordInput('assess', { impact: 'x', eta: 'now+30m' })).toEqual({ ok: true });
      expect(s.sendNotice('incident-notice')).toEqual({ ok: true });
      s.pause('test');
    } finally {
      s.release();
    }
    expect(journalOf(s.bundleDir).some((e) => e.type === 'update.overdue' || e.type === 'deadline.overdue')).toBe(false);
    writeYaml(join(ws.dir, 'answers.yaml'), { answers: {} });
    const r = await cli(['resume', s.bundleDir, '--plain', '--answers', 'answers.yaml', '--operator', OPERATOR], { cwd: ws.dir });
    const out = r.stdout + r.stderr;
    expect(r.code, out).toBe(3); // waits at the status update / notify
    const types = journalOf(s.bundleDir).map((e) => e.type);
    expect(types.slice(types.lastIndexOf('run.resumed'))).toEqual(expect.arrayContaining(['deadline.overdue', 'update.overdue']));
    expect(out).toMatch(/✗ DEADLINE OVERDUE: Incident notice sent \(notify\)/);
    expect(out).toMatch(/✗ NEXT UPDATE OVERDUE: /);
    expect(out.match(/✗ NEXT UPDATE OVERDUE/g)).toHaveLength(1);
  });
});
