// Rollback triggers, protocol deadlines and the rollback-run links in the
// fold (issue 13): pure functions over events and state, used by the fold,
// the session, the GO lock, verify and the reporters alike.
import type { RefContext } from '../runbook/resolve.js';
import type { RunState } from './fold.js';
import type { Runbook, Trigger } from '../runbook/types.js';
import type { CarriedTrigger, JournalEvent, RollbackOfLink } from './events.js';

export interface TriggerState {
  id: string;
  severity: string;
  note: string;
  /** When the operator entered it (the event's time). */
  declaredAt: string;
  /** When it was identified: the deadlines of the protocol count from here. */
  identifiedAt: string;
  seq: number;
  open: boolean;
  /** Who ran `cutover trigger` for it, when a running session picked the request up. */
  requestedBy?: string;
  cleared?: { at: string; note: string; by: string; seq: number; requestedBy?: string };
}

/** A deadline that passed before its step was completed (deadline.overdue). */
export interface OverdueState {
  step: string;
  /** For a deadline counted from a trigger: that trigger (its id, and the seq of its trigger.declared; none for a carried one). */
  trigger?: string;
  triggerSeq?: number;
  dueAt: string;
  anchor: string;
  anchorAt: string;
  within: string;
  at: string;
  seq: number;
}

/** A rollback run started from this run (rollback.started). */
export interface RollbackRunState {
  runId: string;
  bundle: string;
  runbook: { id: string; file: string };
  trigger: string;
  journalHead: string;
  at: string;
  seq: number;
}

/** What issue 13 adds to the run state. */
export interface IncidentFields {
  triggers: TriggerState[];
  /** By overdueKey(): once per step, and for a deadline counted from a trigger once per (step, trigger declared). */
  overdue: Record<string, OverdueState>;
  /** The cutover run this rollback run was started from, with the trigger it carries. */
  rollbackOf?: RollbackOfLink;
  rollbacks: RollbackRunState[];
}

export const SEVERITIES = ['SEV-1', 'SEV-2', 'SEV-3'] as const;

/** 1 for SEV-1 (most severe) … 3; undefined for anything else. */
export function severityRank(severity: string): number | undefined {
  const i = (SEVERITIES as readonly string[]).indexOf(severity);
  return i < 0 ? undefined : i + 1;
}

/** What is wrong with declaring `trigger` at `severity` (undefined: allowed). */
export function severityProblem(trigger: Trigger, severity: string): string | undefined {
  const rank = severityRank(severity);
  if (rank === undefined) return `severity "${severity}" is not one of ${SEVERITIES.join(', ')}`;
  const min = severityRank(trigger.severity) ?? 3;
  if (rank > min) return `severity ${severity} is below the matrix minimum ${trigger.severity} for trigger "${trigger.id}" (it may be raised towards SEV-1, never lowered)`;
  return undefined;
}

export interface AnchorTrigger {
  id: string;
  identifiedAt: string;
  severity: string;
  note: string;
  carried: boolean;
  /** The seq of its trigger.declared (none for a carried trigger). */
  seq?: number;
}

/**
 * The trigger the protocol's deadlines count from: in a rollback run the one
 * carried from the cutover run; else the open trigger identified earliest. A
 * trigger cleared (a false alarm) no longer anchors them: its deadline.overdue
 * events stay in the journal as history, and a trigger declared later starts
 * its deadlines afresh.
 */
export function anchorTrigger(state: IncidentFields): AnchorTrigger | undefined {
  const carried = state.rollbackOf?.trigger;
  if (carried) return { id: carried.id, identifiedAt: carried.identified_at, severity: carried.severity, note: carried.note, carried: true };
  let first: TriggerState | undefined;
  for (const t of state.triggers) if (t.open && (!first || t.identifiedAt < first.identifiedAt)) first = t;
  return first ? { id: first.id, identifiedAt: first.identifiedAt, severity: first.severity, note: first.note, carried: false, seq: first.seq } : undefined;
}

/** `${trigger.…}` for the run's trigger (the carried one, else the earliest open one); nothing without one. */
export function triggerRefs(state: IncidentFields): { trigger?: Record<string, string> } {
  const carried = state.rollbackOf?.trigger;
  if (carried) return { trigger: { id: carried.id, severity: carried.severity, identified_at: carried.identified_at, declared_at: carried.declared_at, note: carried.note } };
  const a = anchorTrigger(state);
  const t = a ? state.triggers.find((x) => x.seq === a.seq) : undefined;
  return t ? { trigger: { id: t.id, severity: t.severity, identified_at: t.identifiedAt, declared_at: t.declaredAt, note: t.note } } : {};
}

/**
 * What `${…}` references resolve against in a run: its vars (by default as
 * journaled), pins, recorded inputs, run fields and its trigger. The session
 * renders with it (its vars as given, its bundle), verify renders again with
 * the journal's.
 */
export function stateRefContext(state: RunState, opts: { vars?: Record<string, string>; inputs?: Record<string, Record<string, string>>; runbook?: string; bundle?: string } = {}): RefContext {
  const run: Record<string, string> = { id: state.runId, mode: state.mode, operator: state.operator, started_at: state.startedAt };
  if (opts.runbook !== undefined) run.runbook = opts.runbook;
  if (opts.bundle !== undefined) run.bundle = opts.bundle;
  return { vars: opts.vars ?? state.vars, baseline: state.baseline, target: state.target, inputs: opts.inputs ?? state.inputs, run, ...triggerRefs(state) };
}

/** Where the fold keeps a deadline.overdue: per step, and per (step, trigger declared) for one counted from a trigger. */
export function overdueKey(step: string, trigger?: { id: string; seq?: number }): string {
  return trigger ? `${step}\u0000${trigger.id}#${trigger.seq ?? 'carried'}` : step;
}

/** Whether a trigger's rollback run was started from this run (rollback.started names it). */
export function rollbackStartedFor(state: IncidentFields, triggerId: string): RollbackRunState | undefined {
  return state.rollbacks.find((r) => r.trigger === triggerId);
}

/** The carried trigger of a rollback_of link, as a state view. */
export function carriedTrigger(state: IncidentFields): CarriedTrigger | undefined {
  return state.rollbackOf?.trigger;
}

/** Applies the issue-13 events; returns false for any other event. */
export function applyIncidentEvent(state: IncidentFields, ev: JournalEvent): boolean {
  switch (ev.type) {
    case 'trigger.declared':
      state.triggers.push({
        id: ev.trigger,
        severity: ev.severity,
        note: ev.note,
        declaredAt: ev.at,
        identifiedAt: typeof ev.identified_at === 'string' ? ev.identified_at : ev.at,
        seq: ev.seq,
        open: true,
        ...(ev.requested_by ? { requestedBy: ev.requested_by } : {}),
      });
      return true;
    case 'trigger.cleared':
      for (const t of state.triggers) {
        if (t.id !== ev.trigger || !t.open) continue;
        t.open = false;
        t.cleared = { at: ev.at, note: ev.note, by: ev.by, seq: ev.seq, ...(ev.requested_by ? { requestedBy: ev.requested_by } : {}) };
      }
      return true;
    case 'deadline.overdue': {
      const trigger = typeof ev.trigger === 'string' ? { id: ev.trigger, ...(typeof ev.trigger_seq === 'number' ? { seq: ev.trigger_seq } : {}) } : undefined;
      const key = overdueKey(ev.step, trigger);
      if (!Object.hasOwn(state.overdue, key)) {
        state.overdue[key] = { step: ev.step, ...(trigger ? { trigger: trigger.id, ...(trigger.seq !== undefined ? { triggerSeq: trigger.seq } : {}) } : {}), dueAt: ev.due_at, anchor: ev.anchor, anchorAt: ev.anchor_at, within: ev.within, at: ev.at, seq: ev.seq };
      }
      return true;
    }
    case 'rollback.started':
      state.rollbacks.push({ runId: ev.run_id, bundle: ev.bundle, runbook: ev.runbook, trigger: ev.trigger, journalHead: ev.journal_head, at: ev.at, seq: ev.seq });
      return true;
    default:
      return false;
  }
}

/** The matrix entry of a trigger id. */
export function triggerOf(runbook: Runbook, id: string): Trigger | undefined {
  return runbook.triggers?.find((t) => t.id === id);
}

/** The earliest identification time a run takes: its own start, or for a rollback run the cutover run's. */
export function identifiedNotBefore(state: IncidentFields & { startedAt: string }): { at: string; what: string } {
  const cutover = state.rollbackOf;
  return cutover && typeof cutover.started_at === 'string' ? { at: cutover.started_at, what: `the cutover run ${cutover.run_id}` } : { at: state.startedAt, what: 'this run' };
}

const DAY_MS = 24 * 3600 * 1000;

/**
 * When a trigger was identified, from what the responder typed: an ISO-8601
 * time with its zone (`2026-03-02T14:05:00Z`, `…+01:00`), `HH:MM` (UTC; a
 * time later than now is yesterday's), or how long ago (`-12m`, `12m ago`);
 * empty is now. Never later than `now`, never more than 24 h before it, and
 * never before `notBefore` (the run's start; a rollback run's: the cutover
 * run's). `dayBefore: false`: an answers file read before the run (a time
 * written in advance; the run checks it when it declares the trigger). Returns the UTC time or what is wrong, with the fix.
 */
export function parseIdentifiedAt(text: string | undefined, now: Date, notBefore?: { at: string; what: string }, opts: { dayBefore?: boolean } = {}): { at: string } | { problem: string; hint: string } {
  const hint = 'give the time the trigger was identified as 2026-03-02T14:05:00Z (with its zone), HH:MM (UTC; later than now is yesterday) or "12m ago" (also -12m); leave it out for now';
  const raw = (text ?? '').trim();
  if (!raw || raw === 'now') return { at: now.toISOString() };
  let ms: number | undefined;
  const ago = /^-\s*(\S+)$/.exec(raw) ?? /^(\S+)\s+ago$/.exec(raw);
  const hhmm = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(raw);
  if (ago) {
    const d = durationMs(ago[1]!);
    if (d !== undefined) ms = now.getTime() - d;
  } else if (hhmm) {
    const [h, m, sec] = [Number(hhmm[1]), Number(hhmm[2]), Number(hhmm[3] ?? 0)];
    if (h < 24 && m < 60 && sec < 60) ms = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), h, m, sec);
    // 23:50 typed at 00:10 is yesterday's 23:50.
    if (ms !== undefined && ms > now.getTime() + 1000) ms -= DAY_MS;
  } else if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(raw)) {
    const t = Date.parse(raw.replace(' ', 'T'));
    if (Number.isFinite(t)) ms = t;
  }
  if (ms === undefined) return { problem: `the identification time "${raw}" is not a time cutover reads`, hint };
  // Seconds of clock skew between the responder's machine and the run's are not "the future".
  if (ms > now.getTime() + 1000) return { problem: `the identification time ${new Date(ms).toISOString()} is in the future (now is ${now.toISOString()})`, hint: 'a trigger is identified before it is declared: give the time it was seen, or leave it out for now' };
  const at = new Date(Math.min(ms, now.getTime())).toISOString();
  if (opts.dayBefore !== false && ms < now.getTime() - DAY_MS) return { problem: `the identification time ${at} is more than 24 h before it is entered (now is ${now.toISOString()})`, hint: 'give the time the trigger was seen today (HH:MM later than now is read as yesterday); a trigger older than a day is not a cutover-day trigger' };
  if (notBefore && ms < Date.parse(notBefore.at)) return { problem: `the identification time ${at} is before ${notBefore.what} started (${notBefore.at})`, hint: `give a time from ${notBefore.at} on, when it was seen during the run, or leave it out for now` };
  return { at };
}

function durationMs(text: string): number | undefined {
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text);
  if (!m || (!m[1] && !m[2] && !m[3])) return undefined;
  return ((Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0)) * 60 + Number(m[3] ?? 0)) * 1000;
}
