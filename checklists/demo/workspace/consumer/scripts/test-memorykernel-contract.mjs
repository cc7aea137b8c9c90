// test:memorykernel-contract — the consumer's error routing covers every code
// of the producer's enum (no more, no less), never reads the envelope field
// service.v3 removed, and routes the recorded service.v3 responses by
// error.code (unknown codes, service.v2 bodies and garbage fall back).
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ERROR_CODE_ROUTES, routeNon2xx } from '../src/memorykernel/error-routing.mjs';
import { CONSUMER_ROOT, Findings, PRODUCER_MANIFEST_MIRROR, readJson } from './lib.mjs';

const f = new Findings('MemoryKernel contract tests');
const mirror = readJson(PRODUCER_MANIFEST_MIRROR, 'producer manifest mirror');

f.step('error routing covers the producer enum exactly');
const routed = Object.keys(ERROR_CODE_ROUTES);
for (const code of mirror.error_code_enum) if (!routed.includes(code)) f.fail(`error code ${code} has no route in src/memorykernel/error-routing.mjs`);
for (const code of routed) if (!mirror.error_code_enum.includes(code)) f.fail(`route for ${code}, which is not in the producer enum`);

f.step('no source file reads legacy_error (removed in service.v3)');
const sources = [];
const walk = (dir) => {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) walk(full);
    else if (/\.(mjs|js|ts|tsx)$/.test(entry.name)) sources.push(full);
  }
};
walk(join(CONSUMER_ROOT, 'src'));
for (const file of sources) {
  readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
    if (/\blegacy_error\b/.test(line)) f.fail(`${relative(CONSUMER_ROOT, file)}:${i + 1} reads legacy_error: ${line.trim()}`);
  });
}

f.step('recorded non-2xx responses route by error.code');
const fixtures = join(CONSUMER_ROOT, 'test', 'fixtures', 'service-v3');
for (const name of readdirSync(fixtures).filter((n) => n.endsWith('.json')).sort()) {
  const { status, body, expect } = JSON.parse(readFileSync(join(fixtures, name), 'utf8'));
  const result = routeNon2xx(status, body);
  f.expectEqual(result.code, expect.code, `${name}: code`);
  f.expectEqual(result.route?.category ?? null, expect.category, `${name}: category`);
  f.expectEqual(result.route?.retryable ?? false, expect.retryable, `${name}: retryable`);
  f.expectEqual(result.fallback.reason, expect.fallback_reason ?? 'non-2xx', `${name}: fallback reason`);
  if (result.fallback.blocking !== false) f.fail(`${name}: the fallback blocks the Draft flow`);
}

f.finish(`MemoryKernel contract tests passed (${routed.length} codes routed, ${sources.length} source file(s) scanned).`);
