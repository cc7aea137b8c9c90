// The plain log's lines for the rollback protocol (issue 13): a trigger
// declared or cleared, the deadlines it starts (counted from when it was
// identified), a deadline gone overdue, and the complete command that
// starts the rollback runbook from this run. What a person typed (a note, a
// name) passes shared/printable.ts: an ESC, CR or LF in it is shown as an
// escape and can never forge a line, clear the screen or retitle the window.
import { printable } from '../shared/printable.js';
import { triggerOf } from '../engine/incident.js';
import { deadlines, type DeadlineState } from '../engine/progress.js';
import { rollbackCommand, shownPath } from '../session/rollback-link.js';
import type { Session } from '../session/session.js';

export function triggerDeclaredLines(session: Session, id: string): string[] {
  const t = triggerOf(session.runbook, id);
  const declared = session.state.triggers.filter((x) => x.id === id).at(-1);
  const out = [`\n⚠ ROLLBACK TRIGGER: ${printable(`${t?.title ?? id} (${declared?.severity ?? t?.severity}${t && declared && declared.severity !== t.severity ? `, raised from the matrix minimum ${t.severity}` : ''}) — ${t?.action ?? ''}`)}`];
  if (declared) out.push(printable(`  identified at ${declared.identifiedAt}${declared.identifiedAt !== declared.declaredAt ? ` (entered ${declared.declaredAt})` : ''}${declared.requestedBy ? ` — declared by ${declared.requestedBy} with cutover trigger` : ''}`));
  if (declared?.note) out.push(printable(`  note: ${declared.note}`));
  for (const d of deadlines(session.runbook, session.state, session.clock()).filter((x) => x.anchor === 'trigger' && x.dueAt)) out.push(printable(`  deadline: ${deadlineLine(d)}`));
  const command = t?.rollback ? rollbackHint(session) : undefined;
  if (command) out.push(printable(`  rollback protocol (once this run has stopped): ${command}`));
  return out;
}

export function triggerClearedLines(session: Session, id: string): string[] {
  const t = session.state.triggers.filter((x) => x.id === id).at(-1);
  return [`\n✓ ${printable(`rollback trigger ${id} cleared by ${t?.cleared?.requestedBy ?? t?.cleared?.by ?? session.operator}: ${t?.cleared?.note ?? ''}`)}`];
}

export function deadlineLine(d: DeadlineState): string {
  // Done late: MISSED (as the report says); not done and past due: OVERDUE; a skipped step says so (review 13b finding 12).
  const words = { waiting: 'waiting', running: 'open', met: 'met', missed: d.completedAt ? 'MISSED' : 'OVERDUE' }[d.status];
  return `${d.title} (${d.step}) within ${d.within} of ${d.anchor === 'trigger' ? 'the trigger' : d.anchor}${d.dueAt ? `, due ${d.dueAt}` : ''} — ${d.skipped ? 'skipped, ' : ''}${words}${d.completedAt && d.status !== 'waiting' ? ` (done ${d.completedAt})` : ''}`;
}

export function overdueLines(overdue: DeadlineState[]): string[] {
  return overdue.map((d) => `\n✗ DEADLINE OVERDUE: ${printable(deadlineLine(d))}`);
}

/** The command that starts the rollback runbook from this run, as it works when pasted. */
export function rollbackHint(session: Session): string | undefined {
  return rollbackCommand(session.runbookDir, session.runbook, session.bundleDir, session.state.vars, (p) => shownPath(p));
}
