// Checks beyond the schema: unique ids, every reference resolves (requires,
// due anchors, owners, sign-off roles, decision requirements, the rollback
// runbook), every ${...} is declared, and `requires` has no cycle.
//
// They run even when the schema found problems, so that one lint run
// reports everything; hence they read the parsed data defensively and skip
// whatever is not of the expected shape (the schema has reported that).
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { MAX_DIAGNOSTICS, type Diagnostic } from './diagnostics.js';
import { checkDecision } from './semantics-decision.js';
import { checkModes } from './semantics-modes.js';
import { checkProtocol } from './semantics-protocol.js';
import { checkSigners } from './semantics-signers.js';
import { checkUpdateNotices, updateFieldIds } from './semantics-updates.js';
import { asList, asObj, asStr, idsOfKind, type Hint, type Obj, type Path, type Report, type StepIndex } from './semantic-data.js';
import { positionOf, type RunbookSource } from './source.js';
import { didYouMean } from './suggest.js';
import { argvProblem, classifyRef, findRefs, PIN_FIELDS, RESERVED_IDS, RUN_FIELDS, TRIGGER_FIELDS } from './vars.js';

export interface SemanticOptions {
  /** Whether `rollback:` must name an existing file (false for a runbook copied into an evidence bundle). */
  checkRollbackPath?: boolean;
}

export function semanticDiagnostics(source: RunbookSource, options: SemanticOptions = {}): Diagnostic[] {
  const rb = asObj(source.data);
  if (!rb) return [];
  const found: { path: Path; message: string; hint: Hint }[] = [];
  const report: Report = (path, message, hint) => {
    found.push({ path, message, hint });
  };

  const steps = indexSteps(rb, report, (path) => positionOf(source, path).line);
  const roles = new Set<string>();
  asList(rb.roles).forEach((role, i) => {
    const id = asStr(asObj(role)?.id);
    if (id === undefined) return;
    if (roles.has(id)) report(['roles', i, 'id'], `duplicate role id "${id}"`, 'give every role a unique id');
    roles.add(id);
  });
  const triggerIds = new Set<string>();
  asList(rb.triggers).forEach((t, i) => {
    const id = asStr(asObj(t)?.id);
    if (id === undefined) return;
    if (triggerIds.has(id)) report(['triggers', i, 'id'], `duplicate trigger id "${id}"`, 'give every trigger a unique id');
    triggerIds.add(id);
  });

  const roleHint = (id: string) => () => {
    const declared = [...roles];
    const guess = didYouMean(id, declared);
    return `${guess ? `${guess} ` : ''}declare it under roles:${declared.length ? ` or use one of: ${declared.join(', ')}` : ''}`;
  };
  const stepHint = (id: string) => () => didYouMean(id, steps.keys()) ?? 'use the id of a step defined in this runbook';

  // signers: (docs/signoffs.md) names declared roles, and every role that signs has principals.
  checkSigners(rb, roles, steps, roleHint, report);

  for (const { step, id, kind, path } of steps.values()) {
    const owner = asStr(step.owner);
    if (owner && !roles.has(owner)) report([...path, 'owner'], `step "${id}" is owned by undeclared role "${owner}"`, roleHint(owner));
    asList(step.requires).forEach((req, i) => {
      if (typeof req !== 'string') return;
      if (req === id) report([...path, 'requires', i], `step "${id}" requires itself`, 'remove it from its own requires list');
      else if (!steps.has(req)) report([...path, 'requires', i], `step "${id}" requires unknown step "${req}"`, stepHint(req));
    });
    const after = asStr(asObj(step.due)?.after);
    if (after !== undefined && after !== 'start' && after !== 'trigger' && !steps.has(after)) {
      report([...path, 'due', 'after'], `deadline of step "${id}" is anchored to unknown step "${after}"`, () => {
        const guess = didYouMean(after, [...steps.keys(), 'start', 'trigger']);
        return `${guess ? `${guess} ` : ''}write \`start\`, \`trigger\` or the id of a step`;
      });
    }
    if (kind === 'signoff') {
      const signers = asList(step.roles);
      signers.forEach((r, i) => {
        if (typeof r === 'string' && !roles.has(r)) report([...path, 'roles', i], `sign-off "${id}" names undeclared role "${r}"`, roleHint(r));
      });
      if (new Set(signers).size !== signers.length) report([...path, 'roles'], `sign-off "${id}" lists a role twice`, 'list each role once');
    }
    if (kind === 'command' && typeof step.run === 'string' && step.shell !== true) {
      const problem = argvProblem(step.run);
      if (problem) report([...path, 'run'], `step "${id}": ${problem.message}`, problem.hint);
    }
    if (kind === 'input' || (kind === 'notice' && step.updates === true)) checkInputFields(step, id, path, report);
    if (kind === 'decision') checkDecision(rb, step, id, path, steps, report);
  }

  checkModes(rb, steps, report);
  checkProtocol(steps, report, (path) => positionOf(source, path).line);
  checkUpdateNotices(steps, report);
  checkRefs(rb, steps, report);
  checkCycles(steps, report);
  checkAfterDecision(steps, report);

  const rollback = asStr(rb.rollback);
  if (rollback && options.checkRollbackPath !== false) {
    const target = resolve(dirname(source.file), rollback);
    if (!isFile(target)) report(['rollback'], `rollback runbook "${rollback}" does not exist (looked for ${target})`, 'the path is relative to this runbook file; fix it or remove `rollback:`');
  }
  const located = found.map((f) => ({ ...f, ...positionOf(source, f.path) })).sort((a, b) => a.line - b.line || a.col - b.col);
  // Past MAX_DIAGNOSTICS nothing is shown (see sortAndCap), so no hint is computed.
  return located.map((f, i) => ({ file: source.file, line: f.line, col: f.col, message: f.message, hint: i < MAX_DIAGNOSTICS && typeof f.hint === 'function' ? f.hint() : typeof f.hint === 'string' ? f.hint : '' }));
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Every step with a string id, in document order; reports duplicate and reserved ids. */
function indexSteps(rb: Obj, report: Report, lineOf: (path: Path) => number): StepIndex {
  const steps: StepIndex = new Map();
  const sectionIds = new Set<string>();
  let order = 0;
  asList(rb.sections).forEach((sectionValue, si) => {
    const section = asObj(sectionValue);
    if (!section) return;
    const sectionId = asStr(section.id);
    if (sectionId !== undefined) {
      if (sectionIds.has(sectionId)) report(['sections', si, 'id'], `duplicate section id "${sectionId}"`, 'give every section a unique id');
      sectionIds.add(sectionId);
    }
    asList(section.steps).forEach((stepValue, i) => {
      const step = asObj(stepValue);
      const id = asStr(step?.id);
      if (!step || id === undefined) return;
      const path: Path = ['sections', si, 'steps', i];
      const first = steps.get(id);
      if (first) {
        report([...path, 'id'], `duplicate step id "${id}" (first used at line ${lineOf([...first.path, 'id'])})`, 'give every step a unique id; ids are used by answers files and the journal');
      } else {
        steps.set(id, { step, id, kind: asStr(step.kind), path, order: order++ });
      }
      if (RESERVED_IDS.has(id)) report([...path, 'id'], `step id "${id}" is reserved`, `rename the step; ${[...RESERVED_IDS].join(', ')} are reserved names`);
    });
  });
  return steps;
}

function checkInputFields(step: Obj, id: string, path: Path, report: Report) {
  const fieldIds = new Set<string>();
  asList(step.fields).forEach((value, i) => {
    const field = asObj(value);
    const fieldId = asStr(field?.id);
    if (!field || fieldId === undefined) return;
    if (fieldIds.has(fieldId)) report([...path, 'fields', i, 'id'], `input "${id}" has two fields with id "${fieldId}"`, 'give every field a unique id');
    fieldIds.add(fieldId);
    const pattern = asStr(field.pattern);
    if (pattern !== undefined) {
      try {
        new RegExp(pattern);
      } catch (err) {
        const why = err instanceof Error ? err.message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '') : '';
        report([...path, 'fields', i, 'pattern'], `field "${fieldId}" has an invalid regular expression${why ? ` (${why})` : ''}`, 'fix the pattern (JavaScript regular expression syntax; in YAML, quote it with single quotes so backslashes stay as written)');
      }
    }
  });
}

function checkRefs(rb: Obj, steps: StepIndex, report: Report) {
  const vars = asObj(rb.vars) ?? {};
  const varNames = Object.keys(vars);
  type Ctx = { stepOrder?: number; inputsAllowed: boolean; self?: string };
  const visit = (value: unknown, path: Path, ctx: Ctx) => {
    if (typeof value === 'string') {
      for (const ref of findRefs(value)) checkRef(ref.raw, path, ctx);
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => visit(v, [...path, i], ctx));
    } else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) visit(v, [...path, k], ctx);
    }
  };
  const checkRef = (raw: string, path: Path, ctx: Ctx) => {
    const r = classifyRef(raw);
    switch (r.kind) {
      case 'invalid':
        report(path, `invalid reference \${${raw}}: ${r.reason}`, 'write ${var_name}, ${run.operator}, ${target.commit} or ${input_step.field}; write $${ for a literal ${');
        break;
      case 'var':
        if (!Object.hasOwn(vars, r.name)) {
          report(path, `\${${r.name}} is not a declared var`, () => {
            const guess = didYouMean(r.name, varNames);
            return `${guess ? `${guess} ` : ''}${varNames.length ? `declare it under vars: or use one of: ${varNames.join(', ')}` : 'declare it under vars: with a type and description'}`;
          });
        }
        break;
      case 'run':
        if (!(RUN_FIELDS as readonly string[]).includes(r.field)) report(path, `\${run.${r.field}} is not a run field`, `use one of: ${RUN_FIELDS.map((f) => `run.${f}`).join(', ')}`);
        break;
      case 'pin':
        if (!(PIN_FIELDS as readonly string[]).includes(r.field)) report(path, `\${${r.pin}.${r.field}} is not a pin field`, `use one of: ${PIN_FIELDS.map((f) => `${r.pin}.${f}`).join(', ')}`);
        break;
      case 'trigger':
        if (!ctx.inputsAllowed) report(path, `\${${raw}} refers to the run's trigger, which is only available in notice templates and statements (and in an input field's equals:)`, 'use a declared var here');
        else if (!(TRIGGER_FIELDS as readonly string[]).includes(r.field)) report(path, `\${trigger.${r.field}} is not a trigger field`, `use one of: ${TRIGGER_FIELDS.map((f) => `trigger.${f}`).join(', ')}`);
        break;
      case 'input': {
        const target = steps.get(r.step);
        if (!ctx.inputsAllowed) {
          report(path, `\${${raw}} refers to a recorded input, which is only available in notice templates and statements (and in an input field's equals:)`, 'use a declared var here (or a ${run.*}, ${baseline.*} or ${target.*} field)');
        } else if (!target) {
          report(path, `\${${raw}} refers to unknown step "${r.step}"`, () => didYouMean(r.step, idsOfKind(steps, 'input')) ?? 'use the id of an input step');
        } else if (target.kind !== 'input' && ctx.self !== r.step) {
          report(path, `\${${raw}} refers to step "${r.step}", which is a ${target.kind ?? 'non-input'} step, not an input`, target.step.updates === true ? 'a status update\'s fields are only for its own template and next_update' : 'refer to a field of an input step');
        } else {
          const fieldIds = target.kind === 'input' ? asList(target.step.fields).map((f) => asStr(asObj(f)?.id)).filter((f): f is string => f !== undefined) : updateFieldIds(target.step);
          if (!fieldIds.includes(r.field)) {
            report(path, `${target.kind === 'input' ? 'input' : 'status-update'} step "${r.step}" has no field "${r.field}"`, `${didYouMean(r.field, fieldIds) ?? ''} its fields are: ${fieldIds.join(', ')}`.trim());
          } else if (ctx.stepOrder !== undefined && target.order > ctx.stepOrder) {
            report(path, `\${${raw}} refers to an input recorded after this step`, `move step "${r.step}" before this one`);
          }
        }
        break;
      }
    }
  };
  visit(rb.baseline, ['baseline'], { inputsAllowed: false });
  visit(rb.target, ['target'], { inputsAllowed: false });
  for (const { step, kind, path, order } of steps.values()) {
    const inputsAllowed = kind === 'notice' || kind === 'confirm' || kind === 'signoff';
    for (const [k, v] of Object.entries(step)) {
      if (k === 'id' || k === 'kind') continue;
      if ((kind === 'input' || kind === 'notice') && k === 'fields') {
        // A field's equals: may name another answer (an earlier input, or a field of this one).
        asList(v).forEach((field, i) => {
          for (const [fk, fv] of Object.entries(asObj(field) ?? {})) visit(fv, [...path, k, i, fk], { stepOrder: order, inputsAllowed: fk === 'equals' });
        });
        continue;
      }
      const self = kind === 'notice' && step.updates === true && (k === 'template' || k === 'next_update') ? asStr(step.id) : undefined;
      visit(v, [...path, k], { stepOrder: order, inputsAllowed: inputsAllowed && (k === 'template' || k === 'statement' || k === 'next_update'), ...(self ? { self } : {}) });
    }
  }
}

/** The run ends with its decision: a step after it could never run, and a second decision never be reached. */
function checkAfterDecision(steps: StepIndex, report: Report) {
  const ordered = [...steps.values()].sort((a, b) => a.order - b.order);
  const decision = ordered.find((st) => st.kind === 'decision');
  if (!decision) return;
  for (const st of ordered) {
    if (st.order <= decision.order) continue;
    report([...st.path, 'id'], `step "${st.id}" comes after the decision "${decision.id}" and could never run: the run ends with its decision`, 'move it before the decision, or into a runbook of its own (e.g. the rollback runbook)');
  }
}

/** Reports each `requires` cycle once. Iterative: a chain of thousands of steps must not overflow the stack. */
function checkCycles(steps: StepIndex, report: Report) {
  const edges = new Map([...steps.keys()].map((id) => [id, asList(steps.get(id)!.step.requires).filter((r): r is string => typeof r === 'string' && r !== id && steps.has(r))]));
  const requires = (id: string) => edges.get(id)!;
  const state = new Map<string, 'visiting' | 'done'>();
  const reported = new Set<string>();
  for (const root of steps.keys()) {
    if (state.has(root)) continue;
    const trail: string[] = [root];
    const pending: number[] = [0];
    state.set(root, 'visiting');
    while (trail.length > 0) {
      const id = trail[trail.length - 1]!;
      const reqs = requires(id);
      const next = pending[pending.length - 1]!;
      if (next >= reqs.length) {
        state.set(id, 'done');
        trail.pop();
        pending.pop();
        continue;
      }
      pending[pending.length - 1] = next + 1;
      const req = reqs[next]!;
      if (state.get(req) === 'visiting') {
        const cycle = [...trail.slice(trail.indexOf(req)), req];
        const key = [...new Set(cycle)].sort().join(',');
        if (!reported.has(key)) {
          reported.add(key);
          const shown = cycle.length > 12 ? [...cycle.slice(0, 5), '…', ...cycle.slice(-5)] : cycle;
          report([...steps.get(req)!.path, 'requires'], `dependency cycle: ${shown.join(' → ')}${cycle.length > 12 ? ` (${cycle.length - 1} steps)` : ''}`, 'remove one of these requires so the steps can run in order');
        }
      } else if (!state.has(req)) {
        state.set(req, 'visiting');
        trail.push(req);
        pending.push(0);
      }
    }
  }
}
