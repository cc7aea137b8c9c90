// A forger who replaces the operator's decision signature with one made by
// another key of the file — the text, the signature, decision.signed and
// every hash and summary rewritten to match — is caught by `cutover verify`:
// the key is not one of the operator principal's that run.started recorded.
import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JournalEvent } from '../../src/engine/events.js';
import { sha256 } from '../../src/evidence/canonical.js';
import { cli } from '../helpers/cli.js';
import { readEvents } from '../fixtures/engine/scenario.js';
import { rechain, resummarize, writeJournal } from '../evidence/forge.js';
import { onlyBundle, publicKey, signedFixture, writeAnswers } from './fixture.js';

const OLGA = 'olga@ops.example';

describe('a forged decision signature', () => {
  it('by a key that is not the operator principal\'s fails verify, hashes and summaries recomputed', async () => {
    const f = signedFixture();
    writeFileSync(f.allowed, [`alice@producer.example ${publicKey(f.key.alice)}`, `bob@consumer.example ${publicKey(f.key.bob)}`, `${OLGA} ${publicKey(f.key.olga)}`, ''].join('\n'));
    expect((await cli(['run', f.runbook, '--plain', '--operator', 'Olga Operator', '--operator-principal', OLGA, '--evidence-dir', f.evidence])).code).toBe(3);
    const bundle = onlyBundle(f.evidence);
    expect((await cli(['sign', bundle, '--step', 'sign', '--role', 'pa', '--key', f.key.alice])).code).toBe(0);
    expect((await cli(['sign', bundle, '--step', 'sign', '--role', 'ca', '--key', f.key.bob])).code).toBe(0);
    expect((await cli(['resume', bundle, '--plain', '--answers', writeAnswers(f.dir, 'go.yaml', 'answers:\n  decide: { option: go-rehearsal }\n')])).code).toBe(0);
    expect((await cli(['sign', bundle, '--step', 'decide', '--role', 'operator', '--key', f.key.olga])).code).toBe(0);

    const forged = join(f.dir, 'forged');
    cpSync(bundle, forged, { recursive: true });
    const events = readEvents(forged);
    const sealed = events.at(-1) as Extract<JournalEvent, { type: 'decision.signed' }>;
    // Bob signs the same decision text in his own name.
    const text = sealed.signed.text.replace(`principal: ${OLGA}\n`, 'principal: bob@consumer.example\n');
    const signature = execFileSync('ssh-keygen', ['-Y', 'sign', '-f', f.key.bob, '-n', 'cutover-signoff'], { input: text, encoding: 'utf8' });
    const bobKey = (readEvents(bundle).find((e) => e.type === 'signoff.recorded' && e.role === 'ca') as Extract<JournalEvent, { type: 'signoff.recorded' }>).signed!.key;
    writeFileSync(join(forged, 'signoffs/decide/operator.msg'), text);
    writeFileSync(join(forged, 'signoffs/decide/operator.sig'), signature);
    sealed.signed = { ...sealed.signed, principal: 'bob@consumer.example', key: bobKey, text, signature, msg: { ...sealed.signed.msg, bytes: Buffer.byteLength(text), sha256: sha256(text) }, sig: { ...sealed.signed.sig, bytes: Buffer.byteLength(signature), sha256: sha256(signature) } };
    writeJournal(forged, rechain(events));
    await resummarize(forged);
    expect(readFileSync(join(forged, 'decision-record.md'), 'utf8')).toContain('decision signed by the operator: principal bob@consumer.example');

    const r = await cli(['verify', forged]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`the operator's signature of the decision: principal "bob@consumer.example" is not the operator's principal recorded by the run (${OLGA})`);
  }, 300_000);
});
