// The conductor and the session's intents, with a real Session on real
// files and real child processes: the run policy (requires, one attempt at
// a time, cancel), refusals as results on a closed or decided run, listener
// isolation, immutable snapshots delivered after fsync, the GO-lock status.
import { readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepareDemo } from '../../src/demo/prepare.js';
import { loadAnswers } from '../../src/session/answers.js';
import { Conductor } from '../../src/session/conductor.js';
import type { Notification } from '../../src/session/notifications.js';
import { Session } from '../../src/session/session.js';
import { REPO } from '../helpers/cli.js';
import { cliInProcess } from '../helpers/cli-in-process.js';
import { APPROVERS, LABEL, OPERATOR, prepareToDecide, readEvents, stepOf, tempDir, withSession } from '../fixtures/engine/scenario.js';

const SLOW = [process.execPath, '-e', "console.log('ready'); setInterval(() => {}, 1000)"];

/** Resolves once the running attempt's output shows `marker` (from the output hub). */
function outputShows(session: Session, marker: string): Promise<void> {
  return new Promise((resolve) => {
    const off = session.subscribe((n) => {
      if (n.kind === 'output' && n.output.lines.some((l) => l.includes(marker))) {
        off();
        resolve();
      }
    });
  });
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('the run policy', () => {
  it('refuses a step whose requires have not passed, with the reason, and writes nothing', async () => {
    await withSession({ edit: (rb) => (stepOf(rb, 'consumer-suite').requires = ['producer-suite']) }, async (session) => {
      const before = session.events.length;
      const r = await session.runStep('consumer-suite');
      expect(r).toEqual({ ok: false, reasons: ['"Consumer suite" (consumer-suite) requires "Producer suite" (producer-suite) (not done yet) to pass first'], hint: 'do the required steps first, or skip this one with a reason' });
      expect(session.events.length).toBe(before);
      expect(session.actionsFor('consumer-suite').run).toMatchObject({ ok: false });
      expect((await session.runStep('producer-suite')).ok).toBe(true);
      expect(session.actionsFor('consumer-suite').run).toEqual({ ok: true });
    });
  });

  it('runs one automated attempt at a time; cancel records it as cancelled, kills its group, and it comes up again', async () => {
    await withSession({ edit: (rb) => (stepOf(rb, 'producer-suite').run = SLOW) }, async (session) => {
      const conductor = new Conductor(session);
      const activity: Notification[] = [];
      session.subscribe((n) => n.kind === 'activity' && activity.push(n));
      const shown = outputShows(session, 'ready');
      const first = conductor.run('producer-suite');
      await shown;
      expect(session.activity.running).toMatchObject({ step: 'producer-suite', attempt: 1, cancelling: false });
      expect(await conductor.run('producer-suite')).toMatchObject({ ok: false, reasons: ['"Producer suite" (producer-suite) is already running (attempt 1)'] });
      expect(await conductor.run('optional-lint')).toMatchObject({ ok: false, reasons: ['"producer-suite" is running; one automated step runs at a time'] });
      expect(session.actionsFor('producer-suite').cancel).toEqual({ ok: true });
      expect(conductor.cancel()).toEqual({ ok: true });
      expect(conductor.cancel()).toMatchObject({ ok: false });
      expect(await first).toEqual({ ok: true });
      const attempt = session.state.steps['producer-suite']!.attempts[0]!;
      expect(attempt.result).toMatchObject({ outcome: 'cancelled', signal: 'SIGTERM' });
      expect(attempt.failure).toBe('cancelled by the operator');
      expect(groupAlive(attempt.result!.pid!)).toBe(false);
      expect(session.activity).toEqual({});
      expect(activity.map((n) => (n.kind === 'activity' ? n.activity.running?.cancelling ?? 'idle' : ''))).toEqual([false, true, 'idle']);
      // A cancelled attempt did not fail on its own: it is next again.
      session.confirm('rc');
      session.recordInput('meeting', { channel: '#bridge' });
      expect(conductor.next()?.id).toBe('producer-suite');
      expect(conductor.resumePoint()?.id).toBe('producer-suite');
    });
  });

  it('runs a section\'s automated steps until the first manual step', async () => {
    await withSession({}, async (session) => {
      const conductor = new Conductor(session);
      expect(await conductor.runSection('gates')).toEqual({ ran: ['producer-suite', 'consumer-suite', 'optional-lint'], stopped: { step: 'notice', why: 'manual', reason: '"Announce the decision meeting" (notice) is a notice step and waits for you' } });
      expect(await conductor.runSection('pre')).toMatchObject({ ran: [], stopped: { step: 'rc', why: 'manual' } });
    });
  });

  it('stops a section at a failure', async () => {
    await withSession({ edit: (rb) => (stepOf(rb, 'producer-suite').run = ['sh', '-c', 'exit 3']) }, async (session) => {
      const r = await new Conductor(session).runSection('gates');
      expect(r).toEqual({ ran: ['producer-suite'], stopped: { step: 'producer-suite', why: 'failed', reason: '"Producer suite" (producer-suite) failed' } });
      expect(session.state.steps['consumer-suite']!.status).toBe('pending');
      expect(await new Conductor(session).retry('consumer-suite')).toMatchObject({ ok: false, reasons: ['"Consumer suite" (consumer-suite) has not run yet; run it first'] });
      expect((await new Conductor(session).retry('producer-suite')).ok).toBe(true);
      expect(session.state.steps['producer-suite']!.attempts).toHaveLength(2);
    });
  });

  it('cancels a built-in check while it hashes a large file', async () => {
    const dir = tempDir();
    const big = join(dir, 'big.bin');
    // 4 GiB, sparse: hashing it takes seconds; cancelling must not wait for that.
    writeFileSync(big, '');
    truncateSync(big, 4 * 1024 ** 3);
    await withSession(
      {
        edit: (rb) => {
          rb.sections[1]!.steps.unshift({ id: 'digest', kind: 'check', title: 'Artifact digest', check: 'artifact-digest', cwd: dir, with: { root: '.', artifacts: [{ path: 'big.bin', sha256: '0'.repeat(64) }] } });
        },
      },
      async (session) => {
        const started = new Promise<void>((resolve) => session.subscribe((n) => n.kind === 'snapshot' && n.snapshot.event.type === 'step.started' && resolve()));
        const run = session.runStep('digest');
        await started;
        await new Promise((r) => setTimeout(r, 50));
        expect(session.cancel()).toEqual({ ok: true });
        expect(await run).toEqual({ ok: true });
        const attempt = session.state.steps.digest!.attempts[0]!;
        expect(attempt.check).toMatchObject({ name: 'artifact-digest', passed: false, cancelled: true, summary: 'cancelled by the operator' });
        expect(attempt.failure).toBe('cancelled by the operator');
        expect(new Conductor(session).next()?.id).toBe('rc');
        expect(readFileSync(join(session.bundleDir, attempt.check!.report.file), 'utf8')).toContain('cancelled by the operator');
      },
    );
  });
});

describe('intents on a settled run', () => {
  it('every intent is refused after close, nothing is appended, and the bundle verifies', async () => {
    await withSession({}, async (session) => {
      await prepareToDecide(session);
      expect(session.decide('decide', { option: 'no-go', confirmedText: LABEL.noGo, remediation: 'later' })).toEqual({ ok: true });
      await session.close();
      const count = session.events.length;
      const results = {
        runStep: await session.runStep('producer-suite'),
        skip: session.skip('optional-lint', 'not needed'),
        confirm: session.confirm('rc'),
        input: session.recordInput('meeting', { channel: '#x' }),
        notice: session.sendNotice('notice'),
        sign: session.sign('sign', 'pa', 'Someone Else'),
        trigger: session.declareTrigger('envelope-mismatch', 'seen'),
        clear: session.clearTrigger('envelope-mismatch', 'gone'),
        decide: session.decide('decide', { option: 'go-rehearsal', confirmedText: LABEL.rehearsal }),
        pause: session.pause('coffee'),
        cancel: session.cancel(),
      };
      for (const [intent, r] of Object.entries(results)) {
        expect(r.ok, intent).toBe(false);
        expect(r.ok ? '' : r.reasons.join(' '), intent).toMatch(/closed|no step is running/);
      }
      expect(session.events.length).toBe(count);
      const bundle = session.bundleDir;
      session.release();
      expect((await cliInProcess(['verify', bundle])).code).toBe(0);
    });
  });

  it('after the decision, nothing but closing changes the run', async () => {
    await withSession({}, async (session) => {
      await prepareToDecide(session);
      expect(session.decide('decide', { option: 'go-rehearsal', confirmedText: LABEL.rehearsal })).toEqual({ ok: true });
      const count = session.events.length;
      expect(session.decide('decide', { option: 'no-go', confirmedText: LABEL.noGo, remediation: 'x' })).toMatchObject({ ok: false, reasons: [expect.stringContaining('the decision is recorded (GO (rehearsal continuation))')] });
      expect(await session.runStep('producer-suite')).toMatchObject({ ok: false });
      expect(session.skip('optional-lint', 'x')).toMatchObject({ ok: false });
      expect(session.events.length).toBe(count);
      expect(await session.close()).toBe('GO');
    });
  });

  it('input problems are reported per field', async () => {
    await withSession({ edit: (rb) => ((stepOf(rb, 'meeting').fields as unknown[]).push({ id: 'sha', label: 'Target sha', type: 'sha' })) }, async (session) => {
      session.confirm('rc');
      const r = session.recordInput('meeting', { channel: '', sha: 'abc', extra: '1' });
      expect(r).toMatchObject({ ok: false, fields: { channel: 'Incident channel is required', sha: 'Target sha must be a full 40-character lower-case commit sha', extra: expect.stringContaining('"extra" is not a field') } });
      expect(session.confirm('rc')).toMatchObject({ ok: false, reasons: [expect.stringContaining('was already answered')] });
    });
  });
});

describe('notifications', () => {
  it('a throwing listener affects neither the journal nor the intent, and is reported as health', async () => {
    await withSession({}, async (session) => {
      const heard: string[] = [];
      session.subscribe(() => {
        throw new Error('listener exploded');
      });
      session.subscribe((n) => n.kind === 'snapshot' && heard.push(n.snapshot.event.type));
      expect(session.confirm('rc')).toEqual({ ok: true });
      expect(await session.runStep('producer-suite')).toEqual({ ok: true });
      expect(session.state.steps['producer-suite']!.status).toBe('passed');
      expect(heard).toEqual(['step.confirmed', 'step.started', 'step.finished']);
      expect(readEvents(session.bundleDir).map((e) => e.type)).toEqual(['run.started', 'step.confirmed', 'step.started', 'step.finished']);
      expect(session.health.listener).toBe('listener exploded');
      expect(session.health.journal).toBe('ok');
    });
  });

  it('snapshots are immutable, versioned by seq, and delivered only once the event is on disk', async () => {
    await withSession({}, async (session) => {
      const snapshots: { seq: number; onDisk: boolean }[] = [];
      session.subscribe((n) => {
        if (n.kind !== 'snapshot') return;
        const lines = readFileSync(join(session.bundleDir, 'journal.ndjson'), 'utf8').trim().split('\n');
        snapshots.push({ seq: n.snapshot.seq, onDisk: JSON.parse(lines[lines.length - 1]!).seq === n.snapshot.seq });
      });
      const first = session.snapshot;
      session.confirm('rc');
      expect(first.state.steps.rc!.status).toBe('pending'); // an old snapshot never changes
      expect(session.snapshot.state.steps.rc!.status).toBe('passed');
      expect(() => {
        (session.snapshot.state.steps.rc as { status: string }).status = 'failed';
      }).toThrow(TypeError);
      expect(() => session.snapshot.state.signatures.push({} as never)).toThrow(TypeError);
      await session.runStep('producer-suite');
      expect(snapshots).toEqual([2, 3, 4].map((seq) => ({ seq, onDisk: true })));
    });
  });

  it('kill -9 right after a notification: the notified event is in the journal', async () => {
    const { start, TSX_LOADER, SRC } = await import('../durability/helpers.js');
    const dir = tempDir();
    const runbook = join(dir, 'runbook.yaml');
    writeFileSync(runbook, readFileSync(join(REPO, 'test/fixtures/engine/golock.yaml')));
    // .mts: an ES module whatever the folder says (the session loads execa, an ES module).
    const script = join(dir, 'notified.mts');
    writeFileSync(
      script,
      `import { Session } from ${JSON.stringify(join(SRC, 'session/session.ts'))};
const session = Session.start({ runbookPath: process.argv[2]!, mode: 'rehearsal', vars: {}, evidenceDir: process.argv[3]!, operator: 'Olga' });
session.subscribe((n) => {
  if (n.kind !== 'snapshot' || n.snapshot.event.type !== 'step.confirmed') return;
  process.stdout.write(JSON.stringify({ seq: n.snapshot.seq, bundle: session.bundleDir }) + '\\n');
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); // hold here until killed
});
session.confirm('rc', { note: 'frozen' });
`,
    );
    const child = start([process.execPath, '--import', TSX_LOADER, script, runbook, join(dir, 'evidence')]);
    const first = await Promise.race([child.firstLine, child.exited.then((e) => `exited early: ${JSON.stringify(e)}`)]);
    const told = JSON.parse(first) as { seq: number; bundle: string };
    child.kill('SIGKILL');
    expect((await child.exited).signal).toBe('SIGKILL');
    const events = readEvents(told.bundle);
    expect(events.find((e) => e.seq === told.seq)).toMatchObject({ type: 'step.confirmed', note: 'frozen' });
  });

  it('the output hub flushes a few lines a few times a second, masked, with a last flush when the attempt ends', async () => {
    const script = "const s = process.env.TOKEN_X; let i = 0; const t = setInterval(() => { for (let k = 0; k < 200; k++) console.log('line ' + (i++) + ' ' + s); if (i >= 4000) clearInterval(t); }, 5)";
    process.env.CUTOVER_TEST_SECRET_TOKEN = 'hunter2-secret-value';
    try {
      await withSession({ edit: (rb) => ((rb.secrets = ['CUTOVER_TEST_SECRET_TOKEN']), (stepOf(rb, 'producer-suite').run = [process.execPath, '-e', script]), (stepOf(rb, 'producer-suite').env = { TOKEN_X: '${run.operator} hunter2-secret-value' })) }, async (session) => {
        const flushes: { lines: string[]; bytes: number; done: boolean }[] = [];
        session.subscribe((n) => n.kind === 'output' && flushes.push(n.output));
        await session.runStep('producer-suite');
        const last = flushes[flushes.length - 1]!;
        expect(last.done).toBe(true);
        expect(last.lines[last.lines.length - 1]).toBe(`line 3999 ${OPERATOR} ***`);
        expect(last.lines.length).toBe(200);
        expect(flushes.every((f) => f.lines.every((l) => !l.includes('hunter2')))).toBe(true);
        // Batched: far fewer notifications than the 4000 lines printed, and each
        // before the last brings new output. How many depends on the clock, not
        // on the chunks: test/session/output-hub.test.ts counts them on a fake one.
        expect(flushes.length).toBeLessThan(4000 / 10);
        const bytes = flushes.map((f) => f.bytes);
        expect(bytes).toEqual([...bytes].sort((a, b) => a - b));
        expect(new Set(bytes.slice(0, -1)).size).toBe(bytes.length - 1);
        const result = session.state.steps['producer-suite']!.attempts[0]!.result!;
        expect(last.bytes).toBe(result.stdout.bytes + result.stderr.bytes);
      });
    } finally {
      delete process.env.CUTOVER_TEST_SECRET_TOKEN;
    }
  });
});

describe('one clock', () => {
  it('the session, the runner and the GO lock read the injected clock', async () => {
    let now = Date.parse('2031-05-01T10:00:00Z');
    await withSession({ now: () => new Date(now) }, async (session) => {
      await prepareToDecide(session);
      const result = session.state.steps['producer-suite']!.attempts[0]!.result!;
      expect(result.started_at).toBe('2031-05-01T10:00:00.000Z');
      expect(result.ended_at).toBe('2031-05-01T10:00:00.000Z');
      now += 5 * 3600_000; // past the fixture's max_age of 4h
      const go = session.lockStatus('decide').find((o) => o.option.id === 'go-rehearsal')!;
      expect(go.unmet.map((c) => c.rule)).toEqual(['freshness', 'freshness']);
    });
  });
});

describe('the GO-lock status', () => {
  it('lists, for the demo\'s decision before the sign-off, each option with its unmet conditions', async () => {
    const demo = await prepareDemo({ packageRoot: REPO, tmpRoot: tempDir() });
    const session = Session.start({ runbookPath: demo.runbookPath, mode: 'rehearsal', vars: demo.vars, evidenceDir: join(demo.workDir, 'evidence'), operator: 'Demo Captain' });
    try {
      const answers = loadAnswers(demo.answersPath, session.runbook);
      const conductor = new Conductor(session);
      for (let step = conductor.next(); step && step.kind !== 'signoff'; step = conductor.next()) {
        const answer = answers.get(step.id);
        if (step.kind === 'command' || step.kind === 'check') expect((await conductor.run(step.id)).ok).toBe(true);
        else if (answer?.kind === 'confirm') expect(session.confirm(step.id, answer).ok).toBe(true);
        else if (answer?.kind === 'input') expect(session.recordInput(step.id, answer.values).ok).toBe(true);
        else if (answer?.kind === 'notice') expect(session.sendNotice(step.id).ok).toBe(true);
        else throw new Error(`no demo answer for ${step.id}`);
      }
      const status = session.lockStatus('go-no-go');
      expect(status.map((o) => [o.option.id, o.selectable, o.needsRemediation])).toEqual([
        ['go-rehearsal', false, false],
        ['no-go', true, true],
      ]);
      expect(status[0]!.unmet).toEqual([
        { rule: 'signoff', step: 'joint-signoff', role: 'producer_approver', message: 'Producer approver (MemoryKernel) (producer_approver) has not signed "Joint sign-off (producer + consumer)"' },
        { rule: 'signoff', step: 'joint-signoff', role: 'consumer_approver', message: 'Consumer approver (AssistSupport) (consumer_approver) has not signed "Joint sign-off (producer + consumer)"' },
      ]);
      // The refusal journaled for that option says the same, in the same words.
      expect(session.gate('go-no-go', { option: 'go-rehearsal', confirmedText: LABEL.rehearsal })).toEqual(status[0]!.unmet.map((c) => c.message));
      expect(session.sign('joint-signoff', 'producer_approver', APPROVERS.pa).ok).toBe(true);
      expect(session.sign('joint-signoff', 'consumer_approver', APPROVERS.ca).ok).toBe(true);
      expect(session.lockStatus('go-no-go')[0]!.selectable).toBe(true);
    } finally {
      session.release();
    }
  });
});

describe('the plain reporter', () => {
  it('prints a skip reason masked: a secret typed in it never reaches the log', async () => {
    const { runPlain } = await import('../fixtures/engine/scenario.js');
    process.env.CUTOVER_SKIP_TEST_TOKEN = 'sk-live-0123456789abcdef';
    try {
      const run = await runPlain({
        edit: (rb) => (rb.secrets = ['CUTOVER_SKIP_TEST_TOKEN']),
        answers: (a) => (a['optional-lint'] = { skip: 'flaky, token sk-live-0123456789abcdef expired' }),
      });
      expect(run.result.stdout).toContain('⊘ optional-lint skipped: flaky, token *** expired');
      expect(run.result.stdout).not.toContain('sk-live-0123456789abcdef');
    } finally {
      delete process.env.CUTOVER_SKIP_TEST_TOKEN;
    }
  });
});
