// The form of each intent, built on FieldsForm: skip with a reason, confirm
// (note, link), input (typed fields), notice (preview, then mark sent),
// sign-off (per role: the signer's name and the target's short commit
// typed), the decision (an option, remediation for NO-GO, its label typed),
// (the rollback trigger forms are in trigger-forms.tsx).
import { Text } from 'ink';
import { refuse, type IntentResult } from '../../../session/result.js';
import { validateField } from '../../../session/inputs.js';
import type { Step } from '../../../runbook/types.js';
import { confirmsLabel, nameProblem } from '../../../shared/names.js';
import { useRunIntents, useRunStore } from '../../context.js';
import { wrapLines } from '../../layout.js';
import { lockView } from '../../store/selectors.js';
import { FieldsForm, type FieldSpec } from './FieldsForm.js';
import { SignedSignoffForm } from './SignedSignoffForm.js';
import { UpdateForm } from './UpdateForm.js';
import { isUpdateStep } from '../../../engine/updates.js';

const required = (what: string) => (v: string) => (v.trim() ? undefined : `${what} is required`);
const url = (v: string) => (v.trim() && !URL.canParse(v.trim()) ? 'not a URL: write a full URL such as https://…' : undefined);

interface FormProps {
  step: Step;
  height: number;
}

/** Lines above the fields, one row each (wrap them with wrapLines first). */
function Intro({ lines }: { lines: string[] }) {
  return (
    <>
      {lines.map((l, i) => (
        <Text key={i} wrap="truncate-end">
          {l || ' '}
        </Text>
      ))}
    </>
  );
}

export function SkipForm({ step, height }: FormProps) {
  const intents = useRunIntents();
  const given = intents.defaults?.get(step.id);
  return (
    <FieldsForm
      title={`Skip "${step.title}"`}
      intro={<Intro lines={['A waiver, recorded with your reason; it blocks a GO.']} />}
      fields={[{ id: 'reason', label: 'Reason', validate: required('a reason') }]}
      initial={{ reason: given?.kind === 'skip' ? given.reason : '' }}
      submitLabel="skip the step"
      height={height}
      onSubmit={(v) => intents.submitted(step.id, intents.session.skip(step.id, v.reason!), `⊘ "${step.title}" skipped`)}
    />
  );
}

export function ConfirmForm({ step, height }: FormProps) {
  const intents = useRunIntents();
  const columns = useRunStore((s) => s.size.columns);
  if (step.kind !== 'confirm') return null;
  const given = intents.defaults?.get(step.id);
  const fields: FieldSpec[] = [];
  if (step.note) fields.push({ id: 'note', label: `Note${step.note === 'required' ? '' : ' (optional)'}`, multiline: true, ...(step.note === 'required' ? { validate: required('a note') } : {}) });
  if (step.link) fields.push({ id: 'link', label: `Evidence link${step.link === 'required' ? '' : ' (optional)'}`, placeholder: 'https://…', validate: (v) => (step.link === 'required' && !v.trim() ? 'a link is required' : url(v)) });
  const statement = intents.session.statementOf(step.id) ?? '';
  return (
    <FieldsForm
      title={`Confirm: ${step.title}`}
      // The statement gets the rows the fields leave (and the row under it), at least one.
      intro={(room: number) => <Intro lines={[...wrapLines(statement, columns, Math.max(1, room - 1)), fields.length ? '' : 'Press Enter to confirm this statement (recorded with your name and the time).']} />}
      fields={fields}
      initial={given?.kind === 'confirm' ? { note: given.note ?? '', link: given.link ?? '' } : {}}
      submitLabel="confirm"
      height={height}
      onSubmit={(v) => intents.submitted(step.id, intents.session.confirm(step.id, { ...(v.note?.trim() ? { note: v.note } : {}), ...(v.link?.trim() ? { link: v.link.trim() } : {}) }), `✓ "${step.title}" confirmed`)}
    />
  );
}

export function InputForm({ step, height }: FormProps) {
  const intents = useRunIntents();
  if (step.kind !== 'input') return null;
  const given = intents.defaults?.get(step.id);
  const fields: FieldSpec[] = step.fields.map((f) => ({
    id: f.id,
    label: f.label,
    ...(f.type === 'select' ? { kind: 'choice' as const, options: (f.options ?? []).map((o) => ({ value: o, label: o })) } : {}),
    multiline: f.multiline === true,
    placeholder: { sha: '40 hex characters', tag: 'v1.2.3', url: 'https://…', duration: '15m', timestamp: '2026-11-21T14:05:00Z', text: '', select: '' }[f.type] || undefined,
    // Type and pattern, then equals: against this run's pins and answers (shown inline, as recordInput refuses it).
    validate: (v: string, all: Record<string, string>) => validateField(f, v) ?? intents.session.fieldProblem(step.id, f.id, { ...all, [f.id]: v }),
  }));
  return (
    <FieldsForm
      title={`Fill in: ${step.title}`}
      fields={fields}
      initial={{ ...intents.session.prefilled(step.id), ...(given?.kind === 'input' ? given.values : {}) }}
      submitLabel="record"
      height={height}
      onSubmit={(v) => intents.submitted(step.id, intents.session.recordInput(step.id, v), `✓ "${step.title}" recorded`)}
    />
  );
}

export function NoticeForm({ step, height }: FormProps) {
  if (isUpdateStep(step)) return <UpdateForm step={step} height={height} />; // a status update: its own fields each time
  const intents = useRunIntents();
  const text = intents.session.renderNotice(step.id) ?? '';
  const lines = text.split('\n');
  const room = Math.max(1, height - 6);
  const preview = lines.length > room ? [...lines.slice(0, room - 1), `… (${lines.length - room + 1} more lines; the whole text goes into the bundle)`] : lines;
  const given = intents.defaults?.get(step.id);
  return (
    <FieldsForm
      title={`Notice: ${step.title} — send it, then mark it sent`}
      intro={<Intro lines={preview} />}
      fields={[{ id: 'channel', label: 'Sent to (channel)', placeholder: 'where you posted it' }]}
      initial={{ channel: (given?.kind === 'notice' ? given.channel : undefined) ?? intents.session.channelOf(step.id) ?? '' }}
      submitLabel="mark it sent now"
      height={height}
      onSubmit={(v) => intents.submitted(step.id, intents.session.sendNotice(step.id, v.channel?.trim() ? { channel: v.channel.trim() } : {}), `✓ "${step.title}" marked sent`)}
    />
  );
}

export function SignoffForm({ step, height }: FormProps) {
  // A signed runbook's sign-offs are SSH signatures, not typed names (docs/signoffs.md).
  return useRunIntents().session.signoffs.required ? <SignedSignoffForm step={step} height={height} /> : <NamedSignoffForm step={step} height={height} />;
}

function NamedSignoffForm({ step, height }: FormProps) {
  const intents = useRunIntents();
  const columns = useRunStore((s) => s.size.columns);
  const target = useRunStore((s) => s.run.target.commit.slice(0, 7));
  const signatures = useRunStore((s) => s.run.signatures);
  if (step.kind !== 'signoff') return null;
  const given = intents.defaults?.get(step.id);
  const roleTitle = (id: string) => intents.session.runbook.roles.find((r) => r.id === id)?.title ?? id;
  const open = step.roles.filter((r) => !signatures.some((s) => s.step === step.id && s.role === r && !s.voidedBy));
  const fields: FieldSpec[] = open.flatMap((role) => [
    { id: `name:${role}`, label: `${roleTitle(role)} — name`, validate: (v: string) => nameProblem(v, "the signer's name") },
    { id: `commit:${role}`, label: `  type ${target} to sign`, validate: (v: string) => (v.trim() === target ? undefined : `type the target's short commit ${target} exactly`) },
  ]);
  // The names may be prefilled; the commit is typed by whoever signs (the demo excepted).
  const initial = Object.fromEntries(open.flatMap((role) => (given?.kind === 'signoff' && given.names[role] ? [[`name:${role}`, given.names[role]!], ...(intents.prefillConfirmations ? [[`commit:${role}`, target]] : [])] : [])));
  const submit = (v: Record<string, string>): IntentResult => {
    for (const role of open) {
      const r = intents.session.sign(step.id, role, v[`name:${role}`]!);
      if (!r.ok) return { ...r, fields: { [`name:${role}`]: r.reasons[0]! } };
    }
    // Named as journaled (masked), never as typed.
    const signed = (r: string) => intents.session.state.signatures.find((s) => s.step === step.id && s.role === r)?.name ?? '';
    return intents.submitted(step.id, { ok: true }, `✓ "${step.title}" signed by ${open.map((r) => `${roleTitle(r)}: ${signed(r)}`).join(', ')}`);
  };
  return (
    <FieldsForm
      title={`Sign-off: ${step.title}`}
      // What is signed gets the rows the fields and their errors leave (and the note under it), at least one.
      intro={(room: number) => <Intro lines={[...wrapLines(intents.session.statementOf(step.id) ?? '', columns, Math.max(1, room - 1)), 'Each approver signs in person (not the operator); signing binds this evidence.']} />}
      fields={fields}
      initial={initial}
      submitLabel="record the signatures"
      height={height}
      onSubmit={submit}
    />
  );
}

export function DecisionForm({ step, height }: FormProps) {
  const intents = useRunIntents();
  const { run, now, columns } = useRunStore((s) => ({ run: s.run, now: s.now, columns: s.size.columns }));
  const options = lockView(intents.session.runbook, run, now).options;
  if (step.kind !== 'decision') return null;
  const given = intents.defaults?.get(step.id);
  const labelOf = (id: string) => step.options.find((o) => o.id === id)?.label ?? '';
  const fields: FieldSpec[] = [
    { id: 'option', label: 'Decision', kind: 'choice', options: options.map((o) => ({ value: o.id, label: `${o.label} — ${o.selectable ? 'open' : o.notInMode ? `not in a ${run.rehearsal ? 'rehearsal' : 'cutover run'}` : `LOCKED (${o.unmet.length} unmet)`}` })), validate: (v) => (v ? undefined : 'choose an option') },
    { id: 'remediation', label: 'Remediation plan', multiline: true, when: (v) => options.find((o) => o.id === v.option)?.needsRemediation === true, validate: required('a remediation plan') },
    { id: 'confirm', label: 'Type the decision to confirm', validate: (v, all) => (confirmsLabel(v, labelOf(all.option ?? '')) ? undefined : `type "${labelOf(all.option ?? '')}" exactly`) },
  ];
  // The option may be prefilled; its label is typed to confirm (the demo excepted).
  const initial: Record<string, string> = given?.kind === 'decision' ? { option: given.option, remediation: given.remediation ?? '', ...(intents.prefillConfirmations ? { confirm: labelOf(given.option) } : {}) } : {};
  const submit = (v: Record<string, string>): IntentResult => {
    const before = intents.session.events.length;
    const r = intents.session.decide(step.id, { option: v.option!, confirmedText: v.confirm!, ...(v.remediation?.trim() ? { remediation: v.remediation } : {}) });
    if (!r.ok) {
      // A refusal by the GO lock is journaled; a decision asked at the wrong moment (a step running) is not.
      const journaled = intents.session.events.length > before;
      intents.say(journaled ? `${labelOf(v.option!)} — REFUSED, the GO lock holds (recorded)` : `${labelOf(v.option!)} — not now: ${r.reasons[0]}`, 'error');
      return refuse(r.reasons, r.hint);
    }
    intents.closeRun();
    return intents.submitted(step.id, { ok: true }, `Decision: ${labelOf(v.option!)}`);
  };
  const locked = options.filter((o) => !o.selectable);
  return (
    <FieldsForm
      title={`Decide: ${step.title}`}
      // Each locked option's first reason: on two rows where the fields leave them, else one, else as many as fit.
      intro={(room: number) => {
        if (!locked.length) return <Intro lines={['Every option is open.']} />;
        const per = room >= 2 * locked.length ? 2 : 1;
        const lines = locked.flatMap((o) => wrapLines(`✗ ${o.label} is locked${o.unmet.length > 1 ? ` (${o.unmet.length} unmet)` : ''}: ${o.unmet[0]}`, columns - 2, per, { whole: true }).map((row, i) => (i ? `  ${row}` : row)));
        // (None on the smallest terminal: the options say LOCKED, and o on the decision lists why.)
        return <Intro lines={lines.slice(0, Math.max(0, room))} />;
      }}
      fields={fields}
      initial={initial}
      submitLabel="record the decision"
      height={height}
      onSubmit={submit}
    />
  );
}
