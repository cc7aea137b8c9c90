// On the screen, a release pin the repository does not confirm is the first
// thing said, as an error saying the GO is locked and where the tag points
// (the full text, with the pinned commit and the fix, is in its details).
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../fixtures/engine/scenario.js';
import { exitOf, killAll, messageOf, opened, settled, start, WAIT } from './helpers.js';

afterEach(killAll);

describe('the screen and the release pins', () => {
  it('opens with the pin disagreement as an error: GO locked, the tag and the commit it points to', async () => {
    const dir = tempDir();
    const repo = join(dir, 'producer');
    mkdirSync(repo);
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@example.invalid', '-c', 'commit.gpgsign=false', ...args], { cwd: repo, encoding: 'utf8' }).trim();
    git('init', '-q');
    git('commit', '-q', '--allow-empty', '-m', 'one');
    git('tag', 'v1.0.0');
    git('commit', '-q', '--allow-empty', '-m', 'two');
    git('tag', 'v1.1.0');
    const head = git('rev-parse', 'HEAD');
    const wrong = 'f'.repeat(40);
    writeFileSync(
      join(dir, 'runbook.yaml'),
      `format: cutover-runbook/v1
id: screen-pins
title: Screen pins
version: "1.0"
modes: [rehearsal]
baseline: { release_tag: v1.0.0, commit: ${git('rev-parse', 'v1.0.0')} }
target: { release_tag: v1.1.0, commit: ${wrong} }
roles:
  - { id: pa, title: Producer approver, side: producer }
  - { id: ca, title: Consumer approver, side: consumer }
sections:
  - id: gates
    title: Gates
    steps:
      - { id: clean, kind: command, title: Checkout clean, run: git diff --quiet HEAD, cwd: producer, pin_commit: "${wrong}" }
      - { id: joint-signoff, kind: signoff, title: Joint sign-off, roles: [pa, ca], statement: We approve }
      - id: decide
        kind: decision
        title: Decide
        options:
          - { id: go, label: GO, go: true, requires_steps: all }
          - { id: nogo, label: NO-GO, go: false, remediation: true }
`,
    );
    const p = start(['run', 'runbook.yaml', '--evidence-dir', join(dir, 'evidence')], { cwd: dir, columns: 200, rows: 30 });
    await opened(p, 'Screen pins');
    const screen = await settled(p);
    expect(messageOf(screen)).toContain('✗ the repository does not confirm the release pins — GO is locked for this run (+');
    // What the repository says and the fix, whole, above the message line.
    expect(screen.join('\n')).toContain(`release tag v1.1.0 (target) points to ${head}`);
    expect(screen.join('\n')).toMatch(/^fix: /m);
    p.write('q');
    await p.waitFor('Quit?', WAIT);
    p.write('y');
    expect(await exitOf(p)).toMatchObject({ exitCode: 3 });
  });
});
