// Secret masking end to end: the runbook declares `secrets: [DEPLOY_TOKEN]`,
// the token is in cutover's environment, and commands print it whole, split
// across two writes with a pause between, and in the output tail of a failed
// step. The value must appear in no file of the bundle and not on cutover's
// stdout or stderr — while the masked output is still there.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleIn, journalEvents, runCli, scratch } from '../crash/helpers.js';

const TOKEN = 's3cr3t-value-123';

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

describe('secret masking', () => {
  it('a secret printed whole, split across writes, or in a failure tail is nowhere in the bundle nor on stdout', async () => {
    const s = scratch({ runbook: 'hostile/secrets.yaml', answers: 'hostile/secrets-answers.yaml' }, { NODE: process.execPath });
    const run = await runCli(['run', s.runbook, '--plain', '--answers', s.answers, '--evidence-dir', s.evidence, '--operator', 'Olga Operator'], {
      cwd: s.dir,
      env: { DEPLOY_TOKEN: TOKEN },
    });
    expect(run.code, run.stdout + run.stderr).toBe(1); // the failing step makes it a NO-GO
    const bundle = bundleIn(s.evidence)!;

    const files = filesUnder(bundle);
    expect(files.length).toBeGreaterThan(10);
    const leaking = files.filter((f) => readFileSync(f).includes(TOKEN)).map((f) => relative(bundle, f));
    expect(leaking).toEqual([]);
    expect(run.stdout).not.toContain(TOKEN);
    expect(run.stderr).not.toContain(TOKEN);

    // The output is there, masked — so the checks above are not vacuous.
    const log = (step: string, stream: string) => readFileSync(join(bundle, 'steps', step, 'attempt-1', `${stream}.log`), 'utf8');
    expect(log('echo', 'stdout')).toBe('token=***\n');
    expect(log('echo', 'stderr')).toBe('stderr token=***\n');
    expect(log('split', 'stdout')).toBe('a***z\n');
    expect(log('split', 'stderr')).toBe('b***y\n');
    expect(run.stdout).toContain('deploying with ***');
    expect(journalEvents(bundle).filter((e) => e.type === 'step.finished').map((e) => e.step)).toEqual(['echo', 'split', 'fails']);

    const verified = await runCli(['verify', bundle], { cwd: s.dir });
    expect(verified.code, verified.stdout).toBe(0);
  });
});
