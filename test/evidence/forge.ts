// A deliberate forger, to prove `cutover verify` does not trust a bundle
// just because its digests agree: it rewrites the journal with a correct
// hash chain, then regenerates manifest.json, decision-record.md and
// SHA256SUMS with the product's own code, so every digest matches.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { evidenceDigest } from '../../src/engine/digest.js';
import type { EventBody, JournalEvent } from '../../src/engine/events.js';
import { foldEvents } from '../../src/engine/fold.js';
import { writeSums } from '../../src/evidence/bundle.js';
import { chainHash, GENESIS } from '../../src/evidence/canonical.js';
import { buildManifest, renderDecisionRecord } from '../../src/evidence/record.js';
import { loadRunbook } from '../../src/runbook/load.js';
import type { Runbook } from '../../src/runbook/types.js';
import { readEvents } from '../fixtures/engine/scenario.js';

type Unchained = Omit<JournalEvent, 'prev' | 'hash'>;

/** Re-chains events (seq 1..n, prev, hash) exactly as the Journal would. */
export function rechain(events: Unchained[]): JournalEvent[] {
  let prev = GENESIS;
  return events.map((ev, i) => {
    const withMeta = { ...ev, seq: i + 1, prev } as Record<string, unknown>;
    delete withMeta.hash;
    const hash = chainHash(prev, withMeta);
    prev = hash;
    return { ...withMeta, hash } as JournalEvent;
  });
}

export function writeJournal(bundle: string, events: JournalEvent[]): void {
  writeFileSync(join(bundle, 'journal.ndjson'), events.map((e) => `${JSON.stringify(e)}\n`).join(''));
}

export function bundleRunbook(bundle: string): Runbook {
  const loaded = loadRunbook(join(bundle, 'runbook.yaml'), { checkRollbackPath: false });
  if (!loaded.ok) throw new Error(`runbook copy in ${bundle} does not load`);
  return loaded.loaded.runbook;
}

/** Rewrites manifest.json, decision-record.md and SHA256SUMS from the journal as it now is. */
export async function resummarize(bundle: string): Promise<void> {
  const runbook = bundleRunbook(bundle);
  const events = readEvents(bundle);
  const state = foldEvents(runbook, events);
  const started = events[0] as Extract<JournalEvent, { type: 'run.started' }>;
  const now = new Date(Date.parse(events[events.length - 1]!.at) + 1000);
  const manifest = buildManifest(runbook, state, events, { id: started.runbook.id, title: started.runbook.title, version: started.runbook.version, sha256: started.runbook.sha256 }, now);
  writeFileSync(join(bundle, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(join(bundle, 'decision-record.md'), renderDecisionRecord(runbook, state, manifest, now));
  await writeSums(bundle);
}

/**
 * Forges a GO into a bundle that did not get one: `append` adds the GO after
 * whatever is there; `replace` first removes every refusal so the journal
 * shows no trace of it. Returns the seq of the forged decision.
 */
export async function forgeGo(bundle: string, option: string, how: 'append' | 'replace'): Promise<number> {
  const runbook = bundleRunbook(bundle);
  const decide = runbook.sections.flatMap((s) => s.steps).find((s) => s.kind === 'decision');
  const chosen = decide?.kind === 'decision' ? decide.options.find((o) => o.id === option) : undefined;
  if (!decide || !chosen) throw new Error(`no decision option ${option}`);
  let events: Unchained[] = readEvents(bundle);
  if (how === 'replace') events = events.filter((e) => e.type !== 'decision.refused' && e.type !== 'run.paused' && e.type !== 'run.closed');
  const last = events[events.length - 1]!;
  const at = new Date(Date.parse(last.at) + 1000).toISOString();
  const operator = (events[0] as Extract<JournalEvent, { type: 'run.started' }>).operator;
  const state = foldEvents(runbook, rechain(events));
  const decision: EventBody = { type: 'decision.recorded', step: decide.id, option: chosen.id, label: chosen.label, go: true, confirmed_text: chosen.label, evidence_digest: evidenceDigest(state), by: operator };
  const closed: EventBody = { type: 'run.closed', outcome: 'GO', summary: chosen.label };
  events.push({ seq: 0, at, ...decision } as Unchained, { seq: 0, at, ...closed } as Unchained);
  const chained = rechain(events);
  writeJournal(bundle, chained);
  await resummarize(bundle);
  return chained[chained.length - 2]!.seq;
}

/** XORs one byte of a file (the middle one unless `at` is given); an empty file gets one byte. */
export function flipByte(file: string, at?: number): number {
  const buf = readFileSync(file);
  if (buf.length === 0) {
    writeFileSync(file, 'x');
    return 0;
  }
  const pos = at ?? Math.floor(buf.length / 2);
  buf[pos] = buf[pos]! ^ 0x01;
  writeFileSync(file, buf);
  return pos;
}
