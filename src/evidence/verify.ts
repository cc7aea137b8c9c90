// `cutover verify`: checks a bundle's hash chain, every digest (SHA256SUMS
// and the log digests in the journal), the manifest against its schema and
// the journal, and then replays the gate rules so that a GO they would not
// have allowed is caught even when the chain was recomputed by hand.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { JournalEvent } from '../engine/events.js';
import { preflightShapeProblem } from '../engine/pin-lock.js';
import { loadRunbook } from '../runbook/load.js';
import { resolvePins } from '../runbook/resolve.js';
import type { Pin, Runbook } from '../runbook/types.js';
import { recordedFiles, unaccountedFiles } from './accounts.js';
import { RUNBOOK_COPY } from './bundle.js';
import { JOURNAL_FILE, readJournal } from './journal.js';
import { replay } from './verify-replay.js';
import { checkProtocolTimes } from './verify-protocol-times.js';
import { checkSignoffs } from '../signoff/verify-signoffs.js';
import { NO_ANCHOR_WORDS, runbookAnchor, type SignersAnchor, type SignersReport } from '../signoff/anchor.js';
import { checkSummaries } from './verify-summaries.js';
import { checkSums, readSums, scanBundle } from './verify-files.js';
import type { CheckRerun } from './verify-check-inputs.js';
import { checkVerdictsAgainstFiles } from './verify-verdicts.js';
import { checkReopenLink } from './verify-reopen.js';
import { checkRollbackLinks, type LinkedReport } from './verify-rollback-link.js';

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
  /**
   * What verify could not check and why (not a problem): a check verdict
   * whose inputs were kept by their digest only cannot be recomputed.
   */
  notes: VerifyProblem[];
  /** Signed sign-offs: the allowed-signers file their keys were held against, and the keys trusted. */
  signers?: SignersReport;
  /** A rollback run and its cutover run, verified together (issue 13): the other bundle's result. */
  linked?: LinkedReport[];
}

export interface VerifyOptions {
  /**
   * The runbook as kept outside the bundle (e.g. in the repository). The
   * bundle's own copy is only as trustworthy as the bundle: a forger who
   * edits runbook.yaml and recomputes every hash is caught only by an
   * anchor from outside.
   */
  runbook?: { file: string; sha256: string };
  /** The checks, to run a check again on the copies of its inputs (checks/rerun.ts); without them that is only noted. */
  checks?: CheckRerun;
  /**
   * The team's allowed-signers file, from outside the bundle
   * (--allowed-signers): every signing key must be listed there for its
   * principal. Without it, the runbook's own signers file is used when
   * `runbook` is given and it exists; else only the bundle's copy.
   */
  signers?: SignersAnchor;
  /** false: check a rollback link's two ends but do not verify the other bundle too (it is the one verifying this one). */
  followLinks?: boolean;
  /** verify --require-links: a linked bundle (rollback run or cutover run) that cannot be found is a problem, not a note. */
  requireLinks?: boolean;
}

export async function verifyBundle(bundleDir: string, options: VerifyOptions = {}): Promise<VerifyReport> {
  const problems: VerifyProblem[] = [];
  const notes: VerifyProblem[] = [];
  const report = (file: string, message: string) => problems.push({ file, message });
  // Every entry first, without following a link: what is not a regular file is reported and never opened.
  const { files, digests, blocked } = await scanBundle(bundleDir, report, (file, message) => notes.push({ file, message }));
  if (blocked) return { bundle: bundleDir, ok: false, events: 0, files: files.length, problems, notes };
  const journalPath = join(bundleDir, JOURNAL_FILE);
  const { events, problems: chain, validBytes, totalBytes } = readJournal(journalPath);
  for (const p of chain) report(JOURNAL_FILE, p);
  if (validBytes < totalBytes) report(JOURNAL_FILE, `the last ${totalBytes - validBytes} byte(s) are an incomplete line: the run stopped while writing; \`cutover resume\` repairs it`);
  const started = events[0];
  if (!started || started.type !== 'run.started') {
    report(JOURNAL_FILE, 'the journal does not start with a run.started event');
    return { bundle: bundleDir, ok: false, events: events.length, files: 0, problems, notes };
  }
  const startedRunbook = (started as { runbook?: { sha256?: unknown } }).runbook;
  if (typeof startedRunbook?.sha256 !== 'string') {
    report(JOURNAL_FILE, 'seq 1: the run.started event does not record the runbook digest (runbook.sha256): it is malformed');
    return { bundle: bundleDir, ok: false, events: events.length, files: 0, problems, notes };
  }

  checkSums(bundleDir, files, digests, report);

  const runbookDigest = digests.get(RUNBOOK_COPY);
  if (!runbookDigest) report(RUNBOOK_COPY, 'is missing');
  else if (runbookDigest !== started.runbook.sha256) report(RUNBOOK_COPY, `sha256 ${runbookDigest} does not match ${started.runbook.sha256} recorded when the run started`);

  if (options.runbook && options.runbook.sha256 !== started.runbook.sha256) {
    report(RUNBOOK_COPY, `the run recorded runbook sha256 ${started.runbook.sha256}, but ${options.runbook.file} has ${options.runbook.sha256}: this run did not use that runbook, or its copy was altered`);
  }

  checkJournalDigests(bundleDir, events, digests, report);
  checkReopenLink(bundleDir, started, report, (file, message) => notes.push({ file, message }));
  const verifyOther = async (dir: string) => verifyBundle(dir, { ...(options.checks ? { checks: options.checks } : {}), followLinks: false, ...(options.requireLinks ? { requireLinks: true } : {}) });
  const linked = await checkRollbackLinks(bundleDir, events, report, (file, message) => notes.push({ file, message }), options.followLinks === false ? undefined : verifyOther, options.requireLinks === true);

  let runbook: Runbook | undefined;
  if (runbookDigest) {
    const loaded = loadRunbook(join(bundleDir, RUNBOOK_COPY), { checkRollbackPath: false, bundleCopy: true });
    if (loaded.ok) runbook = loaded.loaded.runbook;
    else report(RUNBOOK_COPY, `is not a valid runbook: ${loaded.diagnostics[0]?.message}`);
  }
  let outcome: string | undefined;
  let signers: SignersReport | undefined;
  if (runbook) {
    // The mode decides rule 1 and the REHEARSAL banner: it must be one the runbook allows, and agree with itself.
    if (!runbook.modes.includes(started.mode) || started.rehearsal !== (started.mode === 'rehearsal')) {
      report(JOURNAL_FILE, `seq 1: run.started says mode ${String(started.mode)} with rehearsal=${String(started.rehearsal)}, which ${runbook.modes.includes(started.mode) ? 'contradict each other' : `is not a mode of the runbook (${runbook.modes.join(', ')})`}`);
    }
    checkPins(runbook, started, report);
    const preflight = preflightShapeProblem((started as { preflight?: unknown }).preflight, started.cutover_version);
    if (preflight) report(JOURNAL_FILE, `seq 1: the run.started event is malformed: ${preflight}`);
    outcome = replay(runbook, events, report).outcome;
    checkProtocolTimes(runbook, events, report); // deadline rules, sent_at, the identification time
    let anchor = options.signers;
    if (!anchor && options.runbook) {
      const found = runbookAnchor(runbook, options.runbook.file, started);
      if (found.problem) report(RUNBOOK_COPY, found.problem);
      if (found.note && (runbook.signers || started.signers)) notes.push({ file: 'signoffs/allowed_signers', message: found.note });
      anchor = found.anchor;
    }
    signers = checkSignoffs(bundleDir, runbook, events, digests, report, anchor);
    if (signers && !signers.anchored && !notes.some((n) => n.message.endsWith(NO_ANCHOR_WORDS))) notes.push({ file: 'signoffs/allowed_signers', message: NO_ANCHOR_WORDS });
    await checkVerdictsAgainstFiles(bundleDir, runbook, events, digests, report, (file, message) => notes.push({ file, message }), options.checks);
  }
  checkSummaries(bundleDir, runbook, events, outcome, started.rehearsal, report);
  // Every file is the journal's: a file it does not record was added, or the journal was cut back.
  const listed = sumsListing(bundleDir);
  for (const u of unaccountedFiles(listed ? files.filter((f) => listed.has(f)) : files, events)) report(u.file, u.message);
  return { bundle: bundleDir, ok: problems.length === 0, rehearsal: started.rehearsal, outcome, events: events.length, files: files.length, problems, notes, ...(signers ? { signers } : {}), ...(linked.length ? { linked } : {}) };
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The files SHA256SUMS lists, if it can be read. */
function sumsListing(bundleDir: string): Set<string> | undefined {
  try {
    return new Set(readSums(bundleDir).listed.keys());
  } catch {
    return undefined;
  }
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
      for (const rec of recordedFiles(ev)) check(rec, ev.seq);
    } catch (err) {
      report(JOURNAL_FILE, `seq ${String(ev.seq)}: the files recorded by this ${String(ev.type)} event cannot be checked (${messageOf(err)}): the event is malformed`);
    }
  }
}

/**
 * The baseline and target the run recorded are the runbook's, resolved with
 * the run's vars: the pinned-commit rule and the rollback target are judged
 * from them, so a forged pin would move a gate. (A pin made of a secret var
 * is journaled masked and cannot be compared.)
 */
function checkPins(runbook: Runbook, started: Extract<JournalEvent, { type: 'run.started' }>, report: (f: string, m: string) => void): void {
  let expected: { baseline: Pin; target: Pin };
  try {
    expected = resolvePins(runbook, started.vars && typeof started.vars === 'object' ? started.vars : {});
  } catch {
    return; // an unresolvable pin is reported by the replay of the steps that use it
  }
  for (const which of ['baseline', 'target'] as const) {
    for (const [field, value] of Object.entries(expected[which])) {
      const recorded = (started[which] as unknown as Record<string, unknown> | undefined)?.[field];
      if (value.includes('***') || recorded === value) continue;
      report(JOURNAL_FILE, `seq 1: run.started records ${which}.${field} ${JSON.stringify(recorded)}, but the runbook gives ${JSON.stringify(value)}`);
    }
  }
}

