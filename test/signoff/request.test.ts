// `cutover signoff request`: prints the current request as it is (nothing
// written, so it works while a run holds the bundle); when the evidence
// changed since, a paused run is opened, a new request journaled and the
// bundle released — and it still verifies.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { cliInProcess } from '../helpers/cli-in-process.js';
import { onlyBundle, signedFixture } from './fixture.js';

describe('cutover signoff request', () => {
  it('prints the text and the commands; requests anew once the evidence changed', async () => {
    const f = signedFixture();
    expect((await cliInProcess(['run', f.runbook, '--plain', '--operator', 'Olga Operator', '--evidence-dir', f.evidence])).code).toBe(3);
    const bundle = onlyBundle(f.evidence);
    const journal = () => readFileSync(join(bundle, 'journal.ndjson'), 'utf8');
    const before = journal();
    const r = await cli(['signoff', 'request', bundle, '--step', 'sign', '--role', 'ca']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Sign-off request for ca on "sign" (principal bob@consumer.example): ${join(bundle, 'signoffs/sign/ca.msg')}`);
    expect(r.stdout).toContain('    statement: We approve v0.4.0 for cutover');
    expect(r.stdout).toContain(`cutover sign ${bundle} --step sign --role ca --key ~/.ssh/id_ed25519`);
    expect(r.stdout).toContain('ssh-keygen -Y sign -f ~/.ssh/id_ed25519 -n cutover-signoff < ca.msg > ca.sig');
    expect(journal()).toBe(before);
    const oldText = readFileSync(join(bundle, 'signoffs/sign/ca.msg'), 'utf8');

    // hello runs again (the run pauses at the sign-off once more): the evidence changed.
    expect((await cliInProcess(['resume', bundle, '--plain', '--retry', 'hello'])).code).toBe(3);
    const newText = readFileSync(join(bundle, 'signoffs/sign/ca.msg'), 'utf8');
    expect(newText).not.toBe(oldText);
    expect(newText.match(/^evidence-digest: .*$/m)![0]).not.toBe(oldText.match(/^evidence-digest: .*$/m)![0]);
    expect((await cliInProcess(['verify', bundle])).code).toBe(0);

    const wrongRole = await cli(['signoff', 'request', bundle, '--step', 'sign', '--role', 'captain']);
    expect(wrongRole.code).toBe(2);
    expect(wrongRole.stderr).toContain('role "captain" does not sign "sign"');
    expect(wrongRole.stderr).toContain('its roles are: pa, ca');
  }, 180_000);
});
