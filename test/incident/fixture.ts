// A small cutover runbook and its rollback runbook (issue 13A tests): a
// trigger matrix with a rollback trigger, deadlines counted from the
// trigger and from a step, written into a temp dir that is removed after
// each test.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEachTest } from '../helpers/per-file.js';
import { stringify } from 'yaml';
import type { JournalEvent } from '../../src/engine/events.js';
import { JOURNAL_FILE } from '../../src/evidence/journal.js';

const dirs: string[] = [];
afterEachTest('incident fixture', () => {
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
});

export const OPERATOR = 'Olga Operator';
export const T0 = Date.parse('2026-03-02T14:00:00.000Z');
export const iso = (ms: number) => new Date(ms).toISOString();
export const MIN = 60_000;

const pins = {
  baseline: { release_tag: 'v0.3.2', commit: 'cf331449e1589581a5dcbb3adecd3e9ae4509277', service_contract: 'service.v2' },
  target: { release_tag: 'v0.4.0', commit: '7e4806a34b98e6c06ee33fa9f11499a975e7b922', service_contract: 'service.v3' },
};
const roles = [
  { id: 'captain', title: 'Release captain', side: 'joint' },
  { id: 'pa', title: 'Producer approver', side: 'producer' },
  { id: 'ca', title: 'Consumer approver', side: 'consumer' },
];
const triggers = [
  { id: 'envelope-mismatch', title: 'Non-2xx envelope shape mismatch', severity: 'SEV-1', action: 'Immediate rollback to the baseline.', rollback: true },
  { id: 'payload-drift', title: 'Candidate payload field drift', severity: 'SEV-2', action: 'Freeze promotion, fix the payload, re-verify.', rollback: false },
];
const vars = {
  channel: { type: 'string', description: 'Incident channel' },
  owner: { type: 'string', description: 'Rollback owner', default: 'Rae Owner' },
};

export function cutoverRunbook(extraSteps: Record<string, unknown>[] = []): Record<string, unknown> {
  return {
    format: 'cutover-runbook/v1', id: 'mini-cut', title: 'Mini cutover', version: '1.0', modes: ['rehearsal', 'cutover'], ...pins, roles, vars, triggers,
    rollback: 'rollback.yaml',
    sections: [
      {
        id: 'pre', title: 'Preconditions', steps: [
          { id: 'rc', kind: 'confirm', title: 'Release candidate immutable', statement: 'The RC is frozen' },
          ...extraSteps,
          { id: 'notify', kind: 'confirm', title: 'Incident notice sent', statement: 'Notified ${channel}', due: { after: 'trigger', within: '15m' } },
          { id: 'sign', kind: 'signoff', title: 'Joint sign-off', roles: ['pa', 'ca'], statement: 'We approve ${target.release_tag}' },
          {
            id: 'decide', kind: 'decision', title: 'Go/no-go', options: [
              { id: 'go', label: 'GO (rehearsal continuation)', go: true, requires_steps: 'all', requires_signoffs: ['sign'] },
              { id: 'no-go', label: 'NO-GO', go: false, remediation: true },
            ],
          },
        ],
      },
    ],
  };
}

export function rollbackRunbook(): Record<string, unknown> {
  return {
    format: 'cutover-runbook/v1', id: 'mini-rollback', title: 'Mini rollback', version: '1.0', modes: ['rehearsal', 'cutover'], ...pins, roles, vars: { ...vars, ticket: { type: 'string', description: 'Incident ticket' } }, triggers,
    sections: [
      {
        id: 'protocol', title: 'Protocol', steps: [
          { id: 'initial-notice', kind: 'confirm', protocol: 'initial-notice', title: 'Initial incident notice', statement: 'Sent to ${channel}', due: { after: 'trigger', within: '15m' } },
          { id: 'recommendation', kind: 'confirm', protocol: 'recommendation', title: 'Producer recommendation', statement: 'Recommended', due: { after: 'trigger', within: '30m' } },
          { id: 'rollback-executed', kind: 'confirm', protocol: 'rollback-executed', title: 'Rollback executed', statement: 'Rolled back by ${owner}' },
          { id: 'repin', kind: 'confirm', protocol: 'repin-confirmed', title: 'Consumer re-pin confirmation', statement: 'Re-pinned', due: { after: 'rollback-executed', within: '30m' } },
          { id: 'summary', kind: 'confirm', protocol: 'joint-summary', title: 'Joint incident summary', statement: 'Summary for ${ticket}', due: { after: 'trigger', within: '24h' } },
          { id: 'owners', kind: 'signoff', title: 'Owners sign-off', roles: ['pa', 'ca'], statement: 'Restored ${baseline.release_tag}' },
          {
            id: 'done', kind: 'decision', title: 'Rollback complete?', options: [
              { id: 'complete', label: 'Rollback complete', go: true, requires_steps: 'all', requires_signoffs: ['owners'] },
              { id: 'not-complete', label: 'Rollback NOT complete', go: false, remediation: true },
            ],
          },
        ],
      },
    ],
  };
}

/** A temp dir with cutover.yaml and rollback.yaml in it. */
export function workspace(extraSteps: Record<string, unknown>[] = []): { dir: string; cutover: string; rollback: string; evidence: string } {
  const dir = mkdtempSync(join(tmpdir(), 'cutover-incident-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'cutover.yaml'), stringify(cutoverRunbook(extraSteps)));
  writeFileSync(join(dir, 'rollback.yaml'), stringify(rollbackRunbook()));
  return { dir, cutover: join(dir, 'cutover.yaml'), rollback: join(dir, 'rollback.yaml'), evidence: join(dir, 'evidence') };
}

export function journalOf(bundle: string): JournalEvent[] {
  return readFileSync(join(bundle, JOURNAL_FILE), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as JournalEvent);
}

export function writeYaml(file: string, data: unknown): string {
  writeFileSync(file, stringify(data));
  return file;
}
