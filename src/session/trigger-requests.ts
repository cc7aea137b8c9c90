// `cutover trigger` against a running run (issue 13): the command cannot
// write the journal a live session holds, so it drops a request into the
// bundle's temporary directory (.tmp/trigger-request-<id>.json, written
// whole and renamed into place). The session looks a few times a second,
// claims a request by renaming it (so a request is taken once, or
// withdrawn by the command when no session answers), validates and
// journals it through the same intents as the screen, and writes the
// answer beside it (.tmp/trigger-answer-<id>.json) for the command to
// print. Requests are never evidence: resume empties .tmp.
import { randomBytes } from 'node:crypto';
import { readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { TEMP_DIR } from '../shared/inside.js';
import { mkdirDurable, writeFileDurable } from '../shared/durable.js';
import { readSmallFile } from '../shared/small-file.js';
import type { IntentResult } from './result.js';
import type { Session } from './session.js';

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

function dir(bundleDir: string): string {
  return join(bundleDir, TEMP_DIR);
}

export function requestFile(bundleDir: string, id: string): string {
  return join(dir(bundleDir), `trigger-request-${id}.json`);
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

function parseRequest(text: string): TriggerRequest | string {
  let v: Partial<TriggerRequest>;
  try {
    v = JSON.parse(text) as Partial<TriggerRequest>;
  } catch {
    return 'the request is not JSON';
  }
  if ((v.action !== 'declare' && v.action !== 'clear') || typeof v.trigger !== 'string' || typeof v.note !== 'string' || typeof v.by !== 'string') return 'the request needs action, trigger, note and by';
  return v as TriggerRequest;
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
    const claimed = join(dir(session.bundleDir), `trigger-claimed-${id}.json`);
    try {
      renameSync(requestFile(session.bundleDir, id), claimed); // withdrawn meanwhile: skip it
    } catch {
      continue;
    }
    const read = readSmallFile(claimed);
    const request = read.ok ? parseRequest(read.text) : `the request ${read.problem}`;
    let result: IntentResult;
    if (typeof request === 'string') result = { ok: false, reasons: [request] };
    else if (request.action === 'clear') result = session.clearTrigger(request.trigger, request.note, { requestedBy: request.by });
    else result = session.declareTrigger(request.trigger, request.note, { ...(request.severity ? { severity: request.severity } : {}), ...(request.identified_at ? { identifiedAt: request.identified_at } : {}), requestedBy: request.by });
    const last = session.events.at(-1)!;
    const answer: TriggerAnswer = result.ok ? { ok: true, seq: last.seq, hash: last.hash } : { ok: false, reasons: result.reasons.map((r) => session.mask(r)), ...(result.hint ? { hint: session.mask(result.hint) } : {}) };
    writeFileDurable(answerFile(session.bundleDir, id), `${JSON.stringify(answer)}\n`, session.bundleDir);
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
export function watchRequests(session: Session, onEvent: (e: { picked?: { request: TriggerRequest; result: IntentResult }; overdue?: ReturnType<Session['triggers']['recordOverdue']> }) => void, everyMs = 250): () => void {
  let stopped = false;
  const tick = () => {
    if (stopped || session.state.closed) return;
    try {
      for (const picked of pickUpRequests(session)) onEvent({ picked });
      const overdue = session.triggers.recordOverdue();
      if (overdue.length) onEvent({ overdue });
    } catch {
      // The journal could not be written: the front end learns it from the session's health.
    }
  };
  const timer = setInterval(tick, everyMs);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
