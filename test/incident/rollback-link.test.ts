// Issue 13A, end to end with real processes: a cutover run declares a
// rollback trigger from its answers file and ends NO-GO; the rollback
// command it prints works as printed (--from, and --var for what the
// cutover run does not carry); the two bundles name each other and verify
// together; a link that does not match both ways, or a linked bundle that
// is not at hand, is said by verify.
import { cpSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JournalEvent } from '../../src/engine/events.js';
import { chainHash } from '../../src/evidence/canonical.js';
import { cli } from '../helpers/cli.js';
import { journalOf, OPERATOR, workspace, writeYaml } from './fixture.js';

const APPROVERS = { pa: 'Priya Producer', ca: 'Marco Consumer' };

function bundleFrom(stdout: string): string {
  const m = /Evidence bundle: (\S+)/.exec(stdout);
  if (!m) throw new Error(`no bundle in:\n${stdout}`);
  return m[1]!;
}

/** Splits a printed command line into argv (the printer quotes with '…' only when needed). */
function argv(line: string): string[] {
  return [...line.matchAll(/'((?:[^']|'\\'')*)'|(\S+)/g)].map((m) => (m[1] !== undefined ? m[1].replace(/'\\''/g, "'") : m[2]!));
}

async function cutoverWithTrigger(ws: ReturnType<typeof workspace>): Promise<{ bundle: string; stdout: string }> {
  writeYaml(join(ws.dir, 'answers.yaml'), {
    answers: { rc: true, notify: true, sign: APPROVERS, decide: { option: 'go', otherwise: { option: 'no-go', remediation: 'roll back to the baseline' } } },
    triggers: [{ id: 'envelope-mismatch', after: 'rc', note: 'legacy_error in a 400 response' }],
  });
  const r = await cli(['run', 'cutover.yaml', '--plain', '--answers', 'answers.yaml', '--var', 'channel=#bridge', '--operator', OPERATOR], { cwd: ws.dir });
  expect(r.code, r.stdout + r.stderr).toBe(1); // NO-GO: the open trigger locks the GO
  return { bundle: join(ws.dir, bundleFrom(r.stdout)), stdout: r.stdout };
}

describe('switching to the rollback runbook', () => {
  it('the printed command works as printed; both bundles point at each other and verify together', async () => {
    const ws = workspace();
    const { bundle, stdout } = await cutoverWithTrigger(ws);
    expect(stdout).toContain('⚠ ROLLBACK TRIGGER: Non-2xx envelope shape mismatch (SEV-1)');
    expect(stdout).toMatch(/identified at \S+/); // (identified before its entry: deadlines.test.ts, on a moved clock)
    expect(stdout).toMatch(/Deadline: Incident notice sent \(notify\) within 15m of the trigger, due \S+ — met/);
    const line = /run the rollback protocol — (.+)$/m.exec(stdout)?.[1];
    expect(line).toBeDefined();
    // The rollback runbook's `ticket` has no default and the cutover run has none: the command asks for it.
    expect(line).toContain('--from evidence/');
    expect(line).toContain('--var ticket=…');
    const args = argv(line!).slice(1).map((a) => (a === 'ticket=…' ? 'ticket=INC-7' : a));
    writeYaml(join(ws.dir, 'rb-answers.yaml'), { answers: { 'initial-notice': true, recommendation: true, 'rollback-executed': true, repin: true, summary: true, owners: APPROVERS, done: { option: 'complete' } } });
    const rb = await cli([...args, '--plain', '--answers', 'rb-answers.yaml', '--operator', 'Rita Responder'], { cwd: ws.dir });
    expect(rb.code, rb.stdout + rb.stderr).toBe(0);
    expect(rb.stdout).toContain('Rollback of mini-cut@');
    const rollbackBundle = join(ws.dir, bundleFrom(rb.stdout));
    const cut = journalOf(bundle);
    const back = journalOf(rollbackBundle);
    const started = back[0] as Extract<JournalEvent, { type: 'run.started' }>;
    const link = cut.find((e) => e.type === 'rollback.started') as Extract<JournalEvent, { type: 'rollback.started' }>;
    const declared = cut.find((e) => e.type === 'trigger.declared') as Extract<JournalEvent, { type: 'trigger.declared' }>;
    // Both ways: ids, bundles and head hashes.
    expect(started.rollback_of).toMatchObject({ run_id: (cut[0] as { run_id: string }).run_id, bundle, journal_head: link.prev });
    expect(started.rollback_of!.trigger).toEqual({ id: 'envelope-mismatch', severity: 'SEV-1', identified_at: declared.identified_at, declared_at: declared.at, note: 'legacy_error in a 400 response' });
    expect(link).toMatchObject({ run_id: started.run_id, bundle: rollbackBundle, journal_head: started.hash, trigger: 'envelope-mismatch', started_by: 'Rita Responder' });
    expect(cut.findIndex((e) => e.type === 'run.closed')).toBeLessThan(cut.indexOf(link));
    // Carried vars and the carried trigger anchor the rollback's deadlines.
    expect(started.vars).toMatchObject({ channel: '#bridge', ticket: 'INC-7' });
    expect(rb.stdout).toMatch(new RegExp(`Deadline: Initial incident notice \\(initial-notice\\) within 15m of the trigger, due ${new Date(Date.parse(declared.identified_at!) + 15 * 60_000).toISOString()}`));
    for (const b of [bundle, rollbackBundle]) {
      const v = await cli(['verify', b]);
      expect(v.code, v.stdout + v.stderr).toBe(0);
      expect(v.stdout).toMatch(/linked bundle \S+ verified with it: OK/);
    }
  }, 60_000);

  it('a link that does not match both ways fails verify; a linked bundle not at hand is a note, not a pass', async () => {
    const ws = workspace();
    const { bundle } = await cutoverWithTrigger(ws);
    const rb = await cli(['run', 'rollback.yaml', '--from', bundle, '--var', 'ticket=INC-8', '--plain', '--operator', 'Rita Responder'], { cwd: ws.dir });
    expect(rb.code, rb.stdout + rb.stderr).toBe(3); // paused at its first manual step
    const rollbackBundle = rb.stdout.match(/`\S+ resume (\S+) --answers FILE`/)?.[1];
    expect(rollbackBundle).toBeDefined();
    const rbDir = join(ws.dir, rollbackBundle!);
    // A forged cutover journal whose hash chain was recomputed: its rollback.started names another run.
    const forged = join(ws.dir, 'forged');
    cpSync(join(ws.dir, 'evidence'), forged, { recursive: true });
    const cutCopy = join(forged, bundle.split('/').at(-1)!);
    const events = journalOf(cutCopy);
    let prev = '0'.repeat(64);
    const lines = events.map((ev) => {
      const { hash: _h, ...rest } = ev as JournalEvent & Record<string, unknown>;
      const body = { ...rest, prev } as Record<string, unknown>;
      if (body.type === 'rollback.started') body.journal_head = 'f'.repeat(64);
      const hash = chainHash(prev, body);
      prev = hash;
      return JSON.stringify({ ...body, hash });
    });
    writeFileSync(join(cutCopy, 'journal.ndjson'), `${lines.join('\n')}\n`);
    // The originals moved away: verify finds the forged cutover bundle beside the rollback bundle.
    renameSync(join(ws.dir, 'evidence'), join(ws.dir, 'evidence-orig'));
    const v = await cli(['verify', join(forged, rbDir.split('/').at(-1)!)]);
    expect(v.code, v.stdout).toBe(1);
    expect(v.stdout).toContain('does not link back to this run');
    // The cutover bundle alone (the rollback bundle moved away): a note that the link was NOT checked.
    renameSync(join(ws.dir, 'evidence-orig', rbDir.split('/').at(-1)!), join(ws.dir, 'elsewhere'));
    const a = await cli(['verify', join(ws.dir, 'evidence-orig', bundle.split('/').at(-1)!)]);
    expect(a.stdout).toMatch(/note: seq \d+: the rollback run \S+ started from this run is not at .* that link was NOT checked/);
    expect(a.stdout).not.toContain('linked bundle');
    // verify --require-links: the link that cannot be followed fails the verify (exit 1) instead of a note.
    const strict = await cli(['verify', join(ws.dir, 'evidence-orig', bundle.split('/').at(-1)!), '--require-links']);
    expect(strict.code, strict.stdout).toBe(1);
    expect(strict.stdout).toMatch(/seq \d+: the rollback run \S+ started from this run is not at .* NOT checked .*\(--require-links\)/);
    expect(strict.stdout).not.toMatch(/note: seq \d+: the rollback run/);
  }, 60_000);

  it('refuses --from without an open rollback trigger, and names the vars nobody gives', async () => {
    const ws = workspace();
    writeYaml(join(ws.dir, 'answers.yaml'), { answers: { rc: true } });
    const paused = await cli(['run', 'cutover.yaml', '--plain', '--answers', 'answers.yaml', '--var', 'channel=#bridge', '--operator', OPERATOR], { cwd: ws.dir });
    expect(paused.code).toBe(3);
    const bundle = paused.stdout.match(/`\S+ resume (\S+) --answers FILE`/)?.[1];
    const none = await cli(['run', 'rollback.yaml', '--from', bundle!, '--plain'], { cwd: ws.dir });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no rollback trigger is open');
    expect(none.stderr).toContain('cutover trigger');
    const t = await cli(['trigger', bundle!, 'envelope-mismatch', '--note', 'seen', '--operator', OPERATOR], { cwd: ws.dir });
    expect(t.code, t.stderr).toBe(0);
    const noVar = await cli(['run', 'rollback.yaml', '--from', bundle!, '--plain'], { cwd: ws.dir });
    expect(noVar.code).toBe(2);
    expect(noVar.stderr).toContain('needs "ticket"');
    expect(noVar.stderr).toContain('--var ticket=');
    expect(readFileSync(join(ws.dir, bundle!, 'journal.ndjson'), 'utf8')).not.toContain('rollback.started');
  }, 60_000);
});

describe('run --rollback-answers', () => {
  it('starts the rollback runbook, linked, once the cutover run stops with a rollback trigger open, and answers it from the file', async () => {
    const ws = workspace();
    // The rollback runbook's `ticket` has no default: given to the cutover run, it is carried on as --var.
    const rb = (await import('yaml')).parse(readFileSync(ws.cutover, 'utf8')) as { vars: Record<string, unknown> };
    rb.vars.ticket = { type: 'string', description: 'Incident ticket', required: false };
    writeYaml(ws.cutover, rb);
    writeYaml(join(ws.dir, 'answers.yaml'), {
      answers: { rc: true, notify: true, sign: APPROVERS, decide: { option: 'go', otherwise: { option: 'no-go', remediation: 'roll back' } } },
      triggers: [{ id: 'envelope-mismatch', after: 'rc', note: 'legacy_error in prod' }],
    });
    writeYaml(join(ws.dir, 'rb-answers.yaml'), { answers: { 'initial-notice': true, recommendation: true, 'rollback-executed': true, repin: true, summary: true, owners: APPROVERS, done: { option: 'complete' } } });
    const r = await cli(['run', 'cutover.yaml', '--plain', '--answers', 'answers.yaml', '--rollback-answers', 'rb-answers.yaml', '--var', 'channel=#bridge', '--var', 'ticket=INC-5', '--operator', OPERATOR], { cwd: ws.dir });
    expect(r.code, r.stdout + r.stderr).toBe(0); // the rollback run's GO
    expect(r.stdout).toContain('Rollback trigger envelope-mismatch is open: the rollback runbook starts, linked both ways');
    const bundles = [...r.stdout.matchAll(/Evidence bundle: (\S+)/g)].map((m) => join(ws.dir, m[1]!));
    expect(bundles).toHaveLength(2);
    const [cut, back] = bundles.map((b) => journalOf(b));
    expect((back![0] as Extract<JournalEvent, { type: 'run.started' }>).rollback_of?.run_id).toBe((cut![0] as { run_id: string }).run_id);
    expect(cut!.some((e) => e.type === 'rollback.started')).toBe(true);
    for (const b of bundles) expect((await cli(['verify', b])).code).toBe(0);
  }, 300_000);
});
