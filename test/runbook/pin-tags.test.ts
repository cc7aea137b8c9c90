// The release pins held against a real git repository made here: `plan`
// names each tag that points elsewhere than its pin (both commits) or does
// not exist; pins given as vars fix it; a cutover does not start while the
// repository disagrees; a rehearsal journals the preflight in run.started,
// its GO stays locked with that reason, the decision record shows it and
// `cutover verify` accepts the bundle.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../helpers/cli.js';
import { cliInProcess } from '../helpers/cli-in-process.js';

let dir: string;
let repo: string;
/** First commit (tag v0.3.2) and second commit (tag v0.4.0, annotated; HEAD). */
let first: string;
let second: string;

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.invalid', '-c', 'commit.gpgsign=false', '-c', 'tag.gpgsign=false', ...args], { cwd, encoding: 'utf8' }).trim();

/** A runbook whose pins are the vars baseline_commit and target_commit, defaulting to the given commits. */
function runbook(baselineDefault: string, targetDefault: string, root: string): string {
  const file = join(dir, `rb-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(
    file,
    `format: cutover-runbook/v1
id: pin-tags
title: Pin tags
version: "1.0"
modes: [rehearsal, cutover]
baseline: { release_tag: v0.3.2, commit: "\${baseline_commit}" }
target: { release_tag: v0.4.0, commit: "\${target_commit}" }
roles:
  - { id: pa, title: Producer approver, side: producer }
  - { id: ca, title: Consumer approver, side: consumer }
vars:
  baseline_commit: { type: sha, description: baseline commit, default: ${baselineDefault} }
  target_commit: { type: sha, description: target commit, default: ${targetDefault} }
  root: { type: path, description: producer checkout, default: ${root} }
sections:
  - id: gates
    title: Gates
    steps:
      - id: clean
        kind: command
        title: Checkout clean
        run: git diff --quiet HEAD
        cwd: \${root}
        pin_commit: \${target.commit}
      - id: still-clean
        kind: command
        title: Checkout still clean
        run: git diff --quiet HEAD
        cwd: \${root}
        pin_commit: \${target.commit}
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
  return file;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cutover-pin-tags-'));
  repo = join(dir, 'producer');
  mkdirSync(repo);
  git(repo, 'init', '-q');
  writeFileSync(join(repo, 'a.txt'), 'one\n');
  git(repo, 'add', 'a.txt');
  git(repo, 'commit', '-q', '-m', 'one');
  git(repo, 'tag', 'v0.3.2');
  writeFileSync(join(repo, 'a.txt'), 'two\n');
  git(repo, 'commit', '-q', '-am', 'two');
  git(repo, 'tag', '-a', '-m', 'release', 'v0.4.0');
  first = git(repo, 'rev-parse', 'v0.3.2^{commit}');
  second = git(repo, 'rev-parse', 'HEAD');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('release tags checked against the pins', () => {
  it('plan names each tag that points elsewhere, with both commits and the --var that fixes it', async () => {
    // The pins swapped: v0.3.2 is first but the baseline pins second, v0.4.0 is second but the target pins first.
    const r = await cliInProcess(['plan', runbook(second, first, repo)]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain(`release tag v0.3.2 (baseline) points to ${first} in ${repo}, not to the pinned baseline commit ${second} (${second.slice(0, 7)} is tagged v0.4.0 here)`);
    expect(r.stdout).toContain(`if v0.3.2 is the release, pass --var baseline_commit=${first}`);
    expect(r.stdout).toContain(`release tag v0.4.0 (target) points to ${second} in ${repo}, not to the pinned target commit ${first} (${first.slice(0, 7)} is tagged v0.3.2 here)`);
    expect(r.stdout).toContain(`pass --var target_commit=${second}; if ${first} is, retag it (git tag -f v0.4.0 ${first}`);
    // Checked once per checkout, though two steps pin it.
    expect(r.stdout.match(/release tag v0\.4\.0/g)).toHaveLength(1);
  });

  it('says nothing about tags when the repository confirms the pins', async () => {
    const r = await cliInProcess(['plan', runbook(first, second, repo)]);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).not.toContain('release tag v');
    // The check is said to have happened: each tag found at its pin.
    expect(r.stdout).toContain(`release tags in ${repo}: v0.3.2 ✓, v0.4.0 ✓`);
  });

  it('pins given as --var fix a runbook without editing it', async () => {
    const file = runbook(second, first, repo);
    const r = await cliInProcess(['plan', file, '--var', `baseline_commit=${first}`, '--var', `target_commit=${second}`]);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toContain(`baseline: v0.3.2 ${first}`);
    expect(r.stdout).toContain(`target:   v0.4.0 ${second}`);
    const json = JSON.parse((await cliInProcess(['plan', file, '--json', '--var', `target_commit=${second}`])).stdout) as { release_tags: unknown; preflight: { problems: { message: string; pin?: { pin: string; tag: string; pinned: string; actual: string } }[] } };
    expect(json.preflight.problems.map((p) => p.pin)).toEqual([{ pin: 'baseline', tag: 'v0.3.2', pinned: second, actual: first, checkout: repo }]);
    expect(json.release_tags).toEqual([{ checkout: repo, confirmed: ['v0.4.0'] }]);
  });

  it('names a tag that does not exist, and a commit that is not in the repository', async () => {
    const other = mkdtempSync(join(dir, 'notags-'));
    git(other, 'init', '-q');
    git(other, 'commit', '-q', '--allow-empty', '-m', 'only');
    git(other, 'tag', 'v0.4.0');
    const head = git(other, 'rev-parse', 'HEAD');
    const absent = 'e'.repeat(40);
    const r = await cliInProcess(['plan', runbook(absent, head, other)]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`release tag v0.3.2 (baseline) does not exist in ${other}; the baseline pin says it is commit ${absent}`);
    expect(r.stdout).toContain(`fetch the tags (git -C ${other} fetch --tags)`);
    expect(r.stdout).not.toContain('release tag v0.4.0');
    git(other, 'tag', 'v0.3.2');
    const moved = await cliInProcess(['plan', runbook(absent, head, other)]);
    expect(moved.stdout).toContain(`release tag v0.3.2 (baseline) points to ${head} in ${other}, not to the pinned baseline commit ${absent} (eeeeeee is not in this repository)`);
  });

  it('says once that a checkout is not a git repository, and once that a checkout is missing', async () => {
    const plain = mkdtempSync(join(dir, 'plain-'));
    const r = await cliInProcess(['plan', runbook(first, second, plain)]);
    expect(r.code).toBe(1);
    expect(r.stdout.match(/is not a git checkout/g)).toHaveLength(1);
    expect(r.stdout).not.toContain('release tag');
    const gone = await cliInProcess(['plan', runbook(first, second, join(dir, 'nowhere'))]);
    expect(gone.stdout.match(/working directory .*nowhere does not exist/g)).toHaveLength(1);
    expect(gone.stdout).not.toContain('release tag');
  });
});

describe('a run with pins the repository does not confirm', () => {
  it('--mode cutover does not start: exit 2, both commits named, no bundle written', async () => {
    const evidence = join(dir, 'ev-cutover');
    const r = await cliInProcess(['run', runbook(first, first, repo), '--mode', 'cutover', '--plain', '--evidence-dir', evidence, '--operator', 'Olga Operator']);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stderr).toContain('the repository does not confirm the release pins, so the cutover does not start');
    expect(r.stderr).toContain(`release tag v0.4.0 (target) points to ${second} in ${repo}, not to the pinned target commit ${first}`);
    // At the pin it is about: the runbook's target.commit, line 7.
    expect(r.stderr).toMatch(/rb-\w+\.yaml:7:\d+ \(target\.commit\): release tag v0\.4\.0 \(target\)/);
    expect(r.stderr).toContain(`hint: if v0.4.0 is the release, pass --var target_commit=${second}`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(evidence) ? readdirSync(evidence) : []).toEqual([]);
  });

  it('a rehearsal starts, journals the preflight, keeps its GO locked with the reason, and verifies', async () => {
    const evidence = join(dir, 'ev-rehearsal');
    const answers = join(dir, 'answers.yaml');
    writeFileSync(answers, 'answers:\n  joint-signoff: { pa: Priya Raman, ca: Tomas Alvarez }\n  decide:\n    option: go\n    otherwise: { option: nogo, remediation: fix the pins }\n');
    // The target tag confirms its pin, the baseline's does not (HEAD is at the target).
    const r = await cliInProcess(['run', runbook(second, second, repo), '--plain', '--answers', answers, '--evidence-dir', evidence, '--operator', 'Olga Operator']);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toContain(`preflight: [clean] release tag v0.3.2 (baseline) points to ${first}`);
    expect(r.stdout).toContain("WARNING: the repository does not confirm the release pins (above): this run's GO is locked");
    expect(r.stdout).toMatch(/GO — REFUSED, the GO lock holds:\n {2}- the repository did not confirm the baseline pin when the run started: release tag v0\.3\.2 \(baseline\) points to/);
    expect(r.stdout).toContain('Decision: NO-GO');
    const [bundle] = readdirSync(evidence);
    const bundleDir = join(evidence, bundle!);
    const started = JSON.parse(readFileSync(join(bundleDir, 'journal.ndjson'), 'utf8').split('\n')[0]!) as { preflight: { problems: { pin?: unknown }[]; warnings: unknown[] } };
    expect(started.preflight.problems.map((p) => p.pin)).toEqual([{ pin: 'baseline', tag: 'v0.3.2', pinned: second, actual: first, checkout: repo }]);
    const record = readFileSync(join(bundleDir, 'decision-record.md'), 'utf8');
    expect(record).toContain('## Preflight');
    expect(record).toContain(`release tag v0.3.2 (baseline) points to ${first}`);
    const verify = await cliInProcess(['verify', bundleDir]);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
  });

  it('a rehearsal whose pins the repository confirms journals an empty preflight and may reach GO', async () => {
    const evidence = join(dir, 'ev-ok');
    const answers = join(dir, 'answers-ok.yaml');
    writeFileSync(answers, 'answers:\n  joint-signoff: { pa: Priya Raman, ca: Tomas Alvarez }\n  decide: { option: go }\n');
    const r = await cliInProcess(['run', runbook(first, second, repo), '--plain', '--answers', answers, '--evidence-dir', evidence, '--operator', 'Olga Operator']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).not.toContain('WARNING');
    const [bundle] = readdirSync(evidence);
    const started = JSON.parse(readFileSync(join(evidence, bundle!, 'journal.ndjson'), 'utf8').split('\n')[0]!) as { preflight: unknown };
    expect(started.preflight).toEqual({ problems: [], warnings: [] });
  });
});

describe('the shipped cutover-day runbook against a producer checkout whose tags disagree with its pins', () => {
  it('names both disagreements, and --var baseline_commit / target_commit fix them without editing the runbook', async () => {
    const file = join(REPO, 'checklists/service-v3-cutover-day.yaml');
    const checkouts = ['--var', `producer_root=${repo}`, '--var', `consumer_root=${dir}`, '--var', `envelope_sample=${join(dir, 'sample.json')}`];
    const as = await cliInProcess(['plan', file, ...checkouts]);
    expect(as.code).toBe(1);
    expect(as.stdout).toContain(`release tag v0.4.0 (target) points to ${second} in ${repo}, not to the pinned target commit 7e4806a34b98e6c06ee33fa9f11499a975e7b922 (7e4806a is not in this repository)`);
    expect(as.stdout).toContain(`pass --var target_commit=${second}`);
    expect(as.stdout).toContain(`release tag v0.3.2 (baseline) points to ${first} in ${repo}, not to the pinned baseline commit cf331449e1589581a5dcbb3adecd3e9ae4509277`);
    expect(as.stdout).toContain(`pass --var baseline_commit=${first}`);
    const fixed = await cliInProcess(['plan', file, ...checkouts, '--var', `baseline_commit=${first}`, '--var', `target_commit=${second}`]);
    expect(fixed.stdout).not.toContain('release tag v');
    expect(fixed.stdout).toContain(`release tags in ${repo}: v0.3.2 ✓, v0.4.0 ✓`);
    expect(fixed.stdout).not.toContain('not at the pinned commit');
    expect(fixed.stdout).toContain(`pinned: git HEAD must be ${second}`);
  });
});

describe('resuming a rehearsal that started with an unconfirmed pin', () => {
  it('says again that the GO is locked, from the journal, and keeps it locked', async () => {
    const evidence = join(dir, 'ev-resume');
    writeFileSync(join(dir, 'sign-only.yaml'), 'answers:\n  joint-signoff: { pa: Priya Raman, ca: Tomas Alvarez }\n');
    writeFileSync(join(dir, 'decide.yaml'), 'answers:\n  decide:\n    option: go\n    otherwise: { option: nogo, remediation: start again with the right pins }\n');
    const paused = await cliInProcess(['run', runbook(second, second, repo), '--plain', '--answers', join(dir, 'sign-only.yaml'), '--evidence-dir', evidence, '--operator', 'Olga Operator']);
    expect(paused.code, paused.stdout + paused.stderr).toBe(3);
    const bundle = join(evidence, readdirSync(evidence)[0]!);
    // The tag is moved to the pin after the start: the run keeps what it found then.
    git(repo, 'tag', '-f', 'v0.3.2', second);
    try {
      const resumed = await cliInProcess(['resume', bundle, '--plain', '--answers', join(dir, 'decide.yaml')]);
      expect(resumed.code, resumed.stdout + resumed.stderr).toBe(1);
      expect(resumed.stdout).toContain(`preflight: [clean] release tag v0.3.2 (baseline) points to ${first}`);
      expect(resumed.stdout).toContain("WARNING: the repository does not confirm the release pins (above): this run's GO is locked");
      expect(resumed.stdout).toContain('- the repository did not confirm the baseline pin when the run started');
      expect(resumed.stdout).toContain('Decision: NO-GO');
    } finally {
      git(repo, 'tag', '-f', 'v0.3.2', first);
    }
  });
});
