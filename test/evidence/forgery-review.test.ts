// The second round of the attack review (issue 10): forgeries and honest
// bundles found by a reviewer who tried the first round's fixes. Each case
// is a real run of the GO-lock fixture, forged as the reviewer did.
import { spawnSync } from 'node:child_process';
import { cpSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { JournalEvent } from '../../src/engine/events.js';
import { cliInProcess } from '../helpers/cli-in-process.js';
import { eventsOf, prepareToDecide, readEvents, runPlain, tempDir, withSession, type PlainRun } from '../fixtures/engine/scenario.js';
import { rechain, resummarize, writeJournal } from './forge.js';

const sha = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');

async function forge(bundle: string, edit: (events: JournalEvent[]) => JournalEvent[]): Promise<void> {
  writeJournal(bundle, rechain(edit(readEvents(bundle))));
  await resummarize(bundle);
}

async function problemsOf(bundle: string): Promise<{ code: number | null; text: string }> {
  const r = await cliInProcess(['verify', bundle, '--json']);
  const report = JSON.parse(r.stdout) as { problems: { file: string; message: string }[] };
  return { code: r.code, text: report.problems.map((p) => `${p.file}: ${p.message}`).join('\n') };
}

function copyOf(run: PlainRun): string {
  const dir = join(tempDir(), 'bundle');
  cpSync(run.bundle, dir, { recursive: true });
  return dir;
}

/** A GO run whose evidence includes an artifact-digest check with a wrong pin (so it fails: NO-GO). */
let artifacts: PlainRun;
let go: PlainRun;
const PAYLOAD = 'release artifact bytes\n';

beforeAll(async () => {
  const dir = tempDir('file');
  mkdirSync(join(dir, 'dist'));
  writeFileSync(join(dir, 'dist/a.bin'), PAYLOAD);
  writeFileSync(join(dir, 'dist/b.bin'), 'second artifact\n');
  [artifacts, go] = await Promise.all([
    runPlain({
      dir,
      edit: (rb) => {
        rb.sections[1]!.steps.unshift({ id: 'digests', kind: 'check', title: 'Artifact digests', check: 'artifact-digest', cwd: dir, with: { root: 'dist', artifacts: [{ path: 'a.bin', sha256: sha(PAYLOAD) }, { path: 'b.bin', sha256: 'f'.repeat(64) }] } });
      },
      answers: (a) => (a.decide = { option: 'go-rehearsal', otherwise: { option: 'no-go', remediation: 're-pin b.bin' } }),
    }),
    runPlain({ dir: tempDir('file') }),
  ]);
  expect(eventsOf(artifacts.events, 'run.closed').map((e) => e.outcome)).toEqual(['NO-GO']);
  expect(go.result.code, go.result.stdout + go.result.stderr).toBe(0);
});

/** Drops the refusal and NO-GO, re-binds the sign-offs, and appends a GO (as the reviewer's forgeGo). */
function goInstead(events: JournalEvent[]): JournalEvent[] {
  const kept = events.filter((e) => !['decision.refused', 'decision.recorded', 'run.closed', 'run.paused'].includes(e.type));
  const at = kept[kept.length - 1]!.at;
  return [
    ...kept,
    { seq: 0, at, type: 'decision.recorded', step: 'decide', option: 'go-rehearsal', label: 'GO (rehearsal continuation)', go: true, confirmed_text: 'GO (rehearsal continuation)', evidence_digest: 'x', by: 'Olga Operator' } as unknown as JournalEvent,
    { seq: 0, at, type: 'run.closed', outcome: 'GO', summary: 'GO (rehearsal continuation)' } as unknown as JournalEvent,
  ];
}

describe('forgeries the second review found', () => {
  it('a check verdict flipped in data.json and the journal, with the mismatched pin taken out of data.json', async () => {
    const bundle = copyOf(artifacts);
    const dataFile = join(bundle, 'steps/digests/attempt-1/data.json');
    const data = JSON.parse(readFileSync(dataFile, 'utf8')) as { passed: boolean; artifacts: { path: string }[]; violations: unknown[] };
    writeFileSync(dataFile, `${JSON.stringify({ ...data, passed: true, violations: [], artifacts: data.artifacts.filter((a) => a.path !== 'b.bin') }, null, 2)}\n`);
    const digest = sha(readFileSync(dataFile));
    const bytes = readFileSync(dataFile).length;
    await forge(bundle, (events) =>
      goInstead(events).map((e) => (e.type === 'step.finished' && e.step === 'digests' ? ({ ...e, check: { ...e.check!, passed: true, data_file: { ...e.check!.data_file!, sha256: digest, bytes } } } as JournalEvent) : e)),
    );
    const v = await problemsOf(bundle);
    expect(v.code).toBe(1);
    expect(v.text).toContain("steps/digests/attempt-1/data.json: does not account for the runbook's pin of b.bin");
    expect(v.text).toContain('1 copy(ies) were kept as mismatched');
    expect(v.text).toContain('check artifact-digest is recorded as passed with the summary "artifact-digest check FAILED');
    expect(v.text).toContain('steps/digests/attempt-1/report.txt: says check artifact-digest FAILED, but the journal');
  });

  it('a target commit changed in run.started (the pinned-commit rule and the rollback target hang on it)', async () => {
    const bundle = copyOf(go);
    await forge(bundle, (events) => events.map((e, i) => (i === 0 ? ({ ...e, target: { ...(e as Extract<JournalEvent, { type: 'run.started' }>).target, commit: 'c'.repeat(40) } } as JournalEvent) : e)));
    const v = await problemsOf(bundle);
    expect(v.code).toBe(1);
    expect(v.text).toContain(`seq 1: run.started records target.commit "${'c'.repeat(40)}", but the runbook gives "7e4806a34b98e6c06ee33fa9f11499a975e7b922"`);
  });

  it('an output assertion recorded as *** (masked) matches nothing', async () => {
    const bundle = copyOf(go);
    await forge(bundle, (events) => events.map((e) => (e.type === 'step.finished' && e.step === 'producer-suite' ? ({ ...e, assertions: [{ assertion: '***', ok: true }] } as JournalEvent) : e)));
    const v = await problemsOf(bundle);
    expect(v.text).toContain('attempt 1 of "producer-suite": the runbook asserts nothing on its output, the journal recorded ***');
  });

  it('a log record pointing at another file of the bundle', async () => {
    const bundle = copyOf(go);
    await forge(bundle, (events) =>
      events.map((e) => {
        if (e.type !== 'step.finished' || e.step !== 'consumer-suite') return e;
        const other = (events.find((x) => x.type === 'step.finished' && x.step === 'producer-suite') as Extract<JournalEvent, { type: 'step.finished' }>).result!;
        return { ...e, result: { ...e.result!, stdout: other.stdout } } as JournalEvent;
      }),
    );
    const v = await problemsOf(bundle);
    expect(v.text).toContain('attempt 1 of "consumer-suite" records its stdout.log as "steps/producer-suite/attempt-1/stdout.log", not steps/consumer-suite/attempt-1/stdout.log');
  });

  it('a journal line nested 100,000 deep is a problem of that line, not an internal error', async () => {
    const bundle = copyOf(go);
    const path = join(bundle, 'journal.ndjson');
    const lines = readFileSync(path, 'utf8').split('\n').filter(Boolean);
    lines[1] = lines[1]!.replace(/^\{/, `{"extra":${'['.repeat(100_000)}${']'.repeat(100_000)},`);
    writeFileSync(path, `${lines.join('\n')}\n`);
    const r = await cliInProcess(['verify', bundle]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain('journal.ndjson: line 2: not an event (it nests deeper than 32 levels; cutover never writes that)');
  });
});

describe('resume against a bundle someone wrote into', () => {
  // One run paused for the sign-off, shared: each test writes into and resumes its own copy of the bundle.
  let pausedAtSignoff: Promise<PlainRun> | undefined;
  async function pausedCopy(): Promise<PlainRun> {
    pausedAtSignoff ??= runPlain({ dir: tempDir('file'), answers: (a) => delete a.sign });
    const run = await pausedAtSignoff;
    return { ...run, bundle: copyOf(run) };
  }

  it('refuses a runbook copy with another command in it when the runbook it started from says otherwise', async () => {
    const run = await pausedCopy();
    expect(run.result.code).toBe(3); // paused for the sign-off
    const copy = join(run.bundle, 'runbook.yaml');
    const evil = readFileSync(copy, 'utf8').replace('echo lint ok', 'echo stolen > leaked.txt; echo lint ok');
    writeFileSync(copy, evil);
    await forge(run.bundle, (events) => events.map((e, i) => (i === 0 ? ({ ...e, runbook: { ...(e as Extract<JournalEvent, { type: 'run.started' }>).runbook, sha256: sha(evil) } } as JournalEvent) : e)));
    const before = readFileSync(join(run.bundle, 'journal.ndjson'));
    const r = await cliInProcess(['resume', run.bundle, '--plain', '--answers', join(run.dir, 'answers.yaml')]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('runbook.yaml: the runbook this run started from has changed since');
    expect(readFileSync(join(run.bundle, 'journal.ndjson'))).toEqual(before);
  });

  it('refuses a FIFO where the lock would be, without hanging on it', async () => {
    const run = await pausedCopy();
    expect(spawnSync('mkfifo', [join(run.bundle, '.lock')]).status).toBe(0);
    const r = await cliInProcess(['resume', run.bundle, '--plain', '--answers', join(run.dir, 'answers.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('.lock is a FIFO');
  });

  it('removes a notice text the journal never recorded (a crash between the two), so the resumed bundle verifies', async () => {
    const run = await runPlain({ answers: (a) => delete a.notice });
    expect(run.result.code).toBe(3);
    mkdirSync(join(run.bundle, 'notices'), { recursive: true });
    writeFileSync(join(run.bundle, 'notices/notice.md'), 'Go/no-go in #cutover-bridge for v0.4.0');
    const answers = join(run.dir, 'answers2.yaml');
    writeFileSync(answers, 'answers:\n  notice: { skip: "sent by hand" }\n  sign: { pa: Priya Producer, ca: Marco Consumer }\n  decide: { option: no-go, remediation: send the notice }\n');
    const r = await cliInProcess(['resume', run.bundle, '--plain', '--answers', answers]);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    const v = await problemsOf(run.bundle);
    expect(v.text).toBe('');
  });

  it('says how to fix a stray file rather than calling it a cut journal', async () => {
    const run = await pausedCopy();
    writeFileSync(join(run.bundle, '.DS_Store'), 'x');
    const r = await cliInProcess(['resume', run.bundle, '--plain', '--answers', join(run.dir, 'answers.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("these files are not cutover's; if you put them there, move them out of the bundle and resume again");
  });
});

describe('honest bundles stay OK', () => {
  it('a run whose clock steps back (NTP, another machine) verifies', async () => {
    let t = Date.parse('2026-11-30T12:00:00.000Z');
    const bundle = await withSession({ now: () => new Date((t -= 7_000)) }, async (session) => {
      await prepareToDecide(session);
      expect(session.decide('decide', { option: 'go-rehearsal', confirmedText: 'GO (rehearsal continuation)' })).toEqual({ ok: true });
      await session.close();
      return session.bundleDir;
    });
    const times = readEvents(bundle).map((e) => e.at);
    expect([...times].sort()).toEqual(times);
    const copy = join(tempDir(), 'b');
    cpSync(bundle, copy, { recursive: true });
    const v = await problemsOf(copy);
    expect(v.text).toBe('');
  });

  it('report --out replaces a name hard-linked into another bundle instead of writing through it', async () => {
    const other = copyOf(go);
    const out = join(tempDir(), 'out.md');
    linkSync(join(other, 'journal.ndjson'), out);
    const journal = readFileSync(join(other, 'journal.ndjson'));
    const r = await cliInProcess(['report', go.bundle, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(other, 'journal.ndjson'))).toEqual(journal);
    expect(readFileSync(out, 'utf8')).toContain('# Decision record');
    rmSync(out);
  });

  it('a check whose data holds a digest that contains a short secret still verifies', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'dist'));
    writeFileSync(join(dir, 'dist/a.bin'), PAYLOAD);
    const secret = sha(PAYLOAD).slice(10, 18);
    const prev = process.env.RELEASE_KEY;
    process.env.RELEASE_KEY = secret;
    try {
      const run = await runPlain({ dir, edit: (rb) => rb.sections[1]!.steps.unshift({ id: 'digests', kind: 'check', title: 'Artifact digests', check: 'artifact-digest', cwd: dir, with: { root: 'dist', artifacts: [{ path: 'a.bin', sha256: sha(PAYLOAD) }] } }) });
      expect(run.result.code, run.result.stdout + run.result.stderr).toBe(0);
      expect(readFileSync(join(run.bundle, 'steps/digests/attempt-1/data.json'), 'utf8')).toContain(sha(PAYLOAD));
      const v = await problemsOf(run.bundle);
      expect(v.text).toBe('');
    } finally {
      if (prev === undefined) delete process.env.RELEASE_KEY;
      else process.env.RELEASE_KEY = prev;
    }
  });
});
