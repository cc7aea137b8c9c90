// A role several principals may sign for: `cutover signoff request` names
// every one of them, and `--principal NAME` (on a paused run) requests the
// text in the name of another allowed principal, who then signs it with
// their own key; a principal the runbook does not allow is refused.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { makeKey, onlyBundle, publicKey, signedFixture, writeAnswers } from './fixture.js';

describe('signoff request with several principals for a role', () => {
  it('names them all, requests in the name of another, who signs; refuses one not allowed', async () => {
    const f = signedFixture();
    const carol = makeKey(f.dir, 'carol');
    writeFileSync(f.allowed, `${readFileSync(f.allowed, 'utf8')}carol@consumer.example ${publicKey(carol)}\n`);
    writeFileSync(f.runbook, readFileSync(f.runbook, 'utf8').replace('ca: [bob@consumer.example]', 'ca: [bob@consumer.example, carol@consumer.example]'));
    const run = await cli(['run', f.runbook, '--plain', '--operator', 'Olga Operator', '--evidence-dir', f.evidence]);
    expect(run.code, run.stderr).toBe(3);
    expect(run.stdout).toContain('(principal bob@consumer.example; allowed for ca: bob@consumer.example, carol@consumer.example)');
    const bundle = onlyBundle(f.evidence);

    const shown = await cli(['signoff', 'request', bundle, '--step', 'sign', '--role', 'ca']);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain('Allowed to sign for ca: bob@consumer.example, carol@consumer.example — the text names bob@consumer.example');

    const nobody = await cli(['signoff', 'request', bundle, '--step', 'sign', '--role', 'ca', '--principal', 'mallory@elsewhere.example']);
    expect(nobody.code).toBe(2);
    expect(nobody.stderr).toContain('principal "mallory@elsewhere.example" may not sign for role ca');

    const asCarol = await cli(['signoff', 'request', bundle, '--step', 'sign', '--role', 'ca', '--principal', 'carol@consumer.example']);
    expect(asCarol.code, asCarol.stderr).toBe(0);
    expect(readFileSync(join(bundle, 'signoffs/sign/ca.msg'), 'utf8')).toContain('principal: carol@consumer.example\n');
    expect((await cli(['sign', bundle, '--step', 'sign', '--role', 'ca', '--key', carol])).code).toBe(0);
    expect((await cli(['sign', bundle, '--step', 'sign', '--role', 'pa', '--key', f.key.alice])).code).toBe(0);
    const go = await cli(['resume', bundle, '--plain', '--answers', writeAnswers(f.dir, 'go.yaml', 'answers:\n  decide: { option: go-rehearsal }\n')]);
    expect(go.code, go.stdout + go.stderr).toBe(0);
    const verify = await cli(['verify', bundle]);
    expect(verify.code, verify.stdout).toBe(0);
  }, 240_000);
});
