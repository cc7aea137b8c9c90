// A check verdict recomputed from what the check looked at. The session
// records every file a check step reads (its digest, git HEAD and a copy in
// the attempt's inputs/); here the check runs again on those copies, with
// the parameters the journal recorded (held against the runbook's own where
// it gives them literally), and its verdict and findings must be the
// recorded ones. An input kept by its digest only (too large, or holding a
// secret's value) cannot be recomputed from: that is said, as a note.
import { resolve } from 'node:path';
import type { CheckInputRecord, JournalEvent } from '../engine/events.js';
import type { CheckStep } from '../runbook/types.js';

/** An artifact pin as a check's artifact list gives it. */
export interface Pin {
  path: string;
  sha256: string;
}

/**
 * What verify needs of the checks (checks/rerun.ts implements it; the
 * evidence layer does not import the checks, the verify command hands it in).
 */
export interface CheckRerun {
  inputsOf(check: string, params: Record<string, unknown>, cwd: string): { param: string; path: string; builtin?: boolean }[];
  run(check: string, params: Record<string, unknown>): Promise<{ passed: boolean; data: unknown }>;
  artifactPins(file: string): Promise<Pin[]>;
  maxCopyBytes: number;
}

type Finished = Extract<JournalEvent, { type: 'step.finished' }>;
type Started = Extract<JournalEvent, { type: 'step.started' }>;
type RunStarted = Extract<JournalEvent, { type: 'run.started' }>;
type Report = (file: string, message: string) => void;

export interface RecomputeRequest {
  bundleDir: string;
  step: CheckStep;
  ev: Finished;
  started: Started | undefined;
  runStarted: RunStarted | undefined;
  /** data.json as recorded (parsed), and its bundle path. */
  data: Record<string, unknown>;
  dataFile: string;
  report: Report;
  note: Report;
  /** Absent: nothing is run again (said in a note). */
  rerun?: CheckRerun;
}

interface Findings {
  passed: boolean;
  inputError?: string;
  findings: string[];
}

const MAX_LISTED = 5;

/**
 * Recomputes a handoff-payload or envelope verdict from the copied inputs;
 * for artifact-digest, returns the pins of the copied `from` list (the
 * caller holds the recorded artifacts against them). Reports disagreements;
 * notes what could not be recomputed.
 */
export async function recomputeFromInputs(req: RecomputeRequest): Promise<Pin[] | undefined> {
  const { ev, step, report, note, rerun } = req;
  const c = ev.check!;
  const at = `seq ${ev.seq}: check ${step.check} of attempt ${String(ev.attempt)} of "${step.id}"`;
  if (c.cancelled) return undefined;
  const params = req.started?.check?.params;
  if (!params || typeof params !== 'object') {
    // The session always records them; without them the check cannot be run again.
    report('journal.ndjson', `${at}: the step.started of this attempt records no parameters (cutover always does), so its verdict cannot be recomputed`);
    return undefined;
  }
  paramsAgainstRunbook(req, params, at);
  if (!Array.isArray(c.inputs)) {
    // cutover records the inputs of every check since 0.3.0: without them, the copies that would contradict the verdict could have been taken out.
    if (recordsInputs(req.runStarted?.cutover_version)) report('journal.ndjson', `${at} records no inputs, but the bundle was written by cutover ${String(req.runStarted?.cutover_version)}, which records what every check read: they were taken out`);
    else note('journal.ndjson', `${at} records no inputs (the bundle was written by cutover ${String(req.runStarted?.cutover_version)}, before inputs were recorded): its verdict was not recomputed`);
    return undefined;
  }
  const inputs = c.inputs.filter((i): i is CheckInputRecord => typeof i === 'object' && i !== null && typeof i.param === 'string');
  if (inputs.length !== c.inputs.length) report('journal.ndjson', `${at}: an input record is malformed`);
  // The copy is the input as it was read: a copy replaced with its digest recomputed in the journal is found here.
  for (const i of inputs) {
    if (i.copy && i.copy.sha256 !== i.sha256) report(String(i.copy.file), `is recorded (${at.slice(0, at.indexOf(':'))}) as the copy of input ${i.param} (${String(i.path)}), which had sha256 ${String(i.sha256)}, but the copy is recorded with ${String(i.copy.sha256)}`);
  }
  if (!rerun) {
    note('journal.ndjson', `${at}: not recomputed (this verify was not given the checks to run)`);
    return undefined;
  }
  const cwd = typeof req.started?.check?.cwd === 'string' ? req.started.check.cwd : '/';
  const wanted = rerun.inputsOf(step.check, params, cwd).map((s) => s.param);
  const recorded = inputs.map((i) => i.param);
  for (const p of wanted) if (!recorded.includes(p)) report('journal.ndjson', `${at} read with.${p}, but the journal records no input for it`);
  for (const p of recorded) if (!wanted.includes(p) && !(p === 'policy' && step.check === 'envelope')) report('journal.ndjson', `${at} records an input for with.${p}, which the check does not read`);
  // A copy said to be too large must be: a forger cannot dodge the recompute by calling a small file large.
  for (const i of inputs) {
    if (!i.copy && /^larger than/.test(String(i.not_copied)) && typeof i.bytes === 'number' && i.bytes <= rerun.maxCopyBytes) {
      report('journal.ndjson', `${at}: input ${i.param} (${String(i.path)}) is recorded as not copied because it is ${String(i.not_copied).replace(/:.*/, '')}, but it has ${i.bytes} bytes`);
    }
  }
  const uncopied = inputs.filter((i) => !i.copy);
  if (uncopied.length) {
    note('journal.ndjson', `${at}: not recomputed, ${uncopied.map((i) => `input ${i.param} (${String(i.path)}) was not copied: ${String(i.not_copied ?? 'no reason recorded')}`).join('; ')}`);
    return undefined;
  }
  const masked = Object.entries(params).filter(([k, v]) => !wanted.includes(k) && JSON.stringify(v).includes('***'));
  if (masked.length) {
    note('journal.ndjson', `${at}: not recomputed, its parameter(s) ${masked.map(([k]) => `with.${k}`).join(', ')} are masked in the journal (a secret's value)`);
    return undefined;
  }
  // Absolute: the check runs with cwd /, and `cutover verify ev/<bundle>` gives a relative bundle path.
  const copyOf = (param: string) => resolve(req.bundleDir, String(inputs.find((i) => i.param === param)!.copy!.file));
  const onCopies: Record<string, unknown> = { ...params };
  for (const p of recorded) onCopies[p] = copyOf(p);
  if (step.check === 'artifact-digest') {
    if (!recorded.includes('from')) return undefined;
    try {
      return await rerun.artifactPins(copyOf('from'));
    } catch (err) {
      if (c.passed) report(req.dataFile, `the artifact-digest check is recorded as passed (seq ${ev.seq}), but its copied artifact list cannot be read: ${err instanceof Error ? err.message : String(err)}`);
      return [];
    }
  }
  const outcome = await rerun.run(step.check, onCopies);
  const again = findingsOf(outcome.data);
  const was = findingsOf(req.data);
  const copies = inputs.map((i) => String(i.copy!.file)).join(', ');
  if (again.passed !== c.passed) {
    report('journal.ndjson', `${at} is recorded as ${c.passed ? 'passed' : 'failed'}, but run again on its copied inputs (${copies}) it ${again.passed ? 'passes' : `fails: ${describe(again)}`}`);
  }
  // An input error names the file it read (the original path, or now the copy's): only whether there was one is compared.
  if (again.passed !== was.passed || (again.inputError === undefined) !== (was.inputError === undefined) || !sameList(again.findings, was.findings)) {
    report(req.dataFile, `does not hold what check ${step.check} finds when run again on its copied inputs (${copies}): recorded ${describe(was)}; recomputed ${describe(again)}`);
  }
  return undefined;
}

/** Whether cutover of this version records a check's inputs (0.3.0 and later; an unknown version is held to the current rules). */
function recordsInputs(version: unknown): boolean {
  const m = /^(\d+)\.(\d+)\./.exec(String(version));
  if (!m) return true;
  return Number(m[1]) > 0 || Number(m[2]) >= 3;
}

/** The runbook's parameters, where it gives them as literal values (or as a pin), against the recorded ones. */
function paramsAgainstRunbook(req: RecomputeRequest, params: Record<string, unknown>, at: string): void {
  for (const [key, raw] of Object.entries(req.step.with)) {
    const expected = literalOf(raw, req.runStarted);
    if (expected === undefined) continue;
    const got = params[key];
    if (typeof got === 'string' && got.includes('***')) continue; // masked in the journal
    if (JSON.stringify(got) !== JSON.stringify(expected)) {
      report(req, `${at}: the step.started records with.${key} = ${JSON.stringify(got)}, but the runbook gives ${JSON.stringify(expected)}`);
    }
  }
}

function report(req: RecomputeRequest, message: string): void {
  req.report('journal.ndjson', message);
}

/** A parameter's value as the runbook fixes it: a literal, or exactly one pin field; undefined when it depends on vars or answers. */
function literalOf(raw: unknown, run: RunStarted | undefined): unknown {
  if (typeof raw === 'boolean' || typeof raw === 'number') return raw;
  if (typeof raw !== 'string') return undefined;
  if (!raw.includes('${')) return raw;
  const pin = /^\$\{(baseline|target)\.([a-z_]+)\}$/.exec(raw);
  if (!pin || !run) return undefined;
  const value = (run[pin[1] as 'baseline' | 'target'] as unknown as Record<string, unknown> | undefined)?.[pin[2]!];
  return typeof value === 'string' && !value.includes('***') ? value : undefined;
}

function findingsOf(data: unknown): Findings {
  const d = (data && typeof data === 'object' ? data : {}) as { passed?: unknown; inputError?: unknown; violations?: unknown; warnings?: unknown };
  const list = [...(Array.isArray(d.violations) ? d.violations : []), ...(Array.isArray(d.warnings) ? (d.warnings as unknown[]).map((w) => ({ ...(w as object), warning: true })) : [])] as { rule?: unknown; path?: unknown; index?: unknown; line?: unknown; warning?: boolean }[];
  return {
    passed: d.passed === true,
    ...(typeof d.inputError === 'string' ? { inputError: d.inputError } : {}),
    findings: list.map((v) => `${v.warning ? 'warning ' : ''}${String(v.rule)} ${String(v.path)}${v.index !== undefined ? ` #${String(v.index)}` : ''}${v.line !== undefined ? ` line ${String(v.line)}` : ''}`).sort(),
  };
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function describe(f: Findings): string {
  if (f.inputError !== undefined) return `could not run (${f.inputError})`;
  if (f.findings.length === 0) return f.passed ? 'passed, no findings' : 'failed, no findings';
  const shown = f.findings.slice(0, MAX_LISTED).map((x) => `[${x}]`).join(', ');
  return `${f.passed ? 'passed' : 'failed'} with ${f.findings.length} finding(s) ${shown}${f.findings.length > MAX_LISTED ? ', …' : ''}`;
}
