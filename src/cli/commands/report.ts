// `cutover report <bundle-dir>`: the decision record (markdown) or the
// manifest (json), computed afresh from the journal.
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parseCommandArgs, type OptionSpec } from '../args.js';
import { EXIT, InputError, pathInputError } from '../errors.js';
import type { CliIO } from '../io.js';
import { isBundleDir, refuseBundleTarget, RUNBOOK_COPY } from '../../evidence/bundle.js';
import { JOURNAL_FILE, readJournal } from '../../evidence/journal.js';
import { buildManifest, renderDecisionRecord } from '../../evidence/record.js';
import { foldEvents } from '../../engine/fold.js';
import { loadRunbook } from '../../runbook/load.js';

export const HELP = `Usage: cutover report <bundle-dir> [--format markdown|json] [--json]
                            [--out FILE]

Prints the decision record of a run (markdown, the default) or its manifest
(json), computed from the journal. It does not check integrity: use
\`cutover verify\` for that.

Options:
  --format FORMAT   markdown (default) or json
  --json            the same as --format json: the manifest as JSON
  --out FILE        write to FILE instead of standard output (never inside
                    an evidence bundle)
  -h, --help`;

export const OPTIONS = {
  format: { type: 'string' },
  json: { type: 'boolean' },
  out: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionSpec;

export async function main(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs('report', args, OPTIONS);
  if (values.help) {
    io.out(HELP);
    return EXIT.ok;
  }
  if (positionals.length !== 1) throw new InputError('report: give exactly one bundle directory', 'run `cutover report evidence/<bundle>`');
  if (values.json && values.format !== undefined && values.format !== 'json') throw new InputError(`report: --json and --format ${values.format} contradict each other`, 'give --json (the same as --format json) or --format markdown, not both');
  const format = values.json ? 'json' : (values.format ?? 'markdown');
  if (format !== 'markdown' && format !== 'json') throw new InputError(`report: --format must be markdown or json, not "${format}"`, 'use --format markdown or --format json');
  const dir = positionals[0]!;
  if (!isBundleDir(dir)) throw new InputError(`${dir}: not an evidence bundle (no journal.ndjson in it)`, 'pass the bundle directory that `cutover run` printed');
  const { events, problems } = readJournal(join(dir, JOURNAL_FILE));
  const started = events[0];
  if (!started || started.type !== 'run.started') throw new InputError(`${dir}/${JOURNAL_FILE}: no run.started event`, 'the bundle is damaged; run `cutover verify` on it');
  const loaded = loadRunbook(join(dir, RUNBOOK_COPY), { checkRollbackPath: false, bundleCopy: true });
  if (!loaded.ok) throw new InputError(`${dir}/${RUNBOOK_COPY}: the runbook copy is not valid (${loaded.diagnostics[0]?.message})`, 'the bundle is damaged; run `cutover verify` on it');
  const now = new Date();
  let text: string;
  try {
    const state = foldEvents(loaded.loaded.runbook, events);
    const manifest = buildManifest(loaded.loaded.runbook, state, events, { id: started.runbook.id, title: started.runbook.title, version: started.runbook.version, sha256: started.runbook.sha256 }, now);
    text = format === 'json' ? `${JSON.stringify(manifest, null, 2)}\n` : renderDecisionRecord(loaded.loaded.runbook, state, manifest, now);
  } catch (err) {
    // A malformed (tampered) event the fold cannot take: not a bug of the report.
    throw new InputError(`${dir}/${JOURNAL_FILE}: the journal cannot be replayed (${err instanceof Error ? err.message : String(err)})`, 'the bundle is damaged; run `cutover verify` on it to see every problem');
  }
  if (problems.length) text = format === 'json' ? text : `> WARNING: the journal has integrity problems (${problems[0]}); run \`cutover verify\`.\n\n${text}`;
  if (values.out) {
    // Never into a bundle: it overwrote journal.ndjson once.
    refuseBundleTarget(values.out, `report --out ${values.out}`, dir);
    // A new file renamed into place: an existing name (a hard link into another bundle) is replaced, never written through.
    const tmp = join(dirname(resolve(values.out)), `.${basename(values.out)}.tmp-${process.pid}`);
    try {
      writeFileSync(tmp, text, { flag: 'wx' });
      renameSync(tmp, values.out);
    } catch (err) {
      rmSync(tmp, { force: true });
      throw pathInputError(err, 'write', values.out, 'report --out') ?? err;
    }
    io.err(`report written to ${values.out}`);
  } else {
    io.out(text);
  }
  return EXIT.ok;
}
