// Issue 10 (14): the disk fills (here: a real file size limit, `ulimit -f`,
// which makes write() fail with EFBIG exactly as ENOSPC would) while cutover
// writes a run's first evidence — the runbook copy, the lock, run.started —
// or the lock of a run it resumes. The message names the file and says what
// to do, with no stack trace, and nothing is left half-made: no bundle
// without a journal, no empty journal, no lock, no temp file.
import { cpSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers/cli.js';
import { cutoverArgv, cutoverShell, run, STACK, tempDir } from './helpers.js';
import { snapshot } from '../helpers/snapshot.js';

/** The mini fixture in a temp dir, with a var whose value makes run.started larger than the runbook copy. */
function mini(): { dir: string; runbook: string; answers: string; evidence: string } {
  const dir = tempDir();
  cpSync(join(REPO, 'test', 'fixtures', 'mini'), dir, { recursive: true });
  const runbook = join(dir, 'runbook.yaml');
  writeFileSync(runbook, readFileSync(runbook, 'utf8').replace('sections:', 'vars:\n  notes: { type: string, description: free text }\nsections:'));
  return { dir, runbook, answers: join(dir, 'answers.yaml'), evidence: join(dir, 'evidence') };
}

/** `cutover ...args` under `ulimit -f blocks` (1024-byte blocks). */
function limited(blocks: number, args: string[], cwd: string) {
  return run(['/bin/bash', '-c', `ulimit -f ${blocks} && exec ${cutoverShell(args)}`], { cwd, env: { TSX_DISABLE_CACHE: '1' } });
}


describe('disk full while a run starts', () => {
  it('run.started cannot be written: a clear message, exit 2, and no bundle left behind', async () => {
    const fx = mini();
    expect(statSync(fx.runbook).size).toBeLessThan(3 * 1024); // the runbook copy and the lock fit under the limit…
    const notes = 'n'.repeat(4000); // …the first event does not
    const r = await limited(3, ['run', fx.runbook, '--plain', '--answers', fx.answers, '--evidence-dir', fx.evidence, '--operator', 'Cap', '--var', `notes=${notes}`], fx.dir);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stderr).toMatch(/^cutover: the run could not start: cannot write \S+\/journal\.ndjson: file too large/m);
    expect(r.stderr).toContain('nothing of it was kept (the new bundle');
    expect(r.stderr).toContain('then run the same command again');
    expect(r.stderr).not.toContain('cutover resume');
    expect(r.stderr).not.toMatch(STACK);
    expect(readdirSync(fx.evidence)).toEqual([]);
  });

  it('not even the runbook copy can be written: the same, and no empty bundle directory', async () => {
    const fx = mini();
    const r = await limited(0, ['run', fx.runbook, '--plain', '--answers', fx.answers, '--evidence-dir', fx.evidence, '--operator', 'Cap', '--var', 'notes=x'], fx.dir);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stderr).toMatch(/^cutover: the run could not start: cannot write \S+\/runbook\.yaml: file too large/m);
    expect(r.stderr).not.toMatch(STACK);
    expect(readdirSync(fx.evidence)).toEqual([]);
  });

  it("resume cannot write the bundle's lock: the lock is named, the run stays resumable, nothing is changed", async () => {
    const fx = mini();
    writeFileSync(fx.answers, readFileSync(fx.answers, 'utf8').replace(/^ {2}decide:.*$/m, ''));
    const paused = await run(cutoverArgv(['run', fx.runbook, '--plain', '--answers', fx.answers, '--evidence-dir', fx.evidence, '--operator', 'Cap', '--var', 'notes=x']), { cwd: fx.dir });
    expect(paused.code, paused.stdout + paused.stderr).toBe(3);
    const bundle = join(fx.evidence, readdirSync(fx.evidence)[0]!);
    const before = snapshot(bundle);
    const r = await limited(0, ['resume', bundle, '--plain', '--answers', fx.answers], fx.dir);
    expect(r.code, r.stdout + r.stderr).toBe(3);
    expect(r.stderr).toContain(`cutover: cannot write ${join(bundle, '.lock')}: file too large`);
    expect(r.stderr).toContain(`cutover resume ${bundle}`);
    expect(r.stderr).not.toContain('internal error');
    expect(r.stderr).not.toMatch(STACK);
    expect(snapshot(bundle)).toEqual(before); // no lock, no temp file, no event

    const resumed = await run(cutoverArgv(['resume', bundle, '--plain', '--answers', fx.answers]), { cwd: fx.dir });
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(3); // still waiting for the decision, as before
  });
});
