// A step's env is evidence: journaled in step.started (secret values masked
// like every string of the journal) and shown, with a check's parameters and
// what it read, in the decision record's attempt details — which `cutover
// verify` renders again from the journal and compares byte for byte. A real run through the
// CLI: a command step that sets variables (one of them a secret) and a
// check step on a real git checkout.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JournalEvent } from '../../src/engine/events.js';
import { REPO } from '../helpers/cli.js';
import { cliInProcess } from '../helpers/cli-in-process.js';
import { readEvents, tempDir } from '../fixtures/engine/scenario.js';
import { rechain, resummarize, writeJournal } from './forge.js';

const SECRET = 'hunter2-deploy-77';

describe('a step\'s env in the journal and the decision record', () => {
  it('records the env a command step set (secret masked), shows it and the check inputs in decision-record.md; verify agrees', async () => {
    const dir = tempDir();
    const root = join(dir, 'producer');
    mkdirSync(root);
    cpSync(join(REPO, 'test/fixtures/memorykernel/producer-contract-manifest.json'), join(root, 'manifest.json'));
    cpSync(join(REPO, 'test/fixtures/memorykernel/PRODUCER_RELEASE_HANDOFF_LATEST.json'), join(root, 'payload.json'));
    execFileSync('git', ['init', '-q'], { cwd: root });
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@x', 'commit', '-qm', 'p', '--allow-empty'], { cwd: root });
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    const runbook = join(dir, 'runbook.yaml');
    writeFileSync(runbook, `format: cutover-runbook/v1
id: env-report
title: Env report
version: 1.0.0
modes: [rehearsal]
baseline: { release_tag: v0.3.2, commit: cf331449e1589581a5dcbb3adecd3e9ae4509277 }
target: { release_tag: v0.4.0, commit: 7e4806a34b98e6c06ee33fa9f11499a975e7b922 }
secrets: [DEPLOY_TOKEN]
vars:
  deploy_token: { type: string, env: DEPLOY_TOKEN, description: the deploy token }
roles:
  - { id: pa, title: Producer approver, side: producer }
sections:
  - id: s
    title: Steps
    steps:
      - id: with-env
        kind: command
        title: A command with its environment
        run: [sh, -c, 'test "$RUST_LOG" = debug && test -n "$DEPLOY_TOKEN"']
        env: { RUST_LOG: debug, DEPLOY_TOKEN: "\${deploy_token}" }
      - id: handoff
        kind: check
        title: Handoff
        check: handoff-payload
        cwd: producer
        with: { manifest: manifest.json, payload: payload.json }
`);
    const evidence = join(dir, 'evidence');
    const run = await cliInProcess(['run', runbook, '--plain', '--evidence-dir', evidence, '--operator', 'Olga Operator', '--mode', 'rehearsal'], { env: { DEPLOY_TOKEN: SECRET } });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const bundle = join(evidence, readdirSync(evidence)[0]!);
    const started = readEvents(bundle).find((e): e is Extract<JournalEvent, { type: 'step.started' }> => e.type === 'step.started' && e.step === 'with-env')!;
    expect(started.command!.env).toEqual({ RUST_LOG: 'debug', DEPLOY_TOKEN: '***' });
    const record = readFileSync(join(bundle, 'decision-record.md'), 'utf8');
    expect(record).toContain('- `with-env` #1 environment: `RUST_LOG`=debug, `DEPLOY_TOKEN`=\\*\\*\\*');
    expect(record).toMatch(new RegExp(`- \`handoff\` #1 read \`manifest\` .*manifest\\.json — sha256 \`[0-9a-f]{64}\`, git HEAD \`${head}\`; copied to steps/handoff/attempt-1/inputs/manifest/manifest\\.json`));
    expect(record).toMatch(/- `handoff` #1 read `payload` .*payload\.json — sha256 `[0-9a-f]{64}`/);
    expect(record).toContain('- `handoff` #1 with: `manifest`=manifest.json, `payload`=payload.json');
    expect(readdirSync(bundle, { recursive: true }).map(String).filter((f) => { try { return readFileSync(join(bundle, f)).includes(SECRET); } catch { return false; } })).toEqual([]);
    const ok = await cliInProcess(['verify', bundle]);
    expect(ok.code, ok.stdout).toBe(0);

    // The env in the journal, changed with the chain and summaries recomputed: the decision record shows what the journal says.
    const events = readEvents(bundle);
    const ev = events.find((e): e is Extract<JournalEvent, { type: 'step.started' }> => e.type === 'step.started' && e.step === 'with-env')!;
    ev.command!.env = { RUST_LOG: 'info', DEPLOY_TOKEN: '***' };
    writeJournal(bundle, rechain(events));
    const before = readFileSync(join(bundle, 'decision-record.md'), 'utf8');
    await resummarize(bundle);
    expect(readFileSync(join(bundle, 'decision-record.md'), 'utf8')).not.toBe(before);
    expect(readFileSync(join(bundle, 'decision-record.md'), 'utf8')).toContain('`RUST_LOG`=info');
  }, 120_000);
});
