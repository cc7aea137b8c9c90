// Checks beyond the schema: unique ids, every reference resolves (requires,
// due anchors, owners, sign-off roles, decision requirements, the rollback
// runbook), every ${...} is declared, and `requires` has no cycle.
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Diagnostic } from './diagnostics.js';
import { positionOf, type RunbookSource } from './source.js';
import type { Runbook, Step } from './types.js';
import { classifyRef, findRefs, PIN_FIELDS, RESERVED_IDS, RUN_FIELDS } from './vars.js';

type Path = (string | number)[];

export function semanticDiagnostics(source: RunbookSource, rb: Runbook): Diagnostic[] {
  const out: Diagnostic[] = [];
  const report = (path: Path, message: string, hint: string, key = false) => {
    out.push({ file: source.file, ...positionOf(source, path, key), message, hint });
  };

  // Index steps, with their paths for positions.
  const steps = new Map<string, { step: Step; path: Path; order: number }>();
  const sectionIds = new Set<string>();
  let order = 0;
  rb.sections.forEach((section, si) => {
    if (sectionIds.has(section.id)) report(['sections', si, 'id'], `duplicate section id "${section.id}"`, 'give every section a unique id');
    sectionIds.add(section.id);
    section.steps.forEach((step, i) => {
      const path: Path = ['sections', si, 'steps', i];
      if (steps.has(step.id)) {
        const first = steps.get(step.id)!;
        const pos = positionOf(source, [...first.path, 'id']);
        report([...path, 'id'], `duplicate step id "${step.id}" (first used at line ${pos.line})`, 'give every step a unique id; ids are used by answers files and the journal');
      } else {
        steps.set(step.id, { step, path, order: order++ });
      }
      if (RESERVED_IDS.has(step.id)) report([...path, 'id'], `step id "${step.id}" is reserved`, `rename the step; ${[...RESERVED_IDS].join(', ')} are reserved names`);
    });
  });

  const roles = new Set<string>();
  rb.roles.forEach((role, i) => {
    if (roles.has(role.id)) report(['roles', i, 'id'], `duplicate role id "${role.id}"`, 'give every role a unique id');
    roles.add(role.id);
  });
  const triggerIds = new Set<string>();
  (rb.triggers ?? []).forEach((t, i) => {
    if (triggerIds.has(t.id)) report(['triggers', i, 'id'], `duplicate trigger id "${t.id}"`, 'give every trigger a unique id');
    triggerIds.add(t.id);
  });

  const stepHint = (id: string) => {
    const near = [...steps.keys()].filter((s) => s.includes(id) || id.includes(s)).slice(0, 3);
    return near.length ? `did you mean ${near.map((n) => `"${n}"`).join(' or ')}?` : 'use the id of a step defined in this runbook';
  };

  for (const { step, path } of steps.values()) {
    if (step.owner && !roles.has(step.owner)) {
      report([...path, 'owner'], `step "${step.id}" is owned by undeclared role "${step.owner}"`, `declare it under roles: or use one of: ${[...roles].join(', ')}`);
    }
    (step.requires ?? []).forEach((req, i) => {
      if (!steps.has(req)) report([...path, 'requires', i], `step "${step.id}" requires unknown step "${req}"`, stepHint(req));
      else if (req === step.id) report([...path, 'requires', i], `step "${step.id}" requires itself`, 'remove it from its own requires list');
    });
    if (step.due && step.due.after !== 'start' && step.due.after !== 'trigger' && !steps.has(step.due.after)) {
      report([...path, 'due', 'after'], `deadline of step "${step.id}" is anchored to unknown step "${step.due.after}"`, `use start, trigger or a step id; ${stepHint(step.due.after)}`);
    }
    if (step.kind === 'signoff') {
      step.roles.forEach((r, i) => {
        if (!roles.has(r)) report([...path, 'roles', i], `sign-off "${step.id}" names undeclared role "${r}"`, `declare it under roles: or use one of: ${[...roles].join(', ')}`);
      });
      if (new Set(step.roles).size !== step.roles.length) report([...path, 'roles'], `sign-off "${step.id}" lists a role twice`, 'list each role once');
    }
    if (step.kind === 'input') {
      const fieldIds = new Set<string>();
      step.fields.forEach((f, i) => {
        if (fieldIds.has(f.id)) report([...path, 'fields', i, 'id'], `input "${step.id}" has two fields with id "${f.id}"`, 'give every field a unique id');
        fieldIds.add(f.id);
        if (f.pattern !== undefined) {
          try {
            new RegExp(f.pattern);
          } catch {
            report([...path, 'fields', i, 'pattern'], `field "${f.id}" has an invalid regular expression`, 'fix the pattern (JavaScript regular expression syntax)');
          }
        }
      });
    }
    if (step.kind === 'decision') checkDecision(step, path, steps, report, rb);
  }

  checkRefs(rb, steps, report);
  checkCycles(steps, report);

  if (rb.rollback) {
    const target = resolve(dirname(source.file), rb.rollback);
    let ok = false;
    try {
      ok = statSync(target).isFile();
    } catch {
      ok = false;
    }
    if (!ok) report(['rollback'], `rollback runbook "${rb.rollback}" does not exist (looked for ${target})`, 'the path is relative to this runbook file; fix it or remove `rollback:`');
  }
  return out;
}

function checkDecision(
  step: Extract<Step, { kind: 'decision' }>,
  path: Path,
  steps: Map<string, { step: Step; path: Path; order: number }>,
  report: (path: Path, message: string, hint: string) => void,
  rb: Runbook,
) {
  const optionIds = new Set<string>();
  step.options.forEach((opt, oi) => {
    const op: Path = [...path, 'options', oi];
    if (optionIds.has(opt.id)) report([...op, 'id'], `decision "${step.id}" has two options with id "${opt.id}"`, 'give every option a unique id');
    optionIds.add(opt.id);
    (opt.modes ?? []).forEach((m, mi) => {
      if (!rb.modes.includes(m)) report([...op, 'modes', mi], `option "${opt.id}" is for mode "${m}", which this runbook does not allow`, `add ${m} to the runbook's modes or remove it here`);
    });
    if (Array.isArray(opt.requires_steps)) {
      opt.requires_steps.forEach((id, i) => {
        if (!steps.has(id)) report([...op, 'requires_steps', i], `option "${opt.id}" requires unknown step "${id}"`, 'use the id of a step defined in this runbook');
        else if (id === step.id) report([...op, 'requires_steps', i], `option "${opt.id}" requires its own decision step`, 'remove it');
      });
    }
    (opt.requires_signoffs ?? []).forEach((id, i) => {
      const target = steps.get(id);
      if (!target) report([...op, 'requires_signoffs', i], `option "${opt.id}" requires unknown sign-off "${id}"`, 'use the id of a signoff step');
      else if (target.step.kind !== 'signoff') report([...op, 'requires_signoffs', i], `option "${opt.id}" lists "${id}" as a sign-off, but it is a ${target.step.kind} step`, 'list signoff steps here and other steps under requires_steps');
    });
    if (!opt.go && opt.requires_signoffs?.length) report([...op, 'requires_signoffs'], `NO-GO option "${opt.id}" requires sign-offs`, 'a NO-GO is always available; remove its requirements');
  });
  if (!step.options.some((o) => !o.go)) report([...path, 'options'], `decision "${step.id}" has no NO-GO option`, 'add an option with `go: false` and `remediation: true`; NO-GO must always be available');
}

function checkRefs(
  rb: Runbook,
  steps: Map<string, { step: Step; path: Path; order: number }>,
  report: (path: Path, message: string, hint: string) => void,
) {
  const vars = rb.vars ?? {};
  const visit = (value: unknown, path: Path, ctx: { stepOrder?: number; inputsAllowed: boolean }) => {
    if (typeof value === 'string') {
      for (const ref of findRefs(value)) {
        const r = classifyRef(ref.raw);
        switch (r.kind) {
          case 'invalid':
            report(path, `invalid reference \${${ref.raw}}: ${r.reason}`, 'write ${var_name}, ${run.operator}, ${target.commit} or ${input_step.field}; write $${ for a literal ${');
            break;
          case 'var':
            if (!(r.name in vars)) report(path, `\${${r.name}} is not a declared var`, Object.keys(vars).length ? `declare it under vars: or use one of: ${Object.keys(vars).join(', ')}` : 'declare it under vars: with a type and description');
            break;
          case 'run':
            if (!(RUN_FIELDS as readonly string[]).includes(r.field)) report(path, `\${run.${r.field}} is not a run field`, `use one of: ${RUN_FIELDS.map((f) => `run.${f}`).join(', ')}`);
            break;
          case 'pin':
            if (!(PIN_FIELDS as readonly string[]).includes(r.field)) report(path, `\${${r.pin}.${r.field}} is not a pin field`, `use one of: ${PIN_FIELDS.map((f) => `${r.pin}.${f}`).join(', ')}`);
            break;
          case 'input': {
            const target = steps.get(r.step);
            if (!ctx.inputsAllowed) report(path, `\${${ref.raw}} refers to a recorded input, which is only available in notice templates and statements`, 'use a declared var here');
            else if (!target) report(path, `\${${ref.raw}} refers to unknown step "${r.step}"`, 'use the id of an input step');
            else if (target.step.kind !== 'input') report(path, `\${${ref.raw}} refers to step "${r.step}", which is a ${target.step.kind} step, not an input`, 'refer to a field of an input step');
            else if (!target.step.fields.some((f) => f.id === r.field)) report(path, `input step "${r.step}" has no field "${r.field}"`, `its fields are: ${target.step.fields.map((f) => f.id).join(', ')}`);
            else if (ctx.stepOrder !== undefined && target.order > ctx.stepOrder) report(path, `\${${ref.raw}} refers to an input recorded after this step`, `move step "${r.step}" before this one`);
            break;
          }
        }
      }
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => visit(v, [...path, i], ctx));
    } else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) visit(v, [...path, k], ctx);
    }
  };
  visit(rb.baseline, ['baseline'], { inputsAllowed: false });
  visit(rb.target, ['target'], { inputsAllowed: false });
  for (const { step, path, order } of steps.values()) {
    const inputsAllowed = step.kind === 'notice' || step.kind === 'confirm' || step.kind === 'signoff';
    for (const [k, v] of Object.entries(step)) {
      if (k === 'id' || k === 'kind') continue;
      visit(v, [...path, k], { stepOrder: order, inputsAllowed: inputsAllowed && (k === 'template' || k === 'statement') });
    }
  }
}

function checkCycles(steps: Map<string, { step: Step; path: Path }>, report: (path: Path, message: string, hint: string) => void) {
  const state = new Map<string, 'visiting' | 'done'>();
  const reported = new Set<string>();
  const walk = (id: string, trail: string[]) => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'visiting') {
      const cycle = [...trail.slice(trail.indexOf(id)), id];
      const key = [...cycle].sort().join(',');
      if (!reported.has(key)) {
        reported.add(key);
        report([...steps.get(id)!.path, 'requires'], `dependency cycle: ${cycle.join(' → ')}`, 'remove one of these requires so the steps can run in order');
      }
      return;
    }
    state.set(id, 'visiting');
    for (const req of steps.get(id)?.step.requires ?? []) if (steps.has(req) && req !== id) walk(req, [...trail, id]);
    state.set(id, 'done');
  };
  for (const id of steps.keys()) walk(id, []);
}
