// `cutover watch <bundle>` in a real pseudo-terminal follows a run another
// process drives (a plain `cutover run` with an answers file), from start to
// decision: the slow step shows running with its live output, then passed;
// keys that would act say "read-only: watching"; the decision is shown, the
// screen ends by itself with a plain summary on the normal screen, the
// terminal is restored, and the bundle still verifies (nothing was written).
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cli } from '../../helpers/cli.js';
import { tempDir } from '../../fixtures/engine/scenario.js';
import { exitOf, footerOf, killAll, messageOf, opened, rowOf, start, WAIT } from './helpers.js';

afterEach(killAll);

const RUNBOOK = `format: cutover-runbook/v1
id: watched
title: Watched cutover
version: "1.0"
modes: [rehearsal, cutover]
baseline: { release_tag: v0.3.2, commit: cf331449e1589581a5dcbb3adecd3e9ae4509277 }
target: { release_tag: v0.4.0, commit: 7e4806a34b98e6c06ee33fa9f11499a975e7b922 }
roles:
  - { id: pa, title: Producer approver, side: producer }
  - { id: ca, title: Consumer approver, side: consumer }
sections:
  - id: gates
    title: Gates
    steps:
      - { id: hello, kind: command, title: Say hello, run: "echo hello" }
      - id: slow
        kind: command
        title: Wait for the gate
        shell: true
        run: "echo waiting-for-gate; while [ ! -f gate ]; do sleep 0.1; done; echo gate-opened"
      - { id: ok, kind: confirm, title: Dashboards look fine, statement: "Dashboards are green" }
      - { id: sign, kind: signoff, title: Joint sign-off, roles: [pa, ca], statement: "We approve" }
      - id: decide
        kind: decision
        title: Go/no-go
        options:
          - { id: go-rehearsal, label: GO (rehearsal continuation), go: true, requires_signoffs: [sign] }
          - { id: no-go, label: NO-GO, go: false, remediation: true }
`;

const ANSWERS = `answers:
  ok: true
  sign: { pa: Alice Approver, ca: Bob Approver }
  decide: { option: go-rehearsal }
`;

function bundleOf(evidence: string): string | undefined {
  if (!existsSync(evidence)) return undefined;
  const names = readdirSync(evidence).filter((n) => !n.startsWith('.'));
  return names.length === 1 && existsSync(join(evidence, names[0]!, 'journal.ndjson')) ? join(evidence, names[0]!) : undefined;
}

describe('cutover watch in a terminal', () => {
  it('follows a run driven by another process from start to decision, read-only', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'rb.yaml'), RUNBOOK);
    writeFileSync(join(dir, 'answers.yaml'), ANSWERS);
    const evidence = join(dir, 'ev');
    const run = cli(['run', 'rb.yaml', '--plain', '--operator', 'Olga Operator', '--answers', 'answers.yaml', '--evidence-dir', evidence], { cwd: dir, timeoutMs: 120_000 });
    const bundle = await vi.waitFor(() => {
      const found = bundleOf(evidence);
      if (!found) throw new Error(`no bundle in ${evidence} yet`);
      return found;
    }, { timeout: 60_000, interval: 50 });

    const p = start(['watch', bundle], { cwd: dir, columns: 80, rows: 24 });
    await opened(p, 'read-only: watching');
    expect(p.raw()).toContain('\x1b[?1049h');
    // The slow step runs in the other process: shown running, with its output from the log file.
    await p.waitFor((t) => /running \d+:\d\d/.test(rowOf(t.split('\n'), 'Wait for the gate') ?? '') && t.includes('waiting-for-gate'), WAIT);
    expect(rowOf(p.screen(), 'Say hello')).toMatch(/passed/);
    expect(footerOf(p.screen())).toContain('read-only: watching');
    // A key that would act only says so.
    p.write('\r');
    await p.waitFor((t) => messageOf(t.split('\n')).startsWith('read-only: watching — Enter acts only on the screen of the run'));
    p.write('c');
    await p.waitFor((t) => messageOf(t.split('\n')).startsWith('read-only: watching — c acts'));
    expect(rowOf(p.screen(), 'Wait for the gate')).toMatch(/running/);

    // The run goes on: the gate opens, the other process answers, decides and closes.
    writeFileSync(join(dir, 'gate'), '');
    await p.waitFor((t) => t.includes('Decision: GO (rehearsal continuation)') && messageOf(t.split('\n')).startsWith('The run is closed: GO'), WAIT);
    expect(rowOf(p.screen(), 'Wait for the gate')).toMatch(/passed/);
    expect(rowOf(p.screen(), 'Joint sign-off')).toMatch(/signed/);
    const exit = await exitOf(p, 60_000);
    expect(exit).toMatchObject({ exitCode: 0 });
    expect(p.raw().lastIndexOf('\x1b[?1049l')).toBeGreaterThan(p.raw().lastIndexOf('\x1b[?1049h'));
    expect(p.text()).toContain('cutover watch: the run closed: GO (REHEARSAL) — GO (rehearsal continuation)');
    expect(p.text()).toMatch(/Runbook: Watched cutover · \d+ events seen, nothing written/);

    expect((await run).code).toBe(0);
    const verify = await cli(['verify', bundle]);
    expect(verify.code, verify.stdout).toBe(0);
  }, 180_000);

  it('stops at a broken hash chain: exit 1, saying from which event, the terminal restored', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'rb.yaml'), RUNBOOK.replace('while [ ! -f gate ]; do sleep 0.1; done; ', ''));
    writeFileSync(join(dir, 'answers.yaml'), ANSWERS);
    const evidence = join(dir, 'ev');
    expect((await cli(['run', 'rb.yaml', '--plain', '--operator', 'Olga Operator', '--answers', 'answers.yaml', '--evidence-dir', evidence], { cwd: dir, timeoutMs: 120_000 })).code).toBe(0);
    const bundle = bundleOf(evidence)!;
    // Event 3 edited without its hash recomputed: events 1 and 2 still check out.
    const journal = join(bundle, 'journal.ndjson');
    const lines = readFileSync(journal, 'utf8').split('\n');
    lines[2] = lines[2]!.replace('"step":"hello"', '"step":"slow"');
    writeFileSync(journal, lines.join('\n'));

    const p = start(['watch', bundle], { cwd: dir, columns: 80, rows: 24 });
    const exit = await exitOf(p, 60_000);
    expect(exit).toMatchObject({ exitCode: 1 });
    expect(p.raw()).toContain('\x1b[?1049h');
    expect(p.raw().lastIndexOf('\x1b[?1049l')).toBeGreaterThan(p.raw().lastIndexOf('\x1b[?1049h'));
    await p.waitFor('cutover watch: ✗ the journal does not check out from event 3 (seq 3):\nits hash chain is broken there, so nothing from there on was shown.');
    expect(p.text()).toContain('Check it with: cutover verify');
  }, 180_000);
});
