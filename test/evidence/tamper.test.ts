// Tampering with a finished, real evidence bundle must be caught by
// `cutover verify` (exit 1, naming the file) — including a GO forged with a
// correctly recomputed hash chain and matching digests, which only the GO-lock
// replay can catch. The standard `sha256sum -c` must agree on digests.
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { chainHash } from '../../src/evidence/canonical.js';
import { readJournal } from '../../src/evidence/journal.js';
import type { JournalEvent } from '../../src/engine/events.js';
import { cli } from '../helpers/cli.js';
import { cliInProcess } from '../helpers/cli-in-process.js';
import { eventsOf, LABEL, readEvents, runPlain, stepOf, tempDir, type PlainRun } from '../fixtures/engine/scenario.js';
import { flipByte, forgeGo } from './forge.js';

let golden: PlainRun;

beforeAll(async () => {
  golden = await runPlain({ dir: tempDir('file') });
  expect(golden.result.code, golden.result.stdout + golden.result.stderr).toBe(0);
});

/** A private copy of the finished GO bundle to damage. */
function copyOfGolden(): string {
  const dir = join(tempDir(), 'bundle');
  cpSync(golden.bundle, dir, { recursive: true });
  return dir;
}

function sumsListing(bundle: string): string[] {
  return readFileSync(join(bundle, 'SHA256SUMS'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => l.slice(66));
}

/** Runs `fn` over `items`, four at a time. */
async function inBatches<T, R>(items: T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += 4) out.push(...(await Promise.all(items.slice(i, i + 4).map(fn))));
  return out;
}

function changeFirstDigit(file: string): void {
  const text = readFileSync(file, 'utf8');
  writeFileSync(file, `${text[0] === '0' ? '1' : '0'}${text.slice(1)}`);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function sha256sumCheck(bundle: string): { code: number | null; out: string } {
  const r = spawnSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: bundle, encoding: 'utf8' });
  return { code: r.status, out: r.stdout + r.stderr };
}

describe('verify catches tampering', () => {
  it('reports one flipped byte in every file of the bundle, naming the file', async () => {
    const listed = sumsListing(golden.bundle);
    // Everything evidence of the run is covered, not just a few files.
    expect(listed).toEqual(
      expect.arrayContaining(['journal.ndjson', 'runbook.yaml', 'manifest.json', 'decision-record.md', 'notices/notice.md', 'steps/producer-suite/attempt-1/stdout.log', 'steps/producer-suite/attempt-1/stderr.log', 'steps/producer-suite/attempt-1/combined.log', 'steps/consumer-suite/attempt-1/stderr.log', 'steps/optional-lint/attempt-1/combined.log']),
    );
    // The real CLI once; the damaged copies are verified in-process.
    const untouched = await cli(['verify', copyOfGolden()]);
    expect(untouched.code, untouched.stdout).toBe(0);

    const results = await inBatches(
      [...listed, 'SHA256SUMS'],
      async (file) => {
        const bundle = copyOfGolden();
        // In SHA256SUMS, change a hex digit of the first digest (still hex); elsewhere flip the middle byte.
        if (file === 'SHA256SUMS') changeFirstDigit(join(bundle, file));
        else flipByte(join(bundle, file));
        return { file, bundle, verified: await cliInProcess(['verify', bundle]) };
      },
    );
    for (const { file, bundle, verified } of results) {
      expect(verified.code, `${file}: ${verified.stdout}${verified.stderr}`).toBe(1);
      expect(verified.stdout).toContain('problem(s) found — this bundle cannot be trusted as it is');
      if (file === 'SHA256SUMS') expect(verified.stdout).toMatch(new RegExp(`${escape(`${bundle}/${listed[0]}`)}: sha256 [0-9a-f]{64} does not match SHA256SUMS`));
      else expect(verified.stdout, file).toContain(`${bundle}/${file}: `);
    }
  }, 120_000);

  it('reports a malformed SHA256SUMS line', async () => {
    const bundle = copyOfGolden();
    const path = join(bundle, 'SHA256SUMS');
    writeFileSync(path, readFileSync(path, 'utf8').replace(/^([0-9a-f]{64}) {2}/, '$1\t'));
    const verified = await cliInProcess(['verify', bundle]);
    expect(verified.code).toBe(1);
    expect(verified.stdout).toContain(`${bundle}/SHA256SUMS: line 1 is not "<sha256>  <file>"`);
  });

  it('reports a deleted journal line by its seq', async () => {
    const bundle = copyOfGolden();
    const path = join(bundle, 'journal.ndjson');
    const lines = readFileSync(path, 'utf8').split('\n').filter(Boolean);
    const k = Math.floor(lines.length / 2); // 0-based index of the removed line, seq k + 1
    lines.splice(k, 1);
    writeFileSync(path, `${lines.join('\n')}\n`);
    const verified = await cliInProcess(['verify', bundle]);
    expect(verified.code).toBe(1);
    expect(verified.stdout).toContain(`${bundle}/journal.ndjson: line ${k + 1}: seq is ${k + 2}, expected ${k + 1} (an event was removed or reordered)`);
    expect(verified.stdout).toContain(`${bundle}/journal.ndjson: line ${k + 1}: prev does not match the hash of the previous event`);
  });

  it('catches a modified event whose own hash was recomputed but not the rest of the chain', async () => {
    const bundle = copyOfGolden();
    const path = join(bundle, 'journal.ndjson');
    const events = readEvents(bundle);
    const i = events.findIndex((e) => e.type === 'signoff.recorded' && e.role === 'ca');
    expect(i).toBeGreaterThan(0);
    const { hash: _old, ...rest } = { ...events[i]!, name: 'Mallory Forger' } as JournalEvent;
    events[i] = { ...rest, hash: chainHash(rest.prev, rest as Record<string, unknown>) } as JournalEvent;
    writeFileSync(path, events.map((e) => `${JSON.stringify(e)}\n`).join(''));
    // The edited line is self-consistent; the break shows at the next link.
    expect(readJournal(path).problems).toEqual([`line ${i + 2}: prev does not match the hash of the previous event (the chain is broken)`]);
    const verified = await cliInProcess(['verify', bundle]);
    expect(verified.code).toBe(1);
    expect(verified.stdout).toContain(`${bundle}/journal.ndjson: line ${i + 2}: prev does not match the hash of the previous event (the chain is broken)`);
    expect(verified.stdout).toContain(`${bundle}/journal.ndjson: sha256 `);
  });

  it('catches a run.started whose mode and rehearsal flag were made to disagree, even with the chain recomputed', async () => {
    const bundle = copyOfGolden();
    const path = join(bundle, 'journal.ndjson');
    const events = readEvents(bundle);
    events[0] = { ...events[0]!, rehearsal: false } as JournalEvent;
    let prev = '0'.repeat(64);
    for (let i = 0; i < events.length; i++) {
      const { hash: _h, ...rest } = { ...events[i]!, prev } as JournalEvent;
      events[i] = { ...rest, hash: chainHash(prev, rest as Record<string, unknown>) } as JournalEvent;
      prev = events[i]!.hash;
    }
    writeFileSync(path, events.map((e) => `${JSON.stringify(e)}\n`).join(''));
    const verified = await cliInProcess(['verify', bundle]);
    expect(verified.code).toBe(1);
    expect(verified.stdout).toContain('seq 1: run.started says mode rehearsal with rehearsal=false, which contradict each other');
  });

  it('reports a file added to the bundle', async () => {
    const bundle = copyOfGolden();
    writeFileSync(join(bundle, 'steps/producer-suite/attempt-1/extra.log'), 'all green, trust me\n');
    const verified = await cliInProcess(['verify', bundle]);
    expect(verified.code).toBe(1);
    expect(verified.stdout).toContain(`${bundle}/steps/producer-suite/attempt-1/extra.log: is not listed in SHA256SUMS: it was added or renamed after the bundle was written`);
  });

  it('reports a removed SHA256SUMS', async () => {
    const bundle = copyOfGolden();
    rmSync(join(bundle, 'SHA256SUMS'));
    const verified = await cliInProcess(['verify', bundle]);
    expect(verified.code).toBe(1);
    expect(verified.stdout).toContain(`${bundle}/SHA256SUMS: is missing`);
  });

  it('reports a removed log file that the journal recorded', async () => {
    const bundle = copyOfGolden();
    rmSync(join(bundle, 'steps/consumer-suite/attempt-1/stdout.log'));
    const verified = await cliInProcess(['verify', bundle]);
    expect(verified.code).toBe(1);
    expect(verified.stdout).toContain(`${bundle}/steps/consumer-suite/attempt-1/stdout.log: is listed in SHA256SUMS but missing from the bundle`);
    expect(verified.stdout).toMatch(/steps\/consumer-suite\/attempt-1\/stdout\.log: is recorded in the journal \(seq \d+\) but missing from the bundle/);
  });
});

describe('verify replays the GO lock', () => {
  // One refused run (its producer suite fails) for both forgeries; each forges a copy of its bundle.
  let refusedRun: Promise<PlainRun> | undefined;

  it.each(['append', 'replace'] as const)('catches a hand-forged GO (%s) with a valid chain and matching digests', async (how) => {
    refusedRun ??= runPlain({ dir: tempDir('file'), edit: (rb) => (stepOf(rb, 'producer-suite').run = ['false']) });
    const refused = await refusedRun;
    expect(refused.result.code).toBe(1);
    expect(eventsOf(refused.events, 'decision.refused')).toHaveLength(1);
    const bundle = join(tempDir(), 'bundle');
    cpSync(refused.bundle, bundle, { recursive: true });
    const seq = await forgeGo(bundle, 'go-rehearsal', how);

    // The forgery is good: chain intact, every digest matches by the standard tool.
    expect(readJournal(join(bundle, 'journal.ndjson')).problems).toEqual([]);
    expect(sha256sumCheck(bundle).code).toBe(0);
    const forged = readEvents(bundle);
    expect(eventsOf(forged, 'decision.recorded').map((d) => d.go)).toEqual([true]);
    expect(eventsOf(forged, 'decision.refused')).toHaveLength(how === 'append' ? 1 : 0);

    const verified = await cliInProcess(['verify', bundle, '--json']);
    expect(verified.code).toBe(1);
    const report = JSON.parse(verified.stdout) as { ok: boolean; outcome: string; problems: { file: string; message: string }[] };
    expect(report.ok).toBe(false);
    // The replay is the only thing that can tell, and it says why.
    expect(report.problems).toEqual([
      {
        file: 'journal.ndjson',
        message: `seq ${seq}: the decision "${LABEL.rehearsal}" would not have been allowed by the GO lock: required step "Producer suite" (producer-suite) failed on attempt 1: exit code 1, expected 0`,
      },
    ]);
    const text = await cliInProcess(['verify', bundle]);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('would not have been allowed by the GO lock');
  });
});

describe('sha256sum -c SHA256SUMS (the standard tool)', () => {
  it('passes on an untouched bundle and fails on a tampered one', () => {
    const bundle = copyOfGolden();
    const clean = sha256sumCheck(bundle);
    expect(clean.code, clean.out).toBe(0);
    expect(clean.out).toContain('journal.ndjson: OK');
    expect(clean.out.trim().split('\n')).toHaveLength(sumsListing(bundle).length);

    appendFileSync(join(bundle, 'notices/notice.md'), '\nP.S. everything is fine\n');
    const tampered = sha256sumCheck(bundle);
    expect(tampered.code).toBe(1);
    expect(tampered.out).toContain('notices/notice.md: FAILED');
  });
});
