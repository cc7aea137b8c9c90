// Keys typed right after a form or the output viewer opens — before React
// has run the new component's passive effects — reach it (key-router).
import { afterEach, describe, expect, it } from 'vitest';
import { stepOf } from '../../fixtures/engine/scenario.js';
import { KEY, mountScreen, unmountAll, until } from '../screen.js';

afterEach(unmountAll);

describe('keys typed as a form opens', () => {
  it('the note typed straight after Enter opened the form is recorded', async () => {
    const screen = mountScreen({ edit: (rb) => (stepOf(rb, 'rc').note = 'required') });
    await until(() => expect(screen.frame()).toContain('Release candidate immutable'));
    // One write each, with no wait in between: the form is not drawn yet when "f" arrives.
    screen.press(KEY.enter, 'f', 'r', 'o', 'z', 'e', 'n', KEY.enter);
    await until(() => expect(screen.session.state.steps.rc!.status).toBe('passed'));
    expect(screen.session.state.steps.rc!.note).toBe('frozen');
  });

  it('G typed straight after o opens the viewer goes to the end of the log', async () => {
    const screen = mountScreen({ edit: (rb) => (stepOf(rb, 'producer-suite').run = ['seq', '1', '500']) });
    screen.intents.select('producer-suite');
    screen.press(KEY.enter);
    // Once passed, the screen moves on to the next step; go back to this one.
    await until(() => expect(screen.frame()).toContain('✓ "Producer suite" passed'));
    screen.intents.select('producer-suite');
    screen.press('o', 'G');
    await until(() => expect(screen.frame()).toMatch(/\n500\n/));
  });
});
