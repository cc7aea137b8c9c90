// Hygiene rules of the handoff check: things the producer's governance
// script lets through but that make a payload unreliable to act on on
// cutover day. Warnings by default, violations in strict mode.
import { childPath, formatValue, isPlainObject, jsonTypeOf, type Violation } from './violation.js';

type Payload = Record<string, unknown>;

/** Fields a non-2xx envelope must not carry; finding them in a payload means someone pasted a response in. */
const FORBIDDEN_ENVELOPE_FIELDS = ['legacy_error', 'api_contract_version'] as const;
const ISO_UTC = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?Z$/;
const COMMIT_SHA = /^[0-9a-f]{40}$/;

/** Findings the producer's script does not enforce; the caller decides whether they fail. */
export function checkHandoffHygiene(payload: Payload): Violation[] {
  const out: Violation[] = [];
  if ('handoff_generated_at_utc' in payload && !isIsoUtc(payload.handoff_generated_at_utc)) {
    out.push({
      rule: 'timestamp-format',
      path: '$.handoff_generated_at_utc',
      actual: payload.handoff_generated_at_utc,
      message: `${formatValue(payload.handoff_generated_at_utc)} is not an ISO-8601 UTC timestamp like 2026-11-21T07:42:43Z`,
    });
  }
  checkCommandList(payload, 'verification_commands', out);
  if (payload.handoff_mode === 'service-v3-candidate') checkCommandList(payload, 'required_consumer_validation_commands', out);
  const baseline = isPlainObject(payload.active_runtime_baseline) ? payload.active_runtime_baseline : {};
  for (const [path, sha] of [
    ['$.commit_sha', payload.commit_sha],
    ['$.active_runtime_baseline.commit_sha', baseline.commit_sha],
  ] as const) {
    if (sha !== undefined && !(typeof sha === 'string' && COMMIT_SHA.test(sha))) {
      out.push({ rule: 'commit-sha-format', path, actual: sha, message: `${formatValue(sha)} is not a full commit sha (40 lowercase hex characters)` });
    }
  }
  for (const field of FORBIDDEN_ENVELOPE_FIELDS) {
    if (field in payload) {
      out.push({
        rule: 'forbidden-envelope-field',
        path: childPath('$', field),
        actual: payload[field],
        message: `${field} is forbidden by the service.v3 non-2xx envelope policy and has no place in a handoff payload; remove it`,
      });
    }
  }
  return out;
}

function checkCommandList(payload: Payload, key: string, out: Violation[]): void {
  if (!(key in payload)) return;
  const commands = payload[key];
  const path = childPath('$', key);
  if (!Array.isArray(commands)) {
    out.push({ rule: 'command-list', path, actual: jsonTypeOf(commands), message: `expected a list of command strings, got ${jsonTypeOf(commands)}` });
  } else if (commands.length === 0) {
    out.push({ rule: 'command-list', path, actual: [], message: 'the command list is empty: a handoff must say how to verify it' });
  } else {
    commands.forEach((command, i) => {
      if (typeof command !== 'string' || command.trim() === '') {
        out.push({ rule: 'command-list', path: childPath(path, i), actual: command, message: `expected a non-empty command string, got ${formatValue(command)}` });
      }
    });
  }
}

/** ISO-8601 in UTC with a `Z`, and a real calendar instant (no 2026-02-30). */
export function isIsoUtc(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const m = ISO_UTC.exec(value);
  if (!m) return false;
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  const date = new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo! - 1 && date.getUTCDate() === d && date.getUTCHours() === h && date.getUTCMinutes() === mi && date.getUTCSeconds() === s;
}
