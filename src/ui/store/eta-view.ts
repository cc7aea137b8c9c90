// The next-update ETA on the screen (engine/updates.ts): a countdown in the
// header beside the deadlines — `next update in 12:34`, red `next update
// OVERDUE 1:02` once it passed with no newer notice — and the status-update
// step's row: how many were sent and the same countdown.
import type { RunState } from '../../engine/fold.js';
import { currentEta } from '../../engine/updates.js';
import type { Step } from '../../runbook/types.js';
import { STATUS, type StatusLook } from '../theme.js';

/** m:ss, or h:mm:ss from an hour: every countdown on the screen. */
export function clockTime(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** The countdown's words now, or undefined (no ETA promised, or the run closed). */
export function etaText(run: RunState, now: number): { text: string; overdue: boolean } | undefined {
  if (run.closed) return undefined;
  const eta = currentEta(run, new Date(now));
  if (!eta) return undefined;
  const left = Date.parse(eta.eta) - now;
  if (!Number.isFinite(left)) return { text: 'next update: no valid ETA', overdue: false }; // an older bundle's unresolved next_update: never NaN
  return left >= 0 ? { text: `next update in ${clockTime(left)}`, overdue: false } : { text: `next update OVERDUE ${clockTime(-left)}`, overdue: true };
}

/** The header's entry (none or one), with the ms left (negative: overdue) to order it among the deadlines. */
export function etaCountdown(run: RunState, now: number): { text: string; overdue: boolean; left: number }[] {
  const t = etaText(run, now);
  const eta = t ? currentEta(run, new Date(now)) : undefined;
  return t && eta && Number.isFinite(Date.parse(eta.eta)) ? [{ ...t, left: Date.parse(eta.eta) - now }] : [];
}

/** The row of a status-update step: `✓ sent #2 · next update in 12:34`, `✗ UPDATE OVERDUE 1:02` in red, or `next in 12:34 · to send` before the first. */
export function updateLook(step: Step, run: RunState, now: number): { look: StatusLook; detail: string; running: boolean } {
  const sent = run.updates[step.id]?.length ?? 0;
  const t = etaText(run, now);
  if (t?.overdue) return { look: { ...STATUS.failed, word: 'UPDATE OVERDUE' }, detail: t.text.replace('next update OVERDUE ', ''), running: false };
  if (!sent) return { look: STATUS.pending, detail: [t?.text.replace('next update', 'next'), 'to send'].filter(Boolean).join(' · '), running: false };
  return { look: { ...STATUS.passed, word: 'sent' }, detail: [`#${sent}`, t?.text.replace('next update', 'next')].filter(Boolean).join(' · '), running: false };
}
