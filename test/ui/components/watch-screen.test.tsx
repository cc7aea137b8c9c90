// The screen of `cutover watch` (ink-testing-library): the run's own screen
// drawn from a WatchView over a bundle a real Session writes. It follows
// what the session journals, and is read-only: every key that would act says
// "read-only: watching" and nothing is written; moving, o and ? work; q
// leaves with 0.
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { WatchView } from '../../../src/session/watch-view.js';
import { App } from '../../../src/ui/components/App.js';
import { ScreenProvider } from '../../../src/ui/context.js';
import { createRunStore } from '../../../src/ui/store/run-store.js';
import { WatchIntents } from '../../../src/ui/watch-intents.js';
import type { Session } from '../../../src/session/session.js';
import { KEY, startSession, until } from '../screen.js';

const open: (() => void)[] = [];
afterEach(() => {
  while (open.length) open.pop()!();
});

/** Every entry of the bundle (the directories and .tmp too), with its size and modification time: what "nothing written" means. */
function treeOf(dir: string): Record<string, string> {
  const tree: Record<string, string> = {};
  const walk = (rel: string) => {
    const st = lstatSync(join(dir, rel));
    tree[rel || '.'] = `${st.isDirectory() ? 'dir' : st.size} ${st.mtimeMs}`;
    if (st.isDirectory()) for (const name of readdirSync(join(dir, rel)).sort()) walk(rel ? `${rel}/${name}` : name);
  };
  walk('');
  return tree;
}

function watchScreen(session: Session) {
  const view = new WatchView(session.bundleDir);
  view.poll();
  const handle = createRunStore(view, { selected: 'rc', size: { columns: 100, rows: 30 } });
  let exit!: (code: number) => void;
  const exited = new Promise<number>((resolve) => (exit = resolve));
  const intents = new WatchIntents(view, handle.store, exit);
  const ink = render(
    <ScreenProvider store={handle.store} intents={intents}>
      <App />
    </ScreenProvider>,
  );
  open.push(() => {
    ink.unmount();
    ink.frames.length = 0; // ink-testing-library keeps every instance: let go of the frames (see test/ui/screen.tsx)
    handle.dispose();
    session.release();
  });
  return { view, frame: () => ink.lastFrame() ?? '', press: (...keys: string[]) => keys.forEach((k) => ink.stdin.write(k)), exited };
}

describe('the watch screen', () => {
  it('is read-only: acting keys say so and write nothing; moving, o and ? work; q leaves with 0', async () => {
    const session = startSession();
    const w = watchScreen(session);
    const journal = join(session.bundleDir, 'journal.ndjson');
    const before = readFileSync(journal, 'utf8');
    const tree = treeOf(session.bundleDir);
    expect(Object.keys(tree)).toContain('journal.ndjson');
    await until(() => expect(w.frame()).toContain('read-only: watching'));
    expect(w.frame()).toContain('Release candidate immutable');
    for (const [key, shown] of [[KEY.enter, 'Enter'], ['a', 'a'], ['s', 's'], ['r', 'r'], ['R', 'R'], ['C', 'C'], ['c', 'c']] as const) {
      w.press(key);
      await until(() => expect(w.frame()).toContain(`read-only: watching — ${shown} acts only on the screen of the run (Olga Operator's); here you watch`));
    }
    // No form opened, nothing journaled, no file written in the bundle.
    expect(w.frame()).not.toContain('Tab/↑↓ field');
    expect(readFileSync(journal, 'utf8')).toBe(before);
    expect(treeOf(session.bundleDir)).toEqual(tree);

    w.press('j');
    await until(() => expect(w.frame()).toMatch(/›. Go\/no-go meeting/));
    w.press('o');
    await until(() => expect(w.frame()).toContain('Output of meeting'));
    w.press('q');
    await until(() => expect(w.frame()).not.toContain('Output of meeting'));
    w.press('?');
    await until(() => expect(w.frame()).toContain('Keys — cutover watch, read-only'));
    expect(w.frame()).toContain('stop watching (the run goes on; nothing is written)');
    expect(w.frame()).not.toContain('skip the step with a reason');
    w.press(KEY.escape);
    await until(() => expect(w.frame()).not.toContain('Keys — cutover watch'));
    w.press('q');
    expect(await w.exited).toBe(0);
    expect(treeOf(session.bundleDir)).toEqual(tree); // moving, o and ? wrote nothing either
  });

  it('follows what the run journals: a confirmation made by the session shows once polled', async () => {
    const session = startSession();
    const w = watchScreen(session);
    await until(() => expect(w.frame()).toMatch(/Release candidate immutable\s+to confirm/));
    expect(session.confirm('rc', {}).ok).toBe(true);
    await until(() => {
      w.view.poll();
      expect(w.frame()).toMatch(/Release candidate immutable\s+confirmed/);
    });
  });

  it('renders a notice whose template names the run\'s trigger as the run itself does', async () => {
    const session = startSession({
      edit: (rb) => {
        const notice = rb.sections.flatMap((sec) => sec.steps).find((st) => st.id === 'notice')!;
        notice.template = 'Trigger ${trigger.id} (${trigger.severity}) for ${target.release_tag}';
      },
    });
    expect(session.declareTrigger('envelope-mismatch', 'seen in the smoke').ok).toBe(true);
    const view = new WatchView(session.bundleDir);
    view.poll();
    open.push(() => session.release());
    const own = session.renderNotice('notice');
    expect(own).toContain('Trigger envelope-mismatch (SEV-1)');
    expect(view.renderNotice('notice')).toBe(own);
  });
});
