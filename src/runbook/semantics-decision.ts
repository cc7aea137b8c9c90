// The decision step's rules: unique options valid for the runbook's modes,
// known requirements, a NO-GO always available, and every GO option locked
// behind a joint sign-off of two different people.
import { asList, asObj, asStr, idsOfKind, type IndexedStep, type Obj, type Path, type Report, type StepIndex } from './semantic-data.js';
import { didYouMean } from './suggest.js';
import { nameKey, nameProblem, quoted, visibleText } from '../shared/names.js';

export function checkDecision(rb: Obj, step: Obj, id: string, path: Path, steps: StepIndex, report: Report) {
  const modes = asList(rb.modes);
  const options = asList(step.options);
  const optionIds = new Set<string>();
  // Option labels by comparison key: two labels that read the same are one label to the operator.
  const labels = new Map<string, string>();
  // Several GO options may share one sign-off: report its `distinct: false` once.
  const reportedDistinct = new Set<string>();
  options.forEach((value, oi) => {
    const opt = asObj(value);
    if (!opt) return;
    const op: Path = [...path, 'options', oi];
    const optId = asStr(opt.id) ?? `#${oi + 1}`;
    if (optionIds.has(optId)) report([...op, 'id'], `decision "${id}" has two options with id "${optId}"`, 'give every option a unique id');
    optionIds.add(optId);
    const label = asStr(opt.label);
    if (label !== undefined) checkLabel(label, optId, [...op, 'label'], labels, report);
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
  const squashed = nameKey(`${label} ${optId}`).replace(/[^\p{L}\p{N}]/gu, '');
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

/**
 * The label is what the operator reads and types: it has a visible letter,
 * letters of one script (a Cyrillic "е" in "GO (runtimе cutover)" hides it
 * from the runtime-cutover rule), nothing invisible, and it differs from
 * every other option's label by more than case, spacing or Unicode form.
 */
function checkLabel(label: string, optId: string, path: Path, labels: Map<string, string>, report: Report) {
  const problem = nameProblem(label, `the label of option "${optId}"`);
  if (problem) {
    report(path, problem, 'write the label in one script, with the letters the operator will type (e.g. "GO (runtime cutover)")');
  } else if (visibleText(label) !== label) {
    report(path, `the label of option "${optId}" ${quoted(label)} has invisible, control or compatibility characters`, 'write it with plain characters and single spaces: the operator types what they see');
  }
  const key = nameKey(label);
  const other = labels.get(key);
  if (other !== undefined) report(path, `option "${optId}" has the label of option "${other}" (labels are compared ignoring case, spacing and Unicode form)`, 'give every option a label of its own');
  else if (key) labels.set(key, optId);
}

const asNum = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
