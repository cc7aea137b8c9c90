// verify: a run started with `--reopen` names the closed run it continues
// (run.started `reopens`: its run id, bundle and the hash of its journal's
// last event). When that bundle is at hand — at the recorded path, or beside
// this bundle under the same name (evidence directories are moved whole) —
// its journal must still be that run and end with that hash: a closed run
// edited after the day went on is found here. When it is not at hand the
// link cannot be checked, which is a note, not a problem.
import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { JournalEvent } from '../engine/events.js';
import { isBundleDir } from './bundle.js';
import { JOURNAL_FILE, readJournal } from './journal.js';

type Report = (file: string, message: string) => void;

export function checkReopenLink(bundleDir: string, started: JournalEvent, report: Report, note: Report): void {
  if (started.type !== 'run.started' || started.reopens === undefined) return;
  const link = started.reopens as unknown as Record<string, unknown>;
  const text = (k: string) => (typeof link[k] === 'string' && link[k] !== '' ? (link[k] as string) : undefined);
  const runId = text('run_id');
  const recorded = text('bundle');
  const head = text('journal_head');
  if (!runId || !recorded || !head || !text('outcome')) {
    report(JOURNAL_FILE, 'seq 1: run.started `reopens` is malformed: it needs run_id, bundle, outcome and journal_head as text');
    return;
  }
  const beside = join(dirname(resolve(bundleDir)), basename(recorded));
  const old = [recorded, beside].find((dir) => resolve(dir) !== resolve(bundleDir) && existsSync(dir) && isBundleDir(dir));
  if (!old) {
    note(JOURNAL_FILE, `this run reopens ${runId}, whose bundle is not at ${recorded} nor beside this one: the link to it (journal head ${head}) was not checked`);
    return;
  }
  const { events, problems } = readJournal(join(old, JOURNAL_FILE));
  const first = events[0];
  const last = events[events.length - 1];
  if (first?.type !== 'run.started' || first.run_id !== runId) {
    report(JOURNAL_FILE, `seq 1: this run reopens ${runId}, but the bundle ${old} holds ${first?.type === 'run.started' ? `run ${first.run_id}` : 'no run'}`);
    return;
  }
  if (problems.length || last?.hash !== head) {
    report(JOURNAL_FILE, `seq 1: this run reopens ${runId} whose journal ended with ${head} when this run started, but ${join(old, JOURNAL_FILE)} now ${problems.length ? `has integrity problems (${problems[0]})` : `ends with ${last?.hash ?? 'nothing'}`}: the closed run was changed afterwards`);
  }
  if (!events.some((e) => e.type === 'run.closed')) {
    report(JOURNAL_FILE, `seq 1: this run reopens ${runId}, but that run's journal (${old}) does not record it closed`);
  }
}
