// Review 13b findings 1, 2, 6, 12, 13: a bundle made before deadline rules
// were recorded still verifies (checked-in bundle made by cutover 8e8cc68);
// a notice's sent_at is bounded by the journal and the deadline is judged by
// the event's time; the identification step's time is bounded like a
// trigger's; an unmarked runbook's times are identified_at/completed_at;
// the views word a deadline alike. Moved clock, real files, real CLI.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { deadlines, identification } from '../../src/engine/deadlines.js';
import type { JournalEvent } from '../../src/engine/events.js';
import { foldEvents } from '../../src/engine/fold.js';
import { etaSpan } from '../../src/engine/updates.js';
import { renderDecisionRecord, buildManifest } from '../../src/evidence/record.js';
import { writeSums } from '../../src/evidence/bundle.js';
import { verifyBundle } from '../../src/evidence/verify.js';
import { deadlineLine } from '../../src/plain/incident-lines.js';
import { Session } from '../../src/session/session.js';
import { bundleRunbook, rechain, resummarize, writeJournal } from '../evidence/forge.js';
import { iso, journalOf, MIN, OPERATOR, T0 } from './fixture.js';

const ROOT = join(import.meta.dirname, '..', '..');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'old-bundles');
const OLD_BUNDLE = join(FIXTURES, '20261201T005548Z_old-rollback');
const dirs: string[] = [];
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
});
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'cutover-rules-'));
  dirs.push(d);
  return d;
};

function clockAt(start: number): { now: () => Date; set: (ms: number) => void } {
  let t = start;
  return { now: () => new Date(t), set: (ms) => (t = ms) };
}

/** The checked-in runbook (no protocol: markers; a notice due 15m after the trigger, an identification input), optionally changed. */
function workspace(edit: (yaml: string) => string = (y) => y): { runbook: string; evidence: string } {
  const dir = tmp();
  writeFileSync(join(dir, 'rollback.yaml'), edit(readFileSync(join(FIXTURES, 'rollback.yaml'), 'utf8')));
  return { runbook: join(dir, 'rollback.yaml'), evidence: join(dir, 'ev') };
}

function start(ws: { runbook: string; evidence: string }, clock: { now: () => Date }): Session {
  return Session.start({ runbookPath: ws.runbook, mode: 'rehearsal', vars: { channel: '#bridge', ticket: 'INC-1' }, evidenceDir: ws.evidence, operator: OPERATOR, now: clock.now });
}

async function forge(bundle: string, mutate: (evs: JournalEvent[]) => void): Promise<void> {
  const evs = journalOf(bundle);
  mutate(evs);
  writeJournal(bundle, rechain(evs));
  await resummarize(bundle);
}

describe('a bundle made before the deadline rules were recorded (review 13b finding 1)', () => {
  it('the checked-in bundle of cutover 8e8cc68 verifies, through the library and the CLI', async () => {
    const bundle = join(tmp(), 'old');
    cpSync(OLD_BUNDLE, bundle, { recursive: true });
    const started = journalOf(bundle)[0] as Extract<JournalEvent, { type: 'run.started' }>;
    expect(started.deadline_rules).toBeUndefined(); // made by the old code
    expect(journalOf(bundle).some((e) => e.type === 'notice.sent')).toBe(true);
    const report = await verifyBundle(bundle);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    const cli = spawnSync(process.execPath, [join(ROOT, 'dist', 'cli.js'), 'verify', bundle], { encoding: 'utf8' });
    expect(cli.stderr + cli.stdout).toContain(': OK');
    expect(cli.status).toBe(0);
  });

  it('a new run records deadline_rules 2; taking it out of a runbook with status updates or markers is reported', async () => {
    const ws = workspace((y) => y.replace('      - id: initial-notice\n', '      - id: initial-notice\n        protocol: initial-notice\n').replace('        fields:\n          - id: identified_at', '        protocol: identification\n        fields:\n          - id: identified_at'));
    const s = start(ws, clockAt(T0));
    const bundle = s.bundleDir;
    s.release();
    expect((journalOf(bundle)[0] as { deadline_rules?: number }).deadline_rules).toBe(2);
    await forge(bundle, (evs) => void delete (evs[0] as { deadline_rules?: number }).deadline_rules);
    const report = await verifyBundle(bundle);
    expect(report.problems.map((p) => p.message).join('\n')).toMatch(/records no deadline_rules, but the runbook's step "ident" uses protocol:.*it was taken out/);
    // Nor can it be set to 1 (review 13c #1): no cutover writes rules 1, they are a bundle without the field.
    await forge(bundle, (evs) => void ((evs[0] as { deadline_rules?: number }).deadline_rules = 1));
    const downgraded = await verifyBundle(bundle);
    expect(downgraded.problems.map((p) => p.message).join('\n')).toContain('seq 1: run.started records deadline_rules 1, which no cutover writes');
  });
});

describe('verify names where a summary differs (review 13b finding 1)', () => {
  it('a long line edited near its end: both texts shown around the difference', async () => {
    const bundle = join(tmp(), 'old');
    cpSync(OLD_BUNDLE, bundle, { recursive: true });
    const file = join(bundle, 'decision-record.md');
    writeFileSync(file, readFileSync(file, 'utf8').replace('met (done 2026-12-01T00:55:48.557Z)', 'met (done 2026-12-01T00:55:48.556Z)'));
    await writeSums(bundle);
    const message = (await verifyBundle(bundle)).problems.find((p) => p.file === 'decision-record.md')?.message ?? '';
    expect(message).toContain('line 92: "…');
    expect(message).toContain('(done 2026-12-01T00:55:48.556Z)", expected "…');
    expect(message).toContain('(done 2026-12-01T00:55:48.557Z)"');
  });
});

describe("a notice's sent_at (review 13b finding 2)", () => {
  it('a missed deadline stays missed when sent_at is edited to look in time, and verify names the edited sent_at', async () => {
    const ws = workspace();
    const clock = clockAt(T0);
    const s = start(ws, clock);
    const bundle = s.bundleDir;
    try {
      clock.set(T0 + MIN);
      expect(s.recordInput('ident', { identified_at: iso(T0), severity: 'SEV-1' })).toEqual({ ok: true });
      clock.set(T0 + 20 * MIN); // due T0+15m
      expect(s.sendNotice('initial-notice')).toEqual({ ok: true });
      expect(deadlines(s.runbook, s.state, s.clock()).find((d) => d.step === 'initial-notice')).toMatchObject({ status: 'missed', completedAt: iso(T0 + 20 * MIN) });
      await s.close();
    } finally {
      s.release();
    }
    expect((await verifyBundle(bundle)).problems).toEqual([]);
    await forge(bundle, (evs) => {
      const sent = evs.find((e) => e.type === 'notice.sent') as { sent_at: string };
      sent.sent_at = iso(T0 + 5 * MIN);
    });
    const runbook = bundleRunbook(bundle);
    const state = foldEvents(runbook, journalOf(bundle));
    // Judged by the event's time, not the sent_at it claims.
    expect(deadlines(runbook, state, new Date(T0 + 30 * MIN)).find((d) => d.step === 'initial-notice')).toMatchObject({ status: 'missed' });
    const report = await verifyBundle(bundle);
    expect(report.problems.map((p) => p.message).join('\n')).toMatch(/notice "initial-notice" says it was sent at 2026-03-02T14:05:00.000Z, but its event was recorded at 2026-03-02T14:20:00.000Z/);
  });

  it('a sent_at a day before the run, after its event, or not a UTC time is reported', async () => {
    const ws = workspace();
    const clock = clockAt(T0);
    const s = start(ws, clock);
    const bundle = s.bundleDir;
    clock.set(T0 + MIN);
    s.sendNotice('initial-notice');
    await s.close();
    s.release();
    for (const [value, words] of [[iso(T0 - 24 * 60 * MIN), 'but its event was recorded at'], [iso(T0 + 2 * MIN), 'after the event that records it'], ['yesterday', 'not a UTC time']] as const) {
      const copy = join(tmp(), 'b');
      cpSync(bundle, copy, { recursive: true });
      await forge(copy, (evs) => void ((evs.find((e) => e.type === 'notice.sent') as { sent_at: string }).sent_at = value));
      expect((await verifyBundle(copy)).problems.map((p) => p.message).join('\n')).toContain(words);
    }
  });

  it('in a bundle made before the rules were recorded, a sent_at before the previous event is reported', async () => {
    const bundle = join(tmp(), 'old');
    cpSync(OLD_BUNDLE, bundle, { recursive: true });
    await forge(bundle, (evs) => void ((evs.find((e) => e.type === 'notice.sent') as { sent_at: string }).sent_at = '2026-11-30T12:00:00.000Z'));
    expect((await verifyBundle(bundle)).problems.map((p) => p.message).join('\n')).toMatch(/notice "initial-notice" says it was sent at 2026-11-30T12:00:00.000Z, before the previous event/);
  });
});

describe('the identification time (review 13b finding 6)', () => {
  it('the session refuses a future time or one more than 24 h before entry, naming the field; verify refuses a forged one', async () => {
    const ws = workspace();
    const clock = clockAt(T0);
    const s = start(ws, clock);
    const bundle = s.bundleDir;
    try {
      clock.set(T0 + 10 * MIN);
      const future = s.recordInput('ident', { identified_at: iso(T0 + 2 * 60 * MIN), severity: 'SEV-1' });
      expect(future).toMatchObject({ ok: false });
      expect(JSON.stringify(future)).toMatch(/Identified at 2026-03-02T16:00:00.000Z is in the future/);
      expect(s.fieldProblem('ident', 'identified_at', { identified_at: iso(T0 + 2 * 60 * MIN) })).toMatch(/in the future/);
      const old = s.recordInput('ident', { identified_at: iso(T0 - 25 * 60 * MIN), severity: 'SEV-1' });
      expect(JSON.stringify(old)).toMatch(/more than 24 h before it is entered/);
      // Before the run started is fine: an unlinked rollback run starts after the incident was identified.
      expect(s.recordInput('ident', { identified_at: iso(T0 - 30 * MIN), severity: 'SEV-1' })).toEqual({ ok: true });
      await s.close();
    } finally {
      s.release();
    }
    expect((await verifyBundle(bundle)).problems).toEqual([]);
    await forge(bundle, (evs) => void ((evs.find((e) => e.type === 'input.recorded') as { values: Record<string, string> }).values.identified_at = '2030-01-01T00:00:00Z'));
    expect((await verifyBundle(bundle)).problems.map((p) => p.message).join('\n')).toMatch(/"ident" records identified_at, which the run refuses: Identified at 2030-01-01T00:00:00Z is in the future/);
  });
});

describe('the identification time in a runbook that is not kind: rollback (review 13b finding 6)', () => {
  it('is refused before the run started', () => {
    const ws = workspace((y) => y.replace(/^kind: rollback\n/m, ''));
    const clock = clockAt(T0);
    const s = start(ws, clock);
    try {
      clock.set(T0 + 10 * MIN);
      expect(JSON.stringify(s.recordInput('ident', { identified_at: iso(T0 - 5 * MIN), severity: 'SEV-1' }))).toMatch(/is before the run started \(2026-03-02T14:00:00.000Z\)/);
      expect(s.recordInput('ident', { identified_at: iso(T0 + 5 * MIN), severity: 'SEV-1' })).toEqual({ ok: true });
    } finally {
      s.release();
    }
  });
});

describe('an unmarked runbook reads identified_at and completed_at, whatever comes first (review 13b finding 13)', () => {
  it('a timestamp field before identified_at does not anchor the deadlines', () => {
    const ws = workspace((y) => y.replace('        fields:\n          - id: identified_at', '        fields:\n          - id: noticed_at\n            label: Noticed at\n            type: timestamp\n          - id: identified_at'));
    const clock = clockAt(T0);
    const s = start(ws, clock);
    try {
      clock.set(T0 + 10 * MIN);
      expect(s.recordInput('ident', { noticed_at: iso(T0 + 5 * MIN), identified_at: iso(T0 + 2 * MIN), severity: 'SEV-1' })).toEqual({ ok: true });
      expect(identification(s.runbook, s.state)).toEqual({ at: iso(T0 + 2 * MIN), from: 'input' });
      expect(deadlines(s.runbook, s.state, s.clock()).find((d) => d.step === 'initial-notice')).toMatchObject({ dueAt: iso(T0 + 17 * MIN) });
    } finally {
      s.release();
    }
  });
});

describe('the views word a deadline alike (review 13b finding 12)', () => {
  it('countdowns floor whole seconds; done late says MISSED; a skipped step says skipped in the plain line and the record', () => {
    expect(etaSpan(59_600)).toBe('00:59');
    const ws = workspace();
    const clock = clockAt(T0);
    const s = start(ws, clock);
    try {
      clock.set(T0 + MIN);
      s.recordInput('ident', { identified_at: iso(T0), severity: 'SEV-1' });
      clock.set(T0 + 20 * MIN);
      s.sendNotice('initial-notice');
      const late = deadlines(s.runbook, s.state, s.clock()).find((d) => d.step === 'initial-notice')!;
      expect(deadlineLine(late)).toMatch(/— MISSED \(done 2026-03-02T14:20:00.000Z\)$/);
      expect(s.skip('recommendation', 'not needed in this drill')).toEqual({ ok: true });
      const skipped = deadlines(s.runbook, s.state, s.clock()).find((d) => d.step === 'recommendation')!;
      expect(deadlineLine(skipped)).toContain('— skipped, met (done');
      const events = journalOf(s.bundleDir);
      const manifest = buildManifest(s.runbook, s.state, events, { id: 'old-rollback', title: 't', version: '1', sha256: 'x' }, s.clock());
      expect(renderDecisionRecord(s.runbook, s.state, manifest, s.clock())).toMatch(/- Producer recommendation: within 30m after trigger, due .* — skipped, met \(done/);
    } finally {
      s.release();
    }
  });
});
