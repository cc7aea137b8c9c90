// Rollback triggers in a run (issue 13): declaring one of the runbook's
// matrix (severity never below the matrix minimum, the identification time
// recorded), clearing one with a reason, journaling each missed deadline
// once (deadline.overdue), and the requests `cutover trigger` drops into a
// running session's bundle (trigger-requests.ts) — each validated and
// journaled here, or refused with its reasons.
import type { EventBody, JournalEvent } from '../engine/events.js';
import type { RunState } from '../engine/fold.js';
import { identifiedNotBefore, parseIdentifiedAt, rollbackStartedFor, severityProblem, triggerOf } from '../engine/incident.js';
import { runSettled } from '../engine/policy.js';
import { unrecordedOverdue, type DeadlineState } from '../engine/progress.js';
import { didYouMean } from '../runbook/suggest.js';
import type { Runbook } from '../runbook/types.js';
import type { Clock } from '../shared/clock.js';
import { commandName } from '../shared/command-name.js';
import { openFollowUps } from './follow-ups.js';
import { OK, refuse, type IntentResult } from './result.js';

export interface TriggerHost {
  readonly runbook: Runbook;
  readonly operator: string;
  readonly state: RunState;
  readonly clock: Clock;
  mask(text: string): string;
}

export interface DeclareOptions {
  /** SEV-1…SEV-3; default the matrix minimum. */
  severity?: string;
  /** When it was identified (see parseIdentifiedAt); default now. */
  identifiedAt?: string;
  /** Who ran `cutover trigger`, when the request came from outside the session. */
  requestedBy?: string;
}

export class TriggerDesk {
  /**
   * Set when the operator chose, on the screen, to switch to the rollback
   * runbook now: the front end starts it linked to this run once the screen
   * has paused this run and released the bundle (not evidence). `vars`:
   * what the operator typed for the vars the rollback runbook needs and this
   * run does not carry (session/rollback-vars.ts), given to it as --var.
   */
  switchToRollback?: { trigger: string; vars?: Record<string, string> };

  constructor(
    private readonly host: TriggerHost,
    private readonly append: (body: EventBody, at?: Date) => JournalEvent,
  ) {}

  /** Declares a trigger of the runbook's matrix; refused (with the fix) when the id, severity, time or run state is wrong. */
  declare(triggerId: string, note: string, opts: DeclareOptions = {}): IntentResult {
    const { runbook, state } = this.host;
    const settled = runSettled(state);
    if (!settled.ok) return refuse(`${settled.reason}; trigger "${triggerId}" cannot be declared in it`, 'declare it in the rollback runbook\'s run, or in a new run');
    const trigger = triggerOf(runbook, triggerId);
    const ids = (runbook.triggers ?? []).map((t) => t.id);
    if (!trigger) {
      const near = didYouMean(triggerId, ids);
      return refuse(`"${triggerId}" is not a rollback trigger of runbook ${runbook.id}`, `${near ? `${near} ` : ''}the matrix has: ${ids.join(', ') || 'no triggers'}`, { trigger: 'not a trigger of the matrix' });
    }
    const open = state.triggers.find((t) => t.id === triggerId && t.open);
    if (open) return refuse(`trigger "${triggerId}" is already open (declared at ${open.declaredAt})`, 'a trigger is declared once; clear it first (with the reason) if it must be declared again');
    const fields: Record<string, string> = {};
    const severity = opts.severity?.trim() || trigger.severity;
    const sevProblem = severityProblem(trigger, severity);
    if (sevProblem) fields.severity = sevProblem;
    const now = this.host.clock(); // one moment: a trigger identified "now" is identified at its entry, to the millisecond
    const when = parseIdentifiedAt(opts.identifiedAt, now, identifiedNotBefore(state));
    if ('problem' in when) fields.identified_at = when.problem;
    if (!note.trim()) fields.note = `declaring "${triggerId}" needs a note saying what was observed`;
    if (Object.keys(fields).length) {
      const hint = 'problem' in when ? when.hint : sevProblem ? `choose ${trigger.severity} or a more severe class` : 'write what was observed, e.g. legacy_error seen in a 400 response';
      return refuse(Object.values(fields), hint, fields);
    }
    this.append({
      type: 'trigger.declared',
      trigger: triggerId,
      severity,
      note: this.host.mask(note.trim()),
      by: this.host.operator,
      identified_at: (when as { at: string }).at,
      ...(opts.requestedBy ? { requested_by: this.host.mask(opts.requestedBy) } : {}),
    }, now);
    return OK;
  }

  /** Clears an open trigger: a reason is required; a trigger never clears itself. */
  clear(triggerId: string, note: string, opts: { requestedBy?: string } = {}): IntentResult {
    const { state } = this.host;
    const settled = runSettled(state);
    if (!settled.ok) return refuse(`${settled.reason}; trigger "${triggerId}" cannot be cleared in it`, settled.hint);
    const open = state.triggers.filter((t) => t.open).map((t) => t.id);
    if (!open.includes(triggerId)) {
      const near = didYouMean(triggerId, open);
      return refuse(`trigger "${triggerId}" is not open`, open.length ? `${near ? `${near} ` : ''}the open triggers are: ${open.join(', ')}` : 'no trigger is open in this run');
    }
    const rollback = rollbackStartedFor(state, triggerId);
    if (rollback) {
      return refuse(
        `trigger "${triggerId}" cannot be cleared: its rollback run ${rollback.runId} was started from this run at ${rollback.at}, so GO stays locked in this run`,
        `finish the rollback in that run (\`${commandName()} resume ${rollback.bundle}\`) and record this run's decision as NO-GO; a new cutover attempt is a new run`,
      );
    }
    if (!note.trim()) return refuse(`clearing trigger "${triggerId}" needs a reason`, 'say why the trigger no longer applies (it is recorded with who cleared it)', { note: 'a reason is required' });
    this.append({ type: 'trigger.cleared', trigger: triggerId, note: this.host.mask(note.trim()), by: this.host.operator, ...(opts.requestedBy ? { requested_by: this.host.mask(opts.requestedBy) } : {}) });
    return OK;
  }

  /** A closed run resumed for its open follow-ups (follow-ups.ts): run.resumed says so; false when there is none. */
  resumeFollowUps(repairedTailBytes: number): boolean {
    if (!this.host.state.closed || openFollowUps(this.host.runbook, this.host.state).length === 0) return false;
    this.append({ type: 'run.resumed', operator: this.host.operator, repaired_tail_bytes: repairedTailBytes, follow_up: true });
    return true;
  }

  /** Journals the link to a rollback run started from this run (allowed in a settled run too). */
  recordRollback(body: Extract<EventBody, { type: 'rollback.started' }>): JournalEvent {
    return this.append(body);
  }

  /**
   * Journals each deadline missed since the last look (deadline.overdue),
   * once per step (per step and trigger for one counted from a trigger):
   * the fold remembers it, so a resumed run or a second look never writes
   * it again. Returns the ones written now.
   */
  recordOverdue(): DeadlineState[] {
    const { runbook, state } = this.host;
    if (state.closed) return [];
    const missed = unrecordedOverdue(runbook, state, this.host.clock());
    for (const d of missed) {
      this.append({ type: 'deadline.overdue', step: d.step, anchor: d.anchor, anchor_at: d.anchorAt!, within: d.within, due_at: d.dueAt!, ...(d.trigger ? { trigger: d.trigger, ...(d.triggerSeq !== undefined ? { trigger_seq: d.triggerSeq } : {}) } : {}) });
    }
    return missed;
  }
}
