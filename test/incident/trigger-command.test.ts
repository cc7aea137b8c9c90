// Issue 13A: `cutover trigger` from another terminal — against a paused
// run (opened, journaled through the session, paused again) and against a
// run a live cutover process holds (a request it picks up, checks and
// journals) — with its refusals naming what is wrong and the fix.
import { spawn } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { JournalEvent } from '../../src/engine/events.js';
import { dropRequest, readAnswer } from '../../src/session/trigger-requests.js';
import { cli, DIST, distIsFresh, REPO } from '../helpers/cli.js';
import { journalOf, OPERATOR, workspace, writeYaml } from './fixture.js';

async function pausedRun(ws: ReturnType<typeof workspace>): Promise<string> {
  writeYaml(join(ws.dir, 'answers.yaml'), { answers: { rc: true } });
  const r = await cli(['run', 'cutover.yaml', '--plain', '--answers', 'answers.yaml', '--var', 'channel=#bridge', '--operator', OPERATOR], { cwd: ws.dir });
  expect(r.code, r.stdout + r.stderr).toBe(3);
  return join(ws.dir, r.stdout.match(/`\S+ resume (\S+) --answers FILE`/)![1]!);
}

describe('cutover trigger', () => {
  it('against a paused run: refusals name the fix and write nothing; a valid one is journaled with its identification time, and the run verifies', async () => {
    const ws = workspace();
    const bundle = await pausedRun(ws);
    const before = journalOf(bundle).length;
    const typo = await cli(['trigger', bundle, 'envelope-mismach', '--note', 'x']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('"envelope-mismach" is not a rollback trigger of runbook mini-cut');
    expect(typo.stderr).toContain('did you mean "envelope-mismatch"');
    const low = await cli(['trigger', bundle, 'envelope-mismatch', '--note', 'x', '--severity', 'SEV-3']);
    expect(low.code).toBe(2);
    expect(low.stderr).toContain('below the matrix minimum SEV-1');
    const future = await cli(['trigger', bundle, 'envelope-mismatch', '--note', 'x', '--identified-at', '2999-01-01T00:00:00Z']);
    expect(future.code).toBe(2);
    expect(future.stderr).toContain('in the future');
    const noNote = await cli(['trigger', bundle, 'envelope-mismatch']);
    expect(noNote.code).toBe(2);
    expect(noNote.stderr).toContain('--note');
    expect(journalOf(bundle)).toHaveLength(before);
    for (const r of [typo, low, future, noNote]) expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    const ok = await cli(['trigger', bundle, 'payload-drift', '--note', 'commit_sha drifted', '--severity', 'SEV-1', '--identified-at', journalOf(bundle)[0]!.at, '--operator', 'Rita Responder']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('Declared rollback trigger payload-drift (SEV-1)');
    expect(ok.stdout).toContain('GO stays locked while it is open.');
    const events = journalOf(bundle).slice(before);
    expect(events.map((e) => e.type)).toEqual(['run.resumed', 'trigger.declared', 'run.paused']);
    const declared = events[1] as Extract<JournalEvent, { type: 'trigger.declared' }>;
    // The declarer is who requested it; the run's operator stays the only operator (review finding 9).
    expect(events[0]).toMatchObject({ operator: OPERATOR });
    expect(declared).toMatchObject({ trigger: 'payload-drift', severity: 'SEV-1', by: OPERATOR, requested_by: 'Rita Responder', note: 'commit_sha drifted' });
    // Identified when the run started, entered later (never before the run started: review finding 12).
    expect(declared.identified_at).toBe(journalOf(bundle)[0]!.at);
    expect(Date.parse(declared.at)).toBeGreaterThan(Date.parse(declared.identified_at!));
    // Clearing: a reason is required; then it is recorded with who cleared it.
    const clearNoNote = await cli(['trigger', bundle, '--clear', 'payload-drift']);
    expect(clearNoNote.code).toBe(2);
    expect(clearNoNote.stderr).toContain('the reason');
    const cleared = await cli(['trigger', bundle, '--clear', 'payload-drift', '--note', 'fixed and re-verified', '--operator', 'Rita Responder']);
    expect(cleared.code, cleared.stderr).toBe(0);
    expect(journalOf(bundle).filter((e) => e.type === 'trigger.cleared')).toMatchObject([{ trigger: 'payload-drift', note: 'fixed and re-verified', by: OPERATOR, requested_by: 'Rita Responder' }]);
    const v = await cli(['verify', bundle]);
    expect(v.code, v.stdout).toBe(0);
  }, 150_000);

  it('against a run a live cutover process holds: the session picks the request up and journals it; the plain log says so', async () => {
    const ws = workspace([{ id: 'wait', kind: 'command', title: 'Wait for the go file', run: ['node', '-e', "const f=process.argv[1];const t=setInterval(()=>{if(require('fs').existsSync(f)){clearInterval(t)}},50)", '${gofile}'] }]);
    const gofile = join(ws.dir, 'go');
    // The runbook gains a var for the file the waiting step watches.
    const rb = (await import('yaml')).parse((await import('node:fs')).readFileSync(ws.cutover, 'utf8')) as { vars: Record<string, unknown> };
    rb.vars.gofile = { type: 'string', description: 'file that ends the wait' };
    writeYaml(ws.cutover, rb);
    writeYaml(join(ws.dir, 'answers.yaml'), { answers: { rc: true } });
    const entry = distIsFresh() ? [DIST] : [join(REPO, 'node_modules/tsx/dist/cli.mjs'), join(REPO, 'src/cli.ts')];
    const child = spawn(process.execPath, [...entry, 'run', 'cutover.yaml', '--plain', '--answers', 'answers.yaml', '--var', 'channel=#bridge', '--var', `gofile=${gofile}`, '--operator', OPERATOR], { cwd: ws.dir, env: { ...process.env, NO_COLOR: '1' } });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    try {
      const bundle = await vi.waitFor(() => {
        const m = /bundle: (\S+)/.exec(out);
        if (!m) throw new Error('no bundle yet');
        const dir = join(ws.dir, m[1]!);
        if (!journalOf(dir).some((e) => e.type === 'step.started' && e.step === 'wait')) throw new Error('wait step not started');
        return dir;
      }, { timeout: 30_000, interval: 100 });
      // Identified when the run started (never before it: review finding 12).
      const t = await cli(['trigger', bundle, 'envelope-mismatch', '--note', 'legacy_error in prod', '--identified-at', journalOf(bundle)[0]!.at, '--operator', 'Rita Responder']);
      expect(t.code, t.stdout + t.stderr).toBe(0);
      expect(t.stderr).toContain('request handed to it');
      expect(t.stdout).toContain('Rollback protocol (once the run has stopped): ');
      const declared = journalOf(bundle).find((e) => e.type === 'trigger.declared') as Extract<JournalEvent, { type: 'trigger.declared' }>;
      expect(declared).toMatchObject({ trigger: 'envelope-mismatch', severity: 'SEV-1', by: OPERATOR, requested_by: 'Rita Responder' });
      const refused = await cli(['trigger', bundle, 'envelope-mismatch', '--note', 'again']);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('already open'); // the command's own pre-check
      // The same request dropped as the command drops it, without its pre-check: the session refuses it, and says why.
      const id = dropRequest(bundle, { action: 'declare', trigger: 'envelope-mismatch', note: 'again', by: 'Rita Responder' });
      const answer = await vi.waitFor(() => {
        const a = readAnswer(bundle, id);
        if (!a) throw new Error('no answer yet');
        return a;
      }, { timeout: 15_000, interval: 100 });
      expect(answer).toMatchObject({ ok: false });
      expect(answer.reasons?.join('; ')).toContain('trigger "envelope-mismatch" is already open');
      expect(journalOf(bundle).filter((e) => e.type === 'trigger.declared')).toHaveLength(1);
      await vi.waitFor(() => {
        if (!out.includes('⚠ ROLLBACK TRIGGER')) throw new Error('not printed yet');
      }, { timeout: 10_000, interval: 100 });
      expect(out).toContain('declared by Rita Responder with cutover trigger');
      writeFileSync(gofile, '');
      expect(await exited).toBe(3); // the run goes on and pauses at the next manual step
      expect(readdirSync(join(bundle, '.tmp')).filter((f) => f.startsWith('trigger-'))).toEqual([]);
      const v = await cli(['verify', bundle]);
      expect(v.code, v.stdout).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  }, 90_000);
});
