// `cutover watch <bundle-dir> [--plain]`: a read-only live view of a run
// another process drives (the other side's approver, the incident
// commander): the journal is followed as it grows and each event printed as
// a line. It never writes to the bundle (no lock, no event, no summary) and
// works while the run holds it. It ends when the run closes (exit 0) or on
// Ctrl-C (130).
import { join } from 'node:path';
import { statSync } from 'node:fs';
import { parseCommandArgs, type OptionSpec } from '../args.js';
import { EXIT, InputError } from '../errors.js';
import type { CliIO } from '../io.js';
import { isBundleDir, RUNBOOK_COPY } from '../../evidence/bundle.js';
import { JOURNAL_FILE, readJournal } from '../../evidence/journal.js';
import { chainHash, GENESIS } from '../../evidence/canonical.js';
import type { JournalEvent } from '../../engine/events.js';
import { WatchLines } from '../../plain/watch-lines.js';
import { loadRunbook } from '../../runbook/load.js';

export const HELP = `Usage: cutover watch <bundle-dir> [--plain]

Follows a run that another cutover process drives, read-only: every journal
event is printed as a line as it is written (steps started and finished,
sign-offs requested and signed, triggers, the decision). Nothing is written to
the bundle, and it works while the run holds it. It ends when the run closes.

Options:
  --plain     line output (the only view so far; in a terminal too)
  -h, --help

Exit codes: 0 the run closed, 1 the journal does not check out (a broken
hash: nothing after it is shown), 2 not a bundle, 130 Ctrl-C.`;

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
  if (!isBundleDir(bundle)) throw new InputError(`${bundle}: not an evidence bundle (no ${JOURNAL_FILE} in it)`, 'pass the bundle directory the run printed (bundle: …)');
  const loaded = loadRunbook(join(bundle, RUNBOOK_COPY), { checkRollbackPath: false, bundleCopy: true });
  if (!loaded.ok) throw new InputError(`${join(bundle, RUNBOOK_COPY)}: the runbook copy is not a valid runbook (${loaded.diagnostics[0]?.message})`, 'run `cutover verify` on the bundle');
  const lines = new WatchLines(loaded.loaded.runbook);
  const journal = join(bundle, JOURNAL_FILE);
  io.out(`watching ${bundle} (read-only; Ctrl-C stops watching, the run goes on)`);
  let shown = 0;
  let size = -1;
  let warned = false;
  let stop = false;
  const onSigint = () => {
    stop = true;
  };
  process.on('SIGINT', onSigint);
  try {
    for (;;) {
      if (stop) return EXIT.sigint;
      const now = statSync(journal).size;
      if (now !== size) {
        size = now;
        const read = readJournal(journal);
        if (read.problems.length && !warned) {
          warned = true;
          io.err(`${journal}: ${read.problems[0]} — the journal is not intact; \`cutover verify ${bundle}\` says more`);
        }
        // Only the events whose chain checks out are shown: one after a break is not shown as if real.
        const intact = intactPrefix(read.events);
        for (const ev of read.events.slice(shown, intact)) {
          io.out(lines.line(ev));
          if (ev.type === 'run.closed') return EXIT.ok;
        }
        shown = Math.max(shown, intact);
        if (intact < read.events.length) {
          io.out(`✗ the journal does not check out from event ${intact + 1} (seq ${String(read.events[intact]!.seq)}): its hash chain is broken, so nothing from there on is shown — run \`cutover verify ${bundle}\``);
          return EXIT.notOk;
        }
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/** How many events, from the first, have a chain that checks out (seq, prev and hash). */
function intactPrefix(events: readonly JournalEvent[]): number {
  let prev = GENESIS;
  for (let i = 0; i < events.length; i++) {
    const { hash, ...rest } = events[i]!;
    if (rest.seq !== i + 1 || rest.prev !== prev || chainHash(prev, rest as Record<string, unknown>) !== hash) return i;
    prev = hash;
  }
  return events.length;
}
