// An uncaught error while the screen is up and a step runs (a bug in
// cutover, injected here by a preloaded module): the step's process group is
// stopped and recorded, the run pauses, the terminal is restored, and the
// normal screen shows the summary (bundle, how to resume) and the error;
// the exit is 3 (resumable), and the bundle verifies.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cli } from '../../helpers/cli.js';
import { eventsOf, onlyBundle, readEvents, tempDir } from '../../fixtures/engine/scenario.js';
import { exitOf, killAll, opened, processArgs, processesGone, rowOf, select, slowRunbook, start, WAIT } from './helpers.js';

afterEach(killAll);

const CRASHER = join(import.meta.dirname, 'fixtures', 'crash-on-file.mjs');

describe('an uncaught error while a step runs', () => {
  it('stops and records the step, restores the terminal, prints the summary and the error, exits 3, and the bundle verifies', async () => {
    const dir = tempDir();
    const marker = `1000.${process.pid}${String(Date.now()).slice(-6)}`;
    slowRunbook(dir, { slow: `echo started; sleep ${marker}` });
    const trigger = join(dir, 'crash-now');
    const p = start(['run', 'rb.yaml', '--evidence-dir', 'ev', '--operator', 'Olga'], { cwd: dir, columns: 80, rows: 24, env: { NODE_OPTIONS: `--import ${CRASHER}`, CUTOVER_TEST_CRASH_FILE: trigger } });
    await opened(p);
    p.write('a');
    await p.waitFor((t) => / running \d+:\d\d$/.test(rowOf(t.split('\n'), 'Slow step printing lines') ?? '') && t.split('\n').includes('started'), WAIT);
    expect(processArgs().filter((a) => a.includes(marker)).length).toBeGreaterThanOrEqual(1);

    writeFileSync(trigger, '');
    expect(await exitOf(p)).toMatchObject({ exitCode: 3 });
    expect(await processesGone(marker)).toEqual([]);
    const raw = p.raw();
    expect(raw.lastIndexOf('\x1b[?1049l')).toBeGreaterThan(raw.lastIndexOf('\x1b[?1049h'));
    expect(raw.lastIndexOf('\x1b[?25h')).toBeGreaterThan(raw.lastIndexOf('\x1b[?1049h'));
    await p.waitFor('internal error: injected crash (test)', WAIT);
    const text = p.text();
    expect(text).toContain('cutover: Slow steps\nOutcome: PAUSED (resumable) (REHEARSAL)');
    expect(text).toMatch(/Resume with: cutover resume ev\/\S+_slow/);
    expect(text).not.toMatch(/\n\s+at /); // no stack trace

    const bundle = onlyBundle(join(dir, 'ev'));
    const events = readEvents(bundle);
    expect(eventsOf(events, 'step.finished').filter((e) => e.step === 'slow')).toHaveLength(1);
    expect(events.at(-1)).toMatchObject({ type: 'run.paused', reason: 'cutover stopped on an error' });
    const verify = await cli(['verify', bundle], { cwd: dir });
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
  });
});

describe('an uncaught error once the run has closed', () => {
  it('still exits 3, not the NO-GO’s 1, after the summary and the error', async () => {
    const dir = tempDir();
    slowRunbook(dir, { slow: 'echo slow' });
    writeFileSync(join(dir, 'answers.yaml'), 'answers:\n  decide: { option: no-go, remediation: fix the envelope }\n');
    const trigger = join(dir, 'crash-now');
    const p = start(['run', 'rb.yaml', '--evidence-dir', 'ev', '--operator', 'Olga', '--answers', 'answers.yaml'], { cwd: dir, columns: 80, rows: 24, env: { NODE_OPTIONS: `--import ${CRASHER}`, CUTOVER_TEST_CRASH_FILE: trigger } });
    await opened(p);
    await select(p, 'Go/no-go');
    p.write('\r');
    await p.waitFor('Type the decision to confirm', WAIT);
    // The option and the remediation come prefilled from the answers: Enter past them, then type the label.
    p.write('\r');
    await p.waitFor((t) => /› Remediation plan/.test(t), WAIT);
    p.write('\r');
    await p.waitFor((t) => /› Type the decision to confirm/.test(t), WAIT);
    p.write('NO-GO');
    await p.waitFor((t) => /› Type the decision to confirm: NO-GO/.test(t), WAIT);
    p.write('\r');
    await p.waitFor('the run is closed: NO-GO', WAIT);

    writeFileSync(trigger, '');
    expect(await exitOf(p)).toMatchObject({ exitCode: 3 });
    await p.waitFor('internal error: injected crash (test)', WAIT);
    expect(p.text()).toContain('cutover: Slow steps\nOutcome: NO-GO (REHEARSAL): NO-GO');
    // The closing summaries were written before the crash: nothing to resume.
    await p.waitFor('Verify with: cutover verify', WAIT);
    expect(p.text()).not.toContain('Resume with');
    expect(p.text()).not.toMatch(/\n\s+at /);
    const verify = await cli(['verify', onlyBundle(join(dir, 'ev'))], { cwd: dir });
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
  });
});
