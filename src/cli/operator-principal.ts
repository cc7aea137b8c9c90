// `--operator-principal NAME` (run, resume, demo), else
// $CUTOVER_OPERATOR_PRINCIPAL: the operator's principal in the runbook's
// allowed-signers file (docs/signoffs.md). Its keys may not sign as an
// approver where a step excludes the operator, and sign the decision.

export const OPERATOR_PRINCIPAL_ENV = 'CUTOVER_OPERATOR_PRINCIPAL';

export function operatorPrincipalOf(given: string | undefined): { operatorPrincipal?: string } {
  const p = given ?? process.env[OPERATOR_PRINCIPAL_ENV];
  return p?.trim() ? { operatorPrincipal: p.trim() } : {};
}
