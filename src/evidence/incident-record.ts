// The incident part of the decision record and of the manifest: what a
// rollback run (or a cutover run with a trigger) was about, in the order it
// happened. Severity, the timeline, the notices, the four protocol
// deadlines by name, the drill metrics and the final record — all from the
// folded journal (engine/drill.ts), so `cutover verify` renders them again.
import { printable } from '../shared/printable.js';
import { drillMetrics, deadlineWords, hasIncident, type DrillMetrics } from '../engine/drill.js';
import { stepsInOrder, type RunState } from '../engine/fold.js';
import { protocolSteps } from '../runbook/protocol.js';
import type { Runbook } from '../runbook/types.js';
import { mdCode, mdLink, mdText } from './markdown.js';
import { updatesReport, updatesSection, updateTimeline, type UpdatesReport } from './update-record.js';

export interface IncidentReport extends DrillMetrics, UpdatesReport {
  timeline: { at: string; what: string }[];
  notices: { step: string; title: string; sent_at: string; channel?: string; file: string; plain_file?: string }[];
  final_record?: Record<string, string>;
}

/** The incident of the run, or undefined when it has none (a cutover run without a trigger). */
export function incidentReport(runbook: Runbook, state: RunState, now: Date): IncidentReport | undefined {
  if (!hasIncident(runbook, state)) return undefined;
  const steps = stepsInOrder(runbook);
  const title = (id: string) => steps.find((s) => s.id === id)?.title ?? id;
  const metrics = drillMetrics(runbook, state, now);
  const timeline: { at: string; what: string }[] = [];
  const add = (at: string | undefined, what: string) => at && timeline.push({ at, what });
  if (state.rollbackOf) add(state.startedAt, `rollback run started from cutover run ${state.rollbackOf.run_id} (trigger ${state.rollbackOf.trigger.id})`);
  else add(state.startedAt, 'run started');
  if (metrics.identifiedAt) add(metrics.identifiedAt, `trigger identified${metrics.trigger ? `: ${metrics.trigger}` : ''}${metrics.severity ? ` (${metrics.severity})` : ''}`);
  for (const t of state.triggers) {
    add(t.declaredAt, `trigger declared: ${t.id} (${t.severity})${t.note ? ` — ${t.note}` : ''}`);
    if (t.cleared) add(t.cleared.at, `trigger cleared: ${t.id} — ${t.cleared.note}`);
  }
  for (const s of steps) {
    const st = state.steps[s.id];
    if (!st) continue;
    if (s.kind === 'notice' && state.notices[s.id]) add(state.notices[s.id]!.sentAt, `notice sent: ${s.title}${state.notices[s.id]!.channel ? ` to ${state.notices[s.id]!.channel}` : ''}`);
    else if ((s.kind === 'command' || s.kind === 'check') && st.attempts.length) {
      const last = st.attempts[st.attempts.length - 1]!;
      add(last.result?.ended_at ?? last.startedAt, `${s.title}: ${last.status}${last.failure && last.status !== 'passed' ? ` — ${last.failure}` : ''}`);
    } else if (st.status === 'passed' && s.kind !== 'decision' && s.kind !== 'notice') add(st.completedAt, `${s.title}: ${({ input: 'recorded', confirm: 'confirmed', signoff: 'signed' } as Record<string, string>)[s.kind] ?? 'done'}`);
    else if (st.status === 'skipped') add(st.completedAt, `${s.title}: skipped — ${st.skipReason ?? ''}`);
  }
  for (const o of Object.values(state.overdue)) add(o.at, `deadline overdue: ${title(o.step)} (due ${o.dueAt})`);
  for (const r of state.rollbacks) add(r.at, `rollback run started: ${r.runbook.id} (${r.runId})`);
  updateTimeline(runbook, state, add); // status updates sent, next-update ETAs gone overdue (update-record.ts)
  if (state.decision) add(state.decision.at, `decision: ${state.decision.label}`);
  timeline.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const notices = steps
    .filter((s) => s.kind === 'notice' && state.notices[s.id])
    .map((s) => {
      const n = state.notices[s.id]!;
      return { step: s.id, title: s.title, sent_at: n.sentAt, ...(n.channel ? { channel: n.channel } : {}), file: n.file, ...(n.plainFile ? { plain_file: n.plainFile } : {}) };
    });
  // The final record: the inputs of the step marked protocol: final-record (runbook/protocol.ts).
  const recordStep = protocolSteps(runbook)['final-record'];
  const finalRecord = recordStep ? state.inputs[recordStep.id] : undefined;
  return { ...metrics, timeline, notices, ...updatesReport(runbook, state, now), ...(finalRecord ? { final_record: { ...finalRecord } } : {}) };
}

/** The incident sections of decision-record.md (empty when the run has no incident). */
export function incidentSection(runbook: Runbook, state: RunState, now: Date): string[] {
  const r = incidentReport(runbook, state, now);
  if (!r) return [];
  const t = mdText;
  const L: string[] = ['', '## Incident', ''];
  L.push(`- Severity: **${t(r.severity ?? 'not recorded')}**`);
  L.push(`- Trigger: ${t(r.trigger ?? 'not recorded')}${r.incidentId ? ` — incident ${t(r.incidentId)}` : ''}`);
  L.push(`- Identified at (UTC): ${t(r.identifiedAt ?? 'not recorded')}${r.identifiedFrom ? ` (from the ${t(r.identifiedFrom)})` : ''}`);
  // The protocol's parts only where the runbook has its steps (a cutover run with a trigger has the rollback run for them).
  const protocol = r.deadlines.length > 0 || r.milestones.length > 0;
  if (protocol) {
    L.push(`- Time to recovery: ${r.recovery ? `**${t(r.recovery.duration)}** (rollback complete ${t(r.recovery.at)})` : 'not recovered yet (no final record)'}`);
    L.push('', '### Protocol deadlines', '');
    for (const d of r.deadlines) L.push(`- ${t(deadlineWords(d))}${d.doneAt ? ` — done ${t(d.doneAt)}` : ''}`);
    L.push('', '### Drill metrics (from the identification)', '');
    for (const m of r.milestones) L.push(`- ${t(m.title)}: ${m.since ? `${t(m.since)} (${t(m.at)})` : 'not yet'}`);
    L.push(`- time to recovery: ${r.recovery ? t(r.recovery.duration) : 'not yet'}`);
  }
  L.push('', '### Timeline (UTC)', '');
  for (const e of r.timeline) L.push(`- ${t(e.at)} — ${t(e.what)}`);
  if (r.notices.length) {
    L.push('', '### Notices', '');
    for (const n of r.notices) L.push(`- ${t(n.title)} (${mdCode(n.step)}): sent ${t(n.sent_at)}${n.channel ? ` to ${t(n.channel)}` : ''} — ${mdLink(n.file, n.file)}${n.plain_file ? `, paste-ready ${mdLink(n.plain_file, n.plain_file)}` : ''}`);
  }
  L.push(...updatesSection(r));
  if (protocol) {
    L.push('', '### Final record', '');
    if (!r.final_record) L.push('- not recorded yet');
    for (const [k, v] of Object.entries(r.final_record ?? {})) L.push(`- ${t(k)}: ${t(v.trim())}`);
  }
  return L;
}

/** The plain summary's lines: severity, recovery and the four deadlines. */
export function incidentLines(runbook: Runbook, state: RunState, now: Date): string[] {
  const r = incidentReport(runbook, state, now);
  if (!r) return [];
  const protocol = r.deadlines.length > 0 || r.milestones.length > 0;
  const L = [`incident: ${r.severity ?? 'severity not recorded'} · ${r.trigger ?? 'trigger not recorded'} · identified ${r.identifiedAt ?? '(not recorded)'}${protocol ? ` · time to recovery ${r.recovery?.duration ?? 'not yet'}` : ''}`];
  for (const m of r.milestones) L.push(`  ${m.title}: ${m.since ?? 'not yet'}`);
  for (const d of r.deadlines) L.push(`  deadline ${deadlineWords(d)}`);
  return L.map(printable); // the plain log: a typed trigger or note never forges a line
}
