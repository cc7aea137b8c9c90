// The status updates and next-update ETAs of an incident (engine/updates.ts)
// in the report: every update with when it was sent and whether its ETA was
// met, every ETA promised (the initial notice's too) with what became of
// it, and their lines in the incident timeline. A run closed with an ETA
// still pending says so. Pure: `cutover report` (markdown and json), the
// decision record and verify's re-render all show the same.
import type { RunState } from '../engine/fold.js';
import { etaStates, etaWords, promiseName, type EtaState } from '../engine/updates.js';
import { stepsInOrder } from '../engine/fold.js';
import type { Runbook } from '../runbook/types.js';
import { mdCode, mdLink, mdText } from './markdown.js';

export interface StatusUpdateReport {
  step: string;
  title: string;
  update: number;
  sent_at: string;
  channel?: string;
  file: string;
  plain_file: string;
  next_update_eta: string;
  /** What became of the ETA this update promised. */
  eta_status: EtaState['status'];
  eta_words: string;
}

export interface EtaReport {
  promised_by: string;
  step: string;
  update: number;
  sent_at: string;
  eta: string;
  status: EtaState['status'];
  words: string;
  /** When update.overdue was journaled for it. */
  overdue_at?: string;
}

export interface UpdatesReport {
  status_updates?: StatusUpdateReport[];
  next_update_etas?: EtaReport[];
}

export function updatesReport(runbook: Runbook, state: RunState, now: Date): UpdatesReport {
  if (!state.etas.length && !Object.values(state.updates).some((u) => u.length)) return {};
  const etas = etaStates(state, now);
  const titles = new Map(stepsInOrder(runbook).map((s) => [s.id, s.title]));
  const status_updates = Object.entries(state.updates).flatMap(([step, list]) =>
    list.map((u) => {
      const e = etas.find((x) => x.seq === u.seq)!;
      return { step, title: titles.get(step) ?? step, update: u.n, sent_at: u.sentAt, ...(u.channel ? { channel: u.channel } : {}), file: u.file, plain_file: u.plainFile, next_update_eta: u.eta, eta_status: e.status, eta_words: etaWords(e) };
    }),
  );
  const next_update_etas = etas.map((e) => {
    const overdue = Object.hasOwn(state.etaOverdue, e.seq) ? state.etaOverdue[e.seq] : undefined;
    return { promised_by: promiseName(e), step: e.step, update: e.update, sent_at: e.sentAt, eta: e.eta, status: e.status, words: etaWords(e), ...(overdue ? { overdue_at: overdue.at } : {}) };
  });
  return { status_updates, next_update_etas };
}

/** The timeline's entries: each update sent, each ETA journaled overdue. */
export function updateTimeline(runbook: Runbook, state: RunState, add: (at: string, what: string) => void): void {
  const titles = new Map(stepsInOrder(runbook).map((s) => [s.id, s.title]));
  for (const [step, list] of Object.entries(state.updates)) for (const u of list) add(u.sentAt, `status update #${u.n} sent: ${titles.get(step) ?? step}${u.channel ? ` to ${u.channel}` : ''} (next update due ${u.eta})`);
  for (const p of state.etas) {
    const o = Object.hasOwn(state.etaOverdue, p.seq) ? state.etaOverdue[p.seq] : undefined;
    if (o) add(o.at, `next update OVERDUE: promised by ${promiseName(p)} for ${p.eta}`);
  }
}

/** The decision record's "Status updates" section. */
export function updatesSection(r: UpdatesReport): string[] {
  const t = mdText;
  const L: string[] = [];
  if (r.status_updates?.length) {
    L.push('', '### Status updates', '');
    for (const u of r.status_updates) L.push(`- ${t(u.title)} #${u.update} (${mdCode(u.step)}): sent ${t(u.sent_at)}${u.channel ? ` to ${t(u.channel)}` : ''}, next update due ${t(u.next_update_eta)} — ${t(u.eta_words)} — ${mdLink(u.file, u.file)}, paste-ready ${mdLink(u.plain_file, u.plain_file)}`);
  }
  if (r.next_update_etas?.length) {
    L.push('', '### Next-update ETAs', '');
    for (const e of r.next_update_etas) L.push(`- promised by ${mdCode(e.promised_by)} (sent ${t(e.sent_at)}) for ${t(e.eta)}: ${t(e.words)}${e.overdue_at ? ` (journaled overdue ${t(e.overdue_at)})` : ''}`);
  }
  return L;
}
