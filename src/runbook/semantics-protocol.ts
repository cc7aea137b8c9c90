// Lint of the rollback protocol's step markers (`protocol:`, runbook/protocol.ts):
// each role at most once per runbook, and the identification step is an
// input step with a timestamp field (the time the trigger was identified).
import { asList, asObj, asStr, type Path, type Report, type StepIndex } from './semantic-data.js';

export function checkProtocol(steps: StepIndex, report: Report, lineOf: (path: Path) => number) {
  const first = new Map<string, { id: string; path: Path }>();
  for (const { step, id, kind, path } of steps.values()) {
    const role = asStr(step.protocol);
    if (role === undefined) continue;
    const before = first.get(role);
    if (before) {
      report([...path, 'protocol'], `steps "${before.id}" (line ${lineOf([...before.path, 'protocol'])}) and "${id}" are both marked protocol: ${role}; a runbook has at most one step per protocol role`, `remove protocol: ${role} from one of them: the report's deadlines and drill metrics read that role from a single step`);
      continue;
    }
    first.set(role, { id, path });
    if (role === 'identification' && !(kind === 'input' && asList(step.fields).some((f) => asStr(asObj(f)?.type) === 'timestamp'))) {
      report([...path, 'protocol'], `step "${id}" is marked protocol: identification, but it is not an input step with a timestamp field`, 'mark the input step that records when the trigger was identified (a field of type: timestamp, e.g. identified_at), or remove the marker');
    }
  }
}
