// Issue 13 on the screen: after R with a rollback trigger and "yes", the vars
// the rollback runbook needs and the cutover run does not carry are asked
// for in a form (name and description; a secret masked while typed, checked
// by the var's type), then the rollback run starts with them, linked — as
// `run rollback.yaml --from <bundle> --var …` would start it. Esc stays on
// the cutover run with the command in the message.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { JournalEvent } from '../../src/engine/events.js';
import { switchToRollback } from '../../src/cli/commands/front-end.js';
import { Session } from '../../src/session/session.js';
import { KEY, mountScreen, unmountAll, until, type Screen } from '../ui/screen.js';
import { journalOf, OPERATOR, workspace, writeYaml } from './fixture.js';

afterEach(unmountAll);

const TOKEN = 'pg-0123456789abcdef';

/** The incident fixture, its rollback runbook declaring three vars the cutover run does not give: ticket, a URL and a secret token. */
function fixture() {
  const ws = workspace();
  const rb = parse(readFileSync(ws.rollback, 'utf8')) as { vars: Record<string, unknown>; sections: { steps: { id: string; statement?: string }[] }[] };
  rb.vars.bridge_url = { type: 'url', description: 'Incident bridge URL' };
  rb.vars.pager_token = { type: 'string', description: 'Pager API token' };
  rb.sections[0]!.steps[0]!.statement = 'Sent to ${channel} and ${bridge_url}, paged with ${pager_token}';
  writeYaml(ws.rollback, rb);
  const session = Session.start({ runbookPath: ws.cutover, mode: 'rehearsal', vars: { channel: '#bridge' }, evidenceDir: ws.evidence, operator: OPERATOR });
  return { ws, session, screen: mountScreen({ session, size: { columns: 100, rows: 30 } }) };
}

/** R, the envelope mismatch (a rollback trigger), a note, Enter; then "yes" on the prompt: the vars form opens. */
async function toVarsForm(screen: Screen): Promise<void> {
  await until(() => expect(screen.frame()).toContain('GO lock —'));
  screen.press('R');
  await until(() => expect(screen.frame()).toContain('Declare a rollback trigger'));
  screen.press(KEY.enter, KEY.enter, KEY.enter);
  await until(() => expect(screen.frame()).toContain('› What was observed:'));
  screen.press(...'legacy_error in a 400');
  await until(() => expect(screen.frame()).toContain('What was observed: legacy_error in a 400'));
  screen.press(KEY.enter);
  await until(() => expect(screen.frame()).toContain('Start the rollback runbook now?'));
  screen.press(KEY.enter);
  await until(() => expect(screen.frame()).toContain('The rollback runbook needs vars this run does not carry'));
}

describe('the screen asks for the vars the rollback runbook needs before it switches', () => {
  it('R → yes → one field per missing var (name, description; the secret masked) → the rollback run starts with the typed values, the secret journaled as ***', async () => {
    const { session, screen } = fixture();
    await toVarsForm(screen);
    const form = screen.frame();
    expect(form).toContain('ticket (Incident ticket)');
    expect(form).toContain('bridge_url (Incident bridge URL)');
    expect(form).toContain('pager_token (Pager API token; secret)');
    expect(form).not.toContain('channel ('); // carried over from the cutover run
    screen.press(...'INC-7', KEY.enter);
    await until(() => expect(screen.frame()).toContain('› bridge_url'));
    screen.press(...'https://bridge.example/inc-7', KEY.enter);
    await until(() => expect(screen.frame()).toContain('› pager_token'));
    screen.press(...TOKEN);
    await until(() => expect(screen.frame()).toContain('•'.repeat(TOKEN.length)));
    expect(screen.frame()).not.toContain(TOKEN);
    screen.press(KEY.enter);
    expect(await screen.exited).toBe(3);
    expect(session.triggers.switchToRollback).toEqual({ trigger: 'envelope-mismatch', vars: { ticket: 'INC-7', bridge_url: 'https://bridge.example/inc-7', pager_token: TOKEN } });
    expect(readFileSync(join(session.bundleDir, 'journal.ndjson'), 'utf8')).not.toContain(TOKEN);
    session.release();

    // What the front end does next (no terminal here: the rollback run is driven plain and pauses at its first manual step).
    const out: string[] = [];
    const code = await switchToRollback(session, session.triggers.switchToRollback!, { out: (t) => out.push(t), err: (t) => out.push(t) });
    expect(code).toBe(3);
    expect(out.join('\n')).toContain('Rollback run started from');
    const cutover = journalOf(session.bundleDir);
    const link = cutover.find((e) => e.type === 'rollback.started') as Extract<JournalEvent, { type: 'rollback.started' }>;
    expect(link.trigger).toBe('envelope-mismatch');
    const started = journalOf(link.bundle)[0] as Extract<JournalEvent, { type: 'run.started' }>;
    expect(started.vars).toMatchObject({ channel: '#bridge', ticket: 'INC-7', bridge_url: 'https://bridge.example/inc-7', pager_token: '***' });
    expect(started.rollback_of?.run_id).toBe((cutover[0] as { run_id: string }).run_id);
    for (const bundle of [session.bundleDir, link.bundle]) {
      for (const file of ['journal.ndjson', 'runbook.yaml']) expect(readFileSync(join(bundle, file), 'utf8')).not.toContain(TOKEN);
    }
    expect(out.join('\n')).not.toContain(TOKEN);
  });

  it('refuses a value that is not of the var\'s type, and an empty one, naming the var; nothing is switched until they are right', async () => {
    const { session, screen } = fixture();
    await toVarsForm(screen);
    screen.press(KEY.enter); // ticket left empty
    await until(() => expect(screen.frame()).toContain('› bridge_url'));
    screen.press(...'not a url', KEY.enter, KEY.enter); // to pager_token, then submit with it empty
    await until(() => expect(screen.frame()).toContain('correct the fields marked ✗'));
    const frame = screen.frame();
    expect(frame).toContain('✗ ticket is required by the rollback runbook');
    expect(frame).toContain('✗ bridge_url is not a URL');
    expect(frame).toContain('✗ pager_token is required by the rollback runbook');
    expect(session.triggers.switchToRollback).toBeUndefined();
    expect(journalOf(session.bundleDir).some((e) => e.type === 'run.paused')).toBe(false);
  });

  it('Esc stays on the cutover run (not paused, GO still locked) with the command that starts the rollback in the message', async () => {
    const { session, screen } = fixture();
    await toVarsForm(screen);
    screen.press(KEY.escape);
    await until(() => expect(screen.frame()).toContain('rollback not started'));
    // The whole command is in the message (the frame cuts it at the screen's width).
    expect(screen.store.getState().ui.message?.text).toMatch(/quit \(q\) prints the command that starts it: \S+ run \S*rollback\.yaml --from \S+ --var ticket=… --var bridge_url=… --var pager_token=…$/);
    expect(screen.frame()).toContain('GO lock —');
    expect(session.triggers.switchToRollback).toBeUndefined();
    expect(journalOf(session.bundleDir).some((e) => e.type === 'run.paused')).toBe(false);
  });

  it('a var the cutover run holds as secret (its `secrets:`) is asked for masked and stays *** in the rollback run, though the rollback runbook does not call it secret', async () => {
    const ws = workspace();
    const AUTH = 'auth-5e6d7f8a9b';
    const cut = parse(readFileSync(ws.cutover, 'utf8')) as { vars: Record<string, unknown>; secrets?: string[] };
    cut.vars.api_auth = { type: 'string', description: 'Contract API credential' };
    cut.secrets = ['api_auth'];
    writeYaml(ws.cutover, cut);
    const rb = parse(readFileSync(ws.rollback, 'utf8')) as { vars: Record<string, unknown> };
    rb.vars.api_auth = { type: 'string', description: 'Contract API credential' };
    writeYaml(ws.rollback, rb);
    const session = Session.start({ runbookPath: ws.cutover, mode: 'rehearsal', vars: { channel: '#bridge', api_auth: AUTH }, evidenceDir: ws.evidence, operator: OPERATOR });
    const screen = mountScreen({ session, size: { columns: 100, rows: 30 } });
    await toVarsForm(screen);
    expect(screen.frame()).toContain('api_auth (Contract API credential; secret)');
    screen.press(...'INC-9', KEY.enter);
    await until(() => expect(screen.frame()).toContain('› api_auth'));
    screen.press(...AUTH);
    await until(() => expect(screen.frame()).toContain('•'.repeat(AUTH.length)));
    screen.press(KEY.enter);
    expect(await screen.exited).toBe(3);
    session.release();
    const out: string[] = [];
    expect(await switchToRollback(session, session.triggers.switchToRollback!, { out: (t) => out.push(t), err: (t) => out.push(t) })).toBe(3);
    const link = journalOf(session.bundleDir).find((e) => e.type === 'rollback.started') as Extract<JournalEvent, { type: 'rollback.started' }>;
    const started = journalOf(link.bundle)[0] as Extract<JournalEvent, { type: 'run.started' }>;
    expect(started.vars).toMatchObject({ ticket: 'INC-9', api_auth: '***' });
    expect(readFileSync(join(link.bundle, 'journal.ndjson'), 'utf8')).not.toContain(AUTH);
    expect(out.join('\n')).not.toContain(AUTH);
  });
});
