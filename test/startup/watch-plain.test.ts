// `cutover watch <bundle> --plain` (and watch off a terminal) must not load
// the screen: Ink, React and zustand come only with `cutover watch` in a
// terminal (ui/watch.tsx, imported lazily). A module hook in the child
// records every module the CLI loads, as in no-ink.test.ts.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';

const root = join(import.meta.dirname, '..', '..');
const tmp = mkdtempSync(join(tmpdir(), 'cutover-watch-startup-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const RUNBOOK = `format: cutover-runbook/v1
id: tiny
title: Tiny
version: "1.0"
modes: [rehearsal, cutover]
baseline: { release_tag: v0.3.2, commit: cf331449e1589581a5dcbb3adecd3e9ae4509277 }
target: { release_tag: v0.4.0, commit: 7e4806a34b98e6c06ee33fa9f11499a975e7b922 }
roles:
  - { id: pa, title: Producer approver, side: producer }
sections:
  - id: s
    title: S
    steps:
      - { id: hello, kind: command, title: Say hello, run: "echo hello" }
      - id: decide
        kind: decision
        title: Go/no-go
        options:
          - { id: no-go, label: NO-GO, go: false, remediation: true }
`;

describe('cutover watch --plain stays light', () => {
  it('loads neither the screen nor ink nor react', async () => {
    writeFileSync(join(tmp, 'rb.yaml'), RUNBOOK);
    writeFileSync(join(tmp, 'answers.yaml'), 'answers:\n  decide: { option: no-go, remediation: fix it }\n');
    const run = await cli(['run', 'rb.yaml', '--plain', '--answers', 'answers.yaml', '--evidence-dir', 'ev'], { cwd: tmp, timeoutMs: 120_000 });
    expect(run.code, run.stderr).toBe(1);
    const bundle = join(tmp, 'ev', readdirSync(join(tmp, 'ev')).find((n) => !n.startsWith('.'))!);
    const hooks = join(tmp, 'hooks.mjs');
    writeFileSync(hooks, "import { appendFileSync } from 'node:fs';\nexport async function load(url, context, next) {\n  appendFileSync(process.env.LOADED_LOG, url + '\\n');\n  return next(url, context);\n}\n");
    const register = join(tmp, 'register.mjs');
    writeFileSync(register, `import { register } from 'node:module'; register(${JSON.stringify(`file://${hooks}`)});`);
    const log = join(tmp, 'loaded.log');
    writeFileSync(log, '');
    const env: NodeJS.ProcessEnv = { ...process.env, LOADED_LOG: log };
    delete env.CI;
    const out = execFileSync(process.execPath, ['--import', register, join(root, 'dist', 'cli.js'), 'watch', bundle, '--plain'], { cwd: tmp, env, encoding: 'utf8' });
    expect(out).toContain('run closed: NO-GO');
    const loaded = readFileSync(log, 'utf8').split('\n').filter(Boolean);
    expect(loaded.some((u) => u.endsWith('/dist/cli.js'))).toBe(true);
    expect(loaded.filter((u) => /\/dist\/ui-[^/]*\.js$|\/node_modules\/(ink|react|zustand|yoga-layout|@inkjs)\//.test(u))).toEqual([]);
    const react = loaded.filter((u) => u.startsWith('file:') && u.includes('/dist/') && readFileSync(new URL(u), 'utf8').includes('Minified React error'));
    expect(react).toEqual([]);
  }, 180_000);
});
