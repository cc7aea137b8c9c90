// Keys typed right after a form or the output viewer opens — before React
// has run the new component's passive effects — reach it (key-router); and
// keys that arrive in one read (Ink hands such a run over as one input) are
// each handled as the key they are, outside a form.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readEvents, stepOf, tempDir } from '../../fixtures/engine/scenario.js';
import { KEY, mountScreen, ticking, unmountAll, until } from '../screen.js';

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

  it('text typed straight after Tab goes into the field Tab moved to', async () => {
    const screen = mountScreen({ size: { columns: 120, rows: 40 }, edit: (rb) => Object.assign(stepOf(rb, 'rc'), { note: 'optional', link: 'optional' }) });
    await until(() => expect(screen.frame()).toContain('Release candidate immutable'));
    screen.press(KEY.enter);
    await until(() => expect(screen.frame()).toContain('Confirm: Release candidate immutable'));
    // Two writes, no wait: the link field is not drawn focused yet when the text arrives.
    screen.press('\t', 'https://example.invalid/rc');
    await until(() => expect(screen.frame()).toContain('› Evidence link (optional): https://example.invalid/rc'));
    expect(screen.frame()).toMatch(/ {2}Note \(optional\): —/);
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

describe('keys that arrive in one read', () => {
  it('"jj" on the main screen moves the selection two steps', async () => {
    const screen = mountScreen({ size: { columns: 100, rows: 40 } });
    await until(() => expect(screen.frame()).toContain('›· Release candidate immutable'));
    screen.press('jj');
    await until(() => expect(screen.store.getState().ui.selected).toBe('producer-suite'));
    screen.press('kjk');
    await until(() => expect(screen.store.getState().ui.selected).toBe('meeting'));
  });

  it('"qy": q asks, and the y that came with it answers — the run pauses and leaves with 3', async () => {
    const screen = mountScreen({ size: { columns: 100, rows: 40 } });
    await until(() => expect(screen.frame()).toContain('›· Release candidate immutable'));
    screen.press('qy');
    expect(await screen.exited).toBe(3);
    expect(readEvents(screen.session.bundleDir).at(-1)).toMatchObject({ type: 'run.paused', reason: 'paused by the operator (q)' });
  });

  it('a Ctrl-C that came with other keys still stops the running step and leaves with 130', async () => {
    const release = join(tempDir(), 'release');
    const screen = mountScreen({ size: { columns: 100, rows: 40 }, edit: (rb) => (stepOf(rb, 'producer-suite').run = ticking(release)) });
    screen.intents.select('producer-suite');
    await until(() => expect(screen.frame()).toContain('`producer-suite`'));
    screen.press(KEY.enter);
    await until(() => expect(screen.frame()).toContain('tick 2'));
    screen.press(`k${KEY.ctrlC}`);
    expect(await screen.exited).toBe(130);
    writeFileSync(release, '');
    expect(screen.session.state.steps['producer-suite']!.attempts[0]!.result).toMatchObject({ outcome: 'cancelled' });
    expect(readEvents(screen.session.bundleDir).at(-1)).toMatchObject({ type: 'run.paused', reason: 'interrupted by Ctrl-C' });
  });

  it('in a form a run is text, as a paste: typed whole into the field, a line break in it does not submit', async () => {
    const screen = mountScreen({ edit: (rb) => (stepOf(rb, 'rc').note = 'required') });
    await until(() => expect(screen.frame()).toContain('Release candidate immutable'));
    screen.press(KEY.enter);
    await until(() => expect(screen.frame()).toContain('Confirm: Release candidate immutable'));
    // "jq" would move and quit on the main screen; in the note it is text. A pasted line break submits nothing.
    screen.press(`frozen jq${KEY.enter}`);
    await until(() => expect(screen.frame()).toContain('frozen jq'));
    expect(screen.session.state.steps.rc!.status).toBe('pending');
    screen.press(KEY.enter);
    await until(() => expect(screen.session.state.steps.rc!.status).toBe('passed'));
    // The pasted line break is kept as one (a note may have several lines).
    expect(screen.session.state.steps.rc!.note).toBe('frozen jq\n');
  });

  it('in a form a Ctrl-C inside a run is still Ctrl-C', async () => {
    const screen = mountScreen({ edit: (rb) => (stepOf(rb, 'rc').note = 'required') });
    await until(() => expect(screen.frame()).toContain('Release candidate immutable'));
    screen.press(KEY.enter);
    await until(() => expect(screen.frame()).toContain('Confirm: Release candidate immutable'));
    screen.press(`froz${KEY.ctrlC}`);
    expect(await screen.exited).toBe(130);
    expect(screen.session.state.steps.rc!.status).toBe('pending');
  });
});

// The screen turns on bracketed paste: a paste arrives between ESC[200~ and ESC[201~.
const paste = (text: string) => `\x1b[200~${text}\x1b[201~`;

describe('a bracketed paste', () => {
  it('on the main screen is not taken as keys: nothing runs, nothing quits, and the screen says so', async () => {
    const screen = mountScreen({ size: { columns: 120, rows: 40 } });
    await until(() => expect(screen.frame()).toContain('›· Release candidate immutable'));
    // As keys, this would run the section, move, ask to quit and answer yes.
    screen.press(paste(`ajqy${KEY.enter}`));
    await until(() => expect(screen.frame()).toContain('a paste is not keys: 5 characters ignored (paste into a field or a / search)'));
    expect(screen.store.getState().ui.selected).toBe('rc');
    expect(screen.store.getState().ui.modal).toBeUndefined();
    expect(readEvents(screen.session.bundleDir).filter((e) => e.type === 'step.started')).toEqual([]);
    // Keys after it are keys again.
    screen.press('j');
    await until(() => expect(screen.store.getState().ui.selected).toBe('meeting'));
  });

  it('split over several reads is still one paste, and the key after it is a key', async () => {
    const screen = mountScreen({ size: { columns: 120, rows: 40 } });
    await until(() => expect(screen.frame()).toContain('›· Release candidate immutable'));
    screen.press('\x1b[200~jj', 'q', '\x1b[201~', 'j');
    await until(() => expect(screen.store.getState().ui.selected).toBe('meeting'));
    expect(screen.frame()).toContain('a paste is not keys: 3 characters ignored (paste into a field or a / search)');
    expect(screen.store.getState().ui.modal).toBeUndefined();
  });

  it("into a form's field goes in whole, escape sequences dropped, and its line break does not submit", async () => {
    const screen = mountScreen({ edit: (rb) => (stepOf(rb, 'rc').note = 'required') });
    await until(() => expect(screen.frame()).toContain('Release candidate immutable'));
    screen.press(KEY.enter);
    await until(() => expect(screen.frame()).toContain('Confirm: Release candidate immutable'));
    screen.press(paste(`frozen\x1b[31m at\r\nv0.4.0${KEY.ctrlC}`));
    await until(() => expect(screen.frame()).toContain('v0.4.0'));
    expect(screen.session.state.steps.rc!.status).toBe('pending');
    screen.press(KEY.enter);
    await until(() => expect(screen.session.state.steps.rc!.status).toBe('passed'));
    expect(screen.session.state.steps.rc!.note).toBe('frozen at\nv0.4.0');
  });

  it("into the output viewer's search goes into the term; its line break does not search", async () => {
    const screen = mountScreen({ size: { columns: 120, rows: 40 }, edit: (rb) => (stepOf(rb, 'producer-suite').run = ['seq', '1', '50']) });
    screen.intents.select('producer-suite');
    screen.press(KEY.enter);
    await until(() => expect(screen.frame()).toContain('✓ "Producer suite" passed'));
    screen.intents.select('producer-suite');
    screen.press('o');
    await until(() => expect(screen.frame()).toContain('Output of producer-suite'));
    screen.press('/');
    await until(() => expect(screen.frame()).toContain('(Enter search, Esc cancel)'));
    screen.press(paste('4\r2'));
    await until(() => expect(screen.frame()).toContain('/4 2█  (Enter search, Esc cancel)'));
  });

  it('whose end never came ends after a quiet second: the keys after it are keys again', async () => {
    const screen = mountScreen({ size: { columns: 120, rows: 40 } });
    await until(() => expect(screen.frame()).toContain('›· Release candidate immutable'));
    screen.press('\x1b[200~aqy');
    await until(() => expect(screen.frame()).toContain('a paste is not keys: 3 characters ignored'));
    expect(screen.store.getState().ui.modal).toBeUndefined();
    screen.press('j');
    await until(() => expect(screen.store.getState().ui.selected).toBe('meeting'));
  });

  it('whose end never came does not hold back a Ctrl-C: it stops and leaves with 130', async () => {
    const screen = mountScreen({ size: { columns: 120, rows: 40 } });
    await until(() => expect(screen.frame()).toContain('›· Release candidate immutable'));
    screen.press('\x1b[200~abc', KEY.ctrlC);
    expect(await screen.exited).toBe(130);
  });

  it('that stalled past the quiet second: its rest and its late end are still not keys', async () => {
    const screen = mountScreen({ size: { columns: 120, rows: 40 } });
    await until(() => expect(screen.frame()).toContain('›· Release candidate immutable'));
    screen.press('\x1b[200~ab');
    await until(() => expect(screen.frame()).toContain('a paste is not keys: 2 characters ignored'));
    // The link catches up: the rest of the paste (which would quit as keys), then its end marker.
    screen.press('cqy', '\x1b[201~');
    await until(() => expect(screen.frame()).toContain('a paste is not keys: 3 characters ignored'));
    expect(screen.store.getState().ui.modal).toBeUndefined();
    screen.press('j');
    await until(() => expect(screen.store.getState().ui.selected).toBe('meeting'));
    expect(screen.frame()).not.toContain('[201~');
  });

  it('whose start marker came in two reads is still a paste; a read that only looked like one is handed on', async () => {
    const screen = mountScreen({ size: { columns: 120, rows: 40 } });
    await until(() => expect(screen.frame()).toContain('›· Release candidate immutable'));
    // Ink flushes the first part alone when the rest is not in the same read (a slow link).
    const turn = () => new Promise((resolve) => setImmediate(resolve));
    screen.press('\x1b[200');
    await turn();
    await turn();
    screen.press('~aqy', '\x1b[201~');
    await until(() => expect(screen.frame()).toContain('a paste is not keys: 3 characters ignored'));
    expect(screen.store.getState().ui.modal).toBeUndefined();
    expect(screen.store.getState().ui.selected).toBe('rc');
    screen.press('\x1b[2');
    await turn();
    await turn();
    screen.press('j');
    await until(() => expect(screen.store.getState().ui.selected).toBe('meeting'));
  });

  it('Alt-[ then 2 and 0 in the next reads (held, as they may be a paste marker) reach the field once they turn out not to be one: nothing is lost', async () => {
    const screen = mountScreen({ size: { columns: 120, rows: 40 }, edit: (rb) => (stepOf(rb, 'rc').note = 'required') });
    await until(() => expect(screen.frame()).toContain('Release candidate immutable'));
    screen.press(KEY.enter);
    await until(() => expect(screen.frame()).toContain('Confirm: Release candidate immutable'));
    const turn = () => new Promise((resolve) => setImmediate(resolve));
    screen.press('v');
    await until(() => expect(screen.frame()).toContain('› Note: v'));
    // Alt-[ is ESC [, the first two bytes of the paste marker ESC[200~; the 2 that follows too.
    screen.press('\x1b[');
    await turn();
    screen.press('2');
    await turn();
    screen.press('0');
    await turn();
    screen.press('x');
    await until(() => expect(screen.frame()).toMatch(/› Note: v\S*20x/));
  });
});
