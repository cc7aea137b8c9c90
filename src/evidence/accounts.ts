// What the journal accounts for. Every file of a bundle is either one of
// its fixed files (the journal, the runbook copy, the summaries) or
// recorded by an event of the journal with its digest — a log, a check
// report, a copied artifact, a notice. A file the journal does not account
// for was written by a run whose journal went further (a journal cut back
// to a prefix of itself is still a valid chain) or was added by hand.
// Resume refuses such a bundle before writing anything; verify reports it.
import type { JournalEvent, StreamRecord } from '../engine/events.js';
import { DECISION_RECORD, LOCK, MANIFEST, RUNBOOK_COPY, SUMS } from './bundle.js';
import { JOURNAL_FILE } from './journal.js';

/** Files every bundle may hold whatever its journal says. */
const FIXED = new Set([JOURNAL_FILE, RUNBOOK_COPY, MANIFEST, DECISION_RECORD, SUMS, LOCK]);

/** A file of an attempt: steps/<step>/attempt-<n>/<rest>. */
const ATTEMPT_FILE = /^steps\/([^/]+)\/attempt-(\d+)\/(.+)$/;
const NOTICE_FILE = /^notices\/([^/]+)\.(?:md|txt)$/;
/** Written while an attempt's command runs, removed before its step.finished. */
const WHILE_RUNNING = new Set(['pid', 'pid.identity']);

export interface Unaccounted {
  file: string;
  message: string;
}

export interface JournalAccounts {
  /** Files recorded with their digest, and the seq of the event that did it. */
  recorded: Map<string, { rec: StreamRecord; seq: number }>;
  /** `step/n` of every attempt started, with whether it finished. */
  attempts: Map<string, { finishedSeq?: number }>;
  sentNotices: Set<string>;
}

/** The files every event records (logs, check reports and copies, notices). */
export function recordedFiles(ev: JournalEvent): StreamRecord[] {
  if (ev.type === 'step.finished') {
    const r = ev.result;
    const c = ev.check;
    const copies = Array.isArray(c?.inputs) ? c.inputs.map((i) => (i && typeof i === 'object' ? i.copy : undefined)) : [];
    return [r?.stdout, r?.stderr, r?.combined, c?.report, c?.data_file, ...(Array.isArray(c?.files) ? c.files : []), ...copies].filter(
      (x): x is StreamRecord => typeof x === 'object' && x !== null && typeof (x as StreamRecord).file === 'string',
    );
  }
  if (ev.type === 'notice.sent' || ev.type === 'notice.updated') return [ev.text, ev.plain].filter((x): x is StreamRecord => typeof x?.file === 'string');
  return [];
}

export function journalAccounts(events: readonly JournalEvent[]): JournalAccounts {
  const recorded = new Map<string, { rec: StreamRecord; seq: number }>();
  const attempts = new Map<string, { finishedSeq?: number }>();
  const sentNotices = new Set<string>();
  for (const ev of events) {
    for (const rec of recordedFiles(ev)) if (!recorded.has(rec.file)) recorded.set(rec.file, { rec, seq: ev.seq });
    if (ev.type === 'step.started') attempts.set(`${ev.step}/${ev.attempt}`, {});
    else if (ev.type === 'step.finished') {
      const a = attempts.get(`${ev.step}/${ev.attempt}`);
      if (a) a.finishedSeq = ev.seq;
    } else if (ev.type === 'notice.sent') sentNotices.add(ev.step);
    else if (ev.type === 'notice.updated') sentNotices.add(`${ev.step}.update-${ev.update}`); // notices/<step>.update-<n>.*
  }
  return { recorded, attempts, sentNotices };
}

export interface AccountOptions {
  /**
   * Resume after a crash: a notice file written just before its notice.sent
   * event (the one write a crash can leave unrecorded) is not held against
   * the bundle; the resumed run writes it again. Verify is strict.
   */
  crashLeftovers?: boolean;
}

/**
 * Every file of `files` (bundle-relative, `/`-separated) the journal does not
 * account for, with why. Files of an attempt that started but never
 * finished are its partial evidence (a crash) and are accounted for.
 */
export function unaccountedFiles(files: readonly string[], events: readonly JournalEvent[], opts: AccountOptions = {}): Unaccounted[] {
  const acc = journalAccounts(events);
  const out: Unaccounted[] = [];
  for (const file of files) {
    if (FIXED.has(file) || acc.recorded.has(file)) continue;
    const attempt = ATTEMPT_FILE.exec(file);
    if (attempt) {
      const [, step, n, rest] = attempt;
      const known = acc.attempts.get(`${step}/${Number(n)}`);
      if (!known) out.push({ file, message: `belongs to attempt ${n} of step "${step}", which the journal never started: the journal is shorter than the evidence on disk (cut back?) or the file was added` });
      else if (known.finishedSeq !== undefined && !WHILE_RUNNING.has(rest!)) out.push({ file, message: `is not among the files the journal recorded for attempt ${n} of step "${step}" (seq ${known.finishedSeq}): it was added after the attempt finished` });
      else if (known.finishedSeq !== undefined) out.push({ file, message: `is the process id of attempt ${n} of step "${step}", which finished (seq ${known.finishedSeq}); a finished attempt leaves none` });
      continue;
    }
    const notice = NOTICE_FILE.exec(file);
    if (notice && opts.crashLeftovers && !acc.sentNotices.has(notice[1]!)) continue;
    if (notice) {
      out.push({ file, message: acc.sentNotices.has(notice[1]!) ? `is not the notice text the journal recorded for step "${notice[1]}"` : `is the text of notice "${notice[1]}", which the journal never recorded as sent: the journal is shorter than the evidence on disk (cut back?) or the file was added` });
      continue;
    }
    const signoff = signoffFileProblem(file, events);
    if (signoff === null) continue;
    out.push({ file, message: signoff ?? 'is not part of the bundle layout and not recorded by the journal: it was added' });
  }
  return out;
}

/**
 * What the closing summaries say the journal held, against the journal: a
 * manifest (or SHA256SUMS) describing events the journal no longer has
 * means the journal was cut back after they were written.
 */
export function summariesAhead(manifestText: string | undefined, events: readonly JournalEvent[]): string | undefined {
  if (manifestText === undefined) return undefined;
  let manifest: { journal?: { events?: unknown; last_hash?: unknown } };
  try {
    manifest = JSON.parse(manifestText) as typeof manifest;
  } catch {
    return undefined; // verify reports a manifest that does not parse
  }
  const recorded = manifest?.journal;
  if (!recorded || typeof recorded.last_hash !== 'string') return undefined;
  const at = events.find((e) => e.hash === recorded.last_hash);
  if (!at) {
    const count = typeof recorded.events === 'number' ? recorded.events : undefined;
    return `${MANIFEST} summarizes a journal ${count !== undefined ? `of ${count} events ` : ''}ending in hash ${recorded.last_hash.slice(0, 12)}…, which this journal (${events.length} events) does not contain: the journal was cut back or replaced after the summaries were written`;
  }
  return undefined;
}

/**
 * Notice texts on disk that the journal never recorded as sent: what a
 * crash between writing a notice and its notice.sent event leaves. Resume
 * removes them (the notice is written again when it is sent).
 */
export function unrecordedNotices(files: readonly string[], events: readonly JournalEvent[]): string[] {
  const acc = journalAccounts(events);
  return files.filter((f) => {
    const m = NOTICE_FILE.exec(f);
    return m !== null && !acc.sentNotices.has(m[1]!) && !acc.recorded.has(f);
  });
}


const SIGNOFF_FILE = /^signoffs\/([^/]+)\/([^/]+)\.(msg|sig)$/;

/**
 * Files of signed sign-offs (docs/signoffs.md): the allowed-signers copy
 * run.started records, and each requested sign-off's text (.msg) and
 * signature (.sig; one dropped by `cutover sign` waits there until the
 * session records it). null: accounted for; a string: why not; undefined:
 * not a sign-off file. Their digests are checked by signoff/verify-signoffs.ts.
 */
function signoffFileProblem(file: string, events: readonly JournalEvent[]): string | null | undefined {
  if (file === 'signoffs/allowed_signers') {
    const started = events[0];
    return started?.type === 'run.started' && started.signers?.file === file ? null : 'is an allowed-signers copy, but run.started records none: it was added';
  }
  const m = SIGNOFF_FILE.exec(file);
  if (!m) return undefined;
  // The operator's signature of the decision, made once the run is closed (signoff/decision-signature.ts).
  if (m[2] === 'operator' && events.some((ev) => ev.type === 'run.closed') && events.some((ev) => ev.type === 'decision.recorded' && ev.step === m[1])) return null;
  const requested = events.some((ev) => ev.type === 'signoff.requested' && ev.step === m[1] && ev.role === m[2]);
  return requested ? null : `is a sign-off ${m[3] === 'msg' ? 'text' : 'signature'} for role "${m[2]}" of step "${m[1]}", which the journal never requested: the journal is shorter than the evidence on disk (cut back?) or the file was added`;
}
