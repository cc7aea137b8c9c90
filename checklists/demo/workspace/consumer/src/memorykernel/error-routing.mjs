// How the consumer reacts to a MemoryKernel non-2xx response. service.v3
// removed the transitional envelope field, so routing is by error.code only.
// Whatever happens — unknown code, malformed body, version mismatch, the
// service offline or slow — the Draft flow continues without enrichment:
// the fallback is deterministic (same input, same decision) and never blocks.

/** The one fallback: keep drafting without MemoryKernel enrichment. */
export const FALLBACK = Object.freeze({ mode: 'draft-without-enrichment', blocking: false });

export const FALLBACK_REASONS = Object.freeze(['offline', 'timeout', 'malformed', 'version-mismatch', 'non-2xx']);

/** error.code → how the consumer treats it; must cover the producer's enum exactly. */
export const ERROR_CODE_ROUTES = Object.freeze({
  invalid_json: { category: 'client', retryable: false },
  validation_error: { category: 'client', retryable: false },
  context_package_not_found: { category: 'not-found', retryable: false },
  write_conflict: { category: 'conflict', retryable: true },
  write_failed: { category: 'server', retryable: true },
  schema_unavailable: { category: 'unavailable', retryable: true },
  migration_failed: { category: 'server', retryable: false },
  query_failed: { category: 'server', retryable: true },
  context_lookup_failed: { category: 'server', retryable: true },
  internal_error: { category: 'server', retryable: true },
});

export function fallbackFor(reason) {
  if (!FALLBACK_REASONS.includes(reason)) throw new Error(`unknown fallback reason: ${reason}`);
  return { ...FALLBACK, reason };
}

/**
 * Routes one non-2xx response. Returns the code and its route (null when the
 * code is unknown or the body unusable) and the fallback the UI applies.
 */
export function routeNon2xx(status, body, expectedServiceContract = 'service.v3') {
  if (body === null || typeof body !== 'object' || body.error === null || typeof body.error !== 'object') {
    return { status, code: null, route: null, fallback: fallbackFor('malformed') };
  }
  if (body.service_contract_version !== expectedServiceContract) {
    return { status, code: null, route: null, fallback: fallbackFor('version-mismatch') };
  }
  const code = body.error.code;
  const route = typeof code === 'string' && Object.hasOwn(ERROR_CODE_ROUTES, code) ? ERROR_CODE_ROUTES[code] : null;
  return { status, code: typeof code === 'string' ? code : null, route, fallback: fallbackFor('non-2xx') };
}
