// `cutover trigger` against a running run (issue 13): the command cannot
// write the journal a live session holds, so it drops a request into the
// bundle's temporary directory (.tmp/trigger-request-<id>.json, written
// whole and renamed into place). The session looks a few times a second,
// claims a request by renaming it (so a request is taken once, or
// withdrawn by the command when no session answers), validates and
// journals it through the same intents as the screen, and writes the
// answer beside it (.tmp/trigger-answer-<id>.json) for the command to
// print. A request is checked as strictly as the answers file (exact keys
// and types, `by` a person's name as --operator takes it), and every
// request claimed gets an answer — a refusal with the reason when it is
// malformed or cannot be recorded. The command removes the answer it
// read; the session removes what it claimed, and sweeps leftovers of a
// command or session that was stopped (older than the command's deadline,
// and again when it stops). Requests are never evidence: resume empties
// .tmp, and verify names a leftover as a note.
import { randomBytes } from 'node:crypto';
import { readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { TEMP_DIR } from '../shared/inside.js';
import { mkdirDurable, writeFileDurable } from '../shared/durable.js';
import { cleanText, nameProblem } from '../shared/names.js';
import { readSmallFile } from '../shared/small-file.js';
import { markLockPolling } from './lock.js';
import { refuse, type IntentResult } from './result.js';
import type { EtaState } from '../engine/updates.js';
import type { Session } from './session.js';

/** How long `cutover trigger` waits for a running session's answer, from when it dropped the request (an absolute deadline). */
export const ANSWER_WAIT_MS = 20_000;
/** A request, claim or answer file older than this was left by a command or session that stopped: swept. */
export const STALE_MS = 3 * ANSWER_WAIT_MS;
/** The longest note a request may carry (a note is what was observed, not a log). */
export const MAX_NOTE_CHARS = 4000;

export interface TriggerRequest {
  action: 'declare' | 'clear';
  trigger: string;
  note: string;
  severity?: string;
  /** As the command resolved it (a UTC time), or absent for "when the session takes it". */
  identified_at?: string;
  /** Who ran `cutover trigger` (journaled as requested_by). */
  by: string;
}

export interface TriggerAnswer {
  ok: boolean;
  reasons?: string[];
  hint?: string;
  /** The journal event that recorded it. */
  seq?: number;
  hash?: string;
}

const REQUEST = /^trigger-request-([a-f0-9]{16})\.json$/;
/** Every file of the request protocol, whoever left it. */
export const TRIGGER_FILE = /^trigger-(?:request|claimed|answer|part)-[a-f0-9]{16}\.json$/;

function dir(bundleDir: string): string {
  return join(bundleDir, TEMP_DIR);
}

export function requestFile(bundleDir: string, id: string): string {
  return join(dir(bundleDir), `trigger-request-${id}.json`);
}

export function claimedFile(bundleDir: string, id: string): string {
  return join(dir(bundleDir), `trigger-claimed-${id}.json`);
}

export function answerFile(bundleDir: string, id: string): string {
  return join(dir(bundleDir), `trigger-answer-${id}.json`);
}

/** Drops a request for the running session; returns its id. */
export function dropRequest(bundleDir: string, request: TriggerRequest): string {
  const id = randomBytes(8).toString('hex');
  mkdirDurable(dir(bundleDir));
  const part = join(dir(bundleDir), `trigger-part-${id}.json`);
  writeFileDurable(part, `${JSON.stringify(request)}\n`, bundleDir);
  renameSync(part, requestFile(bundleDir, id));
  return id;
}

/** The session's answer, once written; read once (the file is removed: .tmp holds no leftovers for verify to find). */
export function readAnswer(bundleDir: string, id: string): TriggerAnswer | undefined {
  const r = readSmallFile(answerFile(bundleDir, id));
  if (!r.ok) return undefined;
  let answer: TriggerAnswer;
  try {
    answer = JSON.parse(r.text) as TriggerAnswer;
  } catch {
    return undefined; // not written whole yet
  }
  rmSync(answerFile(bundleDir, id), { force: true });
  return answer;
}

/** Takes the request back if no session has claimed it; false when a session took it first. */
export function withdrawRequest(bundleDir: string, id: string): boolean {
  try {
    rmSync(requestFile(bundleDir, id));
    return true;
  } catch {
    return false;
  }
}

const KEYS = new Set(['action', 'trigger', 'note', 'severity', 'identified_at', 'by']);

/** A request as the session takes it, or what is wrong with it (nothing of it is journaled then). */
export function parseRequest(text: string): TriggerRequest | string {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return 'the request is not JSON';
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return 'the request is not a JSON object';
  const r = v as Record<string, unknown>;
  const unknown = Object.keys(r).filter((k) => !KEYS.has(k));
  if (unknown.length) return `the request has unknown key(s) ${unknown.map((k) => JSON.stringify(k)).join(', ')}; it takes only ${[...KEYS].join(', ')}`;
  if (r.action !== 'declare' && r.action !== 'clear') return 'the request\'s action must be "declare" or "clear"';
  for (const k of ['trigger', 'note', 'by', 'severity', 'identified_at']) {
    if (r[k] !== undefined && typeof r[k] !== 'string') return `the request's ${k} must be a string, not ${r[k] === null ? 'null' : typeof r[k]}`;
  }
  if (typeof r.trigger !== 'string' || !/^[a-z][a-z0-9_-]{0,127}$/.test(r.trigger)) return 'the request\'s trigger must be a trigger id of the matrix (lower-case letters, digits, - and _)';
  if (typeof r.note !== 'string' || !r.note.trim()) return 'the request needs a note';
  if ([...r.note].length > MAX_NOTE_CHARS) return `the request's note is longer than ${MAX_NOTE_CHARS} characters`;
  if (typeof r.by !== 'string') return 'the request needs by (who ran cutover trigger)';
  const problem = nameProblem(r.by, 'the request\'s by (who ran cutover trigger)');
  if (problem) return problem;
  if (r.action === 'clear' && (r.severity !== undefined || r.identified_at !== undefined)) return 'a clear request takes no severity or identified_at';
  return {
    action: r.action,
    trigger: r.trigger,
    note: r.note,
    by: cleanText(r.by),
    ...(typeof r.severity === 'string' ? { severity: r.severity } : {}),
    ...(typeof r.identified_at === 'string' ? { identified_at: r.identified_at } : {}),
  };
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Journals one parsed request through the session's intents; an exception (the journal cannot be written) is a refusal saying so. */
function record(session: Session, request: TriggerRequest): IntentResult {
  try {
    if (request.action === 'clear') return session.clearTrigger(request.trigger, request.note, { requestedBy: request.by });
    return session.declareTrigger(request.trigger, request.note, { ...(request.severity ? { severity: request.severity } : {}), ...(request.identified_at ? { identifiedAt: request.identified_at } : {}), requestedBy: request.by });
  } catch (err) {
    return refuse(`the running session could not record it: ${messageOf(err)}`, 'see that run\'s screen or log; nothing more was journaled for this request');
  }
}

/**
 * Removes the request protocol's files that a stopped command or session
 * left: claims and parts older than `olderThanMs`, and answers nobody read
 * within it. Requests still waiting are the command's to withdraw.
 */
export function sweepTriggerFiles(bundleDir: string, olderThanMs = STALE_MS, now = Date.now()): string[] {
  let names: string[];
  try {
    names = readdirSync(dir(bundleDir));
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!TRIGGER_FILE.test(name) || REQUEST.test(name)) continue;
    const path = join(dir(bundleDir), name);
    try {
      if (now - statSync(path).mtimeMs < olderThanMs) continue;
      rmSync(path, { force: true });
      removed.push(name);
    } catch {
      // gone meanwhile
    }
  }
  return removed;
}

/**
 * Takes every request waiting in the bundle, journals each through the
 * session's intents (or refuses it) and answers it. Returns what was done.
 */
export function pickUpRequests(session: Session): { request: TriggerRequest; result: IntentResult }[] {
  let names: string[];
  try {
    names = readdirSync(dir(session.bundleDir));
  } catch {
    return [];
  }
  const done: { request: TriggerRequest; result: IntentResult }[] = [];
  for (const name of names.sort()) {
    const id = REQUEST.exec(name)?.[1];
    if (!id) continue;
    const claimed = claimedFile(session.bundleDir, id);
    try {
      renameSync(requestFile(session.bundleDir, id), claimed); // withdrawn meanwhile: skip it
    } catch {
      continue;
    }
    const read = readSmallFile(claimed);
    const request = read.ok ? parseRequest(read.text) : `the request ${read.problem}`;
    const result = typeof request === 'string' ? refuse(request, 'write the request with `cutover trigger` (see `cutover trigger --help`)') : record(session, request);
    const last = session.events.at(-1)!;
    const answer: TriggerAnswer = result.ok ? { ok: true, seq: last.seq, hash: last.hash } : { ok: false, reasons: result.reasons.map((r) => session.mask(r)), ...(result.hint ? { hint: session.mask(result.hint) } : {}) };
    try {
      writeFileDurable(answerFile(session.bundleDir, id), `${JSON.stringify(answer)}\n`, session.bundleDir);
    } catch {
      // The answer cannot be written (disk full): the command says it was claimed, not answered, and to check the journal.
    }
    rmSync(claimed, { force: true });
    if (typeof request !== 'string') done.push({ request, result });
  }
  return done;
}

/**
 * Looks for requests (and deadlines gone overdue) a few times a second
 * while a front end drives the session; `onEvent` is told what was done.
 * Returns the function that stops it.
 */
export function watchRequests(session: Session, onEvent: (e: { picked?: { request: TriggerRequest; result: IntentResult }; overdue?: ReturnType<Session['triggers']['recordOverdue']>; late?: EtaState }) => void, everyMs = 250): () => void {
  let stopped = false;
  try {
    markLockPolling(session.bundleDir, true); // `cutover trigger` hands its requests to this process
  } catch {
    // The lock could not be rewritten: a request is still picked up; the command only cannot tell this holder polls.
  }
  const tick = () => {
    if (stopped || session.state.closed) return;
    try {
      for (const picked of pickUpRequests(session)) onEvent({ picked });
      sweepTriggerFiles(session.bundleDir);
      const overdue = session.triggers.recordOverdue();
      if (overdue.length) onEvent({ overdue });
      const late = session.updates.recordOverdue(); // a next-update ETA passed with no newer notice (once per ETA)
      if (late) onEvent({ late });
    } catch {
      // The journal could not be written: the front end learns it from the session's health.
    }
  };
  const timer = setInterval(tick, everyMs);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
    sweepTriggerFiles(session.bundleDir); // what a stopped command left; an answer just written stays for its command
  };
}
