// Hand-built runbooks and journals for the pure engine tests: no files, no
// processes. Events get seq and prev/hash placeholders (the fold does not
// check the chain; the journal does), and times from a controllable clock.
import type { AttemptResult, EventBody, JournalEvent } from '../../src/engine/events.js';
import type { Runbook, Step } from '../../src/runbook/types.js';

export const T0 = Date.parse('2026-11-21T14:00:00.000Z');
export const MIN = 60_000;

export const iso = (ms: number) => new Date(ms).toISOString();

/** A runbook with the given steps in one section, three roles and one trigger. */
export function runbookWith(steps: Step[], extra: Partial<Runbook> = {}): Runbook {
  return {
    format: 'cutover-runbook/v1',
    id: 'unit',
    title: 'Unit runbook',
    version: '1',
    modes: ['rehearsal', 'cutover'],
    baseline: { release_tag: 'v0.3.2', commit: 'cf331449e1589581a5dcbb3adecd3e9ae4509277' },
    target: { release_tag: 'v0.4.0', commit: '7e4806a34b98e6c06ee33fa9f11499a975e7b922' },
    roles: [
      { id: 'pa', title: 'Producer approver', side: 'producer' },
      { id: 'ca', title: 'Consumer approver', side: 'consumer' },
    ],
    triggers: [{ id: 'envelope-mismatch', title: 'Non-2xx envelope shape mismatch', severity: 'SEV-1', action: 'Immediate rollback', rollback: true }],
    sections: [{ id: 'all', title: 'All', steps }],
    ...extra,
  };
}

export const suite: Step = { id: 'suite', kind: 'command', title: 'Producer suite', run: ['cargo', 'test'] };
export const optional: Step = { id: 'optional', kind: 'command', title: 'Optional lint', run: ['lint'], required: false };
export const sign: Step = { id: 'sign', kind: 'signoff', title: 'Joint sign-off', roles: ['pa', 'ca'], statement: 'We approve' };
export const decide: Step = {
  id: 'decide',
  kind: 'decision',
  title: 'Go/no-go',
  options: [
    { id: 'go', label: 'GO (rehearsal continuation)', go: true, requires_signoffs: ['sign'] },
    { id: 'runtime', label: 'GO (runtime cutover)', go: true, modes: ['cutover'], requires_signoffs: ['sign'] },
    { id: 'no-go', label: 'NO-GO', go: false, remediation: true },
  ],
};

/** A command result: exit 0 unless given, ending at `endedAt`. */
export function result(over: Partial<AttemptResult> & { endedAt?: number } = {}): AttemptResult {
  const ended = over.endedAt ?? T0;
  const log = (name: string) => ({ file: `steps/x/${name}.log`, bytes: 0, sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' });
  const { endedAt: _e, ...rest } = over;
  return {
    outcome: 'exited',
    exit_code: 0,
    signal: null,
    started_at: iso(ended - 1000),
    ended_at: iso(ended),
    duration_ms: 1000,
    stdout: log('stdout'),
    stderr: log('stderr'),
    combined: log('combined'),
    git_head: null,
    ...rest,
  };
}

export type Timed = EventBody & { at?: number };

/** A journal from event bodies; `at` (ms) defaults to one second after the previous event. */
export function journal(mode: 'rehearsal' | 'cutover', ...bodies: Timed[]): JournalEvent[] {
  const started: Timed = {
    type: 'run.started',
    run_id: 'unit@test',
    rehearsal: mode === 'rehearsal',
    mode,
    operator: 'Olga Operator',
    runbook: { id: 'unit', title: 'Unit runbook', version: '1', file: '/unit.yaml', sha256: 'a'.repeat(64) },
    baseline: { release_tag: 'v0.3.2', commit: 'cf331449e1589581a5dcbb3adecd3e9ae4509277' },
    target: { release_tag: 'v0.4.0', commit: '7e4806a34b98e6c06ee33fa9f11499a975e7b922' },
    vars: {},
    host: 'test',
    cutover_version: '0.0.0',
    at: T0,
  };
  let clock = T0;
  return [started, ...bodies].map((b, i) => {
    const { at, ...body } = b;
    clock = at ?? (i === 0 ? T0 : clock + 1000);
    return { ...body, seq: i + 1, at: iso(clock), prev: `prev-${i}`, hash: `hash-${i + 1}` } as JournalEvent;
  });
}

/** started + finished of one attempt of a command step. */
export function attempt(step: string, n: number, res: AttemptResult | 'running', at?: number): Timed[] {
  const started: Timed = { type: 'step.started', step, attempt: n, by: 'Olga Operator', command: { display: `run ${step}`, cwd: '/', expect_exit: [0] }, ...(at !== undefined ? { at } : {}) };
  if (res === 'running') return [started];
  return [started, { type: 'step.finished', step, attempt: n, result: res, ...(at !== undefined ? { at: at + 1000 } : {}) }];
}

export function signed(role: string, name: string, at?: number): Timed {
  return { type: 'signoff.recorded', step: 'sign', role, name, statement: 'We approve', evidence_digest: 'd'.repeat(64), by: 'Olga Operator', ...(at !== undefined ? { at } : {}) };
}
