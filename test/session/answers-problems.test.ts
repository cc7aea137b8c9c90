// An answers file with several mistakes gets every one of them reported at
// once, each as file:line:col with its fix; unknown keys are refused with
// "did you mean"; the sign-off rules (different people, not the operator)
// are checked before the run starts. `cutover run` on the mini fixture (the
// command in-process, test/helpers/cli-in-process.ts): exit 2, no stack
// trace, and no bundle left behind.
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO } from '../helpers/cli.js';
import { cliInProcess } from '../helpers/cli-in-process.js';

const tmp = mkdtempSync(join(tmpdir(), 'cutover-answers-problems-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const STACK = /\n\s+at .+:\d+:\d+/;
const dir = join(tmp, 'mini');
cpSync(join(REPO, 'test', 'fixtures', 'mini'), dir, { recursive: true });

async function runWith(answers: string, operator = 'Cap') {
  const file = join(dir, `answers-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, answers);
  const evidence = join(tmp, `ev-${Math.random().toString(36).slice(2)}`);
  const r = await cliInProcess(['run', 'runbook.yaml', '--plain', '--answers', file, '--evidence-dir', evidence, '--operator', operator], { cwd: dir });
  return { ...r, file, evidence };
}

describe('answers file problems', () => {
  it('reports every problem at once, each with its position and fix, and unknown keys with "did you mean"', async () => {
    const r = await runWith(
      [
        'answers:',
        '  rc: { nots: frozen }',
        '  meetin: { channel: "#bridge" }',
        '  notice: true',
        '  decide: { option: maybe }',
        'trigers: []',
        '',
      ].join('\n'),
    );
    expect(r.code, r.stdout).toBe(2);
    expect(r.stderr).toContain(`${r.file}: 4 problems in the answers file:`);
    expect(r.stderr).toContain(`${r.file}:2:9: the answer to "rc" (a confirm step) has unknown key(s) "nots"`);
    expect(r.stderr).toContain('fix: did you mean "note"? its keys are: note, link, skip');
    expect(r.stderr).toContain(`${r.file}:3:3: "meetin" is not a step of runbook mini`);
    expect(r.stderr).toContain('fix: did you mean "meeting"?');
    expect(r.stderr).toMatch(new RegExp(`${r.file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:5:\\d+: option "maybe" is not an option of "decide"`));
    expect(r.stderr).toContain(`${r.file}:6:1: unknown key "trigers" at the top of the answers file`);
    expect(r.stderr).toContain('fix: did you mean "triggers"?');
    expect(r.stderr).not.toMatch(STACK);
    expect(existsSync(r.evidence)).toBe(false);
  });

  it('refuses an operator signing, and one person in two roles, before the run starts', async () => {
    const r = await runWith(['answers:', '  sign: { pa: Cap, ca: cap }', ''].join('\n'));
    expect(r.code, r.stdout).toBe(2);
    expect(r.stderr).toContain(`${r.file}: 3 problems in the answers file:`);
    expect(r.stderr).toContain(`${r.file}:2:9: Cap would sign "sign" as pa, but is the operator of this run (Cap)`);
    expect(r.stderr).toContain(`${r.file}:2:9: cap would sign "sign" as ca, but is the operator of this run (Cap)`);
    expect(r.stderr).toContain(`${r.file}:2:9: Cap would sign "sign" as both pa and ca; each role needs a different person`);
    expect(r.stderr).not.toMatch(STACK);
    expect(existsSync(r.evidence)).toBe(false);
  });

  it('one problem is printed as one paragraph, as before', async () => {
    const r = await runWith(['answers:', '  sign: { pa: Priya Producer, ca: Priya  Producer }', ''].join('\n'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^cutover: .*answers-\w+\.yaml:2:9: Priya Producer would sign "sign" as both pa and ca; each role needs a different person\n {2}hint: name a different person for ca\n$/);
  });
});
