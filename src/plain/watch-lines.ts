// `cutover watch --plain`: one line per journal event of a run another
// process drives, in words, judged with the same fold the run uses (a step
// passed or failed, a sign-off by whom and with which key). Read-only.
import type { JournalEvent } from '../engine/events.js';
import { applyEvent, foldEvents, stepsInOrder, type RunState } from '../engine/fold.js';
import type { Runbook, Step } from '../runbook/types.js';
import { printable } from '../shared/printable.js';

export class WatchLines {
  private state?: RunState;
  private readonly byId: Map<string, Step>;

  constructor(private readonly runbook: Runbook) {
    this.byId = new Map(stepsInOrder(runbook).map((s) => [s.id, s]));
  }

  /** The line of one event (applied to the watched state first). */
  line(ev: JournalEvent): string {
    if (!this.state) this.state = foldEvents(this.runbook, [ev]);
    else applyEvent(this.state, this.byId, ev);
    const time = ev.at.slice(11, 19);
    return printable(`${time} #${ev.seq} ${this.words(ev, this.state)}`);
  }

  private title(id: string): string {
    const step = this.byId.get(id);
    return step ? `${id}: ${step.title}` : id;
  }

  private words(ev: JournalEvent, s: RunState): string {
    switch (ev.type) {
      case 'run.started':
        return `run started by ${ev.operator} — ${ev.runbook.title} (${ev.runbook.id} ${ev.runbook.version}), ${ev.rehearsal ? 'REHEARSAL' : 'CUTOVER'}, ${ev.baseline.release_tag} → ${ev.target.release_tag}`;
      case 'run.resumed':
        return `run resumed by ${ev.operator}`;
      case 'run.paused':
        return `paused: ${ev.reason}`;
      case 'step.started':
        return `▶ ${this.title(ev.step)} (attempt ${ev.attempt})${ev.command ? ` $ ${ev.command.display}` : ev.check ? ` check ${ev.check.name}` : ''}`;
      case 'step.finished': {
        const a = s.steps[ev.step]?.attempts.find((x) => x.n === ev.attempt);
        return a?.status === 'passed' ? `✓ ${this.title(ev.step)} passed` : `✗ ${this.title(ev.step)} failed${a?.failure ? `: ${a.failure}` : ''}`;
      }
      case 'step.interrupted':
        return `! ${this.title(ev.step)} interrupted: ${ev.reason}`;
      case 'step.skipped':
        return `⊘ ${this.title(ev.step)} skipped: ${ev.reason}`;
      case 'step.confirmed':
        return `✓ ${this.title(ev.step)} confirmed by ${ev.by}`;
      case 'input.recorded':
        return `✓ ${this.title(ev.step)} recorded (${Object.keys(ev.values).length} field(s))`;
      case 'notice.sent':
        return `✓ ${this.title(ev.step)} sent${ev.channel ? ` to ${ev.channel}` : ''}${ev.next_update_eta ? ` — next update due ${ev.next_update_eta}` : ''}`;
      case 'notice.updated':
        return `✓ ${this.title(ev.step)} #${ev.update} sent${ev.channel ? ` to ${ev.channel}` : ''} — next update due ${ev.next_update_eta}`;
      case 'update.overdue':
        return `✗ NEXT UPDATE OVERDUE: the update promised for ${ev.eta} by ${this.title(ev.step)}${ev.update ? ` #${ev.update}` : ''} was not sent`;
      case 'signoff.requested':
        return `… ${this.title(ev.step)}: sign-off of ${ev.role} requested (${ev.principal} signs ${ev.text.file})`;
      case 'signoff.recorded':
        return `✓ ${this.title(ev.step)}: ${ev.role} signed by ${ev.name}${ev.signed ? ` (SSH signature, key ${ev.signed.key}, not checked by watch — run cutover verify)` : ' (name typed by the operator)'}`;
      case 'trigger.declared':
        return `⚠ rollback trigger ${ev.trigger} (${ev.severity}) declared${ev.identified_at && ev.identified_at !== ev.at ? ` (identified ${ev.identified_at})` : ''}${ev.requested_by ? ` by ${ev.requested_by}` : ''}: ${ev.note}`;
      case 'trigger.cleared':
        return `rollback trigger ${ev.trigger} cleared by ${ev.requested_by ?? ev.by}: ${ev.note}`;
      case 'deadline.overdue':
        return `✗ DEADLINE OVERDUE: ${this.title(ev.step)} (within ${ev.within}, due ${ev.due_at})`;
      case 'rollback.started':
        return `⚠ rollback run ${ev.run_id} started from this run by ${ev.started_by} (${ev.bundle})`;
      case 'decision.refused':
        return `✗ ${ev.option} refused: ${ev.reasons.join('; ')}`;
      case 'decision.recorded':
        return `Decision: ${ev.label}${ev.remediation ? ` — remediation: ${ev.remediation}` : ''} (by ${ev.by})`;
      case 'run.closed':
        return `run closed: ${ev.outcome}`;
      default: {
        const other = ev as { type: string; step?: unknown };
        return `${String(other.type)}${typeof other.step === 'string' ? ` ${this.title(other.step)}` : ''}`;
      }
    }
  }
}
