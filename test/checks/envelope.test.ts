// The envelope check: samples in the three file shapes, valid and invalid,
// under the shipped policy, an edited policy and the producer's own
// source-of-truth file; the CLI's report and exit codes.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultPolicyPath, runEnvelopeCheck, mayHaveDuplicateKeys, buildEnvelopeSchema, normalizePolicyDocument } from '../../src/checks/envelope.js';
import { scanJson } from '../../src/checks/json-scan.js';
import type { Violation } from '../../src/checks/violation.js';
import { MANIFEST, MK, REHEARSAL, REPO, SAMPLES, STACK_FRAME, readJson, runCheckCli, tempDir, writeJson } from './helpers.js';

const ids = (list: Violation[]) => list.map((v) => `${v.index}:${v.line ?? '-'} ${v.rule} ${v.path}`);
const v3 = (code = 'validation_error', extra: Record<string, unknown> = {}) => ({ service_contract_version: 'service.v3', error: { code, message: 'field "q" is invalid' }, ...extra });
const v2 = (code = 'write_failed') => ({ service_contract_version: 'service.v2', error: { code, message: 'disk full' }, legacy_error: code });
const ndjson = (dir: string, name: string, rows: unknown[]) => {
  const file = join(dir, name);
  writeFileSync(file, rows.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n'));
  return file;
};

describe('envelope check: valid samples in all three shapes', () => {
  it.each([
    ['object', 'v3', 'v3-response.json', 1],
    ['array', 'v3', 'v3-responses.json', 3],
    ['ndjson', 'v3', 'v3-responses.ndjson', 3],
    ['ndjson', 'v2', 'v2-responses.ndjson', 2],
  ])('%s (%s, %s)', async (shape, contract, file, samples) => {
    const result = await runEnvelopeCheck({ contract, sample: join(SAMPLES, file) });
    expect(result).toMatchObject({ passed: true, shape, samples, failedSamples: 0, violations: [] });
  });
});

describe('envelope check: invalid samples, every violation with index, line and path', () => {
  it('ndjson: index, line number (blank lines counted), path, expected/actual', async () => {
    const result = await runEnvelopeCheck({ contract: 'v3', sample: join(SAMPLES, 'v3-drifted.ndjson') });
    expect(result).toMatchObject({ passed: false, shape: 'ndjson', samples: 4, failedSamples: 3, violationCount: 4 });
    expect(ids(result.violations)).toEqual([
      '1:2 error-code-enum $.error.code',
      '2:4 envelope-forbidden $.legacy_error',
      '3:5 envelope-required $.error.message',
      '3:5 envelope-forbidden $.api_contract_version',
    ]);
    expect(result.violations[0]).toMatchObject({ actual: 'not_a_code', expected: readJson<{ error_code_enum: string[] }>(MANIFEST).error_code_enum });
  });

  it('array: the JSON path includes the element index', async () => {
    const dir = tempDir();
    const file = writeJson(dir, 'a.json', [v3(), v3('bogus'), 'not an object', v3('internal_error', { legacy_error: 'x' })]);
    const result = await runEnvelopeCheck({ contract: 'v3', sample: file });
    expect(result.shape).toBe('array');
    expect(ids(result.violations)).toEqual(['1:- error-code-enum $[1].error.code', '2:- envelope-type $[2]', '3:- envelope-forbidden $[3].legacy_error']);
  });

  it('object: a pretty-printed single response', async () => {
    const dir = tempDir();
    const file = writeJson(dir, 'o.json', { ...v3(), error: { code: 'query_failed', message: '', trace: 'x' } });
    const result = await runEnvelopeCheck({ contract: 'v3', sample: file });
    expect(result.shape).toBe('object');
    expect(ids(result.violations)).toEqual(['0:- envelope-unexpected-field $.error.trace', '0:- envelope-field $.error.message']);
  });

  it('v2 requires legacy_error and refuses error.details; v3 the opposite', async () => {
    const dir = tempDir();
    const file = ndjson(dir, 'mixed.ndjson', [v2(), v3('write_failed', { error: { code: 'write_failed', message: 'm', details: {} } })]);
    const asV2 = await runEnvelopeCheck({ contract: 'v2', sample: file });
    expect(ids(asV2.violations)).toEqual([
      '1:2 envelope-required $.legacy_error',
      '1:2 envelope-contract-version $.service_contract_version',
      '1:2 envelope-unexpected-field $.error.details',
    ]);
    const asV3 = await runEnvelopeCheck({ contract: 'v3', sample: file });
    expect(ids(asV3.violations)).toEqual(['0:1 envelope-contract-version $.service_contract_version', '0:1 envelope-forbidden $.legacy_error']);
  });

  it('a duplicate key fails the sample, in NDJSON and in arrays', async () => {
    const dir = tempDir();
    const dup = '{"service_contract_version":"service.v3","error":{"code":"bogus","message":"m"},"error":{"code":"write_failed","message":"m"}}';
    const nd = await runEnvelopeCheck({ contract: 'v3', sample: ndjson(dir, 'd.ndjson', [v3(), dup]) });
    expect(ids(nd.violations)).toEqual(['1:2 duplicate-key $.error']);
    writeFileSync(join(dir, 'd.json'), `[${JSON.stringify(v3())},\n${dup}]`);
    const arr = await runEnvelopeCheck({ contract: 'v3', sample: join(dir, 'd.json') });
    expect(arr).toMatchObject({ failedSamples: 1 });
    expect(ids(arr.violations)).toEqual(['1:- duplicate-key $[1].error']);
  });

  it('CRLF line ends and a missing final newline are fine', async () => {
    const dir = tempDir();
    const file = join(dir, 'crlf.ndjson');
    writeFileSync(file, `${JSON.stringify(v3())}\r\n${JSON.stringify(v3('bogus'))}\r\n\r\n${JSON.stringify(v3())}`);
    const result = await runEnvelopeCheck({ contract: 'v3', sample: file });
    expect(result.samples).toBe(3);
    expect(ids(result.violations)).toEqual(['1:2 error-code-enum $.error.code']);
  });

  it('a multi-byte character split by the 1 MiB read boundary survives intact', async () => {
    const dir = tempDir();
    const prefix = '{"service_contract_version":"service.v3","error":{"code":"validation_error","message":"';
    // Put the 4-byte emoji at 2 bytes before the first chunk boundary.
    const message = `${'x'.repeat(1024 * 1024 - 2 - prefix.length)}🚫 requête`;
    const rows = [v3('validation_error', { error: { code: 'validation_error', message } }), ...Array.from({ length: 5000 }, (_, i) => v3('query_failed', { error: { code: 'query_failed', message: `échec « ${i} » 🚫` } }))];
    const file = ndjson(dir, 'utf8.ndjson', rows);
    expect(readFileSync(file).subarray(1024 * 1024 - 2, 1024 * 1024 + 2).toString('utf8')).toBe('🚫');
    const result = await runEnvelopeCheck({ contract: 'v3', sample: file, policy: writeJson(dir, 'p.json', {
      ...readJson<Record<string, unknown>>(defaultPolicyPath()!),
      contracts: { v3: { requires: ['error.message'], field_schemas: { 'error.message': { type: 'string', pattern: '🚫( requête)?$' } } } },
    }) });
    expect(result).toMatchObject({ passed: true, samples: 5001 });
  });

  it('streams a large NDJSON file and counts past the reporting cap', async () => {
    const dir = tempDir();
    const rows = Array.from({ length: 30_000 }, (_, i) => (i % 10 === 9 ? v3('bogus') : v3(i % 2 ? 'write_failed' : 'query_failed')));
    const result = await runEnvelopeCheck({ contract: 'v3', sample: ndjson(dir, 'big.ndjson', rows) });
    expect(result).toMatchObject({ samples: 30_000, failedSamples: 3_000, violationCount: 3_000 });
    expect(result.violations).toHaveLength(1000);
    expect(result.violations[999]).toMatchObject({ index: 9999, line: 10000 });
  });
});

describe('envelope check: the schema is built from the policy', () => {
  it('an edited policy file changes the check', async () => {
    const dir = tempDir();
    const policy = readJson<{ contracts: { v3: { forbids: string[]; optional: string[] } } }>(defaultPolicyPath()!);
    policy.contracts.v3.optional = [];
    policy.contracts.v3.forbids.push('error.details');
    const file = writeJson(dir, 'policy.json', policy);
    const sample = join(SAMPLES, 'v3-response.json');
    expect((await runEnvelopeCheck({ contract: 'v3', sample })).passed).toBe(true);
    const edited = await runEnvelopeCheck({ contract: 'v3', sample, policy: file });
    expect(ids(edited.violations)).toEqual(['0:- envelope-forbidden $.error.details']);
  });

  it("accepts the producer's service-contract-source-of-truth.json as a policy", async () => {
    const policy = join(MK, 'service-contract-source-of-truth.json');
    expect((await runEnvelopeCheck({ contract: 'v3', sample: join(SAMPLES, 'v3-responses.json'), policy })).passed).toBe(true);
    const drifted = await runEnvelopeCheck({ contract: 'v3', sample: join(SAMPLES, 'v3-drifted.ndjson'), policy });
    expect(drifted.failedSamples).toBe(3);
  });

  it('takes the service.v2 policy from the rehearsal payload', async () => {
    const result = await runEnvelopeCheck({ contract: 'v2', sample: join(SAMPLES, 'v2-responses.ndjson'), policy: REHEARSAL, manifest: MANIFEST });
    expect(result).toMatchObject({ passed: true, errorCodeSource: MANIFEST });
  });

  it('--manifest replaces the error-code enum', async () => {
    const dir = tempDir();
    const manifest = writeJson(dir, 'm.json', { ...readJson<Record<string, unknown>>(MANIFEST), error_code_enum: ['validation_error'] });
    const result = await runEnvelopeCheck({ contract: 'v3', sample: join(SAMPLES, 'v3-responses.ndjson'), manifest });
    expect(ids(result.violations)).toEqual(['1:2 error-code-enum $.error.code', '2:3 error-code-enum $.error.code']);
    expect(result.violations[0]!.message).toBe(`"schema_unavailable" is not one of the 1 error codes of ${manifest}`);
  });

  it('the shipped policy keeps the manifest enum, in order', () => {
    expect(readJson(defaultPolicyPath()!).error_code_enum).toEqual(readJson(MANIFEST).error_code_enum);
    expect(defaultPolicyPath()).toBe(join(REPO, 'contracts/envelope-policy.json'));
  });

  it('builds required, forbidden and closed objects from dotted paths', () => {
    const set = normalizePolicyDocument(readJson(defaultPolicyPath()!), 'policy');
    const schema = buildEnvelopeSchema(set.contracts.v3!, ['a', 'b'], 'error.code') as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(schema.required).toEqual(['service_contract_version', 'error']);
    expect(schema.properties.legacy_error).toBe(false);
    expect(schema.properties.api_contract_version).toBe(false);
    expect(schema.properties.service_contract_version).toEqual({ type: 'string', const: 'service.v3' });
    expect(schema.properties.error).toMatchObject({ type: 'object', required: ['code', 'message'], additionalProperties: false });
    expect(schema.properties.error.properties.code).toEqual({ type: 'string', enum: ['a', 'b'] });
  });

  it.each([
    [{ contracts: { v3: { requires: ['error.code'], forbids: ['error.code'] } } }, /both allows and forbids "error.code"/],
    [{ contracts: { v3: { requires: ['error..code'] } } }, /invalid field path "error..code"/],
    [{ contracts: { v3: { requires: ['a', 'a'] } } }, /lists "a" twice/],
    [{ something: 'else' }, /defines no contract policies/],
  ])('refuses a broken policy file %#', async (policy, message) => {
    const dir = tempDir();
    const run = await runCheckCli(['envelope', '--contract', 'v3', '--sample', join(SAMPLES, 'v3-response.json'), '--policy', writeJson(dir, 'p.json', { error_code_enum: ['x'], ...policy })]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/envelope policy ".*p.json"/);
    expect(run.stderr).toMatch(message);
  });
});

describe('the duplicate-key pre-test that keeps NDJSON fast (may over-select, never misses)', () => {
  it.each([
    ['{"a":1,"b":{"c":2}}', false],
    ['{"a":1,"a":2}', true],
    ['{"a" : 1}', false],
    ['{"a" :1, "a":2}', true],
    ['{"m":"say \\"x\\": y"}', false],
    ['{"t":"07:42:43","a":1}', false],
    ['{"k\\\\":1,"k\\\\":2}', true],
    ['[{"a":1},{"a":1}]', false],
    ['{"":1,"":2}', true],
    ['{"m":":starts with a colon"}', true], // over-selected: the scan then finds nothing
  ])('%s → %s', (line, expected) => {
    expect(mayHaveDuplicateKeys(line, JSON.parse(line))).toBe(expected);
  });

  it('never misses a duplicate the full scanner finds, on 3,000 generated lines', () => {
    let seed = 42; // mulberry32: deterministic, so a failure reproduces
    const random = (n: number) => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
    };
    const keys = ['a', 'b', 'a:b', 'q"', 'x\\', '', ' :'];
    const space = () => [' ', '', '\t', ''][random(4)]!;
    const value = (depth: number): string => {
      const kind = random(depth > 2 ? 3 : 5);
      if (kind === 0) return String(random(100));
      if (kind === 1) return JSON.stringify(keys[random(keys.length)]! + ':' + keys[random(keys.length)]!);
      if (kind === 2) return 'null';
      if (kind === 3) return `[${Array.from({ length: random(3) }, () => value(depth + 1)).join(',')}]`;
      const members = Array.from({ length: random(4) }, () => `${space()}${JSON.stringify(keys[random(keys.length)])}${space()}:${space()}${value(depth + 1)}`);
      return `{${members.join(',')}}`;
    };
    let withDuplicates = 0;
    let overSelected = 0;
    for (let n = 0; n < 3000; n++) {
      const line = `{"error":${value(0)}}`;
      const hasDuplicates = scanJson(line).duplicates.length > 0;
      const selected = mayHaveDuplicateKeys(line, JSON.parse(line));
      if (hasDuplicates) {
        withDuplicates++;
        expect(selected, line).toBe(true);
      } else if (selected) {
        overSelected++;
      }
    }
    expect(withDuplicates).toBeGreaterThan(100);
    expect(overSelected).toBeLessThan(3000 - withDuplicates);
  });
});

describe('cutover check envelope', () => {
  it('exit 0 for valid samples', async () => {
    const run = await runCheckCli(['envelope', '--contract', 'v3', '--sample', join(SAMPLES, 'v3-responses.ndjson')]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/envelope check passed: 3 NDJSON samples from .*v3-responses.ndjson satisfy the service.v3 non-2xx envelope policy/);
  });

  it('exit 1, one line per violation with sample index and line', async () => {
    const run = await runCheckCli(['envelope', '--contract', 'v3', '--sample', join(SAMPLES, 'v3-drifted.ndjson')]);
    expect(run.code).toBe(1);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toBe(`sample #1 (line 2): $.error.code: "not_a_code" is not one of the 10 error codes of ${defaultPolicyPath()} [error-code-enum]`);
    expect(lines[1]).toBe('sample #2 (line 4): $.legacy_error: forbidden by the service.v3 envelope policy, got "write_failed" [envelope-forbidden]');
    expect(lines.at(-1)).toMatch(/envelope check FAILED: 3 of 4 NDJSON samples from .* violate the service.v3 non-2xx envelope policy \(4 violations\)/);
  });

  it('--json', async () => {
    const run = await runCheckCli(['envelope', '--contract', 'v2', '--sample', join(SAMPLES, 'v3-response.json'), '--json']);
    expect(run.code).toBe(1);
    const out = JSON.parse(run.stdout);
    expect(out).toMatchObject({ check: 'envelope', passed: false, contract: 'v2', serviceContractVersion: 'service.v2', shape: 'object', samples: 1 });
    expect(out.violations[0]).toEqual({ rule: 'envelope-required', path: '$.legacy_error', message: 'required by the service.v2 envelope policy, missing', index: 0 });
  });

  it.each([
    ['a broken NDJSON line', (dir: string) => ndjson(dir, 'bad.ndjson', [v3(), v3(), '{"service_contract_version":"service.v3",}']), /is not valid NDJSON: line 3, column 42: expected a double-quoted property name/],
    ['an empty file', (dir: string) => ndjson(dir, 'empty.ndjson', []), /envelope sample file ".*empty.ndjson" is empty/],
    ['NDJSON that is not UTF-8', (dir: string) => {
      const file = ndjson(dir, 'latin1.ndjson', [v3(), v3()]);
      writeFileSync(file, Buffer.concat([readFileSync(file), Buffer.from('\n{"m":"\xe9"}\n', 'latin1')]));
      return file;
    }, /envelope sample file ".*latin1.ndjson" is not valid UTF-8 text/],
    ['an empty array', (dir: string) => writeJson(dir, 'none.json', []), /contains no samples/],
    ['a JSON string', (dir: string) => writeJson(dir, 's.json', 'hello'), /holds a JSON string, not response samples/],
    ['a missing file', (dir: string) => join(dir, 'nope.ndjson'), /envelope sample file ".*nope.ndjson" not found/],
  ])('exit 2 for %s', async (_name, make, message) => {
    const run = await runCheckCli(['envelope', '--contract', 'v3', '--sample', make(tempDir())]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(STACK_FRAME);
  });

  it('reads the sample fixtures verbatim (no hidden normalisation)', () => {
    expect(readFileSync(join(SAMPLES, 'v3-drifted.ndjson'), 'utf8').split('\n')[2]).toBe('');
  });
});
