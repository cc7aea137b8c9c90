import { afterEach, expect, it, vi } from 'vitest';
import { KEY, mountScreen, unmountAll } from '../screen.js';
afterEach(unmountAll);
it('times', async () => {
  const screen = mountScreen({});
  await vi.waitFor(() => expect(screen.frame()).toContain('Release candidate immutable'));
  console.log(screen.frame());
  screen.press('j','j');
  const t0 = Date.now();
  screen.press(KEY.enter);
  await vi.waitFor(() => expect(screen.session.state.steps['producer-suite']!.status).toBe('passed'), { timeout: 20000 });
  console.log('took', Date.now() - t0);
  console.log(screen.frame());
});
