// The demo walked to a GO by keys only, in an 80×24 terminal: Enter takes
// each manual step's prefilled answer, `a` runs each section's automated
// steps, Enter on the decision records the GO, q leaves with 0; the normal
// screen then shows the summary and the bundle verifies.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cli, REPO } from '../../helpers/cli.js';
import { eventsOf, onlyBundle, readEvents, tempDir } from '../../fixtures/engine/scenario.js';
import { exitOf, formOpen, killAll, messageOf, opened, rowOf, selectedRowOf, settled, start, WAIT, walk } from './helpers.js';
import type { Pty } from '../pty.js';

afterEach(killAll);

describe('cutover demo walked to GO in a terminal', () => {
  it('reaches GO by Enter and a, exits 0, prints the summary, and the bundle verifies', async () => {
    const dir = tempDir();
    const evidence = join(dir, 'evidence');
    // The demo keeps its sandbox in the evidence directory (.demo-sandbox-*), in the test's temp dir.
    const p = start(['demo', '--evidence-dir', evidence], { cwd: REPO, columns: 80, rows: 24, env: { TMPDIR: dir } });
    await opened(p);

    await walk(p);
    await p.waitFor((t) => messageOf(t.split('\n')).includes('the run is closed: GO'), WAIT);
    const screen = await settled(p);
    expect(rowOf(screen, 'Go/no-go')).toMatch(/GO \(rehearsal continuat/);
    expect(screen.join('\n')).toContain('Decision: GO (rehearsal continuation)');

    p.write('q');
    expect(await exitOf(p)).toMatchObject({ exitCode: 0 });
    // Back on the normal screen: the summary.
    await p.waitFor('Verify with: cutover verify', WAIT);
    const text = p.text().replace(/\n/g, '');
    expect(text).toContain('Outcome: GO (REHEARSAL): GO (rehearsal continuation)');
    expect(text).not.toContain('Resume with');
    expect(p.raw().lastIndexOf('\x1b[?1049l')).toBeGreaterThan(p.raw().lastIndexOf('\x1b[?1049h'));

    const bundle = onlyBundle(evidence);
    const events = readEvents(bundle);
    expect(eventsOf(events, 'decision.refused')).toEqual([]);
    expect(eventsOf(events, 'decision.recorded')).toMatchObject([{ option: 'go-rehearsal' }]);
    expect(eventsOf(events, 'run.closed')).toMatchObject([{ outcome: 'GO' }]);
    const verify = await cli(['verify', bundle], { timeoutMs: 60_000 });
    expect(verify.stderr).toBe('');
    expect(verify.code).toBe(0);
  }, 180_000);

  it('takes an Enter typed while the screen opens', async () => {
    const dir = tempDir();
    const p = start(['demo', '--evidence-dir', join(dir, 'evidence')], { cwd: REPO, columns: 80, rows: 24, env: { TMPDIR: dir } });
    await typeAsItOpens(p, '\r');
    // The form may open before the first frame with the GO lock was ever drawn: wait for the form itself.
    await p.waitFor((t) => formOpen(t.split('\n')) && t.includes('Confirm: Release candidate is immutable'), WAIT);
  }, 120_000);

  it('keeps a j typed while the screen opens', async () => {
    const dir = tempDir();
    const p = start(['demo', '--evidence-dir', join(dir, 'evidence')], { cwd: REPO, columns: 80, rows: 24, env: { TMPDIR: dir } });
    await typeAsItOpens(p, 'j');
    await opened(p);
    await p.waitFor((t) => selectedRowOf(t.split('\n'))?.includes('Consumer candidate validation is green') === true, WAIT);
  }, 120_000);
});

/** Types `key` the moment the screen starts to open (the alternate screen is entered), before its first frame. */
function typeAsItOpens(p: Pty, key: string): Promise<void> {
  return new Promise<void>((resolve) => {
    const sub = p.pty.onData(() => {
      if (!p.raw().includes('\x1b[?1049h')) return;
      sub.dispose();
      p.write(key);
      resolve();
    });
  });
}
