// verify holds the text of every notice and status update to the values the
// journal records (review 13b, finding 3): the files are rendered again from
// the runbook copy's template, the recorded values, number, sent time and
// ETA. An update's text edited with its digests put in the event, a forged
// update #2 whose files are copies of #1's, and an edited notice.sent text
// are each named by file — with the hash chain, manifest, decision record
// and SHA256SUMS recomputed.
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JournalEvent } from '../../src/engine/events.js';
import { sha256 } from '../../src/evidence/canonical.js';
import { verifyBundle } from '../../src/evidence/verify.js';
import { Session } from '../../src/session/session.js';
import { rechain, resummarize, writeJournal } from '../evidence/forge.js';
import { cli } from '../helpers/cli.js';
import { cutoverRunbook, journalOf, MIN, OPERATOR, T0, workspace, writeYaml } from './fixture.js';
import { UPDATE_STEPS } from './updates-fixture.js';

/** A paused run: the incident notice sent, then update 1 of "status". */
async function sentRun(): Promise<string> {
  let t = T0;
  const now = () => new Date(t);
  const ws = workspace(UPDATE_STEPS);
  const s = Session.start({ runbookPath: ws.cutover, mode: 'rehearsal', vars: { channel: '#bridge' }, evidenceDir: ws.evidence, operator: OPERATOR, now });
  try {
    expect(s.recordInput('assess', { impact: 'Draft enrichment falls back', eta: 'now+30m' })).toEqual({ ok: true });
    expect(s.sendNotice('incident-notice')).toEqual({ ok: true });
    t = T0 + 10 * MIN;
    expect(s.updates.send('status', { state: 'in progress', rollback_tag: 'v0.3.2', eta: 'now+30m' })).toEqual({ ok: true });
    s.pause('test');
    await s.writeSummaries();
  } finally {
    s.release();
  }
  return s.bundleDir;
}

/** Rewrites a notice file and puts its new digest into the event that records it. */
function rewrite(bundle: string, events: JournalEvent[], file: string, edit: (text: string) => string): void {
  const body = edit(readFileSync(join(bundle, file), 'utf8'));
  writeFileSync(join(bundle, file), body);
  for (const e of events) {
    if (e.type !== 'notice.sent' && e.type !== 'notice.updated') continue;
    for (const rec of [e.text, e.plain]) if (rec?.file === file) Object.assign(rec, { sha256: sha256(body), bytes: Buffer.byteLength(body) });
  }
}

async function problemsAfter(bundle: string, events: JournalEvent[]): Promise<string> {
  writeJournal(bundle, rechain(events));
  await resummarize(bundle);
  return (await verifyBundle(bundle)).problems.map((p) => `${p.file}: ${p.message}`).join('\n');
}

describe('verify re-renders notices and status updates from the journal', () => {
  it('a clean run verifies', async () => {
    expect((await verifyBundle(await sentRun())).problems).toEqual([]);
  });

  it('an update text edited, with its digests put in the event, is named by file', async () => {
    const bundle = await sentRun();
    const events = journalOf(bundle);
    rewrite(bundle, events, 'notices/status.update-1.txt', (t) => t.replace('in progress', 'restored, all clear'));
    rewrite(bundle, events, 'notices/status.update-1.md', (t) => t.replace('in progress', 'restored, all clear'));
    const messages = await problemsAfter(bundle, events);
    expect(messages).toMatch(/notices\/status\.update-1\.txt is not the text of update 1 of "status" rendered from its recorded values/);
    expect(messages).toMatch(/notices\/status\.update-1\.md is not update 1 of "status" as the journal records it/);
  });

  it('a forged update #2 whose files are copies of #1 is named by file', async () => {
    const bundle = await sentRun();
    const events = journalOf(bundle);
    const first = events.find((e): e is Extract<JournalEvent, { type: 'notice.updated' }> => e.type === 'notice.updated')!;
    for (const ext of ['md', 'txt']) copyFileSync(join(bundle, `notices/status.update-1.${ext}`), join(bundle, `notices/status.update-2.${ext}`));
    const at = new Date(T0 + 20 * MIN).toISOString();
    const eta = new Date(T0 + 50 * MIN).toISOString();
    const second = { ...first, at, sent_at: at, update: 2, values: { ...first.values, eta }, next_update_eta: eta, text: { ...first.text, file: 'notices/status.update-2.md' }, plain: { ...first.plain, file: 'notices/status.update-2.txt' } };
    const messages = await problemsAfter(bundle, [...events.slice(0, -1), second, events.at(-1)!].map((e, i, all) => (e.type === 'run.paused' ? { ...e, at: new Date(Date.parse(all[i - 1]!.at) + 1).toISOString() } : e)));
    expect(messages).toMatch(/notices\/status\.update-2\.md is not update 2 of "status" as the journal records it/);
    expect(messages).toMatch(/notices\/status\.update-2\.txt is not the text of update 2 of "status"/);
    expect(messages).not.toMatch(/status\.update-1/);
  });

  it('an incident notice (notice.sent) edited with its digests put in the event is named by file', async () => {
    const bundle = await sentRun();
    const events = journalOf(bundle);
    rewrite(bundle, events, 'notices/incident-notice.txt', (t) => t.replace('Draft enrichment falls back', 'No impact'));
    rewrite(bundle, events, 'notices/incident-notice.md', (t) => t.replace('#bridge', '#elsewhere'));
    const messages = await problemsAfter(bundle, events);
    expect(messages).toMatch(/notices\/incident-notice\.txt is not the text of notice "incident-notice" rendered from the journal/);
    expect(messages).toMatch(/notices\/incident-notice\.md is not the notice "incident-notice" the journal records/);
  });
});

describe('*** in an update is a value like any other in a run with no secrets (finding 4)', () => {
  it('a select, a pinned tag and an ETA of *** are each refused by verify, and the ETA must be a UTC time', async () => {
    const bundle = await sentRun();
    const events = journalOf(bundle).map((e) => (e.type === 'notice.updated' ? { ...e, values: { state: 'all clear ***', rollback_tag: 'v9.9.9***', eta: '***' }, next_update_eta: '***' } : e));
    const messages = await problemsAfter(bundle, events);
    expect(messages).toContain('update 1 of "status" records state = "all clear ***", which the run refuses');
    expect(messages).toContain('update 1 of "status" records rollback_tag = "v9.9.9***", which the run refuses');
    expect(messages).toContain('update 1 of "status" records eta = "***", which the run refuses');
    expect(messages).toContain('update 1 of "status" records the next-update ETA "***", which is not a UTC time');
  });
});

describe('a run with a secret in its notices', () => {
  it('a secret var in the templates and a secret typed into values: masked in every file, and the bundle verifies', async () => {
    const ws = workspace();
    const steps = [
      { id: 'assess', kind: 'input', title: 'Impact', fields: [{ id: 'impact', label: 'Impact', type: 'text' }, { id: 'eta', label: 'ETA', type: 'timestamp', future: true }] },
      { id: 'incident-notice', kind: 'notice', title: 'Incident notice', channel: '${channel}', audience: 'ops ${api_token}', next_update: '${assess.eta}', template: 'Impact: ${assess.impact} token=${api_token}\nNext: ${assess.eta}' },
      { id: 'status', kind: 'notice', title: 'Status update', updates: true, channel: '${channel}', next_update: '${status.eta}', fields: [{ id: 'note', label: 'Note', type: 'text' }, { id: 'eta', label: 'ETA', type: 'timestamp', future: true }], template: 'U${status.number}: ${status.note} ${api_token}\nNext ${status.eta}' },
    ];
    const doc = cutoverRunbook(steps) as { vars: Record<string, unknown> };
    doc.vars = { ...doc.vars, api_token: { type: 'string', description: 'API token' } };
    writeYaml(ws.cutover, doc);
    writeYaml(join(ws.dir, 'a.yaml'), { answers: { rc: true, assess: { impact: 'bad, sekrit-tok-123 leaked', eta: 'now+30m' }, 'incident-notice': true, status: [{ note: 'pasted sekrit-tok-123', eta: 'now+20m' }] } });
    const run = await cli(['run', 'cutover.yaml', '--plain', '--answers', 'a.yaml', '--var', 'channel=#b', '--var', 'api_token=sekrit-tok-123', '--operator', OPERATOR], { cwd: ws.dir });
    expect(run.code, run.stdout + run.stderr).toBe(3);
    const bundle = join(ws.evidence, readdirSync(ws.evidence)[0]!);
    expect(readFileSync(join(bundle, 'notices/status.update-1.txt'), 'utf8')).toBe(`U1: pasted *** ***\nNext ${journalOf(bundle).find((e) => e.type === 'notice.updated')!.next_update_eta}\n`);
    const v = await cli(['verify', bundle]);
    expect(v.code, v.stdout + v.stderr).toBe(0);
  });
});
