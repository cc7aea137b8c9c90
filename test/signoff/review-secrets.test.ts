// Review fix (issue 12, F11): secret masking never corrupts a signed
// sign-off. The canonical text, the signature and the principal are kept
// as signed (a secret whose value is part of a principal does not break
// the bundle); a statement is masked before it is signed, so a secret's
// value never reaches a signed text.
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { cliInProcess } from '../helpers/cli-in-process.js';
import { onlyBundle, signedFixture, writeAnswers } from './fixture.js';

function withSecret(): ReturnType<typeof signedFixture> {
  const f = signedFixture();
  writeFileSync(f.runbook, readFileSync(f.runbook, 'utf8').replace('modes: [rehearsal, cutover]\n', 'modes: [rehearsal, cutover]\nsecrets: [FOO_TOKEN]\n'));
  return f;
}

describe('secrets and signed sign-offs', () => {
  it('a secret whose value is part of a principal leaves the signed records intact; the bundle verifies', async () => {
    const f = withSecret();
    const env = { FOO_TOKEN: 'producer' };
    expect((await cliInProcess(['run', f.runbook, '--plain', '--operator', 'Olga Operator', '--evidence-dir', f.evidence], { env })).code).toBe(3);
    const bundle = onlyBundle(f.evidence);
    expect((await cli(['sign', bundle, '--step', 'sign', '--role', 'pa', '--key', f.key.alice])).code).toBe(0);
    expect((await cli(['sign', bundle, '--step', 'sign', '--role', 'ca', '--key', f.key.bob])).code).toBe(0);
    const go = writeAnswers(f.dir, 'go.yaml', 'answers:\n  decide: { option: go-rehearsal }\n');
    const resumed = await cliInProcess(['resume', bundle, '--plain', '--answers', go], { env });
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
    const journal = readFileSync(`${bundle}/journal.ndjson`, 'utf8');
    expect(journal).toContain('"name":"alice@producer.example"');
    const v = await cliInProcess(['verify', bundle, '--allowed-signers', f.allowed]);
    expect(v.code, v.stdout).toBe(0);
  }, 120_000);

  it('a secret in the statement is masked in the text before it is signed: the secret never appears, the bundle verifies', async () => {
    const f = withSecret();
    const env = { FOO_TOKEN: 'approve' };
    expect((await cliInProcess(['run', f.runbook, '--plain', '--operator', 'Olga Operator', '--evidence-dir', f.evidence], { env })).code).toBe(3);
    const bundle = onlyBundle(f.evidence);
    expect(readFileSync(`${bundle}/signoffs/sign/pa.msg`, 'utf8')).toContain('statement: We *** v0.4.0 for cutover\n');
    expect((await cli(['sign', bundle, '--step', 'sign', '--role', 'pa', '--key', f.key.alice])).code).toBe(0);
    expect((await cli(['sign', bundle, '--step', 'sign', '--role', 'ca', '--key', f.key.bob])).code).toBe(0);
    const go = writeAnswers(f.dir, 'go.yaml', 'answers:\n  decide: { option: go-rehearsal }\n');
    expect((await cliInProcess(['resume', bundle, '--plain', '--answers', go], { env })).code).toBe(0);
    const v = await cliInProcess(['verify', bundle]);
    expect(v.code, v.stdout).toBe(0);
  }, 120_000);
});
