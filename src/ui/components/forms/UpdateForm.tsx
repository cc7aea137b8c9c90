// The form of a status update (a notice step with `updates: true`): its
// fields prefilled from the previous update (the first from the same-named
// fields of earlier inputs, or the answers file's entry for this update) as
// editable defaults; the ETA field must be a time in the future (now+30m
// works). Enter sends it: the files are written, the update journaled and
// the next-update countdown restarts from its ETA.
import { Text } from 'ink';
import type { UpdateStep } from '../../../engine/updates.js';
import { validateField } from '../../../session/inputs.js';
import { useRunIntents, useRunStore } from '../../context.js';
import { clockTime } from '../../store/selectors.js';
import { FieldsForm, type FieldSpec } from './FieldsForm.js';

const PLACEHOLDER: Record<string, string> = { sha: '40 hex characters', tag: 'v1.2.3', url: 'https://…', duration: '15m', timestamp: 'now+30m or 2026-11-21T14:05:00Z' };

export function UpdateForm({ step, height }: { step: UpdateStep; height: number }) {
  const intents = useRunIntents();
  const sent = useRunStore((s) => s.run.updates[step.id]?.length ?? 0);
  const last = useRunStore((s) => s.run.etas.at(-1));
  const now = useRunStore((s) => s.now);
  const n = sent + 1;
  const given = intents.defaults?.get(step.id);
  const fromAnswers = given?.kind === 'updates' ? given.updates[n - 1] : undefined;
  const fields: FieldSpec[] = [
    ...step.fields.map((f) => ({
      id: f.id,
      label: f.label,
      ...(f.type === 'select' ? { kind: 'choice' as const, options: (f.options ?? []).map((o) => ({ value: o, label: o })) } : {}),
      multiline: f.multiline === true,
      ...(PLACEHOLDER[f.type] ? { placeholder: PLACEHOLDER[f.type] } : {}),
      // Type and pattern, then equals: and the future ETA — as the session refuses them.
      validate: (v: string, all: Record<string, string>) => validateField(f, v) ?? intents.session.updates.fieldProblem(step.id, f.id, { ...all, [f.id]: v }),
    })),
    { id: 'channel', label: 'Sent to (channel)', placeholder: 'where you posted it' },
  ];
  const due = last ? Date.parse(last.eta) - now : undefined;
  const intro = [
    sent ? `Update ${n}: update ${sent}'s values are filled in — edit what changed.` : `Update ${n}: sent when you submit; its ETA restarts the countdown.`,
    last ? `Current next-update ETA ${last.eta}: ${due !== undefined && due >= 0 ? `${clockTime(due)} left` : `OVERDUE by ${clockTime(-(due ?? 0))}`}` : 'No next-update ETA promised yet.',
  ];
  return (
    <FieldsForm
      title={`Status update: ${step.title} #${n}`}
      intro={
        <>
          {intro.map((l, i) => (
            <Text key={i} wrap="truncate-end">
              {l}
            </Text>
          ))}
        </>
      }
      fields={fields}
      initial={{ ...intents.session.updates.prefill(step.id), ...(fromAnswers?.values ?? {}), channel: fromAnswers?.channel ?? intents.session.channelOf(step.id) ?? '' }}
      submitLabel="send this update now"
      height={height}
      onSubmit={(v) => {
        const { channel, ...values } = v;
        const result = intents.session.updates.send(step.id, values, channel?.trim() ? { channel: channel.trim() } : {});
        return intents.submitted(step.id, result, `✓ "${step.title}" #${n} sent — next update due ${intents.session.state.updates[step.id]?.at(-1)?.eta ?? ''}`);
      }}
    />
  );
}
