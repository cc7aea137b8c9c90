// A forger who rewrites a signed bundle and recomputes every hash (journal
// chain, summaries, SHA256SUMS) is still caught: `cutover verify` runs
// ssh-keygen -Y verify again on every recorded signature, and holds the
// text's fields against the event and a signed runbook's sign-offs to
// being signed.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../../src/evidence/canonical.js';
import type { JournalEvent } from '../../src/engine/events.js';
import { cli } from '../helpers/cli.js';
import { cliInProcess } from '../helpers/cli-in-process.js';
import { readEvents } from '../fixtures/engine/scenario.js';
import { rechain, resummarize, writeJournal } from '../evidence/forge.js';
import { onlyBundle, signedFixture, writeAnswers, type SignedFixture } from './fixture.js';

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
  expect((await cliInProcess(['verify', good])).code).toBe(0);
}, 180_000);

/** A copy of the good bundle with its journal rewritten by `edit`, every hash recomputed. */
async function forged(name: string, edit: (events: JournalEvent[], bundle: string) => void): Promise<string> {
  const bundle = join(f.dir, name);
  cpSync(good, bundle, { recursive: true });
  const events = readEvents(bundle);
  edit(events, bundle);
  writeJournal(bundle, rechain(events));
  await resummarize(bundle);
  return bundle;
}

type Recorded = Extract<JournalEvent, { type: 'signoff.recorded' }>;
const recordedOf = (events: JournalEvent[], role: string) => events.find((e): e is Recorded => e.type === 'signoff.recorded' && e.role === role)!;

describe('verify against a forger of signed sign-offs', () => {
  it('a signed statement edited in the journal and the .msg, hashes recomputed: the signature no longer verifies', async () => {
    const bundle = await forged('edited-statement', (events, dir) => {
      const ev = recordedOf(events, 'pa');
      const text = ev.signed!.text.replace('We approve v0.4.0 for cutover', 'We approve v0.4.0 for cutover without the consumer suite');
      ev.signed!.text = text;
      ev.statement = 'We approve v0.4.0 for cutover without the consumer suite';
      ev.signed!.msg = { ...ev.signed!.msg, bytes: Buffer.byteLength(text), sha256: sha256(text) };
      writeFileSync(join(dir, 'signoffs/sign/pa.msg'), text);
    });
    const r = await cliInProcess(['verify', bundle]);
    expect(r.code, r.stdout).toBe(1);
    expect(r.stdout).toMatch(/the sign-off of pa on "sign": ssh-keygen -Y verify refused the signature of "alice@producer\.example" over this exact text/);
  }, 60_000);

  it('a signature replaced by a typed name: reported, and the GO is one the lock would not have allowed', async () => {
    const bundle = await forged('typed-name', (events) => {
      const ev = recordedOf(events, 'ca');
      delete ev.signed;
      ev.name = 'Bob Consumer';
    });
    const r = await cliInProcess(['verify', bundle]);
    expect(r.code, r.stdout).toBe(1);
    expect(r.stdout).toContain('the sign-off of ca on "sign" is a typed name, but the runbook requires SSH-signed sign-offs');
    expect(r.stdout).toContain('is not SSH-signed, and this runbook requires signed sign-offs');
  }, 60_000);

  it('a signature moved to the other role (the same key for both): refused by the principal check and the lock', async () => {
    const bundle = await forged('same-key', (events) => {
      const pa = recordedOf(events, 'pa');
      const ca = recordedOf(events, 'ca');
      ca.signed = { ...pa.signed!, msg: ca.signed!.msg, sig: ca.signed!.sig };
    });
    const r = await cliInProcess(['verify', bundle]);
    expect(r.code, r.stdout).toBe(1);
    expect(r.stdout).toContain('the signed text is for role "pa", not "ca"');
    expect(r.stdout).toContain('the sign-off names bob@consumer.example, but was signed by principal alice@producer.example');
    expect(r.stdout).toMatch(/would not have been allowed by the GO lock: the same SSH key \(SHA256:\S+\) signed as both Producer approver and Consumer approver/);
    expect(readFileSync(join(bundle, 'decision-record.md'), 'utf8')).toContain('sign-offs SSH-signed');
  }, 60_000);
});
