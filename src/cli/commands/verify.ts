// `cutover verify <bundle-dir>`: integrity and rule replay of a bundle.
import { parseCommandArgs, type OptionSpec } from '../args.js';
import { EXIT, InputError } from '../errors.js';
import type { CliIO } from '../io.js';
import { entryKind } from '../../evidence/bundle-files.js';
import { isBundleDir } from '../../evidence/bundle.js';
import { printable, printableJson, printableName } from '../../shared/printable.js';
import { verifyBundle } from '../../evidence/verify.js';
import { sha256 } from '../../evidence/canonical.js';
import { readFileSync } from 'node:fs';
import type { SignersAnchor } from '../../signoff/anchor.js';
import { readSignersFile } from '../../signoff/signers-file.js';
import { join } from 'node:path';

export const HELP = `Usage: cutover verify <bundle-dir> [--runbook FILE]
                      [--allowed-signers FILE] [--require-links] [--json]

Checks an evidence bundle: the journal's hash chain, every file against
SHA256SUMS and the digests recorded in the journal, manifest.json against its
schema and the journal, and replays the GO lock so a GO the rules would not
have allowed is reported even if the hash chain was recomputed.

Options:
  --runbook FILE  also check that the run used exactly this runbook (the copy
                  in your repository): anchors the bundle's runbook.yaml, which
                  a forger could otherwise edit along with every hash; its
                  signers file, when it exists, anchors the signatures
  --allowed-signers FILE
                  your team's allowed-signers file (outside the bundle):
                  every signing key must be listed there for its principal.
                  Without it (or --runbook), signatures are checked against
                  the bundle's own copy, which a forger can replace
  --require-links a rollback run and its cutover run verify together: when
                  the other bundle of a link is not at its recorded path nor
                  beside this one, fail (exit 1) instead of a note
  --json          print the report as JSON
  -h, --help

Exit codes: 0 intact, 1 problems found (each names the file), 2 not a bundle.`;

export const OPTIONS = {
  json: { type: 'boolean' },
  runbook: { type: 'string' },
  'allowed-signers': { type: 'string' },
  'require-links': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionSpec;

export async function main(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs('verify', args, OPTIONS);
  if (values.help) {
    io.out(HELP);
    return EXIT.ok;
  }
  if (positionals.length !== 1) throw new InputError('verify: give exactly one bundle directory', 'run `cutover verify evidence/<bundle>`');
  const dir = positionals[0]!;
  // A journal.ndjson that is a link or a FIFO is a bundle tampered with: verify reports it (never opens it).
  const journal = entryKind(join(dir, 'journal.ndjson'));
  if (!isBundleDir(dir) && (journal === undefined || journal === 'directory')) throw new InputError(`${printableName(dir)}: not an evidence bundle (no journal.ndjson in it)`, 'pass the bundle directory that `cutover run` printed');
  let anchor: { file: string; sha256: string } | undefined;
  if (values.runbook) {
    try {
      anchor = { file: values.runbook, sha256: sha256(readFileSync(values.runbook)) };
    } catch (err) {
      throw new InputError(`${values.runbook}: cannot read the runbook given to --runbook (${(err as NodeJS.ErrnoException).code ?? String(err)})`, 'pass the path of the runbook file the run was started with');
    }
  }
  let signers: SignersAnchor | undefined;
  const team = values['allowed-signers'];
  if (team) {
    const r = readSignersFile(team);
    if (!r.ok) throw new InputError(`${r.message} (given to --allowed-signers)`, r.hint);
    signers = { ...r.file, via: '--allowed-signers' };
  }
  // The checks are loaded only here (they bring ajv): verify runs a check again on the copies of its inputs.
  const { CHECK_RERUN } = await import('../../checks/rerun.js');
  const report = await verifyBundle(dir, { runbook: anchor, checks: CHECK_RERUN, ...(signers ? { signers } : {}), ...(values['require-links'] ? { requireLinks: true } : {}) });
  // Names and messages come from the bundle: printed escaped, never as raw terminal sequences.
  const shown = printableName(dir);
  if (values.json) {
    io.out(printableJson(report));
    return report.ok ? EXIT.ok : EXIT.notOk;
  }
  // What could not be checked (a check verdict whose inputs were kept by digest only) is said, but is no problem.
  for (const n of report.notes) io.out(`${shown}/${printableName(n.file)}: note: ${printable(n.message)}`);
  // Which keys were trusted, and against which file: a reader without the team's file sees what vouched for them.
  if (report.signers) {
    io.out(`${shown}: signatures checked against ${printable(report.signers.checked_against)}; keys trusted:`);
    for (const t of report.signers.trusted) io.out(`  ${printable(t.step)}/${printable(t.role)}: ${printable(t.principal)} ${printable(t.key)}`);
    if (!report.signers.trusted.length) io.out('  (none)');
  }
  for (const l of report.linked ?? []) io.out(`${shown}: linked bundle ${printableName(l.bundle)} verified with it: ${l.ok ? 'OK' : `${l.problems.length} problem(s)`}; outcome ${printable(String(l.outcome))}`);
  if (report.ok) {
    io.out(`${shown}: OK — ${report.events} journal events, ${report.files} files, hash chain intact, every digest matches, GO lock replayed${report.rehearsal ? ' (REHEARSAL)' : ''}; outcome ${printable(String(report.outcome))}`);
  } else {
    for (const p of report.problems) io.out(`${shown}/${printableName(p.file)}: ${printable(p.message)}`);
    io.out(`${shown}: ${report.problems.length} problem(s) found — this bundle cannot be trusted as it is`);
  }
  return report.ok ? EXIT.ok : EXIT.notOk;
}
