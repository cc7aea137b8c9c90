// App: the layout by terminal size — a too-small terminal (under 60×16) says
// so and how big it must be, while the run goes on; enlarged, the main
// screen comes back; the frame always stays one row shorter than the
// terminal (the 80×24 budget of TUI.md).
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { stepOf, tempDir } from '../../fixtures/engine/scenario.js';
import { KEY, mountScreen, settle, ticking, unmountAll, until } from '../screen.js';

afterEach(unmountAll);

const flat = (frame: string) => frame.replace(/\s+/g, ' ').trim();

describe('App', () => {
  it('says a too-small terminal is too small, and how big it must be', async () => {
    const screen = mountScreen({ size: { columns: 50, rows: 10 } });
    await until(() => expect(flat(screen.frame())).toBe('The terminal is 50×10; cutover needs at least 60×16. Enlarge it (the run goes on; q quits).'));
    expect(screen.frame()).not.toContain('GO lock');
    expect(screen.frame().split('\n').every((l) => l.length <= 50)).toBe(true);
  });

  it('is too small when only one side is', async () => {
    const screen = mountScreen({ size: { columns: 120, rows: 15 } });
    await until(() => expect(flat(screen.frame())).toContain('The terminal is 120×15; cutover needs at least 60×16.'));
    screen.store.setState({ size: { columns: 59, rows: 40 } });
    await until(() => expect(flat(screen.frame())).toContain('The terminal is 59×40; cutover needs at least 60×16.'));
  });

  it('goes on running while too small, and shows the main screen again once enlarged', async () => {
    const release = join(tempDir(), 'release');
    const screen = mountScreen({ size: { columns: 80, rows: 24 }, edit: (rb) => (stepOf(rb, 'producer-suite').run = ticking(release)) });
    screen.intents.select('producer-suite');
    await until(() => expect(screen.frame()).toContain('`producer-suite`'));
    screen.press(KEY.enter);
    await until(() => expect(screen.frame()).toContain('tick 1'));
    screen.store.setState({ size: { columns: 50, rows: 10 } });
    await until(() => expect(flat(screen.frame())).toContain('The terminal is 50×10'));
    writeFileSync(release, '');
    await until(() => expect(screen.session.state.steps['producer-suite']!.status).toBe('passed'));
    screen.store.setState({ size: { columns: 80, rows: 24 } });
    await until(() => expect(screen.frame()).toMatch(/✓ Producer suite\s+passed/));
    expect(screen.frame()).toContain('GO lock — Go/no-go');
  });

  it('keeps the frame one row shorter than the terminal', async () => {
    for (const size of [{ columns: 80, rows: 24 }, { columns: 80, rows: 16 }, { columns: 100, rows: 30 }]) {
      const screen = mountScreen({ size });
      await until(() => expect(screen.frame()).toContain('GO lock — Go/no-go'));
      const lines = screen.frame().split('\n');
      expect(lines).toHaveLength(size.rows - 1);
      expect(lines.every((l) => l.length <= size.columns)).toBe(true);
      // Header first, keys last.
      expect(lines[0]).toMatch(/^GO lock fixture\s+REHEARSAL$/);
      expect(lines.at(-1)).toMatch(/^ ↓ move /);
    }
  });

  it('quits with q, or shows the question, on a too-small terminal', async () => {
    const screen = mountScreen({ size: { columns: 50, rows: 10 } });
    let code: number | undefined;
    void screen.exited.then((c) => (code = c));
    await until(() => expect(flat(screen.frame())).toContain('q quits'));
    screen.press('q');
    await settle();
    await until(() => expect(code !== undefined || screen.frame().includes('Quit?')).toBe(true));
  });
});
