// A rollback run whose start was cut short (review finding 13/10): `run
// --from` journals the rollback run's run.started (naming the cutover
// journal's head) before the cutover run's rollback.started (naming it
// back). A kill between the two leaves a rollback bundle that does not link
// back. On resume of that bundle, while the cutover journal still ends at
// the head the rollback run recorded, the missing rollback.started (and,
// for an open cutover run, the run.paused that follows it) is appended under
// the cutover bundle's lock and its summaries are rewritten; when the
// cutover journal has moved on, the resume is refused with how to repair.
import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { JournalEvent } from '../engine/events.js';
import { isBundleDir } from '../evidence/bundle.js';
import { Journal, JOURNAL_FILE, readJournal } from '../evidence/journal.js';
import { systemClock, type Clock } from '../shared/clock.js';
import { commandName } from '../shared/command-name.js';
import { InputError } from '../shared/errors.js';
import { acquireLock, releaseLock } from './lock.js';
import { openExistingRun, type RunParts } from './open.js';
import { RunRecord } from './run-record.js';

/** Opens a run only to rewrite its summaries (no event is appended). */
class SummariesOnly extends RunRecord {
  constructor(parts: RunParts) {
    super(parts);
  }
}

function cutoverBundle(rollbackDir: string, recorded: string): string | undefined {
  const beside = join(dirname(resolve(rollbackDir)), basename(recorded));
  return [recorded, beside].find((dir) => resolve(dir) !== resolve(rollbackDir) && existsSync(dir) && isBundleDir(dir));
}

/**
 * Repairs the missing back-link of the rollback run in `rollbackDir`;
 * returns what was done (undefined: nothing to do — not a rollback run, the
 * link is there, or the cutover bundle is not at hand, which verify notes).
 */
export async function repairRollbackLink(rollbackDir: string, clock: Clock = systemClock): Promise<string | undefined> {
  if (!isBundleDir(rollbackDir)) return undefined;
  const ours = readJournal(join(rollbackDir, JOURNAL_FILE)).events;
  const started = ours[0];
  const link = started?.type === 'run.started' ? started.rollback_of : undefined;
  if (started?.type !== 'run.started' || !link || ours.some((e) => e.type === 'run.closed')) return undefined;
  const cutover = typeof link.bundle === 'string' ? cutoverBundle(rollbackDir, link.bundle) : undefined;
  if (!cutover) return undefined;
  const linked = (events: readonly JournalEvent[]) => events.some((e) => e.type === 'rollback.started' && e.run_id === started.run_id);
  const theirs = readJournal(join(cutover, JOURNAL_FILE)).events;
  if (linked(theirs)) return undefined;
  const movedOn = () =>
    new InputError(
      `${rollbackDir}: this rollback run was started from ${link.run_id}, but ${join(cutover, JOURNAL_FILE)} does not link back to it (no rollback.started naming ${started.run_id}) and no longer ends at the head ${link.journal_head} this run recorded: events were added after the start was cut short`,
      `the link cannot be repaired; keep this bundle as the record of the attempt and start the rollback again from the cutover run: \`${commandName()} run <rollback runbook> --from ${cutover}\``,
    );
  if (theirs.at(-1)?.hash !== link.journal_head) throw movedOn();
  const closed = theirs.some((e) => e.type === 'run.closed');
  acquireLock(cutover);
  try {
    const journal = Journal.open(join(cutover, JOURNAL_FILE));
    try {
      if (linked(journal.events)) return undefined;
      if (journal.events.at(-1)?.hash !== link.journal_head) throw movedOn();
      const now = clock();
      journal.append({ type: 'rollback.started', run_id: started.run_id, bundle: resolve(rollbackDir), runbook: { id: started.runbook.id, file: started.runbook.file }, trigger: link.trigger.id, journal_head: started.hash, started_by: started.operator }, now);
      if (!closed) journal.append({ type: 'run.paused', reason: `the rollback run ${started.run_id} was started from this run` }, now);
    } finally {
      journal.close();
    }
  } finally {
    releaseLock(cutover);
  }
  // The cutover run's summaries describe its journal as it now ends.
  const record = new SummariesOnly(openExistingRun(cutover, { now: clock }));
  try {
    await record.writeSummaries();
  } finally {
    record.release();
  }
  return `${rollbackDir}: the start of this rollback run was cut short before ${join(cutover, JOURNAL_FILE)} named it; its rollback.started is recorded now, and the two bundles link both ways`;
}
