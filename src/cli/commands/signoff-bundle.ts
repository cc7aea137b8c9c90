// A bundle read for `cutover signoff request` and `cutover sign` without
// taking its lock (the captain's session may hold it): the runbook copy, the
// journal, the state folded from it, and what a signature for a role would
// be judged against right now.
import { join } from 'node:path';
import { evidenceDigest } from '../../engine/digest.js';
import type { JournalEvent } from '../../engine/events.js';
import { foldEvents, type RunState } from '../../engine/fold.js';
import { isBundleDir, RUNBOOK_COPY } from '../../evidence/bundle.js';
import { JOURNAL_FILE, readJournal } from '../../evidence/journal.js';
import { loadRunbook } from '../../runbook/load.js';
import type { Runbook, SignoffStep } from '../../runbook/types.js';
import { readSignersCopy, requestsOf, type SignoffRequest } from '../../session/signed-signoffs.js';
import type { JudgeContext } from '../../signoff/judge.js';
import { recordedOperatorPrincipals } from '../../signoff/operator-principal.js';
import { parseSignoffText } from '../../signoff/text.js';
import { InputError } from '../errors.js';

export interface BundleView {
  dir: string;
  runbook: Runbook;
  events: JournalEvent[];
  state: RunState;
}

export function readBundle(dir: string): BundleView {
  if (!isBundleDir(dir)) throw new InputError(`${dir}: not an evidence bundle (no ${JOURNAL_FILE} in it)`, 'pass the bundle directory that `cutover run` printed, e.g. evidence/20261121T140500Z_service-v3-cutover-day');
  const loaded = loadRunbook(join(dir, RUNBOOK_COPY), { checkRollbackPath: false, bundleCopy: true });
  if (!loaded.ok) throw new InputError(`${join(dir, RUNBOOK_COPY)}: the runbook copy is not a valid runbook (${loaded.diagnostics[0]?.message})`, 'run `cutover verify` on the bundle');
  const { events } = readJournal(join(dir, JOURNAL_FILE));
  if (events[0]?.type !== 'run.started') throw new InputError(`${join(dir, JOURNAL_FILE)}: the journal has no run.started event`, 'run `cutover verify` on the bundle');
  return { dir, runbook: loaded.loaded.runbook, events, state: foldEvents(loaded.loaded.runbook, events) };
}

/** The sign-off step and role named by --step/--role, checked against the runbook. */
export function signoffStep(view: BundleView, stepId: string | undefined, role: string | undefined, command: string): { step: SignoffStep; role: string } {
  if (!stepId || !role) throw new InputError(`${command}: --step and --role are required`, `run \`cutover ${command} --help\``);
  const steps = view.runbook.sections.flatMap((s) => s.steps);
  const step = steps.find((s) => s.id === stepId);
  const signoffs = steps.filter((s) => s.kind === 'signoff').map((s) => s.id);
  if (step?.kind !== 'signoff') throw new InputError(`${join(view.dir, RUNBOOK_COPY)}: "${stepId}" is not a sign-off step of runbook ${view.runbook.id}`, `the sign-off steps are: ${signoffs.join(', ') || 'none'}`);
  if (!step.roles.includes(role)) throw new InputError(`${join(view.dir, RUNBOOK_COPY)}: role "${role}" does not sign "${stepId}"`, `its roles are: ${step.roles.join(', ')}`);
  if (!view.runbook.signers) throw new InputError(`${join(view.dir, RUNBOOK_COPY)}: runbook ${view.runbook.id} names no allowed-signers file; its sign-offs are typed names, not signatures`, 'add `signers:` to the runbook to require SSH-signed sign-offs (docs/signoffs.md)');
  return { step: step as SignoffStep, role };
}

/** The latest request of the role when it still binds to the evidence as it is. */
export function currentRequest(view: BundleView, step: string, role: string): SignoffRequest | undefined {
  const last = requestsOf(view.events, step, role).at(-1);
  return last && last.evidence_digest === evidenceDigest(view.state) ? last : undefined;
}

/** What the session would judge a signature of `role` against now. */
export function judgeContextOf(view: BundleView, step: SignoffStep, role: string, request: SignoffRequest): JudgeContext {
  // Held to the digest run.started recorded: a copy swapped in the bundle is never judged against.
  const copy = readSignersCopy(view.dir, view.events);
  if ('problem' in copy) throw new InputError(copy.problem, 'run `cutover verify` on the bundle');
  const allowedText = copy.text;
  const parsed = { value: copy.entries };
  const requested = parseSignoffText(request.message);
  const hashes = new Set(view.events.map((e) => e.hash));
  return {
    allowedText,
    allowed: parsed.value,
    rolePrincipals: view.runbook.signers?.roles[role] ?? [],
    expected: { run: view.state.runId, step: step.id, role, statement: requested.ok ? requested.text.statement : '', evidence: evidenceDigest(view.state) },
    isJournalHash: (h) => hashes.has(h),
    otherRoles: view.state.signatures.filter((s) => s.step === step.id && s.role !== role && !s.voidedBy && s.key).map((s) => ({ role: s.role, fingerprint: s.key! })),
    ...(step.exclude_operator !== false ? { excludedOperators: view.state.operators, excludedPrincipals: recordedOperatorPrincipals(view.events) } : {}),
  };
}
