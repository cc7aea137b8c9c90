// What an attempt ran with, as its step.started recorded it (secret values
// already masked by the journal): the env a command step set, the
// parameters of a check. The decision record shows them (evidence/record-details.ts).
import type { JournalEvent } from './events.js';

type Started = Extract<JournalEvent, { type: 'step.started' }>;

export function startedDetails(ev: Started): { env?: Record<string, string>; params?: Record<string, unknown> } {
  const env = ev.command?.env as unknown;
  const params = ev.check?.params as unknown;
  const entries = env && typeof env === 'object' && !Array.isArray(env) ? Object.entries(env as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string') : [];
  return {
    ...(entries.length ? { env: Object.fromEntries(entries) } : {}),
    ...(params && typeof params === 'object' && !Array.isArray(params) ? { params: params as Record<string, unknown> } : {}),
  };
}
