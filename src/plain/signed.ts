// A signed sign-off in the plain run (docs/signoffs.md): the run requests
// each role's text (signoffs/<step>/<role>.msg), records the signatures the
// answers file pastes and those `cutover sign` dropped beside the texts,
// and — for roles the answers file says to wait for — follows the bundle
// until their signatures arrive. Otherwise it pauses (exit 3) printing the
// one command each approver runs.
import type { SignoffStep } from '../runbook/types.js';
import { commandName } from '../shared/command-name.js';
import { InputError } from '../shared/errors.js';
import type { Answer, Answers } from '../session/answers.js';
import type { Session } from '../session/session.js';
import { signoffFiles } from '../session/signed-signoffs.js';
import { SIGNOFF_NAMESPACE } from '../signoff/text.js';
import type { LineReporter } from './reporter.js';

/** How often a waiting run looks for a dropped signature. */
const POLL_MS = 250;

export type SignedOutcome = 'signed' | 'paused' | 'stopped';

function unsigned(session: Session, step: SignoffStep): string[] {
  return step.roles.filter((r) => !session.state.signatures.some((s) => s.step === step.id && s.role === r && !s.voidedBy));
}

function pickUp(session: Session, step: SignoffStep, reporter: LineReporter): void {
  const r = session.signoffs.pickUp(step.id);
  for (const role of r.recorded) reporter.line(`  signature of ${role} verified and recorded (${session.state.signatures.find((s) => s.step === step.id && s.role === role)?.name})`);
  for (const x of r.refused) reporter.line(`  signature of ${x.role} refused:\n${x.reasons.map((m) => `    - ${session.mask(m)}`).join('\n')}`);
}

/** Every principal the runbook allows for `role`, when there are several (the text names one). */
function allowedWords(session: Session, role: string): string {
  const all = session.runbook.signers?.roles[role] ?? [];
  return all.length > 1 ? `; allowed for ${role}: ${all.join(', ')}` : '';
}

/** The commands an approver runs to sign `role`, for the log. */
export function signInstructions(session: Session, step: SignoffStep, role: string): string[] {
  const bundle = session.relative(session.bundleDir);
  const files = signoffFiles(session.bundleDir, step.id, role);
  return [
    `  ${role}: sign ${session.relative(files.msg)} (principal ${session.signoffs.current(step.id, role)?.principal ?? '?'}${allowedWords(session, role)}) with`,
    `      ${commandName()} sign ${bundle} --step ${step.id} --role ${role} --key ~/.ssh/id_ed25519`,
    `    or, with ssh-keygen alone: ssh-keygen -Y sign -f ~/.ssh/id_ed25519 -n ${SIGNOFF_NAMESPACE} < ${role}.msg > ${role}.sig`,
  ];
}

export async function driveSignedSignoff(session: Session, step: SignoffStep, answer: Answer | undefined, answers: Answers | undefined, reporter: LineReporter, stopped: () => boolean): Promise<SignedOutcome> {
  const where = answers?.where(step.id) ?? `step "${step.id}"`;
  const signed = answer?.kind === 'signoff' ? answer : undefined;
  for (const role of unsigned(session, step)) {
    const before = session.events.length;
    const r = session.signoffs.request(step.id, role);
    if (!r.ok) throw new InputError(`${where}: ${r.reasons.join('; ')}`, r.hint);
    if (session.events.length > before) reporter.line(`  requested the sign-off of ${role}: ${session.relative(signoffFiles(session.bundleDir, step.id, role).msg)}`);
  }
  for (const role of unsigned(session, step)) {
    const pasted = signed?.signatures?.[role];
    if (!pasted) continue;
    const r = session.signoffs.accept(step.id, role, pasted);
    if (!r.ok) {
      // Nothing was recorded; the summaries still describe the journal as it is (verify stays green).
      await session.writeSummaries();
      throw new InputError(`${where}: ${r.reasons.join('; ')}`, r.hint);
    }
    reporter.line(`  pasted signature of ${role} verified and recorded`);
  }
  pickUp(session, step, reporter);
  const waitFor = new Set(signed?.wait ?? []);
  let told = false;
  while (unsigned(session, step).length && unsigned(session, step).every((r) => waitFor.has(r))) {
    if (stopped()) return 'stopped';
    if (!told) {
      reporter.line(`… ${step.id}: waiting for the signature of ${unsigned(session, step).join(' and ')} (Ctrl-C pauses; the run can be resumed):`);
      for (const role of unsigned(session, step)) for (const l of signInstructions(session, step, role)) reporter.line(l);
      told = true;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    pickUp(session, step, reporter);
  }
  const missing = unsigned(session, step);
  if (missing.length) {
    session.pause(`waiting for the signed sign-off of ${missing.join(', ')} on "${step.id}"`, step.id);
    await session.writeSummaries();
    reporter.line(`… ${step.id}: ${step.title} — waiting for the SSH signature of ${missing.join(' and ')}; each approver signs the text the run wrote:`);
    for (const role of missing) for (const l of signInstructions(session, step, role)) reporter.line(l);
    reporter.line(`\nPAUSED: once the signatures are in the bundle (or pasted into an answers file as {signature: …}), run \`${commandName()} resume ${session.relative(session.bundleDir)}\`; {wait: true} in the answers file makes the run wait for them instead.`);
    return 'paused';
  }
  reporter.manual(step, `signed by ${step.roles.map((r) => `${r}: ${session.state.signatures.find((s) => s.step === step.id && s.role === r)?.name}`).join(', ')} (SSH signatures verified)`);
  return 'signed';
}
