// One typed input field's value against its type, pattern and `future:`
// (text, select, sha, tag, duration, url, timestamp), in words naming the
// field. Pure: the session validates what is entered with it, and verify
// holds a recorded status update's values to it.
import type { InputField } from '../runbook/types.js';
import { futureProblem, RELATIVE_TIME } from './entry-times.js';

/**
 * One field's value against its type and pattern. Without `now` (an answers
 * file read before the run) a relative time (`now+30m`) passes for a
 * timestamp; with it, the session has made it absolute and a `future:` field
 * must be later than `now`.
 */
export function validateField(field: InputField, raw: string | undefined, now?: Date): string | undefined {
  const value = (raw ?? '').trim();
  if (field.type === 'timestamp' && !now && RELATIVE_TIME.test(value)) return undefined;
  if (!value) return field.required === false ? undefined : `${field.label} is required`;
  switch (field.type) {
    case 'select':
      if (!field.options?.includes(value)) return `${field.label} must be one of: ${field.options?.join(', ')}`;
      break;
    case 'sha':
      if (!/^[0-9a-f]{40}$/.test(value)) return `${field.label} must be a full 40-character lower-case commit sha`;
      break;
    case 'tag':
      if (!/^[^\s~^:?*[\\]+$/.test(value)) return `${field.label} is not a valid git tag name`;
      break;
    case 'duration':
      if (!/^([0-9]+(ms|s|m|h|d))+$/.test(value)) return `${field.label} must be a duration such as 15m or 1h30m`;
      break;
    case 'url':
      if (!URL.canParse(value) || !/^[a-z][a-z0-9+.-]*:/i.test(value)) return `${field.label} must be a URL such as https://…`;
      break;
    case 'timestamp':
      if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z$/.test(value) || Number.isNaN(Date.parse(value))) {
        return `${field.label} must be an ISO-8601 UTC timestamp such as 2026-11-21T14:05:00Z (or now, now+30m)`;
      }
      break;
    default:
      break;
  }
  if (field.pattern && !new RegExp(field.pattern).test(value)) return `${field.label} does not match the pattern ${field.pattern}`;
  return now ? futureProblem(field, value, now) : undefined;
}
