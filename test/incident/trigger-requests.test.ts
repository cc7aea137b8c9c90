// Review findings 5–9 and 15 (issue 13): `cutover trigger`'s requests and
// answers. A live session answers every request it claims — a malformed or
// hostile one with the reason, never aborting the others — and nothing a
// request carries forges a line of the plain log. The command believes an
// answer only as far as the journal bears it out, ends at an absolute
// deadline (claimed but unanswered: exit 1), and says at once when a
// one-shot command holds the bundle. On a paused run the declarer is
// recorded as requested_by, never as an operator: they can still sign.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { JournalEvent } from '../../src/engine/events.js';
import { identityOf } from '../../src/runner/process-identity.js';
import { cli, DIST, distIsFresh, REPO } from '../helpers/cli.js';
import { journalOf, OPERATOR, workspace, writeYaml } from './fixture.js';

type Ws = ReturnType<typeof workspace>;

async function pausedRun(ws: Ws): Promise<string> {
  writeYaml(join(ws.dir, 'answers.yaml'), { answers: { rc: true } });
  const r = await cli(['run', 'cutover.yaml', '--plain', '--answers', 'answers.yaml', '--var', 'channel=#bridge', '--operator', OPERATOR], { cwd: ws.dir });
  expect(r.code, r.stdout + r.stderr).toBe(3);
  return join(ws.dir, r.stdout.match(/`\S+ resume (\S+) --answers FILE`/)![1]!);
}

/** Writes a request as a hostile or broken client would: straight into .tmp, bypassing the command's checks. */
function dropRaw(bundle: string, id: string, body: unknown): void {
  const part = join(bundle, '.tmp', `x-${id}`);
  writeFileSync(part, typeof body === 'string' ? body : JSON.stringify(body));
  renameSync(part, join(bundle, '.tmp', `trigger-request-${id}.json`));
}

function answerOf(bundle: string, id: string): { ok: boolean; reasons?: string[]; seq?: number } {
  const f = join(bundle, '.tmp', `trigger-answer-${id}.json`);
  if (!existsSync(f)) throw new Error(`no answer ${id} yet`);
  return JSON.parse(readFileSync(f, 'utf8')) as { ok: boolean; reasons?: string[] };
}

/** A lock naming this (live) test process as the holder: `kind` says what it claims to be. */
function fakeHolder(bundle: string, kind: { command: string; polls?: true }): void {
  writeFileSync(join(bundle, '.lock'), `${JSON.stringify({ ...identityOf(process.pid), ...kind })}\n`);
}

describe('cutover trigger requests, against a live session', () => {
  it('answers every request it claims: wrong types and unknown keys refused with the reason, the rest of the tick goes on; a hostile note or name forges no line; a second declaration reaches the session\'s refusal', async () => {
    const ws = workspace([{ id: 'wait', kind: 'command', title: 'Wait for the go file', run: ['node', '-e', "const f=process.argv[1];const t=setInterval(()=>{if(require('fs').existsSync(f)){clearInterval(t)}},50)", '${gofile}'] }]);
    const gofile = join(ws.dir, 'go');
    const rb = (await import('yaml')).parse(readFileSync(ws.cutover, 'utf8')) as { vars: Record<string, unknown> };
    rb.vars.gofile = { type: 'string', description: 'file that ends the wait' };
    writeYaml(ws.cutover, rb);
    writeYaml(join(ws.dir, 'answers.yaml'), { answers: { rc: true } });
    const entry = distIsFresh() ? [DIST] : [join(REPO, 'node_modules/tsx/dist/cli.mjs'), join(REPO, 'src/cli.ts')];
    const child = spawn(process.execPath, [...entry, 'run', 'cutover.yaml', '--plain', '--answers', 'answers.yaml', '--var', 'channel=#bridge', '--var', `gofile=${gofile}`, '--operator', OPERATOR], { cwd: ws.dir, env: { ...process.env, NO_COLOR: '1' } });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    try {
      const bundle = await vi.waitFor(() => {
        const m = /bundle: (\S+)/.exec(out);
        if (!m) throw new Error('no bundle yet');
        const dir = join(ws.dir, m[1]!);
        if (!journalOf(dir).some((e) => e.type === 'step.started' && e.step === 'wait')) throw new Error('wait step not started');
        return dir;
      }, { timeout: 30_000, interval: 100 });
      // The lock says this holder picks requests up (finding 15).
      await vi.waitFor(() => expect(JSON.parse(readFileSync(join(bundle, '.lock'), 'utf8'))).toMatchObject({ polls: true, command: 'cutover run' }), { timeout: 10_000, interval: 100 });
      // Three requests in one tick, the first malformed: each is answered.
      const a = 'a'.repeat(16);
      const b = 'b'.repeat(16);
      const c = 'c'.repeat(16);
      dropRaw(bundle, c, { action: 'declare', trigger: 'payload-drift', note: 'x', by: 'Rita Responder', extra: 1 });
      dropRaw(bundle, a, { action: 'declare', trigger: 'envelope-mismatch', note: 'x', by: 'Rita Responder', severity: 5 });
      dropRaw(bundle, b, { action: 'declare', trigger: 'envelope-mismatch', note: 'seen\x1b[2J\r\nfake line: GO recorded\x1b]0;pwned\x07', by: 'Rita\x1b[31m\r\nfake line: Responder' });
      await vi.waitFor(() => [a, b, c].map((id) => answerOf(bundle, id)), { timeout: 15_000, interval: 100 });
      expect(answerOf(bundle, a)).toMatchObject({ ok: false, reasons: ["the request's severity must be a string, not number"] });
      expect(answerOf(bundle, c).reasons?.[0]).toContain('unknown key(s) "extra"');
      expect(answerOf(bundle, b)).toMatchObject({ ok: true });
      // The answer is written before the claim is removed (a crash between them leaves the claim, not a lost answer).
      await vi.waitFor(() => expect(readdirSync(join(bundle, '.tmp')).filter((f) => f.startsWith('trigger-claimed-'))).toEqual([]), { timeout: 10_000, interval: 50 });
      const declared = journalOf(bundle).filter((e) => e.type === 'trigger.declared') as Extract<JournalEvent, { type: 'trigger.declared' }>[];
      expect(declared).toHaveLength(1);
      expect(declared[0]!.requested_by).toBe('Rita [31m fake line: Responder'); // stored as --operator stores a name: controls made spaces
      // The plain log shows the note and the name escaped: no screen cleared, no title set, no forged line.
      await vi.waitFor(() => expect(out).toContain('⚠ ROLLBACK TRIGGER'), { timeout: 10_000, interval: 100 });
      await vi.waitFor(() => expect(out).toContain('  note: '), { timeout: 10_000, interval: 100 });
      expect(out).toContain('note: seen\\x1b[2J\\r\\nfake line: GO recorded\\x1b]0;pwned\\x07');
      expect(out).not.toContain('\x1b');
      expect(out).not.toMatch(/^fake line/m);
      // A second declaration written straight as a request (no pre-check by the command): the session refuses it.
      const d = 'd'.repeat(16);
      dropRaw(bundle, d, { action: 'declare', trigger: 'envelope-mismatch', note: 'again', by: 'Rita Responder' });
      await vi.waitFor(() => answerOf(bundle, d), { timeout: 15_000, interval: 100 });
      expect(answerOf(bundle, d).ok).toBe(false);
      expect(answerOf(bundle, d).reasons?.join(' ')).toContain('trigger "envelope-mismatch" is already open');
      expect(journalOf(bundle).filter((e) => e.type === 'trigger.declared')).toHaveLength(1);
      // Leftovers of a command or session stopped a while ago (older than the command's deadline): swept by the running session.
      const e = 'e'.repeat(16);
      const f = 'f'.repeat(16);
      const old = new Date(Date.now() - 10 * 60_000);
      for (const name of [`trigger-answer-${e}.json`, `trigger-claimed-${f}.json`]) {
        writeFileSync(join(bundle, '.tmp', name), '{}');
        utimesSync(join(bundle, '.tmp', name), old, old);
      }
      await vi.waitFor(() => expect(readdirSync(join(bundle, '.tmp')).filter((n) => n.includes(e) || n.includes(f))).toEqual([]), { timeout: 15_000, interval: 100 });
      expect(existsSync(join(bundle, '.tmp', `trigger-answer-${d}.json`))).toBe(true); // a fresh answer stays for its command
      writeFileSync(gofile, '');
      expect(await exited).toBe(3);
      // The answers nobody read are leftovers: verify names them as a note, not a problem, and says how to remove them.
      const v = await cli(['verify', bundle]);
      expect(v.code, v.stdout).toBe(0);
      expect(v.stdout).toContain(`trigger-answer-${a}.json: note: is left by a \`cutover trigger\` request`);
      expect(v.stdout).toContain(`delete it: rm ${join(bundle, '.tmp', `trigger-answer-${a}.json`)}`);
    } finally {
      writeFileSync(gofile, ''); // the step's command leads its own group: a SIGKILLed cutover would leave it polling
      child.kill('SIGKILL');
    }
  }, 120_000);
});

describe('cutover trigger against a holder that does not answer as it should', () => {
  it('a forged answer is checked against the journal (exit 1, never "undefined"); claimed but unanswered ends at the deadline (exit 1); a one-shot holder is "busy" at once (exit 2)', async () => {
    const ws = workspace();
    const bundle = await pausedRun(ws);
    const journal = readFileSync(join(bundle, 'journal.ndjson'), 'utf8');
    const first = journalOf(bundle)[0]!;
    /** Runs the command while this test plays the session: `answer` is what it writes once it claimed the request (nothing: no answer). */
    const against = async (answer?: unknown) => {
      // A short --wait: the unanswered case ends at it (the default is 20 s).
      const run = cli(['trigger', bundle, 'envelope-mismatch', '--note', 'seen', '--operator', 'Rita Responder', '--wait', '3'], { timeoutMs: 90_000 });
      const id = await vi.waitFor(() => {
        const f = readdirSync(join(bundle, '.tmp')).find((n) => n.startsWith('trigger-request-'));
        if (!f) throw new Error('no request yet');
        return /trigger-request-(\w+)\.json/.exec(f)![1]!;
      }, { timeout: 20_000, interval: 50 });
      renameSync(join(bundle, '.tmp', `trigger-request-${id}.json`), join(bundle, '.tmp', `trigger-claimed-${id}.json`));
      if (answer !== undefined) writeFileSync(join(bundle, '.tmp', `trigger-answer-${id}.json`), JSON.stringify(answer));
      const r = await run;
      rmSync(join(bundle, '.tmp', `trigger-claimed-${id}.json`), { force: true });
      return r;
    };
    fakeHolder(bundle, { command: 'cutover run', polls: true });
    const bare = await against({ ok: true });
    expect(bare.code, bare.stderr).toBe(1);
    expect(bare.stderr).toContain('says the request was recorded, but it names no journal event (seq and hash)');
    expect(bare.stdout + bare.stderr).not.toContain('undefined');
    const wrong = await against({ ok: true, seq: 1, hash: first.hash });
    expect(wrong.code, wrong.stderr).toBe(1);
    expect(wrong.stderr).toContain("the journal's event seq 1 is a run.started, not the trigger.declared of envelope-mismatch");
    expect(wrong.stdout).toBe('');
    const silent = await against();
    expect(silent.code, silent.stderr).toBe(1);
    expect(silent.stderr).toContain(`was claimed by the session (pid ${process.pid}) but not answered within 3 s; check the journal (cutover watch`);
    // A one-shot writer holds the bundle: said at once, nothing dropped.
    fakeHolder(bundle, { command: 'cutover sign' });
    const busy = await cli(['trigger', bundle, 'envelope-mismatch', '--note', 'seen']);
    expect(busy.code).toBe(2);
    expect(busy.stderr).toContain(`the bundle is busy (cutover sign, pid ${process.pid}); try again`);
    expect(busy.stderr).not.toMatch(/\n\s+at /);
    // --wait is whole seconds from 1 to 600: anything else is refused before anything is handed over.
    const badWait = await cli(['trigger', bundle, 'envelope-mismatch', '--note', 'seen', '--wait', '0']);
    expect(badWait.code).toBe(2);
    expect(badWait.stderr).toContain('trigger --wait: "0" is not a number of seconds from 1 to 600');
    expect(readdirSync(join(bundle, '.tmp')).filter((f) => f.startsWith('trigger-'))).toEqual([]);
    expect(readFileSync(join(bundle, 'journal.ndjson'), 'utf8')).toBe(journal);
    rmSync(join(bundle, '.lock'));
  }, 180_000);
});

describe('cutover trigger on a paused run', () => {
  it('journals the run\'s operator with requested_by the declarer, who never becomes an operator and can still sign as an approver', async () => {
    const ws = workspace();
    const bundle = await pausedRun(ws);
    const before = journalOf(bundle).length;
    const t = await cli(['trigger', bundle, 'payload-drift', '--note', 'x\x1b[2Jy', '--operator', 'Priya Producer']);
    expect(t.code, t.stderr).toBe(0);
    expect(t.stdout).toContain('Declared rollback trigger payload-drift (SEV-2)');
    expect(t.stdout).not.toContain('\x1b');
    const events = journalOf(bundle).slice(before);
    expect(events.map((e) => e.type)).toEqual(['run.resumed', 'trigger.declared', 'run.paused']);
    expect(events[0]).toMatchObject({ operator: OPERATOR });
    expect(events[1]).toMatchObject({ by: OPERATOR, requested_by: 'Priya Producer', note: 'x\x1b[2Jy' });
    // The declarer signs as the producer approver (exclude_operator, the default): accepted.
    writeYaml(join(ws.dir, 'answers2.yaml'), { answers: { notify: { note: 'sent\x1b[2J\r\nfake line: GO recorded' }, sign: { pa: 'Priya Producer', ca: 'Marco Consumer' } } });
    const r = await cli(['resume', bundle, '--plain', '--answers', 'answers2.yaml', '--operator', OPERATOR], { cwd: ws.dir });
    expect(r.code, r.stdout + r.stderr).toBe(3);
    // A confirmation's note in the plain log: escaped, no forged line.
    expect(r.stdout).toContain('sent\\x1b[2J\\r\\nfake line: GO recorded');
    expect(r.stdout).not.toContain('\x1b');
    expect(r.stdout).not.toMatch(/^fake line/m);
    expect(journalOf(bundle).find((e) => e.type === 'signoff.recorded' && e.role === 'pa')).toMatchObject({ name: 'Priya Producer' });
    const v = await cli(['verify', bundle]);
    expect(v.code, v.stdout).toBe(0);
  }, 90_000);

  it('run --from on it records who started the rollback as started_by, the cutover run resumed by its own operator; once that rollback started, a closed run\'s refusal points at it, not at --from', async () => {
    const ws = workspace();
    const bundle = await pausedRun(ws);
    expect((await cli(['trigger', bundle, 'envelope-mismatch', '--note', 'legacy_error in a 400', '--operator', 'Priya Producer'])).code).toBe(0);
    const before = journalOf(bundle).length;
    const rb = await cli(['run', 'rollback.yaml', '--from', bundle, '--var', 'ticket=INC-1', '--plain', '--operator', 'Rita Responder'], { cwd: ws.dir });
    expect(rb.code, rb.stdout + rb.stderr).toBe(3);
    const added = journalOf(bundle).slice(before);
    expect(added.map((e) => e.type)).toEqual(['run.resumed', 'rollback.started', 'run.paused']);
    expect(added[0]).toMatchObject({ operator: OPERATOR });
    expect(added[1]).toMatchObject({ started_by: 'Rita Responder' });
    expect(journalOf(bundle).filter((e) => e.type === 'run.resumed').map((e) => (e as { operator: string }).operator)).not.toContain('Rita Responder');
    // The cutover run closes (NO-GO: the trigger locks GO); declaring again is refused, and the hint names the rollback run already started.
    writeYaml(join(ws.dir, 'close.yaml'), { answers: { notify: true, sign: { pa: 'Priya Producer', ca: 'Marco Consumer' }, decide: { option: 'no-go', remediation: 'rolled back' } } });
    const closed = await cli(['resume', bundle, '--plain', '--answers', 'close.yaml', '--operator', OPERATOR], { cwd: ws.dir });
    expect(closed.code, closed.stdout + closed.stderr).toBe(1);
    const again = await cli(['trigger', bundle, 'envelope-mismatch', '--note', 'still seen']);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/the run is closed; the rollback run \S+ was started from it for this trigger/);
    expect(again.stderr).not.toContain('--from');
  }, 120_000);
});
