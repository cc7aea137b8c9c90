// The screen and the new step semantics: an input's equals: is validated
// inline as it is typed (and a mismatch is never recorded), and a step not
// in this run's mode shows as such in the step list.
import { afterEach, describe, expect, it } from 'vitest';
import { stepOf, type RunbookDoc } from '../../fixtures/engine/scenario.js';
import { KEY, mountScreen, unmountAll, until, type Screen } from '../screen.js';

afterEach(unmountAll);

const WIDE = { columns: 200, rows: 40 };

function field(screen: Screen, label: string): string {
  return screen.frame().split('\n').find((l) => l.includes(`${label}:`)) ?? '';
}

function errorUnder(screen: Screen, label: string): string {
  const lines = screen.frame().split('\n');
  const at = lines.findIndex((l) => l.includes(`${label}:`));
  return at !== -1 && lines[at + 1]?.startsWith('    ✗ ') ? lines[at + 1]!.trim() : '';
}

const edit = (rb: RunbookDoc) => {
  stepOf(rb, 'meeting').fields = [
    { id: 'channel', label: 'Incident channel', type: 'text' },
    { id: 'rollback_tag', label: 'Rollback target tag', type: 'tag', equals: '${baseline.release_tag}' },
  ];
  // A cutover-only step: a rehearsal records it as not in this mode.
  stepOf(rb, 'optional-lint').modes = ['cutover'];
};

describe('the screen and run modes', () => {
  it('validates equals: inline and records only the baseline tag', async () => {
    const screen = mountScreen({ size: WIDE, edit });
    screen.session.confirm('rc');
    screen.intents.select('meeting');
    await until(() => expect(screen.frame()).toContain('`meeting`'));
    screen.press(KEY.enter);
    await until(() => expect(screen.frame()).toContain('Fill in: Go/no-go meeting'));
    screen.press(...'#bridge');
    await until(() => expect(field(screen, 'Incident channel')).toContain('#bridge'));
    screen.press(KEY.enter);
    await until(() => expect(field(screen, 'Rollback target tag')).toMatch(/^› /));
    screen.press(...'v9.9.9');
    await until(() => expect(errorUnder(screen, 'Rollback target tag')).toBe('✗ Rollback target tag must equal ${baseline.release_tag} = "v0.3.2"; the value given is "v9.9.9"'));
    screen.press(KEY.enter);
    await until(() => expect(screen.frame()).toContain('✗ correct the fields marked ✗'));
    expect(screen.session.state.inputs.meeting).toBeUndefined();
    for (let i = 0; i < 6; i++) screen.press(KEY.backspace);
    screen.press(...'v0.3.2');
    await until(() => expect(field(screen, 'Rollback target tag')).toContain('v0.3.2'));
    expect(errorUnder(screen, 'Rollback target tag')).toBe('');
    screen.press(KEY.enter);
    await until(() => expect(screen.session.state.inputs.meeting).toEqual({ channel: '#bridge', rollback_tag: 'v0.3.2' }));
  });

  it('shows a step not in this mode with its glyph and words', async () => {
    const screen = mountScreen({ size: WIDE, edit });
    expect(screen.session.state.steps['optional-lint']!.status).toBe('not-in-mode');
    await until(() => expect(screen.frame()).toMatch(/– .*not in this mode/));
    // Its detail pane says why, in the journal's words.
    screen.intents.select('optional-lint');
    await until(() => expect(screen.frame()).toContain('not in this mode: the step runs only in a cutover run; this run is a rehearsal'));
    expect(screen.frame()).toContain('it does not block the GO of this run');
  });
});
