// The operator signs the decision of a closed signed run (optional): the
// text binds the decision, its evidence digest and the final journal head;
// it is journaled as decision.signed after run.closed; verify checks it, and
// ssh-keygen alone can.
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { readEvents } from '../fixtures/engine/scenario.js';
import { onlyBundle, signedFixture, writeAnswers } from './fixture.js';

describe('the operator\'s signature of the decision', () => {
  it('binds the final journal head; verify checks it; another key or an edit is refused', async () => {
    const f = signedFixture();
    expect((await cli(['run', f.runbook, '--plain', '--operator', 'Olga Operator', '--evidence-dir', f.evidence])).code).toBe(3);
    const bundle = onlyBundle(f.evidence);
    const early = await cli(['sign', bundle, '--step', 'decide', '--role', 'operator', '--key', f.key.olga]);
    expect(early.code).toBe(2);
    expect(early.stderr).toContain('the run is not closed with a recorded decision yet');
    expect((await cli(['sign', bundle, '--step', 'sign', '--role', 'pa', '--key', f.key.alice])).code).toBe(0);
    expect((await cli(['sign', bundle, '--step', 'sign', '--role', 'ca', '--key', f.key.bob])).code).toBe(0);
    expect((await cli(['resume', bundle, '--plain', '--answers', writeAnswers(f.dir, 'go.yaml', 'answers:\n  decide: { option: go-rehearsal }\n')])).code).toBe(0);

    const notOperator = await cli(['sign', bundle, '--step', 'decide', '--role', 'operator', '--key', f.key.bob]);
    expect(notOperator.code).toBe(1);
    expect(notOperator.stderr).toMatch(/the key SHA256:\S+ is not the key of an operator of this run \(Olga Operator\) in signoffs\/allowed_signers \(their principals: Olga Operator\); nothing was written/);

    const signed = await cli(['sign', bundle, '--step', 'decide', '--role', 'operator', '--key', f.key.olga]);
    expect(signed.code, signed.stderr).toBe(0);
    expect(signed.stdout).toContain('Signed the decision as the operator (principal Olga Operator');
    const text = readFileSync(join(bundle, 'signoffs/decide/operator.msg'), 'utf8');
    const events = readEvents(bundle);
    expect(text).toContain('role: operator\n');
    expect(text).toContain('statement: GO (rehearsal continuation)\n');
    // It binds run.closed's hash, and is journaled after it as decision.signed.
    expect(text).toContain(`journal-head: ${events.find((e) => e.type === 'run.closed')!.hash}\n`);
    expect(events.at(-1)!.type).toBe('decision.signed');
    const verify = await cli(['verify', bundle]);
    expect(verify.code, verify.stdout).toBe(0);
    const r = spawnSync('ssh-keygen', ['-Y', 'verify', '-f', 'signoffs/allowed_signers', '-I', 'Olga Operator', '-n', 'cutover-signoff', '-s', 'signoffs/decide/operator.sig'], { cwd: bundle, input: text, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);

    const edited = join(f.dir, 'edited');
    cpSync(bundle, edited, { recursive: true });
    writeFileSync(join(edited, 'signoffs/decide/operator.msg'), text.replace('GO (rehearsal continuation)', 'NO-GO'));
    const bad = await cli(['verify', edited]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('the operator\'s signature of the decision: the signed statement "NO-GO" is not the decision recorded ("GO (rehearsal continuation)")');
  }, 240_000);
});
