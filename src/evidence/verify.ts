// `cutover verify`: checks a bundle's hash chain, every digest (SHA256SUMS
// and the log digests in the journal), the manifest against its schema and
// the journal, and then replays the gate rules so that a GO they would not
// have allowed is caught even when the chain was recomputed by hand.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import manifestSchema from '../../schema/manifest.schema.json' with { type: 'json' };
import type { JournalEvent } from '../engine/events.js';
import { applyEvent, foldEvents, stepsInOrder, type RunState } from '../engine/fold.js';
import { gateProblems } from '../engine/gates.js';
import { loadRunbook } from '../runbook/load.js';
import type { Runbook, Step } from '../runbook/types.js';
import { MANIFEST, RUNBOOK_COPY } from './bundle.js';
import { JOURNAL_FILE, readJournal } from './journal.js';
import { outcomeOf } from './record.js';
import { checkSums, scanBundle } from './verify-files.js';

const addFormats = addFormatsModule.default;

export interface VerifyProblem {
  file: string;
  message: string;
}

export interface VerifyReport {
  bundle: string;
  ok: boolean;
  rehearsal?: boolean;
  outcome?: string;
  events: number;
  files: number;
  problems: VerifyProblem[];
}

export interface VerifyOptions {
  /**
   * The runbook as kept outside the bundle (e.g. in the repository). The
   * bundle's own copy is only as trustworthy as the bundle: a forger who
   * edits runbook.yaml and recomputes every hash is caught only by an
   * anchor from outside.
   */
  runbook?: { file: string; sha256: string };
}

export async function verifyBundle(bundleDir: string, options: VerifyOptions = {}): Promise<VerifyReport> {
  const problems: VerifyProblem[] = [];
  const report = (file: string, message: string) => problems.push({ file, message });
  // Every entry first, without following a link: what is not a regular file is reported and never opened.
  const { files, digests, blocked } = await scanBundle(bundleDir, report);
  if (blocked) return { bundle: bundleDir, ok: false, events: 0, files: files.length, problems };
  const journalPath = join(bundleDir, JOURNAL_FILE);
  const { events, problems: chain, validBytes, totalBytes } = readJournal(journalPath);
  for (const p of chain) report(JOURNAL_FILE, p);
  if (validBytes < totalBytes) report(JOURNAL_FILE, `the last ${totalBytes - validBytes} byte(s) are an incomplete line: the run stopped while writing; \`cutover resume\` repairs it`);
  const started = events[0];
  if (!started || started.type !== 'run.started') {
    report(JOURNAL_FILE, 'the journal does not start with a run.started event');
    return { bundle: bundleDir, ok: false, events: events.length, files: 0, problems };
  }
  const startedRunbook = (started as { runbook?: { sha256?: unknown } }).runbook;
  if (typeof startedRunbook?.sha256 !== 'string') {
    report(JOURNAL_FILE, 'seq 1: the run.started event does not record the runbook digest (runbook.sha256): it is malformed');
    return { bundle: bundleDir, ok: false, events: events.length, files: 0, problems };
  }

  checkSums(bundleDir, files, digests, report);

  const runbookDigest = digests.get(RUNBOOK_COPY);
  if (!runbookDigest) report(RUNBOOK_COPY, 'is missing');
  else if (runbookDigest !== started.runbook.sha256) report(RUNBOOK_COPY, `sha256 ${runbookDigest} does not match ${started.runbook.sha256} recorded when the run started`);

  if (options.runbook && options.runbook.sha256 !== started.runbook.sha256) {
    report(RUNBOOK_COPY, `the run recorded runbook sha256 ${started.runbook.sha256}, but ${options.runbook.file} has ${options.runbook.sha256}: this run did not use that runbook, or its copy was altered`);
  }

  checkJournalDigests(bundleDir, events, digests, report);

  let runbook: Runbook | undefined;
  if (runbookDigest) {
    const loaded = loadRunbook(join(bundleDir, RUNBOOK_COPY), { checkRollbackPath: false, bundleCopy: true });
    if (loaded.ok) runbook = loaded.loaded.runbook;
    else report(RUNBOOK_COPY, `is not a valid runbook: ${loaded.diagnostics[0]?.message}`);
  }
  let outcome: string | undefined;
  if (runbook) {
    // The mode decides rule 1 and the REHEARSAL banner: it must be one the runbook allows, and agree with itself.
    if (!runbook.modes.includes(started.mode) || started.rehearsal !== (started.mode === 'rehearsal')) {
      report(JOURNAL_FILE, `seq 1: run.started says mode ${String(started.mode)} with rehearsal=${String(started.rehearsal)}, which ${runbook.modes.includes(started.mode) ? 'contradict each other' : `is not a mode of the runbook (${runbook.modes.join(', ')})`}`);
    }
    outcome = replay(runbook, events, report);
    checkManifest(bundleDir, events, outcome, started.rehearsal, report);
  }
  return { bundle: bundleDir, ok: problems.length === 0, rehearsal: started.rehearsal, outcome, events: events.length, files: files.length, problems };
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function checkJournalDigests(bundleDir: string, events: JournalEvent[], digests: Map<string, string>, report: (f: string, m: string) => void): void {
  const check = (rec: { file: string; bytes: number; sha256: string } | undefined, seq: number) => {
    if (!rec) return;
    const actual = digests.get(rec.file);
    if (actual === undefined) {
      report(rec.file, `is recorded in the journal (seq ${seq}) but missing from the bundle`);
      return;
    }
    const size = statSync(join(bundleDir, rec.file)).size;
    if (size !== rec.bytes) report(rec.file, `has ${size} bytes, the journal (seq ${seq}) recorded ${rec.bytes}`);
    if (actual !== rec.sha256) report(rec.file, `sha256 ${actual} does not match the journal (seq ${seq}, ${rec.sha256})`);
  };
  for (const ev of events) {
    try {
      if (ev.type === 'step.finished') {
        check(ev.result?.stdout, ev.seq);
        check(ev.result?.stderr, ev.seq);
        check(ev.result?.combined, ev.seq);
        check(ev.check?.report, ev.seq);
        check(ev.check?.data_file, ev.seq);
      } else if (ev.type === 'notice.sent') {
        check(ev.text, ev.seq);
      }
    } catch (err) {
      report(JOURNAL_FILE, `seq ${String(ev.seq)}: the files recorded by this ${String(ev.type)} event cannot be checked (${messageOf(err)}): the event is malformed`);
    }
  }
}

/**
 * Replays the events through the fold: the GO lock before every recorded
 * decision, and the outcome before run.closed. Returns the outcome the
 * journal gives, or undefined when an event cannot be replayed — a
 * malformed event is reported with its seq, never an internal error.
 */
function replay(runbook: Runbook, events: JournalEvent[], report: (f: string, m: string) => void): string | undefined {
  const byId = new Map(stepsInOrder(runbook).map((s) => [s.id, s]));
  let state: RunState;
  try {
    state = foldEvents(runbook, events.slice(0, 1));
  } catch (err) {
    report(JOURNAL_FILE, `seq 1: the run.started event cannot be replayed (${messageOf(err)}): it is malformed`);
    return undefined;
  }
  let closedChecked = false;
  for (const ev of events.slice(1)) {
    // A step the runbook does not have is never journaled by cutover; and a
    // name like "constructor" would reach Object's own properties in the fold.
    // (A decision for an unknown step is reported by checkDecision.)
    const step = (ev as { step?: unknown }).step;
    const unknownStep = typeof step === 'string' && !byId.has(step);
    if (unknownStep && ev.type !== 'decision.recorded') {
      report(JOURNAL_FILE, `seq ${String(ev.seq)}: the ${String(ev.type)} event names step "${step}", which is not a step of the runbook`);
      continue;
    }
    if (closedChecked) {
      report(JOURNAL_FILE, `seq ${String(ev.seq)}: a ${String(ev.type)} event comes after run.closed; nothing may be added to a closed run`);
      continue;
    }
    try {
      if (ev.type === 'decision.recorded') checkDecision(runbook, byId, state, ev, report);
      if (ev.type === 'run.closed' && !closedChecked) {
        closedChecked = true;
        const before = outcomeOf(runbook, state);
        if (ev.outcome !== before) report(JOURNAL_FILE, `run.closed says ${String(ev.outcome)}, but the events before it give ${before}`);
      }
      if (!unknownStep) applyEvent(state, byId, ev);
    } catch (err) {
      report(JOURNAL_FILE, `seq ${String(ev.seq)}: the ${String(ev.type)} event cannot be replayed (${messageOf(err)}): it is malformed`);
      return undefined;
    }
  }
  try {
    return outcomeOf(runbook, state);
  } catch (err) {
    report(JOURNAL_FILE, `the outcome cannot be computed from the replayed events (${messageOf(err)})`);
    return undefined;
  }
}

/** The GO lock as it stood just before a recorded decision. */
function checkDecision(runbook: Runbook, byId: Map<string, Step>, state: RunState, ev: Extract<JournalEvent, { type: 'decision.recorded' }>, report: (f: string, m: string) => void): void {
  const step = byId.get(ev.step);
  if (step?.kind !== 'decision') {
    report(JOURNAL_FILE, `seq ${ev.seq}: a decision is recorded for "${ev.step}", which is not a decision step`);
    return;
  }
  const option = step.options.find((o) => o.id === ev.option);
  if (!option) {
    report(JOURNAL_FILE, `seq ${ev.seq}: decision option "${ev.option}" does not exist in the runbook`);
    return;
  }
  if (option.go !== ev.go || option.label !== ev.label) report(JOURNAL_FILE, `seq ${ev.seq}: the recorded decision (${ev.label}) does not match option "${ev.option}" of the runbook`);
  const unmet = gateProblems(runbook, state, step, { option: ev.option, confirmedText: ev.confirmed_text, remediation: ev.remediation }, new Date(ev.at));
  if (unmet.length) report(JOURNAL_FILE, `seq ${ev.seq}: the decision "${ev.label}" would not have been allowed by the GO lock: ${unmet.join('; ')}`);
}

let manifestValidator: ((data: unknown) => boolean) & { errors?: unknown } | undefined;

function checkManifest(bundleDir: string, events: JournalEvent[], outcome: string | undefined, rehearsal: boolean, report: (f: string, m: string) => void): void {
  const path = join(bundleDir, MANIFEST);
  if (!existsSync(path)) {
    report(MANIFEST, 'is missing');
    return;
  }
  let manifest: Record<string, unknown>;
  try {
    manifest = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch {
    report(MANIFEST, 'is not valid JSON');
    return;
  }
  if (!manifestValidator) {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(ajv);
    manifestValidator = ajv.compile(manifestSchema);
  }
  if (!manifestValidator(manifest)) {
    const errs = (manifestValidator.errors as { instancePath: string; message?: string }[]) ?? [];
    for (const e of errs.slice(0, 10)) report(MANIFEST, `does not match its schema: ${e.instancePath || '/'} ${e.message}`);
    return;
  }
  const journal = manifest.journal as { events: number; last_hash: string };
  const summarizedAt = events.find((e) => e.hash === journal.last_hash);
  if (!summarizedAt) report(MANIFEST, `refers to journal hash ${journal.last_hash.slice(0, 12)}…, which is not in the journal`);
  else if (summarizedAt.seq !== events.length) report(MANIFEST, `summarizes the journal up to seq ${summarizedAt.seq}, but it has ${events.length} events: the summaries are stale (resume the run to rewrite them)`);
  else if (outcome !== undefined && manifest.outcome !== outcome) report(MANIFEST, `says outcome ${String(manifest.outcome)}, but the journal gives ${outcome}`);
  if (manifest.rehearsal !== rehearsal) report(MANIFEST, `says rehearsal=${String(manifest.rehearsal)}, but the journal says ${rehearsal}`);
}
