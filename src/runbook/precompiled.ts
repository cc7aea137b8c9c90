// The runbooks the package ships (checklists/), read when the package is
// built. Cold, the YAML parser takes ~60 ms of a 16 KB runbook (it runs in
// V8's interpreter the first time), which is most of what `cutover demo`
// and a run of a shipped runbook do before their first screen. The build
// (scripts/precompile-runbooks.mjs) parses each shipped runbook with the same
// reader (readRunbookSource) and writes its data, keyed by the sha256 of the
// file's bytes, to runbooks.json beside the bundle; a runbook whose bytes are
// exactly those of a shipped one gets that data instead of a parse. Any other
// byte gives another digest and the file is parsed as usual. The table is
// part of the installed program, as trusted as its code; there is no cache
// outside it (a writable cache would let a file change what a run executes
// behind the runbook the bundle records). From src/ (the tests) there is no
// table beside the module, and every runbook is parsed.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** The name of the table beside the bundle's modules. */
export const TABLE_FILE = 'runbooks.json';

/** sha256 of a shipped runbook's bytes → its data as JSON text. */
export type PrecompiledTable = Record<string, string>;

let table: PrecompiledTable | null | undefined;

function loadTable(): PrecompiledTable | null {
  try {
    const parsed: unknown = JSON.parse(readFileSync(new URL(`./${TABLE_FILE}`, import.meta.url), 'utf8'));
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as PrecompiledTable) : null;
  } catch {
    // Not built (src/), or unreadable: every runbook is parsed, as without it.
    return null;
  }
}

/** The data of a shipped runbook with exactly these bytes (a fresh copy), or undefined. */
export function precompiledData(bytes: Buffer, from: PrecompiledTable | null = table === undefined ? (table = loadTable()) : table): unknown {
  if (!from) return undefined;
  const json = from[createHash('sha256').update(bytes).digest('hex')];
  return typeof json === 'string' ? JSON.parse(json) : undefined;
}
