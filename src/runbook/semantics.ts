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
import { positionOf, type RunbookSource } from './source.js';
import { didYouMean } from './suggest.js';
import { argvProblem, classifyRef, findRefs, PIN_FIELDS, RESERVED_IDS, RUN_FIELDS } from './vars.js';

type Path = (string | number)[];
type Obj = Record<string, unknown>;
/** A hint, or a function computing it: suggestions compare against every id, so only shown problems pay for them. */
type Hint = string | (() => string);
type Report = (path: Path, message: string, hint: Hint) => void;

interface IndexedStep {
  step: Obj;
  id: string;
  kind: string | undefined;
  path: Path;
  order: number;
}
type StepIndex = Map<string, IndexedStep>;

const asObj = (v: unknown): Obj | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);
const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const asStr = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

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
    if (kind === 'input') checkInputFields(step, id, path, report);
    if (kind === 'decision') checkDecision(rb, step, id, path, steps, report);
  }

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

function idsOfKind(steps: StepIndex, kind: string): string[] {
  return [...steps.values()].filter((s) => s.kind === kind).map((s) => s.id);
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

function checkDecision(rb: Obj, step: Obj, id: string, path: Path, steps: StepIndex, report: Report) {
  const modes = asList(rb.modes);
  const options = asList(step.options);
  const optionIds = new Set<string>();
  // Several GO options may share one sign-off: report its `distinct: false` once.
  const reportedDistinct = new Set<string>();
  options.forEach((value, oi) => {
    const opt = asObj(value);
    if (!opt) return;
    const op: Path = [...path, 'options', oi];
    const optId = asStr(opt.id) ?? `#${oi + 1}`;
    if (optionIds.has(optId)) report([...op, 'id'], `decision "${id}" has two options with id "${optId}"`, 'give every option a unique id');
    optionIds.add(optId);
    asList(opt.modes).forEach((m, mi) => {
      if (typeof m === 'string' && modes.length > 0 && !modes.includes(m)) report([...op, 'modes', mi], `option "${optId}" is for mode "${m}", which this runbook does not allow`, `add ${m} to the runbook's modes (${modes.join(', ')}) or remove it here`);
    });
    asList(opt.requires_steps).forEach((req, i) => {
      if (typeof req !== 'string') return;
      if (req === id) report([...op, 'requires_steps', i], `option "${optId}" requires its own decision step`, 'remove it');
      else if (!steps.has(req)) report([...op, 'requires_steps', i], `option "${optId}" requires unknown step "${req}"`, () => didYouMean(req, steps.keys()) ?? 'use the id of a step defined in this runbook');
    });
    const signoffs = asList(opt.requires_signoffs);
    signoffs.forEach((req, i) => {
      if (typeof req !== 'string') return;
      const target = steps.get(req);
      if (!target) {
        report([...op, 'requires_signoffs', i], `option "${optId}" requires unknown sign-off "${req}"`, () => {
          const signoffIds = idsOfKind(steps, 'signoff');
          return didYouMean(req, signoffIds) ?? (signoffIds.length ? `use the id of a signoff step: ${signoffIds.join(', ')}` : 'use the id of a signoff step (this runbook has none yet)');
        });
      } else if (target.kind !== 'signoff') {
        report([...op, 'requires_signoffs', i], `option "${optId}" lists "${req}" as a sign-off, but it is a ${target.kind ?? 'non-signoff'} step`, 'list signoff steps here and other steps under requires_steps');
      }
    });
    if (opt.go === false && signoffs.length > 0) report([...op, 'requires_signoffs'], `NO-GO option "${optId}" requires sign-offs`, 'a NO-GO is always available; remove its requirements');
    // Only on a runbook whose roles are usable: a broken roles list is reported on its own.
    if (opt.go === true && asList(rb.roles).length > 0) checkGoOption(opt, optId, op, asNum(steps.get(id)?.order), signoffs, steps, report, reportedDistinct);
  });
  const hasGoFlags = options.every((o) => typeof asObj(o)?.go === 'boolean');
  if (options.length > 0 && hasGoFlags && !options.some((o) => asObj(o)?.go === false)) {
    report([...path, 'options'], `decision "${id}" has no NO-GO option`, 'add an option with `go: false` and `remediation: true`; NO-GO must always be available');
  }
}

/**
 * The runtime cutover GO exists only in cutover mode (GO lock rule 1; the
 * engine also refuses it in a rehearsal whatever its modes say), and every
 * GO option must be locked behind a joint
 * sign-off: a signoff step with at least two roles, required before the
 * decision or listed in requires_signoffs.
 */
function checkGoOption(opt: Obj, optId: string, op: Path, decisionOrder: number | undefined, signoffs: unknown[], steps: StepIndex, report: Report, reportedDistinct: Set<string>) {
  const modes = asList(opt.modes);
  const label = asStr(opt.label) ?? '';
  const squashed = `${label} ${optId}`.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
  if (squashed.includes('runtimecutover') && (modes.length !== 1 || modes[0] !== 'cutover')) {
    report([...op, 'modes'], `"${label}" must exist only in cutover mode, never in a rehearsal`, 'write `modes: [cutover]`');
  }
  const joint = (st: IndexedStep | undefined) => st?.kind === 'signoff' && asList(st.step.roles).length >= 2;
  const before = [...steps.values()].some((st) => joint(st) && st.step.required !== false && decisionOrder !== undefined && st.order < decisionOrder);
  const listed = signoffs.some((id) => typeof id === 'string' && joint(steps.get(id)));
  if (!before && !listed) {
    report(op, `GO option "${optId}" is not locked behind a joint sign-off`, 'add a signoff step with the producer and consumer approver roles before the decision (or list one under requires_signoffs)');
  }
  for (const st of steps.values()) {
    const locksGo = st.kind === 'signoff' && ((st.step.required !== false && decisionOrder !== undefined && st.order < decisionOrder) || signoffs.includes(st.id));
    if (locksGo && st.step.distinct === false && !reportedDistinct.has(st.id)) {
      reportedDistinct.add(st.id);
      report([...st.path, 'distinct'], `sign-off "${st.id}" locks a GO, so its roles must be signed by different people`, 'remove `distinct: false`; the GO lock always requires two different people');
    }
  }
}

const asNum = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

function checkRefs(rb: Obj, steps: StepIndex, report: Report) {
  const vars = asObj(rb.vars) ?? {};
  const varNames = Object.keys(vars);
  const visit = (value: unknown, path: Path, ctx: { stepOrder?: number; inputsAllowed: boolean }) => {
    if (typeof value === 'string') {
      for (const ref of findRefs(value)) checkRef(ref.raw, path, ctx);
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => visit(v, [...path, i], ctx));
    } else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) visit(v, [...path, k], ctx);
    }
  };
  const checkRef = (raw: string, path: Path, ctx: { stepOrder?: number; inputsAllowed: boolean }) => {
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
      case 'input': {
        const target = steps.get(r.step);
        if (!ctx.inputsAllowed) {
          report(path, `\${${raw}} refers to a recorded input, which is only available in notice templates and statements`, 'use a declared var here (or a ${run.*}, ${baseline.*} or ${target.*} field)');
        } else if (!target) {
          report(path, `\${${raw}} refers to unknown step "${r.step}"`, () => didYouMean(r.step, idsOfKind(steps, 'input')) ?? 'use the id of an input step');
        } else if (target.kind !== 'input') {
          report(path, `\${${raw}} refers to step "${r.step}", which is a ${target.kind ?? 'non-input'} step, not an input`, 'refer to a field of an input step');
        } else {
          const fieldIds = asList(target.step.fields).map((f) => asStr(asObj(f)?.id)).filter((f): f is string => f !== undefined);
          if (!fieldIds.includes(r.field)) {
            report(path, `input step "${r.step}" has no field "${r.field}"`, `${didYouMean(r.field, fieldIds) ?? ''} its fields are: ${fieldIds.join(', ')}`.trim());
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
      visit(v, [...path, k], { stepOrder: order, inputsAllowed: inputsAllowed && (k === 'template' || k === 'statement') });
    }
  }
}

/** Reports each `requires` cycle once. Iterative: a chain of thousands of steps must not overflow the stack. */
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
