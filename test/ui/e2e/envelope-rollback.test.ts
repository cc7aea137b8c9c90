// The envelope scenario on the screen, by keys only, in an 80×24 terminal:
// the cutover day runs into its red envelope gates, the operator declares
// the trigger with R and takes the prompt's offer to start the rollback
// runbook: the cutover run pauses and the rollback run opens, linked to it,
// its forms prefilled with the demo's rollback answers, the deadlines
// counting down; Enter and `a` walk it to "Rollback complete" (exit 0),
// shown from the target back to the baseline. Both bundles verify and the
// report shows the incident.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cli, REPO } from '../../helpers/cli.js';
import { readEvents, tempDir } from '../../fixtures/engine/scenario.js';
import { exitOf, footerOf, killAll, messageOf, opened, selectedRowOf, settled, show, stable, start, submitForm, WAIT, walk } from './helpers.js';
import type { Pty } from '../pty.js';

afterEach(killAll);

const MANUAL = /(to confirm|to fill in|to send|to sign)$/;

/** Walks the cutover run (Enter runs or answers the selected step, j moves on from a red or locked one) until a row matches `until`. */
async function walkTo(p: Pty, until: RegExp): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const screen = await stable(p);
    if (screen.some((r) => until.test(r))) return;
    const row = selectedRowOf(screen);
    if (row === undefined) throw new Error(`no step is selected:\n${show(screen)}`);
    if (/to run$/.test(row)) {
      const title = row.slice(4, 30);
      p.write('\r');
      await p.waitFor((t) => {
        const now = selectedRowOf(t.split('\n')) ?? '';
        return !now.includes(title) || / (passed|FAILED)\b/.test(now);
      }, 120_000);
    } else if (MANUAL.test(row)) {
      p.write('\r');
      await submitForm(p);
    } else p.write('j');
  }
  throw new Error(`never reached ${String(until)}:\n${show(p.screen())}`);
}

describe('cutover demo --scenario envelope in a terminal', () => {
  it('declares the trigger by R once the envelope gates are red, switches to the linked rollback run and walks it to Rollback complete', async () => {
    const dir = tempDir();
    const evidence = join(dir, 'evidence');
    const p = start(['demo', '--scenario', 'envelope', '--evidence-dir', evidence], { cwd: REPO, columns: 80, rows: 24, env: { TMPDIR: dir, CI: undefined } });
    await opened(p);
    // The envelope gates go red: run the producer gates (Enter on each, j past a red one) until the smoke has failed.
    await walkTo(p, /Envelope smoke over the service\.v3 sample respon.*FAILED/);

    // R: choose the envelope mismatch from the matrix (↑ to the first), the other fields as they stand, what was observed; Enter declares it.
    p.write('R');
    await p.waitFor('Declare a rollback trigger', WAIT);
    for (let i = 0; i < 8 && !(await stable(p)).some((r) => r.includes('(•) Non-2xx envelope shape mismatch')); i++) p.write('\x1b[A');
    expect((await stable(p)).some((r) => r.includes('(•) Non-2xx envelope shape mismatch'))).toBe(true);
    for (let i = 0; i < 6 && !(await stable(p)).some((r) => r.startsWith('› What was observed')); i++) p.write('\r');
    expect((await stable(p)).some((r) => r.startsWith('› What was observed'))).toBe(true);
    p.write('legacy_error is back in a service.v3 400 response');
    await p.waitFor('What was observed: legacy_error is back in a service.v3 400 response', WAIT);
    p.write('\r');

    // The prompt offers the rollback runbook at once (yes is the default): the cutover run pauses, the rollback run opens linked to it.
    await p.waitFor('Start the rollback runbook now?', WAIT);
    // Enter again only while the prompt is still there after a while: on a busy machine the switch takes
    // seconds, and an Enter pressed meanwhile would reach the rollback run's screen (opening its first form).
    for (let i = 0; i < 4; i++) {
      p.write('\r');
      const left = await p.waitFor((t) => !t.includes('Start the rollback runbook now?'), 10_000).then(() => true, () => false);
      if (left) break;
    }
    await p.waitFor((t) => t.includes('Service.v3 rollback — sandbox rehearsal') && (t.includes('GO lock') || t.includes('Fill in: Identify the trigger')), 60_000);
    await opened(p, 'Service.v3 rollback — sandbox rehearsal');
    const first = (await settled(p)).join('\n');
    expect(first).toMatch(/⏱ Initial incident notice in 1\d:\d\d/);

    // The identification time is the carried trigger's (equals: ${trigger.identified_at}): the form opens with it filled in, as the journal has it.
    const cutover = readdirSync(evidence).find((e) => e.endsWith('_service-v3-cutover-demo'))!;
    const declared = readEvents(join(evidence, cutover)).find((e) => e.type === 'trigger.declared') as { identified_at: string };
    if (!first.includes('Fill in: Identify the trigger')) p.write('\r');
    await p.waitFor('Fill in: Identify the trigger', WAIT);
    await p.waitFor(declared.identified_at, WAIT);
    await submitForm(p);
    await walk(p, { timeoutMs: 120_000 });
    await p.waitFor((t) => messageOf(t.split('\n')).includes('the run is closed: GO'), WAIT);
    const closed = await settled(p);
    expect(closed[1]).toContain('rollback v0.4.0 7e4806a → v0.3.2 cf33144');
    expect(footerOf(closed)).toContain('q leave (GO)');
    p.write('q');
    expect(await exitOf(p, 60_000)).toMatchObject({ exitCode: 0 });

    const bundles = readdirSync(evidence).filter((e) => !e.startsWith('.demo-sandbox-')).sort();
    expect(bundles.map((b) => b.replace(/^\d{8}T\d{6}Z_/, ''))).toEqual(['service-v3-cutover-demo', 'service-v3-rollback-demo']);
    for (const b of bundles) {
      const v = await cli(['verify', join(evidence, b)], { timeoutMs: 60_000 });
      expect(v.code, v.stdout).toBe(0);
    }
    const report = await cli(['report', join(evidence, bundles[1]!)], { timeoutMs: 60_000 });
    for (const needle of ['- Severity: **SEV-1**', '(from the carried trigger)', '- initial incident notice (15m): met', '- joint incident summary (24h): met', '### Timeline (UTC)']) expect(report.stdout).toContain(needle);
    expect(report.stdout).toMatch(/- Time to recovery: \*\*\d\d:\d\d\*\*/);
  }, 600_000);
});
