// GO rule 6: automated evidence must be fresh (the runbook's max_age) and,
// where a step pins the target commit, the recorded git HEAD must match.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectAcceptedGo, expectRefusedGo } from './expect.js';
import { eventsOf, finish, gitRepo, LABEL, prepareToDecide, runPlain, stepOf, tempDir, withSession } from '../fixtures/engine/scenario.js';

const HOUR = 3_600_000;
const TARGET = '7e4806a34b98e6c06ee33fa9f11499a975e7b922';

describe('GO lock: stale evidence', () => {
  it('refuses a GO decided longer than max_age after a required check ended', async () => {
    // The session's clock runs `skew` ahead of the real one; the commands'
    // own end times are real, so the decision looks 5h later than them.
    let skew = 0;
    await withSession({ now: () => new Date(Date.now() + skew) }, async (session) => {
      await prepareToDecide(session);
      expect(session.gate('decide', { option: 'go-rehearsal', confirmedText: LABEL.rehearsal })).toEqual([]);
      skew = 5 * HOUR;
      const decided = session.decide('decide', { option: 'go-rehearsal', confirmedText: LABEL.rehearsal });
      await finish(session);
      await expectRefusedGo({ bundle: session.bundleDir, decided, option: 'go-rehearsal' }, 'the evidence of "Producer suite" (producer-suite) is 5h old, older than the 4h this runbook allows; re-run it');
      expect(decided.ok ? [] : decided.reasons).toContain('the evidence of "Consumer suite" (consumer-suite) is 5h old, older than the 4h this runbook allows; re-run it');
      // The optional step is not a gate, stale or not.
      expect(decided.ok ? [] : decided.reasons.join('\n')).not.toContain('optional-lint');
    });
  });

  it('refuses a GO through the CLI when a step allows only max_age: 1ms', async () => {
    // The later steps alone take longer than 1ms, so no sleep is needed.
    const run = await runPlain({ edit: (rb) => (stepOf(rb, 'producer-suite').max_age = '1ms') });
    await expectRefusedGo({ ...run, option: 'go-rehearsal' }, 'older than the 1ms this runbook allows; re-run it');
    const reasons = eventsOf(run.events, 'decision.refused').flatMap((r) => r.reasons);
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatch(/^the evidence of "Producer suite" \(producer-suite\) is \d+\.\ds old, older than the 1ms/);
  });

  it("applies a step's own max_age over the runbook default", async () => {
    let skew = 0;
    await withSession({ now: () => new Date(Date.now() + skew), edit: (rb) => (stepOf(rb, 'producer-suite').max_age = '10m') }, async (session) => {
      await prepareToDecide(session);
      skew = 30 * 60_000;
      const decided = session.decide('decide', { option: 'go-rehearsal', confirmedText: LABEL.rehearsal });
      expect(decided).toEqual({ ok: false, reasons: ['the evidence of "Producer suite" (producer-suite) is 30m old, older than the 10m this runbook allows; re-run it'] });
    });
  });
});

describe('GO lock: pinned commit', () => {
  it('refuses a GO when the git HEAD of a pinned step is not the pinned commit', async () => {
    const repo = tempDir();
    const head = gitRepo(repo);
    const run = await runPlain({ edit: (rb) => Object.assign(stepOf(rb, 'producer-suite'), { cwd: repo, pin_commit: '${target.commit}' }) });
    const finished = eventsOf(run.events, 'step.finished').find((e) => e.step === 'producer-suite');
    expect(finished?.result?.git_head).toBe(head);
    expect(finished?.result?.exit_code).toBe(0);
    expect(eventsOf(run.events, 'step.started').find((e) => e.step === 'producer-suite')?.command?.pin_commit).toBe(TARGET);
    await expectRefusedGo({ ...run, option: 'go-rehearsal' }, `required step "Producer suite" (producer-suite) failed on attempt 1: git HEAD ${head} is not the pinned commit ${TARGET}`);
  });

  it('refuses a GO when a pinned step does not run in a git checkout', async () => {
    const notRepo = tempDir();
    const run = await runPlain({ edit: (rb) => Object.assign(stepOf(rb, 'producer-suite'), { cwd: notRepo, pin_commit: TARGET }) });
    await expectRefusedGo({ ...run, option: 'go-rehearsal' }, `the working directory is not a git checkout, so its HEAD cannot be compared with the pinned commit ${TARGET}`);
  });

  it('refuses a GO when the pinned checkout has uncommitted changes to tracked files', async () => {
    const repo = tempDir();
    const head = gitRepo(repo);
    writeFileSync(join(repo, 'README'), 'edited after the commit\n');
    const run = await runPlain({
      edit: (rb) => {
        (rb.target as Record<string, unknown>).commit = head;
        Object.assign(stepOf(rb, 'producer-suite'), { cwd: repo, pin_commit: '${target.commit}' });
      },
    });
    expect(eventsOf(run.events, 'step.finished').find((e) => e.step === 'producer-suite')?.result?.git_dirty).toBe(true);
    await expectRefusedGo({ ...run, option: 'go-rehearsal' }, `the checkout at the pinned commit ${head} has uncommitted changes to tracked files`);
  });

  it('refuses a GO when `git status` fails on the pinned checkout: unknown blocks, with the reason', async () => {
    const repo = tempDir();
    const head = gitRepo(repo);
    // A damaged index: `git rev-parse HEAD` still answers, `git status` cannot.
    writeFileSync(join(repo, '.git', 'index'), 'not an index\n');
    const run = await runPlain({
      edit: (rb) => {
        (rb.target as Record<string, unknown>).commit = head;
        Object.assign(stepOf(rb, 'producer-suite'), { cwd: repo, pin_commit: '${target.commit}' });
      },
    });
    const result = eventsOf(run.events, 'step.finished').find((e) => e.step === 'producer-suite')?.result;
    expect(result).toMatchObject({ exit_code: 0, git_head: head, git_dirty: null });
    expect(result?.git_error).toMatch(/^git status failed \(exit 128\): fatal: .*index/);
    await expectRefusedGo(
      { ...run, option: 'go-rehearsal' },
      `required step "Producer suite" (producer-suite) failed on attempt 1: whether the checkout at the pinned commit ${head} has uncommitted changes could not be told (git status failed (exit 128)`,
    );
  });

  it('accepts the GO when the git HEAD is the pinned commit', async () => {
    const repo = tempDir();
    // A release history: the baseline and the target commit, each with its release tag (the preflight checks them).
    const base = gitRepo(repo);
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@example.com', ...args], { cwd: repo, encoding: 'utf8' }).trim();
    git('commit', '-q', '--allow-empty', '-m', 'release');
    const head = git('rev-parse', 'HEAD');
    git('tag', 'v0.3.2', base);
    git('tag', 'v0.4.0', head);
    const run = await runPlain({
      edit: (rb) => {
        Object.assign(rb.baseline as Record<string, unknown>, { commit: base, release_tag: 'v0.3.2' });
        Object.assign(rb.target as Record<string, unknown>, { commit: head, release_tag: 'v0.4.0' });
        Object.assign(stepOf(rb, 'producer-suite'), { cwd: repo, pin_commit: '${target.commit}' });
      },
    });
    expect(eventsOf(run.events, 'step.finished').find((e) => e.step === 'producer-suite')?.result).toMatchObject({ git_head: head, git_dirty: false });
    await expectAcceptedGo(run.bundle, run.result, 'go-rehearsal');
  });
});
