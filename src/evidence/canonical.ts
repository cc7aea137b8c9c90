// Canonical JSON (object keys sorted, no whitespace) and the hash chain
// rule: hash = sha256(prev + canonical(event without its hash)).
import { createHash } from 'node:crypto';

export const GENESIS = '0'.repeat(64);

export function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => canonical(v === undefined ? null : v)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
}

export function chainHash(prev: string, eventWithoutHash: Record<string, unknown>): string {
  return createHash('sha256').update(prev).update(canonical(eventWithoutHash)).digest('hex');
}

export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
