// `cutover verify <bundle-dir>`: integrity and rule replay of a bundle.
import { parseCommandArgs } from '../args.js';
import { EXIT, InputError } from '../errors.js';
import type { CliIO } from '../io.js';
import { isBundleDir } from '../../evidence/bundle.js';
import { verifyBundle } from '../../evidence/verify.js';

export const HELP = `Usage: cutover verify <bundle-dir> [--json]

Checks an evidence bundle: the journal's hash chain, every file against
SHA256SUMS and the digests recorded in the journal, manifest.json against its
schema and the journal, and replays the GO lock so a GO the rules would not
have allowed is reported even if the hash chain was recomputed.

Options:
  --json      print the report as JSON
  -h, --help

Exit codes: 0 intact, 1 problems found (each names the file), 2 not a bundle.`;

export async function main(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs('verify', args, {
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.out(HELP);
    return EXIT.ok;
  }
  if (positionals.length !== 1) throw new InputError('verify: give exactly one bundle directory', 'run `cutover verify evidence/<bundle>`');
  const dir = positionals[0]!;
  if (!isBundleDir(dir)) throw new InputError(`${dir}: not an evidence bundle (no journal.ndjson in it)`, 'pass the bundle directory that `cutover run` printed');
  const report = await verifyBundle(dir);
  if (values.json) {
    io.out(JSON.stringify(report, null, 2));
  } else if (report.ok) {
    io.out(`${dir}: OK — ${report.events} journal events, ${report.files} files, hash chain intact, every digest matches, GO lock replayed${report.rehearsal ? ' (REHEARSAL)' : ''}; outcome ${report.outcome}`);
  } else {
    for (const p of report.problems) io.out(`${dir}/${p.file}: ${p.message}`);
    io.out(`${dir}: ${report.problems.length} problem(s) found — this bundle cannot be trusted as it is`);
  }
  return report.ok ? EXIT.ok : EXIT.notOk;
}
