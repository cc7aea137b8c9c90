// verify (issue 13): a rollback run and the cutover run it was started from
// name each other. The rollback run's run.started `rollback_of` gives the
// cutover run's id, bundle and its journal head at the link; the cutover
// journal's rollback.started that follows that head gives the rollback
// run's id, bundle and the hash of its run.started. When the other bundle
// is at hand (at the recorded path, or beside this one under the same
// name), both directions must match and the other bundle is verified too;
// when it is not, that is said as a note — the link was not checked.
import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { JournalEvent } from '../engine/events.js';
import { loadRunbook } from '../runbook/load.js';
import { isBundleDir } from './bundle.js';
import { JOURNAL_FILE, readJournal } from './journal.js';

type Report = (file: string, message: string) => void;

export interface LinkedReport {
  bundle: string;
  ok: boolean;
  outcome?: string;
  problems: { file: string; message: string }[];
}

export type VerifyOther = (bundleDir: string) => Promise<LinkedReport>;

/** The other bundle: at the recorded path, or beside `bundleDir` under the same name. */
function findBundle(bundleDir: string, recorded: string): string | undefined {
  const beside = join(dirname(resolve(bundleDir)), basename(recorded));
  return [recorded, beside].find((dir) => resolve(dir) !== resolve(bundleDir) && existsSync(dir) && isBundleDir(dir));
}

const text = (v: unknown): v is string => typeof v === 'string' && v !== '';

/**
 * Checks both ends of each rollback link of this journal. `requireLinks`
 * (verify --require-links): a linked bundle that cannot be found is a
 * problem, not a note.
 */
export async function checkRollbackLinks(bundleDir: string, events: readonly JournalEvent[], report: Report, note: Report, verifyOther?: VerifyOther, requireLinks = false): Promise<LinkedReport[]> {
  const started = events[0];
  if (started?.type !== 'run.started') return [];
  const others: string[] = [];
  const link = started.rollback_of as unknown as Record<string, unknown> | undefined;
  if (link !== undefined) {
    const trigger = link.trigger as Record<string, unknown> | undefined;
    if (!text(link.run_id) || !text(link.bundle) || !text(link.journal_head) || !/^[0-9a-f]{64}$/.test(link.journal_head) || !trigger || !text(trigger.id) || !text(trigger.identified_at)) {
      report(JOURNAL_FILE, 'seq 1: run.started `rollback_of` is malformed: it needs run_id, bundle, journal_head (the 64-hex hash of the cutover journal\'s event) and trigger {id, severity, identified_at, declared_at, note}');
    } else {
      const cutover = findBundle(bundleDir, link.bundle);
      if (!cutover) (requireLinks ? report : note)(JOURNAL_FILE, `this rollback run was started from ${link.run_id}, whose bundle is not at ${link.bundle} nor beside this one: the link (journal head ${link.journal_head}) was NOT checked — put that bundle beside this one and verify again${requireLinks ? ' (--require-links)' : ''}`);
      else {
        const { events: theirs, problems } = readJournal(join(cutover, JOURNAL_FILE));
        const first = theirs[0];
        const at = theirs.findIndex((e) => e.hash === link.journal_head);
        const next = at >= 0 ? theirs[at + 1] : undefined;
        if (first?.type !== 'run.started' || first.run_id !== link.run_id) report(JOURNAL_FILE, `seq 1: this run was started from ${link.run_id}, but ${cutover} holds ${first?.type === 'run.started' ? `run ${first.run_id}` : 'no run'}`);
        else if (problems.length) report(JOURNAL_FILE, `seq 1: the cutover run ${link.run_id} this run was started from has integrity problems in ${join(cutover, JOURNAL_FILE)} (${problems[0]})`);
        else if (link.started_at !== undefined && link.started_at !== first.at) report(JOURNAL_FILE, `seq 1: this run says the cutover run ${link.run_id} started at ${String(link.started_at)}, but its run.started is at ${first.at}`);
        else if (at < 0) report(JOURNAL_FILE, `seq 1: this run names ${link.run_id}'s journal head ${link.journal_head}, which ${join(cutover, JOURNAL_FILE)} does not hold: the link does not match`);
        else if (next?.type !== 'rollback.started' || next.run_id !== started.run_id || next.journal_head !== started.hash) {
          report(JOURNAL_FILE, `seq 1: ${join(cutover, JOURNAL_FILE)} does not link back to this run: after its event seq ${theirs[at]!.seq} it should record rollback.started naming ${started.run_id} and the hash ${started.hash}${next?.type === 'rollback.started' ? `, but names ${String(next.run_id)} / ${String(next.journal_head)}` : ''}`);
        } else {
          const wrong = carriedTriggerProblem(cutover, theirs.slice(0, at + 1), trigger, next.trigger);
          if (wrong) report(JOURNAL_FILE, `seq 1: ${wrong}`);
          others.push(cutover);
        }
      }
    }
  }
  for (const ev of events) {
    if (ev.type !== 'rollback.started' || !text(ev.bundle) || !text(ev.journal_head)) continue;
    const rollback = findBundle(bundleDir, ev.bundle);
    if (!rollback) {
      (requireLinks ? report : note)(JOURNAL_FILE, `seq ${ev.seq}: the rollback run ${String(ev.run_id)} started from this run is not at ${ev.bundle} nor beside this bundle: that link was NOT checked — put it beside this one and verify again${requireLinks ? ' (--require-links)' : ''}`);
      continue;
    }
    const first = readJournal(join(rollback, JOURNAL_FILE)).events[0];
    const back = first?.type === 'run.started' ? (first.rollback_of as unknown as Record<string, unknown> | undefined) : undefined;
    if (first?.type !== 'run.started' || first.run_id !== ev.run_id || first.hash !== ev.journal_head) {
      report(JOURNAL_FILE, `seq ${ev.seq}: rollback.started names run ${String(ev.run_id)} with first hash ${ev.journal_head}, but ${rollback} holds ${first?.type === 'run.started' ? `run ${first.run_id} with first hash ${first.hash}` : 'no run'}: the link does not match`);
    } else if (!back || back.run_id !== (started.run_id as unknown) || back.journal_head !== ev.prev) {
      report(JOURNAL_FILE, `seq ${ev.seq}: the rollback run ${first.run_id} does not name this run back: its run.started rollback_of should give ${started.run_id} and the journal head ${ev.prev}${back ? `, it gives ${String(back.run_id)} / ${String(back.journal_head)}` : ', it has none'}`);
    } else others.push(rollback);
  }
  if (!verifyOther) return [];
  const out: LinkedReport[] = [];
  for (const other of [...new Set(others.map((o) => resolve(o)))]) {
    const r = await verifyOther(other);
    out.push(r);
    for (const p of r.problems) report(`../${basename(other)}/${p.file}`, `(linked bundle) ${p.message}`);
  }
  return out;
}

/**
 * The trigger a rollback run carries must be the cutover run's: declared
 * there (same severity, identification, entry time and note), still open at
 * the head the link names, a rollback trigger of its matrix, and the one its
 * rollback.started names. Returns what is wrong, naming both values.
 */
function carriedTriggerProblem(cutover: string, upToHead: readonly JournalEvent[], carried: Record<string, unknown>, linkedTrigger: unknown): string | undefined {
  const id = String(carried.id);
  let open: (JournalEvent & { type: 'trigger.declared' }) | undefined;
  for (const ev of upToHead) {
    if (ev.type === 'trigger.declared' && ev.trigger === id) open = ev;
    else if (ev.type === 'trigger.cleared' && ev.trigger === id) open = undefined;
  }
  const where = join(cutover, JOURNAL_FILE);
  if (!open) return `the carried trigger "${id}" is not open in ${where} at the journal head the link names (it was never declared there, or was cleared)`;
  if (linkedTrigger !== id) return `the carried trigger is "${id}", but ${where}'s rollback.started names trigger ${JSON.stringify(linkedTrigger)}`;
  const theirs = { id, severity: open.severity, identified_at: open.identified_at ?? open.at, declared_at: open.at, note: open.note };
  const ours = { id, severity: carried.severity, identified_at: carried.identified_at, declared_at: carried.declared_at, note: carried.note };
  const differ = (Object.keys(theirs) as (keyof typeof theirs)[]).filter((k) => ours[k] !== theirs[k]);
  if (differ.length) return `the carried trigger "${id}" does not match its trigger.declared (seq ${open.seq}) in ${where}: ${differ.map((k) => `${k} is ${JSON.stringify(ours[k])} here, ${JSON.stringify(theirs[k])} there`).join('; ')}`;
  const copy = loadRunbook(join(cutover, 'runbook.yaml'), { checkRollbackPath: false, bundleCopy: true });
  if (copy.ok && copy.loaded.runbook.triggers?.find((t) => t.id === id)?.rollback !== true) return `the carried trigger "${id}" is not a rollback trigger (rollback: true) in the matrix of ${join(cutover, 'runbook.yaml')}`;
  return undefined;
}
