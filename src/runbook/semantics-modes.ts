// Lint of step `modes` (the semantic checks beyond the schema).
import { asList, type Obj, type Report, type StepIndex } from './semantic-data.js';

/**
 * Step `modes`: each must be a mode the runbook runs in; a decision always
 * runs (NO-GO must stay available); a step that requires another runs only
 * in modes that one runs in too (else it would wait forever for it).
 */
export function checkModes(rb: Obj, steps: StepIndex, report: Report) {
  const runbookModes = asList(rb.modes).filter((m): m is string => typeof m === 'string');
  const modesOf = (step: Obj): string[] | undefined => (Array.isArray(step.modes) ? step.modes.filter((m): m is string => typeof m === 'string') : undefined);
  for (const { step, id, kind, path } of steps.values()) {
    const modes = modesOf(step);
    if (!modes) continue;
    if (kind === 'decision') {
      report([...path, 'modes'], `the decision "${id}" has modes: a decision is part of every run`, 'remove modes: here; limit a GO option to a mode with the option\'s own modes:');
      continue;
    }
    modes.forEach((m, i) => {
      if (runbookModes.length && !runbookModes.includes(m)) report([...path, 'modes', i], `step "${id}" runs only in ${m}, a mode this runbook is never run in (modes: ${runbookModes.join(', ')})`, `add ${m} to the runbook's modes:, or remove it here`);
    });
  }
  for (const { step, id, kind, path } of steps.values()) {
    // A decision's requires are conditions of its GO options: one not in the run's mode is not required of it.
    if (kind === 'decision') continue;
    const own = modesOf(step) ?? runbookModes;
    asList(step.requires).forEach((req, i) => {
      if (typeof req !== 'string') return;
      const target = steps.get(req);
      const theirs = target ? modesOf(target.step) : undefined;
      if (!theirs) return;
      const missing = own.filter((m) => !theirs.includes(m));
      if (missing.length) {
        report([...path, 'requires', i], `step "${id}" requires "${req}", which does not run in ${missing.join(' or ')} (its modes: ${theirs.join(', ')}): in such a run "${id}" could never run`, `give "${id}" modes: [${theirs.join(', ')}] too, or remove "${req}" from its requires`);
      }
    });
  }
}
