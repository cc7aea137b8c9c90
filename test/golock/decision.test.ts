// The decision itself: NO-GO is always available but needs a remediation
// plan, the answers file's `otherwise` fallback records a NO-GO after a
// refused GO, and the final choice must be confirmed by typing its label.
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { cliInProcess } from '../helpers/cli-in-process.js';
import { expectRefusedGo } from './expect.js';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { defaultAnswers, eventsOf, finish, LABEL, OPERATOR, prepareToDecide, readEvents, runPlain, stepOf, tempDir, withSession, writeRunbook } from '../fixtures/engine/scenario.js';

describe('GO lock: the decision', () => {
  it('refuses a NO-GO without a remediation plan (the GO lock, and already the answers file)', async () => {
    // Live: the lock refuses it and journals the refusal.
    await withSession({}, async (session) => {
      await prepareToDecide(session);
      const r = session.decide('decide', { option: 'no-go', confirmedText: 'NO-GO' });
      expect(r).toEqual({ ok: false, reasons: ['NO-GO needs a remediation plan'] });
      expect(eventsOf([...session.events], 'decision.refused')).toHaveLength(1);
    });
    // Scripted: the answers file is refused before any bundle exists.
    const dir = tempDir();
    const answers = { ...defaultAnswers(), decide: { option: 'no-go' } };
    writeFileSync(join(dir, 'answers.yaml'), stringify({ answers }));
    const r = await cli(['run', writeRunbook(dir), '--plain', '--answers', join(dir, 'answers.yaml'), '--evidence-dir', join(dir, 'evidence'), '--operator', OPERATOR]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/answers\.yaml:\d+:\d+: NO-GO needs a remediation plan/);
    expect(existsSync(join(dir, 'evidence'))).toBe(false);
  });

  it('records the `otherwise` NO-GO with its remediation when the GO is refused, and exits 1', async () => {
    const remediation = 'fix the producer suite, re-run it, sign again';
    const run = await runPlain({
      edit: (rb) => (stepOf(rb, 'producer-suite').run = ['false']),
      answers: (a) => (a.decide = { option: 'go-rehearsal', otherwise: { option: 'no-go', remediation } }),
    });
    expect(run.result.code).toBe(1);
    expect(run.result.stdout).toContain(`${LABEL.rehearsal} — REFUSED, the GO lock holds:`);
    expect(run.result.stdout).toContain(`Decision: NO-GO — remediation: ${remediation}`);
    expect(run.result.stdout).toContain('Outcome: NO-GO (REHEARSAL)');
    const refused = eventsOf(run.events, 'decision.refused');
    expect(refused.map((r) => r.option)).toEqual(['go-rehearsal']);
    const recorded = eventsOf(run.events, 'decision.recorded');
    expect(recorded.map((d) => ({ option: d.option, go: d.go, remediation: d.remediation, confirmed_text: d.confirmed_text }))).toEqual([{ option: 'no-go', go: false, remediation, confirmed_text: 'NO-GO' }]);
    // The refusal comes first, then the NO-GO, then the close.
    expect(recorded[0]!.seq).toBeGreaterThan(refused[0]!.seq);
    expect(eventsOf(run.events, 'run.closed')[0]?.outcome).toBe('NO-GO');
    const verified = await cliInProcess(['verify', run.bundle]);
    expect(verified.code, verified.stdout).toBe(0);
    expect(verified.stdout).toContain('outcome NO-GO');
  });

  it('refuses a decision whose typed confirmation is not exactly the label', async () => {
    await withSession({}, async (session) => {
      await prepareToDecide(session);
      expect(session.gate('decide', { option: 'go-rehearsal', confirmedText: LABEL.rehearsal })).toEqual([]);
      const decided = session.decide('decide', { option: 'go-rehearsal', confirmedText: 'GO' });
      // Also a NO-GO must be typed out.
      const noGo = session.decide('decide', { option: 'no-go', confirmedText: 'no-go', remediation: 'retry tomorrow' });
      expect(noGo).toEqual({ ok: false, reasons: ['the choice must be confirmed by typing "NO-GO" exactly'] });
      await finish(session);
      await expectRefusedGo({ bundle: session.bundleDir, decided, option: 'go-rehearsal' }, `the choice must be confirmed by typing "${LABEL.rehearsal}" exactly`);
      expect(eventsOf(readEvents(session.bundleDir), 'decision.recorded')).toEqual([]);
    });
  });
});
