// The screen in a real pseudo-terminal: it opens full-screen and leaves the
// terminal as it found it.
import { afterEach, describe, expect, it } from 'vitest';
import { REPO } from '../../helpers/cli.js';
import { tempDir } from '../../fixtures/engine/scenario.js';
import { startPty, type Pty } from '../pty.js';

const open: Pty[] = [];
afterEach(() => {
  while (open.length) open.pop()!.kill('SIGKILL');
});

describe('cutover demo in a terminal', () => {
  it('opens the screen in the alternate screen and restores the terminal on q', async () => {
    const p = startPty(['demo', '--evidence-dir', tempDir()], { cwd: REPO });
    open.push(p);
    await p.waitFor('GO lock');
    expect(p.raw()).toContain('\x1b[?1049h');
    // Bracketed paste is on: a paste arrives marked and is not taken as keys (a pasted q, y would quit).
    expect(p.raw()).toContain('\x1b[?2004h');
    p.write('\x1b[200~qy\x1b[201~');
    await p.waitFor('a paste is not keys: 2 characters ignored (paste into a field or a / search)');
    p.write('q');
    await p.waitFor('Quit?');
    p.write('y');
    const exit = await p.exited;
    expect(exit.exitCode).toBe(3);
    expect(p.raw().lastIndexOf('\x1b[?1049l')).toBeGreaterThan(p.raw().lastIndexOf('\x1b[?1049h'));
    expect(p.raw().lastIndexOf('\x1b[?2004l')).toBeGreaterThan(p.raw().lastIndexOf('\x1b[?2004h'));
    expect(p.text()).toContain('Resume with: cutover resume');
  });
});
