// Times entered into a timestamp field, relative to the moment of entry
// (`now+30m`), and the `future:` rule (a next-update ETA must be later than
// the moment it is entered). Pure: the session passes its clock, verify the
// recorded time of the event.
import type { InputField } from '../runbook/types.js';

/**
 * A time relative to the moment of entry, for a timestamp field: `now`,
 * `now+30m`, `now-5m` (a duration as in runbooks). The session turns it into
 * the ISO time before it validates and records (resolveRelativeTimes).
 */
export const RELATIVE_TIME = /^now(?:([+-])((?:[0-9]+(?:s|m|h|d))+))?$/;

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `2026-11-21T14:05:00Z` for `now`/`now+15m`/`now-5m` at `now`; undefined when `value` is not a relative time. */
export function relativeTime(value: string, now: Date): string | undefined {
  const m = RELATIVE_TIME.exec(value.trim());
  if (!m) return undefined;
  let ms = 0;
  for (const [, n, unit] of (m[2] ?? '').matchAll(/([0-9]+)(s|m|h|d)/g)) ms += Number(n) * UNIT_MS[unit!]!;
  const at = new Date(now.getTime() + (m[1] === '-' ? -ms : ms));
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A `future: true` timestamp at or before `now` (the moment it is entered): the problem in words. */
export function futureProblem(field: InputField, value: string | undefined, now: Date): string | undefined {
  if (field.type !== 'timestamp' || !field.future || !value) return undefined;
  const t = Date.parse(value);
  if (Number.isNaN(t) || t > now.getTime()) return undefined;
  return `${field.label} must be a time in the future: ${value} is not later than now (${now.toISOString().replace(/\.\d{3}Z$/, 'Z')}); give the time of the next update, e.g. now+30m`;
}

