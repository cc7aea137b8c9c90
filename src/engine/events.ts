// The journal's event types. Every fact of a run is one of these; the run
// state is a pure fold over them (fold.ts), so resume and verify replay the
// same code. Events carry raw facts (exit code, git HEAD, names), and the
// fold derives pass/fail from them rather than trusting a stored verdict.
import type { PreflightProblem } from '../runbook/preflight.js';
import type { Mode, Pin } from '../runbook/types.js';

export interface StreamRecord {
  file: string;
  bytes: number;
  sha256: string;
}

export interface AttemptResult {
  outcome: 'exited' | 'signaled' | 'timed-out' | 'cancelled' | 'spawn-failed';
  exit_code: number | null;
  signal: string | null;
  error?: string;
  started_at: string;
  ended_at: string;
  duration_ms: number;
  stdout: StreamRecord;
  stderr: StreamRecord;
  combined: StreamRecord;
  git_head: string | null;
  /** Recorded for pinned steps: tracked files differ from HEAD (null: could not tell). */
  git_dirty?: boolean | null;
  /** Why git_head or git_dirty could not be read (an unknown never passes a pinned step). */
  git_error?: string;
  /** Process group id of the command, when it started. */
  pid?: number | null;
  /** Facts the evidence should carry that are not failures (e.g. leftover processes killed). */
  warnings?: string[];
}

export interface AssertionResult {
  assertion: string;
  ok: boolean;
}

export interface CheckRecord {
  name: string;
  passed: boolean;
  /** The operator cancelled the check before it had a verdict (never passed). */
  cancelled?: boolean;
  summary: string;
  report: StreamRecord;
  data_file?: StreamRecord;
  /** Files the check left in the attempt (artifact copies), each with its digest. */
  files?: StreamRecord[];
  /** Every file the check read, with its digest, its git HEAD and its copy in the bundle (docs/evidence-bundle.md). */
  inputs?: CheckInputRecord[];
  /** artifact-digest: the git HEAD of the `root` the artifacts were read from. */
  root?: { dir: string; git_head: string | null; git_error?: string };
}

/** One file a check read, as the journal records it. */
export interface CheckInputRecord {
  /** The `with:` parameter that named it (`policy` also for cutover's built-in policy). */
  param: string;
  /** The absolute path read. */
  path: string;
  /** cutover's own contracts/envelope-policy.json (no `policy:` given). */
  builtin?: boolean;
  /** Size and sha256 of the file as read; null when it could not be read (the check says why). */
  bytes: number | null;
  sha256: string | null;
  /** HEAD of the git work tree holding the file; null when it is in none (or git could not tell: git_error). */
  git_head: string | null;
  git_error?: string;
  /** The copy in the attempt's inputs/ directory. */
  copy?: StreamRecord;
  /** Why there is no copy: larger than the cap, holds a secret's value, unreadable. */
  not_copied?: string;
}

/** An SSH-signed sign-off: the exact text and signature (re-verified by `cutover verify`) and their files. */
export interface SignedRecord {
  principal: string;
  /** SHA256 fingerprint of the signing key. */
  key: string;
  text: string;
  signature: string;
  msg: StreamRecord;
  sig: StreamRecord;
}

/**
 * The operator's principal in the allowed-signers file (`--operator-principal`,
 * docs/signoffs.md) and the fingerprints of its keys there: an approver's
 * signature by one of these keys is refused where a step excludes the
 * operator, and the operator signs the decision with one of them.
 */
export interface OperatorPrincipal {
  principal: string;
  keys: string[];
}

/** A new run's link to the closed run it reopens (after a NO-GO). */
export interface ReopenLink {
  run_id: string;
  /** The closed run's bundle directory, an absolute path. */
  bundle: string;
  outcome: string;
  /** The hash of the closed run's last journal event. */
  journal_head: string;
}

/** A rollback run's link to the cutover run it was started from (`cutover run <rollback> --from <bundle>`). */
export interface RollbackOfLink {
  run_id: string;
  /** The cutover run's bundle directory, an absolute path. */
  bundle: string;
  /** The hash of the cutover journal's last event when the link was made (its rollback.started follows it). */
  journal_head: string;
  /** The trigger carried over: it anchors the rollback run's `after: trigger` deadlines. */
  trigger: CarriedTrigger;
  /** When the cutover run started (its run.started `at`): no trigger of the rollback run is identified before it. */
  started_at?: string;
}

export interface CarriedTrigger {
  id: string;
  severity: string;
  identified_at: string;
  declared_at: string;
  note: string;
}

export type EventBody =
  | {
      type: 'run.started';
      run_id: string;
      rehearsal: boolean;
      mode: Mode;
      operator: string;
      runbook: { id: string; title: string; version: string; file: string; sha256: string };
      baseline: Pin;
      target: Pin;
      vars: Record<string, string>;
      host: string;
      cutover_version: string;
      /**
       * What the preflight knew before the first step (missing tools, pin
       * disagreements, cwds, unset secrets). Absent in bundles of cutover
       * before 0.2.1. A problem with `pin` locks every GO of the run.
       */
      preflight?: PreflightRecord;
      /** The copy of the runbook's allowed-signers file (signed sign-offs, docs/signoffs.md). */
      signers?: StreamRecord & { source: string };
      /** The closed run this one reopens (`cutover run --reopen`): verify checks the link when that bundle is at hand. */
      reopens?: ReopenLink;
      /** The cutover run this rollback run was started from, and the trigger it carries (issue 13). */
      rollback_of?: RollbackOfLink;
      /** The operator's principal and keys in the allowed-signers copy (signed runbooks, `--operator-principal`). */
      operator_principal?: OperatorPrincipal;
      /** The deadline rules the run is measured by (engine/deadlines.ts DEADLINE_RULES); absent: rules 1, those of cutover before it was recorded. */
      deadline_rules?: number;
    }
  /** `follow_up`: a closed run opened again only to record its follow-up steps (issue 13). */
  | { type: 'run.resumed'; operator: string; repaired_tail_bytes: number; operator_principal?: OperatorPrincipal; follow_up?: true }
  | { type: 'run.paused'; reason: string; waiting_for?: string }
  | {
      type: 'step.started';
      step: string;
      attempt: number;
      by: string;
      /** `env`: the variables the step sets (the journal masks secret values, like every string). */
      command?: { display: string; argv?: string[]; shell?: string; cwd: string; env?: Record<string, string>; expect_exit: number[]; pin_commit?: string };
      check?: { name: string; params: Record<string, unknown>; cwd: string };
      /** Tools the step needed that were not on PATH when it started (declared tools, its program): a failure is then an environment failure. */
      missing_tools?: string[];
    }
  | { type: 'step.finished'; step: string; attempt: number; result?: AttemptResult; assertions?: AssertionResult[]; check?: CheckRecord }
  | { type: 'step.interrupted'; step: string; attempt: number; reason: string }
  | { type: 'step.skipped'; step: string; reason: string; by: string }
  /**
   * The step does not run in this run: `mode` — its `modes` leave out the
   * run's mode (never blocks a GO); `section-stopped` — a required step of
   * its `on_failure: stop` section failed (`failed_step`); it runs again once
   * that step passes or is skipped.
   */
  | { type: 'step.not_run'; step: string; cause: 'mode' | 'section-stopped'; why: string; failed_step?: string; by: string }
  | { type: 'step.confirmed'; step: string; by: string; statement: string; note?: string; link?: string }
  | { type: 'input.recorded'; step: string; by: string; values: Record<string, string> }
  /** `text`: notices/<step>.md (Markdown); `plain`: notices/<step>.txt, the paste-ready text (absent before cutover 0.3.1). */
  /** `next_update_eta`: the step's `next_update` as sent (the ETA countdown, engine/updates.ts). */
  | { type: 'notice.sent'; step: string; by: string; channel?: string; sent_at: string; text: StreamRecord; plain?: StreamRecord; next_update_eta?: string }
  /** Status update `update` (1, 2, …) of a notice step with `updates: true`: its field values and files notices/<step>.update-<n>.md/.txt. */
  | { type: 'notice.updated'; step: string; update: number; by: string; channel?: string; sent_at: string; values: Record<string, string>; next_update_eta: string; text: StreamRecord; plain: StreamRecord }
  /** The next-update ETA promised by the event at `notice_seq` (`update` 0: a notice) passed with no newer notice: once per promise. */
  | { type: 'update.overdue'; step: string; update: number; notice_seq: number; eta: string }
  | {
      type: 'signoff.requested';
      step: string;
      role: string;
      principal: string;
      evidence_digest: string;
      /** The journal's last hash when requested (in the signed text). */
      journal_head: string;
      /** signoffs/<step>/<role>.msg: the text to sign (the file is rewritten by a later request; `message` keeps each). */
      text: StreamRecord;
      message: string;
      by: string;
    }
  | { type: 'signoff.recorded'; step: string; role: string; name: string; statement: string; evidence_digest: string; by: string; signed?: SignedRecord }
  /**
   * `identified_at`: when the trigger was identified (never after `at`, the
   * entry time; absent before 0.4: read as `at`). `requested_by`: who ran
   * `cutover trigger` when a running session picked up the request.
   */
  | { type: 'trigger.declared'; trigger: string; severity: string; note: string; by: string; identified_at?: string; requested_by?: string }
  | { type: 'trigger.cleared'; trigger: string; note: string; by: string; requested_by?: string }
  /**
   * A step's deadline passed before it was completed: written once per step,
   * and for a deadline counted from a trigger once per (step, trigger):
   * `trigger` and `trigger_seq` (its trigger.declared; none when carried).
   */
  | { type: 'deadline.overdue'; step: string; anchor: string; anchor_at: string; within: string; due_at: string; trigger?: string; trigger_seq?: number }
  /** (cutover run) the rollback runbook was started linked to this run; may follow run.closed. */
  | { type: 'rollback.started'; run_id: string; bundle: string; runbook: { id: string; file: string }; trigger: string; journal_head: string; started_by: string }
  | { type: 'decision.refused'; step: string; option: string; reasons: string[]; by: string }
  | {
      type: 'decision.recorded';
      step: string;
      option: string;
      label: string;
      go: boolean;
      confirmed_text: string;
      remediation?: string;
      evidence_digest: string;
      by: string;
    }
  | { type: 'run.closed'; outcome: RunOutcome; summary: string }
  /**
   * The operator's signature of the decision (docs/signoffs.md §6), made
   * after run.closed over the text whose journal head is run.closed's hash:
   * `decision` is the decision step, `signed` the text, signature, key and files.
   */
  | { type: 'decision.signed'; decision: string; journal_head: string; signed: SignedRecord };

/** The preflight as journaled in run.started. */
export interface PreflightRecord {
  problems: PreflightProblem[];
  warnings: PreflightProblem[];
}

export type RunOutcome = 'GO' | 'NO-GO' | 'DONE' | 'FAILED' | 'INCOMPLETE';

export type EventType = EventBody['type'];

export interface EventMeta {
  seq: number;
  at: string;
  prev: string;
  hash: string;
}

export type JournalEvent = EventBody & EventMeta;

