// `cutover lint <runbook>...`: validates runbook files and prints every
// problem as file:line:col: message + hint. Exit 0 when all are valid, 2 if not.
import { parseCommandArgs, type OptionSpec } from '../args.js';
import { EXIT, InputError } from '../errors.js';
import type { CliIO } from '../io.js';
import { formatDiagnostic, type Diagnostic } from '../../runbook/diagnostics.js';
import { loadRunbook } from '../../runbook/load.js';
import { lintWarnings } from '../../runbook/comment-cuts.js';
import { shippedFile } from '../../shared/package-files.js';

export const HELP = `Usage: cutover lint <runbook>... [--json]

Validates runbook files against the runbook schema (schema/runbook.schema.json)
and the semantic rules (unique ids, references resolve, vars declared, no
cycles). Every problem is printed as file:line:col: message, with a hint.
Warnings (the file stays valid): a plain description, title, statement or
label cut short by " #", which YAML reads as a comment — quote the string;
a kind: rollback runbook with no step marked protocol: <role> for a part of
the rollback protocol, which the incident report then leaves out.

Options:
  --json    print {"files":[{"file","ok","diagnostics":[...],
            "warnings":[...]}]} instead
  -h, --help

Exit codes: 0 all valid (warnings do not change it), 2 a runbook is invalid or
a file cannot be read.`;

export const OPTIONS = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionSpec;

export async function main(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs('lint', args, OPTIONS);
  if (values.help) {
    io.out(HELP);
    return EXIT.ok;
  }
  if (positionals.length === 0) throw new InputError('lint: no runbook given', 'run `cutover lint checklists/*.yaml`');
  const results: { file: string; ok: boolean; diagnostics: Diagnostic[]; warnings: Diagnostic[] }[] = [];
  for (const file of positionals) {
    const r = loadRunbook(file);
    results.push({ file, ok: r.ok, diagnostics: r.ok ? [] : r.diagnostics, warnings: lintWarnings(file) });
  }
  const bad = results.filter((r) => !r.ok);
  if (values.json) {
    io.out(JSON.stringify({ ok: bad.length === 0, files: results }, null, 2));
  } else {
    for (const r of results) {
      for (const w of r.warnings) io.err(formatDiagnostic(w));
      if (r.ok) io.out(`${r.file}: ok${r.warnings.length ? ` (${r.warnings.length} warning(s))` : ''}`);
      else for (const d of r.diagnostics) io.err(formatDiagnostic(d));
    }
    if (bad.length) {
      const count = bad.reduce((n, r) => n + r.diagnostics.length, 0);
      io.err(`cutover lint: ${count} problem(s) in ${bad.length} of ${results.length} file(s); the format is described in ${shippedFile('docs/runbook-format.md')}`);
    }
  }
  return bad.length ? EXIT.usage : EXIT.ok;
}
