// A forger with write access to a finished bundle, who knows the format and
// recomputes the hash chain and SHA256SUMS with the product's own code: what
// `cutover verify` and `cutover resume` must still catch (issue 10, classes
// 2, 3, 4 and 11). Every bundle is a real plain run of the GO-lock fixture.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { JournalEvent } from '../../src/engine/events.js';
import { writeSums } from '../../src/evidence/bundle.js';
import { cliInProcess } from '../helpers/cli-in-process.js';
import { eventsOf, readEvents, runPlain, stepOf, tempDir, withSession, type PlainRun } from '../fixtures/engine/scenario.js';
import { rechain, resummarize, writeJournal } from './forge.js';

/** Events as the forger edits them (rechain recomputes seq, prev and hash). */
type Unchained = JournalEvent;

const REMEDIATION = 'fix the producer suite, re-run it, sign again';

/** A closed NO-GO: the producer suite fails, the GO is refused, NO-GO recorded. */
let noGo: PlainRun;
/** A closed GO with every step green. */
let go: PlainRun;

beforeAll(async () => {
  [noGo, go] = await Promise.all([
    runPlain({
      dir: tempDir('file'),
      edit: (rb) => {
        stepOf(rb, 'producer-suite').run = ['sh', '-c', 'echo producer suite red; echo failing >&2; exit 1'];
        stepOf(rb, 'consumer-suite').expect = { stdout_contains: ['suite green'], stderr_not_contains: ['FATAL'] };
      },
      answers: (a) => (a.decide = { option: 'go-rehearsal', otherwise: { option: 'no-go', remediation: REMEDIATION } }),
    }),
    runPlain({ dir: tempDir('file') }),
  ]);
  expect(noGo.result.code, noGo.result.stdout + noGo.result.stderr).toBe(1);
  expect(eventsOf(noGo.events, 'run.closed').map((e) => e.outcome)).toEqual(['NO-GO']);
  expect(go.result.code, go.result.stdout + go.result.stderr).toBe(0);
});

function copyOf(run: PlainRun): string {
  const dir = join(tempDir(), 'bundle');
  cpSync(run.bundle, dir, { recursive: true });
  return dir;
}

/** Rewrites the journal through `edit` with a correct chain, then every summary and SHA256SUMS. */
async function forge(bundle: string, edit: (events: Unchained[]) => Unchained[]): Promise<JournalEvent[]> {
  const events = rechain(edit(readEvents(bundle)));
  writeJournal(bundle, events);
  await resummarize(bundle);
  return events;
}

async function verifyJson(bundle: string): Promise<{ code: number | null; problems: { file: string; message: string }[] }> {
  const r = await cliInProcess(['verify', bundle, '--json']);
  return { code: r.code, problems: (JSON.parse(r.stdout) as { problems: { file: string; message: string }[] }).problems };
}

const messages = (problems: { file: string; message: string }[]) => problems.map((p) => `${p.file}: ${p.message}`).join('\n');

describe('a journal cut back to a prefix of itself (class 2)', () => {
  it('is refused by resume before anything is written, and reported by verify', async () => {
    const bundle = copyOf(noGo);
    const journal = join(bundle, 'journal.ndjson');
    const first = readFileSync(journal, 'utf8').split('\n')[0]!;
    writeFileSync(journal, `${first}\n`);
    const log = join(bundle, 'steps/producer-suite/attempt-1/stdout.log');
    const logBefore = readFileSync(log);

    const resumed = await cliInProcess(['resume', bundle, '--plain', '--answers', join(noGo.dir, 'answers.yaml')]);
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(2);
    expect(resumed.stderr).toContain('the journal does not account for evidence already in the bundle, so it cannot be resumed');
    expect(resumed.stderr).toContain('manifest.json summarizes a journal of');
    expect(resumed.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(readFileSync(journal, 'utf8')).toBe(`${first}\n`);
    expect(readFileSync(log)).toEqual(logBefore);
    expect(existsSync(join(bundle, '.lock'))).toBe(false);

    const v = await verifyJson(bundle);
    expect(v.code).toBe(1);
    expect(messages(v.problems)).toContain('manifest.json: refers to journal hash');
    expect(messages(v.problems)).toMatch(/steps\/producer-suite\/attempt-1\/stdout\.log: belongs to attempt 1 of step "producer-suite", which the journal never started/);
  });

  it('is refused even when the summaries were deleted too: the attempts on disk give it away', async () => {
    const bundle = copyOf(noGo);
    const journal = join(bundle, 'journal.ndjson');
    const lines = readFileSync(journal, 'utf8').split('\n').filter(Boolean);
    writeFileSync(journal, `${lines.slice(0, 3).join('\n')}\n`);
    for (const f of ['manifest.json', 'decision-record.md', 'SHA256SUMS']) rmSync(join(bundle, f));
    const resumed = await cliInProcess(['resume', bundle, '--plain', '--answers', join(noGo.dir, 'answers.yaml')]);
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(2);
    expect(resumed.stderr).toMatch(/steps\/consumer-suite\/attempt-1\/\w+\.log belongs to attempt 1 of step "consumer-suite", which the journal never started/);
    expect(resumed.stderr).toMatch(/… and \d+ more/);
    expect(readFileSync(journal, 'utf8').split('\n').filter(Boolean)).toHaveLength(3);
  });
});

describe('an attempt directory is never reused (class 2)', () => {
  it('refuses to start an attempt whose directory already holds evidence, and journals nothing', async () => {
    await withSession({}, async (session) => {
      const dir = join(session.bundleDir, 'steps/producer-suite/attempt-1');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'stdout.log'), 'evidence of a longer journal\n');
      const before = readEvents(session.bundleDir).length;
      await expect(session.runStep('producer-suite')).rejects.toThrow(/attempt-1 already holds evidence that the journal does not record; an attempt directory is never reused/);
      expect(readEvents(session.bundleDir)).toHaveLength(before);
      expect(readFileSync(join(dir, 'stdout.log'), 'utf8')).toBe('evidence of a longer journal\n');
    });
  });

  it('takes an empty one (what a crash between creating it and step.started leaves)', async () => {
    await withSession({}, async (session) => {
      mkdirSync(join(session.bundleDir, 'steps/producer-suite/attempt-1'), { recursive: true });
      expect(await session.runStep('producer-suite')).toEqual({ ok: true });
      expect(eventsOf(readEvents(session.bundleDir), 'step.finished')).toHaveLength(1);
    });
  });
});

describe('summaries and copies are cross-checked with the journal (class 3)', () => {
  it('finds a decision record edited to say GO, with SHA256SUMS re-hashed', async () => {
    const bundle = copyOf(noGo);
    const path = join(bundle, 'decision-record.md');
    writeFileSync(path, readFileSync(path, 'utf8').replace(/\*\*NO-GO\*\*/g, '**GO (runtime cutover)**'));
    await writeSums(bundle);
    const v = await verifyJson(bundle);
    expect(v.code).toBe(1);
    expect(v.problems).toHaveLength(1);
    expect(v.problems[0]!.file).toBe('decision-record.md');
    expect(v.problems[0]!.message).toMatch(/^differs from the decision record the journal gives \(line \d+: .*GO \(runtime cutover\).*, expected .*NO-GO.*\): it was edited$/);
  });

  it('finds an edited manifest.json, with SHA256SUMS re-hashed', async () => {
    const bundle = copyOf(go);
    const path = join(bundle, 'manifest.json');
    writeFileSync(path, readFileSync(path, 'utf8').replace('"operator": "Olga Operator"', '"operator": "Someone Else"'));
    await writeSums(bundle);
    const v = await verifyJson(bundle);
    expect(v.code).toBe(1);
    expect(messages(v.problems)).toMatch(/manifest\.json: differs from the manifest the journal gives \(line \d+: .*Someone Else.*\): it was edited/);
  });

  it('finds a file added beside a recorded log and listed in a re-hashed SHA256SUMS', async () => {
    const bundle = copyOf(go);
    writeFileSync(join(bundle, 'steps/producer-suite/attempt-1/approval.txt'), 'approved by everyone\n');
    writeFileSync(join(bundle, 'notes.md'), '# GO\n');
    await writeSums(bundle);
    const v = await verifyJson(bundle);
    expect(v.code).toBe(1);
    expect(messages(v.problems)).toContain('steps/producer-suite/attempt-1/approval.txt: is not among the files the journal recorded for attempt 1 of step "producer-suite"');
    expect(messages(v.problems)).toContain('notes.md: is not part of the bundle layout and not recorded by the journal: it was added');
  });
});

describe('verdicts are re-derived from the raw facts (class 4)', () => {
  it('finds a deleted output assertion (the list must be the runbook\'s)', async () => {
    const bundle = copyOf(noGo);
    await forge(bundle, (events) =>
      events.map((e) => (e.type === 'step.finished' && e.step === 'consumer-suite' ? ({ ...e, assertions: e.assertions!.slice(0, 1) } as Unchained) : e)),
    );
    const v = await verifyJson(bundle);
    expect(v.code).toBe(1);
    expect(messages(v.problems)).toContain('the runbook asserts stdout contains "suite green", stderr does not contain "FATAL" on its output, the journal recorded stdout contains "suite green"');
  });

  it('finds a flipped assertion by re-running it on the log', async () => {
    const flipped = copyOf(noGo);
    await forge(flipped, (events) =>
      events.map((e) => (e.type === 'step.finished' && e.step === 'consumer-suite' ? ({ ...e, assertions: e.assertions!.map((a, i) => (i === 0 ? { ...a, ok: false } : a)) } as Unchained) : e)),
    );
    const v2 = await verifyJson(flipped);
    expect(v2.code).toBe(1);
    expect(messages(v2.problems)).toMatch(/steps\/consumer-suite\/attempt-1\/stdout\.log: the journal \(seq \d+\) records "stdout contains "suite green"" as failed, but this log says it is met/);
  });

  it('finds a result the runner never writes (an exited command with a signal)', async () => {
    const bundle = copyOf(go);
    await forge(bundle, (events) => events.map((e) => (e.type === 'step.finished' && e.step === 'producer-suite' ? ({ ...e, result: { ...e.result!, signal: 'SIGKILL' } } as Unchained) : e)));
    const v = await verifyJson(bundle);
    expect(messages(v.problems)).toContain('attempt 1 of "producer-suite": an exited command must have an exit code and no signal');
  });
});

describe('replay accepts only what the session can write (class 11)', () => {
  it('finds a refusal followed by a GO once the failing exit code was flipped', async () => {
    const bundle = copyOf(noGo);
    await forge(bundle, (events) => {
      const cut = events.findIndex((e) => e.type === 'decision.recorded');
      const kept = events.slice(0, cut).filter((e) => e.type !== 'run.paused');
      const flipped = kept.map((e) => (e.type === 'step.finished' && e.step === 'producer-suite' ? ({ ...e, result: { ...e.result!, exit_code: 0 } } as Unchained) : e));
      const at = kept[kept.length - 1]!.at;
      const operator = (events[0] as Extract<JournalEvent, { type: 'run.started' }>).operator;
      return [...flipped, { seq: 0, at, type: 'decision.recorded', step: 'decide', option: 'go-rehearsal', label: 'GO (rehearsal continuation)', go: true, confirmed_text: 'GO (rehearsal continuation)', evidence_digest: 'x', by: operator } as Unchained];
    });
    const v = await verifyJson(bundle);
    expect(v.code).toBe(1);
    expect(messages(v.problems)).toMatch(/seq \d+: the refusal of GO \(rehearsal continuation\) does not match the GO lock at that moment; it gives reasons the lock did not have: required step "Producer suite" \(producer-suite\) failed/);
    expect(messages(v.problems)).toMatch(/the decision binds to evidence digest x…/);
  });

  it.each([
    ['a renamed operator', (e: Unchained[]) => e.map((x) => (x.type === 'step.confirmed' ? ({ ...x, by: 'Mallory' } as Unchained) : x)), /the step\.confirmed event is by "Mallory", but the run is operated by "Olga Operator"/],
    ['a time that goes backwards', (e: Unchained[]) => e.map((x, i) => (i === 3 ? ({ ...x, at: '2001-01-01T00:00:00.000Z' } as Unchained) : x)), /seq 4: its time 2001-01-01T00:00:00\.000Z is earlier than the event before it/],
    ['an unknown event type', (e: Unchained[]) => [...e.slice(0, 2), { ...e[1]!, type: 'approval.granted' } as unknown as Unchained, ...e.slice(2)], /seq 3: unknown event type "approval.granted": cutover never writes it/],
    ['a finish without a start', (e: Unchained[]) => e.filter((x) => !(x.type === 'step.started' && x.step === 'optional-lint')), /attempt 1 of "optional-lint" finished without having started/],
    ['a trigger cleared that was never declared', (e: Unchained[]) => [...e.slice(0, 2), { seq: 0, at: e[1]!.at, type: 'trigger.cleared', trigger: 'envelope-mismatch', note: 'fine', by: 'Olga Operator' } as Unchained, ...e.slice(2)], /seq 3: trigger "envelope-mismatch" is cleared, but it is not open at this point/],
  ])('finds %s', async (_what, edit, expected) => {
    const bundle = copyOf(go);
    await forge(bundle, edit);
    const v = await verifyJson(bundle);
    expect(v.code).toBe(1);
    expect(messages(v.problems)).toMatch(expected);
  });

  it('an untouched bundle, and one whose journal was only re-chained, verify clean', async () => {
    for (const run of [go, noGo]) {
      const bundle = copyOf(run);
      await forge(bundle, (e) => e);
      const v = await verifyJson(bundle);
      expect(messages(v.problems)).toBe('');
      expect(v.code).toBe(0);
    }
  });
});
