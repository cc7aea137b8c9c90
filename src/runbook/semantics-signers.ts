// The semantic checks of `signers:` (docs/signoffs.md): every role it names
// is declared, and every role of every sign-off step has principals.
import { asList, asObj, type Hint, type Report, type StepIndex } from './semantic-data.js';

export function checkSigners(rb: Record<string, unknown>, roles: ReadonlySet<string>, steps: StepIndex, roleHint: (id: string) => Hint, report: Report): void {
  const signerRoles = asObj(asObj(rb.signers)?.roles);
  if (!signerRoles) return;
  for (const role of Object.keys(signerRoles)) {
    if (!roles.has(role)) report(['signers', 'roles', role], `signers.roles names undeclared role "${role}"`, roleHint(role));
  }
  for (const { step, id, kind, path } of steps.values()) {
    if (kind !== 'signoff') continue;
    asList(step.roles).forEach((r, i) => {
      if (typeof r === 'string' && roles.has(r) && !Object.hasOwn(signerRoles, r)) {
        report([...path, 'roles', i], `sign-off "${id}" is signed by role "${r}", but signers.roles names no principal for it`, `add \`${r}: [<principal>]\` under signers.roles: the principals of the allowed-signers file who may sign for it`);
      }
    });
  }
}
