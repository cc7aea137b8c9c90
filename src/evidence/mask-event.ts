// What of a journal event is masked: every string, before the event is
// hashed and written, except the identifiers and digests a program reads
// back — event type, step and option ids, the bundle's own file names and
// their digests, git HEAD, and the runbook's path (resume finds the
// runbook's directory by it) — and the text `cutover verify` holds against
// the runbook itself: a decision's label (and the typed confirmation, which
// equals it), a check's name, a trigger's severity, a refusal's reasons
// (made of runbook text and of the already masked run state). That text is
// in the bundle's runbook.yaml as it is; masking a word of it that happens
// to be a secret's value would only make an honest bundle fail `verify`.
// The fold and `cutover verify` read the very bytes that were hashed, and
// no secret reaches the journal, the manifest, the decision record or a
// screen that shows the run state.
import type { EventBody } from '../engine/events.js';
import { maskValue } from '../shared/secret-mask.js';

const KEEP = new Set([
  'type',
  'step',
  'attempt',
  'option',
  'trigger',
  'role',
  'mode',
  'run_id',
  'outcome',
  'sent_at',
  'evidence_digest',
  'label',
  'confirmed_text',
  'severity',
  'reasons',
  'check.name',
  'runbook.id',
  'runbook.file',
  'runbook.sha256',
  'result.outcome',
  'result.signal',
  'result.started_at',
  'result.ended_at',
  'result.git_head',
  // What a check read: its digests, git HEADs and copies are read back by verify.
  'check.inputs.param',
  'check.inputs.sha256',
  'check.inputs.git_head',
  'check.root.git_head',
  // An output assertion's text is the runbook's (`expect:`), in runbook.yaml as it is; verify compares it exactly.
  'assertions.assertion',
  // Why a step did not run (step.not_run): the runbook's words and ids; verify compares them exactly.
  'cause',
  'why',
  'failed_step',
  // A signed sign-off (docs/signoffs.md): canonical text built from ids, digests, the principal and the
  // statement (rendered masked already: statementOf), and base64; masking again would break the signature.
  'message',
  'principal',
  'journal_head',
  'signed.text',
  'signed.signature',
  'signed.principal',
  'signed.key',
  'signed.msg.file',
  'signed.msg.sha256',
  'signed.sig.file',
  'signed.sig.sha256',
]);
/** Where an event holds a bundle file record ({file, bytes, sha256}); arrays of them included. */
for (const record of ['result.stdout', 'result.stderr', 'result.combined', 'check.report', 'check.data_file', 'check.files', 'check.inputs.copy', 'text']) {
  KEEP.add(`${record}.file`);
  KEEP.add(`${record}.sha256`);
}

/** The event as it may be journaled: every secret value in it is `***`. */
export function maskEvent<T extends EventBody>(body: T, secrets: readonly string[]): T {
  const out = maskValue(body, secrets, (path) => KEEP.has(path.join('.')));
  // The signer of a signed sign-off is its principal, kept as signed.principal is.
  if (body.type === 'signoff.recorded' && out.type === 'signoff.recorded' && body.signed && body.name === body.signed.principal) out.name = body.name;
  return out;
}
