// Attack review, class 14 (answers files): a signer's name is YAML text —
// `.nan`, `1e3`, `true` or a tagged value is refused with its position
// instead of becoming the name "NaN" — and the file is read with limits:
// at most 1 MiB, nesting at most 64 levels, aliases bounded, unknown tags
// refused. Every refusal comes before the run starts: no bundle is left.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadAnswers, MAX_ANSWERS_BYTES } from '../../src/session/answers.js';
import { bundleRunbook } from '../evidence/forge.js';
import { cliInProcess } from '../helpers/cli-in-process.js';
import { defaultAnswers, OPERATOR, tempDir, writeRunbook } from '../fixtures/engine/scenario.js';

/** The fixture's default answers as YAML text, with the consumer approver's name written as `raw`. */
function answersWithName(raw: string): string {
  return stringify({ answers: { ...defaultAnswers(), sign: { pa: 'Priya Producer', ca: 'PLACEHOLDER' } } }).replace('PLACEHOLDER', raw);
}

async function runWith(answersText: string) {
  const dir = tempDir();
  const answersFile = join(dir, 'answers.yaml');
  writeFileSync(answersFile, answersText);
  const result = await cliInProcess(['run', writeRunbook(dir), '--plain', '--answers', answersFile, '--evidence-dir', join(dir, 'evidence'), '--operator', OPERATOR, '--mode', 'rehearsal']);
  return { result, bundleStarted: existsSync(join(dir, 'evidence')) };
}

function expectRefused(run: Awaited<ReturnType<typeof runWith>>, message: RegExp) {
  expect(run.result.code, run.result.stdout + run.result.stderr).toBe(2);
  expect(run.result.stderr).toMatch(message);
  expect(run.result.stderr).toContain('hint: ');
  expect(run.result.stderr).not.toMatch(/internal error|call stack|\n\s+at /);
  expect(run.bundleStarted, 'a bundle was started').toBe(false);
}

describe('answers file: a signer\'s name must be YAML text', () => {
  it.each([
    ['.nan', /answers\.yaml:\d+:9: the name signing "sign" as ca must be text; YAML reads it as the number NaN/],
    ['1e3', /answers\.yaml:\d+:9: the name signing "sign" as ca must be text; YAML reads it as the number 1000/],
    ['true', /answers\.yaml:\d+:9: the name signing "sign" as ca must be text; YAML reads it as a boolean true/],
    ['!!binary UHJpeWE=', /answers\.yaml:\d+:\d+: the name signing "sign" as ca must be text; YAML reads it as a value tagged !!binary/],
    ['!person Marco Consumer', /answers\.yaml:\d+:9: YAML problem: Unresolved tag: !person/],
    ['!!str 1234', /answers\.yaml:\d+:\d+: the name signing "sign" as ca "1234" has no visible letter/],
  ])('ca: %s is refused with its position', async (raw, message) => {
    expectRefused(await runWith(answersWithName(raw)), message);
  });

  it('a quoted name is text, and an anchor names the same approver twice', () => {
    const dir = tempDir();
    const file = join(dir, 'answers.yaml');
    writeFileSync(file, 'answers:\n  sign: { pa: &pa "Priya Producer", ca: "Marco Consumer" }\n  rc: { note: *pa }\n');
    const answers = loadAnswers(file, bundleRunbookOf(dir));
    expect(answers.get('sign')).toEqual({ kind: 'signoff', names: { pa: 'Priya Producer', ca: 'Marco Consumer' } });
    expect(answers.get('rc')).toEqual({ kind: 'confirm', note: 'Priya Producer' });
  });
});

describe('answers file: limits', () => {
  it('a file over 1 MiB is refused unread, even when it is valid YAML', async () => {
    const answers = { ...defaultAnswers(), decide: { option: 'no-go', remediation: 'x'.repeat(MAX_ANSWERS_BYTES) } };
    expectRefused(await runWith(stringify({ answers })), new RegExp(`answers\\.yaml: the answers file is \\d+ bytes; an answers file may be at most ${MAX_ANSWERS_BYTES} bytes`));
  });

  it('nesting 100,000 deep is refused where it goes too deep', async () => {
    const text = `answers:\n  rc: { note: ${'['.repeat(100_000)}${']'.repeat(100_000)} }\n`;
    expectRefused(await runWith(text), /answers\.yaml:2:\d+: nesting deeper than 64 levels/);
  });

  it('an alias bomb is refused', async () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (const [prev, name] of [['a', 'b'], ['b', 'c'], ['c', 'd'], ['d', 'e'], ['e', 'f']] as const) levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(', ')}]`);
    expectRefused(await runWith(`${levels.join('\n')}\nanswers:\n  rc: { note: done }\n`), /answers\.yaml:\d+:\d+: cannot be read as YAML data .*alias/);
  });
});

/** The fixture runbook, loaded from its copy in `dir`. */
function bundleRunbookOf(dir: string) {
  writeRunbook(dir);
  return bundleRunbook(dir);
}
