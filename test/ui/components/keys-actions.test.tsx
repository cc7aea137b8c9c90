// The acting keys of src/ui/keys/bindings.ts on the main screen: Enter (runs
// an automated step, opens the form of a manual one), a (the section's
// automated steps up to a manual one), r (a new attempt; refused before a
// first run), s (the skip form: recorded with the reason masked), o (the
// output viewer; q and Esc close it), c (cancels the running step: recorded
// cancelled), R (the trigger form: declared, and the GO lock shows it), ?
// (the help lists every binding; Esc and ? close it).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BINDINGS } from '../../../src/ui/keys/bindings.js';
import { prepareToDecide, readEvents, stepOf, tempDir } from '../../fixtures/engine/scenario.js';
import { KEY, mountScreen, ticking, unmountAll, until, type Screen } from '../screen.js';

afterEach(unmountAll);

const message = (screen: Screen) => screen.frame().split('\n').at(-2)!.trimEnd();

async function select(screen: Screen, step: string): Promise<void> {
  screen.intents.select(step);
  await until(() => expect(screen.frame()).toContain(`\`${step}\``));
}

/** Waits for the main screen (no form, viewer or help) to take keys again. */
async function mainScreen(screen: Screen): Promise<void> {
  await until(() => expect(screen.store.getState().ui.modal).toBeUndefined());
  await until(() => expect(screen.frame()).toContain('GO lock —'));
}

const WIDE = { columns: 200, rows: 30 };

describe('Enter', () => {
  it('runs the selected command step and moves on to what comes next', async () => {
    const screen = mountScreen({ size: WIDE });
    await select(screen, 'producer-suite');
    screen.press(KEY.enter);
    await until(() => expect(message(screen)).toBe('✓ "Producer suite" passed'));
    expect(screen.session.state.steps['producer-suite']!.attempts).toHaveLength(1);
    expect(screen.session.state.steps['producer-suite']!.status).toBe('passed');
    // What comes next is the first step not done: rc.
    expect(screen.store.getState().ui.selected).toBe('rc');
  });

  it('opens the form of a manual step, which records nothing until it is submitted', async () => {
    const screen = mountScreen({ size: WIDE });
    await select(screen, 'rc');
    screen.press(KEY.enter);
    await until(() => expect(screen.frame()).toContain('Confirm: Release candidate immutable'));
    expect(screen.frame()).toContain('The RC is frozen');
    expect(screen.frame()).toContain('Press Enter to confirm this statement');
    expect(screen.session.state.steps.rc!.status).toBe('pending');
    screen.press(KEY.enter);
    await until(() => expect(screen.session.state.steps.rc!.status).toBe('passed'));
    await until(() => expect(message(screen)).toBe('✓ "Release candidate immutable" confirmed'));
  });

  it('says the run is closed once it is', async () => {
    const screen = mountScreen({ size: WIDE });
    await prepareToDecide(screen.session);
    screen.session.decide('decide', { option: 'no-go', confirmedText: 'NO-GO', remediation: 'later' });
    await screen.session.close();
    await until(() => expect(screen.frame()).toContain('Run closed: NO-GO'));
    screen.press(KEY.enter);
    await until(() => expect(message(screen)).toBe('the run is closed (NO-GO); press q to leave'));
    expect(screen.store.getState().ui.modal).toBeUndefined();
  });
});

describe('a', () => {
  it("runs the section's automated steps until the first manual step, and selects it", async () => {
    const screen = mountScreen({ size: WIDE });
    await select(screen, 'consumer-suite');
    screen.press('a');
    await until(() => expect(message(screen)).toBe('"Announce the decision meeting" (notice) is a notice step and waits for you'));
    for (const id of ['producer-suite', 'consumer-suite', 'optional-lint']) expect(screen.session.state.steps[id]!.status).toBe('passed');
    expect(screen.session.state.steps.notice!.status).toBe('pending');
    expect(screen.store.getState().ui.selected).toBe('notice');
  });

  it('stops at a failure, and selects the failed step', async () => {
    const screen = mountScreen({ size: WIDE, edit: (rb) => (stepOf(rb, 'consumer-suite').run = ['sh', '-c', 'exit 4']) });
    await select(screen, 'producer-suite');
    screen.press('a');
    await until(() => expect(message(screen)).toBe('"Consumer suite" (consumer-suite) failed'));
    expect(screen.session.state.steps['optional-lint']!.attempts).toHaveLength(0);
    expect(screen.store.getState().ui.selected).toBe('consumer-suite');
  });
});

describe('r', () => {
  it('refuses a step that never ran, and runs a new attempt of one that did', async () => {
    const screen = mountScreen({ size: WIDE, edit: (rb) => (stepOf(rb, 'producer-suite').run = ['sh', '-c', 'echo attempt; exit 2']) });
    await select(screen, 'producer-suite');
    screen.press('r');
    await until(() => expect(message(screen)).toBe('"Producer suite" has not run yet: press Enter to run it'));
    expect(screen.session.state.steps['producer-suite']!.attempts).toHaveLength(0);
    screen.press(KEY.enter);
    await until(() => expect(message(screen)).toBe('✗ "Producer suite" failed: exit code 2, expected 0 (+1 more above)'));
    screen.press('r');
    await until(() => expect(screen.session.state.steps['producer-suite']!.attempts).toHaveLength(2));
    await until(() => expect(screen.frame()).toContain('2 attempts; the first started'));
    expect(screen.session.state.steps['producer-suite']!.attempts.map((a) => a.status)).toEqual(['failed', 'failed']);
  });
});

describe('s', () => {
  const SECRET = 'hunter2-s3cret-value';
  afterEach(() => {
    delete process.env.CUTOVER_TEST_SECRET;
  });

  it('opens the skip form; the skip is recorded with the reason, a secret in it masked', async () => {
    process.env.CUTOVER_TEST_SECRET = SECRET;
    const screen = mountScreen({ size: WIDE, edit: (rb) => (rb.secrets = ['CUTOVER_TEST_SECRET']) });
    await select(screen, 'consumer-suite');
    screen.press('s');
    await until(() => expect(screen.frame()).toContain('Skip "Consumer suite"\nA waiver, recorded with your reason; it blocks a GO.'));
    screen.press(...`flaky, token ${SECRET}`);
    await until(() => expect(screen.frame()).toContain(`Reason: flaky, token ${SECRET}`));
    screen.press(KEY.enter);
    await until(() => expect(screen.session.state.steps['consumer-suite']!.status).toBe('skipped'));
    expect(screen.session.state.steps['consumer-suite']!.skipReason).toBe('flaky, token ***');
    await until(() => expect(screen.frame()).toMatch(/⊘ Consumer suite\s+waived flaky, token \*\*\*/));
    expect(screen.frame()).not.toContain(SECRET);
    expect(readEvents(screen.session.bundleDir).find((e) => e.type === 'step.skipped')).toMatchObject({ step: 'consumer-suite', reason: 'flaky, token ***' });
  });

  it('refuses to skip the decision, without a form', async () => {
    const screen = mountScreen({ size: WIDE });
    await select(screen, 'decide');
    screen.press('s');
    await until(() => expect(message(screen)).toBe('the decision "Go/no-go" (decide) cannot be skipped (+1 more above)'));
    expect(screen.store.getState().ui.modal).toBeUndefined();
  });
});

describe('o', () => {
  it("opens the step's output viewer; q and Esc close it", async () => {
    const screen = mountScreen({ size: WIDE });
    await select(screen, 'producer-suite');
    screen.press(KEY.enter);
    await until(() => expect(screen.session.state.steps['producer-suite']!.status).toBe('passed'));
    await select(screen, 'producer-suite');
    screen.press('o');
    await until(() => expect(screen.frame()).toContain(' Output of producer-suite · '));
    expect(screen.frame()).toContain('producer suite green');
    expect(screen.frame()).not.toContain('GO lock —');
    screen.press('q');
    await mainScreen(screen);
    screen.press('o');
    await until(() => expect(screen.frame()).toContain(' Output of producer-suite · '));
    screen.press(KEY.escape);
    await mainScreen(screen);
  });

  it('says so for a step without output yet', async () => {
    const screen = mountScreen({ size: WIDE });
    await select(screen, 'producer-suite');
    screen.press('o');
    await until(() => expect(screen.frame()).toContain(' Output of producer-suite · 0 B · empty · no output yet'));
    screen.press('q');
    await mainScreen(screen);
  });
});

describe('c', () => {
  it('cancels the running step: recorded as cancelled, and it comes up again', async () => {
    const release = join(tempDir(), 'release');
    const screen = mountScreen({ size: WIDE, edit: (rb) => (stepOf(rb, 'producer-suite').run = ticking(release)) });
    await select(screen, 'producer-suite');
    screen.press(KEY.enter);
    await until(() => expect(screen.frame()).toContain('tick 2'));
    screen.press('c');
    await until(() => expect(message(screen)).toBe('■ "Producer suite" was cancelled; it runs again when you press Enter'));
    const attempt = screen.session.state.steps['producer-suite']!.attempts[0]!;
    expect(attempt.result).toMatchObject({ outcome: 'cancelled' });
    expect(attempt.failure).toBe('cancelled by the operator');
    expect(screen.session.activity.running).toBeUndefined();
    expect(screen.frame()).toMatch(/■ Producer suite\s+cancelled runs again/);
    expect(screen.store.getState().ui.selected).toBe('producer-suite');
    expect(screen.frame().split('\n').at(-1)).toContain('⏎ run again');
    writeFileSync(release, '');
  });

  it('is refused when nothing runs', async () => {
    const screen = mountScreen({ size: WIDE });
    await until(() => expect(screen.frame()).toContain('GO lock —'));
    screen.press('c');
    await until(() => expect(message(screen)).toBe('no step is running'));
  });
});

describe('R', () => {
  it('opens the trigger form (matrix minimum and action shown, severity never below it, identification time); the trigger is declared and the GO lock shows it', async () => {
    const screen = mountScreen({ size: { columns: 240, rows: 30 } });
    await prepareToDecide(screen.session);
    await until(() => expect(screen.frame()).toContain('✓ open   GO (rehearsal continuation)'));
    screen.press('R');
    await until(() => expect(screen.frame()).toContain("Declare a rollback trigger (the runbook's matrix) — it locks GO until cleared"));
    expect(screen.frame()).toContain('› Trigger: Non-2xx envelope shape mismatch (min SEV-1)');
    expect(screen.frame()).toContain('(•) Non-2xx envelope shape mismatch (min SEV-1)');
    // The chosen trigger's required action, under the list.
    const action = screen.session.runbook.triggers!.find((t) => t.id === 'envelope-mismatch')!.action;
    expect(screen.frame()).toContain(`    required action: ${action}`);
    screen.press(KEY.enter);
    await until(() => expect(screen.frame()).toContain('› Severity (raise it, never below the minimum)'));
    screen.press(KEY.down);
    await until(() => expect(screen.frame()).toContain('below the matrix minimum SEV-1'));
    screen.press(KEY.up);
    await until(() => expect(screen.frame()).not.toContain('below the matrix minimum SEV-1'));
    screen.press(KEY.enter);
    await until(() => expect(screen.frame()).toContain('› Identified at (UTC;'));
    for (let i = 0; i < 3; i++) screen.press(KEY.backspace);
    // Identified when the run started, entered later (never before the run started: review finding 13/12).
    const startedAt = screen.session.state.startedAt;
    screen.press(...startedAt);
    await until(() => expect(screen.frame()).toContain(startedAt));
    screen.press(KEY.enter);
    await until(() => expect(screen.frame()).toContain('› What was observed:'));
    screen.press(...'envelope 500s on /v3/orders');
    await until(() => expect(screen.frame()).toContain('What was observed: envelope 500s on /v3/orders'));
    screen.press(KEY.enter);
    await until(() => expect(screen.session.state.triggers).toHaveLength(1));
    const t = screen.session.state.triggers[0]!;
    expect(t).toMatchObject({ id: 'envelope-mismatch', severity: 'SEV-1', open: true });
    expect(t.identifiedAt).toBe(startedAt);
    expect(Date.parse(t.declaredAt)).toBeGreaterThan(Date.parse(t.identifiedAt));
    await until(() => expect(message(screen)).toContain('⚠ rollback trigger declared: Non-2xx envelope shape mismatch — GO is locked'));
    expect(screen.frame()).toContain(`✗ LOCKED GO (rehearsal continuation) — 1 unmet, first: rollback trigger "Non-2xx envelope shape mismatch" (SEV-1) identified at ${t.identifiedAt}, declared at ${t.declaredAt} is open`);
  });

  it('says so when the runbook declares no triggers', async () => {
    const screen = mountScreen({ size: WIDE, edit: (rb) => delete rb.triggers });
    await until(() => expect(screen.frame()).toContain('GO lock —'));
    screen.press('R');
    await until(() => expect(message(screen)).toBe('this runbook declares no rollback triggers'));
    expect(screen.store.getState().ui.modal).toBeUndefined();
  });
});

describe('?', () => {
  it('shows every binding with its keys and help; Esc closes it, and so does ?', async () => {
    const screen = mountScreen({ size: { columns: 120, rows: 40 } });
    await until(() => expect(screen.frame()).toContain('GO lock —'));
    screen.press('?');
    await until(() => expect(screen.frame()).toContain('Keys — cutover (Esc or ? closes this help)'));
    for (const b of BINDINGS) expect(screen.frame()).toContain(`${b.keys.padEnd(8)} ${b.help}`);
    for (const state of ['· pending', '▶ running', '✓ passed', '✗ FAILED', '⊘ waived', '! interrupted', '■ cancelled', '◌ locked', '– not in this mode', '↷ not run', '✗ ENV FAILURE']) expect(screen.frame()).toContain(state);
    // Each state's word stands apart from the next glyph, the longest included.
    expect(screen.frame()).toMatch(/not in this mode {2,}↷ not run {2,}✗ ENV FAILURE/);
    screen.press(KEY.escape);
    await mainScreen(screen);
    screen.press('?');
    await until(() => expect(screen.frame()).toContain('Keys — cutover'));
    screen.press('?');
    await mainScreen(screen);
    expect(screen.frame()).not.toContain('Keys — cutover');
  });
});
