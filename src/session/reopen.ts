// `cutover run <runbook> --reopen <bundle>`: after a NO-GO (or any closed
// run that did not end with GO) the day goes on in a NEW run, linked to the
// closed one. A closed run is never written again; the new run's run.started
// names the old run (its id, bundle and the hash of its journal's last
// event), so `cutover verify` of the new bundle can check the link against
// the old bundle when it is at hand (evidence/verify-reopen.ts).
import { join, resolve } from 'node:path';
import type { JournalEvent, ReopenLink } from '../engine/events.js';
import { isBundleDir } from '../evidence/bundle.js';
import { JOURNAL_FILE, readJournal } from '../evidence/journal.js';
import type { Mode, Runbook } from '../runbook/types.js';
import { commandName } from '../shared/command-name.js';
import { InputError } from '../shared/errors.js';
import { MASKED } from '../shared/secret-mask.js';

export interface Reopening {
  link: ReopenLink;
  /** The closed run's mode: the new run's unless --mode is given. */
  mode: Mode;
  /** The closed run's vars the runbook still declares (secret ones are masked in the journal: give them again). */
  vars: Record<string, string>;
}

/** Reads the closed run `bundleDir` that a new run of `runbook` reopens; refuses what cannot be reopened. */
export function readReopening(bundleDir: string, runbook: Runbook): Reopening {
  const where = `run --reopen ${bundleDir}`;
  if (!isBundleDir(bundleDir)) {
    throw new InputError(`${where}: not an evidence bundle (no ${JOURNAL_FILE} in it)`, 'pass the bundle directory of the closed run, as `cutover run` printed it');
  }
  const { events, problems, validBytes, totalBytes } = readJournal(join(bundleDir, JOURNAL_FILE));
  if (problems.length || validBytes < totalBytes) {
    throw new InputError(`${where}: the journal of that run has integrity problems (${problems[0] ?? 'an incomplete last line'})`, `run \`${commandName()} verify ${bundleDir}\`; a run is reopened only from an intact bundle`);
  }
  const started = events[0];
  if (started?.type !== 'run.started') throw new InputError(`${where}: ${JOURNAL_FILE} does not start with run.started`, `run \`${commandName()} verify ${bundleDir}\``);
  const closed = events.find((e): e is Extract<JournalEvent, { type: 'run.closed' }> => e.type === 'run.closed');
  if (!closed) {
    throw new InputError(`${where}: that run is still open; it is continued, not reopened`, `continue it with \`${commandName()} resume ${bundleDir}\` (--retry-failed runs the failed steps again)`);
  }
  if (closed.outcome === 'GO') {
    throw new InputError(`${where}: that run ended with GO; a GO is final and is not reopened`, 'start a new run without --reopen if the day must be run again');
  }
  if (started.runbook.id !== runbook.id) {
    throw new InputError(`${where}: that run is of runbook ${started.runbook.id}, not ${runbook.id}`, `reopen it with the runbook it ran (${started.runbook.file}), fixed if need be`);
  }
  const last = events[events.length - 1]!;
  const declared = new Set(Object.keys(runbook.vars ?? {}));
  const vars = Object.fromEntries(Object.entries(started.vars).filter(([k, v]) => declared.has(k) && !v.includes(MASKED)));
  return {
    link: { run_id: started.run_id, bundle: resolve(bundleDir), outcome: closed.outcome, journal_head: last.hash },
    mode: started.mode,
    vars,
  };
}

/** What to do with a closed run instead of resuming it. */
export function closedRunHint(bundleDir: string, runbookFile: string, outcome: string): string {
  if (outcome === 'GO') return `a GO is final; \`${commandName()} report ${bundleDir}\` and \`${commandName()} verify ${bundleDir}\` read this run`;
  return `fix what failed, then start a new run linked to this one: \`${commandName()} run ${runbookFile} --reopen ${bundleDir}\` (it takes this run's mode and vars; give secret vars again with --var)`;
}
