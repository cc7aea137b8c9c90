// Writes runbooks.json into a build's output directory: the data of every
// runbook shipped in checklists/, read by the program's own reader
// (src/runbook/source.ts, bundled here for the purpose), keyed by the sha256
// of the file's bytes. src/runbook/precompiled.ts explains why and how the
// program uses it. Only a runbook that reads without a problem and whose data
// survives JSON unchanged is written; anything else is left to be parsed
// when it is used, as before.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';

const TABLE_FILE = 'runbooks.json';

function yamlFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? yamlFiles(join(dir, e.name)) : /\.ya?ml$/.test(e.name) ? [join(dir, e.name)] : []));
}

/** The table for the runbooks under `checklistsDir`: { sha256: data as JSON }. */
export async function precompiledTable(root, checklistsDir = join(root, 'checklists')) {
  // The reader, bundled alone, without the table: every file is really parsed here.
  const reader = join(root, `.precompile-reader-${process.pid}.mjs`);
  await build({
    stdin: { contents: "export { readRunbookSource } from './src/runbook/source.ts';", resolveDir: root, loader: 'ts' },
    outfile: reader,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    logLevel: 'warning',
    plugins: [{ name: 'no-table', setup: (b) => b.onLoad({ filter: /precompiled\.ts$/ }, () => ({ contents: 'export function precompiledData() { return undefined; }', loader: 'js' })) }],
  });
  try {
    const { readRunbookSource } = await import(pathToFileURL(reader).href);
    const table = {};
    for (const file of yamlFiles(checklistsDir)) {
      const read = readRunbookSource(file);
      if (!read.ok || read.source.data?.format !== 'cutover-runbook/v1') continue; // answers files, scenarios' fragments, broken files
      const json = JSON.stringify(read.source.data);
      if (!isDeepStrictEqual(JSON.parse(json), read.source.data)) {
        console.warn(`precompile-runbooks: ${relative(root, file)} does not survive JSON unchanged; it is parsed when used`);
        continue;
      }
      table[createHash('sha256').update(readFileSync(file)).digest('hex')] = json;
    }
    return table;
  } finally {
    rmSync(reader, { force: true });
  }
}

/** Writes the table into `outDir` (a build's output, beside the bundle's modules). */
export async function writePrecompiledRunbooks(root, outDir) {
  const table = await precompiledTable(root);
  writeFileSync(join(outDir, TABLE_FILE), JSON.stringify(table));
  return Object.keys(table).length;
}
