// Follow-up steps (issue 13): a step with `follow_up: true` — the joint
// incident summary due 24 h after the trigger — never blocks the GO or the
// close. A run may close with it open; `cutover resume` on the closed
// bundle opens it again only to record its follow-ups (run.resumed with
// follow_up: true, then the step's own answer), and rewrites the summaries.
import { join } from 'node:path';
import type { JournalEvent } from '../engine/events.js';
import { foldEvents, stepsInOrder, type RunState } from '../engine/fold.js';
import { openFollowUp } from '../engine/policy.js';
import { RUNBOOK_COPY } from '../evidence/bundle.js';
import { loadRunbook } from '../runbook/load.js';
import type { Runbook, Step } from '../runbook/types.js';

/** The follow-up steps not recorded yet. */
export function openFollowUps(runbook: Runbook, state: RunState): Step[] {
  return stepsInOrder(runbook).filter((s) => openFollowUp(state, s));
}

/** Whether a closed run's bundle still has follow-ups to record (read from its runbook copy). */
export function closedWithFollowUps(bundleDir: string, events: readonly JournalEvent[]): boolean {
  const loaded = loadRunbook(join(bundleDir, RUNBOOK_COPY), { checkRollbackPath: false, bundleCopy: true });
  if (!loaded.ok) return false;
  try {
    return openFollowUps(loaded.loaded.runbook, foldEvents(loaded.loaded.runbook, events)).length > 0;
  } catch {
    return false;
  }
}
