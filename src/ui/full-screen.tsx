// The full screen's frame, shared by `run`/`resume`/`demo` (index.tsx) and
// `watch` (watch.tsx): enter the alternate screen, render the App, wire
// resize, the three stop signals and crashes — and on every path leave it
// all as it was: Ink unmounted, the normal screen and cursor back, every
// listener removed.
import { render } from 'ink';
import { App } from './components/App.js';
import { ScreenProvider } from './context.js';
import type { Intents } from './intents.js';
import type { WatchIntents } from './watch-intents.js';
import type { RunStoreHandle } from './store/run-store.js';

// The alternate screen, and bracketed paste (a paste arrives marked, so it is never taken as keys: use-keys.tsx).
const ENTER_ALT = '\x1b[?1049h\x1b[H\x1b[2J\x1b[?2004h';
const LEAVE_ALT = '\x1b[?2004l\x1b[?25h\x1b[?1049l';
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export interface FullScreenOptions {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  handle: RunStoreHandle;
  intents: Intents | WatchIntents;
  maxFps: number;
  onSignal(signal: NodeJS.Signals): void;
  onCrash(error: unknown): void;
}

/** Shows the screen; the returned function takes it all down again (call it once, in a finally). */
export function showFullScreen(o: FullScreenOptions): () => void {
  const size = () => ({ columns: o.stdout.columns || 80, rows: o.stdout.rows || 24 });
  const onResize = () => o.handle.store.setState({ size: size() });
  o.stdout.on('resize', onResize);
  for (const s of SIGNALS) process.on(s, o.onSignal);
  process.on('uncaughtException', o.onCrash);
  process.on('unhandledRejection', o.onCrash);
  o.stdout.write(ENTER_ALT);
  const ink = render(
    <ScreenProvider store={o.handle.store} intents={o.intents}>
      <App />
    </ScreenProvider>,
    { stdin: o.stdin, stdout: o.stdout, exitOnCtrlC: false, patchConsole: false, incrementalRendering: true, maxFps: o.maxFps },
  );
  // A render error ends the screen too (Ink rejects waitUntilExit with it).
  ink.waitUntilExit().catch(o.onCrash);
  return () => {
    ink.unmount();
    ink.cleanup();
    o.stdout.write(LEAVE_ALT);
    o.handle.dispose();
    o.stdout.off('resize', onResize);
    for (const s of SIGNALS) process.off(s, o.onSignal);
    process.off('uncaughtException', o.onCrash);
    process.off('unhandledRejection', o.onCrash);
  };
}
