// The deterministic fallback stays non-blocking: for every failure reason
// (offline, timeout, malformed, version mismatch, non-2xx) the Draft flow
// continues without enrichment, and the same input always gives the same
// decision. A regression here is a SEV-1 rollback trigger.
import { FALLBACK_REASONS, fallbackFor, routeNon2xx } from '../src/memorykernel/error-routing.mjs';
import { Findings } from './lib.mjs';

const f = new Findings('deterministic fallback');

f.step('every failure reason falls back without blocking the Draft flow');
for (const reason of FALLBACK_REASONS) {
  const first = fallbackFor(reason);
  const again = fallbackFor(reason);
  if (first.blocking !== false) f.fail(`${reason}: fallback blocks the Draft flow (blocking: ${JSON.stringify(first.blocking)})`);
  if (first.mode !== 'draft-without-enrichment') f.fail(`${reason}: fallback mode is ${JSON.stringify(first.mode)}, expected draft-without-enrichment`);
  f.expectEqual(again, first, `${reason}: fallback is not deterministic`);
}

f.step('routing the same response twice gives the same decision');
const samples = [
  [503, { service_contract_version: 'service.v3', error: { code: 'schema_unavailable', message: 'not ready' } }],
  [500, { service_contract_version: 'service.v3', error: { code: 'not_a_known_code', message: 'x' } }],
  [502, '<html>Bad Gateway</html>'],
];
for (const [status, body] of samples) {
  const a = routeNon2xx(status, body);
  f.expectEqual(routeNon2xx(status, body), a, `${status} response routing`);
  if (a.fallback.blocking !== false) f.fail(`${status} response: fallback blocks the Draft flow`);
}

f.finish('Deterministic fallback stays non-blocking for all 5 failure reasons.');
