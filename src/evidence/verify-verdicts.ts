// Verdicts re-derived from the raw facts. The fold already judges an
// attempt from its recorded exit code, assertions, check result and git
// HEAD; here those recorded facts are held against each other and against
// the bundle's own files, so that flipping one of them (a check's
// `passed`, an assertion's `ok`, a deleted assertion) is found although the
// hash chain was recomputed: the result must be one the runner writes, the
// assertions exactly the runbook's, re-run on the logs; a check's verdict
// must agree with its data.json, recomputed where its inputs are in the
// bundle (artifact copies against their pins; a handoff or envelope check
// run again on the copies of the files it read: verify-check-inputs.ts).
import { createReadStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectedAssertions } from '../engine/assertions.js';
import type { JournalEvent } from '../engine/events.js';
import { stepsInOrder } from '../engine/fold.js';
import { NeedleScan } from '../shared/needle-scan.js';
import type { CheckStep, CommandStep, Runbook, Step } from '../runbook/types.js';
import { recomputeFromInputs, type CheckRerun, type Pin } from './verify-check-inputs.js';

type Finished = Extract<JournalEvent, { type: 'step.finished' }>;
type Started = Extract<JournalEvent, { type: 'step.started' }>;
type RunStarted = Extract<JournalEvent, { type: 'run.started' }>;
type Report = (file: string, message: string) => void;

const OUTCOMES = new Set(['exited', 'signaled', 'timed-out', 'cancelled', 'spawn-failed']);

/** Each recorded file must be the attempt's own file of that name: a log record cannot point at another file of the bundle. */
function misplaced(at: string, dir: string, records: readonly (readonly [{ file?: unknown } | undefined, string])[]): string[] {
  return records.filter(([rec, name]) => rec?.file !== `${dir}${name}`).map(([rec, name]) => `${at} records its ${name} as ${JSON.stringify(rec?.file)}, not ${dir}${name}`);
}

/** What is wrong with a step.finished the session could not have written this way (synchronous: facts only). */
export function attemptProblems(step: Step, ev: Finished): string[] {
  const out: string[] = [];
  const at = `attempt ${String(ev.attempt)} of "${step.id}"`;
  const dir = `steps/${step.id}/attempt-${String(ev.attempt)}/`;
  if (step.kind === 'check') {
    const c = ev.check;
    if (!c || typeof c !== 'object') return [`${at} finished without its check result`];
    if (c.name !== step.check) out.push(`${at} records check "${String(c.name)}", the runbook runs "${step.check}"`);
    if (typeof c.passed !== 'boolean') out.push(`${at}: the check verdict is not true or false`);
    if (c.cancelled && c.passed) out.push(`${at}: a cancelled check is recorded as passed`);
    out.push(...misplaced(at, dir, [[c.report, 'report.txt'], ...(c.data_file ? [[c.data_file, 'data.json'] as const] : [])]));
    for (const f of Array.isArray(c.files) ? c.files : []) {
      if (typeof f?.file !== 'string' || !f.file.startsWith(`${dir}artifacts/`)) out.push(`${at}: a copy it records (${String(f?.file)}) is not in its own artifacts/ directory`);
    }
    for (const i of Array.isArray(c.inputs) ? c.inputs : []) {
      const copy = (i as { copy?: { file?: unknown } } | null)?.copy;
      if (copy !== undefined && (typeof copy?.file !== 'string' || !copy.file.startsWith(`${dir}inputs/`))) out.push(`${at}: the copy of an input it records (${String(copy?.file)}) is not in its own inputs/ directory`);
    }
    return out;
  }
  if (step.kind !== 'command') return [`${at}: a ${step.kind} step is not run`];
  const r = ev.result;
  if (!r || typeof r !== 'object') return [`${at} finished without its command result`];
  if (!OUTCOMES.has(r.outcome)) out.push(`${at}: outcome "${String(r.outcome)}" is not one the runner records`);
  if (r.outcome === 'exited' && (!Number.isInteger(r.exit_code) || r.signal !== null)) out.push(`${at}: an exited command must have an exit code and no signal`);
  if (r.outcome !== 'exited' && r.exit_code !== null && r.outcome !== 'timed-out' && r.outcome !== 'cancelled') out.push(`${at}: a command that ${r.outcome === 'spawn-failed' ? 'never started' : 'was killed by a signal'} has no exit code`);
  // The command's own times are the clock's as it was (one stepped back is no forgery): they are not judged.
  out.push(...misplaced(at, dir, [[r.stdout, 'stdout.log'], [r.stderr, 'stderr.log'], [r.combined, 'combined.log']]));
  const expected = expectedAssertions(step).map((a) => a.assertion);
  const recorded = Array.isArray(ev.assertions) ? ev.assertions.map((a) => String(a?.assertion)) : [];
  if (expected.length !== recorded.length || !expected.every((e, i) => recorded[i] === e)) {
    out.push(`${at}: the runbook asserts ${expected.length ? expected.join(', ') : 'nothing'} on its output, the journal recorded ${recorded.length ? recorded.join(', ') : 'no assertion'}`);
  }
  if (Array.isArray(ev.assertions) && ev.assertions.some((a) => typeof a?.ok !== 'boolean')) out.push(`${at}: an assertion result is not true or false`);
  return out;
}

/**
 * Holds the recorded verdicts against the files of the bundle: assertions
 * re-run on the logs, check verdicts against data.json (and artifact copies
 * re-hashed against their pins). `digests` holds the bundle's file digests.
 */
export async function checkVerdictsAgainstFiles(bundleDir: string, runbook: Runbook, events: readonly JournalEvent[], digests: ReadonlyMap<string, string>, report: Report, note: Report = () => {}, rerun?: CheckRerun): Promise<void> {
  const byId = new Map(stepsInOrder(runbook).map((s) => [s.id, s]));
  const starts = new Map<string, Started>();
  const runStarted = events[0]?.type === 'run.started' ? events[0] : undefined;
  for (const ev of events) {
    if (ev.type === 'step.started') starts.set(`${ev.step}/${ev.attempt}`, ev);
    if (ev.type !== 'step.finished') continue;
    const step = byId.get(ev.step);
    try {
      if (step?.kind === 'command' && ev.result && Array.isArray(ev.assertions)) await rerunAssertions(bundleDir, step, ev, digests, report);
      if (step?.kind === 'check' && ev.check) await checkVerdict(bundleDir, step, ev, digests, report, { started: starts.get(`${ev.step}/${ev.attempt}`), runStarted, note, rerun });
    } catch (err) {
      report('journal.ndjson', `seq ${ev.seq}: the verdict of this step.finished cannot be checked against its files (${err instanceof Error ? err.message : String(err)})`);
    }
  }
}

/**
 * The logs on disk are masked (secrets as `***`); the runner judged the raw
 * bytes. A needle without `*` found in the masked log is in the raw output
 * too; one not found in a log without any `***` is not in it either. Only
 * those definite answers are held against the recorded ones.
 */
async function rerunAssertions(bundleDir: string, step: CommandStep, ev: Finished, digests: ReadonlyMap<string, string>, report: Report): Promise<void> {
  const all = expectedAssertions(step);
  // attemptProblems reports a list that is not the runbook's; only a matching one is re-run.
  if (ev.assertions!.length !== all.length) return;
  for (const stream of ['stdout', 'stderr'] as const) {
    const file = ev.result![stream]?.file;
    const expected = all.map((a, i) => ({ ...a, recorded: ev.assertions![i]! })).filter((a) => a.stream === stream);
    if (!expected.length || typeof file !== 'string' || !digests.has(file)) continue;
    const found = await findInFile(join(bundleDir, file), [...expected.map((a) => a.needle), '***']);
    for (const a of expected) {
      if (a.needle.includes('*') || a.recorded.assertion !== a.assertion) continue; // a `*` in the needle could be masking's
      const inLog = found.has(a.needle);
      if (!inLog && found.has('***')) continue; // may be hidden by masking
      const ok = inLog === a.want;
      if (a.recorded.ok !== ok) report(file, `the journal (seq ${ev.seq}) records "${a.assertion}" as ${a.recorded.ok ? 'met' : 'failed'}, but this log says it is ${ok ? 'met' : 'not met'}`);
    }
  }
}

async function checkVerdict(bundleDir: string, step: CheckStep, ev: Finished, digests: ReadonlyMap<string, string>, report: Report, ctx: { started: Started | undefined; runStarted: RunStarted | undefined; note: Report; rerun: CheckRerun | undefined }): Promise<void> {
  const c = ev.check!;
  const dataFile = c.data_file?.file;
  if (c.passed && (typeof dataFile !== 'string' || !digests.has(dataFile))) {
    report('journal.ndjson', `seq ${ev.seq}: check ${c.name} is recorded as passed without the data.json that shows it`);
    return;
  }
  if (typeof dataFile !== 'string' || !digests.has(dataFile)) return;
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(join(bundleDir, dataFile), 'utf8'));
  } catch {
    report(dataFile, 'is not valid JSON');
    return;
  }
  const d = data as { passed?: unknown; check?: unknown; artifacts?: unknown; violations?: unknown; failedSamples?: unknown } | null;
  if (typeof d?.passed !== 'boolean') {
    if (c.passed) report(dataFile, `does not say whether check ${c.name} passed, but the journal (seq ${ev.seq}) records it as passed`);
    return;
  }
  if (!c.cancelled && d.passed !== c.passed) report(dataFile, `says check ${c.name} ${d.passed ? 'passed' : 'failed'}, but the journal (seq ${ev.seq}) records it as ${c.passed ? 'passed' : 'failed'}`);
  if (c.passed) {
    // A pass shows nowhere as a failure: not in the data's own findings, its summary or its report.
    const found = Array.isArray(d.violations) ? d.violations.length : 0;
    if (found > 0 || (typeof d.failedSamples === 'number' && d.failedSamples > 0)) report(dataFile, `lists ${found || String(d.failedSamples)} finding(s) of check ${c.name}, which the journal (seq ${ev.seq}) records as passed`);
    if (/FAILED/.test(String(c.summary))) report('journal.ndjson', `seq ${ev.seq}: check ${c.name} is recorded as passed with the summary "${String(c.summary)}"`);
    const reportFile = c.report?.file;
    if (typeof reportFile === 'string' && digests.has(reportFile) && /FAILED/.test(readFileSync(join(bundleDir, reportFile), 'utf8'))) report(reportFile, `says check ${c.name} FAILED, but the journal (seq ${ev.seq}) records it as passed`);
  }
  const fromPins = await recomputeFromInputs({ bundleDir, step, ev, started: ctx.started, runStarted: ctx.runStarted, data: d as Record<string, unknown>, dataFile, report, note: ctx.note, rerun: ctx.rerun });
  if (d.check === 'artifact-digest' && step.kind === 'check') recomputeArtifacts(ev, step, dataFile, d, digests, report, fromPins);
}

/**
 * An artifact-digest verdict from the copies in the bundle: every pin
 * verified by a copy with that digest, and no copy kept as mismatched. The
 * pins are the runbook's own (`with.artifacts`) where it lists them, so a
 * pin left out of data.json is still counted.
 */
function recomputeArtifacts(ev: Finished, step: CheckStep, dataFile: string, d: { artifacts?: unknown }, digests: ReadonlyMap<string, string>, report: Report, fromPins: readonly Pin[] = []): void {
  const base = dataFile.replace(/data\.json$/, 'artifacts/');
  const list = Array.isArray(d.artifacts) ? (d.artifacts as { path?: unknown; status?: unknown; expected?: unknown; copiedTo?: unknown }[]) : [];
  let allVerified = list.length > 0;
  for (const a of list) {
    const copy = typeof a.copiedTo === 'string' ? `${base}${a.copiedTo}` : undefined;
    const digest = copy ? digests.get(copy) : undefined;
    const verified = a.status === 'verified' && digest !== undefined && digest === a.expected;
    if (a.status === 'verified' && !verified) report(copy ?? dataFile, `artifact ${String(a.path)} is recorded as verified, but ${digest === undefined ? 'its copy is not in the bundle' : `its copy has sha256 ${digest}, not the pinned ${String(a.expected)}`}`);
    if (!verified) allVerified = false;
  }
  // The runbook's own pins, and those of the copied `from` list: a pin left out of data.json is still counted.
  const pins = [
    ...(Array.isArray(step.with.artifacts) ? (step.with.artifacts as { path?: unknown; sha256?: unknown }[]) : []).map((p) => ({ ...p, of: "the runbook's pin" })),
    ...fromPins.map((p) => ({ ...p, of: 'the pin of its copied artifact list (inputs/from/)' })),
  ];
  for (const pin of pins) {
    if (typeof pin?.path !== 'string' || typeof pin.sha256 !== 'string' || /\$\{/.test(pin.path + pin.sha256)) continue;
    const entry = list.find((a) => a.path === pin.path && String(a.expected).toLowerCase() === String(pin.sha256).toLowerCase());
    if (!entry) {
      allVerified = false;
      report(dataFile, `does not account for ${pin.of} of ${pin.path} (sha256 ${pin.sha256})`);
    }
  }
  const mismatched = [...digests.keys()].filter((f) => f.startsWith(`${base}mismatched/`));
  if (mismatched.length) allVerified = false;
  if (ev.check!.passed && !allVerified) report(dataFile, `the artifact-digest check is recorded as passed (seq ${ev.seq}), but ${mismatched.length ? `${mismatched.length} copy(ies) were kept as mismatched` : 'not every pinned artifact has a verified copy with its digest in the bundle'}`);
}

/** Which needles occur in the file (a match across two reads included). */
async function findInFile(path: string, needles: string[]): Promise<Set<string>> {
  const scan = new NeedleScan(needles);
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) {
    scan.push(chunk as Buffer);
    if (scan.seen().length === needles.length) break; // every needle found: the rest need not be read
  }
  return new Set(scan.seen());
}
