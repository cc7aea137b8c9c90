// Status updates of an incident (issue 13): a notice step with `updates:
// true` is sent any number of times (notice.updated, numbered 1, 2, …), and
// every notice with `next_update:` promises the time of the next one. The
// latest promise is the ETA countdown; a newer notice sent by that time
// meets it, one sent later misses it, and none by then makes it overdue —
// journaled once per promise (update.overdue, keyed by the promising
// event's seq). Pure: the session, the screen, the plain log, the report
// and verify all read the same states from the folded journal.
import type { InputStep, NoticeStep, Runbook, Step } from '../runbook/types.js';
import type { JournalEvent, StreamRecord } from './events.js';
import { mmss } from './span.js';

/** One status update as the journal records it. */
export interface SentUpdate {
  n: number;
  seq: number;
  sentAt: string;
  eta: string;
  file: string;
  plainFile: string;
  channel?: string;
  values: Record<string, string>;
}

/** A sent notice that promised the next update by `eta` (`update` 0: the notice itself, not an update). */
export interface EtaPromise {
  step: string;
  update: number;
  seq: number;
  sentAt: string;
  /** When its event was recorded: what the next promise is judged by (never the sent_at it claims, review 13b finding 2). */
  at: string;
  eta: string;
}

export interface UpdateFields {
  /** The sent updates of each update step (every update step of the runbook has an entry). */
  updates: Record<string, SentUpdate[]>;
  /** Every next-update ETA promised, in journal order. */
  etas: EtaPromise[];
  /** update.overdue, by the seq of the event whose ETA passed. */
  etaOverdue: Record<number, { seq: number; at: string }>;
  /** When run.closed was journaled: a run closed with an ETA still pending says so. */
  closedAt?: string;
}

export type UpdateStep = NoticeStep & { updates: true; fields: InputStep['fields']; next_update: string };

export function isUpdateStep(step: Step | undefined): step is UpdateStep {
  return step?.kind === 'notice' && step.updates === true;
}

/** The fields an update is entered with, as an input step (validated by the same code as one). */
export function updateInput(step: UpdateStep): InputStep {
  return { id: step.id, kind: 'input', title: step.title, fields: step.fields };
}

export function updateFields(runbook: Runbook): UpdateFields {
  const updates: Record<string, SentUpdate[]> = {};
  for (const s of runbook.sections.flatMap((x) => x.steps)) if (isUpdateStep(s)) updates[s.id] = [];
  return { updates, etas: [], etaOverdue: {} };
}

/** The files of update `n` of a step: `notices/<step>.update-<n>.md` and `.txt` (step ids have no dot). */
export function updateFileName(step: string, n: number, ext: 'md' | 'txt'): string {
  return `notices/${step}.update-${n}.${ext}`;
}

type UpdateState = UpdateFields & { steps: Record<string, { status: string; completedSeq?: number; completedAt?: string }> };

/** Applies what of an event concerns updates and ETAs (fold.ts calls it for every event). */
export function applyUpdateEvent(state: UpdateState, ev: JournalEvent): void {
  switch (ev.type) {
    case 'notice.sent':
      if (typeof ev.next_update_eta === 'string') state.etas.push({ step: ev.step, update: 0, seq: ev.seq, sentAt: ev.sent_at, at: ev.at, eta: ev.next_update_eta });
      return;
    case 'notice.updated': {
      const list = Object.hasOwn(state.updates, ev.step) ? state.updates[ev.step]! : undefined;
      const st = Object.hasOwn(state.steps, ev.step) ? state.steps[ev.step] : undefined;
      if (!list || !st) return;
      list.push({ n: ev.update, seq: ev.seq, sentAt: ev.sent_at, eta: ev.next_update_eta, file: ev.text.file, plainFile: ev.plain.file, ...(ev.channel ? { channel: ev.channel } : {}), values: { ...ev.values } });
      state.etas.push({ step: ev.step, update: ev.update, seq: ev.seq, sentAt: ev.sent_at, at: ev.at, eta: ev.next_update_eta });
      // Sent once is done; never evidence of the GO (no sign-off is voided, digest.ts leaves it out).
      if (st.status !== 'passed') Object.assign(st, { status: 'passed', completedSeq: ev.seq, completedAt: ev.at });
      return;
    }
    case 'update.overdue':
      if (!Object.hasOwn(state.etaOverdue, ev.notice_seq)) state.etaOverdue[ev.notice_seq] = { seq: ev.seq, at: ev.at };
      return;
    case 'run.closed':
      state.closedAt = ev.at;
      return;
    default:
  }
}

export interface EtaState extends EtaPromise {
  /** pending: the latest promise, not due yet; met/missed: the next notice was sent by (after) it; overdue: the latest, past due. */
  status: 'pending' | 'met' | 'missed' | 'overdue';
  /** The notice that followed it (met or missed). */
  next?: { step: string; update: number; sentAt: string };
  /** ms to the ETA (pending) or past it (overdue, missed). */
  ms: number;
  /** The update.overdue journaled for it. */
  overdueSeq?: number;
  /** Judged at the close (the run closed before the ETA). */
  atClose?: boolean;
}

/** Every promised ETA and what became of it, at `now` (a closed run: at its close). */
export function etaStates(state: UpdateFields, now: Date): EtaState[] {
  const at = state.closedAt ? Math.min(now.getTime(), Date.parse(state.closedAt)) : now.getTime();
  return state.etas.map((p, i) => {
    const due = Date.parse(p.eta);
    const next = state.etas[i + 1];
    const overdueSeq = Object.hasOwn(state.etaOverdue, p.seq) ? state.etaOverdue[p.seq]!.seq : undefined;
    const base = { ...p, ...(overdueSeq !== undefined ? { overdueSeq } : {}) };
    if (next) {
      const sent = Date.parse(next.at); // its event's time, as verify orders it
      return { ...base, next: { step: next.step, update: next.update, sentAt: next.sentAt }, status: sent <= due ? 'met' : 'missed', ms: Math.abs(due - sent) };
    }
    return { ...base, status: at > due ? 'overdue' : 'pending', ms: Math.abs(due - at), ...(state.closedAt ? { atClose: true } : {}) };
  });
}

/** The ETA the responder is working to now: the latest promise (pending or overdue), if any. */
export function currentEta(state: UpdateFields, now: Date): EtaState | undefined {
  const last = etaStates(state, now).at(-1);
  return last && (last.status === 'pending' || last.status === 'overdue') ? last : undefined;
}

/** An ETA that passed with no newer notice and is not journaled as overdue yet (never in a closed run). */
export function unrecordedEtaOverdue(state: UpdateFields, now: Date): EtaState | undefined {
  if (state.closedAt) return undefined;
  const eta = currentEta(state, now);
  return eta?.status === 'overdue' && eta.overdueSeq === undefined ? eta : undefined;
}

/** `initial-incident-notice` or `incident-status-update #2`: which notice promised it. */
export function promiseName(p: { step: string; update: number }): string {
  return p.update ? `${p.step} #${p.update}` : p.step;
}

/** The recorded files of an update event, for the bundle's accounts. */
export function updateFiles(ev: JournalEvent): StreamRecord[] {
  return ev.type === 'notice.updated' ? [ev.text, ev.plain].filter((x): x is StreamRecord => typeof x?.file === 'string') : [];
}

/** mm:ss, or h:mm:ss from an hour; whole seconds floored, as the screen's countdowns (review 13b finding 12). */
export function etaSpan(ms: number): string {
  return Number.isFinite(ms) ? mmss(ms) : '--:--'; // an ETA that is not a time (an older bundle's unresolved next_update): never NaN
}

/** What became of an ETA, in words: `met by incident-status-update #1 (04:10 to spare)`, `OVERDUE by 02:00` … */
export function etaWords(e: EtaState): string {
  switch (e.status) {
    case 'met':
      return `met by ${promiseName(e.next!)} at ${e.next!.sentAt} (${etaSpan(e.ms)} to spare)`;
    case 'missed':
      return `MISSED: ${promiseName(e.next!)} was sent at ${e.next!.sentAt}, ${etaSpan(e.ms)} late`;
    case 'overdue':
      return `OVERDUE by ${etaSpan(e.ms)}${e.atClose ? ' at the close' : ''}: no newer update was sent`;
    default:
      return e.atClose ? `still pending when the run closed (${etaSpan(e.ms)} left)` : `pending, ${etaSpan(e.ms)} left`;
  }
}

/** One line per ETA: `next update promised by initial-incident-notice at …, due …: met by …`. */
export function etaLine(e: EtaState): string {
  return `next update promised by ${promiseName(e)} (sent ${e.sentAt}), due ${e.eta}: ${etaWords(e)}`;
}
