// A GO forged into a rehearsal whose release pins the repository did not
// confirm: the journaled preflight locks the GO, so verify's replay of the
// lock finds the forgery even with the chain and summaries recomputed; and a
// forger who takes the preflight out of run.started is told that a bundle of
// this cutover always has one.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JournalEvent } from '../../src/engine/events.js';
import { verifyBundle } from '../../src/evidence/verify.js';
import { readEvents } from '../fixtures/engine/scenario.js';
import { cli } from '../helpers/cli.js';
import { forgeGo, rechain, resummarize, writeJournal } from './forge.js';

let dir: string;
let tagged: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cutover-pin-forgery-'));
  const repo = join(dir, 'producer');
  mkdirSync(repo);
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@example.invalid', '-c', 'commit.gpgsign=false', ...args], { cwd: repo, encoding: 'utf8' }).trim();
  git('init', '-q');
  git('commit', '-q', '--allow-empty', '-m', 'one');
  git('tag', 'v1.0.0');
  const base = git('rev-parse', 'HEAD');
  git('commit', '-q', '--allow-empty', '-m', 'two');
  const head = git('rev-parse', 'HEAD');
  git('commit', '-q', '--allow-empty', '-m', 'three');
  git('tag', 'v1.1.0');
  tagged = git('rev-parse', 'HEAD');
  git('checkout', '-q', head);
  // The target pins `head`, but v1.1.0 is one commit later: the run starts at the pinned commit, the tag disagrees.
  writeFileSync(
    join(dir, 'runbook.yaml'),
    `format: cutover-runbook/v1
id: pin-forgery
title: Pin forgery
version: "1.0"
modes: [rehearsal]
baseline: { release_tag: v1.0.0, commit: ${base} }
target: { release_tag: v1.1.0, commit: ${head} }
roles:
  - { id: pa, title: Producer approver, side: producer }
  - { id: ca, title: Consumer approver, side: consumer }
sections:
  - id: gates
    title: Gates
    steps:
      - { id: clean, kind: command, title: Checkout clean, run: git diff --quiet HEAD, cwd: producer, pin_commit: "\${target.commit}" }
      - { id: joint-signoff, kind: signoff, title: Joint sign-off, roles: [pa, ca], statement: We approve }
      - id: decide
        kind: decision
        title: Decide
        options:
          - { id: go, label: GO, go: true, requires_steps: all }
          - { id: nogo, label: NO-GO, go: false, remediation: true }
`,
  );
  writeFileSync(join(dir, 'answers.yaml'), 'answers:\n  joint-signoff: { pa: Priya Raman, ca: Tomas Alvarez }\n');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A rehearsal bundle paused at the decision: every gate green, the GO locked only by the pin. */
async function pausedBundle(name: string): Promise<string> {
  const evidence = join(dir, name);
  const r = await cli(['run', 'runbook.yaml', '--plain', '--answers', 'answers.yaml', '--evidence-dir', evidence, '--operator', 'Olga Operator'], { cwd: dir });
  expect(r.code, r.stdout + r.stderr).toBe(3);
  expect(r.stdout).toContain(`release tag v1.1.0 (target) points to ${tagged}`);
  return join(evidence, readdirSync(evidence)[0]!);
}

describe('verify and the journaled preflight', () => {
  it('finds a GO forged past a pin the repository did not confirm', async () => {
    const bundle = await pausedBundle('ev-go');
    expect((await verifyBundle(bundle)).ok).toBe(true);
    await forgeGo(bundle, 'go', 'append');
    const report = await verifyBundle(bundle);
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => p.message)).toContainEqual(expect.stringMatching(/the decision "GO" would not have been allowed by the GO lock: the repository did not confirm the target pin when the run started: release tag v1\.1\.0 \(target\) points to/));
  });

  it('says a bundle of this cutover without a preflight in run.started lost it', async () => {
    const bundle = await pausedBundle('ev-strip');
    const events = readEvents(bundle);
    const started = { ...events[0]! } as Extract<JournalEvent, { type: 'run.started' }>;
    delete started.preflight;
    writeJournal(bundle, rechain([started, ...events.slice(1)]));
    await resummarize(bundle);
    await forgeGo(bundle, 'go', 'append');
    const report = await verifyBundle(bundle);
    expect(report.problems.map((p) => p.message)).toContainEqual(expect.stringMatching(/^seq 1: the run\.started event is malformed: it was written by cutover \d+\.\d+\.\d+, which journals the preflight, but has none$/));
  });
});
