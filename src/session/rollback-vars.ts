// The vars a rollback runbook needs that the cutover run does not carry
// (issue 13): declared by the rollback runbook without a default, an
// environment value or `required: false`, and not in the cutover run's
// run.started (a secret is journaled as *** and so never carried). The
// screen asks for them before it switches (ui/components/forms/
// rollback-vars-form.tsx); they are then given to the rollback run exactly
// as `run <rollback> --from <bundle> --var NAME=VALUE` gives them.
import { resolve } from 'node:path';
import { loadRunbook } from '../runbook/load.js';
import { secretNamesIn } from '../runbook/secret-names.js';
import type { Runbook, VarDecl } from '../runbook/types.js';
import { checkVarType } from '../runbook/vars.js';
import { MASKED } from '../shared/secret-mask.js';
import { missingVars } from './rollback-link.js';

export interface NeededVar {
  name: string;
  decl: VarDecl;
  /** Masked while typed, never written to a bundle nor shown again. */
  secret: boolean;
}

/** The rollback runbook's vars that `journaled` (the cutover run's run.started vars) does not give; [] without a valid rollback runbook. */
export function rollbackVarsNeeded(runbookDir: string, runbook: Runbook, journaled: Record<string, string>): NeededVar[] {
  if (!runbook.rollback) return [];
  const loaded = loadRunbook(resolve(runbookDir, runbook.rollback), { checkRollbackPath: false });
  if (!loaded.ok) return []; // the switch itself reports what is wrong with it
  const rollback = loaded.loaded.runbook;
  const declared = rollback.vars ?? {};
  const carried = Object.fromEntries(Object.entries(journaled).filter(([k, v]) => Object.hasOwn(declared, k) && !v.includes(MASKED)));
  const secret = secretNamesIn(rollback, Object.keys(declared));
  return missingVars(rollback, carried).map((name) => ({ name, decl: declared[name]!, secret: secret.has(name) || (journaled[name]?.includes(MASKED) ?? false) }));
}

/** What is wrong with `value` for the needed var, naming it (never quoting the value: it may be a secret); undefined when it will do. */
export function neededVarProblem(v: NeededVar, value: string): string | undefined {
  if (value.trim() === '') return `${v.name} is required by the rollback runbook`;
  const problem = checkVarType(v.decl, value);
  return problem ? `${v.name} ${problem}` : undefined;
}
