// M10: a file-system error on a path the user gave is the user's to fix —
// one paragraph naming the path, a hint, exit 2 — not "internal error …
// bug". A failure to write the evidence of a run is exit 3 (resumable); that
// case is covered with a real file size limit in capture.test.ts.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT, exitCodeOf, formatError, InputError } from '../../src/cli/errors.js';
import { JournalWriteError, readJournal } from '../../src/evidence/journal.js';
import { EvidenceWriteError } from '../../src/runner/index.js';
import { logSteps } from './fixtures.js';
import { cutoverArgv, run, STACK, tempDir } from './helpers.js';

function userError(r: { code: number | null; stderr: string }): void {
  expect(r.stderr).not.toMatch(STACK);
  expect(r.stderr).not.toContain('internal error');
  expect(r.stderr).toContain('hint:');
}

describe('file-system errors on user-given paths', () => {
  it('report --out /nonexistent/x.md: exit 2, names the path', async () => {
    const dir = tempDir();
    const fx = logSteps(dir);
    const evidence = join(dir, 'evidence');
    const ran = await run(cutoverArgv(['run', fx.runbook, '--plain', '--answers', fx.answers, '--evidence-dir', evidence, '--operator', 'Olga Operator']), { cwd: dir });
    expect(ran.code, ran.stderr).toBe(0);
    const bundle = join(evidence, readdirSync(evidence)[0]!);
    const r = await run(cutoverArgv(['report', bundle, '--out', '/nonexistent/x.md']));
    expect(r.code).toBe(2);
    userError(r);
    expect(r.stderr).toContain('cannot write /nonexistent/x.md: no such file or directory');
    // a directory as --out
    const d = await run(cutoverArgv(['report', bundle, '--out', dir]));
    expect(d.code).toBe(2);
    userError(d);
    expect(d.stderr).toContain(`cannot write ${dir}: is a directory`);
  });

  it('run --evidence-dir below a file: exit 2, names the path', async () => {
    const dir = tempDir();
    const fx = logSteps(dir);
    const file = join(dir, 'not-a-dir');
    writeFileSync(file, '');
    const r = await run(cutoverArgv(['run', fx.runbook, '--plain', '--evidence-dir', join(file, 'evidence')]), { cwd: dir });
    expect(r.code).toBe(2);
    userError(r);
    expect(r.stderr).toMatch(new RegExp(`cannot \\w+ ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*: a part of the path is not a directory`));
  });

  it('verify of a directory whose journal.ndjson is a directory: exit 2, not a bundle', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'journal.ndjson'));
    const r = await run(cutoverArgv(['verify', dir]));
    expect(r.code).toBe(2);
    userError(r);
    expect(r.stderr).toContain(`${dir}: not an evidence bundle`);
  });

  it('a read error without a path (EISDIR from read()) is named by readJournal', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'journal.ndjson'));
    let error: unknown;
    try {
      readJournal(join(dir, 'journal.ndjson'));
    } catch (err) {
      error = err;
    }
    expect(formatError(error)).toBe(`cutover: cannot read ${join(dir, 'journal.ndjson')}: is a directory\n  hint: give the path of a file, not of a directory`);
    expect(exitCodeOf(error)).toBe(EXIT.usage);
  });
});

describe('formatError / exitCodeOf', () => {
  it('evidence write failures are resumable (exit 3) and say how to resume', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'journal.ndjson'), '');
    const journal = new JournalWriteError(join(dir, 'journal.ndjson'), 'ENOSPC', 'cannot write the journal');
    expect(exitCodeOf(journal)).toBe(EXIT.paused);
    expect(formatError(journal)).toBe(
      `cutover: cannot write ${join(dir, 'journal.ndjson')}: no space left on the device\n  hint: the run stopped and is resumable (every acknowledged event is in its journal): free space on that file system, then \`cutover resume ${dir}\``,
    );
    const log = join(dir, 'steps/build/attempt-2/stdout.log');
    const evidence = new EvidenceWriteError(log, 'EIO', 'cannot write');
    expect(exitCodeOf(evidence)).toBe(EXIT.paused);
    expect(formatError(evidence)).toContain(`cannot write ${log}: input/output error`);
    expect(formatError(evidence)).toContain(`\`cutover resume ${dir}\``);
  });

  it('an evidence write failure outside any bundle (nothing to resume) is a plain exit 2', () => {
    const dir = tempDir();
    const error = new EvidenceWriteError(join(dir, 'runbook.yaml'), 'ENOSPC', 'cannot write');
    expect(exitCodeOf(error)).toBe(EXIT.usage);
    expect(formatError(error)).toBe(`cutover: cannot write ${join(dir, 'runbook.yaml')}: no space left on the device\n  hint: free space on that file system, or choose another location`);
  });

  it('an InputError keeps its code; a plain bug stays an internal error', () => {
    expect(exitCodeOf(new InputError('x'))).toBe(EXIT.usage);
    expect(formatError(new TypeError('x is undefined'))).toContain('internal error');
  });
});
