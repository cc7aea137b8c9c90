// Secret masking end to end: the runbook declares `secrets: [DEPLOY_TOKEN]`,
// the token is in cutover's environment, and commands print it whole, split
// across two writes with a pause between, and in the output tail of a failed
// step. The value must appear in no file of the bundle and not on cutover's
// stdout or stderr — while the masked output is still there.
//
// Then every other way a secret reached the evidence or the terminal in
// clear (issue 10): through a var fed by a secret environment variable, a
// cwd, an argv, a shell command, a step's env, check parameters and a path
// that cannot be started — and an output assertion that must judge what the
// command printed, not the masked log.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleIn, journalEvents, runCli, scratch } from '../crash/helpers.js';
import { cliInProcess } from '../helpers/cli-in-process.js';

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

describe('masking leaves what the runbook itself says', () => {
  it('an environment variable named like a key whose value is a word of the runbook (a label) does not break the decision or verify', async () => {
    const s = scratch({ runbook: 'hostile/secrets.yaml', answers: 'hostile/secrets-answers.yaml' }, { NODE: process.execPath });
    const run = await runCli(['run', s.runbook, '--plain', '--answers', s.answers, '--evidence-dir', s.evidence, '--operator', 'Olga Operator'], {
      cwd: s.dir,
      env: { DEPLOY_TOKEN: TOKEN, RELEASE_KEY_WORD: 'NO-GO' },
    });
    expect(run.code, run.stdout + run.stderr).toBe(1);
    const bundle = bundleIn(s.evidence)!;
    const decided = journalEvents(bundle).find((e) => e.type === 'decision.recorded') as { label?: string; confirmed_text?: string } | undefined;
    expect(decided).toMatchObject({ label: 'NO-GO', confirmed_text: 'NO-GO' });
    const verified = await runCli(['verify', bundle], { cwd: s.dir });
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
  });
});

/** A quote of each kind: JSON and the shell write it escaped, which must not slip past the mask either. */
const DEPLOY_TOKEN = `dpl-"quo'ted-7f3a9c`;
/** Not declared, but named like a key; a runbook assertion looks for a part of it. */
const SIGNING_KEY = 'sk-live-MARK-LEAK-5e6d';

/** A secret as written, and as JSON or a shell command would quote it. */
function forms(secret: string): string[] {
  return [secret, JSON.stringify(secret).slice(1, -1), secret.replaceAll("'", `'\\''`), secret.replace(/[\\$`"]/g, '\\$&')];
}

/** Every form of either secret found in `text`. */
function leaks(text: string | Buffer): string[] {
  return [...new Set([DEPLOY_TOKEN, SIGNING_KEY].flatMap(forms))].filter((f) => text.includes(f));
}

type Ev = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('secrets are masked wherever they go, and assertions see the raw output', () => {
  const env = { DEPLOY_TOKEN, SIGNING_KEY };

  it('a run leaks neither secret into any file of the bundle, the plain log or an error, and the assertions judge the raw bytes', async () => {
    const s = scratch({ runbook: 'hostile/secrets-everywhere.yaml' }, { NODE: process.execPath });
    mkdirSync(join(s.dir, `work-${DEPLOY_TOKEN}`));
    const run = await runCli(['run', s.runbook, '--plain', '--evidence-dir', s.evidence, '--operator', 'Olga Operator'], { cwd: s.dir, env });
    expect(run.code, run.stdout + run.stderr).toBe(1); // steps failed on purpose
    const bundle = bundleIn(s.evidence)!;

    const files = filesUnder(bundle);
    expect(files.filter((f) => leaks(readFileSync(f)).length).map((f) => `${relative(bundle, f)}: ${leaks(readFileSync(f)).join(', ')}`)).toEqual([]);
    expect(leaks(run.stdout)).toEqual([]);
    expect(leaks(run.stderr)).toEqual([]);

    // What was masked is there, as *** — the checks above are not vacuous.
    const events = journalEvents(bundle) as Ev[];
    const started = (step: string) => events.find((e) => e.type === 'step.started' && e.step === step)!;
    const finished = (step: string) => events.find((e) => e.type === 'step.finished' && e.step === step)!;
    expect(events[0]!.vars).toEqual({ deploy_cred: '***' });
    expect(started('in-secret-dir').command).toMatchObject({ cwd: join(s.dir, 'work-***'), env: { AUTH_HEADER: 'Bearer ***' } });
    expect(started('in-secret-dir').command.argv.at(-1)).toBe('***');
    expect(started('shell-quoted').command.shell).toBe(`test -n '***' && test -n "***"`);
    expect(started('check-params').check.params).toEqual({ contract: 'v2', sample: 'samples/***.json' });
    expect(finished('tool-missing').result).toMatchObject({ outcome: 'spawn-failed', error: 'cannot run "./bin-***/deploy": no such file (or the interpreter on its #! line is missing)' });
    expect(finished('cwd-missing').result).toMatchObject({ outcome: 'spawn-failed', error: `working directory does not exist: ${join(s.dir, 'gone-***')}` });
    expect(run.stdout).toMatch(/tool-missing FAILED in [\d.]+s: could not start: cannot run "\.\/bin-\*\*\*\/deploy"/);
    expect(run.stdout).toContain(`preflight: [cwd-missing] working directory ${join(s.dir, 'gone-***')} does not exist`);

    // The gates judge what the commands printed: the marker is inside the
    // key, so the log shows *** — and yet the one step fails and the other passes.
    expect(finished('key-gate').assertions).toEqual([{ assertion: 'stderr does not contain "MARK-LEAK"', ok: false }]);
    expect(finished('key-proof').assertions).toEqual([{ assertion: 'stdout contains "MARK-LEAK"', ok: true }]);
    expect(readFileSync(join(bundle, 'steps/key-gate/attempt-1/stderr.log'), 'utf8')).toBe('using ***\n');
    expect(readFileSync(join(bundle, 'steps/key-proof/attempt-1/stdout.log'), 'utf8')).toBe('signed by ***\n');
    const manifest = JSON.parse(readFileSync(join(bundle, 'manifest.json'), 'utf8')) as { steps: { id: string; status: string }[] };
    expect(Object.fromEntries(manifest.steps.map((st) => [st.id, st.status]))).toEqual({
      'in-secret-dir': 'passed',
      'shell-quoted': 'passed',
      'tool-missing': 'failed',
      'cwd-missing': 'failed',
      'check-params': 'failed',
      'key-gate': 'failed',
      'key-proof': 'passed',
    });

    // Masked before hashing: the chain, the digests and the fold agree.
    const verified = await runCli(['verify', bundle], { cwd: s.dir });
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
  });

  it('a resumed run masks as the run did: a var journaled as *** stays secret when it is given again', async () => {
    const s = scratch({ runbook: 'hostile/secrets-everywhere.yaml' }, { NODE: process.execPath });
    mkdirSync(join(s.dir, `work-${DEPLOY_TOKEN}`));
    // A var that holds the token inside a URL, and a manual step at the end so the plain run pauses.
    const text = readFileSync(s.runbook, 'utf8')
      .replace('vars:\n', 'vars:\n  endpoint: { type: string, description: where to deploy }\n')
      .concat(`      - { id: uses-endpoint, kind: command, title: Uses the endpoint, run: ["${process.execPath}", "-e", "0", "\${endpoint}"] }\n`)
      .concat('      - { id: checked, kind: confirm, title: Checked, statement: "Deployed to ${endpoint}" }\n');
    writeFileSync(s.runbook, text);
    const endpoint = `https://deploy:${DEPLOY_TOKEN}@example.test/`;
    const first = await runCli(['run', s.runbook, '--plain', '--evidence-dir', s.evidence, '--var', `endpoint=${endpoint}`], { cwd: s.dir, env });
    expect(first.code, first.stdout + first.stderr).toBe(3);
    const bundle = bundleIn(s.evidence)!;
    expect((journalEvents(bundle) as Ev[])[0]!.vars).toEqual({ endpoint: '***', deploy_cred: '***' });

    // The token is no longer in the environment; the vars are given again, the step runs again.
    const again = await runCli(['resume', bundle, '--plain', '--var', `endpoint=${endpoint}`, '--var', 'deploy_cred=another-credential-42', '--retry', 'uses-endpoint'], {
      cwd: s.dir,
      env: { DEPLOY_TOKEN: undefined, SIGNING_KEY: undefined },
    });
    expect(again.code, again.stdout + again.stderr).toBe(3);
    const retried = (journalEvents(bundle) as Ev[]).find((e) => e.type === 'step.started' && e.step === 'uses-endpoint' && e.attempt === 2)!;
    expect(retried.command.argv.at(-1)).toBe('***'); // the whole var, as it was journaled
    for (const f of filesUnder(bundle)) expect(leaks(readFileSync(f)), relative(bundle, f)).toEqual([]);
    expect(leaks(first.stdout + first.stderr + again.stdout + again.stderr)).toEqual([]);
    expect(readFileSync(join(bundle, 'journal.ndjson'), 'utf8')).not.toContain('another-credential-42');
  });

  it('`cutover plan` shows neither secret, as text or as JSON', async () => {
    const s = scratch({ runbook: 'hostile/secrets-everywhere.yaml' }, { NODE: process.execPath });
    const text = await cliInProcess(['plan', s.runbook], { cwd: s.dir, env });
    expect(text.code, text.stderr).toBe(1); // the preflight names the missing tool and cwd
    expect(text.stdout).toContain('deploy_cred = ***');
    expect(text.stdout).toContain(`cwd ${join(s.dir, 'work-***')}`);
    expect(leaks(text.stdout + text.stderr)).toEqual([]);

    const json = await cliInProcess(['plan', s.runbook, '--json'], { cwd: s.dir, env });
    expect(json.code, json.stderr).toBe(1);
    expect(leaks(json.stdout + json.stderr)).toEqual([]);
    const out = JSON.parse(json.stdout) as { vars: Record<string, string>; steps: { id: string; command: { argv: string[] } | null; check: { params: unknown } | null }[] };
    expect(out.vars).toEqual({ deploy_cred: '***' });
    expect(out.steps.find((st) => st.id === 'in-secret-dir')!.command!.argv.at(-1)).toBe('***');
    expect(out.steps.find((st) => st.id === 'check-params')!.check!.params).toEqual({ contract: 'v2', sample: 'samples/***.json' });

    // Given with --var instead: the var reads a secret env, so it is a secret whatever its name.
    const given = await cliInProcess(['plan', s.runbook, '--json', '--var', `deploy_cred=${SIGNING_KEY}`], { cwd: s.dir, env: { DEPLOY_TOKEN: undefined, SIGNING_KEY: undefined } });
    expect(given.code, given.stderr).toBe(1);
    expect(leaks(given.stdout + given.stderr)).toEqual([]);
    expect((JSON.parse(given.stdout) as { vars: unknown }).vars).toEqual({ deploy_cred: '***' });
  });

  it('a var that holds a secret and is refused (wrong type) is named without its value', async () => {
    const s = scratch({ runbook: 'hostile/secrets-everywhere.yaml' }, { NODE: process.execPath });
    writeFileSync(s.runbook, readFileSync(s.runbook, 'utf8').replace('deploy_cred: { type: string', 'deploy_cred: { type: url'));
    const r = await runCli(['run', s.runbook, '--plain', '--evidence-dir', s.evidence], { cwd: s.dir, env });
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stderr).toContain('var deploy_cred="***" is not a URL');
    expect(leaks(r.stdout + r.stderr)).toEqual([]);
  });
});
