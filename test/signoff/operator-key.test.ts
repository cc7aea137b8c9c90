// The operator's key may not sign as an approver where the step excludes
// the operator (the default): an allowed-signers file that also lists the
// operator's key under an approver's principal does not let the operator
// sign for them.
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { onlyBundle, publicKey, signedFixture } from './fixture.js';

describe('the operator\'s key', () => {
  it('is refused as an approver\'s, naming the operator', async () => {
    const f = signedFixture();
    writeFileSync(f.allowed, `${readFileSync(f.allowed, 'utf8')}alice@producer.example ${publicKey(f.key.olga)}\n`);
    expect((await cli(['run', f.runbook, '--plain', '--operator', 'Olga Operator', '--evidence-dir', f.evidence])).code).toBe(3);
    const bundle = onlyBundle(f.evidence);
    const r = await cli(['sign', bundle, '--step', 'sign', '--role', 'pa', '--key', f.key.olga]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/the key SHA256:\S+ \(Olga Operator, alice@producer\.example\) belongs to Olga Operator, an operator of this run, who may not sign as pa/);
    // Alice's own key still signs.
    expect((await cli(['sign', bundle, '--step', 'sign', '--role', 'pa', '--key', f.key.alice])).code).toBe(0);
  }, 120_000);
});
