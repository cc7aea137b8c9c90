// Benchmark: the envelope check over 100,000 NDJSON samples must cost at
// most 3x parsing the same lines with JSON.parse alone. The check is
// bundled from source with esbuild into a temp dir (dist/ is one bundle and
// does not export it), and both sides run in this process, alternating,
// several times; the medians are compared. Prints nothing.
import { build } from 'esbuild';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const CODES = ['invalid_json', 'validation_error', 'context_package_not_found', 'write_conflict', 'write_failed', 'schema_unavailable', 'migration_failed', 'query_failed', 'context_lookup_failed', 'internal_error'];

/** Realistic service.v3 non-2xx bodies: every code, messages with colons and quotes, some details. */
export function sampleLine(i) {
  const body = {
    service_contract_version: 'service.v3',
    error: { code: CODES[i % CODES.length], message: `request ${i} failed: field "context_id" is invalid at 2026-11-21T07:42:43Z` },
  };
  if (i % 3 === 0) body.error.details = { field: 'context_id', index: i, hints: ['retry', 'check input'] };
  return JSON.stringify(body);
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export async function run({ samples = 100_000, repetitions = 7 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'cutover-envelope-bench-'));
  try {
    const bundle = join(dir, 'envelope.mjs');
    await build({
      entryPoints: [join(root, 'src/checks/envelope.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile: bundle,
      logLevel: 'silent',
      banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    });
    const { runEnvelopeCheck } = await import(pathToFileURL(bundle).href);
    const sample = join(dir, 'samples.ndjson');
    const lines = [];
    for (let i = 0; i < samples; i++) lines.push(sampleLine(i));
    writeFileSync(sample, `${lines.join('\n')}\n`);
    const policy = join(root, 'contracts/envelope-policy.json');

    // Baseline: read the file and JSON.parse every line, nothing else.
    const parseOnly = () => {
      const text = readFileSync(sample, 'utf8');
      let n = 0;
      for (const line of text.split('\n')) if (line.length > 0 && JSON.parse(line) !== null) n++;
      return n;
    };
    // Stricter reference, reported in detail: JSON.parse over lines already in memory.
    const pureParse = () => {
      let n = 0;
      for (const line of lines) if (JSON.parse(line) !== null) n++;
      return n;
    };
    const check = () => runEnvelopeCheck({ contract: 'v3', sample, policy });

    parseOnly();
    const warm = await check();
    if (!warm.passed || warm.samples !== samples) throw new Error(`bench samples did not validate: ${warm.failedSamples} failed`);
    const parseMs = [];
    const pureMs = [];
    const checkMs = [];
    for (let r = 0; r < repetitions; r++) {
      let t = performance.now();
      parseOnly();
      parseMs.push(performance.now() - t);
      t = performance.now();
      pureParse();
      pureMs.push(performance.now() - t);
      t = performance.now();
      await check();
      checkMs.push(performance.now() - t);
    }
    const parse = median(parseMs);
    const pure = median(pureMs);
    const full = median(checkMs);
    // The headline ratio is against JSON.parse alone over lines already in
    // memory (the stricter baseline); reading the file too is in the detail.
    return {
      name: `envelope check: ${samples.toLocaleString('en')} NDJSON samples vs JSON.parse alone`,
      ratio: Number((full / pure).toFixed(2)),
      goal: 3,
      detail: `check ${full.toFixed(0)} ms vs JSON.parse ${pure.toFixed(0)} ms (median of ${repetitions}); vs read + split + parse ${parse.toFixed(0)} ms: ${(full / parse).toFixed(2)}×`,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
