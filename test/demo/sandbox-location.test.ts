// `cutover demo` keeps its sandbox in the evidence directory, beside the
// bundle (a paused demo resumes against it), and leaves nothing in the temp
// directory: the demo runs with TMPDIR pointing at an empty directory,
// which must still be empty afterwards.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, distIsFresh } from '../helpers/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'cutover-demo-sandbox-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('the demo sandbox', () => {
  it('lives in the evidence directory and nothing is left in TMPDIR', async () => {
    const emptyTmp = join(tmp, 'tmpdir');
    const evidence = join(tmp, 'evidence');
    mkdirSync(emptyTmp);
    const r = await cli(['demo', '--plain', '--evidence-dir', evidence], { cwd: tmp, env: { TMPDIR: emptyTmp }, timeoutMs: 170_000 });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const entries = readdirSync(evidence).sort();
    const sandbox = entries.find((e) => e.startsWith('.demo-sandbox-'));
    const bundle = entries.find((e) => !e.startsWith('.'));
    expect(sandbox, entries.join(', ')).toBeDefined();
    expect(entries).toHaveLength(2);
    expect(r.stdout).toContain(`sandbox: ${join(evidence, sandbox!)}`);
    const started = JSON.parse(readFileSync(join(evidence, bundle!, 'journal.ndjson'), 'utf8').split('\n')[0]!) as { vars: Record<string, string> };
    expect(started.vars.producer_root).toBe(join(evidence, sandbox!, 'workspace', 'producer'));
    // Under tsx (dist older than src) tsx keeps its own compile cache in TMPDIR: that one is not the demo's.
    const left = readdirSync(emptyTmp).filter((e) => distIsFresh() || !e.startsWith('tsx-'));
    expect(left).toEqual([]);
  }, 180_000);
});
