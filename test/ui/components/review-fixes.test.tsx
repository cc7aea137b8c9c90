// Defects a cold review of the screen found, each reproduced and fixed: no
// decision while an attempt is still recorded, stopping a section run
// between steps, an error stopping the running step, a closed run reopened
// only to write its summaries, typed confirmations never prefilled outside
// the demo, clearing a rollback trigger.
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Session } from '../../../src/session/session.js';
import { APPROVERS, LABEL, OPERATOR, prepareToDecide, readEvents, stepOf, tempDir, writeRunbook } from '../../fixtures/engine/scenario.js';
import { KEY, mountScreen, ticking, unmountAll, until } from '../screen.js';

afterEach(unmountAll);

const frame = (s: { frame(): string }) => s.frame();

describe('the decision while a step runs', () => {
  it('is refused with the reason, journals nothing, and the attempt is recorded', async () => {
    const release = join(tempDir(), 'release');
    const screen = mountScreen({ edit: (rb) => ((stepOf(rb, 'optional-lint').run = ticking(release, 50)), (stepOf(rb, 'decide').requires = [])) });
    screen.session.confirm('rc');
    screen.session.recordInput('meeting', { channel: '#bridge' });
    screen.intents.select('optional-lint');
    screen.press(KEY.enter);
    await until(() => expect(frame(screen)).toContain('tick 1'));
    expect(screen.session.decide('decide', { option: 'no-go', confirmedText: LABEL.noGo, remediation: 'later' })).toMatchObject({ ok: false, reasons: ['"optional-lint" is running; the decision waits until its attempt is recorded'] });
    screen.intents.select('decide');
    screen.press(KEY.enter);
    await until(() => expect(frame(screen)).toContain('"optional-lint" is running; the decision waits'));
    expect(readEvents(screen.session.bundleDir).some((e) => e.type.startsWith('decision.'))).toBe(false);
    screen.press('c');
    await until(() => expect(screen.session.state.steps['optional-lint']!.attempts[0]!.result?.outcome).toBe('cancelled'));
  });
});

describe('leaving during a section run', () => {
  it('Ctrl-C between two steps of the section starts no further step', async () => {
    // The command exits at once, but a process it left holds the pipe for a
    // second: Ctrl-C lands while nothing can be cancelled any more.
    const screen = mountScreen({ edit: (rb) => (stepOf(rb, 'producer-suite').run = ['sh', '-c', 'setsid sleep 2 & echo done']) });
    screen.intents.select('producer-suite');
    screen.press('a');
    await until(() => expect(frame(screen)).toContain('running'));
    screen.press(KEY.ctrlC);
    expect(await screen.exited).toBe(130);
    const events = readEvents(screen.session.bundleDir);
    expect(events.filter((e) => e.type === 'step.started').map((e) => (e as { step: string }).step)).toEqual(['producer-suite']);
    expect(events.at(-1)?.type).toBe('run.paused');
  });
});

describe('an error while a step runs', () => {
  it('stops the running step and records it before the screen leaves', async () => {
    const release = join(tempDir(), 'release');
    const screen = mountScreen({ edit: (rb) => (stepOf(rb, 'producer-suite').run = ticking(release, 50)) });
    screen.intents.select('producer-suite');
    screen.press(KEY.enter);
    await until(() => expect(frame(screen)).toContain('tick 1'));
    screen.intents.fatal(new Error('boom'));
    expect(await screen.exited).toBe(3);
    expect(screen.session.state.steps['producer-suite']!.attempts[0]!.result?.outcome).toBe('cancelled');
    expect(screen.intents.crash).toBeInstanceOf(Error);
  });
});

describe('a closed run reopened for its summaries', () => {
  it('writes the summaries a crash left unwritten before leaving', async () => {
    const dir = tempDir();
    const first = Session.start({ runbookPath: writeRunbook(dir), mode: 'rehearsal', vars: {}, evidenceDir: join(dir, 'evidence'), operator: OPERATOR });
    await prepareToDecide(first);
    expect(first.decide('decide', { option: 'go-rehearsal', confirmedText: LABEL.rehearsal }).ok).toBe(true);
    await first.close();
    first.release();
    rmSync(join(first.bundleDir, 'SHA256SUMS'));
    const screen = mountScreen({ session: Session.resume(first.bundleDir, {}) });
    await until(() => expect(frame(screen)).toContain('the run is closed: GO'));
    screen.press('q');
    expect(await screen.exited).toBe(0);
    expect(existsSync(join(first.bundleDir, 'SHA256SUMS'))).toBe(true);
  });
});

describe('typed confirmations', () => {
  it('are not prefilled from an answers file outside the demo', async () => {
    const screen = mountScreen({ answers: { sign: { ...APPROVERS }, decide: { option: 'go-rehearsal' } }, prefillConfirmations: false });
    await prepareToDecide(screen.session);
    screen.intents.select('decide');
    screen.press(KEY.enter);
    await until(() => expect(frame(screen)).toContain('Decide: Go/no-go'));
    screen.press(KEY.enter, KEY.enter);
    await until(() => expect(frame(screen)).toContain('type "GO (rehearsal continuation)" exactly'));
    expect(screen.session.state.decision).toBeUndefined();
  });
});

describe('rollback triggers', () => {
  it('C clears an open trigger with a reason, and GO opens again', async () => {
    const screen = mountScreen();
    await prepareToDecide(screen.session);
    expect(screen.session.declareTrigger('envelope-mismatch', 'legacy_error in a 404').ok).toBe(true);
    await until(() => expect(frame(screen)).toContain('C clear trigger'));
    screen.press('C');
    await until(() => expect(frame(screen)).toContain('Clear a rollback trigger'));
    screen.press(KEY.enter, KEY.enter); // the only open trigger is chosen; on to the reason, then submit without one
    await until(() => expect(frame(screen)).toContain('a reason is required'));
    screen.press(...'sample was from the v2 endpoint', KEY.enter);
    await until(() => expect(screen.session.state.triggers[0]!.open).toBe(false));
    expect(readEvents(screen.session.bundleDir).find((e) => e.type === 'trigger.cleared')).toMatchObject({ note: 'sample was from the v2 endpoint', by: OPERATOR });
    await until(() => expect(frame(screen)).toContain('GO (rehearsal continuation) — every condition holds'));
  });
});
