// The rollback trigger forms (issue 13): declare one of the runbook's
// matrix — its minimum severity and required action shown, a severity that
// may be raised but never set below the minimum, when it was identified
// (default now; earlier is fine, never later) and what was observed — and
// clear an open one with the reason (recorded with who cleared it).
import { Text } from 'ink';
import { parseIdentifiedAt, SEVERITIES, severityRank } from '../../../engine/incident.js';
import { rollbackCommand, shownPath } from '../../../session/rollback-link.js';
import { useRunIntents, useRunStore } from '../../context.js';
import { wrapLines } from '../../layout.js';
import { tint } from '../../theme.js';
import { FieldsForm } from './FieldsForm.js';
import { rollbackVarsNeeded } from '../../../session/rollback-vars.js';
import { openRollbackTrigger } from './rollback-vars-form.js';

const required = (what: string) => (v: string) => (v.trim() ? undefined : `${what} is required`);

export function ClearTriggerForm({ height }: { height: number }) {
  const intents = useRunIntents();
  const open = useRunStore((s) => s.run.triggers.filter((t) => t.open));
  const titleOf = (id: string) => intents.session.runbook.triggers?.find((t) => t.id === id)?.title ?? id;
  return (
    <FieldsForm
      title="Clear a rollback trigger — recorded with your reason and name"
      fields={[
        { id: 'trigger', label: 'Trigger', kind: 'choice', options: open.map((t) => ({ value: t.id, label: `${titleOf(t.id)} (${t.severity}), identified ${t.identifiedAt}` })), validate: (v) => (v ? undefined : 'choose a trigger') },
        { id: 'note', label: 'Why it no longer applies', multiline: true, validate: required('a reason') },
      ]}
      initial={open.length === 1 ? { trigger: open[0]!.id } : {}}
      submitLabel="clear it"
      height={height}
      onSubmit={(v) => intents.submitted(undefined, intents.session.clearTrigger(v.trigger!, v.note!), `rollback trigger cleared: ${titleOf(v.trigger!)}`)}
    />
  );
}

export function TriggerForm({ height }: { height: number }) {
  const intents = useRunIntents();
  const session = intents.session;
  const triggers = session.runbook.triggers ?? [];
  const minimum = (id: string | undefined) => triggers.find((t) => t.id === id)?.severity;
  /** What the message line says, and the rollback command whole on the rows above it (never cut at the line's end). */
  const done = (id: string): { text: string; details: string[] } => {
    const t = triggers.find((x) => x.id === id);
    const command = t?.rollback ? rollbackCommand(session.runbookDir, session.runbook, session.bundleDir, session.state.vars, (p) => shownPath(p)) : undefined;
    return { text: `⚠ rollback trigger declared: ${t?.title} — GO is locked`, details: command ? ['rollback protocol: quit (q), then', command] : [] };
  };
  return (
    <FieldsForm
      title="Declare a rollback trigger (the runbook's matrix) — it locks GO until cleared"
      fields={[
        // Choosing another trigger starts its severity at that trigger's matrix minimum (raise it after).
        // Its required action, whole, under the list: what the responder does next.
        { id: 'trigger', label: 'Trigger', kind: 'choice', options: triggers.map((t) => ({ value: t.id, label: `${t.title} (min ${t.severity})`, detail: `required action: ${t.action}` })), validate: (v) => (v ? undefined : 'choose a trigger'), sets: (v) => ({ severity: minimum(v) ?? 'SEV-1' }) },
        {
          id: 'severity',
          label: 'Severity (raise it, never below the minimum)',
          kind: 'choice',
          options: SEVERITIES.map((s) => ({ value: s, label: s })),
          validate: (v, all) => {
            const min = minimum(all.trigger);
            return min && (severityRank(v) ?? 9) > (severityRank(min) ?? 3) ? `below the matrix minimum ${min}` : undefined;
          },
        },
        {
          id: 'identified_at',
          label: 'Identified at (UTC; now, HH:MM, 12m ago or 2026-03-02T14:05:00Z)',
          validate: (v) => {
            const r = parseIdentifiedAt(v, session.clock());
            return 'problem' in r ? r.problem : undefined;
          },
        },
        { id: 'note', label: 'What was observed', multiline: true, validate: required('a note') },
      ]}
      initial={{ trigger: triggers[0]?.id ?? '', severity: triggers[0]?.severity ?? 'SEV-1', identified_at: 'now' }}
      submitLabel="declare it"
      height={height}
      onSubmit={(v) => {
        const said = done(v.trigger!);
        const r = intents.submitted(undefined, session.declareTrigger(v.trigger!, v.note!, { severity: v.severity, identifiedAt: v.identified_at }), said.text, said.details.length ? { tone: 'warn', details: said.details } : undefined);
        // A rollback trigger offers to switch to the rollback runbook at once.
        if (r.ok && session.runbook.rollback && triggers.find((t) => t.id === v.trigger)?.rollback) intents.openForm('rollback');
        return r;
      }}
    />
  );
}

/** After a rollback trigger: start the rollback runbook now (this run pauses, linked both ways), or stay. */
export function RollbackPrompt({ height }: { height: number }) {
  const intents = useRunIntents();
  const session = intents.session;
  const open = openRollbackTrigger(session);
  const command = rollbackCommand(session.runbookDir, session.runbook, session.bundleDir, session.state.vars, (p) => shownPath(p));
  const columns = useRunStore((s) => s.size.columns);
  return (
    <FieldsForm
      title="Start the rollback runbook now?"
      // The command is the incident's next step: whole, over the rows the answer leaves (cut with … only
      // on a terminal too small for it; the summary prints it whole as you leave).
      intro={(room: number) =>
        wrapLines(`This run pauses (GO stays locked); the rollback run opens here, linked to it: ${command ?? ''}`, columns, Math.max(1, room), { whole: true }).map((row, i) => (
          <Text key={i} color={tint('yellow')} wrap="truncate-end">
            {row}
          </Text>
        ))
      }
      fields={[{ id: 'start', label: 'Answer', kind: 'choice', options: [{ value: 'yes', label: 'yes — pause this run and start the rollback protocol now' }, { value: 'no', label: 'no — stay on this run (the command stays in the message)' }] }]}
      initial={{ start: 'yes' }}
      submitLabel="go"
      height={height}
      onSubmit={(v) => {
        if (v.start !== 'yes' || !open) return intents.submitted(undefined, { ok: true }, 'rollback protocol: quit (q), then the command above', command ? { tone: 'warn', details: [command] } : undefined);
        // Vars the rollback runbook needs and this run does not carry are asked for first (rollback-vars-form.tsx).
        if (rollbackVarsNeeded(session.runbookDir, session.runbook, session.state.vars).length) {
          intents.openForm('rollback-vars');
          return { ok: true };
        }
        session.triggers.switchToRollback = { trigger: open };
        void intents.leave(3, `switching to the rollback runbook for trigger ${open}`);
        return { ok: true };
      }}
    />
  );
}
