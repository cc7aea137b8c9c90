// The sign-off form of a signed runbook (docs/signoffs.md): opening it
// writes each open role's request (signoffs/<step>/<role>.msg), shows the
// one command each approver runs, and takes a pasted armored signature per
// role. While it is open, signatures `cutover sign` drops into the bundle
// are picked up, verified and journaled; when every role has signed the
// form closes by itself.
import { useEffect } from 'react';
import { OK, refuse, type IntentResult } from '../../../session/result.js';
import { signoffFiles } from '../../../session/signed-signoffs.js';
import type { Step } from '../../../runbook/types.js';
import { useRunIntents, useRunStore } from '../../context.js';
import { wrapLines } from '../../layout.js';
import { FieldsForm, type FieldSpec } from './FieldsForm.js';
import { Text } from 'ink';

/** How often the open form looks for a signature dropped by `cutover sign`. */
const PICK_UP_MS = 400;

export function SignedSignoffForm({ step, height }: { step: Step; height: number }) {
  const intents = useRunIntents();
  const columns = useRunStore((s) => s.size.columns);
  const signatures = useRunStore((s) => s.run.signatures);
  const session = intents.session;
  const roles = step.kind === 'signoff' ? step.roles : [];
  const unsigned = () => roles.filter((r) => !session.state.signatures.some((s) => s.step === step.id && s.role === r && !s.voidedBy));
  const roleTitle = (id: string) => session.runbook.roles.find((r) => r.id === id)?.title ?? id;
  const done = () => `✓ "${step.title}" signed: ${roles.map((r) => `${roleTitle(r)}: ${session.state.signatures.find((s) => s.step === step.id && s.role === r)?.name ?? ''}`).join(', ')} (SSH signatures verified)`;

  useEffect(() => {
    // The requests are journaled when the form opens (a current one is kept).
    for (const role of unsigned()) {
      const r = session.signoffs.request(step.id, role);
      if (!r.ok) intents.say(r.reasons[0] ?? 'the sign-off cannot be requested', 'error', r.reasons.slice(1));
    }
    const timer = setInterval(() => {
      const picked = session.signoffs.pickUp(step.id);
      for (const x of picked.refused) intents.say(`the signature of ${roleTitle(x.role)} was refused`, 'error', x.reasons);
      if (picked.recorded.length && unsigned().length === 0) intents.submitted(step.id, OK, done());
    }, PICK_UP_MS);
    return () => clearInterval(timer);
  }, []); // once per opening of the form

  if (step.kind !== 'signoff') return null;
  const open = step.roles.filter((r) => !signatures.some((s) => s.step === step.id && s.role === r && !s.voidedBy));
  const bundle = session.relative(session.bundleDir);
  // The principal the text names, and the others the runbook allows for the role.
  const principal = (role: string) => {
    const all = session.runbook.signers?.roles[role] ?? [];
    const named = session.signoffs.current(step.id, role)?.principal ?? all[0] ?? '?';
    return all.length > 1 ? `${named}; also allowed: ${all.filter((p) => p !== named).join(', ')}` : named;
  };
  const fields: FieldSpec[] = open.map((role) => ({
    id: `sig:${role}`,
    label: `${roleTitle(role)} (${principal(role)}) — paste the signature, or leave empty to wait`,
    placeholder: '-----BEGIN SSH SIGNATURE----- … -----END SSH SIGNATURE-----',
  }));
  const commands = open.flatMap((role) => [
    `${roleTitle(role)}: cutover sign ${bundle} --step ${step.id} --role ${role} --key ~/.ssh/id_ed25519`,
    `  (text: ${session.relative(signoffFiles(session.bundleDir, step.id, role).msg)})`,
  ]);
  const submit = (v: Record<string, string>): IntentResult => {
    for (const role of open) {
      const pasted = v[`sig:${role}`]?.trim();
      if (!pasted) continue;
      const r = session.signoffs.accept(step.id, role, pasted);
      if (!r.ok) return { ...r, fields: { [`sig:${role}`]: r.reasons[0]! } };
    }
    session.signoffs.pickUp(step.id);
    const left = unsigned();
    if (left.length) return refuse(`waiting for the signature of ${left.map(roleTitle).join(' and ')}`, 'the approver runs the command shown; this form records it when it arrives (Esc closes the form; opening it again goes on waiting)');
    return intents.submitted(step.id, OK, done());
  };
  return (
    <FieldsForm
      title={`Signed sign-off: ${step.title}`}
      intro={
        <>
          {[...wrapLines(session.statementOf(step.id) ?? '', columns, 2), 'Each approver signs this text with their own SSH key (namespace cutover-signoff):', ...commands].map((l, i) => (
            <Text key={i} wrap="truncate-end">
              {l || ' '}
            </Text>
          ))}
        </>
      }
      fields={fields}
      initial={{}}
      submitLabel="record the pasted signatures"
      height={height}
      onSubmit={submit}
    />
  );
}
