// `cutover run <runbook> --dry-run`: nothing is executed and nothing is
// written — no command, no check, no evidence bundle, no lock. Every step is
// shown as the run would take it (the resolved command, its cwd, the names
// of the variables it sets, secrets masked; what a manual step asks for and
// the answer the answers file gives), and the GO lock is evaluated as if
// every step of this mode passed. Exit 0 when that GO would be unlockable,
// 1 when the lock would still hold, 2 for bad input (as `run`).
import type { JournalEvent } from '../../engine/events.js';
import { foldEvents, stepsInOrder, type RunState } from '../../engine/fold.js';
import { decisionStep, lockStatus, type OptionStatus } from '../../engine/gates.js';
import { inMode, notInModeReason } from '../../engine/modes.js';
import type { Answer, Answers } from '../../session/answers.js';
import { formatDiagnostic } from '../../runbook/diagnostics.js';
import { loadRunbook } from '../../runbook/load.js';
import { buildPlan, isVarProblem, type Plan, type PlannedStep } from '../../runbook/preflight.js';
import { render, type RefContext } from '../../runbook/resolve.js';
import { maskText, maskValue, secretsFor, shownVars } from '../../runbook/secret-names.js';
import { NOT_FOUND } from '../../runbook/source.js';
import type { Mode, Runbook, Step } from '../../runbook/types.js';
import { resolveOperator } from '../../session/identity.js';
import { EXIT, InputError } from '../errors.js';
import type { CliIO } from '../io.js';

export interface DryRunOptions {
  runbookPath: string;
  mode: Mode;
  vars: Record<string, string>;
  operator?: string;
  answers?: Answers;
  json: boolean;
}

/** What one step would do in the run. */
interface DryStep {
  section: string;
  id: string;
  kind: Step['kind'];
  title: string;
  owner: string | null;
  required: boolean;
  /** `runs`, or why it would not run in this mode. */
  runs: boolean;
  not_run_reason: string | null;
  command: { display: string; shell: boolean; cwd: string; env_names: string[]; timeout: string | null; expect_exit: number[]; pin_commit: string | null; environment_failure: string[] } | null;
  check: { name: string; params: Record<string, unknown>; cwd: string } | null;
  /** What a manual step asks for, in words. */
  asks: string | null;
  /** The answer the answers file gives (none: the plain run would pause there). */
  answer: string | null;
}

export function dryRun(opts: DryRunOptions, io: CliIO): number {
  const loaded = loadRunbook(opts.runbookPath);
  if (!loaded.ok) {
    for (const d of loaded.diagnostics) io.err(formatDiagnostic(d));
    if (!loaded.diagnostics.some((d) => d.message === NOT_FOUND)) io.err(`cutover run: ${opts.runbookPath} is not a valid runbook; run \`cutover lint ${opts.runbookPath}\` after fixing it`);
    return EXIT.usage;
  }
  const rb = loaded.loaded.runbook;
  if (!rb.modes.includes(opts.mode)) {
    throw new InputError(`${opts.runbookPath}: this runbook may not run in ${opts.mode} mode (it allows: ${rb.modes.join(', ')})`, `run it with --mode ${rb.modes[0]}`);
  }
  const plan = buildPlan(loaded.loaded, opts.vars);
  const secrets = secretsFor(rb, plan.vars);
  const varProblems = plan.problems.filter(isVarProblem);
  if (varProblems.length) {
    throw new InputError(maskText(`${opts.runbookPath}: ${varProblems.map((p) => p.message).join('; ')}`, secrets), maskText(varProblems.map((p) => p.hint).join('; '), secrets));
  }
  const operator = resolveOperator(opts.operator);
  const now = new Date();
  const state = passedState(rb, plan, opts.mode, operator, now, opts.answers);
  const ctx: RefContext = { ...plan.ctx, inputs: state.inputs, run: { id: `${rb.id}@(dry run)`, mode: opts.mode, operator, started_at: now.toISOString(), runbook: rb.id, bundle: '(none: dry run)' } };
  const steps = plan.steps.map((p) => dryStep(rb, p, opts.mode, ctx, opts.answers));
  const decision = decisionStep(rb);
  const lock = decision ? lockStatus(rb, state, decision, now) : [];
  const chosen = decision ? opts.answers?.get(decision.id) : undefined;
  const goOption = (chosen?.kind === 'decision' ? lock.find((o) => o.option.id === chosen.option && o.option.go) : undefined) ?? lock.find((o) => o.option.go && (!o.option.modes || o.option.modes.includes(opts.mode)));
  const unlockable = !decision || goOption?.selectable === true;
  const exit = unlockable ? EXIT.ok : EXIT.notOk;
  if (opts.json) {
    const json = {
      dry_run: true,
      written: 'nothing: no command or check ran and no evidence bundle was created',
      runbook: { id: rb.id, title: rb.title, version: rb.version, file: opts.runbookPath },
      mode: opts.mode,
      rehearsal: opts.mode === 'rehearsal',
      operator,
      baseline: plan.ctx.baseline,
      target: plan.ctx.target,
      vars: shownVars(rb, plan.vars, secrets),
      steps,
      go_lock: {
        evaluated_as: 'every step of this mode passed, with the answers file\'s inputs and sign-offs',
        option: goOption ? goOption.option.id : null,
        unlockable,
        options: lock.map((o) => ({ id: o.option.id, label: o.option.label, go: o.option.go, selectable: o.selectable, unmet: o.unmet.map((c) => c.message) })),
      },
      preflight: { ok: plan.problems.length === 0, problems: plan.problems, warnings: plan.warnings },
      exit_code: exit,
    };
    io.out(JSON.stringify(maskValue(json, secrets), null, 2));
    return exit;
  }
  io.out(maskText(renderText(rb, plan, opts.mode, operator, steps, lock, goOption, unlockable, !decision), secrets));
  return exit;
}

/** The run's state as if every step of this mode passed: inputs and sign-offs from the answers file where it has them. */
function passedState(rb: Runbook, plan: Plan, mode: Mode, operator: string, now: Date, answers: Answers | undefined): RunState {
  const at = now.toISOString();
  const started = {
    type: 'run.started', run_id: `${rb.id}@(dry run)`, rehearsal: mode === 'rehearsal', mode, operator,
    runbook: { id: rb.id, title: rb.title, version: rb.version, file: '', sha256: '' },
    baseline: plan.ctx.baseline, target: plan.ctx.target, vars: {}, host: '', cutover_version: '',
    // As a real run journals it: a release tag that does not confirm its pin locks the GO here too.
    preflight: { problems: plan.problems, warnings: plan.warnings },
    seq: 1, at, prev: '', hash: '',
  } as JournalEvent;
  const state = foldEvents(rb, [started]);
  let seq = 1;
  for (const step of stepsInOrder(rb)) {
    const st = state.steps[step.id]!;
    if (!inMode(step, mode)) {
      st.status = 'not-in-mode';
      st.notRun = { cause: 'mode', reason: notInModeReason(step, mode) };
      continue;
    }
    if (step.kind === 'decision') continue;
    seq++;
    st.status = 'passed';
    st.completedSeq = seq;
    st.completedAt = at;
    const answer = answers?.get(step.id);
    if (step.kind === 'input' && answer?.kind === 'input') state.inputs[step.id] = { ...answer.values };
    if (step.kind === 'signoff') {
      for (const role of step.roles) {
        // Without an answer, a different stand-in per role: the lock then judges everything but the names.
        const name = answer?.kind === 'signoff' && answer.names[role]?.trim() ? answer.names[role]!.trim() : `Approver for ${role}`;
        state.signatures.push({ step: step.id, role, name, seq, at });
      }
    }
  }
  return state;
}

function dryStep(rb: Runbook, p: PlannedStep, mode: Mode, ctx: RefContext, answers: Answers | undefined): DryStep {
  const s = p.step;
  const runs = inMode(s, mode);
  const answer = answers?.get(s.id);
  return {
    section: p.section,
    id: s.id,
    kind: s.kind,
    title: s.title,
    owner: s.owner ?? null,
    required: s.required !== false,
    runs,
    not_run_reason: runs ? null : notInModeReason(s, mode),
    command: p.command && s.kind === 'command'
      ? { display: p.command.display, shell: p.command.shellCommand !== undefined, cwd: p.command.cwd, env_names: Object.keys(p.command.env), timeout: s.timeout ?? null, expect_exit: p.command.expectExit, pin_commit: p.command.pinCommit ?? null, environment_failure: s.environment_failure ?? [] }
      : null,
    check: s.kind === 'check' ? { name: s.check, params: p.checkParams ?? {}, cwd: p.cwd ?? '' } : null,
    asks: asksFor(rb, s, ctx),
    answer: answer ? describeAnswer(answer) : null,
  };
}

function asksFor(rb: Runbook, s: Step, ctx: RefContext): string | null {
  switch (s.kind) {
    case 'confirm':
      return `a confirmation of: ${render(s.statement, ctx).trim()}${s.note === 'required' ? ' (with a note)' : ''}${s.link === 'required' ? ' (with a link)' : ''}`;
    case 'input':
      return `the fields ${s.fields.map((f) => `${f.id} (${f.type}${f.required === false ? ', optional' : ''}${f.equals !== undefined ? `, must equal ${f.equals} = "${render(f.equals, ctx)}"` : ''})`).join(', ')}`;
    case 'notice':
      // A status-update notice (updates: true): any number of updates, each from its own fields.
      if (s.updates) return `status updates${s.channel ? ` to ${render(s.channel, ctx)}` : ''}, each with the fields ${(s.fields ?? []).map((f) => `${f.id} (${f.type})`).join(', ')} and its next-update ETA; none is required`;
      return `sending the notice${s.channel ? ` to ${render(s.channel, ctx)}` : ''}: ${render(s.template, ctx).trim()}`;
    case 'signoff': {
      const title = (id: string) => rb.roles.find((r) => r.id === id)?.title ?? id;
      return `the sign-off of ${s.roles.map((r) => `${title(r)} (${r})`).join(' and ')}${s.distinct !== false ? ', different people' : ''}${s.exclude_operator !== false ? ', not the operator' : ''}`;
    }
    case 'decision':
      return `the decision: ${s.options.map((o) => o.label).join(' | ')}`;
    default:
      return null;
  }
}

function describeAnswer(a: Answer): string {
  switch (a.kind) {
    case 'skip':
      return `skip: ${a.reason}`;
    case 'confirm':
      return `confirmed${a.note ? ` — note: ${a.note}` : ''}${a.link ? ` — ${a.link}` : ''}`;
    case 'input':
      return Object.entries(a.values).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ');
    case 'notice':
      return `sent${a.channel ? ` to ${a.channel}` : ''}`;
    case 'updates':
      return `${a.updates.length} status update(s): ${a.updates.map((u, i) => `#${i + 1} ${Object.entries(u.values).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ')}`).join('; ')}`;
    case 'signoff':
      return Object.entries(a.names).map(([role, name]) => `${role}: ${name}`).join(', ') || 'signed';
    case 'decision':
      return `${a.option}${a.remediation ? ` — remediation: ${a.remediation}` : ''}${a.otherwise ? `, otherwise ${a.otherwise.option}` : ''}`;
    default:
      return '';
  }
}

const BANNER = 'DRY RUN — nothing is executed and nothing is written (no command, no check, no evidence bundle)';

function renderText(rb: Runbook, plan: Plan, mode: Mode, operator: string, steps: DryStep[], lock: OptionStatus[], go: OptionStatus | undefined, unlockable: boolean, noDecision: boolean): string {
  const L: string[] = [BANNER, ''];
  const { baseline, target } = plan.ctx;
  L.push(`${rb.title} (${rb.id} ${rb.version}) · ${mode === 'rehearsal' ? 'REHEARSAL' : 'CUTOVER'} · operator ${operator}`);
  L.push(`baseline: ${baseline.release_tag} ${baseline.commit}`, `target:   ${target.release_tag} ${target.commit}`);
  let section = '';
  let n = 0;
  for (const s of steps) {
    if (s.section !== section) {
      section = s.section;
      const sec = rb.sections.find((x) => x.id === section)!;
      L.push('', `## ${sec.title}${sec.on_failure === 'stop' ? '   (on_failure: stop — a failed required step stops the rest of this section)' : ''}`);
    }
    n++;
    const flags = [s.kind, s.owner ? `owner ${s.owner}` : '', s.required ? '' : 'optional'].filter(Boolean).join(', ');
    if (!s.runs) {
      L.push(`${String(n).padStart(3)}. – ${s.id} — ${s.title} (${flags}): ${s.not_run_reason}; recorded as not in this mode, it does not block the GO`);
      continue;
    }
    L.push(`${String(n).padStart(3)}. ${s.id} — ${s.title} (${flags})`);
    if (s.command) {
      L.push(`       would run: ${s.command.display}${s.command.shell ? '   (shell)' : ''}`);
      L.push(`       in ${s.command.cwd}${s.command.timeout ? `, timeout ${s.command.timeout}` : ''}${s.command.expect_exit.join(',') !== '0' ? `, expect exit ${s.command.expect_exit.join('|')}` : ''}`);
      if (s.command.env_names.length) L.push(`       sets ${s.command.env_names.join(', ')} (values not shown)`);
      if (s.command.pin_commit) L.push(`       pinned: git HEAD must be ${s.command.pin_commit}`);
      if (s.command.environment_failure.length) L.push(`       environment failure if the output shows: ${s.command.environment_failure.map((x) => JSON.stringify(x)).join(', ')}`);
    }
    if (s.check) L.push(`       would check: ${s.check.name} ${JSON.stringify(s.check.params)}`, `       in ${s.check.cwd}`);
    if (s.asks) L.push(`       asks for ${s.asks}`);
    if (s.kind !== 'command' && s.kind !== 'check') L.push(`       answer: ${s.answer ?? 'none in the answers file (the plain run would pause here, exit 3)'}`);
  }
  if (plan.problems.length || plan.warnings.length) {
    L.push('', 'Preflight (as `cutover plan` runs it):');
    for (const p of plan.problems) L.push(`  ✗ ${p.step ? `[${p.step}] ` : ''}${p.message}`, `      fix: ${p.hint}`);
    for (const w of plan.warnings) L.push(`  ! ${w.step ? `[${w.step}] ` : ''}${w.message}`, `      note: ${w.hint}`);
  }
  L.push('', 'GO lock if every step of this mode passed:');
  if (noDecision) L.push('  no decision step: the run would end DONE');
  for (const o of lock) {
    if (!o.option.go) {
      L.push(`  ${o.option.label}: always available`);
      continue;
    }
    L.push(`  ${o.option.label}: ${o.selectable ? 'would be unlockable' : 'would stay LOCKED:'}`);
    for (const c of o.unmet) L.push(`    - ${c.message}`);
  }
  L.push('', `DRY RUN — nothing was executed or written. ${unlockable ? `Exit 0: ${go ? `${go.option.label} would be unlockable` : 'the run would end DONE'} if every step passed.` : `Exit 1: ${go ? `${go.option.label} would stay locked` : 'no GO option is available in this mode'} even if every step passed.`}`);
  return L.join('\n');
}
