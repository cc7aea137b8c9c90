// Review finding 13/10, with real processes: `run --from` cut short between
// the rollback run's run.started and the cutover run's rollback.started. The
// crash state is made for real: a real `run --from` in a child process, then
// the cutover bundle put back as it was before, with its journal up to the
// head the rollback run recorded (what was on disk when the kill came). Resuming the rollback bundle records the
// missing rollback.started and both bundles verify; when the cutover
// journal has moved on since, the resume is refused with how to repair.
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JournalEvent } from '../../src/engine/events.js';
import { JOURNAL_FILE } from '../../src/evidence/journal.js';
import { Session } from '../../src/session/session.js';
import { cli } from '../helpers/cli.js';
import { journalOf, OPERATOR, workspace, writeYaml } from './fixture.js';

const APPROVERS = { pa: 'Priya Producer', ca: 'Marco Consumer' };

/** A paused cutover run with the rollback trigger open; its rollback run started by `cutover run --from` (paused), then the cutover journal cut back as a kill would have left it. */
async function cutShort(): Promise<{ ws: ReturnType<typeof workspace>; cutover: string; rollback: string; head: string }> {
  const ws = workspace();
  const s = Session.start({ runbookPath: ws.cutover, mode: 'rehearsal', vars: { channel: '#bridge' }, evidenceDir: ws.evidence, operator: OPERATOR });
  const cutover = s.bundleDir;
  s.confirm('rc');
  expect(s.declareTrigger('envelope-mismatch', 'legacy_error in a 400')).toEqual({ ok: true });
  s.pause('switching');
  await s.writeSummaries();
  s.release();
  // The bundle as the kill would find it: its summaries from before the start, its journal up to the head the rollback run names.
  const before = join(ws.dir, 'cutover-before');
  cpSync(cutover, before, { recursive: true });
  const rb = await cli(['run', 'rollback.yaml', '--from', cutover, '--var', 'ticket=INC-9', '--plain', '--operator', 'Rita Responder'], { cwd: ws.dir });
  expect(rb.code, rb.stdout + rb.stderr).toBe(3);
  const rollback = join(ws.dir, rb.stdout.match(/`\S+ resume (\S+) --answers FILE`/)![1]!);
  const lines = readFileSync(join(cutover, JOURNAL_FILE), 'utf8').trim().split('\n');
  const at = lines.findIndex((l) => (JSON.parse(l) as JournalEvent).type === 'rollback.started');
  expect(at).toBeGreaterThan(0);
  rmSync(cutover, { recursive: true });
  cpSync(before, cutover, { recursive: true });
  writeFileSync(join(cutover, JOURNAL_FILE), `${lines.slice(0, at).join('\n')}\n`);
  const head = (journalOf(rollback)[0] as Extract<JournalEvent, { type: 'run.started' }>).rollback_of!.journal_head;
  expect(journalOf(cutover).at(-1)!.hash).toBe(head);
  return { ws, cutover, rollback, head };
}

describe('a rollback start cut short between the two journals', () => {
  it('resume of the rollback bundle records the missing rollback.started; both bundles then verify', async () => {
    const { ws, cutover, rollback } = await cutShort();
    const before = await cli(['verify', rollback]);
    expect(before.code).toBe(1);
    expect(before.stdout).toContain('does not link back to this run');
    writeYaml(join(ws.dir, 'rb-answers.yaml'), { answers: { 'initial-notice': true, recommendation: true, 'rollback-executed': true, repin: true, summary: true, owners: APPROVERS, done: { option: 'complete' } } });
    const r = await cli(['resume', rollback, '--plain', '--answers', 'rb-answers.yaml', '--operator', 'Rita Responder'], { cwd: ws.dir });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stderr).toContain('its rollback.started is recorded now, and the two bundles link both ways');
    const back = journalOf(cutover).slice(-2);
    expect(back.map((e) => e.type)).toEqual(['rollback.started', 'run.paused']);
    expect(back[0]).toMatchObject({ run_id: (journalOf(rollback)[0] as { run_id: string }).run_id, journal_head: journalOf(rollback)[0]!.hash, trigger: 'envelope-mismatch' });
    for (const b of [rollback, cutover]) {
      const v = await cli(['verify', b]);
      expect(v.code, v.stdout).toBe(0);
    }
    // A second resume finds the link there and adds nothing.
    const n = journalOf(cutover).length;
    await cli(['resume', rollback, '--plain'], { cwd: ws.dir });
    expect(journalOf(cutover)).toHaveLength(n);
  }, 90_000);

  it('refuses, with how to repair, once the cutover journal has moved on past the recorded head', async () => {
    const { ws, cutover, rollback, head } = await cutShort();
    const s = Session.resume(cutover, { operator: OPERATOR });
    s.pause('later');
    s.release();
    const r = await cli(['resume', rollback, '--plain'], { cwd: ws.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`no longer ends at the head ${head}`);
    expect(r.stderr).toContain('--from');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(journalOf(cutover).some((e) => e.type === 'rollback.started')).toBe(false);
  }, 90_000);
});
