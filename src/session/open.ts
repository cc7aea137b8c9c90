// Opening a run's bundle: a new run (validate runbook, mode and vars, create
// the bundle, journal run.started) or an existing one to resume (lock,
// repair a torn journal tail, check the runbook copy, vars again). Both
// return the parts a Session is made of; every refusal is an InputError and
// leaves nothing half-made.
import { readFileSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { unrecordedNotices } from '../evidence/accounts.js';
import { createBundleDir, isBundleDir, isTempFile, MANIFEST, removeStaleTempFiles, RUNBOOK_COPY, SUMS } from '../evidence/bundle.js';
import { sha256 } from '../evidence/canonical.js';
import type { ReopenLink, RollbackOfLink } from '../engine/events.js';
import { Journal, JOURNAL_FILE, JournalCorruptError, readJournal } from '../evidence/journal.js';
import { formatDiagnostic } from '../runbook/diagnostics.js';
import { loadRunbook, type LoadedRunbook } from '../runbook/load.js';
import { NOT_FOUND } from '../runbook/source.js';
import { buildPlan, isVarProblem, type PreflightProblem } from '../runbook/preflight.js';
import { refuseUnconfirmedPins } from '../runbook/pin-tags.js';
import type { KnownStatus } from '../runbook/pin-checkout.js';
import type { Mode, Runbook } from '../runbook/types.js';
import { systemClock, type Clock } from '../shared/clock.js';
import { mkdirDurable, writeFileDurable } from '../shared/durable.js';
import { loadSignersForRun, SIGNERS_COPY } from '../signoff/signers-file.js';
import { EvidenceWriteError, InputError, RunNotStartedError } from '../shared/errors.js';
import { refuseChangedOrigin, refuseNotRegular, refuseUnaccounted } from './resume-refusals.js';
import { closedRunHint } from './reopen.js';
import { closedWithFollowUps } from './follow-ups.js';
import { operatorPrincipalForRun } from '../signoff/operator-principal.js';
import { VERSION } from '../version.js';
import { DEADLINE_RULES } from '../engine/deadlines.js';
import { resolveOperator } from './identity.js';
import { acquireLock, releaseLock } from './lock.js';
import { maskSecrets, secretsFor, shownVars } from './secrets.js';

export interface StartOptions {
  runbookPath: string;
  mode: Mode;
  vars: Record<string, string>;
  evidenceDir?: string;
  operator?: string;
  /** The run's clock (tests move it); default the system clock. */
  now?: Clock;
  /** The operator's principal in the allowed-signers file (docs/signoffs.md), journaled with its keys in run.started. */
  operatorPrincipal?: string;
  /** The closed run this new one reopens (session/reopen.ts), journaled in run.started. */
  reopens?: ReopenLink;
  /** The runbook as loadRunbook(runbookPath) read it, if the caller read it already (`cutover demo`, while its sandbox is committed). */
  loaded?: LoadedRunbook;
  /** The cutover run this rollback run starts from (session/rollback-link.ts), journaled in run.started. */
  rollbackOf?: RollbackOfLink;
  /** Vars secret whatever the runbook says (a rollback run's vars the cutover run journaled as ***): masked, journaled as ***. */
  secretVars?: string[];
  /** A pinned checkout's status, read by whoever made it just now (`cutover demo`'s sandbox producer): the preflight uses it for that directory instead of asking git. */
  checkoutStatus?: KnownStatus;
}

export interface ResumeOptions {
  operator?: string;
  /** The operator's principal in the allowed-signers file (docs/signoffs.md), journaled in run.resumed. */
  operatorPrincipal?: string;
  vars?: Record<string, string>;
  now?: Clock;
}

/** What a Session is made of. */
export interface RunParts {
  bundleDir: string;
  runbook: Runbook;
  runbookDir: string;
  operator: string;
  journal: Journal;
  /** Secret values, masked wherever text is written or shown. */
  secrets: string[];
  /** Var values as given, secrets included; the journal holds them masked. */
  vars: Record<string, string>;
  clock: Clock;
  preflight: PreflightProblem[];
}

export function openNewRun(opts: StartOptions): RunParts {
  const clock = opts.now ?? systemClock;
  const loaded = opts.loaded ?? loadOrThrow(opts.runbookPath);
  const rb = loaded.runbook;
  if (!rb.modes.includes(opts.mode)) {
    throw new InputError(`${opts.runbookPath}: this runbook may not run in ${opts.mode} mode (it allows: ${rb.modes.join(', ')})`, `run it with --mode ${rb.modes[0]}`);
  }
  const plan = buildPlan(loaded, opts.vars, process.env, opts.checkoutStatus);
  const secrets = secretsFor(rb, plan.vars, process.env, opts.secretVars ?? []);
  const varProblems = plan.problems.filter(isVarProblem);
  if (varProblems.length) {
    // A problem may quote a value (`var url="…" is not a URL`): a secret one is masked.
    throw new InputError(maskSecrets(`${opts.runbookPath}: ${varProblems.map((p) => p.message).join('; ')}`, secrets), maskSecrets(varProblems.map((p) => p.hint).join('; '), secrets));
  }
  refuseUnconfirmedPins(opts.mode, plan.problems, opts.runbookPath);
  // Read before the bundle exists: a missing or broken allowed-signers file leaves nothing behind.
  const signers = loadSignersForRun(rb, dirname(resolve(opts.runbookPath)), plan.ctx, opts.runbookPath);
  if (rb.signers?.operator_principal === 'required' && opts.operatorPrincipal === undefined) {
    throw new InputError(`${opts.runbookPath}: this runbook requires the operator's principal (signers: operator_principal: required), and none was given`, 'give --operator-principal NAME (or CUTOVER_OPERATOR_PRINCIPAL): the principal the allowed-signers file lists your own key under');
  }
  const operatorPrincipal = operatorPrincipalForRun(signers, opts.operatorPrincipal, opts.runbookPath);
  const operator = resolveOperator(opts.operator);
  const at = clock();
  const bundleDir = createBundleDir(resolve(opts.evidenceDir ?? 'evidence'), rb.id, at);
  let journal: Journal | undefined;
  try {
    writeFileDurable(join(bundleDir, RUNBOOK_COPY), loaded.text, bundleDir);
    if (signers) {
      mkdirDurable(join(bundleDir, dirname(SIGNERS_COPY)));
      writeFileDurable(join(bundleDir, SIGNERS_COPY), signers.text, bundleDir);
    }
    acquireLock(bundleDir);
    // Every event is masked before it is hashed and written (evidence/mask-event.ts).
    journal = Journal.create(join(bundleDir, JOURNAL_FILE), secrets);
    journal.append(
      {
        type: 'run.started',
        run_id: `${rb.id}@${at.toISOString()}`,
        rehearsal: opts.mode === 'rehearsal',
        mode: opts.mode,
        operator,
        runbook: { id: rb.id, title: rb.title, version: rb.version, file: resolve(opts.runbookPath), sha256: loaded.sha256 },
        baseline: plan.ctx.baseline,
        target: plan.ctx.target,
        vars: shownVars(rb, plan.vars, secrets),
        host: hostname(),
        cutover_version: VERSION,
        deadline_rules: DEADLINE_RULES,
        preflight: { problems: plan.problems, warnings: plan.warnings },
        ...(opts.reopens ? { reopens: opts.reopens } : {}),
        ...(opts.rollbackOf ? { rollback_of: opts.rollbackOf } : {}),
        ...(signers ? { signers: { file: SIGNERS_COPY, bytes: Buffer.byteLength(signers.text), sha256: sha256(signers.text), source: signers.path } } : {}),
        ...(operatorPrincipal ? { operator_principal: operatorPrincipal } : {}),
      },
      at,
    );
  } catch (err) {
    throw abandonNewRun(bundleDir, journal, err);
  }
  return { bundleDir, runbook: rb, runbookDir: dirname(resolve(opts.runbookPath)), operator, journal, secrets, vars: plan.vars, clock, preflight: plan.problems };
}

/**
 * A new run whose first writes failed (disk full while writing the runbook
 * copy, the lock or run.started) leaves nothing half-made: its journal is
 * closed, its lock released and its bundle directory removed. A failed
 * write becomes a RunNotStartedError naming the file; any other error is
 * returned as it was.
 */
function abandonNewRun(bundleDir: string, journal: Journal | undefined, err: unknown): unknown {
  journal?.close();
  releaseLock(bundleDir);
  rmSync(bundleDir, { recursive: true, force: true });
  const failure = err instanceof EvidenceWriteError ? err : typeof (err as NodeJS.ErrnoException)?.code === 'string' ? EvidenceWriteError.from((err as NodeJS.ErrnoException).path ?? join(bundleDir, JOURNAL_FILE), err) : undefined;
  return failure ? new RunNotStartedError(bundleDir, failure) : err;
}

/** Opens a bundle to continue its run; `closed` says only the closing summaries are left to write. */
export function openExistingRun(bundleDir: string, opts: ResumeOptions): RunParts & { closed: boolean } {
  const clock = opts.now ?? systemClock;
  if (!isBundleDir(bundleDir)) {
    throw new InputError(`${bundleDir}: not an evidence bundle (no ${JOURNAL_FILE} in it)`, 'pass the bundle directory that `cutover run` printed, e.g. evidence/20261121T140500Z_service-v3-cutover-day');
  }
  // One walk of the bundle serves every check below (nothing in it is written until they pass).
  const files = refuseNotRegular(bundleDir).filter((f) => !isTempFile(f));
  const onDisk = readJournal(join(bundleDir, JOURNAL_FILE)).events;
  const closed = onDisk.find((e) => e.type === 'run.closed');
  // A crash between run.closed and the closing summaries leaves them to write: only that is done then.
  // …and a closed run with follow-up steps still open is opened to record them (session/follow-ups.ts).
  if (closed?.type === 'run.closed' && summariesComplete(bundleDir, onDisk[onDisk.length - 1]!.hash) && !closedWithFollowUps(bundleDir, onDisk)) {
    const origin = onDisk[0]?.type === 'run.started' ? onDisk[0].runbook.file : '<runbook>';
    throw new InputError(`${bundleDir}: the run is closed (outcome ${closed.outcome} at ${closed.at}); there is nothing to resume`, closedRunHint(bundleDir, origin, closed.outcome));
  }
  acquireLock(bundleDir);
  // Every refusal below leaves the bundle as it was, lock included.
  let journal: Journal | undefined;
  try {
    refuseUnaccounted(bundleDir, files, onDisk);
    try {
      journal = Journal.open(join(bundleDir, JOURNAL_FILE));
    } catch (err) {
      if (err instanceof JournalCorruptError) {
        throw new InputError(`${err.file}: the journal is damaged and cannot be resumed: ${err.problems.join('; ')}`, 'run `cutover verify` on the bundle to see every problem; start a new run if the evidence was tampered with');
      }
      throw err;
    }
    const started = journal.events[0];
    if (!started || started.type !== 'run.started') {
      throw new InputError(`${bundleDir}/${JOURNAL_FILE}: the journal has no run.started event`, 'the bundle is not usable; start a new run');
    }
    const copy = join(bundleDir, RUNBOOK_COPY);
    const loaded = loadOrThrow(copy, false);
    if (loaded.sha256 !== started.runbook.sha256) {
      throw new InputError(`${copy}: the runbook copy does not match the digest recorded when the run started`, 'the bundle was modified; run `cutover verify` on it');
    }
    refuseChangedOrigin(started.runbook.file, started.runbook.sha256, copy);
    removeStaleTempFiles(bundleDir);
    for (const f of unrecordedNotices(files, journal.events)) rmSync(join(bundleDir, f), { force: true });
    const vars = resumeVars(loaded.runbook, started.vars, opts.vars ?? {});
    // A var journaled as *** stays secret, even if what made it one is no longer in the environment.
    const secrets = secretsFor(loaded.runbook, vars, process.env, Object.keys(started.vars).filter((k) => started.vars[k] === '***'));
    journal.maskWith(secrets);
    return {
      bundleDir,
      runbook: loaded.runbook,
      runbookDir: dirname(started.runbook.file),
      operator: resolveOperator(opts.operator ?? started.operator),
      journal,
      secrets,
      vars,
      clock,
      preflight: (Array.isArray(started.preflight?.problems) ? started.preflight.problems : []).filter((p) => p?.pin), // what still binds: pins that lock the GO
      closed: closed !== undefined,
    };
  } catch (err) {
    journal?.close();
    releaseLock(bundleDir);
    throw err;
  }
}

/**
 * Vars for a resumed run. The journal holds secret values masked, so those
 * come again from --var or the var's environment variable.
 */
function resumeVars(runbook: Runbook, recorded: Record<string, string>, given: Record<string, string>): Record<string, string> {
  const vars = { ...recorded };
  const notSecret = Object.keys(given).filter((k) => recorded[k] !== '***');
  if (notSecret.length) {
    throw new InputError(
      `--var ${notSecret.join(', ')}: only secret vars are given again on resume; the others keep the values the run started with (${notSecret.map((k) => (k in recorded ? `${k}=${recorded[k]}` : `${k} is not a var of this run`)).join('; ')})`,
      'remove those --var flags; to run with other values, start a new run',
    );
  }
  const missing: string[] = [];
  for (const [name, value] of Object.entries(recorded)) {
    if (value !== '***') continue;
    const decl = runbook.vars?.[name];
    const fromEnv = decl?.env ? process.env[decl.env] : undefined;
    const v = given[name] ?? fromEnv;
    if (v === undefined) missing.push(name);
    else vars[name] = v;
  }
  if (missing.length) {
    throw new InputError(`the secret var(s) ${missing.join(', ')} are not stored in the bundle`, `pass them again: ${missing.map((m) => `--var ${m}=...`).join(' ')}`);
  }
  return vars;
}

function loadOrThrow(file: string, checkRollbackPath = true): LoadedRunbook {
  const r = loadRunbook(file, checkRollbackPath ? {} : { checkRollbackPath: false, bundleCopy: true });
  if (!r.ok) {
    const missing = r.diagnostics.find((d) => d.message === NOT_FOUND);
    if (missing) throw new InputError(`${file}: ${NOT_FOUND}`, missing.hint);
    const text = r.diagnostics.map(formatDiagnostic).join('\n');
    throw new InputError(`${file} is not a valid runbook:\n${text}`, `fix it and check with \`cutover lint ${file}\``);
  }
  return r.loaded;
}

/** Whether `cutover resume` has anything to do on this closed run: summaries left unwritten, or follow-up steps still open. */
export function closedRunResumable(bundleDir: string): boolean {
  try {
    const events = readJournal(join(bundleDir, JOURNAL_FILE)).events;
    return !summariesComplete(bundleDir, events[events.length - 1]!.hash) || closedWithFollowUps(bundleDir, events);
  } catch {
    return true;
  }
}

/** manifest.json describes the journal as it ends, and SHA256SUMS (written last) lists that manifest. */
function summariesComplete(bundleDir: string, lastHash: string): boolean {
  try {
    const manifestText = readFileSync(join(bundleDir, MANIFEST));
    const manifest = JSON.parse(manifestText.toString('utf8')) as { journal?: { last_hash?: string } };
    const sums = readFileSync(join(bundleDir, SUMS), 'utf8');
    return manifest.journal?.last_hash === lastHash && sums.split('\n').includes(`${sha256(manifestText)}  ${MANIFEST}`);
  } catch {
    return false;
  }
}
