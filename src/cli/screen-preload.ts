// Whether the interactive screen is used, and loading its code early. Kept
// apart from the front ends (cli/commands/front-end.ts) so that a command can
// start the screen's code loading before it loads the rest of its run.

import { setFlagsFromString } from 'node:v8';

/** The interactive screen when stdin and stdout are terminals and --plain is not given. */
export function wantsScreen(plain: boolean): boolean {
  return !plain && process.stdin.isTTY === true && process.stdout.isTTY === true;
}

let screen: Promise<typeof import('../ui/index.js')> | undefined;

/**
 * How much bytecode a function runs before V8 considers optimizing it: 16
 * times V8's default (67,584), for the screen's process only. The screen's
 * code (React's reconciler, Ink's layout and frame assembly) is warm, not
 * hot: with the default, V8 spent ~460 ms of CPU on its background threads
 * compiling and recompiling it while a step printed 100 MB (measured per
 * thread from /proc), CPU taken from the command on a 2-core machine; with
 * this budget ~150 ms, and the main thread ~80 ms more. Hot loops (a check's
 * validator over 100,000 lines) still reach the optimizing compiler within
 * a few milliseconds. docs/performance.md has the figures.
 */
export const SCREEN_INTERRUPT_BUDGET = 16 * 67_584;

/** Set before the screen's code first runs; the plain paths keep V8's defaults. */
function tuneForScreen(): void {
  setFlagsFromString(`--interrupt-budget=${SCREEN_INTERRUPT_BUDGET}`);
}

/**
 * Starts loading the screen (Ink, React: the slowest part of start-up) while
 * the command still prepares its run; only when the screen will be used.
 */
export function preloadScreen(plain: boolean): void {
  if (!wantsScreen(plain)) return;
  // Raw at once: a key typed while the run is prepared reaches the screen as
  // typed (cooked, an Enter would arrive as a line feed, which Ink ignores).
  process.stdin.setRawMode(true);
  tuneForScreen();
  screen ??= import('../ui/index.js');
}

/** The screen's code (loaded only here and by preloadScreen: the plain paths never load Ink or React). */
export function loadScreen(): Promise<typeof import('../ui/index.js')> {
  if (!screen) tuneForScreen();
  return (screen ??= import('../ui/index.js'));
}
