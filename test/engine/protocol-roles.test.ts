// The rollback protocol's steps found by role, not id (review finding 11):
// a `kind: rollback` runbook whose steps have other ids but carry the
// `protocol:` markers gets the same report figures as the shipped one
// (deadlines by name, milestones, time to recovery); the plain log's
// deadlines and the report's come from one computation, so they agree —
// also in an unlinked rollback run without a trigger, where both count from
// the identification step's input; and lint refuses a role marked twice.
// Real sessions on temp files, a moved clock (no timed assertions).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deadlines, type DeadlineState } from '../../src/engine/deadlines.js';
import { drillMetrics, type DrillMetrics } from '../../src/engine/drill.js';
import { foldEvents, type RunState } from '../../src/engine/fold.js';
import { incidentLines } from '../../src/evidence/incident-record.js';
import { verifyBundle } from '../../src/evidence/verify.js';
import { deadlineLine } from '../../src/plain/incident-lines.js';
import { loadRunbook } from '../../src/runbook/load.js';
import { LEGACY_IDS, protocolSteps } from '../../src/runbook/protocol.js';
import type { Runbook } from '../../src/runbook/types.js';
import { Session } from '../../src/session/session.js';
import { cli, REPO } from '../helpers/cli.js';
import { readEvents, tempDir } from '../fixtures/engine/scenario.js';

const SHIPPED = join(REPO, 'checklists', 'service-v3-rollback.yaml');

/** The shipped ids and the ones the renamed runbook gives the same steps. */
const IDS = {
  identify: 'trigger-identification',
  assess: 'incident-assessment',
  notice: 'initial-incident-notice',
  advice: 'producer-rollback-recommendation',
  executed: 'rollback-executed',
  record: 'rollback-record',
  repin: 'consumer-repin-confirmed',
  completed: 'completed_at',
};
type Ids = typeof IDS;
const RENAMED: Ids = { ...IDS, identify: 'identify', notice: 'first-notice', advice: 'mk-advice', executed: 'repin-deployed', record: 'closing-record', repin: 'as-repin-ok', completed: 'restored_at' };

/** The shipped rollback runbook with every protocol step renamed (and the notice's due: left to its role's default, 15m). */
function renamedRunbook(dir: string): string {
  let text = readFileSync(SHIPPED, 'utf8');
  const swap = (from: string, to: string) => {
    expect(text, from).toContain(from);
    text = text.split(from).join(to);
  };
  swap('trigger-identification', RENAMED.identify);
  swap('initial-incident-notice', RENAMED.notice);
  swap('producer-rollback-recommendation', RENAMED.advice);
  swap('id: rollback-executed', `id: ${RENAMED.executed}`);
  swap('after: rollback-executed', `after: ${RENAMED.executed}`);
  swap('rollback-record', RENAMED.record);
  swap('consumer-repin-confirmed', RENAMED.repin);
  swap('joint-incident-summary', 'summary-24h');
  swap('completed_at', RENAMED.completed);
  swap('        due: { after: trigger, within: 15m }      # from the trigger\'s identification\n', '');
  const file = join(dir, 'renamed-rollback.yaml');
  writeFileSync(file, text);
  return file;
}

function start(runbookPath: string, dir: string, clock: { now: number }): Session {
  for (const d of ['producer', 'consumer']) mkdirSync(join(dir, d), { recursive: true });
  return Session.start({
    runbookPath,
    mode: 'rehearsal',
    vars: { producer_root: join(dir, 'producer'), consumer_root: join(dir, 'consumer'), incident_channel: '#mk-incident' },
    evidenceDir: join(dir, 'evidence'),
    operator: 'Rita Responder',
    now: () => new Date(clock.now),
  });
}

const ok = (r: { ok: boolean }) => expect(r).toEqual({ ok: true });
const identify = (s: Session, ids: Ids, identifiedAt = 'now-2m') =>
  ok(s.recordInput(ids.identify, { incident_id: 'INC-7', trigger_type: 'envelope-shape-mismatch', severity: 'SEV-1', contract_mode: 'service.v3 runtime', identified_at: identifiedAt }));

/** The drill's rehearsal (test/engine/drill.test.ts) on the runbook with the ids given. */
async function rehearse(runbookPath: string, ids: Ids): Promise<string> {
  const dir = tempDir();
  const clock = { now: Date.parse('2031-05-01T10:00:00Z') };
  const at = (hhmm: string) => (clock.now = Date.parse(`2031-05-01T${hhmm}:00Z`));
  const s = start(runbookPath, dir, clock);
  try {
    identify(s, ids);
    at('10:01');
    ok(s.recordInput(ids.assess, { current_tag: 'v0.4.0', current_sha: '7e4806a34b98e6c06ee33fa9f11499a975e7b922', rollback_tag: 'v0.3.2', rollback_sha: 'cf331449e1589581a5dcbb3adecd3e9ae4509277', impact_summary: 'Draft enrichment errors', immediate_actions: 'baseline frozen', next_update_eta: 'now+30m' }));
    at('10:05');
    ok(s.sendNotice(ids.notice));
    at('10:40');
    ok(s.recordInput(ids.advice, { recommendation: 'rollback to the service.v2 baseline', rationale: 'envelope contract broken' }));
    at('10:45');
    ok(s.confirm(ids.executed, { link: 'https://example.invalid/assistsupport/pull/900' }));
    at('11:20');
    ok(s.recordInput(ids.record, { [ids.completed]: 'now', producer_owner_approval: 'Priya Raman', consumer_owner_approval: 'Tomás Álvarez', residual_risk: 'none known', follow_up: 'regression test (Priya, 2031-05-08)' }));
    at('11:30');
    ok(s.sign(ids.repin, 'consumer_rollback_owner', 'Tomás Álvarez'));
    at('11:40');
    await s.close();
    return s.bundleDir;
  } finally {
    s.release();
  }
}

/** What the report shows, without the step ids (they differ by design). */
function figures(m: DrillMetrics) {
  return {
    identification: [m.trigger, m.severity, m.incidentId, m.identifiedAt, m.identifiedFrom],
    milestones: m.milestones.map((x) => [x.id, x.title, x.at, x.since]),
    recovery: m.recovery,
    deadlines: m.deadlines.map((d) => [d.name, d.within, d.status, d.by, d.dueAt, d.doneAt]),
  };
}

/** The report's status a deadline of the log view must have. */
function reportStatus(d: DeadlineState): string {
  return d.status === 'running' ? 'open' : d.status === 'missed' && !d.completedAt ? 'overdue' : d.status;
}

/** Every protocol deadline of the report is the log view's deadline of that step: same due time, same status. */
function expectAgree(rb: Runbook, state: RunState, now: Date): void {
  const log = deadlines(rb, state, now);
  const report = drillMetrics(rb, state, now).deadlines;
  expect(report.length).toBeGreaterThan(0);
  for (const r of report) {
    const d = log.find((x) => x.step === r.step);
    expect(d, r.step).toBeDefined();
    expect([r.step, r.dueAt, r.status]).toEqual([d!.step, d!.dueAt, reportStatus(d!)]);
  }
}

describe('the rollback protocol by role (protocol: markers)', () => {
  it('a rollback runbook with other step ids gets the same deadlines by name, milestones and time to recovery', async () => {
    const shipped = await rehearse(SHIPPED, IDS);
    const renamed = await rehearse(renamedRunbook(tempDir()), RENAMED);
    const now = new Date('2031-05-01T11:40:00Z');
    const metrics = (bundle: string) => {
      const loaded = loadRunbook(join(bundle, 'runbook.yaml'), { bundleCopy: true });
      if (!loaded.ok) throw new Error('runbook copy');
      const rb = loaded.loaded.runbook;
      return drillMetrics(rb, foldEvents(rb, readEvents(bundle)), now);
    };
    const a = metrics(shipped);
    const b = metrics(renamed);
    expect(figures(b)).toEqual(figures(a));
    expect(b.deadlines.map((d) => [d.name, d.status, d.by ?? null])).toEqual([
      ['initial incident notice', 'met', '08:00'],
      ['producer rollback recommendation', 'missed', '12:00'],
      ['consumer re-pin confirmation', 'missed', '15:00'],
      ['joint incident summary', 'open', null],
    ]);
    expect(b.recovery).toEqual({ at: '2031-05-01T11:20:00Z', duration: '1:22:00' });
    expect(b.milestones.map((m) => [m.step, m.since])).toEqual([
      [RENAMED.notice, '07:00'],
      [RENAMED.advice, '42:00'],
      [RENAMED.executed, '47:00'],
      [RENAMED.repin, '1:32:00'],
      [RENAMED.record, '1:22:00'],
    ]);
    const md = await cli(['report', renamed]);
    expect(md.code).toBe(0);
    for (const needle of [
      '- Time to recovery: **1:22:00** (rollback complete 2031-05-01T11:20:00Z)',
      '- initial incident notice (15m): met, 08:00 to spare',
      `- consumer re-pin confirmation (30m after ${RENAMED.executed}): MISSED by 15:00`,
      '- residual_risk: none known',
      `- ${RENAMED.completed}: 2031-05-01T11:20:00Z`,
    ]) expect(md.stdout).toContain(needle);
    expect(md.stdout).not.toContain('none of the protocol steps');
    expect((await verifyBundle(renamed, { followLinks: false })).problems).toEqual([]);
  });

  it('an unlinked rollback run without a trigger: the log and the report count from the identification input and agree', async () => {
    const dir = tempDir();
    const clock = { now: Date.parse('2031-05-01T10:00:00Z') };
    const s = start(SHIPPED, dir, clock);
    const notice = () => deadlines(s.runbook, s.state, s.clock()).find((d) => d.step === IDS.notice)!;
    try {
      // Nothing identified yet: waiting in both views.
      expect(notice()).toMatchObject({ status: 'waiting' });
      expect(drillMetrics(s.runbook, s.state, s.clock()).deadlines[0]).toMatchObject({ status: 'waiting' });
      expectAgree(s.runbook, s.state, s.clock());
      identify(s, IDS); // identified 09:58, no trigger in the run
      clock.now = Date.parse('2031-05-01T10:05:00Z');
      expect(notice()).toMatchObject({ status: 'running', anchorAt: '2031-05-01T09:58:00Z', anchorFrom: 'input', dueAt: '2031-05-01T10:13:00.000Z' });
      expect(deadlineLine(notice())).toContain('— open');
      expectAgree(s.runbook, s.state, s.clock());
      clock.now = Date.parse('2031-05-01T10:20:00Z');
      expect(notice()).toMatchObject({ status: 'missed' });
      expect(deadlineLine(notice())).toContain('— OVERDUE');
      expect(incidentLines(s.runbook, s.state, s.clock())).toContain('  deadline initial incident notice (15m): open, OVERDUE by 07:00');
      expectAgree(s.runbook, s.state, s.clock());
      // Journaled overdue once, counted from the input (no trigger named).
      expect(s.triggers.recordOverdue().map((d) => d.step)).toEqual([IDS.notice]);
      expect(s.triggers.recordOverdue()).toEqual([]);
      clock.now = Date.parse('2031-05-01T10:21:00Z');
      ok(s.recordInput(IDS.assess, { current_tag: 'v0.4.0', current_sha: '7e4806a34b98e6c06ee33fa9f11499a975e7b922', rollback_tag: 'v0.3.2', rollback_sha: 'cf331449e1589581a5dcbb3adecd3e9ae4509277', impact_summary: 'Draft enrichment errors', immediate_actions: 'baseline frozen', next_update_eta: 'now+30m' }));
      ok(s.sendNotice(IDS.notice));
      expect(notice()).toMatchObject({ status: 'missed', completedAt: '2031-05-01T10:21:00.000Z' });
      expect(drillMetrics(s.runbook, s.state, s.clock()).deadlines[0]).toMatchObject({ status: 'missed', by: '08:00' });
      expectAgree(s.runbook, s.state, s.clock());
      await s.close();
    } finally {
      s.release();
    }
    const overdue = readEvents(s.bundleDir).filter((e) => e.type === 'deadline.overdue');
    expect(overdue).toHaveLength(1);
    expect(overdue[0]).toMatchObject({ step: IDS.notice, anchor: 'trigger', anchor_at: '2031-05-01T09:58:00Z', due_at: '2031-05-01T10:13:00.000Z' });
    expect(overdue[0]).not.toHaveProperty('trigger');
    // verify re-checks that deadline.overdue against the same computation.
    expect((await verifyBundle(s.bundleDir, { followLinks: false })).problems).toEqual([]);
  });

  it('a trigger declared and cleared (a false alarm) anchors nothing: both views wait, the input does not take over', () => {
    const dir = tempDir();
    const clock = { now: Date.parse('2031-05-01T10:00:00Z') };
    const s = start(SHIPPED, dir, clock);
    try {
      ok(s.declareTrigger('envelope-shape-mismatch', 'legacy_error in a 400'));
      identify(s, IDS, ''); // left empty: the trigger's identification time
      clock.now = Date.parse('2031-05-01T10:05:00Z');
      expect(drillMetrics(s.runbook, s.state, s.clock())).toMatchObject({ identifiedFrom: 'trigger' });
      expectAgree(s.runbook, s.state, s.clock());
      ok(s.clearTrigger('envelope-shape-mismatch', 'false alarm: a test client'));
      clock.now = Date.parse('2031-05-01T10:30:00Z');
      expect(deadlines(s.runbook, s.state, s.clock()).filter((d) => d.anchor === 'trigger').map((d) => d.status)).toEqual(['waiting', 'waiting', 'waiting']);
      expect(drillMetrics(s.runbook, s.state, s.clock()).deadlines.map((d) => d.status)).toEqual(['waiting', 'waiting', 'waiting', 'waiting']);
      expectAgree(s.runbook, s.state, s.clock());
    } finally {
      s.release();
    }
  });

  it('lint refuses a protocol role marked twice (file:line:col) and warns of a rollback runbook without one', async () => {
    const dir = tempDir();
    const text = readFileSync(SHIPPED, 'utf8');
    const twice = join(dir, 'twice.yaml');
    // The recommendation step marked as the initial notice too.
    writeFileSync(twice, text.replace('protocol: recommendation', 'protocol: initial-notice'));
    const line = text.split('\n').findIndex((l) => l.includes('protocol: recommendation')) + 1;
    const first = text.split('\n').findIndex((l) => l.includes('protocol: initial-notice')) + 1;
    const r = await cli(['lint', twice]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${twice}:${line}:19: steps "initial-incident-notice" (line ${first}) and "producer-rollback-recommendation" are both marked protocol: initial-notice`);
    expect(r.stderr).toContain('hint: remove protocol: initial-notice from one of them');
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace

    const noRepin = join(dir, 'no-repin.yaml');
    writeFileSync(noRepin, text.replace('        protocol: repin-confirmed\n', ''));
    const w = await cli(['lint', noRepin]);
    expect(w.code).toBe(0);
    expect(w.stderr).toMatch(/no-repin\.yaml:\d+:\d+: warning: this rollback runbook has no step marked protocol: repin-confirmed: the incident report leaves out the consumer re-pin confirmation/);
    const clean = await cli(['lint', SHIPPED]);
    expect([clean.code, clean.stderr]).toEqual([0, '']);
  });

  it('a runbook without any marker (an older bundle\'s copy) is read by the shipped ids; an identification marker on a non-input step is refused', () => {
    const loaded = loadRunbook(SHIPPED);
    if (!loaded.ok) throw new Error('shipped runbook');
    const marked = loaded.loaded.runbook;
    const unmarked = structuredClone(marked);
    for (const sec of unmarked.sections) for (const st of sec.steps) delete st.protocol;
    const ids = (rb: Runbook) => Object.fromEntries(Object.entries(protocolSteps(rb)).map(([r, st]) => [r, st.id]));
    expect(ids(unmarked)).toEqual(LEGACY_IDS);
    expect(ids(marked)).toEqual(LEGACY_IDS);

    const dir = tempDir();
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, readFileSync(SHIPPED, 'utf8').replace('        protocol: rollback-executed\n', '        protocol: identification\n').replace(/\n\s+protocol: identification {4}#[^\n]*/, ''));
    const r = loadRunbook(bad);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.diagnostics.map((d) => d.message)).toEqual(['step "rollback-executed" is marked protocol: identification, but it is not an input step with a timestamp field']);
  });
});

