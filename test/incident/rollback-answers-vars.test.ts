// `run <cutover> --rollback-answers FILE` (issue 13) and the vars only the
// rollback runbook declares (a ticket, a secret token): given with --var on
// the same command, they are passed on to the rollback run (the cutover run
// would refuse them); left out, the command is refused before the cutover
// run starts, naming each var and saying how to give it.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { JournalEvent } from '../../src/engine/events.js';
import { cli } from '../helpers/cli.js';
import { journalOf, OPERATOR, workspace, writeYaml } from './fixture.js';

const APPROVERS = { pa: 'Priya Producer', ca: 'Marco Consumer' };
const TOKEN = 'pg-0123456789abcdef';

function fixture() {
  const ws = workspace();
  const rb = parse(readFileSync(ws.rollback, 'utf8')) as { vars: Record<string, unknown> };
  rb.vars.pager_token = { type: 'string', description: 'Pager API token' };
  writeYaml(ws.rollback, rb);
  writeYaml(join(ws.dir, 'answers.yaml'), {
    answers: { rc: true, notify: true, sign: APPROVERS, decide: { option: 'go', otherwise: { option: 'no-go', remediation: 'roll back' } } },
    triggers: [{ id: 'envelope-mismatch', after: 'rc', note: 'legacy_error in prod' }],
  });
  writeYaml(join(ws.dir, 'rb-answers.yaml'), { answers: { 'initial-notice': true, recommendation: true, 'rollback-executed': true, repin: true, summary: true, owners: APPROVERS, done: { option: 'complete' } } });
  return ws;
}

const run = (ws: { dir: string }, vars: string[]) => cli(['run', 'cutover.yaml', '--plain', '--answers', 'answers.yaml', '--rollback-answers', 'rb-answers.yaml', '--var', 'channel=#bridge', ...vars.flatMap((v) => ['--var', v]), '--operator', OPERATOR], { cwd: ws.dir });

describe('run --rollback-answers and the vars only the rollback runbook declares', () => {
  it('is refused before the cutover run starts when one is not given, naming it and how to give it', async () => {
    const ws = fixture();
    const r = await run(ws, ['ticket=INC-5']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('needs "pager_token" (Pager API token)');
    expect(r.stderr).toContain('add --var pager_token=… to this command');
    expect(existsSync(join(ws.dir, 'evidence'))).toBe(false);
  }, 60_000);

  it('passes them on to the rollback run with --var (the secret journaled as ***, in no file of either bundle)', async () => {
    const ws = fixture();
    const r = await run(ws, ['ticket=INC-5', `pager_token=${TOKEN}`]);
    expect(r.code, r.stdout + r.stderr).toBe(0); // the rollback run's GO
    const bundles = [...r.stdout.matchAll(/Evidence bundle: (\S+)/g)].map((m) => join(ws.dir, m[1]!));
    expect(bundles).toHaveLength(2);
    const [cut, back] = bundles.map((b) => journalOf(b));
    expect((cut![0] as Extract<JournalEvent, { type: 'run.started' }>).vars).not.toHaveProperty('ticket');
    expect((back![0] as Extract<JournalEvent, { type: 'run.started' }>).vars).toMatchObject({ channel: '#bridge', ticket: 'INC-5', pager_token: '***' });
    for (const b of bundles) {
      expect(readFileSync(join(b, 'journal.ndjson'), 'utf8')).not.toContain(TOKEN);
      expect((await cli(['verify', b])).code).toBe(0);
    }
    expect(r.stdout + r.stderr).not.toContain(TOKEN);
  }, 300_000);
});
