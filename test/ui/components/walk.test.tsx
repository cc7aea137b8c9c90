// The screen on the GO-lock fixture, driven by keys: a first walk to a GO.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { APPROVERS } from '../../fixtures/engine/scenario.js';
import { KEY, mountScreen, unmountAll, until } from '../screen.js';

afterEach(unmountAll);

describe('the screen', () => {
  it('walks the fixture to a GO by keys', async () => {
    const screen = mountScreen({ answers: { rc: true, meeting: { channel: '#bridge' }, notice: true, sign: { ...APPROVERS }, decide: { option: 'go-rehearsal' } } });
    await vi.waitFor(() => expect(screen.frame()).toContain('Release candidate immutable'));
    screen.press(KEY.enter); // opens the confirm form
    await vi.waitFor(() => expect(screen.frame()).toContain('Confirm: Release candidate immutable'));
    screen.press(KEY.enter); // confirms
    await vi.waitFor(() => expect(screen.session.state.steps.rc!.status).toBe('passed'));
    screen.press(KEY.enter); // the input form
    await vi.waitFor(() => expect(screen.frame()).toContain('Fill in: Go/no-go meeting'));
    screen.press(KEY.enter);
    await vi.waitFor(() => expect(screen.session.state.inputs.meeting).toEqual({ channel: '#bridge' }));
    screen.press('a'); // the gates section
    await until(() => expect(screen.session.state.steps['optional-lint']!.status).toBe('passed'));
    await vi.waitFor(() => expect(screen.frame()).toContain('waits for you'));
    screen.press(KEY.enter);
    await vi.waitFor(() => expect(screen.frame()).toContain('Notice: Announce the decision meeting'));
    screen.press(KEY.enter);
    await vi.waitFor(() => expect(screen.session.state.notices.notice).toBeDefined());
    screen.press(KEY.enter);
    await vi.waitFor(() => expect(screen.frame()).toContain('Sign-off: Joint sign-off'));
    screen.press(KEY.enter, KEY.enter, KEY.enter, KEY.enter);
    await vi.waitFor(() => expect(screen.session.state.steps.sign!.status).toBe('passed'));
    screen.press(KEY.enter);
    await vi.waitFor(() => expect(screen.frame()).toContain('Decide: Go/no-go'));
    screen.press(KEY.enter, KEY.enter);
    await vi.waitFor(() => expect(screen.session.state.closed?.outcome).toBe('GO'));
    await until(() => expect(screen.frame()).toContain('Decision recorded — the run is closed: GO'));
    screen.press('q');
    expect(await screen.exited).toBe(0);
  });
});
