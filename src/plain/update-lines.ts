// The plain log's lines for status updates and the next-update ETA
// (engine/updates.ts): an update sent, the ETA it starts, an ETA gone
// overdue, and every ETA at the end of the run. What a person typed passes
// shared/printable.ts, so it can never forge a line.
import { etaLine, etaSpan, etaStates, type EtaState } from '../engine/updates.js';
import { printable } from '../shared/printable.js';
import type { Session } from '../session/session.js';

/** `  next update due 2026-…Z (in 30:00)` after a notice or update that promised one (an ETA already past says so). */
export function etaDueLine(session: Session, seq: number): string[] {
  const p = session.state.etas.find((e) => e.seq === seq);
  if (!p) return [];
  const ms = Date.parse(p.eta) - session.clock().getTime();
  if (!Number.isFinite(ms)) return [printable(`  next update due ${p.eta}: not a time, no countdown`)];
  if (ms < 0) return [`  next update due ${p.eta}: already past by ${etaSpan(ms)} when sent — send the next update now`];
  return [`  next update due ${p.eta} (in ${etaSpan(ms)}): the countdown starts`];
}

export function updateSentLines(session: Session, stepId: string): string[] {
  const u = session.state.updates[stepId]?.at(-1);
  if (!u) return [];
  const step = session.findStep(stepId);
  return [printable(`✓ ${stepId}: ${step?.title ?? stepId} #${u.n} — sent${u.channel ? ` to ${u.channel}` : ''} at ${u.sentAt} (${u.file})`), ...etaDueLine(session, u.seq)];
}

export function etaOverdueLines(e: EtaState): string[] {
  return [`\n✗ NEXT UPDATE OVERDUE: ${printable(etaLine(e))}`];
}

/** Every promised ETA and what became of it (the end of a plain run). */
export function etaSummaryLines(session: Session): string[] {
  return etaStates(session.state, session.clock()).map((e) => printable(`Next update: ${etaLine(e)}`));
}
