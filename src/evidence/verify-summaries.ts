// The closing summaries held against the journal. manifest.json and
// decision-record.md are derived from the journal alone (and the moment
// they were written, which the manifest records), so `verify` renders both
// again from the events they summarize and compares them byte for byte: an
// edited summary is found even when SHA256SUMS was recomputed.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
// Compiled ahead of time from schema/manifest.schema.json (scripts/gen-validator.mjs): no ajv compile in `verify`.
import manifestValidator from './manifest-validator.generated.js';
import type { JournalEvent } from '../engine/events.js';
import { foldEvents } from '../engine/fold.js';
import type { Runbook } from '../runbook/types.js';
import { DECISION_RECORD, MANIFEST } from './bundle.js';
import { VERSION } from '../version.js';
import { buildManifest, renderDecisionRecord } from './record.js';

type Report = (file: string, message: string) => void;

/** Far above any real summary (a few hundred kB for a thousand attempts), far below what reading it as a string can take. */
const MAX_SUMMARY_BYTES = 64 * 1024 * 1024;

export function checkSummaries(bundleDir: string, runbook: Runbook | undefined, events: readonly JournalEvent[], outcome: string | undefined, rehearsal: boolean, report: Report): void {
  const text = readSummary(bundleDir, MANIFEST, report);
  if (text === undefined) return;
  let manifest: Record<string, unknown>;
  try {
    manifest = JSON.parse(text) as Record<string, unknown>;
  } catch {
    report(MANIFEST, 'is not valid JSON');
    return;
  }
  if (!manifestValidator(manifest)) {
    const errs = (manifestValidator.errors as { instancePath: string; message?: string }[]) ?? [];
    for (const e of errs.slice(0, 10)) report(MANIFEST, `does not match its schema: ${e.instancePath || '/'} ${e.message}`);
    return;
  }
  const journal = manifest.journal as { events: number; last_hash: string };
  const summarizedAt = events.find((e) => e.hash === journal.last_hash);
  if (!summarizedAt) report(MANIFEST, `refers to journal hash ${journal.last_hash.slice(0, 12)}…, which is not in the journal: the journal was cut back or replaced after the summaries were written`);
  else if (summarizedAt.seq !== events.length) report(MANIFEST, `summarizes the journal up to seq ${summarizedAt.seq}, but it has ${events.length} events: the summaries are stale (resume the run to rewrite them)`);
  else if (outcome !== undefined && manifest.outcome !== outcome) report(MANIFEST, `says outcome ${String(manifest.outcome)}, but the journal gives ${outcome}`);
  if (manifest.rehearsal !== rehearsal) report(MANIFEST, `says rehearsal=${String(manifest.rehearsal)}, but the journal says ${rehearsal}`);
  if (runbook && summarizedAt) rerender(bundleDir, runbook, events.slice(0, summarizedAt.seq), manifest, text, report);
}

/** Renders both summaries again from the events they cover, at the time the manifest says they were written. */
function rerender(bundleDir: string, runbook: Runbook, events: readonly JournalEvent[], manifest: Record<string, unknown>, text: string, report: Report): void {
  const writtenAt = new Date(String(manifest.written_at));
  const last = events[events.length - 1]!;
  if (Number.isNaN(writtenAt.getTime()) || writtenAt.getTime() < Date.parse(last.at)) {
    report(MANIFEST, `says it was written at ${String(manifest.written_at)}, before the last event it summarizes (${last.at})`);
    return;
  }
  const started = events[0] as Extract<JournalEvent, { type: 'run.started' }>;
  let expected: string;
  let record: string;
  try {
    const state = foldEvents(runbook, events);
    const rebuilt = buildManifest(runbook, state, events, { id: started.runbook.id, title: started.runbook.title, version: started.runbook.version, sha256: started.runbook.sha256 }, writtenAt);
    // Written by another version of cutover: its version is its own; everything else must agree.
    rebuilt.cutover_version = String(manifest.cutover_version);
    expected = `${JSON.stringify(rebuilt, null, 2)}\n`;
    record = renderDecisionRecord(runbook, state, rebuilt, writtenAt);
  } catch {
    return; // the replay reports an event it cannot fold
  }
  // Another version renders the summaries its own way: say so rather than accuse the bundle (the replay above is version-independent).
  const other = manifest.cutover_version !== VERSION ? ` — or it was written by cutover ${String(manifest.cutover_version)}, which renders it differently than this cutover ${VERSION}; verify it with that version` : '';
  if (expected !== text) report(MANIFEST, `differs from the manifest the journal gives (${firstDifference(text, expected)}): it was edited${other}`);
  const onDisk = readSummary(bundleDir, DECISION_RECORD, report);
  if (onDisk !== undefined && onDisk !== record) report(DECISION_RECORD, `differs from the decision record the journal gives (${firstDifference(onDisk, record)}): it was edited${other}`);
}

/** A summary's text; a missing or impossibly large one is reported instead. */
function readSummary(bundleDir: string, name: string, report: Report): string | undefined {
  const path = join(bundleDir, name);
  if (!existsSync(path)) {
    report(name, 'is missing');
    return undefined;
  }
  const size = statSync(path).size;
  if (size > MAX_SUMMARY_BYTES) {
    report(name, `is ${size} bytes; cutover never writes a summary that large (at most ${MAX_SUMMARY_BYTES})`);
    return undefined;
  }
  return readFileSync(path, 'utf8');
}

/** Where two texts first differ, as "line N: found … expected …". */
function firstDifference(actual: string, expected: string): string {
  const a = actual.split('\n');
  const e = expected.split('\n');
  for (let i = 0; i < Math.max(a.length, e.length); i++) {
    if (a[i] !== e[i]) {
      const x = a[i] ?? '(end of file)';
      const y = e[i] ?? '(end of file)';
      let col = 0;
      while (col < x.length && x[col] === y[col]) col++;
      return `line ${i + 1}: ${JSON.stringify(clip(x, col))}, expected ${JSON.stringify(clip(y, col))}`;
    }
  }
  return 'same lines';
}

/** At most 80 characters of a line, around column `col` where it first differs (review 13b finding 1: both texts must show the difference). */
function clip(s: string, col: number): string {
  if (s.length <= 80) return s;
  const from = Math.max(0, Math.min(col - 30, s.length - 78));
  const to = Math.min(s.length, from + 78);
  return `${from > 0 ? '…' : ''}${s.slice(from, to)}${to < s.length ? '…' : ''}`;
}
