// The rollback protocol's steps by role (issue 13, review finding 11): a
// step marked `protocol: initial-notice` (etc.) is that part of the
// protocol whatever its id, so the report's four deadlines, the drill
// milestones and the time to recovery work for any rollback runbook. A
// runbook with no marker at all (one written before the markers, e.g. in an
// old evidence bundle) is read by the step ids of the shipped runbooks.
import type { Due, InputField, Runbook, Step } from './types.js';

export const PROTOCOL_ROLES = ['identification', 'initial-notice', 'recommendation', 'rollback-executed', 'repin-confirmed', 'final-record', 'joint-summary'] as const;
export type ProtocolRole = (typeof PROTOCOL_ROLES)[number];

/** What each role is, in the words the report and lint use. */
export const ROLE_TITLES: Record<ProtocolRole, string> = {
  identification: 'trigger identification',
  'initial-notice': 'initial incident notice',
  recommendation: 'producer rollback recommendation',
  'rollback-executed': 'rollback executed',
  'repin-confirmed': 'consumer re-pin confirmation',
  'final-record': 'final record',
  'joint-summary': 'joint incident summary',
};

/** The step ids of the shipped rollback runbooks: the roles of a runbook without any `protocol:` marker. */
export const LEGACY_IDS: Record<ProtocolRole, string> = {
  identification: 'trigger-identification',
  'initial-notice': 'initial-incident-notice',
  recommendation: 'producer-rollback-recommendation',
  'rollback-executed': 'rollback-executed',
  'repin-confirmed': 'consumer-repin-confirmed',
  'final-record': 'rollback-record',
  'joint-summary': 'joint-incident-summary',
};

/** The protocol's deadlines (DESIGN §2): a step with the role and no `due:` gets this one. `after: rollback-executed` is the step with that role. */
export const ROLE_DEADLINES: Partial<Record<ProtocolRole, { within: string; after: 'trigger' | 'rollback-executed' }>> = {
  'initial-notice': { within: '15m', after: 'trigger' },
  recommendation: { within: '30m', after: 'trigger' },
  'repin-confirmed': { within: '30m', after: 'rollback-executed' },
  'joint-summary': { within: '24h', after: 'trigger' },
};

const allSteps = (runbook: Runbook): Step[] => runbook.sections.flatMap((s) => s.steps);

/**
 * The step of each role. Marked steps (`protocol:`); a runbook with no
 * marker: the shipped ids, the identification being the first input step
 * with an `identified_at` field.
 */
export function protocolSteps(runbook: Runbook): Partial<Record<ProtocolRole, Step>> {
  const steps = allSteps(runbook);
  const out: Partial<Record<ProtocolRole, Step>> = {};
  if (steps.some((s) => s.protocol !== undefined)) {
    for (const s of steps) if (s.protocol && !out[s.protocol]) out[s.protocol] = s;
    return out;
  }
  for (const role of PROTOCOL_ROLES) {
    const s = role === 'identification' ? steps.find((x) => x.kind === 'input' && x.fields.some((f) => f.id === 'identified_at')) : steps.find((x) => x.id === LEGACY_IDS[role]);
    if (s) out[role] = s;
  }
  return out;
}

/** The field ids that held the times of a runbook without any `protocol:` marker (the shipped runbooks before the markers). */
const LEGACY_TIME_FIELDS: Partial<Record<ProtocolRole, string>> = { identification: 'identified_at', 'final-record': 'completed_at' };

/**
 * The time field of the identification or final-record step: in a runbook
 * with markers its first field of type `timestamp`; in one without any, the
 * field the old code read (`identified_at`, `completed_at`), whatever comes
 * before it (review 13b finding 13).
 */
export function timeField(runbook: Runbook, role: 'identification' | 'final-record'): { step: Step; field: InputField } | undefined {
  const step = protocolSteps(runbook)[role];
  if (step?.kind !== 'input') return undefined;
  const marked = allSteps(runbook).some((s) => s.protocol !== undefined);
  const field = marked ? step.fields.find((f) => f.type === 'timestamp') : step.fields.find((f) => f.id === LEGACY_TIME_FIELDS[role]);
  return field ? { step, field } : undefined;
}

/** A step's deadline: its `due:`, else the protocol's for its role (none when its anchor step is missing). */
export function dueOf(step: Step, roles: Partial<Record<ProtocolRole, Step>>): Due | undefined {
  if (step.due) return step.due;
  const role = (Object.keys(roles) as ProtocolRole[]).find((r) => roles[r] === step);
  const d = role ? ROLE_DEADLINES[role] : undefined;
  if (!d) return undefined;
  if (d.after === 'trigger') return { after: 'trigger', within: d.within };
  const anchor = roles[d.after];
  return anchor ? { after: anchor.id, within: d.within } : undefined;
}
