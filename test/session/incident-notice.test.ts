// The incident notice of the shipped rollback runbook, on a real Session
// with a moved clock: each field is validated when entered and a refusal
// names the field; the ETA must be in the future (relative times such as
// now+30m are made absolute at entry); the notice is written as Markdown
// and as paste-ready text, both covered by verify (an edited one fails).
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyBundle } from '../../src/evidence/verify.js';
import { Session } from '../../src/session/session.js';
import { REPO } from '../helpers/cli.js';
import { tempDir } from '../fixtures/engine/scenario.js';

const ROLLBACK = join(REPO, 'checklists', 'service-v3-rollback.yaml');
const BASELINE_SHA = 'cf331449e1589581a5dcbb3adecd3e9ae4509277';
const TARGET_SHA = '7e4806a34b98e6c06ee33fa9f11499a975e7b922';
const T0 = Date.parse('2031-05-01T10:00:00Z');

function start(now: () => Date): Session {
  const dir = tempDir();
  for (const d of ['producer', 'consumer']) mkdirSync(join(dir, d));
  return Session.start({
    runbookPath: ROLLBACK,
    mode: 'rehearsal',
    vars: { producer_root: join(dir, 'producer'), consumer_root: join(dir, 'consumer'), incident_channel: '#mk-incident' },
    evidenceDir: join(dir, 'evidence'),
    operator: 'Rita Responder',
    now,
  });
}

const GOOD = {
  current_tag: 'v0.4.0',
  current_sha: TARGET_SHA,
  rollback_tag: 'v0.3.2',
  rollback_sha: BASELINE_SHA,
  impact_summary: 'Draft enrichment fails with a 400 carrying legacy_error',
  immediate_actions: 'Baseline frozen; rollback to v0.3.2 initiated',
  next_update_eta: 'now+30m',
};

describe('the incident notice of service-v3-rollback.yaml', () => {
  it('refuses each invalid field naming it, takes now+30m as a future ETA, and writes .md and .txt that verify covers', async () => {
    let now = T0;
    const session = start(() => new Date(now));
    try {
      expect(session.recordInput('trigger-identification', { incident_id: 'INC-7', trigger_type: 'envelope-shape-mismatch', severity: 'SEV-1', contract_mode: 'service.v3 runtime', identified_at: 'now-2m' })).toEqual({ ok: true });
      expect(session.state.inputs['trigger-identification']!.identified_at).toBe('2031-05-01T09:58:00Z');
      now += 60_000;

      const bad = session.recordInput('incident-assessment', { ...GOOD, current_tag: 'v0.4.1', current_sha: 'abc123', rollback_sha: TARGET_SHA, next_update_eta: '2031-05-01T09:00:00Z' });
      expect(bad.ok).toBe(false);
      const fields = (bad as { fields: Record<string, string> }).fields;
      expect(Object.keys(fields).sort()).toEqual(['current_sha', 'current_tag', 'next_update_eta', 'rollback_sha']);
      expect(fields.current_tag).toMatch(/^Current release tag must equal \$\{target.release_tag\} = "v0.4.0"/);
      expect(fields.current_sha).toBe('Current release commit must be a full 40-character lower-case commit sha');
      expect(fields.rollback_sha).toMatch(/^Rollback target commit must equal \$\{baseline.commit\}/);
      expect(fields.next_update_eta).toMatch(/^Next update ETA \(UTC\) must be a time in the future: 2031-05-01T09:00:00Z is not later than now \(2031-05-01T10:01:00Z\)/);
      // The screen's inline check says the same for one field.
      expect(session.fieldProblem('incident-assessment', 'next_update_eta', { ...GOOD, next_update_eta: 'now' })).toMatch(/must be a time in the future/);
      expect(session.fieldProblem('incident-assessment', 'next_update_eta', GOOD)).toBeUndefined();

      expect(session.recordInput('incident-assessment', GOOD)).toEqual({ ok: true });
      expect(session.state.inputs['incident-assessment']!.next_update_eta).toBe('2031-05-01T10:31:00Z');
      now += 60_000;
      expect(session.sendNotice('initial-incident-notice')).toEqual({ ok: true });

      const sent = session.events.find((e) => e.type === 'notice.sent')!;
      expect(sent).toMatchObject({ step: 'initial-incident-notice', channel: '#mk-incident', sent_at: '2031-05-01T10:02:00.000Z', text: { file: 'notices/initial-incident-notice.md' }, plain: { file: 'notices/initial-incident-notice.txt' } });
      const txt = readFileSync(join(session.bundleDir, 'notices/initial-incident-notice.txt'), 'utf8');
      expect(txt.split('\n')[0]).toBe('[SEV-1] INC-7 — MemoryKernel ↔ AssistSupport service.v3 rollback (rehearsal)');
      expect(txt).toContain(`Current: v0.4.0 / ${TARGET_SHA} (service.v3)`);
      expect(txt).toContain(`Rollback target: v0.3.2 / ${BASELINE_SHA} (service.v2 / api.v1 / integration/v1)`);
      expect(txt).toContain('Next update: 2031-05-01T10:31:00Z');
      const md = readFileSync(join(session.bundleDir, 'notices/initial-incident-notice.md'), 'utf8');
      expect(md).toContain('# Initial incident notice');
      expect(md).toContain('- Sent (UTC): 2031-05-01T10:02:00.000Z');
      expect(md).toContain('- Channel: #mk-incident');
      expect(md).toContain(`~~~text\n${txt.trimEnd()}\n~~~`);
      await session.close();
    } finally {
      session.release();
    }
    expect((await verifyBundle(session.bundleDir)).problems).toEqual([]);
    appendFileSync(join(session.bundleDir, 'notices/initial-incident-notice.txt'), 'P.S. all good\n');
    const after = await verifyBundle(session.bundleDir);
    expect(after.ok).toBe(false);
    expect(after.problems.map((p) => p.file)).toContain('notices/initial-incident-notice.txt');
  });
});
