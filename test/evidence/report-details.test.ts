// What the report says about a run, through the CLI's commands (in-process) on a temp runbook
// and a real git checkout: a step held back by a failed prerequisite is
// said in the plain log (and in the record); every attempt of a step is in
// the Markdown report with its exit code, duration and git HEAD, not only
// the last one; a decision step under a NO-GO reads "NO-GO recorded", never
// "passed"; and verify accepts the bundle that renders so.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliInProcess } from '../helpers/cli-in-process.js';

let dir: string;
let head: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cutover-report-details-'));
  const repo = join(dir, 'producer');
  mkdirSync(repo);
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.invalid', '-c', 'commit.gpgsign=false', ...args], { cwd: repo, encoding: 'utf8' }).trim();
  git('init', '-q');
  git('commit', '-q', '--allow-empty', '-m', 'one');
  head = git('rev-parse', 'HEAD');
  writeFileSync(
    join(dir, 'runbook.yaml'),
    `format: cutover-runbook/v1
id: report-details
title: Report details
version: "1.0"
modes: [rehearsal]
baseline: { release_tag: v1.0.0, commit: ${'a'.repeat(40)} }
target: { release_tag: v1.1.0, commit: ${'b'.repeat(40)} }
roles:
  - { id: pa, title: Producer approver, side: producer }
  - { id: ca, title: Consumer approver, side: consumer }
sections:
  - id: gates
    title: Gates
    steps:
      - id: flaky
        kind: command
        title: Fails once, then passes
        run: [sh, -c, 'if [ -f ../flaky-ran ]; then exit 0; fi; touch ../flaky-ran; echo first try fails; exit 3']
        cwd: producer
        pin_commit: ${head}
      - id: after-flaky
        kind: command
        title: Needs the flaky step
        requires: [flaky]
        run: "true"
      - id: after-after
        kind: command
        title: Needs the step that needs the flaky one
        requires: [after-flaky]
        run: "true"
      - id: joint-signoff
        kind: signoff
        title: Joint sign-off
        roles: [pa, ca]
        statement: We approve
      - id: decide
        kind: decision
        title: Decide
        options:
          - { id: go, label: GO, go: true, requires_steps: all }
          - { id: nogo, label: NO-GO, go: false, remediation: true }
`,
  );
  writeFileSync(join(dir, 'sign.yaml'), 'answers:\n  joint-signoff: { pa: Priya Raman, ca: Tomas Alvarez }\n');
  writeFileSync(join(dir, 'decide.yaml'), 'answers:\n  joint-signoff: { pa: Priya Raman, ca: Tomas Alvarez }\n  decide: { option: nogo, remediation: hold until the consumer suite is green }\n');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('report details', () => {
  it('says a step was not run for its failed prerequisite, lists every attempt, shows the NO-GO as recorded', async () => {
    const evidence = join(dir, 'ev');
    const first = await cliInProcess(['run', 'runbook.yaml', '--plain', '--answers', 'sign.yaml', '--evidence-dir', evidence, '--operator', 'Olga Operator'], { cwd: dir });
    expect(first.code, first.stdout + first.stderr).toBe(3);
    expect(first.stdout).toContain('✗ flaky FAILED');
    expect(first.stdout).toContain('↷ after-flaky not run: it requires "flaky", which failed');
    // Said once, in order: before the sign-off the run went on to.
    expect(first.stdout.indexOf('↷ after-flaky')).toBeLessThan(first.stdout.indexOf('joint-signoff: Joint sign-off'));
    expect(first.stdout.match(/↷ after-flaky/g)).toHaveLength(1);
    // Down the chain: held back by a step that was not run.
    expect(first.stdout).toContain('↷ after-after not run: it requires "after-flaky", which was not run');
    const bundle = join(evidence, readdirSync(evidence)[0]!);
    expect(readFileSync(join(bundle, 'decision-record.md'), 'utf8')).toContain('| pending — not run: it requires flaky (failed) |');

    const second = await cliInProcess(['resume', bundle, '--plain', '--retry', 'flaky', '--answers', 'decide.yaml'], { cwd: dir });
    expect(second.code, second.stdout + second.stderr).toBe(1);
    expect(second.stdout).toContain('✓ flaky passed');
    expect(second.stdout).toContain('✓ after-flaky passed');
    expect(second.stdout).not.toContain('↷');
    expect(second.stdout).toContain('✓ after-after passed');
    expect(second.stdout).toMatch(/Outcome: NO-GO \(REHEARSAL\) — 4 passed, 0 failed, 0 skipped, 0 not done/);

    const report = await cliInProcess(['report', bundle]);
    expect(report.code, report.stderr).toBe(0);
    const md = report.stdout;
    expect(md).toMatch(/\| ■ \| Decide \(`decide`\) \| decision \| NO-GO recorded \|/);
    expect(md).not.toMatch(/Decide \(`decide`\) \| decision \| passed/);
    const rows = md.split('\n').filter((l) => l.startsWith('| `flaky` |'));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(new RegExp(`^\\| \`flaky\` \\| 1 \\| [0-9T:.-]+Z \\| failed — exit code 3, expected 0 \\| exit 3 \\| \\d+\\.\\d s \\| \`${head}\` \\|$`));
    expect(rows[1]).toMatch(new RegExp(`^\\| \`flaky\` \\| 2 \\| [0-9T:.-]+Z \\| passed \\| exit 0 \\| \\d+\\.\\d s \\| \`${head}\` \\|$`));
    // A step outside a git checkout has no HEAD to show, said so.
    expect(md).toMatch(/\| `after-flaky` \| 1 \| [0-9T:.-]+Z \| passed \| exit 0 \| \d+\.\d s \| — \|/);
    // The JSON report says the same: the decision step decided NO-GO, it did not "pass".
    const json = await cliInProcess(['report', bundle, '--json']);
    expect(json.code, json.stderr).toBe(0);
    const decideStep = (JSON.parse(json.stdout) as { steps: { id: string; status: string; decided?: string }[] }).steps.find((x) => x.id === 'decide');
    expect(decideStep).toMatchObject({ status: 'decided', decided: 'NO-GO' });
    // The report is the record the bundle holds, and verify renders the same.
    expect(readFileSync(join(bundle, 'decision-record.md'), 'utf8')).toBe(md.endsWith('\n') ? md : `${md}\n`);
    const verify = await cliInProcess(['verify', bundle]);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
  });
});
