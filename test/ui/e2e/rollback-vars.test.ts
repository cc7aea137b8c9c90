// Issue 13 in a real terminal (80×24): R declares a rollback trigger, "yes"
// takes the offer to start the rollback runbook, and the vars it needs that
// the cutover run does not carry are typed into a form — the secret one
// drawn as • and never written to the terminal — then the rollback run
// opens on the screen, linked, with the typed values in its run.started
// (the secret as ***).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { JournalEvent } from '../../../src/engine/events.js';
import { journalOf, OPERATOR, workspace, writeYaml } from '../../incident/fixture.js';
import { exitOf, killAll, opened, stable, start, WAIT } from './helpers.js';
import type { Pty } from '../pty.js';

afterEach(killAll);

const TOKEN = 'pg-0123456789abcdef';

/** Types `text` and waits until the screen shows `shown`. */
async function type(p: Pty, text: string, shown: string): Promise<void> {
  p.write(text);
  await p.waitFor(shown, WAIT);
}

/** Presses Enter until the screen shows `what` (in the R form: an extra Enter on the empty note is only refused). */
async function enterUntil(p: Pty, what: string | RegExp, tries = 6): Promise<void> {
  const seen = (s: string[]) => s.some((r) => (typeof what === 'string' ? r.includes(what) : what.test(r)));
  for (let i = 0; i < tries && !seen(await stable(p)); i++) p.write('\r');
  expect(seen(await stable(p)), (await stable(p)).join('\n')).toBe(true);
}

/** The cutover run on the screen at 80×24: R declares a rollback trigger, yes switches, and the vars form opens. */
async function toVarsForm(ws: ReturnType<typeof workspace>) {
    const p = start(['run', 'cutover.yaml', '--var', 'channel=#bridge', '--operator', OPERATOR, '--evidence-dir', ws.evidence], { cwd: ws.dir, columns: 80, rows: 24, env: { CI: undefined } });
    await opened(p);

    p.write('R');
    await p.waitFor('Declare a rollback trigger', WAIT);
    await enterUntil(p, /^› What was observed/);
    await type(p, 'legacy_error in a 400', 'What was observed: legacy_error in a 400');
    p.write('\r');
    await p.waitFor('Start the rollback runbook now?', WAIT);
    p.write('\r'); // yes (the default)
    await p.waitFor('The rollback runbook needs vars this run does not carry', WAIT);
  return p;
}

describe('the rollback vars form in a terminal', () => {
  it('R → yes → the vars form (secret masked, never echoed) → the rollback run opens with the typed values', async () => {
    const ws = workspace();
    const rb = parse(readFileSync(ws.rollback, 'utf8')) as { vars: Record<string, unknown> };
    rb.vars.bridge_url = { type: 'url', description: 'Incident bridge URL' };
    rb.vars.pager_token = { type: 'string', description: 'Pager API token' };
    writeYaml(ws.rollback, rb);
    const p = await toVarsForm(ws);
    const form = (await stable(p)).join('\n');
    expect(form).toContain('ticket (Incident ticket)');
    expect(form).toContain('pager_token (Pager API token; secret)');

    await type(p, 'INC-7', 'ticket (Incident ticket): INC-7');
    p.write('\r');
    await p.waitFor('› bridge_url', WAIT);
    await type(p, 'not a url', '✗ bridge_url is not a URL');
    p.write('\x15'); // Ctrl-U clears the field
    await p.waitFor((t) => t.split('\n').some((r) => /^› bridge_url \(Incident bridge URL\):\s*$/.test(r)), WAIT);
    await type(p, 'https://bridge.example/inc-7', 'bridge_url (Incident bridge URL): https://bridge.example/inc-7');
    p.write('\r');
    await p.waitFor('› pager_token', WAIT);
    await type(p, TOKEN, '•'.repeat(TOKEN.length));
    expect(p.raw()).not.toContain(TOKEN);
    p.write('\r');

    await p.waitFor((t) => t.includes('Mini rollback') && t.includes('GO lock'), 60_000);
    await opened(p, 'Mini rollback');
    const rollbackBundle = readdirSync(ws.evidence).find((e) => e.endsWith('_mini-rollback'))!;
    const started = journalOf(join(ws.evidence, rollbackBundle))[0] as Extract<JournalEvent, { type: 'run.started' }>;
    expect(started.vars).toMatchObject({ channel: '#bridge', ticket: 'INC-7', bridge_url: 'https://bridge.example/inc-7', pager_token: '***' });
    expect(started.rollback_of?.trigger.id).toBe('envelope-mismatch');
    p.write('q');
    await p.waitFor('Quit?', WAIT);
    p.write('y');
    expect(await exitOf(p)).toMatchObject({ exitCode: 3 });
    expect(p.raw()).not.toContain(TOKEN);
    for (const b of readdirSync(ws.evidence)) expect(readFileSync(join(ws.evidence, b, 'journal.ndjson'), 'utf8')).not.toContain(TOKEN);
  }, 180_000);

  it('Esc in the vars form keeps the cutover run going; quitting prints the whole command that starts the rollback', async () => {
    const ws = workspace();
    const rb = parse(readFileSync(ws.rollback, 'utf8')) as { vars: Record<string, unknown> };
    rb.vars.pager_token = { type: 'string', description: 'Pager API token' };
    writeYaml(ws.rollback, rb);
    const p = await toVarsForm(ws);
    p.write('\x1b');
    await p.waitFor('rollback not started', WAIT);
    p.write('q');
    await p.waitFor('Quit?', WAIT);
    p.write('y');
    expect(await exitOf(p)).toMatchObject({ exitCode: 3 });
    const printed = p.raw().replace(/\r?\n/g, '\n');
    expect(printed).toMatch(/Roll back with: \S+ run rollback\.yaml --from evidence\/\S+_mini-cut --var ticket=… --var pager_token=…/);
    expect(readdirSync(ws.evidence).filter((e) => e.endsWith('_mini-rollback'))).toEqual([]);
  }, 120_000);
});
