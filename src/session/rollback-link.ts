// Switching from a cutover run to its rollback runbook (issue 13):
// `cutover run <rollback runbook> --from <cutover bundle>` (and the screen's
// prompt) starts the rollback run with the cutover run's mode and vars and
// the trigger it declared, in a new bundle linked both ways: the rollback
// run's run.started names the cutover run (`rollback_of`: run id, bundle,
// the cutover journal's head at the link, the trigger), and the cutover
// journal gets rollback.started naming the rollback run (id, bundle, the
// hash of its run.started). verify checks the pair (evidence/verify-rollback-link.ts).
import { join, relative, resolve } from 'node:path';
import type { JournalEvent, RollbackOfLink } from '../engine/events.js';
import { foldEvents } from '../engine/fold.js';
import { isBundleDir } from '../evidence/bundle.js';
import { Journal, JOURNAL_FILE, readJournal } from '../evidence/journal.js';
import { loadRunbook } from '../runbook/load.js';
import type { Mode, Runbook } from '../runbook/types.js';
import { commandName } from '../shared/command-name.js';
import { InputError } from '../shared/errors.js';
import { MASKED } from '../shared/secret-mask.js';
import { acquireLock, releaseLock } from './lock.js';

export interface RollbackOrigin {
  link: RollbackOfLink;
  mode: Mode;
  /** The cutover run's vars the rollback runbook declares (secret ones are masked in the journal: give them again). */
  vars: Record<string, string>;
  /** Vars the rollback runbook needs that neither the cutover run nor the environment gives. */
  missing: string[];
  /** The rollback runbook's vars the cutover run journaled as *** (secret there): secret in the rollback run too. */
  secret: string[];
}

/** What the rollback runbook needs beyond `carried`: vars without a default, an env value or `required: false`. */
export function missingVars(rollback: Runbook, carried: Record<string, string>, given: Record<string, string> = {}): string[] {
  return Object.entries(rollback.vars ?? {})
    .filter(([name, decl]) => !(name in carried) && !(name in given) && decl.default === undefined && decl.required !== false && !(decl.env && process.env[decl.env] !== undefined))
    .map(([name]) => name);
}

/** Reads the cutover run `bundleDir` a rollback run of `rollback` starts from; refuses what cannot be linked. */
export function readRollbackOrigin(bundleDir: string, rollback: Runbook, triggerId?: string): RollbackOrigin {
  const where = `run --from ${bundleDir}`;
  if (!isBundleDir(bundleDir)) throw new InputError(`${where}: not an evidence bundle (no ${JOURNAL_FILE} in it)`, 'pass the bundle directory of the cutover run, as `cutover run` printed it');
  const { events, problems, validBytes, totalBytes } = readJournal(join(bundleDir, JOURNAL_FILE));
  if (problems.length) throw new InputError(`${where}: the journal of that run has integrity problems (${problems[0]})`, `run \`${commandName()} verify ${bundleDir}\`; a rollback is linked only to an intact bundle`);
  const started = events[0];
  if (started?.type !== 'run.started') throw new InputError(`${where}: ${JOURNAL_FILE} does not start with run.started`, `run \`${commandName()} verify ${bundleDir}\``);
  if (validBytes < totalBytes) throw new InputError(`${where}: the journal ends with an incomplete line (the run stopped while writing)`, `run \`${commandName()} resume ${bundleDir}\` once (it repairs the journal), quit it, then start the rollback again`);
  const copy = loadRunbook(join(bundleDir, 'runbook.yaml'), { checkRollbackPath: false, bundleCopy: true });
  if (!copy.ok) throw new InputError(`${where}: the runbook copy in that bundle is not valid`, `run \`${commandName()} verify ${bundleDir}\``);
  const state = foldEvents(copy.loaded.runbook, events);
  const isRollback = (id: string) => copy.loaded.runbook.triggers?.find((t) => t.id === id)?.rollback === true;
  const open = state.triggers.filter((t) => t.open);
  const chosen = triggerId !== undefined ? open.find((t) => t.id === triggerId) : ([...open].reverse().find((t) => isRollback(t.id)) ?? open.at(-1));
  if (!chosen) {
    const fix = triggerId !== undefined && open.length ? `the open triggers are: ${open.map((t) => t.id).join(', ')}` : `declare it first: \`${commandName()} trigger ${bundleDir} TRIGGER --note TEXT\``;
    throw new InputError(`${where}: ${triggerId !== undefined ? `trigger "${triggerId}" is not open` : 'no rollback trigger is open'} in run ${state.runId}`, fix);
  }
  const linked = state.rollbacks.find((r) => r.trigger === chosen.id);
  if (linked) throw new InputError(`${where}: the rollback of trigger "${chosen.id}" was already started (run ${linked.runId}, ${linked.bundle})`, `continue it: \`${commandName()} resume ${linked.bundle}\``);
  const declared = new Set(Object.keys(rollback.vars ?? {}));
  const vars = Object.fromEntries(Object.entries(started.vars).filter(([k, v]) => declared.has(k) && !v.includes(MASKED)));
  return {
    link: {
      run_id: started.run_id,
      bundle: resolve(bundleDir),
      journal_head: events.at(-1)!.hash,
      started_at: started.at,
      trigger: { id: chosen.id, severity: chosen.severity, identified_at: chosen.identifiedAt, declared_at: chosen.declaredAt, note: chosen.note },
    },
    mode: started.mode,
    vars,
    missing: missingVars(rollback, vars),
    secret: Object.keys(started.vars).filter((k) => declared.has(k) && started.vars[k]!.includes(MASKED)),
  };
}

/**
 * Holds the cutover bundle while the rollback run starts, so that no event
 * comes between the head the rollback run names and its rollback.started.
 * The journal is appended to directly (a closed run gets only this event);
 * the caller rewrites the summaries afterwards (resume does).
 */
export class CutoverHold {
  private readonly journal: Journal;

  private constructor(readonly bundleDir: string) {
    this.journal = Journal.open(join(bundleDir, JOURNAL_FILE));
  }

  static take(bundleDir: string): CutoverHold {
    acquireLock(bundleDir);
    try {
      return new CutoverHold(bundleDir);
    } catch (err) {
      releaseLock(bundleDir);
      throw err;
    }
  }

  get head(): string {
    return this.journal.events.at(-1)!.hash;
  }

  /** Appends rollback.started naming the rollback run (the caller releases the bundle). */
  link(rollbackStarted: JournalEvent & { type: 'run.started' }, rollbackBundle: string, startedBy: string, trigger: string, now: Date): JournalEvent {
    return this.journal.append({ type: 'rollback.started', run_id: rollbackStarted.run_id, bundle: resolve(rollbackBundle), runbook: { id: rollbackStarted.runbook.id, file: rollbackStarted.runbook.file }, trigger, journal_head: rollbackStarted.hash, started_by: startedBy }, now);
  }

  release(): void {
    this.journal.close();
    releaseLock(this.bundleDir);
  }
}

/** The command that starts the rollback runbook from this run, complete: it works as printed once this run has stopped. */
export function rollbackCommand(runbookDir: string, runbook: Runbook, bundleDir: string, vars: Record<string, string>, shown: (p: string) => string): string | undefined {
  if (!runbook.rollback) return undefined;
  const file = resolve(runbookDir, runbook.rollback);
  const loaded = loadRunbook(file, { checkRollbackPath: false });
  const carried = Object.fromEntries(Object.entries(vars).filter(([, v]) => !v.includes(MASKED)));
  const missing = loaded.ok ? missingVars(loaded.loaded.runbook, carried).map((n) => ` --var ${n}=…`) : [];
  const secret = loaded.ok ? Object.keys(vars).filter((k) => vars[k]!.includes(MASKED) && loaded.loaded.runbook.vars?.[k] !== undefined).map((n) => ` --var ${n}=…`) : [];
  return `${commandName()} run ${quote(shown(file))} --from ${quote(shown(bundleDir))}${[...new Set([...missing, ...secret])].join('')}`; // a masked var the rollback runbook needs is in both: once
}

function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** A path relative to `from` when below it, else absolute. */
export function shownPath(path: string, from = process.cwd()): string {
  const rel = relative(from, path);
  return rel === '' ? '.' : rel.startsWith('..') ? path : rel;
}
