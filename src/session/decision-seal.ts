// The operator's signature of the decision, made into evidence
// (docs/signoffs.md §6): with the bundle's lock held, the text and
// signature are written to signoffs/<decision>/operator.msg and .sig, the
// journal gets decision.signed after run.closed (principal, key
// fingerprint, both files' digests, the run.closed hash it binds), and the
// summaries are written again so they cover it. Once signed it is never
// signed again: a second signature is refused.
import { dirname, join } from 'node:path';
import type { JournalEvent } from '../engine/events.js';
import { foldEvents } from '../engine/fold.js';
import { DECISION_RECORD, MANIFEST, writeSums } from '../evidence/bundle.js';
import { sha256 } from '../evidence/canonical.js';
import { Journal, JOURNAL_FILE } from '../evidence/journal.js';
import { buildManifest, renderDecisionRecord } from '../evidence/record.js';
import type { Runbook } from '../runbook/types.js';
import { systemClock, type Clock } from '../shared/clock.js';
import { mkdirDurable, writeFileDurable } from '../shared/durable.js';
import { InputError } from '../shared/errors.js';
import { OPERATOR_ROLE } from '../signoff/decision-signature.js';
import { acquireLock, releaseLock } from './lock.js';
import { signoffFiles } from './signed-signoffs.js';

export interface DecisionSeal {
  decision: string;
  principal: string;
  key: string;
  message: string;
  signature: string;
}

/** Writes the files, journals decision.signed and rewrites the summaries; an InputError when the journal moved or it is signed already. */
export async function sealDecision(bundleDir: string, runbook: Runbook, seal: DecisionSeal, clock: Clock = systemClock): Promise<JournalEvent> {
  acquireLock(bundleDir);
  let journal: Journal | undefined;
  try {
    journal = Journal.open(join(bundleDir, JOURNAL_FILE));
    const events = journal.events;
    const closed = events.find((e) => e.type === 'run.closed');
    if (!closed) throw new InputError(`${bundleDir}: the run is not closed`, 'the operator signs the decision once the run is closed');
    const signedBefore = events.find((e) => e.type === 'decision.signed');
    if (signedBefore) throw new InputError(`${bundleDir}: the decision is signed already (journal seq ${signedBefore.seq})`, 'a decision is signed once; `cutover verify` checks that signature');
    if (!seal.message.includes(`journal-head: ${closed.hash}\n`)) throw new InputError(`${bundleDir}: the journal changed while the text was signed`, 'run the command again');
    const files = signoffFiles(bundleDir, seal.decision, OPERATOR_ROLE);
    mkdirDurable(dirname(files.msg));
    writeFileDurable(files.msg, seal.message, bundleDir);
    writeFileDurable(files.sig, seal.signature, bundleDir);
    const record = (file: string, text: string) => ({ file, bytes: Buffer.byteLength(text), sha256: sha256(text) });
    const ev = journal.append(
      {
        type: 'decision.signed',
        decision: seal.decision,
        journal_head: closed.hash,
        signed: { principal: seal.principal, key: seal.key, text: seal.message, signature: seal.signature, msg: record(files.msgRel, seal.message), sig: record(files.sigRel, seal.signature) },
      },
      clock(),
    );
    await writeSummaries(bundleDir, runbook, journal.events, clock);
    return ev;
  } finally {
    journal?.close();
    releaseLock(bundleDir);
  }
}

/** manifest.json, decision-record.md and SHA256SUMS for the journal as it stands (as the session writes them). */
async function writeSummaries(bundleDir: string, runbook: Runbook, events: readonly JournalEvent[], clock: Clock): Promise<void> {
  const last = events.at(-1)!;
  const t = clock();
  const now = t.toISOString() < last.at ? new Date(last.at) : t;
  const started = events[0] as Extract<JournalEvent, { type: 'run.started' }>;
  const state = foldEvents(runbook, events);
  const manifest = buildManifest(runbook, state, events, { id: started.runbook.id, title: started.runbook.title, version: started.runbook.version, sha256: started.runbook.sha256 }, now);
  writeFileDurable(join(bundleDir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`, bundleDir);
  writeFileDurable(join(bundleDir, DECISION_RECORD), renderDecisionRecord(runbook, state, manifest, now), bundleDir);
  await writeSums(bundleDir);
}
