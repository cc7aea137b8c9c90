// Whether the interactive screen is used, and loading its code early. Kept
// apart from the front ends (cli/commands/front-end.ts) so that a command can
// start the screen's code loading before it loads the rest of its run.

/** The interactive screen when stdin and stdout are terminals and --plain is not given. */
export function wantsScreen(plain: boolean): boolean {
  return !plain && process.stdin.isTTY === true && process.stdout.isTTY === true;
}

let screen: Promise<typeof import('../ui/index.js')> | undefined;

/**
 * Starts loading the screen (Ink, React: the slowest part of start-up) while
 * the command still prepares its run; only when the screen will be used.
 */
export function preloadScreen(plain: boolean): void {
  if (!wantsScreen(plain)) return;
  // Raw at once: a key typed while the run is prepared reaches the screen as
  // typed (cooked, an Enter would arrive as a line feed, which Ink ignores).
  process.stdin.setRawMode(true);
  screen ??= import('../ui/index.js');
}

/** The screen's code (loaded only here and by preloadScreen: the plain paths never load Ink or React). */
export function loadScreen(): Promise<typeof import('../ui/index.js')> {
  return (screen ??= import('../ui/index.js'));
}
