// Issue 10 (14): `cutover resume --retry STEP` of a step that cannot run
// again is refused before anything is written — no run.resumed, no
// step.interrupted, no repaired journal tail, no lock left behind: the
// bundle is byte for byte what it was. Real runs of the mini fixture.
import { appendFileSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../helpers/cli.js';
import { cliInProcess } from '../helpers/cli-in-process.js';
import { snapshot } from '../helpers/snapshot.js';

const tmp = mkdtempSync(join(tmpdir(), 'cutover-resume-retry-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const STACK = /\n\s+at .+:\d+:\d+/;


let dir = '';
let bundle = '';

beforeAll(async () => {
  // hello fails until ./fixed exists; shelly requires hello; the decision is left unanswered.
  dir = join(tmp, 'run');
  cpSync(join(REPO, 'test', 'fixtures', 'mini'), dir, { recursive: true });
  writeFileSync(
    join(dir, 'runbook.yaml'),
    readFileSync(join(dir, 'runbook.yaml'), 'utf8')
      .replace('run: "echo hello ${run.operator}"', 'run: [sh, -c, "test -f fixed && echo fixed"]')
      .replace('{ id: shelly, kind: command, title: Shell,', '{ id: shelly, kind: command, title: Shell, requires: [hello],'),
  );
  writeFileSync(join(dir, 'partial.yaml'), readFileSync(join(dir, 'answers.yaml'), 'utf8').replace(/^ {2}decide:.*$/m, ''));
  const first = await cliInProcess(['run', 'runbook.yaml', '--plain', '--answers', 'partial.yaml', '--evidence-dir', 'ev', '--operator', 'Cap'], { cwd: dir });
  expect(first.code, first.stdout + first.stderr).toBe(3);
  bundle = join(dir, 'ev', readdirSync(join(dir, 'ev'))[0]!);
  // A torn last line, as a crash mid-append leaves it: only a real resume cuts it off.
  appendFileSync(join(bundle, 'journal.ndjson'), '{"seq":99,"type":"step.sta');
});

describe('resume --retry of a step that cannot run again', () => {
  it.each([
    [['--retry', 'nope'], '--retry nope: no step "nope" in runbook mini'],
    [['--retry', 'rc'], '--retry rc: it is a confirm step; only command and check steps run again'],
    [['--retry', 'shelly'], '--retry shelly: it requires "hello" (failed) to pass first'],
    [['--retry', 'hello', '--retry', 'decide'], '--retry decide: it is a decision step'],
  ])('resume %j is refused, names the step, and writes nothing', async (flags, message) => {
    const before = snapshot(bundle);
    const r = await cliInProcess(['resume', bundle, '--plain', '--answers', 'partial.yaml', ...flags], { cwd: dir });
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).toContain(`${bundle}: cannot resume with these retries (nothing was written)`);
    expect(r.stderr).toContain('hint: ');
    expect(r.stderr).not.toMatch(STACK);
    expect(snapshot(bundle)).toEqual(before);
  });

  it('accepts a step whose requirement is retried before it, and runs both as new attempts', async () => {
    writeFileSync(join(dir, 'fixed'), '');
    const r = await cliInProcess(['resume', bundle, '--plain', '--answers', 'partial.yaml', '--retry', 'hello', '--retry', 'shelly'], { cwd: dir });
    expect(r.code, r.stdout + r.stderr).toBe(3); // pauses again at the unanswered decision
    expect(r.stdout).toContain('▶ hello: Say hello (attempt 2)');
    expect(r.stdout).toMatch(/▶ shelly: Shell( \(attempt 1\))?\n/);
  });
});
