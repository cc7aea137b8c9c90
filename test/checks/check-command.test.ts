// `cutover check` called in-process with a capturing CliIO and the entry
// point's error handling: exit codes, the report format, --json, --help,
// and a clear message with exit 2 for every input problem.
import { mkdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CANDIDATE, MANIFEST, REHEARSAL, SAMPLES, STABLE, STACK_FRAME, readJson, runCheckCli, tempDir, writeJson } from './helpers.js';

const handoff = (payload: string, ...extra: string[]) => runCheckCli(['handoff', '--manifest', MANIFEST, '--payload', payload, ...extra]);

describe('cutover check handoff', () => {
  it('exit 0 and a one-line summary for the published stable payload', async () => {
    const run = await handoff(STABLE);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout.trim().split('\n')).toEqual([`handoff check passed: ${STABLE} (stable) matches ${MANIFEST}; 0 violations, 0 warnings`]);
  });

  it('exit 0 for the generated candidate payload', async () => {
    expect((await handoff(CANDIDATE)).code).toBe(0);
  });

  it('exit 1 with one line per violation, then the summary', async () => {
    const dir = tempDir();
    const p = readJson(STABLE) as { active_runtime_baseline: { commit_sha: string }; release_tag: string };
    p.active_runtime_baseline.commit_sha = 'cf331449e1589581a5dcbb3adecd3e9ae4509277';
    p.release_tag = 'v0.3.2';
    const file = writeJson(dir, 'drift.json', p);
    const run = await handoff(file);
    expect(run.code).toBe(1);
    expect(run.stdout.trim().split('\n')).toEqual([
      '$.release_tag: expected "v0.4.0" (manifest), got "v0.3.2" [manifest-drift]',
      '$.active_runtime_baseline.commit_sha: expected "7e4806a34b98e6c06ee33fa9f11499a975e7b922" (manifest), got "cf331449e1589581a5dcbb3adecd3e9ae4509277" [runtime-baseline-drift]',
      `handoff check FAILED: ${file} (stable) against ${MANIFEST}: 2 violations, 0 warnings`,
    ]);
  });

  it('exit 1 for the older rehearsal payload', async () => {
    const run = await handoff(REHEARSAL);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('[payload-format]');
    expect(run.stdout).toMatch(/handoff check FAILED: .* 16 violations, 0 warnings/);
  });

  it('warnings pass unless --strict', async () => {
    const dir = tempDir();
    const file = writeJson(dir, 'p.json', { ...readJson<Record<string, unknown>>(STABLE), handoff_generated_at_utc: '2026-02-08 13:19' });
    const lenient = await handoff(file);
    expect(lenient.code).toBe(0);
    expect(lenient.stdout).toContain('warning: $.handoff_generated_at_utc: "2026-02-08 13:19" is not an ISO-8601 UTC timestamp like 2026-11-21T07:42:43Z [timestamp-format]');
    expect((await handoff(file, '--strict')).code).toBe(1);
  });

  it('--json prints a stable object', async () => {
    const dir = tempDir();
    const file = writeJson(dir, 'p.json', { ...readJson<Record<string, unknown>>(STABLE), commit_sha: 'abc' });
    const run = await handoff(file, '--json');
    expect(run.code).toBe(1);
    const out = JSON.parse(run.stdout);
    expect(Object.keys(out)).toEqual(['check', 'passed', 'manifest', 'payload', 'mode', 'strict', 'era', 'violations', 'warnings']);
    expect(out.violations).toEqual([
      { rule: 'manifest-drift', path: '$.commit_sha', message: 'expected "7e4806a34b98e6c06ee33fa9f11499a975e7b922" (manifest), got "abc"', expected: '7e4806a34b98e6c06ee33fa9f11499a975e7b922', actual: 'abc' },
    ]);
    expect(out.warnings.map((w: { rule: string }) => w.rule)).toEqual(['commit-sha-format']);
  });
});

describe('cutover check: input problems exit 2 with a clear message and no stack trace', () => {
  const cases: [string, (dir: string) => string, RegExp][] = [
    ['invalid JSON', (dir) => {
      writeFileSync(join(dir, 'p.json'), readFileSync(STABLE, 'utf8').replace('"stable",', '"stable"'));
      return join(dir, 'p.json');
    }, /handoff payload ".*p.json" is not valid JSON at line 4, column 3: expected ',' or '}'/],
    ['a missing file', (dir) => join(dir, 'missing.json'), /handoff payload ".*missing.json" not found \(looked at /],
    ['a directory', (dir) => {
      mkdirSync(join(dir, 'payload'));
      return join(dir, 'payload');
    }, /handoff payload ".*payload" is a directory, not a JSON file/],
    ['an empty file', (dir) => {
      writeFileSync(join(dir, 'empty.json'), '');
      return join(dir, 'empty.json');
    }, /handoff payload ".*empty.json" is empty/],
    ['a 50 MB payload', (dir) => {
      const file = join(dir, 'big.json');
      writeFileSync(file, '{"a": "');
      truncateSync(file, 50 * 1000 * 1000);
      return file;
    }, /handoff payload ".*big.json" is 47.7 MiB, over the 16 MiB limit: not a handoff payload: too large/],
    ['an array instead of a payload', (dir) => writeJson(dir, 'arr.json', [readJson(STABLE)]), /is not a handoff payload: the top level is array, expected an object/],
  ];

  it.each(cases)('%s', async (_name, make, message) => {
    const run = await handoff(make(tempDir()));
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^cutover: /);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toMatch(/\n {2}hint: \S/);
    expect(run.stderr).not.toMatch(STACK_FRAME);
  });

  it.each([
    [[], /check: which check\? none given/],
    [['handof'], /check: unknown check "handof"/],
    [['handoff', '--payload', STABLE], /check handoff: --manifest is required/],
    [['handoff', '--manifest', MANIFEST, '--payload', STABLE, '--stric'], /check handoff: unknown flag --stric\n {2}hint: did you mean "--strict"\?/],
    [['envelope', '--contract', 'v4', '--sample', join(SAMPLES, 'v3-response.json')], /unknown contract "v4" for the envelope check/],
    [['artifact-digest', '--root', '.'], /give either --from FILE or one or more --artifact PATH=SHA256/],
  ])('usage error %j', async (args, message) => {
    const run = await runCheckCli(args as string[]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(STACK_FRAME);
  });
});

describe('cutover check --help', () => {
  it.each([
    [['--help'], /cutover check handoff --manifest FILE --payload FILE/],
    [['handoff', '--help'], /--strict +hygiene findings/],
    [['envelope', '-h'], /--contract v2\|v3 +the contract whose policy applies/],
    [['artifact-digest', '--help'], /--artifact PATH=SHA256 +one pin/],
  ])('%j', async (args, text) => {
    const run = await runCheckCli(args);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(text);
  });
});
