// The semantic checks of `signers:` (docs/signoffs.md): every role it names
// is declared, and every role of every sign-off step has principals.
import { asList, asObj, type Hint, type Report, type StepIndex } from './semantic-data.js';

export function checkSigners(rb: Record<string, unknown>, roles: ReadonlySet<string>, steps: StepIndex, roleHint: (id: string) => Hint, report: Report): void {
  const signerRoles = asObj(asObj(rb.signers)?.roles);
  if (!signerRoles) return;
  for (const role of Object.keys(signerRoles)) {
    if (!roles.has(role)) report(['signers', 'roles', role], `signers.roles names undeclared role "${role}"`, roleHint(role));
    asList(signerRoles[role]).forEach((p, i) => {
      const wrong = typeof p === 'string' ? principalProblem(p) : undefined;
      if (wrong) report(['signers', 'roles', role, i], `principal ${JSON.stringify(p)} of role "${role}" ${wrong}`, 'write the principal exactly as its line of the allowed-signers file names it, e.g. alice@example.com');
    });
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

/**
 * A principal is one exact identity: ssh-keygen reads the allowed-signers
 * file's principals as patterns (`*`, `?`, `!negation`, comma lists), and
 * one starting with `-` reads like an option.
 */
export function principalProblem(p: string): string | undefined {
  if (p.trim() === '') return 'is empty';
  if (p !== p.trim()) return 'has leading or trailing spaces';
  if (/[\x00-\x1f\x7f"]/.test(p)) return 'holds a control character or a double quote';
  if (p.includes(',')) return 'holds a comma: a comma separates principals in the allowed-signers file; list them separately';
  if (/[*?]/.test(p)) return 'holds a wildcard (* or ?): name one principal exactly';
  if (p.startsWith('!')) return 'starts with "!", which ssh-keygen reads as a negated pattern';
  if (p.startsWith('-')) return 'starts with "-", which reads as an option';
  return undefined;
}
