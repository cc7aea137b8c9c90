// Issue 10, classes 1 and 7: every path cutover writes under a bundle stays
// inside it, and no file name breaks the bundle. A real plain run whose
// artifact-digest step copies artifacts with hostile but legal names —
// backslashes and ".." in one name, ".tmp-" names — is paused and resumed;
// nothing outside the bundle is touched, every copy is in SHA256SUMS (GNU's
// escaped form where needed), resume deletes none of them, and both
// `cutover verify` and `sha256sum -c` accept the bundle. `report --out` and
// `check --copy-to` never write into a bundle.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { attemptDir, noticeFile } from '../../src/evidence/bundle.js';
import { writeFileDurable } from '../../src/shared/durable.js';
import { UnsafePathError } from '../../src/shared/inside.js';
import { cliInProcess } from '../helpers/cli-in-process.js';
import { defaultAnswers, tempDir, writeRunbook, type RunbookDoc } from '../fixtures/engine/scenario.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** One legal Linux file name; split on backslashes it would climb from the copy's directory to the evidence directory. */
const CLIMBER = `${'..\\'.repeat(6)}victim.txt`;
const TMP_NAMES = ['release.tmp-123', 'notes.tmp-build.txt'];
const ARTIFACTS: Record<string, string> = { [CLIMBER]: 'attacker bytes', [TMP_NAMES[0]!]: 'a release archive', [TMP_NAMES[1]!]: 'build notes' };

let dir: string;
let bundle: string;
let paused: Awaited<ReturnType<typeof cliInProcess>>;
let resumed: Awaited<ReturnType<typeof cliInProcess>>;

function writeAnswers(name: string, edit?: (a: Record<string, unknown>) => void): string {
  const answers = defaultAnswers();
  edit?.(answers);
  const file = join(dir, name);
  writeFileSync(file, stringify({ answers }));
  return file;
}

beforeAll(async () => {
  dir = tempDir('file');
  const producer = join(dir, 'producer');
  mkdirSync(producer);
  for (const [name, text] of Object.entries(ARTIFACTS)) writeFileSync(join(producer, name), text);
  const evidence = join(dir, 'evidence');
  mkdirSync(evidence);
  writeFileSync(join(evidence, 'victim.txt'), 'precious');
  const runbook = writeRunbook(dir, (rb: RunbookDoc) => {
    rb.sections[1]!.steps.unshift({
      id: 'digest',
      kind: 'check',
      title: 'Artifacts match their pins',
      check: 'artifact-digest',
      with: { root: producer, artifacts: Object.entries(ARTIFACTS).map(([path, text]) => ({ path, sha256: sha256(text) })) },
    });
  });
  // No decision in the first answers: the run pauses after the check, then resume finishes it.
  paused = await cliInProcess(['run', runbook, '--plain', '--answers', writeAnswers('first.yaml', (a) => delete a.decide), '--evidence-dir', evidence, '--operator', 'Olga Operator', '--mode', 'rehearsal']);
  bundle = join(evidence, readdirSync(evidence).find((n) => n !== 'victim.txt')!);
  resumed = await cliInProcess(['resume', bundle, '--plain', '--answers', writeAnswers('all.yaml'), '--operator', 'Olga Operator']);
}, 120_000);

function copyOf(name: string): string {
  return join(bundle, 'steps/digest/attempt-1/artifacts/verified', name);
}

describe('artifact copies with hostile names, through a pause and a resume', () => {
  it('the run pauses for the decision and the resume finishes it', () => {
    expect(paused.code, paused.stdout + paused.stderr).toBe(3);
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
  });

  it('a name with backslashes and ".." is copied under that one name, and the file outside the bundle is untouched', () => {
    expect(readFileSync(join(dir, 'evidence/victim.txt'), 'utf8')).toBe('precious');
    expect(readFileSync(copyOf(CLIMBER), 'utf8')).toBe('attacker bytes');
  });

  it('resume deletes no artifact whose name looks like a temp file', () => {
    for (const name of TMP_NAMES) expect(readFileSync(copyOf(name), 'utf8')).toBe(ARTIFACTS[name]);
  });

  it('SHA256SUMS lists every copy, the backslash name in GNU escaped form', () => {
    const sums = readFileSync(join(bundle, 'SHA256SUMS'), 'utf8').split('\n');
    for (const name of TMP_NAMES) expect(sums).toContain(`${sha256(ARTIFACTS[name]!)}  steps/digest/attempt-1/artifacts/verified/${name}`);
    expect(sums).toContain(`\\${sha256('attacker bytes')}  steps/digest/attempt-1/artifacts/verified/${CLIMBER.replaceAll('\\', '\\\\')}`);
    // Temp files live in .tmp/, which is empty and never summed.
    expect(readdirSync(join(bundle, '.tmp'))).toEqual([]);
    expect(sums.some((l) => l.includes(' .tmp/'))).toBe(false);
  });

  it('sha256sum -c and cutover verify both accept the bundle', async () => {
    const gnu = spawnSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: bundle, encoding: 'utf8' });
    expect(gnu.status, gnu.stdout + gnu.stderr).toBe(0);
    expect(gnu.stdout).toContain('victim.txt: OK');
    const verified = await cliInProcess(['verify', bundle]);
    expect(verified.code, verified.stdout).toBe(0);
  });
});

describe('writes that must never land in a bundle', () => {
  it('report --out refuses every bundle file, a new file in the bundle, a link into it and a hard link to its journal', async () => {
    const journal = readFileSync(join(bundle, 'journal.ndjson'));
    const link = join(dir, 'link-to-journal');
    symlinkSync(join(bundle, 'journal.ndjson'), link);
    const hard = join(dir, 'hard-journal');
    linkSync(join(bundle, 'journal.ndjson'), hard);
    const dangling = join(dir, 'dangling');
    symlinkSync(join(bundle, 'new-file.md'), dangling);
    for (const out of [join(bundle, 'journal.ndjson'), join(bundle, 'SHA256SUMS'), join(bundle, 'steps/digest/new.md'), join(bundle, 'record.md'), link, hard, dangling]) {
      const r = await cliInProcess(['report', bundle, '--out', out]);
      expect(r.code, `${out}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(/report --out .*: .* (evidence bundle|bundle's journal\.ndjson \(a hard link to it\))/);
      expect(r.stderr).toMatch(/write it (outside the bundle|to a new file outside the bundle)/);
      expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    }
    expect(readFileSync(join(bundle, 'journal.ndjson'))).toEqual(journal);
    expect(existsSync(join(bundle, 'record.md'))).toBe(false);
    expect(existsSync(join(bundle, 'new-file.md'))).toBe(false);
    const verified = await cliInProcess(['verify', bundle]);
    expect(verified.code, verified.stdout).toBe(0);
    // Outside the bundle it writes as before.
    const ok = await cliInProcess(['report', bundle, '--out', join(dir, 'record.md')]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(readFileSync(join(dir, 'record.md'), 'utf8')).toContain('GO');
  });

  it('check artifact-digest --copy-to refuses a directory inside a bundle', async () => {
    const r = await cliInProcess(['check', 'artifact-digest', '--root', join(dir, 'producer'), '--artifact', `${TMP_NAMES[0]}=${sha256(ARTIFACTS[TMP_NAMES[0]!]!)}`, '--copy-to', join(bundle, 'steps/extra')]);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stderr).toMatch(/--copy-to .*steps\/extra.* is inside the evidence bundle/);
    expect(existsSync(join(bundle, 'steps/extra'))).toBe(false);
  });
});

describe('the one function every bundle path goes through', () => {
  it('attempt directories, notices and durable writes refuse a symbolic link on the way, and write nothing through it', () => {
    const root = tempDir();
    const bundle = join(root, 'bundle');
    const outside = join(root, 'outside');
    mkdirSync(bundle);
    mkdirSync(outside);
    symlinkSync(outside, join(bundle, 'steps'));
    symlinkSync(outside, join(bundle, 'notices'));
    expect(() => attemptDir(bundle, 'build', 1)).toThrow(UnsafePathError);
    expect(() => attemptDir(bundle, 'build', 1)).toThrow(/the attempt directory: .*\/bundle\/steps is a symbolic link; cutover never writes through a link/);
    expect(() => noticeFile(bundle, 'announce')).toThrow(/the notice text: .*\/bundle\/notices is a symbolic link/);
    expect(() => writeFileDurable(join(bundle, 'notices/announce.md'), 'text', bundle)).toThrow(/notices is a symbolic link/);
    expect(() => writeFileDurable(join(bundle, '../outside/x.md'), 'text', bundle)).toThrow(/is outside .*bundle/);
    expect(readdirSync(outside)).toEqual([]);
  });

  it('a step id that is not one file name is refused, not joined', () => {
    const bundle = tempDir();
    for (const id of ['..', 'a/../../x', 'a\nb']) expect(() => attemptDir(bundle, id, 1)).toThrow(UnsafePathError);
    expect(attemptDir(bundle, 'build', 2)).toBe(join(bundle, 'steps/build/attempt-2'));
  });
});
