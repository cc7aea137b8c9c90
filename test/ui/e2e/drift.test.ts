// The drift scenario in a terminal: the published handoff payload's
// commit_sha names the baseline commit. Its gates fail on screen (FAILED,
// with the failure in the step's detail), and the output viewer (o) shows
// the failing line of the step's log.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO } from '../../helpers/cli.js';
import { tempDir } from '../../fixtures/engine/scenario.js';
import { exitOf, isRowOf, killAll, opened, runSection, select, selectedRowOf, settled, start, WAIT } from './helpers.js';
import type { Pty } from '../pty.js';

afterEach(killAll);

/** Opens the output viewer on the selected step, waits for `line`, and returns to the main screen. */
async function viewOutput(p: Pty, step: string, line: RegExp): Promise<string[]> {
  p.write('o');
  await p.waitFor((t) => t.includes(`Output of ${step}`) && line.test(t), WAIT);
  const screen = await settled(p);
  p.write('q');
  await p.waitFor((t) => t.includes('GO lock'), WAIT);
  return screen;
}

describe('cutover demo --scenario drift in a terminal', () => {
  it('shows the failing gates as FAILED and their failing lines in the output viewer', async () => {
    const dir = tempDir();
    const p = start(['demo', '--scenario', 'drift', '--evidence-dir', join(dir, 'evidence')], { cwd: REPO, columns: 80, rows: 24, env: { TMPDIR: dir } });
    await opened(p);

    // The producer gates: the release evidence bundle fails (the payload is a pinned artifact).
    await select(p, 'Producer checkout has no local changes');
    expect(await runSection(p)).toContain('(producer-release-evidence) failed');
    let screen = await settled(p);
    let row = selectedRowOf(screen)!;
    expect(isRowOf(row, 'Release evidence bundle')).toBe(true);
    expect(row).toMatch(/ FAILED exit code 1/);
    expect(screen.join('\n')).toContain('command `producer-release-evidence`');
    expect(screen).toContain('exit code 1, expected 0');
    let out = await viewOutput(p, 'producer-release-evidence', /FAIL artifact docs\/implementation\/PRODUCER_RELEASE_HANDOFF_LATEST\.json: sha/);
    expect(out[0]).toMatch(/^ Output of producer-release-evidence /);
    expect(out).toContain('release evidence bundle failed: 1 problem(s)');

    // The handoff section: the published payload's verifier names the drift.
    await select(p, 'Regenerate the service-v3-candidate handoff payload');
    expect(await runSection(p)).toContain('(producer-handoff-verify) failed');
    screen = await settled(p);
    row = selectedRowOf(screen)!;
    expect(isRowOf(row, 'Published handoff payload verifier')).toBe(true);
    expect(row).toMatch(/ FAILED exit code 1/);
    expect(screen.some((r) => r.includes('FAIL published: commit_sha drifted from the manifest'))).toBe(true);
    out = await viewOutput(p, 'producer-handoff-verify', /FAIL published: commit_sha drifted from the manifest: manifest "7e4806a/);
    expect(out).toContain('producer handoff payload failed: 1 problem(s)');

    // The viewer searches the log: / and a term moves to its first line.
    p.write('o');
    await p.waitFor('Output of producer-handoff-verify', WAIT);
    p.write('/');
    await p.waitFor('(Enter search, Esc cancel)', WAIT);
    p.write('drifted');
    await p.waitFor('/drifted█', WAIT);
    p.write('\r');
    await p.waitFor((t) => /"drifted" at byte \d+/.test(t), WAIT);
    expect((await settled(p))[1]).toMatch(/^ {2}FAIL published: commit_sha drifted/);
    p.write('q');
    await p.waitFor('GO lock', WAIT);

    p.write('q');
    await p.waitFor('Quit?', WAIT);
    p.write('y');
    expect(await exitOf(p)).toMatchObject({ exitCode: 3 });
  }, 180_000);
});
