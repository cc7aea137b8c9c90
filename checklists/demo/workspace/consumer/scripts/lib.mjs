// Shared pieces of the sandbox consumer's checks: where the files are, JSON
// reading that names the file, and a failure collector that reports every
// broken rule before exiting 1.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CONSUMER_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const PIN = 'config/memorykernel-integration-pin.json';
export const PRODUCER_MANIFEST_MIRROR = 'config/memorykernel-producer-manifest.json';

/** The producer's published payload: --handoff, MEMORYKERNEL_HANDOFF_PAYLOAD_PATH, else the sibling sandbox producer. */
export function handoffPath(argv) {
  const i = argv.indexOf('--handoff');
  if (i >= 0 && argv[i + 1]) return resolve(argv[i + 1]);
  const fromEnv = process.env.MEMORYKERNEL_HANDOFF_PAYLOAD_PATH?.trim();
  if (fromEnv) return resolve(fromEnv);
  return resolve(CONSUMER_ROOT, '..', 'producer', 'docs', 'implementation', 'PRODUCER_RELEASE_HANDOFF_LATEST.json');
}

export function readJson(file, label) {
  const full = resolve(CONSUMER_ROOT, file);
  if (!existsSync(full)) fatal(`${label} not found at ${full}`);
  try {
    return JSON.parse(readFileSync(full, 'utf8'));
  } catch (err) {
    return fatal(`${label} at ${full} is not valid JSON: ${err.message}`);
  }
}

let currentName = 'check';
function fatal(message) {
  console.error(`${currentName} failed: ${message}`);
  process.exit(1);
}

export class Findings {
  constructor(name) {
    this.name = name;
    currentName = name;
    this.failures = [];
  }
  step(title) {
    console.log(`[check] ${title}`);
  }
  fail(message) {
    this.failures.push(message);
    console.error(`  FAIL ${message}`);
  }
  expectEqual(actual, expected, what) {
    if (JSON.stringify(actual) !== JSON.stringify(expected)) this.fail(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
  finish(successLine) {
    if (this.failures.length === 0) {
      console.log(successLine);
      process.exit(0);
    }
    console.error(`${this.name} failed: ${this.failures.length} problem(s)`);
    process.exit(1);
  }
}
