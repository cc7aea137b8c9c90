// Attack review, class 12: JSON nested deeper than any real payload (a
// 100,000-deep array) used to overflow the stack of the code that reads the
// parsed value — "internal error: Maximum call stack size exceeded". Every
// JSON input of the checks (whole documents and each NDJSON line) is now
// refused as an input error with its line and column, from the real CLI and
// from a runbook's check step alike.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { MAX_JSON_DEPTH } from '../../src/checks/json-scan.js';
import { cli } from '../helpers/cli.js';
import { cliInProcess } from '../helpers/cli-in-process.js';
import { onlyBundle, readEvents } from '../fixtures/engine/scenario.js';
import { MANIFEST, STABLE, readJson, tempDir } from './helpers.js';

const DEEP = 100_000;
const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const SAMPLE = '{"service_contract_version":"service.v3","error":{"code":"validation_error","message":"bad"}}';

function write(name: string, text: string): string {
  const file = join(tempDir(), name);
  writeFileSync(file, text);
  return file;
}

function expectInputError(run: { code: number | null; stdout: string; stderr: string }, where: string) {
  expect(run.code, run.stderr).toBe(2);
  expect(run.stderr).toContain(`nests arrays or objects deeper than ${MAX_JSON_DEPTH} levels (${where})`);
  expect(run.stderr).toContain('hint: ');
  expect(run.stderr).not.toMatch(/internal error|call stack|\n\s+at /);
}

describe('cutover check envelope: deep nesting is an input error', () => {
  it('a 100,000-deep array as the sample file', async () => {
    const run = await cliInProcess(['check', 'envelope', '--contract', 'v3', '--sample', write('deep.json', nested(DEEP))]);
    expectInputError(run, `line 1, column ${MAX_JSON_DEPTH + 1}`);
    expect(run.stderr).toContain('envelope sample file');
  });

  it('a sample whose error.details (allowed in service.v3) is 100,000 deep', async () => {
    const line3 = `  "error": {"code": "validation_error", "message": "bad", "details": ${nested(DEEP)}}`;
    const text = `{\n  "service_contract_version": "service.v3",\n${line3}\n}\n`;
    // The object and "error" are two levels: the 63rd bracket of "details" is one too many.
    expectInputError(await cliInProcess(['check', 'envelope', '--contract', 'v3', '--sample', write('details.json', text)]), `line 3, column ${line3.indexOf('[') + MAX_JSON_DEPTH - 1}`);
  });

  it('one deep NDJSON line after a good one, reported with its line number', async () => {
    const run = await cliInProcess(['check', 'envelope', '--contract', 'v3', '--sample', write('deep.ndjson', `${SAMPLE}\n${SAMPLE}\n{"a":${nested(DEEP)}}\n`)]);
    expectInputError(run, `line 3, column ${MAX_JSON_DEPTH + 5}`);
  });

  it('the limit itself is still a sample (64 levels)', async () => {
    // The object, "error" and "details" are three levels; the array adds the rest.
    const text = SAMPLE.replace('"message":"bad"', `"message":"bad","details":${nested(MAX_JSON_DEPTH - 2)}`);
    const run = await cliInProcess(['check', 'envelope', '--contract', 'v3', '--sample', write('limit.json', text)]);
    expect(run.code, run.stderr).toBe(0);
  });
});

describe('cutover check handoff: deep nesting is an input error', () => {
  it('a published payload with a 100,000-deep value in error_code_enum', async () => {
    const payload = JSON.stringify({ ...readJson(STABLE), error_code_enum: JSON.parse('[]') }).replace('"error_code_enum":[]', `"error_code_enum":[${nested(DEEP)}]`);
    expectInputError(await cliInProcess(['check', 'handoff', '--manifest', MANIFEST, '--payload', write('payload.json', payload)]), `line 1, column ${payload.indexOf('[[') + MAX_JSON_DEPTH}`);
  });
});

describe('a runbook check step on a deep sample', () => {
  it('fails the step with the reason and records it; the run goes on', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'deep.json'), nested(DEEP));
    const runbook = {
      format: 'cutover-runbook/v1',
      id: 'deep-sample',
      title: 'Deep sample',
      version: '1',
      modes: ['rehearsal'],
      baseline: { release_tag: 'v0.3.2', commit: 'cf331449e1589581a5dcbb3adecd3e9ae4509277' },
      target: { release_tag: 'v0.4.0', commit: '7e4806a34b98e6c06ee33fa9f11499a975e7b922' },
      roles: [{ id: 'captain', title: 'Release captain', side: 'joint' }],
      sections: [{ id: 'gates', title: 'Gates', steps: [{ id: 'envelope', kind: 'check', title: 'Envelope', check: 'envelope', with: { contract: 'v3', sample: 'deep.json' } }] }],
    };
    writeFileSync(join(dir, 'runbook.yaml'), stringify(runbook));
    const run = await cli(['run', join(dir, 'runbook.yaml'), '--plain', '--mode', 'rehearsal', '--operator', 'Olga Operator', '--evidence-dir', join(dir, 'evidence')]);
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.stderr).not.toMatch(/internal error|call stack/);
    const finished = readEvents(onlyBundle(join(dir, 'evidence'))).find((e) => e.type === 'step.finished');
    expect(JSON.stringify(finished)).toContain(`deeper than ${MAX_JSON_DEPTH} levels`);
  });
});
