// Leaving the screen, from src/ui/keys/bindings.ts: q asks first (n, Esc or
// q again stay; y or Enter pause the run — run.paused journaled — and leave
// with 3, a running step cancelled and recorded first); once the run is
// closed q leaves at once with the outcome's exit code; Ctrl-C, anywhere,
// cancels and records a running step, pauses the run and leaves with 130.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LABEL, prepareToDecide, readEvents, stepOf, tempDir } from '../../fixtures/engine/scenario.js';
import { KEY, mountScreen, settle, ticking, unmountAll, until, type Screen } from '../screen.js';

afterEach(unmountAll);

const WIDE = { columns: 200, rows: 30 };

/** The exit code asked for so far (undefined while the screen stays). */
function exitCode(screen: Screen): () => number | undefined {
  let code: number | undefined;
  void screen.exited.then((c) => (code = c));
  return () => code;
}

async function mainScreen(screen: Screen): Promise<void> {
  await until(() => expect(screen.store.getState().ui.modal).toBeUndefined());
  await until(() => expect(screen.frame()).toContain('GO lock —'));
}

async function quitForm(screen: Screen): Promise<void> {
  screen.press('q');
  await until(() => expect(screen.frame()).toContain('Quit? The run pauses and can be resumed later.'));
}

describe('q', () => {
  it('asks first: n, Esc and q again stay, and nothing is journaled', async () => {
    const screen = mountScreen({ size: WIDE });
    const code = exitCode(screen);
    await mainScreen(screen);
    const before = readEvents(screen.session.bundleDir).length;
    await quitForm(screen);
    expect(screen.frame()).toContain(`Resume with: cutover resume ${screen.session.relative(screen.session.bundleDir)}`);
    expect(screen.frame()).toContain('y / Enter: pause and quit · n / Esc: stay');
    for (const stay of ['n', KEY.escape, 'q']) {
      screen.press(stay);
      await mainScreen(screen);
      await settle();
      expect(code()).toBeUndefined();
      if (stay !== 'q') await quitForm(screen);
    }
    expect(readEvents(screen.session.bundleDir)).toHaveLength(before);
  });

  it('y pauses the run (run.paused journaled) and leaves with 3', async () => {
    const screen = mountScreen({ size: WIDE });
    await mainScreen(screen);
    await quitForm(screen);
    screen.press('y');
    expect(await screen.exited).toBe(3);
    expect(readEvents(screen.session.bundleDir).at(-1)).toMatchObject({ type: 'run.paused', reason: 'paused by the operator (q)' });
  });

  it('Enter in the question pauses and leaves too', async () => {
    const screen = mountScreen({ size: WIDE });
    await mainScreen(screen);
    await quitForm(screen);
    screen.press(KEY.enter);
    expect(await screen.exited).toBe(3);
    expect(readEvents(screen.session.bundleDir).at(-1)).toMatchObject({ type: 'run.paused' });
  });

  it('warns that a running step is cancelled, and cancels and records it before pausing', async () => {
    const release = join(tempDir(), 'release');
    const screen = mountScreen({ size: WIDE, edit: (rb) => (stepOf(rb, 'producer-suite').run = ticking(release)) });
    screen.intents.select('producer-suite');
    await until(() => expect(screen.frame()).toContain('`producer-suite`'));
    screen.press(KEY.enter);
    await until(() => expect(screen.frame()).toContain('tick 2'));
    await quitForm(screen);
    expect(screen.frame()).toContain('"producer-suite" is running: quitting cancels it (recorded as cancelled; it runs again on resume).');
    screen.press('y');
    expect(await screen.exited).toBe(3);
    writeFileSync(release, '');
    expect(screen.session.state.steps['producer-suite']!.attempts[0]!.result).toMatchObject({ outcome: 'cancelled' });
    const events = readEvents(screen.session.bundleDir);
    const finished = events.findIndex((e) => e.type === 'step.finished' && e.step === 'producer-suite');
    const paused = events.findIndex((e) => e.type === 'run.paused');
    expect(finished).toBeGreaterThan(-1);
    expect(paused).toBeGreaterThan(finished);
  });

  it('leaves at once with the outcome code once the run is closed: 1 for NO-GO', async () => {
    const screen = mountScreen({ size: WIDE });
    await prepareToDecide(screen.session);
    screen.session.decide('decide', { option: 'no-go', confirmedText: LABEL.noGo, remediation: 'fix the envelope first' });
    await screen.session.close();
    await until(() => expect(screen.frame()).toContain('Run closed: NO-GO'));
    screen.press('q');
    expect(await screen.exited).toBe(1);
    expect(screen.frame()).not.toContain('Quit?');
    expect(readEvents(screen.session.bundleDir).some((e) => e.type === 'run.paused')).toBe(false);
  });

  it('leaves with 0 after a GO', async () => {
    const screen = mountScreen({ size: WIDE });
    await prepareToDecide(screen.session);
    screen.session.decide('decide', { option: 'go-rehearsal', confirmedText: LABEL.rehearsal });
    await screen.session.close();
    await until(() => expect(screen.frame()).toContain('Run closed: GO'));
    screen.press('q');
    expect(await screen.exited).toBe(0);
  });
});

describe('q right after the decision', () => {
  it('leaves only once the closing summaries are written', async () => {
    const screen = mountScreen({ size: WIDE });
    await prepareToDecide(screen.session);
    screen.intents.select('decide');
    await until(() => expect(screen.frame()).toContain('`decide`'));
    screen.press(KEY.enter);
    await until(() => expect(screen.frame()).toContain('Decide: Go/no-go'));
    screen.press(KEY.down);
    await until(() => expect(screen.frame()).toContain('(•) GO (rehearsal continuation) — open'));
    screen.press(KEY.enter);
    await until(() => expect(screen.frame()).toMatch(/› Type the decision to confirm/));
    screen.press(...LABEL.rehearsal);
    await until(() => expect(screen.frame()).toContain(`confirm: ${LABEL.rehearsal}`));
    // q as soon as the main screen takes keys again after the run is closed.
    const off = screen.store.subscribe((s, prev) => {
      if (s.outcome && !prev.outcome) setImmediate(() => setImmediate(() => screen.press('q')));
    });
    screen.press(KEY.enter);
    expect(await screen.exited).toBe(0);
    off();
    const summed = existsSync(join(screen.session.bundleDir, 'SHA256SUMS'));
    // Let the background close finish before the temp dir goes.
    await until(() => expect(screen.frame()).toContain('Decision recorded — the run is closed: GO'));
    expect(summed).toBe(true);
  });
});

describe('Ctrl-C', () => {
  it('cancels and records the running step, pauses the run and leaves with 130', async () => {
    const release = join(tempDir(), 'release');
    const screen = mountScreen({ size: WIDE, edit: (rb) => (stepOf(rb, 'producer-suite').run = ticking(release)) });
    screen.intents.select('producer-suite');
    await until(() => expect(screen.frame()).toContain('`producer-suite`'));
    screen.press(KEY.enter);
    await until(() => expect(screen.frame()).toContain('tick 2'));
    screen.press(KEY.ctrlC);
    expect(await screen.exited).toBe(130);
    writeFileSync(release, '');
    const attempt = screen.session.state.steps['producer-suite']!.attempts[0]!;
    expect(attempt.result).toMatchObject({ outcome: 'cancelled' });
    expect(attempt.failure).toBe('cancelled by the operator');
    expect(screen.session.activity.running).toBeUndefined();
    const events = readEvents(screen.session.bundleDir);
    expect(events.at(-1)).toMatchObject({ type: 'run.paused', reason: 'interrupted by Ctrl-C' });
    expect(events.find((e) => e.type === 'step.finished' && e.step === 'producer-suite')).toBeDefined();
  });

  it('works in a form too', async () => {
    const screen = mountScreen({ size: WIDE });
    await mainScreen(screen);
    screen.press(KEY.enter);
    await until(() => expect(screen.frame()).toContain('Confirm: Release candidate immutable'));
    screen.press(KEY.ctrlC);
    expect(await screen.exited).toBe(130);
    expect(screen.session.state.steps.rc!.status).toBe('pending');
    expect(readEvents(screen.session.bundleDir).at(-1)).toMatchObject({ type: 'run.paused', reason: 'interrupted by Ctrl-C' });
  });
});
