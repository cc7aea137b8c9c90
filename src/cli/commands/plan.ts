// `cutover plan <runbook> [--var K=V]...`: the resolved plan (each step with
// its command after substitution, cwd, owner, deadline) and the preflight.
// Exit 0 when the preflight passes, 1 when it names problems, 2 bad input
// (bad vars included, as `run` treats them).
import { parseCommandArgs, parseVarFlags, type OptionSpec } from '../args.js';
import { EXIT, InputError } from '../errors.js';
import type { CliIO } from '../io.js';
import { formatDiagnostic } from '../../runbook/diagnostics.js';
import { NOT_FOUND } from '../../runbook/source.js';
import { loadRunbook } from '../../runbook/load.js';
import { buildPlan, isVarProblem, type Plan, type PlannedStep } from '../../runbook/preflight.js';
import { dirname, resolve } from 'node:path';
import { signersProblems } from '../../signoff/signers-file.js';
import type { Runbook } from '../../runbook/types.js';
import { directionText, isRollbackRunbook } from '../../engine/direction.js';
import { maskText, maskValue, secretsFor, shownVars } from '../../runbook/secret-names.js';

export const HELP = `Usage: cutover plan <runbook> [--var KEY=VALUE]... [--json]

Prints the resolved plan of a runbook — every step with its command after
variable substitution, working directory, owner and deadline — and runs the
preflight: vars without a value, undeclared --var flags, working directories
that do not exist, required tools and each command's executable missing
from PATH, pinned checkouts not at their commit or with local changes, and
release tags (baseline, target) that point elsewhere than their pinned
commit or are missing there — pass the pin as a --var to fix it (e.g.
--var target_commit=SHA); \`run --mode cutover\` does not start on one.

Options:
  --var KEY=VALUE   set a declared runbook var (repeatable)
  --json            print the plan and the preflight as JSON
  -h, --help

Exit codes: 0 preflight passed, 1 preflight found problems, 2 invalid runbook or
flags (an undeclared --var or a var without a value, as in cutover run).`;

export const OPTIONS = {
  var: { type: 'string', multiple: true },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionSpec;

export async function main(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs('plan', args, OPTIONS);
  if (values.help) {
    io.out(HELP);
    return EXIT.ok;
  }
  if (positionals.length !== 1) throw new InputError('plan: give exactly one runbook', 'run `cutover plan checklists/service-v3-cutover-day.yaml --var producer_root=...`');
  const file = positionals[0]!;
  const loaded = loadRunbook(file);
  if (!loaded.ok) {
    for (const d of loaded.diagnostics) io.err(formatDiagnostic(d));
    if (!loaded.diagnostics.some((d) => d.message === NOT_FOUND)) io.err(`cutover plan: ${file} is not a valid runbook; run \`cutover lint ${file}\` after fixing it`);
    return EXIT.usage;
  }
  const plan = buildPlan(loaded.loaded, parseVarFlags('plan', values.var));
  // signers.file (docs/signoffs.md) must exist and parse, as a run requires.
  plan.problems.push(...signersProblems(loaded.loaded.runbook, dirname(resolve(file)), plan.ctx));
  // The values a run would mask (secret vars, declared secrets and secret-named
  // environment variables) never reach the screen, wherever they appear:
  // the JSON is masked before it is encoded, the text as a whole.
  const rb = loaded.loaded.runbook;
  const secrets = secretsFor(rb, plan.vars);
  io.out(values.json ? JSON.stringify(maskValue(planJson(rb, plan, secrets), secrets), null, 2) : maskText(renderPlan(rb, plan, secrets), secrets));
  // Bad vars are bad input, as `run` treats them; other problems are what the preflight found.
  return plan.problems.some(isVarProblem) ? EXIT.usage : plan.problems.length ? EXIT.notOk : EXIT.ok;
}

function planJson(rb: Runbook, plan: Plan, secrets: string[]) {
  return {
    runbook: { id: rb.id, title: rb.title, version: rb.version, modes: rb.modes },
    baseline: plan.ctx.baseline,
    target: plan.ctx.target,
    vars: shownVars(rb, plan.vars, secrets),
    steps: plan.steps.map((p) => ({
      section: p.section,
      id: p.step.id,
      kind: p.step.kind,
      title: p.step.title,
      owner: p.step.owner ?? null,
      required: p.step.required !== false,
      modes: p.step.modes ?? null,
      due: p.step.due ?? null,
      command: p.command ? { argv: p.command.argv ?? null, shell: p.command.shellCommand ?? null, display: p.command.display, cwd: p.command.cwd, timeout_ms: p.command.timeoutMs ?? null, expect_exit: p.command.expectExit, pin_commit: p.command.pinCommit ?? null } : null,
      check: p.step.kind === 'check' ? { name: p.step.check, params: p.checkParams, cwd: p.cwd } : null,
    })),
    release_tags: plan.tagChecks,
    preflight: { ok: plan.problems.length === 0, problems: plan.problems, warnings: plan.warnings },
  };
}

function renderPlan(rb: Runbook, plan: Plan, secrets: string[]): string {
  const lines: string[] = [];
  const { baseline, target } = plan.ctx;
  lines.push(`${rb.title} (${rb.id} ${rb.version})`);
  lines.push(`modes: ${rb.modes.join(', ')}`);
  lines.push(`baseline: ${baseline.release_tag} ${baseline.commit}${baseline.service_contract ? ` ${baseline.service_contract}` : ''}`);
  lines.push(`target:   ${target.release_tag} ${target.commit}${target.service_contract ? ` ${target.service_contract}` : ''}`);
  lines.push(`direction: ${directionText(rb, baseline, target)}${isRollbackRunbook(rb) ? ' (a rollback runbook: from the target back to the baseline)' : ''}`);
  for (const c of plan.tagChecks) {
    const bad = plan.problems.filter((p) => p.pin?.checkout === c.checkout).map((p) => `${p.pin!.tag} ✗`);
    lines.push(`release tags in ${c.checkout}: ${[...c.confirmed.map((t) => `${t} ✓`), ...bad].join(', ')}${bad.length ? ' (see the preflight)' : ''}`);
  }
  if (rb.rollback) lines.push(`rollback runbook: ${rb.rollback}`);
  const varNames = Object.keys(plan.vars);
  if (varNames.length) {
    lines.push('vars:');
    const shown = shownVars(rb, plan.vars, secrets);
    for (const name of varNames) lines.push(`  ${name} = ${shown[name] === '' ? '(unset)' : shown[name]}`);
  }
  let section = '';
  let n = 0;
  for (const p of plan.steps) {
    if (p.section !== section) {
      section = p.section;
      const s = rb.sections.find((x) => x.id === section)!;
      lines.push('', `## ${s.title}${s.on_failure === 'stop' ? '   (on_failure: stop)' : ''}`);
    }
    n++;
    lines.push(...renderStep(n, p));
  }
  lines.push('', 'Preflight:');
  if (plan.problems.length === 0) lines.push('  ok — every var has a value, every cwd exists, every tool and executable was found, pinned checkouts and release tags agree with the pins');
  for (const p of plan.problems) lines.push(`  ✗ ${p.step ? `[${p.step}] ` : ''}${p.message}`, `      fix: ${p.hint}`);
  for (const w of plan.warnings) lines.push(`  ! ${w.step ? `[${w.step}] ` : ''}${w.message}`, `      note: ${w.hint}`);
  if (plan.problems.length) lines.push('', `preflight failed: ${plan.problems.length} problem(s)`);
  return lines.join('\n');
}

function renderStep(n: number, p: PlannedStep): string[] {
  const s = p.step;
  const flags = [s.kind, s.owner ? `owner ${s.owner}` : '', s.required === false ? 'optional' : '', s.modes ? `only in ${s.modes.join('/')}` : ''].filter(Boolean).join(', ');
  const out = [`${String(n).padStart(3)}. ${s.id} — ${s.title} (${flags})`];
  if (p.command) {
    out.push(`       $ ${p.command.display}${p.command.shellCommand ? '   (shell)' : ''}`);
    out.push(`       cwd ${p.command.cwd}${p.command.timeoutMs ? `, timeout ${s.kind === 'command' ? s.timeout : ''}` : ''}${p.command.expectExit.join(',') !== '0' ? `, expect exit ${p.command.expectExit.join('|')}` : ''}`);
    if (p.command.pinCommit) out.push(`       pinned: git HEAD must be ${p.command.pinCommit}`);
    if (s.kind === 'command' && s.environment_failure) out.push(`       environment failure if the output shows: ${s.environment_failure.map((x) => JSON.stringify(x)).join(', ')}`);
  }
  if (s.kind === 'check') out.push(`       check ${s.check} ${JSON.stringify(p.checkParams)}`, `       cwd ${p.cwd}`);
  if (s.kind === 'signoff') out.push(`       signed by: ${s.roles.join(' + ')}${s.distinct !== false ? ' (different people)' : ''}${s.exclude_operator !== false ? ', not the operator' : ''}`);
  if (s.kind === 'decision') out.push(`       options: ${s.options.map((o) => o.label).join(' | ')}`);
  if (s.requires?.length) out.push(`       after: ${s.requires.join(', ')}`);
  if (s.due) out.push(`       due: within ${s.due.within} after ${s.due.after === 'start' ? 'the run starts' : s.due.after === 'trigger' ? 'the rollback trigger was identified' : `"${s.due.after}" completes`}`);
  return out;
}
