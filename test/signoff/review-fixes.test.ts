// Fixes of the adversarial review of signed sign-offs (issue 12), each with
// a real run, real ssh-keygen keys and real bundles; the forgeries rewrite
// the journal and recompute every hash (test/evidence/forge.ts).
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { chainHash, GENESIS, sha256 } from '../../src/evidence/canonical.js';
import type { JournalEvent } from '../../src/engine/events.js';
import { cli } from '../helpers/cli.js';
import { cliInProcess } from '../helpers/cli-in-process.js';
import { readEvents } from '../fixtures/engine/scenario.js';
import { rechain, resummarize, writeJournal } from '../evidence/forge.js';
import { makeKey, onlyBundle, publicKey, signedFixture, writeAnswers, type SignedFixture } from './fixture.js';

let f: SignedFixture;
let good: string;

beforeAll(async () => {
  f = signedFixture();
  expect((await cliInProcess(['run', f.runbook, '--plain', '--operator', 'Olga Operator', '--evidence-dir', f.evidence])).code).toBe(3);
  good = onlyBundle(f.evidence);
  expect((await cli(['sign', good, '--step', 'sign', '--role', 'pa', '--key', f.key.alice])).code).toBe(0);
  expect((await cli(['sign', good, '--step', 'sign', '--role', 'ca', '--key', f.key.bob])).code).toBe(0);
  const go = writeAnswers(f.dir, 'go.yaml', 'answers:\n  decide: { option: go-rehearsal }\n');
  expect((await cliInProcess(['resume', good, '--plain', '--answers', go])).code).toBe(0);
}, 180_000);

type Recorded = Extract<JournalEvent, { type: 'signoff.recorded' }>;
const recordedOf = (events: JournalEvent[], role: string) => events.find((e): e is Recorded => e.type === 'signoff.recorded' && e.role === role)!;

async function forged(name: string, edit: (events: JournalEvent[], bundle: string) => void): Promise<string> {
  const bundle = join(f.dir, name);
  cpSync(good, bundle, { recursive: true });
  const events = readEvents(bundle);
  edit(events, bundle);
  writeJournal(bundle, rechain(events));
  await resummarize(bundle);
  return bundle;
}

function sshSign(key: string, text: string): string {
  return execFileSync('ssh-keygen', ['-Y', 'sign', '-f', key, '-n', 'cutover-signoff'], { input: text, encoding: 'utf8', stdio: ['pipe', 'pipe', 'ignore'] });
}

/**
 * The wholesale forger of the review: a new allowed_signers copy listing
 * their own keys under the approvers' principals, every request's head and
 * text rebuilt on the new chain, every text signed again with their keys.
 */
function forgeWithOwnKeys(events: JournalEvent[], dir: string, keys: Record<string, string>): JournalEvent[] {
  const allowed = Object.entries({ 'alice@producer.example': keys.pa!, 'bob@consumer.example': keys.ca! }).map(([p, k]) => `${p} ${publicKey(k)}\n`).join('');
  writeFileSync(join(dir, 'signoffs/allowed_signers'), allowed);
  const rec = (file: string, text: string) => ({ file, bytes: Buffer.byteLength(text), sha256: sha256(text) });
  let prev = GENESIS;
  const out: JournalEvent[] = [];
  const texts = new Map<string, string>();
  events.forEach((ev, i) => {
    const e = structuredClone(ev) as JournalEvent & Record<string, unknown>;
    if (e.type === 'run.started') e.signers = { ...e.signers!, ...rec(e.signers!.file, allowed) };
    if (e.type === 'signoff.requested') {
      e.journal_head = prev;
      e.message = e.message.replace(/journal-head: \S+/, `journal-head: ${prev}`);
      e.text = rec(e.text.file, e.message);
      texts.set(e.role, e.message);
      writeFileSync(join(dir, e.text.file), e.message);
    }
    if (e.type === 'signoff.recorded' && e.signed) {
      const text = texts.get(e.role)!;
      const signature = sshSign(keys[e.role]!, text);
      const key = execFileSync('ssh-keygen', ['-l', '-f', `${keys[e.role]!}.pub`], { encoding: 'utf8' }).split(' ')[1]!;
      e.signed = { ...e.signed, key, text, signature, msg: rec(e.signed.msg.file, text), sig: rec(e.signed.sig.file, signature) };
      writeFileSync(join(dir, e.signed.sig.file), signature);
    }
    const withMeta = { ...e, seq: i + 1, prev } as Record<string, unknown>;
    delete withMeta.hash;
    prev = chainHash(prev, withMeta);
    out.push({ ...withMeta, hash: prev } as JournalEvent);
  });
  return out;
}

describe('F1: verify --allowed-signers anchors the keys to the team file', () => {
  it('a wholesale forger who signs with their own keys passes against the bundle copy (said plainly), and fails against the team file and --runbook', async () => {
    const forger = { pa: makeKey(f.dir, 'forger-pa'), ca: makeKey(f.dir, 'forger-ca') };
    const bundle = join(f.dir, 'own-keys');
    cpSync(good, bundle, { recursive: true });
    writeJournal(bundle, forgeWithOwnKeys(readEvents(bundle), bundle, forger));
    await resummarize(bundle);
    const plain = await cliInProcess(['verify', bundle]);
    expect(plain.code, plain.stdout).toBe(0);
    expect(plain.stdout).toContain("signatures checked against the bundle's own allowed_signers copy — give --allowed-signers to check them against your team's file");

    const team = await cliInProcess(['verify', bundle, '--allowed-signers', f.allowed]);
    expect(team.code, team.stdout).toBe(1);
    expect(team.stdout).toMatch(/the sign-off of pa on "sign": key SHA256:\S+ signed as "alice@producer\.example", but .*allowed_signers \(--allowed-signers\) does not list that key for "alice@producer\.example"/);
    expect(team.stdout).toContain('the sign-off of ca on "sign": key');

    const rb = await cliInProcess(['verify', bundle, '--runbook', f.runbook, '--json']);
    expect(rb.code, rb.stdout).toBe(1);
    const report = JSON.parse(rb.stdout) as { signers: { checked_against: string; anchored: boolean; trusted: unknown[] }; problems: { message: string }[] };
    expect(report.signers).toMatchObject({ anchored: true, trusted: [] });
    expect(report.signers.checked_against).toContain("the runbook's signers file (--runbook)");
    expect(report.problems.filter((p) => p.message.includes('does not list that key'))).toHaveLength(2);
  }, 120_000);

  it('the honest bundle verifies against the team file and prints the keys it trusted (human and --json)', async () => {
    const r = await cliInProcess(['verify', good, '--allowed-signers', f.allowed]);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/signatures checked against .*allowed_signers \(--allowed-signers\); keys trusted:\n {2}sign\/pa: alice@producer\.example SHA256:\S+\n {2}sign\/ca: bob@consumer\.example SHA256:/);
    expect(r.stdout).not.toContain('give --allowed-signers');
    // F2: the decision record says what the approvers' signatures do not cover.
    expect(readFileSync(join(good, 'decision-record.md'), 'utf8')).toContain('- decision unsigned: signatures cover the evidence up to each sign-off request');
    // docs/signoffs.md §5: the team's own file, at the time the signature was recorded.
    const recorded = recordedOf(readEvents(good), 'pa');
    const when = `${recorded.at.replace(/[-:T]/g, '').slice(0, 14)}Z`;
    const doc = spawnSync('ssh-keygen', ['-Y', 'verify', '-f', f.allowed, '-I', 'alice@producer.example', '-n', 'cutover-signoff', '-s', 'signoffs/sign/pa.sig', `-Overify-time=${when}`], { cwd: good, input: readFileSync(join(good, 'signoffs/sign/pa.msg')), encoding: 'utf8' });
    expect(doc.status, doc.stderr).toBe(0);
    expect(doc.stdout).toContain('Good "cutover-signoff" signature for alice@producer.example');
    const j = JSON.parse((await cliInProcess(['verify', good, '--json'])).stdout) as { signers: { anchored: boolean; trusted: { principal: string }[] } };
    expect(j.signers.anchored).toBe(false);
    expect(j.signers.trusted.map((t) => t.principal)).toEqual(['alice@producer.example', 'bob@consumer.example']);
  }, 60_000);

  it('an unreadable --allowed-signers file is exit 2 naming it', async () => {
    const r = await cliInProcess(['verify', good, '--allowed-signers', join(f.dir, 'nope')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nope: cannot read the allowed-signers file \(ENOENT\) \(given to --allowed-signers\)/);
  });
});

describe('F4: the recorded signer is the principal of the signed text', () => {
  it('a journal that names another principal than the one who signed is reported', async () => {
    const bundle = await forged('other-name', (events) => {
      const ev = recordedOf(events, 'pa');
      ev.name = 'mallory@elsewhere.example';
      ev.signed = { ...ev.signed!, principal: 'mallory@elsewhere.example' };
    });
    const r = await cliInProcess(['verify', bundle]);
    expect(r.code, r.stdout).toBe(1);
    expect(r.stdout).toContain('records signer "mallory@elsewhere.example" (principal "mallory@elsewhere.example"), but the signed text names principal "alice@producer.example"');
  }, 60_000);
});

describe('verify with a relative bundle path', () => {
  it('runs no check again with a wrong cwd (the demo prints `cutover verify ev/<bundle>`)', async () => {
    const demo = await cli(['demo', '--plain', '--evidence-dir', 'ev'], { cwd: f.dir, timeoutMs: 170_000 });
    expect(demo.code, demo.stdout + demo.stderr).toBe(0);
    const hint = /Verify it with: cutover verify (ev\/\S+)/.exec(demo.stdout)![1]!;
    const r = await cliInProcess(['verify', hint], { cwd: f.dir });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).not.toContain('looked at');
    expect(relative(f.dir, join(f.dir, hint))).toBe(hint);
  }, 180_000);
});

describe('F9: cutover watch --plain and a broken chain', () => {
  it('shows the events up to the break, says from where the journal does not check out, and exits 1', async () => {
    const bundle = join(f.dir, 'broken-chain');
    cpSync(good, bundle, { recursive: true });
    const lines = readFileSync(join(bundle, 'journal.ndjson'), 'utf8').split('\n');
    const ev = JSON.parse(lines[2]!) as Record<string, unknown>;
    lines[2] = JSON.stringify({ ...ev, by: 'Someone Else' });
    writeFileSync(join(bundle, 'journal.ndjson'), lines.join('\n'));
    const w = await cli(['watch', bundle, '--plain']);
    expect(w.code, w.stdout + w.stderr).toBe(1);
    expect(w.stdout).toContain(`✗ the journal does not check out from event 3 (seq 3): its hash chain is broken, so nothing from there on is shown — run \`cutover verify ${bundle}\``);
    expect(w.stdout).not.toContain('signed by');
    expect(w.stdout).not.toContain('Decision');
    const honest = await cli(['watch', good, '--plain']);
    expect(honest.code, honest.stdout + honest.stderr).toBe(0);
    expect(honest.stdout).toMatch(/pa signed by alice@producer\.example \(SSH signature, key SHA256:\S+, not checked by watch — run cutover verify\)/);
  }, 60_000);
});
