// Lint of notices with `updates: true` (repeatable status updates) and of
// `next_update:` (the next-update ETA a notice promises, the countdown of
// engine/updates.ts). The references inside them are checked by checkRefs.
import { asList, asObj, asStr, type Obj, type Path, type Report, type StepIndex } from './semantic-data.js';
import { classifyRef, findRefs } from './vars.js';

/** Field ids an update step may not use: `${step.number}` is the update's number, `channel` is on its form. */
const RESERVED_FIELDS = ['number', 'channel'];

/** Whether `${step.field}` may name `field` of this step: an update step's own fields (and its number) in its own template and next_update. */
export function updateFieldIds(step: Obj): string[] {
  return [...asList(step.fields).map((f) => asStr(asObj(f)?.id)).filter((f): f is string => f !== undefined), 'number'];
}

export function checkUpdateNotices(steps: StepIndex, report: Report) {
  for (const { step, id, kind, path } of steps.values()) {
    asList(step.requires).forEach((req, i) => {
      const target = typeof req === 'string' ? steps.get(req) : undefined;
      if (target?.kind === 'notice' && target.step.updates === true) report([...path, 'requires', i], `step "${id}" requires "${req}", a status-update notice: updates are sent any number of times while the run is open and never required, so "${id}" would wait for one that no run has to send`, `remove "${req}" from requires (require the step before it instead, e.g. the incident notice)`);
    });
    if (kind !== 'notice') continue;
    const updates = step.updates === true;
    if (!updates && step.fields !== undefined) report([...path, 'fields'], `notice "${id}" has fields but no \`updates: true\`: only a status-update notice is entered with its own fields`, 'add `updates: true`, or put the fields in an input step before the notice and refer to them as ${input_step.field}');
    if (updates && !asList(step.fields).length) report([...path, 'updates'], `status-update notice "${id}" has no fields: each update is rendered from its own fields`, 'add fields: (as on an input step), e.g. a status text and a next_update_eta timestamp with future: true');
    if (updates && step.next_update === undefined) report([...path, 'updates'], `status-update notice "${id}" has no next_update: each update promises the time of the next one`, `add next_update: \${${id}.next_update_eta} naming a timestamp field with future: true`);
    if (updates && step.follow_up === true) report([...path, 'follow_up'], `status-update notice "${id}" cannot be a follow-up: updates are sent while the run is open`, 'remove follow_up: true (a status update never blocks the GO or the close anyway)');
    if (updates) {
      asList(step.fields).forEach((f, i) => {
        const fid = asStr(asObj(f)?.id);
        if (fid && RESERVED_FIELDS.includes(fid)) report([...path, 'fields', i, 'id'], `status-update notice "${id}" has a field "${fid}", a reserved name (${'${'}${id}.number} is the update's number, channel where it was sent)`, 'rename the field');
      });
    }
    const nextUpdate = asStr(step.next_update);
    if (nextUpdate !== undefined) checkNextUpdate(steps, id, updates, nextUpdate, [...path, 'next_update'], report);
  }
}

/** `next_update:` is exactly one `${step.field}` of a timestamp field with `future: true`. */
function checkNextUpdate(steps: StepIndex, id: string, updates: boolean, value: string, path: Path, report: Report) {
  const refs = findRefs(value);
  const ref = refs.length === 1 && value.trim() === `\${${refs[0]!.raw}}` ? classifyRef(refs[0]!.raw) : undefined;
  const hint = updates ? `write next_update: \${${id}.next_update_eta} (a field of this step)` : 'write next_update: ${incident-assessment.next_update_eta} (an input step before this notice)';
  if (ref?.kind !== 'input') {
    report(path, `next_update of notice "${id}" must be one reference \${step.field} to a timestamp field, not ${JSON.stringify(value)}`, hint);
    return;
  }
  if (updates && ref.step !== id) {
    report(path, `next_update of status-update notice "${id}" names ${ref.step}.${ref.field}, a field of another step: each update promises its own next time`, hint);
    return;
  }
  const target = steps.get(ref.step);
  if (!target || (target.kind !== 'input' && !(updates && ref.step === id))) return; // checkRefs names what is wrong
  const field = asList(target.step.fields).map(asObj).find((f) => asStr(f?.id) === ref.field);
  if (field && (field.type !== 'timestamp' || field.future !== true)) report(path, `next_update of notice "${id}" names ${ref.step}.${ref.field}, which is not a timestamp field with future: true`, 'give that field type: timestamp and future: true, so an ETA in the past is refused when entered');
  else if (field && updates && field.required === false) report(path, `next_update of status-update notice "${id}" names ${ref.step}.${ref.field}, which is optional (required: false): an update sent without it would promise no time`, 'remove required: false from that field, so every update gives the time of the next one');
}
