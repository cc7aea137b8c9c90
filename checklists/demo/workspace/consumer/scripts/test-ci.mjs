// test:ci — the CI aggregate: runs the pin check, the contract tests and the
// fallback test as separate processes (as CI jobs would), shows each result
// and fails when any of them fails.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { CONSUMER_ROOT } from './lib.mjs';

const JOBS = [
  ['check:memorykernel-pin', 'check-memorykernel-pin.mjs'],
  ['test:memorykernel-contract', 'test-memorykernel-contract.mjs'],
  ['test:memorykernel-fallback', 'test-deterministic-fallback.mjs'],
];

const failed = [];
for (const [name, script] of JOBS) {
  console.log(`\n## ${name}`);
  const r = spawnSync(process.execPath, [join(CONSUMER_ROOT, 'scripts', script), ...process.argv.slice(2)], { cwd: CONSUMER_ROOT, stdio: 'inherit' });
  const ok = r.status === 0;
  console.log(`## ${name}: ${ok ? 'PASS' : `FAIL (exit ${r.status ?? r.signal})`}`);
  if (!ok) failed.push(name);
}
if (failed.length) {
  console.error(`\nCI aggregate failed: ${failed.join(', ')}`);
  process.exit(1);
}
console.log(`\nCI aggregate passed: ${JOBS.length} jobs green.`);
