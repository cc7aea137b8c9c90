// Before the screen switches to the rollback runbook (issue 13): one field
// per var the rollback runbook needs and this run does not carry
// (session/rollback-vars.ts), labelled with its name and description,
// checked by its declared type (else non-empty). A secret var is masked
// while typed; its value goes to the rollback run only (journaled there as
// ***), never to this run's bundle. Enter starts the rollback run with them
// (as `run <rollback> --from <bundle> --var NAME=VALUE` would); Esc stays
// on this run with the command in the message.
import { Text } from 'ink';
import { useState } from 'react';
import { rollbackCommand, shownPath } from '../../../session/rollback-link.js';
import { neededVarProblem, rollbackVarsNeeded } from '../../../session/rollback-vars.js';
import { useRunIntents } from '../../context.js';
import type { Intents } from '../../intents.js';
import { tint } from '../../theme.js';
import { FieldsForm } from './FieldsForm.js';

/** The rollback trigger the switch is for: the latest open one with `rollback: true`. */
export function openRollbackTrigger(session: Intents['session']): string | undefined {
  return session.state.triggers.filter((t) => t.open && session.runbook.triggers?.find((x) => x.id === t.id)?.rollback).at(-1)?.id;
}

export function RollbackVarsForm({ height }: { height: number }) {
  const intents = useRunIntents();
  const session = intents.session;
  const [needed] = useState(() => rollbackVarsNeeded(session.runbookDir, session.runbook, session.state.vars));
  const command = rollbackCommand(session.runbookDir, session.runbook, session.bundleDir, session.state.vars, (p) => shownPath(p));
  return (
    <FieldsForm
      title="The rollback runbook needs vars this run does not carry"
      intro={<Text color={tint('yellow')} wrap="truncate-end">They go to the rollback run only; a secret is masked and never stored.</Text>}
      fields={needed.map((v) => ({
        id: v.name,
        label: `${v.name} (${v.decl.description}${v.secret ? '; secret' : ''})`,
        secret: v.secret,
        validate: (value: string) => neededVarProblem(v, value),
      }))}
      initial={{}}
      submitLabel="start the rollback run"
      height={height}
      onCancel={() => intents.submitted(undefined, { ok: true }, `rollback not started: this run goes on (GO locked); quit (q) prints the command that starts it: ${command ?? ''}`)}
      onSubmit={(values) => {
        const trigger = openRollbackTrigger(session);
        if (!trigger) return { ok: false, reasons: ['no rollback trigger is open any more (it was cleared)'] };
        session.triggers.switchToRollback = { trigger, vars: values };
        void intents.leave(3, `switching to the rollback runbook for trigger ${trigger}`);
        return { ok: true };
      }}
    />
  );
}
