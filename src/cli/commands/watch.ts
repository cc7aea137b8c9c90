// `cutover watch <bundle-dir> [--plain]`: a read-only live view of a run
// another process drives (the other side's approver, the incident
// commander). In a terminal it is the run's own screen without intents
// (ui/watch.tsx, Ink loaded only then); with --plain or off a terminal the
// journal is followed as it grows and each event printed as a line. It
// never writes to the bundle (no lock, no event, no summary) and works
// while the run holds it. It ends when the run closes (exit 0), at a broken
// hash chain (1), or on q / Ctrl-C (0 / 130).
import { parseCommandArgs, type OptionSpec } from '../args.js';
import { EXIT, InputError } from '../errors.js';
import type { CliIO } from '../io.js';
import { WatchLines } from '../../plain/watch-lines.js';
import { WatchView } from '../../session/watch-view.js';
import { wantsScreen } from '../screen-preload.js';

export const HELP = `Usage: cutover watch <bundle-dir> [--plain]

Follows a run that another cutover process drives, read-only. In a terminal
it shows the run's own screen (steps, detail, GO lock, o for a step's output)
as the journal grows; keys that would act say "read-only: watching". With
--plain (or off a terminal) every journal event is printed as a line. Nothing
is written to the bundle, and it works while the run holds it. It ends when
the run closes; only events whose hash chain checks out are shown.

Options:
  --plain     one line per event instead of the screen
  -h, --help

Exit codes: 0 the run closed (or q), 1 the journal does not check out (a
broken hash: nothing after it is shown), 2 not a bundle, 130 Ctrl-C.`;

const POLL_MS = 200;

export const OPTIONS = {
  plain: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionSpec;

export async function main(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs('watch', args, OPTIONS);
  if (values.help) {
    io.out(HELP);
    return EXIT.ok;
  }
  if (positionals.length !== 1) throw new InputError('watch: give exactly one bundle directory', 'run `cutover watch evidence/<bundle>`');
  const bundle = positionals[0]!;
  const view = new WatchView(bundle);
  // The bundle exists before its first event is on disk: wait for run.started.
  while (!view.poll() && view.events.length === 0) {
    if (view.broken) break;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  if (wantsScreen(values.plain === true) && view.events.length) {
    // Loaded only here: the plain path never loads Ink or React.
    const { runWatch } = await import('../../ui/watch.js');
    return runWatch(view, { out: io.out });
  }
  return watchPlain(view, io);
}

async function watchPlain(view: WatchView, io: CliIO): Promise<number> {
  const bundle = view.bundleDir;
  const lines = new WatchLines(view.runbook);
  io.out(`watching ${bundle} (read-only; Ctrl-C stops watching, the run goes on)`);
  let shown = 0;
  let stop = false;
  const onSigint = () => {
    stop = true;
  };
  process.on('SIGINT', onSigint);
  try {
    for (;;) {
      if (stop) return EXIT.sigint;
      // Only the events whose chain checks out are shown: one after a break is not shown as if real.
      for (const ev of view.events.slice(shown)) {
        io.out(lines.line(ev));
        if (ev.type === 'run.closed') return EXIT.ok;
      }
      shown = view.events.length;
      if (view.broken) {
        io.out(`✗ ${view.broken.message}`);
        return EXIT.notOk;
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      view.poll();
    }
  } finally {
    process.off('SIGINT', onSigint);
  }
}
