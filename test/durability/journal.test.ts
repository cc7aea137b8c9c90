// C7 and M5: a journal line that is JSON but not an event, an event naming
// a reserved key as its step, an event the fold cannot take — each is a
// problem `cutover verify` reports (exit 1), never an internal error; and an
// append cut short by the OS (here a real file size limit, `ulimit -f`,
// which makes write() stop part-way and then fail with EFBIG) leaves the
// journal at its last complete event and refuses further appends.
import { cpSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { chainHash, GENESIS } from '../../src/evidence/canonical.js';
import { Journal, JournalCorruptError, readJournal } from '../../src/evidence/journal.js';
import { verifyBundle } from '../../src/evidence/verify.js';
import { logSteps } from './fixtures.js';
import { cutoverArgv, run, scriptArgv, sh, shell, STACK, tempDir } from './helpers.js';

let pristine: string;

beforeAll(async () => {
  const dir = tempDir('cutover-journal-base-', 'file');
  const fx = logSteps(dir);
  const evidence = join(dir, 'evidence');
  const r = await run(cutoverArgv(['run', fx.runbook, '--plain', '--answers', fx.answers, '--evidence-dir', evidence, '--operator', 'Olga Operator']), { cwd: dir });
  expect(r.code, r.stdout + r.stderr).toBe(0);
  pristine = join(evidence, readdirSync(evidence)[0]!);
});

/** A fresh copy of the closed bundle. */
function bundleCopy(): string {
  const copy = join(tempDir(), 'bundle');
  cpSync(pristine, copy, { recursive: true });
  return copy;
}

function lines(bundle: string): string[] {
  return readFileSync(join(bundle, 'journal.ndjson'), 'utf8').split('\n').filter(Boolean);
}

function writeLines(bundle: string, ls: string[]): void {
  writeFileSync(join(bundle, 'journal.ndjson'), ls.map((l) => `${l}\n`).join(''));
}

/** Re-chains events exactly as the Journal does, so only the content is wrong. */
function rechain(events: Record<string, unknown>[]): string[] {
  let prev = GENESIS;
  return events.map((ev, i) => {
    const withMeta: Record<string, unknown> = { ...ev, seq: i + 1, prev };
    delete withMeta.hash;
    const hash = chainHash(prev, withMeta);
    prev = hash;
    return JSON.stringify({ ...withMeta, hash });
  });
}

async function verifyCli(bundle: string): Promise<{ code: number | null; out: string }> {
  const r = await run(cutoverArgv(['verify', bundle]));
  expect(r.stderr).not.toMatch(STACK);
  expect(r.stdout + r.stderr).not.toContain('internal error');
  return { code: r.code, out: r.stdout };
}

describe('a journal line that is valid JSON but not an event', () => {
  it.each(['null', '[]', '"x"', '5', 'true'])('%s → "line N: not an event", verify exits 1', async (json) => {
    const bundle = bundleCopy();
    const ls = lines(bundle);
    ls.splice(2, 0, json);
    writeLines(bundle, ls);
    const r = await verifyCli(bundle);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`${bundle}/journal.ndjson: line 3: not an event`);
  });

  it('Journal.open (resume) refuses it as corrupt with the same words', () => {
    const bundle = bundleCopy();
    const ls = lines(bundle);
    ls.push('null');
    writeLines(bundle, ls);
    let error: unknown;
    try {
      Journal.open(join(bundle, 'journal.ndjson'));
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(JournalCorruptError);
    expect((error as JournalCorruptError).problems).toEqual([`line ${ls.length}: not an event (a JSON null, not an object)`]);
  });
});

describe('reserved names as step or type', () => {
  it.each([
    ['step', '__proto__'],
    ['type', '__proto__'],
    ['type', 'constructor'],
    ['type', 'prototype'],
  ])('%s "%s" is "line N: invalid event" and never reaches Object.prototype', async (field, name) => {
    const bundle = bundleCopy();
    const events = lines(bundle).map((l) => JSON.parse(l) as Record<string, unknown>);
    // A well-chained confirm of a reserved step, inserted before the decision.
    const forged = { at: events[1]!.at, type: 'step.confirmed', step: 'rc', by: 'Mallory', statement: 'x', [field]: name };
    events.splice(2, 0, forged);
    writeLines(bundle, rechain(events));

    const read = readJournal(join(bundle, 'journal.ndjson'));
    expect(read.problems).toContain(`line 3: invalid event (its ${field} "${name}" is a reserved name)`);
    expect(read.events.some((e) => (e as unknown as Record<string, unknown>)[field] === name)).toBe(false);

    const report = await verifyBundle(bundle);
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => p.message)).toContain(`line 3: invalid event (its ${field} "${name}" is a reserved name)`);
    expectNoPollution();

    const r = await verifyCli(bundle);
    expect(r.code).toBe(1);
    expect(r.out).toContain('line 3: invalid event');
  });

  it.each(['constructor', 'prototype', 'nosuchstep'])('step "%s", not a step of the runbook, is reported by verify and kept out of the fold', async (name) => {
    const bundle = bundleCopy();
    const events = lines(bundle).map((l) => JSON.parse(l) as Record<string, unknown>);
    events.splice(2, 0, { at: events[1]!.at, type: 'step.confirmed', step: name, by: 'Mallory', statement: 'x' });
    writeLines(bundle, rechain(events));
    const report = await verifyBundle(bundle);
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => p.message)).toContain(`seq 3: the step.confirmed event names step "${name}", which is not a step of the runbook`);
    expectNoPollution();
    const r = await verifyCli(bundle);
    expect(r.code).toBe(1);
  });

  it('a runbook that really has a step "constructor" runs and verifies', async () => {
    const dir = tempDir();
    const fx = logSteps(dir);
    writeFileSync(fx.runbook, readFileSync(fx.runbook, 'utf8').replace('{ id: rc,', '{ id: constructor,'));
    writeFileSync(fx.answers, readFileSync(fx.answers, 'utf8').replace('  rc: true', '  constructor: true'));
    const evidence = join(dir, 'evidence');
    const r = await run(cutoverArgv(['run', fx.runbook, '--plain', '--answers', fx.answers, '--evidence-dir', evidence, '--operator', 'Olga Operator']), { cwd: dir });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const v = await verifyCli(join(evidence, readdirSync(evidence)[0]!));
    expect(v.code, v.out).toBe(0);
  });
});

/** Nothing was written through a reserved name onto Object.prototype or Object. */
function expectNoPollution(): void {
  const probe = {} as Record<string, unknown>;
  for (const key of ['status', 'completedSeq', 'completedAt', 'attempts', 'note']) {
    expect(probe[key]).toBeUndefined();
    expect((Object as unknown as Record<string, unknown>)[key]).toBeUndefined();
  }
}

describe('an event the fold cannot take', () => {
  it('a well-chained notice.sent without its text is reported with its seq; verify exits 1, report exits 2', async () => {
    const bundle = bundleCopy();
    const events = lines(bundle).map((l) => JSON.parse(l) as Record<string, unknown>);
    events.splice(2, 0, { at: events[1]!.at, type: 'notice.sent', step: 'rc', by: 'Mallory', sent_at: events[1]!.at, text: null });
    writeLines(bundle, rechain(events));

    const report = await verifyBundle(bundle);
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => `${p.file}: ${p.message}`)).toContainEqual(expect.stringMatching(/^journal\.ndjson: seq 3: the notice\.sent event cannot be replayed \(.+\): it is malformed$/));

    const r = await verifyCli(bundle);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/journal\.ndjson: seq 3: the notice\.sent event cannot be replayed/);

    const rep = await run(cutoverArgv(['report', bundle]));
    expect(rep.code).toBe(2);
    expect(rep.stderr).toContain('the journal cannot be replayed');
    expect(rep.stderr).not.toContain('internal error');
  });

  it('a run.started without a runbook digest is a problem, not a crash', async () => {
    const bundle = bundleCopy();
    const events = lines(bundle).map((l) => JSON.parse(l) as Record<string, unknown>);
    delete events[0]!.runbook;
    writeLines(bundle, rechain(events));
    const r = await verifyCli(bundle);
    expect(r.code).toBe(1);
    expect(r.out).toContain('seq 1: the run.started event does not record the runbook digest');
  });
});

describe('an append the OS cuts short', () => {
  const SCRIPT = `
import { statSync } from 'node:fs';
import { Journal, JournalWriteError } from '@SRC@/evidence/journal.ts';
const path = process.argv[2]!;
const journal = Journal.create(path);
const sizes: number[] = [];
let first: unknown;
try {
  for (let i = 0; i < 1000; i++) {
    journal.append({ type: 'run.paused', reason: 'r'.repeat(700 + (i % 7)) });
    sizes.push(statSync(path).size);
  }
} catch (error) {
  first = error;
}
const sizeAfterFailure = statSync(path).size;
let second: unknown;
try {
  journal.append({ type: 'run.paused', reason: 'after the failure' });
} catch (error) {
  second = error;
}
const describe = (e: unknown) => ({ isJournalWriteError: e instanceof JournalWriteError, name: (e as Error)?.name, file: (e as JournalWriteError)?.file, code: (e as JournalWriteError)?.code, message: (e as Error)?.message });
console.log(JSON.stringify({ appended: sizes.length, lastGoodSize: sizes[sizes.length - 1] ?? 0, sizeAfterFailure, seq: journal.seq, failed: journal.failed !== undefined, first: describe(first), second: describe(second), same: first === second }));
`;

  it('cuts the file back to the last complete event, poisons the journal, and the journal reopens intact', async () => {
    const dir = tempDir();
    const path = join(dir, 'journal.ndjson');
    // 16 KiB in bash's 1024-byte blocks: some 20 events fit, the next one is written half and then fails.
    const argv = scriptArgv(dir, 'append', SCRIPT);
    const r = await shell(`ulimit -f 16 && exec ${[...argv, path].map(sh).join(' ')}`, { cwd: dir, env: { TSX_DISABLE_CACHE: '1' } });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as {
      appended: number;
      lastGoodSize: number;
      sizeAfterFailure: number;
      seq: number;
      failed: boolean;
      first: { isJournalWriteError: boolean; name: string; file: string; code: string; message: string };
      second: { isJournalWriteError: boolean; file: string; code: string };
      same: boolean;
    };
    expect(out.appended).toBeGreaterThan(5);
    expect(out.first).toMatchObject({ isJournalWriteError: true, name: 'JournalWriteError', file: path, code: 'EFBIG' });
    expect(out.first.message).toContain(path);
    expect(out.sizeAfterFailure).toBe(out.lastGoodSize); // the half-written line is gone
    expect(out.seq).toBe(out.appended);
    expect(out.failed).toBe(true);
    expect(out.second).toMatchObject({ isJournalWriteError: true, file: path, code: 'EFBIG' });
    expect(out.same).toBe(true);

    // On disk: only complete, chained events; no torn tail to repair.
    expect(statSync(path).size).toBe(out.lastGoodSize);
    const read = readJournal(path);
    expect(read.problems).toEqual([]);
    expect(read.validBytes).toBe(read.totalBytes);
    expect(read.events).toHaveLength(out.appended);

    // Without the limit the run continues where it stopped.
    const journal = Journal.open(path);
    expect(journal.repairedTailBytes).toBe(0);
    journal.append({ type: 'run.paused', reason: 'resumed' });
    journal.close();
    expect(readJournal(path).events).toHaveLength(out.appended + 1);
  });
});
