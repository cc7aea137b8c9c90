// The moving keys of src/ui/keys/bindings.ts on the main screen: ↑/k and
// ↓/j one step, PgUp/PgDn eight steps (clamped at the ends), Home/g the
// first step, End/G the last; section titles are never selected.
import { afterEach, describe, expect, it } from 'vitest';
import { KEY, mountScreen, unmountAll, until, type Screen } from '../screen.js';

afterEach(unmountAll);

/** The fixture with four more commands in the gates: twelve steps, more than a page of eight. */
function mountLong(): Screen {
  return mountScreen({
    size: { columns: 100, rows: 40 },
    edit: (rb) => {
      const gates = rb.sections[1]!.steps;
      const at = gates.findIndex((s) => s.id === 'notice');
      gates.splice(at, 0, ...[1, 2, 3, 4].map((n) => ({ id: `extra-${n}`, kind: 'command', title: `Extra check ${n}`, run: ['true'] })));
    },
  });
}

const TITLE: Record<string, string> = {
  rc: 'Release candidate immutable',
  meeting: 'Go/no-go meeting',
  'producer-suite': 'Producer suite',
  'consumer-suite': 'Consumer suite',
  'extra-4': 'Extra check 4',
  sign: 'Joint sign-off',
  decide: 'Go/no-go',
};

/** Presses `key` and waits for `step` to be selected in the store and marked › on screen. */
async function pressTo(screen: Screen, key: string, step: string): Promise<void> {
  screen.press(key);
  await until(() => expect(screen.store.getState().ui.selected).toBe(step));
  await until(() => expect(screen.frame().split('\n').find((l) => l.includes('›'))).toMatch(new RegExp(`›. ${TITLE[step]!}(?! meeting)`)));
}

describe('moving keys', () => {
  it('↓ and j select the next step, ↑ and k the previous one, across a section title', async () => {
    const screen = mountScreen();
    await until(() => expect(screen.frame()).toContain('›· Release candidate immutable'));
    await pressTo(screen, KEY.down, 'meeting');
    await pressTo(screen, 'j', 'producer-suite');
    await pressTo(screen, KEY.up, 'meeting');
    await pressTo(screen, 'k', 'rc');
    // At the first step ↑ stays there.
    await pressTo(screen, KEY.up, 'rc');
  });

  it('PgDn and PgUp move eight steps, clamped at the ends', async () => {
    const screen = mountLong();
    await until(() => expect(screen.frame()).toContain('Extra check 4'));
    await pressTo(screen, KEY.pageDown, 'extra-4');
    await pressTo(screen, KEY.pageDown, 'decide');
    await pressTo(screen, KEY.pageUp, 'consumer-suite');
    await pressTo(screen, KEY.pageUp, 'rc');
  });

  it('End and G select the last step, Home and g the first', async () => {
    const screen = mountLong();
    await until(() => expect(screen.frame()).toContain('Extra check 4'));
    await pressTo(screen, KEY.end, 'decide');
    await pressTo(screen, KEY.home, 'rc');
    await pressTo(screen, 'G', 'decide');
    await pressTo(screen, 'k', 'sign');
    await pressTo(screen, 'g', 'rc');
  });

  it('moves the detail pane with the selection', async () => {
    const screen = mountScreen();
    await until(() => expect(screen.frame()).toContain('confirmation `rc`'));
    screen.press('G');
    await until(() => expect(screen.frame()).toContain('decision `decide`'));
    expect(screen.frame()).not.toContain('confirmation `rc`');
  });
});
