// Captures every screen of the interactive front end at 80x24, as text, for
// docs/tui.md: `node scripts/tui-captures.mjs OUTDIR [--docs docs/tui.md]`
// (needs a built dist/). Runs the real CLI in a pseudo-terminal (node-pty +
// @xterm/headless) and waits for each screen before it writes
// OUTDIR/<name>.txt. With --docs, every block after a `<!-- capture:NAME -->`
// line in that file is replaced by the new capture, so the docs show the
// screens as they are.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import xterm from '@xterm/headless';
import pty from 'node-pty';
import { benchRunbook } from '../bench/lib.mjs';

const out = process.argv[2];
if (!out) throw new Error('usage: node scripts/tui-captures.mjs OUTDIR');
mkdirSync(out, { recursive: true });
const cli = join(import.meta.dirname, '..', 'dist', 'cli.js');
const work = mkdtempSync(join(tmpdir(), 'cutover-captures-'));

function start(args, columns = 80, rows = 24) {
  const env = { ...process.env, TERM: 'xterm-256color' };
  delete env.CI;
  const term = new xterm.Terminal({ cols: columns, rows, allowProposedApi: true });
  const p = pty.spawn(process.execPath, [cli, ...args], { name: 'xterm-256color', cols: columns, rows, cwd: work, env });
  p.onData((d) => term.write(d));
  const text = () => new Promise((resolve) => term.write('', () => {
    const b = term.buffer.active;
    resolve(Array.from({ length: term.rows }, (_, i) => b.getLine(b.viewportY + i)?.translateToString(true) ?? '').join('\n'));
  }));
  const waitFor = async (what, ms = 30_000) => {
    const until = Date.now() + ms;
    for (;;) {
      const t = await text();
      if (typeof what === 'string' ? t.includes(what) : what(t)) return t;
      if (Date.now() > until) throw new Error(`never showed ${what}:\n${t}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const keys = async (...ks) => {
    for (const k of ks) {
      p.write(k);
      await new Promise((r) => setTimeout(r, 250));
    }
  };
  const snap = async (name, what) => writeFileSync(join(out, `${name}.txt`), `${(await waitFor(what)).replace(/\s+$/, '')}\n`);
  return { p, text, waitFor, keys, snap };
}

const ENTER = '\r';
const ESC = '\x1b';
const selected = (title) => (t) => t.split('\n').some((l) => l.includes('›') && l.includes(title));

try {
  const d = start(['demo', '--evidence-dir', 'ev']);
  await d.snap('start', 'GO lock');
  await d.keys(ENTER);
  await d.snap('confirm-form', 'Confirm: Release candidate');
  await d.keys(ENTER);
  await d.waitFor(selected('Consumer candidate'));
  await d.keys(ENTER, ENTER);
  await d.waitFor(selected('Go/no-go meeting'));
  await d.keys(ENTER);
  await d.snap('input-form', 'Fill in: Go/no-go meeting');
  await d.keys(ENTER, ENTER, ENTER);
  await d.waitFor(selected('Rollback target'));
  await d.keys('s');
  await d.snap('skip-form', 'Skip "Rollback target');
  await d.keys(ESC, ENTER, ENTER);
  await d.waitFor(selected('Producer checkout'));
  await d.keys('a');
  await d.snap('section-done', 'all passed');
  for (let i = 0; i < 40; i++) {
    const t = await d.text();
    if (selected('Publish the consumer impact')(t)) break;
    await d.keys(t.includes('⏎ run') ? 'a' : ENTER);
    await new Promise((r) => setTimeout(r, 400));
  }
  await d.keys(ENTER);
  await d.snap('notice-form', 'Notice: Publish');
  await d.keys(ENTER);
  for (let i = 0; i < 40; i++) {
    const t = await d.text();
    if (selected('Joint sign-off')(t)) break;
    await d.keys(t.includes('⏎ run') ? 'a' : ENTER);
    await new Promise((r) => setTimeout(r, 400));
  }
  await d.keys('j', ENTER);
  await d.snap('decision-locked', 'Decide: Go/no-go');
  await d.keys(ENTER, ENTER);
  await d.snap('decision-refused', 'REFUSED');
  await d.keys(ESC, 'o');
  await d.snap('lock-full', ' GO lock — ');
  await d.keys('q', 'k', ENTER);
  await d.snap('signoff-form', 'Sign-off: Joint sign-off');
  await d.keys(ENTER, ENTER, ENTER, ENTER);
  await d.waitFor('every condition holds');
  await d.snap('lock-open', 'every condition holds');
  await d.keys('?');
  await d.snap('help', 'Keys — cutover');
  await d.keys(ESC, ENTER);
  await d.snap('decision-form', 'Decide: Go/no-go');
  await d.keys(ENTER, ENTER);
  await d.snap('decided', 'Decision recorded');
  await d.keys('q');
  await d.waitFor('Verify with');
  await d.snap('summary', 'Verify with');

  const t = start(['demo', '--evidence-dir', 'ev2']);
  await t.waitFor('GO lock');
  await t.keys('R');
  await t.snap('trigger-form', 'Declare a rollback trigger');
  await t.keys(ESC, 'q');
  await t.snap('quit-form', 'Quit?');
  await t.keys('y');

  const f = start(['demo', '--scenario', 'drift', '--evidence-dir', 'ev3']);
  await f.waitFor('GO lock');
  await f.keys('g', 'j', 'j', 'j', 'j', 'a');
  await f.snap('drift-failed', 'FAILED');
  await f.keys('o');
  await f.snap('output-viewer', 'Output of producer-release-evidence');
  await f.keys('/', ...'FAIL', ENTER);
  await f.snap('output-search', 'at byte');
  await f.keys('q', 'q', 'y');

  writeFileSync(join(work, 'slow.yaml'), benchRunbook('slow', 'Slow steps', [
    '{ id: fast, kind: command, title: Fast step, run: [sh, -c, "echo fast"] }',
    '{ id: slow, kind: command, title: Slow step printing lines, shell: true, run: "for i in $(seq 1 300); do echo line $i of the slow step; sleep 0.05; done" }',
  ]));
  const s = start(['run', 'slow.yaml', '--evidence-dir', 'ev4', '--operator', 'Olga']);
  await s.waitFor('Slow step');
  await s.keys('a');
  await s.snap('running', 'line 20 of');
  await s.keys('o');
  await s.snap('output-follow', 'following');
  await s.keys('q', '\x03');
  await s.snap('interrupted', 'Resume with');

  // The rollback vars form (docs/tui.md, Rollback triggers): a small cutover runbook whose rollback runbook needs vars it does not carry.
  const pins = { baseline: { release_tag: 'v0.3.2', commit: 'cf331449e1589581a5dcbb3adecd3e9ae4509277', service_contract: 'service.v2' }, target: { release_tag: 'v0.4.0', commit: '7e4806a34b98e6c06ee33fa9f11499a975e7b922', service_contract: 'service.v3' } };
  const roles = [{ id: 'pa', title: 'Producer approver', side: 'producer' }, { id: 'ca', title: 'Consumer approver', side: 'consumer' }];
  const triggers = [{ id: 'envelope-mismatch', title: 'Non-2xx envelope shape mismatch', severity: 'SEV-1', action: 'Immediate rollback to the baseline.', rollback: true }];
  const decide = (title, go, nogo) => ({ id: 'decide', kind: 'decision', title, options: [{ id: 'go', label: go, go: true, requires_steps: 'all', requires_signoffs: ['sign'] }, { id: 'no-go', label: nogo, go: false, remediation: true }] });
  const mini = (id, title, vars, steps, extra = {}) => JSON.stringify({ format: 'cutover-runbook/v1', id, title, version: '1.0', modes: ['rehearsal', 'cutover'], ...pins, roles, vars, triggers, ...extra, sections: [{ id: 'main', title: 'Protocol', steps: [...steps.slice(0, -1), { id: 'sign', kind: 'signoff', title: 'Joint sign-off', roles: ['pa', 'ca'], statement: 'Approved' }, ...steps.slice(-1)] }] });
  const channel = { channel: { type: 'string', description: 'Incident channel' } };
  writeFileSync(join(work, 'cutover.yaml'), mini('mini-cut', 'Mini cutover', channel, [{ id: 'rc', kind: 'confirm', title: 'Release candidate immutable', statement: 'The RC is frozen' }, { id: 'notify', kind: 'confirm', title: 'Incident notice sent', statement: 'Notified ${channel}', due: { after: 'trigger', within: '15m' } }, decide('Go/no-go', 'GO (rehearsal continuation)', 'NO-GO')], { rollback: 'rollback.yaml' }));
  writeFileSync(join(work, 'rollback.yaml'), mini('mini-rollback', 'Mini rollback', { ...channel, ticket: { type: 'string', description: 'Incident ticket' }, bridge_url: { type: 'url', description: 'Incident bridge URL' }, pager_token: { type: 'string', description: 'Pager API token' } }, [{ id: 'notice', kind: 'confirm', title: 'Initial incident notice', statement: 'Sent to ${channel} for ${ticket} (${bridge_url})', due: { after: 'trigger', within: '15m' } }, decide('Rollback complete?', 'Rollback complete', 'Rollback NOT complete')]));
  const v = start(['run', 'cutover.yaml', '--var', 'channel=#bridge', '--operator', 'Olga Operator', '--evidence-dir', 'ev6']);
  await v.waitFor('GO lock');
  await v.keys('R');
  await v.waitFor('Declare a rollback trigger');
  await v.keys(ENTER, ENTER, ENTER);
  await v.waitFor('› What was observed');
  await v.keys(...'legacy_error in a 400', ENTER);
  await v.waitFor('Start the rollback runbook now?');
  await v.keys(ENTER);
  await v.waitFor('The rollback runbook needs vars');
  await v.keys(...'INC-7', ENTER, ...'not a url', ENTER, ...'pg-0123456789', ENTER);
  await v.snap('rollback-vars-form', 'correct the fields marked');
  await v.keys(ESC, 'q', 'y');

  const small = start(['demo', '--evidence-dir', 'ev5'], 50, 12);
  await small.snap('too-small', 'needs at least');
  small.p.kill();
  console.log(`captured in ${out}`);
  const docs = process.argv.indexOf('--docs');
  if (docs !== -1) {
    const file = process.argv[docs + 1];
    const text = readFileSync(file, 'utf8').replace(/<!-- capture:([\w-]+) -->\n```text\n(?:[\s\S]*?\n)??```/g, (_m, name) => `<!-- capture:${name} -->\n\`\`\`text\n${readFileSync(join(out, `${name}.txt`), 'utf8').replace(/\n$/, '')}\n\`\`\``);
    writeFileSync(file, text);
    console.log(`updated ${file}`);
  }
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
  process.exit();
}
