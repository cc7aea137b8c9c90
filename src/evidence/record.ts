// The closing summaries of a bundle, both derived from the folded state:
// manifest.json (machine-readable, schema-validated) and the human decision
// record (decision-record.md, also printed by `cutover report`).
import type { JournalEvent, RunOutcome, StreamRecord } from '../engine/events.js';
import { stepsInOrder, type Attempt, type RunState } from '../engine/fold.js';
import { decisionStep, lockStatus } from '../engine/gates.js';
import { inMode } from '../engine/modes.js';
import { deadlines } from '../engine/progress.js';
import { directionText } from '../engine/direction.js';
import { incidentReport, incidentSection, type IncidentReport } from './incident-record.js';
import { updatesReport, updatesSection, type UpdatesReport } from './update-record.js';
import type { Runbook } from '../runbook/types.js';
import { VERSION } from '../version.js';
import { mdCode, mdLink, mdText } from './markdown.js';
import { attemptsSection, preflightSection, shownStatus } from './record-details.js';

/** The outcome of a run, as run.closed records it (one union with the journal's). */
export type ManifestOutcome = RunOutcome;

export interface Manifest {
  format: 'cutover-evidence/v1';
  run_id: string;
  rehearsal: boolean;
  mode: string;
  banner: 'REHEARSAL' | 'CUTOVER';
  runbook: { id: string; title: string; version: string; sha256: string };
  operator: string;
  started_at: string;
  written_at: string;
  closed: boolean;
  outcome: ManifestOutcome;
  decision: { step: string; option: string; label: string; go: boolean; remediation?: string; at: string } | null;
  baseline: RunState['baseline'];
  target: RunState['target'];
  /** The preflight journaled in run.started (absent for runs of cutover before 0.3.0). */
  preflight?: NonNullable<RunState['preflight']>;
  steps: {
    id: string;
    kind: string;
    title: string;
    required: boolean;
    status: string;
    /** A decision step that recorded a decision: its label (status is then "decided"). */
    decided?: string;
    skip_reason?: string;
    /** Why the step did not run: not in this mode, or held back by a failure (on_failure: stop). */
    not_run_reason?: string;
    attempts: { n: number; status: string; started_at: string; failure?: string; exit_code?: number | null; duration_ms?: number; git_head?: string | null; logs?: Record<string, { file: string; bytes: number; sha256: string }> }[];
  }[];
  signoffs: { step: string; role: string; name: string; at: string; void: boolean }[];
  triggers: { id: string; severity: string; note?: string; declared_at: string; open: boolean }[];
  refusals: { step: string; option: string; reasons: string[] }[];
  /** A rollback run (or a run with a trigger): the incident and its drill metrics (incident-record.ts). */
  incident?: IncidentReport;
  journal: { file: 'journal.ndjson'; events: number; last_hash: string };
  cutover_version: string;
}

/** The outcome of a run from its state: a recorded decision wins. */
export function outcomeOf(runbook: Runbook, state: RunState): ManifestOutcome {
  if (state.decision) return state.decision.go ? 'GO' : 'NO-GO';
  if (decisionStep(runbook)) return 'INCOMPLETE';
  // A step not in this run's mode is not required of it.
  const steps = stepsInOrder(runbook).filter((s) => s.required !== false && inMode(s, state.mode));
  if (steps.every((s) => state.steps[s.id]?.status === 'passed')) return 'DONE';
  const settled = steps.every((s) => ['passed', 'failed', 'skipped', 'not-run'].includes(state.steps[s.id]?.status ?? ''));
  return settled ? 'FAILED' : 'INCOMPLETE';
}

export function buildManifest(runbook: Runbook, state: RunState, events: readonly JournalEvent[], runbookMeta: { id: string; title: string; version: string; sha256: string }, now: Date): Manifest {
  const last = events[events.length - 1]!;
  return {
    format: 'cutover-evidence/v1',
    run_id: state.runId,
    rehearsal: state.rehearsal,
    mode: state.mode,
    banner: state.rehearsal ? 'REHEARSAL' : 'CUTOVER',
    runbook: runbookMeta,
    operator: state.operator,
    started_at: state.startedAt,
    written_at: now.toISOString(),
    closed: state.closed !== undefined,
    outcome: outcomeOf(runbook, state),
    decision: state.decision
      ? { step: state.decision.step, option: state.decision.option, label: state.decision.label, go: state.decision.go, ...(state.decision.remediation ? { remediation: state.decision.remediation } : {}), at: state.decision.at }
      : null,
    baseline: state.baseline,
    target: state.target,
    ...(state.preflight ? { preflight: state.preflight } : {}),
    steps: stepsInOrder(runbook).map((s) => {
      const st = state.steps[s.id]!;
      return {
        id: s.id,
        kind: s.kind,
        title: s.title,
        required: s.required !== false,
        // A decision step is shown as the decision it recorded, never as "passed" (a NO-GO is not a pass).
        status: s.kind === 'decision' && state.decision?.step === s.id ? 'decided' : st.status,
        ...(s.kind === 'decision' && state.decision?.step === s.id ? { decided: state.decision.label } : {}),
        ...(st.skipReason ? { skip_reason: st.skipReason } : {}),
        ...(st.notRun && (st.status === 'not-in-mode' || st.status === 'not-run') ? { not_run_reason: st.notRun.reason } : {}),
        attempts: st.attempts.map((a) => ({
          n: a.n,
          status: a.status,
          started_at: a.startedAt,
          ...(a.failure ? { failure: a.failure } : {}),
          ...(a.result ? { exit_code: a.result.exit_code, duration_ms: a.result.duration_ms, git_head: a.result.git_head } : {}),
          ...(attemptLogs(a) ? { logs: attemptLogs(a) } : {}),
        })),
      };
    }),
    signoffs: state.signatures.map((s) => ({ step: s.step, role: s.role, name: s.name, at: s.at, void: s.voidedBy !== undefined })),
    triggers: state.triggers.map((t) => ({ id: t.id, severity: t.severity, note: t.note, declared_at: t.declaredAt, open: t.open })),
    refusals: state.refusals.map((r) => ({ step: r.step, option: r.option, reasons: r.reasons })),
    ...incidentOf(runbook, state, now),
    journal: { file: 'journal.ndjson', events: events.length, last_hash: last.hash },
    cutover_version: VERSION,
  };
}

/** The incident (with its status updates); a run without one still lists its status updates (update-record.ts). */
function incidentOf(runbook: Runbook, state: RunState, now: Date): { incident?: IncidentReport } & UpdatesReport {
  const incident = incidentReport(runbook, state, now);
  return incident ? { incident } : updatesReport(runbook, state, now);
}

function attemptLogs(a: Attempt): Record<string, StreamRecord> | undefined {
  if (a.result) return { stdout: a.result.stdout, stderr: a.result.stderr, combined: a.result.combined };
  if (a.check) return { report: a.check.report, ...(a.check.data_file ? { data: a.check.data_file } : {}) };
  return undefined;
}

const GLYPH: Record<string, string> = { passed: '✓', failed: '✗', skipped: '⊘', interrupted: '!', running: '…', pending: '·', 'not-in-mode': '–', 'not-run': '↷' };

export function renderDecisionRecord(runbook: Runbook, state: RunState, manifest: Manifest, now: Date): string {
  // Every value below goes through mdText/mdCode/mdLink (markdown.ts): free text never becomes markup.
  const t = mdText;
  const L: string[] = [];
  const banner = state.rehearsal ? 'REHEARSAL — not a runtime cutover' : 'CUTOVER';
  const titleOf = (id: string) => t(stepsInOrder(runbook).find((st) => st.id === id)?.title ?? id);
  L.push(`# Decision record — ${t(runbook.title)}`, '');
  L.push(`**${banner}**`, '');
  L.push(`| | |`, `|---|---|`);
  L.push(`| Runbook | ${t(runbook.id)} ${t(runbook.version)} |`);
  L.push(`| Runbook sha256 | ${mdCode(manifest.runbook.sha256)} |`);
  L.push(`| Run | ${t(state.runId)} |`);
  L.push(`| Mode | ${t(state.mode)} |`);
  L.push(`| Operator | ${t(state.operator)}${state.operatorPrincipal ? ` (principal ${t(state.operatorPrincipal.principal)}, key${state.operatorPrincipal.keys.length === 1 ? '' : 's'} ${state.operatorPrincipal.keys.map(t).join(', ')})` : ''} |`);
  L.push(`| Started (UTC) | ${t(state.startedAt)} |`);
  L.push(`| Baseline | ${t(state.baseline.release_tag)} ${t(state.baseline.commit)} ${t(state.baseline.service_contract)} |`);
  L.push(`| Target | ${t(state.target.release_tag)} ${t(state.target.commit)} ${t(state.target.service_contract)} |`);
  L.push(`| Direction | ${t(directionText(runbook, state.baseline, state.target, 40))} |`);
  L.push(`| Outcome | **${t(manifest.outcome)}**${manifest.closed ? '' : ' (run not closed)'} |`);
  L.push('');
  L.push('## Decision', '');
  if (state.decision) {
    L.push(`- Decision: **${t(state.decision.label)}**`);
    L.push(`- Recorded at (UTC): ${t(state.decision.at)}`);
    if (state.decision.remediation) L.push(`- Remediation plan: ${t(state.decision.remediation.trim())}`);
    L.push(`- Rollback target: ${t(state.baseline.release_tag)} ${t(state.baseline.commit)}`);
  } else {
    L.push('- No decision has been recorded.');
    const decision = decisionStep(runbook);
    const go = decision && lockStatus(runbook, state, decision, now).find((o) => o.option.go && (!o.option.modes || o.option.modes.includes(state.mode)));
    if (go && !go.selectable) {
      L.push('', `${t(go.option.label)} is locked:`);
      for (const u of go.unmet) L.push(`- ${t(u.message)}`);
    }
  }
  for (const r of state.refusals) {
    const label = decisionStep(runbook)?.options.find((o) => o.id === r.option)?.label ?? r.option;
    L.push('', `Refused: ${t(label)} —`);
    for (const reason of r.reasons) L.push(`  - ${t(reason)}`);
  }
  L.push(...incidentSection(runbook, state, now));
  L.push(...preflightSection(state));
  L.push('', '## Sign-offs', '');
  // Whether a sign-off proves who signed (docs/signoffs.md) is said before any name.
  L.push(runbook.signers ? '- sign-offs SSH-signed (namespace cutover-signoff; the texts, signatures and allowed signers are under signoffs/)' : '- sign-offs unsigned (names typed by the operator)');
  // What the approvers' signatures do not cover (docs/signoffs.md §5): what the journal holds after each request, the decision included.
  if (state.decisionSigned) L.push(`- decision signed by the operator: principal ${t(state.decisionSigned.principal)}, key ${t(state.decisionSigned.key)}, at ${state.decisionSigned.at} (${t(state.decisionSigned.file)}; it binds the journal up to run.closed, checked by cutover verify)`);
  else if (runbook.signers && state.decision?.go) L.push(`- decision unsigned: signatures cover the evidence up to each sign-off request (the operator may sign the decision after the run closes: signoffs/${t(state.decision.step)}/operator.sig, checked by cutover verify)`);
  if (state.signatures.length === 0) L.push('- none');
  for (const s of state.signatures) {
    const role = runbook.roles.find((r) => r.id === s.role)?.title ?? s.role;
    L.push(`- ${t(role)}: ${t(s.name)} at ${t(s.at)}${s.key ? `, signed with key ${t(s.key)}` : ''}${s.voidedBy ? ` — VOID (step ${t(s.voidedBy.step)} ${t(s.voidedBy.change)} afterwards)` : ''}`);
  }
  const confirmed = stepsInOrder(runbook).filter((st) => st.kind === 'confirm' && state.steps[st.id]?.status === 'passed');
  if (confirmed.length) {
    L.push('', '## Confirmations', '');
    for (const st of confirmed) {
      const c = state.steps[st.id]!;
      L.push(`- ${t(st.title)} (${mdCode(st.id)}) at ${t(c.completedAt)}${c.note ? ` — note: ${t(c.note.trim())}` : ''}${c.link ? ` — ${t(c.link)}` : ''}`);
    }
  }
  const notices = Object.entries(state.notices);
  if (notices.length) {
    L.push('', '## Notices sent', '');
    for (const [id, n] of notices) L.push(`- ${titleOf(id)}: sent ${t(n.sentAt)}${n.channel ? ` to ${t(n.channel)}` : ''} — text in ${mdLink(n.file, n.file)}`);
  }
  if (!manifest.incident) L.push(...updatesSection(updatesReport(runbook, state, now)).map((l) => l.replace(/^### /, '## '))); // (an incident has them in its section)
  const inputs = Object.entries(state.inputs);
  if (inputs.length) {
    L.push('', '## Recorded inputs', '');
    for (const [stepId, values] of inputs) {
      L.push(`- ${t(stepId)}:`);
      // A multi-line value stays inside its list item (its line breaks are <br>).
      for (const [k, v] of Object.entries(values)) L.push(`  - ${t(k)}: ${t(v.trim())}`);
    }
  }
  if (state.triggers.length) {
    L.push('', '## Rollback triggers', '');
    for (const tr of state.triggers) L.push(`- ${t(tr.id)} (${t(tr.severity)}) at ${t(tr.declaredAt)}${tr.open ? ' — OPEN' : ' — cleared'}: ${t(tr.note)}`);
  }
  const dl = deadlines(runbook, state, now).filter((d) => d.status !== 'waiting');
  if (dl.length) {
    L.push('', '## Deadlines', '');
    // A skipped step says so (deadline rules 2; a rules-1 bundle is rendered as it was written).
    for (const d of dl) L.push(`- ${t(d.title)}: within ${t(d.within)} after ${t(d.anchor)}, due ${t(d.dueAt)} — ${d.skipped && state.deadlineRules >= 2 ? 'skipped, ' : ''}${t(d.status)}${d.completedAt ? ` (done ${t(d.completedAt)})` : ''}`);
  }
  L.push('', '## Steps (evidence)', '');
  L.push('| | Step | Kind | Status | Attempts | Evidence |', '|---|---|---|---|---|---|');
  const stepById = new Map(stepsInOrder(runbook).map((x) => [x.id, x]));
  for (const s of manifest.steps) {
    const last = s.attempts[s.attempts.length - 1];
    const logs = last?.logs ? Object.values(last.logs).map((l) => mdLink(l.file.split('/').pop() ?? l.file, l.file)).join(' ') : '';
    const decided = shownStatus(stepById.get(s.id), state);
    const status = decided ? decided.status : s.not_run_reason ? s.not_run_reason : s.status + (s.skip_reason ? ` (${s.skip_reason})` : last?.failure && s.status !== 'passed' ? ` — ${last.failure}` : '');
    L.push(`| ${decided?.glyph ?? GLYPH[s.status] ?? ''} | ${t(s.title)} (${mdCode(s.id)})${s.required ? '' : ' _optional_'} | ${t(s.kind)} | ${t(status)} | ${s.attempts.length || ''} | ${logs} |`);
  }
  L.push(...attemptsSection(stepsInOrder(runbook), state));
  L.push('', `Journal: ${manifest.journal.events} events, last hash ${mdCode(manifest.journal.last_hash)}.`);
  L.push(`Verify with \`cutover verify <this directory>\` or \`sha256sum -c SHA256SUMS\`.`, '');
  return L.join('\n');
}
