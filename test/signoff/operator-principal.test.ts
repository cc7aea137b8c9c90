// --operator-principal (review finding F5): the operator's keys are told
// apart from an approver's by key, not by name. run.started records the
// principal and its key fingerprints; an approver's signature by any of
// those keys is refused where the step excludes the operator (even listed
// under the approver's principal, with the operator's name nowhere in the
// file); the decision is signed by a key of that principal, journaled as
// decision.signed after run.closed and re-verified by `cutover verify`.
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { readEvents } from '../fixtures/engine/scenario.js';
import { onlyBundle, publicKey, signedFixture, writeAnswers } from './fixture.js';

const OLGA = 'olga@ops.example';

/** The fixture's file with the operator listed only as OLGA, and her key also (wrongly) under alice's principal. */
function fixture() {
  const f = signedFixture();
  writeFileSync(
    f.allowed,
    [
      `alice@producer.example ${publicKey(f.key.alice)}`,
      `bob@consumer.example ${publicKey(f.key.bob)}`,
      `${OLGA} ${publicKey(f.key.olga)}`,
      `alice@producer.example ${publicKey(f.key.olga)} olga's key, listed for alice by mistake`,
      '',
    ].join('\n'),
  );
  return f;
}

describe('--operator-principal', () => {
  it('is refused with exit 2 when the allowed-signers file has no key for it', async () => {
    const f = fixture();
    const r = await cli(['run', f.runbook, '--plain', '--operator', 'Olga Operator', '--operator-principal', 'nobody@ops.example', '--evidence-dir', f.evidence]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${f.allowed}: --operator-principal "nobody@ops.example" has no key in the allowed-signers file`);
  });

  it('is required where the runbook says signers: operator_principal: required (exit 2, nothing written); given, the run starts', async () => {
    const f = fixture();
    writeFileSync(f.runbook, readFileSync(f.runbook, 'utf8').replace('signers:\n', 'signers:\n  operator_principal: required\n'));
    expect(readFileSync(f.runbook, 'utf8')).toContain('operator_principal: required');
    const without = await cli(['run', f.runbook, '--plain', '--operator', 'Olga Operator', '--evidence-dir', f.evidence]);
    expect(without.code, without.stdout + without.stderr).toBe(2);
    expect(without.stderr).toContain(`${f.runbook}: this runbook requires the operator's principal (signers: operator_principal: required), and none was given`);
    expect(without.stderr).toContain('hint: give --operator-principal NAME');
    expect(existsSync(f.evidence) ? readdirSync(f.evidence) : []).toEqual([]);
    const given = await cli(['run', f.runbook, '--plain', '--operator', 'Olga Operator', '--operator-principal', OLGA, '--evidence-dir', f.evidence]);
    expect(given.code, given.stderr).toBe(3);
    expect((readEvents(onlyBundle(f.evidence))[0] as { operator_principal?: { principal: string } }).operator_principal?.principal).toBe(OLGA);
  });

  it('refuses the operator\'s key as an approver\'s by fingerprint; the decision is signed by it, journaled and verified', async () => {
    const f = fixture();
    const run = await cli(['run', f.runbook, '--plain', '--operator', 'Olga Operator', '--evidence-dir', f.evidence], { env: { CUTOVER_OPERATOR_PRINCIPAL: OLGA } });
    expect(run.code, run.stderr).toBe(3);
    const bundle = onlyBundle(f.evidence);
    const started = readEvents(bundle)[0] as { operator_principal?: { principal: string; keys: string[] } };
    expect(started.operator_principal?.principal).toBe(OLGA);
    expect(started.operator_principal?.keys).toHaveLength(1);
    const olgaKey = started.operator_principal!.keys[0]!;

    const asAlice = await cli(['sign', bundle, '--step', 'sign', '--role', 'pa', '--key', f.key.olga]);
    expect(asAlice.code, asAlice.stderr).toBe(1);
    expect(asAlice.stderr).toContain(`the key ${olgaKey} (${OLGA}, alice@producer.example) is a key of "${OLGA}", the operator's principal (recorded when the run started), who may not sign as pa`);
    expect((await cli(['sign', bundle, '--step', 'sign', '--role', 'pa', '--key', f.key.alice])).code).toBe(0);
    expect((await cli(['sign', bundle, '--step', 'sign', '--role', 'ca', '--key', f.key.bob])).code).toBe(0);
    const go = await cli(['resume', bundle, '--plain', '--answers', writeAnswers(f.dir, 'go.yaml', 'answers:\n  decide: { option: go-rehearsal }\n')]);
    expect(go.code, go.stdout + go.stderr).toBe(0);

    const byBob = await cli(['sign', bundle, '--step', 'decide', '--role', 'operator', '--key', f.key.bob]);
    expect(byBob.code).toBe(1);
    expect(byBob.stderr).toContain(`is not a key of the operator's principal (${OLGA}, recorded by the run with --operator-principal)`);
    const signed = await cli(['sign', bundle, '--step', 'decide', '--role', 'operator', '--key', f.key.olga]);
    expect(signed.code, signed.stderr).toBe(0);
    expect(signed.stdout).toMatch(/Recorded in the journal as decision\.signed \(seq \d+\)/);
    const events = readEvents(bundle);
    const closedAt = events.findIndex((e) => e.type === 'run.closed');
    const last = events.at(-1) as { type: string; journal_head: string; signed: { principal: string; key: string } };
    expect(last.type).toBe('decision.signed');
    expect(closedAt).toBe(events.length - 2);
    expect(last.journal_head).toBe(events[closedAt]!.hash);
    expect(last.signed).toMatchObject({ principal: OLGA, key: olgaKey });
    expect(readFileSync(join(bundle, 'decision-record.md'), 'utf8')).toContain(`- decision signed by the operator: principal ${OLGA}, key ${olgaKey}`);
    expect(readFileSync(join(bundle, 'decision-record.md'), 'utf8')).toContain(`| Operator | Olga Operator (principal ${OLGA}, key ${olgaKey}) |`);
    const again = await cli(['sign', bundle, '--step', 'decide', '--role', 'operator', '--key', f.key.olga]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('the decision is signed already');

    const verify = await cli(['verify', bundle, '--allowed-signers', f.allowed]);
    expect(verify.code, verify.stdout).toBe(0);
    expect(verify.stdout).toContain(olgaKey);

    // An edited signature (another valid one over another text) fails verify, naming the file.
    const edited = join(f.dir, 'edited');
    cpSync(bundle, edited, { recursive: true });
    writeFileSync(join(edited, 'signoffs/decide/operator.sig'), readFileSync(join(bundle, 'signoffs/sign/pa.sig')));
    const bad = await cli(['verify', edited]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/signoffs\/decide\/operator\.sig: sha256 \S+ does not match decision\.signed \(journal seq \d+, \S+\): the signature was changed/);
  }, 300_000);

  it('given on resume, is checked against the bundle\'s copy and recorded in run.resumed', async () => {
    const f = fixture();
    expect((await cli(['run', f.runbook, '--plain', '--operator', 'Olga Operator', '--evidence-dir', f.evidence])).code).toBe(3);
    const bundle = onlyBundle(f.evidence);
    const nobody = await cli(['resume', bundle, '--plain', '--operator-principal', 'nobody@ops.example']);
    expect(nobody.code).toBe(2);
    expect(nobody.stderr).toContain(`${join(bundle, 'signoffs/allowed_signers')}: --operator-principal "nobody@ops.example" has no key in the allowed-signers file`);
    expect((await cli(['resume', bundle, '--plain', '--operator-principal', OLGA])).code).toBe(3);
    const resumed = readEvents(bundle).filter((e) => e.type === 'run.resumed') as { operator_principal?: { principal: string } }[];
    expect(resumed.map((e) => e.operator_principal?.principal)).toEqual([OLGA]);
    const asAlice = await cli(['sign', bundle, '--step', 'sign', '--role', 'pa', '--key', f.key.olga]);
    expect(asAlice.code).toBe(1);
    expect(asAlice.stderr).toContain(`is a key of "${OLGA}", the operator's principal`);
  }, 240_000);
});
