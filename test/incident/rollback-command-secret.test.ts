// The rollback command printed for a trigger with rollback: true (review
// 13b, finding 11): a secret var the cutover run journaled as *** and the
// rollback runbook declares is asked for once (--var api_token=…), never
// twice, and its value is printed nowhere. Real plain run through the CLI.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { cli } from '../helpers/cli.js';
import { cutoverRunbook, OPERATOR, rollbackRunbook, workspace, writeYaml } from './fixture.js';

describe('rollback command with a secret var', () => {
  it('lists the secret var once', async () => {
    const ws = workspace();
    const token = { api_token: { type: 'string', description: 'API token' } };
    const cut = cutoverRunbook() as { vars: Record<string, unknown> };
    cut.vars = { ...cut.vars, ...token };
    writeFileSync(ws.cutover, stringify(cut));
    const rb = rollbackRunbook() as { vars: Record<string, unknown> };
    rb.vars = { ...rb.vars, ...token };
    writeFileSync(ws.rollback, stringify(rb));
    writeYaml(join(ws.dir, 'answers.yaml'), { answers: { rc: true }, triggers: [{ id: 'envelope-mismatch', after: 'rc', note: 'legacy_error in a 400' }] });
    const r = await cli(['run', 'cutover.yaml', '--plain', '--answers', 'answers.yaml', '--var', 'channel=#bridge', '--var', 'api_token=s3cr3t-t0ken-value', '--operator', OPERATOR], { cwd: ws.dir });
    const out = r.stdout + r.stderr;
    const line = out.split('\n').find((l) => l.includes(' --from '));
    expect(line, out).toBeDefined();
    expect(line!.match(/--var api_token=/g)).toHaveLength(1);
    expect(line).toContain('--var ticket=…');
    expect(out).not.toContain('s3cr3t-t0ken-value');
  });
});
