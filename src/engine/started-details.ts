// What an attempt ran with, as its step.started recorded it (secret values
// already masked by the journal): the env a command step set, the
// parameters of a check, the directory it ran in. The decision record shows
// env and parameters (evidence/record-details.ts); the screen the directory.
import type { JournalEvent } from './events.js';

type Started = Extract<JournalEvent, { type: 'step.started' }>;

export interface StartedDetails {
  /** The env a command step set. */
  env?: Record<string, string>;
  /** A check's parameters. */
  params?: Record<string, unknown>;
  /** The directory it ran in. */
  cwd?: string;
}

export function startedDetails(ev: Started): StartedDetails {
  const env = ev.command?.env as unknown;
  const params = ev.check?.params as unknown;
  const entries = env && typeof env === 'object' && !Array.isArray(env) ? Object.entries(env as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string') : [];
  const cwd: unknown = ev.command?.cwd ?? ev.check?.cwd;
  return {
    ...(typeof cwd === 'string' && cwd !== '' ? { cwd } : {}),
    ...(entries.length ? { env: Object.fromEntries(entries) } : {}),
    ...(params && typeof params === 'object' && !Array.isArray(params) ? { params: params as Record<string, unknown> } : {}),
  };
}
