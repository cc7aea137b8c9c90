// Drill metrics from a journal: a rehearsal of the shipped rollback runbook
// on a moved clock, then the metrics computed from the journal on disk alone
// (milestones from the identification, time to recovery, each protocol
// deadline met, missed by how much, or open), and `cutover report` showing
// them (markdown sections and --format json).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { drillMetrics, mmss } from '../../src/engine/drill.js';
import { foldEvents } from '../../src/engine/fold.js';
import { Session } from '../../src/session/session.js';
import { cli, REPO } from '../helpers/cli.js';
import { readEvents, tempDir } from '../fixtures/engine/scenario.js';
import { loadRunbook } from '../../src/runbook/load.js';
import type { Runbook } from '../../src/runbook/types.js';

const ROLLBACK = join(REPO, 'checklists', 'service-v3-rollback.yaml');
const MIN = 60_000;

async function rehearse(): Promise<string> {
  const dir = tempDir();
  for (const d of ['producer', 'consumer']) mkdirSync(join(dir, d));
  let now = Date.parse('2031-05-01T10:00:00Z');
  const at = (hhmm: string) => (now = Date.parse(`2031-05-01T${hhmm}:00Z`));
  const session = Session.start({
    runbookPath: ROLLBACK,
    mode: 'rehearsal',
    vars: { producer_root: join(dir, 'producer'), consumer_root: join(dir, 'consumer'), incident_channel: '#mk-incident' },
    evidenceDir: join(dir, 'evidence'),
    operator: 'Rita Responder',
    now: () => new Date(now),
  });
  const ok = (r: { ok: boolean }) => expect(r).toEqual({ ok: true });
  try {
    ok(session.recordInput('trigger-identification', { incident_id: 'INC-7', trigger_type: 'envelope-shape-mismatch', severity: 'SEV-1', contract_mode: 'service.v3 runtime', identified_at: 'now-2m' }));
    at('10:01');
    ok(session.recordInput('incident-assessment', { current_tag: 'v0.4.0', current_sha: '7e4806a34b98e6c06ee33fa9f11499a975e7b922', rollback_tag: 'v0.3.2', rollback_sha: 'cf331449e1589581a5dcbb3adecd3e9ae4509277', impact_summary: 'Draft enrichment errors', immediate_actions: 'baseline frozen', next_update_eta: 'now+30m' }));
    at('10:05');
    ok(session.sendNotice('initial-incident-notice'));
    at('10:40');
    ok(session.recordInput('producer-rollback-recommendation', { recommendation: 'rollback to the service.v2 baseline', rationale: 'envelope contract broken' }));
    at('10:45');
    ok(session.confirm('rollback-executed', { link: 'https://example.invalid/assistsupport/pull/900' }));
    at('11:20');
    ok(session.recordInput('rollback-record', { completed_at: 'now', producer_owner_approval: 'Priya Raman', consumer_owner_approval: 'Tomás Álvarez', residual_risk: 'none known', follow_up: 'regression test for legacy_error (Priya, 2031-05-08)' }));
    at('11:30');
    ok(session.sign('consumer-repin-confirmed', 'consumer_rollback_owner', 'Tomás Álvarez'));
    at('11:40');
    await session.close();
    return session.bundleDir;
  } finally {
    session.release();
  }
}

describe('drill metrics', () => {
  it('mmss is mm:ss below an hour and h:mm:ss from an hour on', () => {
    expect([mmss(95_000), mmss(59 * MIN + 59_000), mmss(97 * MIN), mmss(-3 * MIN), mmss(24 * 60 * MIN - 16_000)]).toEqual(['01:35', '59:59', '1:37:00', '03:00', '23:59:44']);
  });

  it('are computed from the journal alone, and cutover report shows the incident', async () => {
    const bundle = await rehearse();
    const loaded = loadRunbook(join(bundle, 'runbook.yaml'), { bundleCopy: true });
    if (!loaded.ok) throw new Error('runbook copy');
    const rb: Runbook = loaded.loaded.runbook;
    const m = drillMetrics(rb, foldEvents(rb, readEvents(bundle)), new Date('2031-05-01T11:40:00Z'));
    expect(m).toMatchObject({ trigger: 'envelope-shape-mismatch', severity: 'SEV-1', incidentId: 'INC-7', identifiedAt: '2031-05-01T09:58:00Z', identifiedFrom: 'input' });
    expect(m.milestones.map((x) => [x.id, x.since])).toEqual([
      ['notice', '07:00'],
      ['recommendation', '42:00'],
      ['rollback-executed', '47:00'],
      ['repin-confirmed', '1:32:00'],
      ['final-record', '1:22:00'],
    ]);
    expect(m.recovery).toEqual({ at: '2031-05-01T11:20:00Z', duration: '1:22:00' });
    expect(m.deadlines.map((d) => [d.name, d.status, d.by ?? null])).toEqual([
      ['initial incident notice', 'met', '08:00'],
      ['producer rollback recommendation', 'missed', '12:00'],
      ['consumer re-pin confirmation', 'missed', '15:00'],
      ['joint incident summary', 'open', null],
    ]);
    // The day after, the 24 h summary still not sent: overdue by how much.
    const later = drillMetrics(rb, foldEvents(rb, readEvents(bundle)), new Date('2031-05-02T10:00:00Z'));
    expect(later.deadlines[3]).toMatchObject({ status: 'overdue', by: '02:00' });

    const md = await cli(['report', bundle]);
    expect(md.code).toBe(0);
    for (const needle of [
      '## Incident',
      '- Severity: **SEV-1**',
      '- Time to recovery: **1:22:00** (rollback complete 2031-05-01T11:20:00Z)',
      '### Protocol deadlines',
      '- initial incident notice (15m): met, 08:00 to spare',
      '- producer rollback recommendation (30m): MISSED by 12:00',
      '- consumer re-pin confirmation (30m after rollback-executed): MISSED by 15:00',
      '- joint incident summary (24h): open, due 2031-05-02T09:58:00.000Z',
      '### Drill metrics (from the identification)',
      '### Timeline (UTC)',
      '- 2031-05-01T09:58:00Z — trigger identified: envelope-shape-mismatch (SEV-1)',
      '### Notices',
      'paste-ready [notices/initial-incident-notice.txt](notices/initial-incident-notice.txt)',
      '### Final record',
      '- residual_risk: none known',
      '| Direction | rollback v0.4.0 7e4806a34b98e6c06ee33fa9f11499a975e7b922 → v0.3.2 cf331449e1589581a5dcbb3adecd3e9ae4509277 |',
    ]) expect(md.stdout).toContain(needle);
    const json = JSON.parse((await cli(['report', bundle, '--format', 'json'])).stdout) as { incident: { severity: string; recovery: { duration: string }; deadlines: { name: string; status: string }[] } };
    expect(json.incident.severity).toBe('SEV-1');
    expect(json.incident.recovery.duration).toBe('1:22:00');
    expect(json.incident.deadlines.map((d) => d.status)).toEqual(['met', 'missed', 'missed', 'open']);
    // The summaries with the incident verify (rendered again from the journal).
    const verified = await cli(['verify', bundle]);
    expect(verified.stdout + verified.stderr).not.toMatch(/decision-record\.md|manifest\.json/);
  });
});
