// A lint warning for a `kind: rollback` runbook that lacks a step of the
// rollback protocol (runbook/protocol.ts): it runs, but the incident report
// leaves out what that step measures (a deadline, a milestone, the time to
// recovery). A warning, not an error: a partial rollback runbook is legal.
import type { Diagnostic } from './diagnostics.js';
import { LEGACY_IDS, PROTOCOL_ROLES, ROLE_TITLES, type ProtocolRole } from './protocol.js';
import { asList, asObj, asStr, type Obj } from './semantic-data.js';
import { positionOf, type RunbookSource } from './source.js';

export function protocolWarnings(source: RunbookSource): Diagnostic[] {
  const rb = asObj(source.data);
  if (!rb || rb.kind !== 'rollback') return [];
  const steps = asList(rb.sections).flatMap((s) => asList(asObj(s)?.steps)).map(asObj).filter((s): s is Obj => s !== undefined);
  const marked = steps.some((s) => s.protocol !== undefined);
  const has = (role: ProtocolRole): boolean => {
    if (marked) return steps.some((s) => s.protocol === role);
    // Without any marker the shipped ids are read (an older runbook).
    if (role === 'identification') return steps.some((s) => s.kind === 'input' && asList(s.fields).some((f) => asStr(asObj(f)?.id) === 'identified_at'));
    return steps.some((s) => s.id === LEGACY_IDS[role]);
  };
  const missing = PROTOCOL_ROLES.filter((r) => !has(r));
  if (!missing.length) return [];
  const where = positionOf(source, ['kind']);
  return [{
    file: source.file,
    line: where.line,
    col: where.col,
    message: `warning: this rollback runbook has no step marked ${missing.map((r) => `protocol: ${r}`).join(', ')}: the incident report leaves out the ${missing.map((r) => ROLE_TITLES[r]).join(', ')} (its deadline, drill milestone or time to recovery)`,
    hint: `add protocol: <role> to the step that is that part of the protocol (roles: ${PROTOCOL_ROLES.join(', ')}; docs/runbook-format.md, Deadlines)`,
  }];
}
