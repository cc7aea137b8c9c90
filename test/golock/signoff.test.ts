// GO rule 3: every required role signed, each by a different person, none of
// them the operator who started the run.
import { describe, expect, it } from 'vitest';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { cli } from '../helpers/cli.js';
import { expectAcceptedGo } from './expect.js';
import { defaultAnswers, OPERATOR, prepareToDecide, runPlain, stepOf, tempDir, withSession, writeRunbook } from '../fixtures/engine/scenario.js';

/**
 * A scripted run whose answers break the sign-off rules is refused before it
 * starts (issue 11): exit 2, the answers file's position, no bundle. The GO
 * lock itself is held to the same rules in-process below (withSession).
 */
async function refusedAtStart(sign: Record<string, string>, operator = OPERATOR) {
  const dir = tempDir();
  const answersFile = join(dir, 'answers.yaml');
  writeFileSync(answersFile, stringify({ answers: { ...defaultAnswers(), sign } }));
  const evidence = join(dir, 'evidence');
  const result = await cli(['run', writeRunbook(dir), '--plain', '--answers', answersFile, '--evidence-dir', evidence, '--operator', operator, '--mode', 'rehearsal']);
  expect(result.code, result.stdout + result.stderr).toBe(2);
  expect(existsSync(evidence), 'a bundle was started').toBe(false);
  return result.stderr;
}

describe('GO lock: distinct approvers', () => {
  it('refuses answers where the same person signs both approver roles, before the run starts', async () => {
    expect(await refusedAtStart({ pa: 'Alice Approver', ca: 'Alice Approver' })).toMatch(/answers\.yaml:\d+:\d+: Alice Approver would sign "sign" as both pa and ca; each role needs a different person/);
  });

  it('treats "Alice" and " alice" as the same person', async () => {
    expect(await refusedAtStart({ pa: 'Alice', ca: ' alice' })).toContain('would sign "sign" as both pa and ca');
    await withSession({}, async (session) => {
      await prepareToDecide(session);
      session.sign('sign', 'pa', 'Alice');
      session.sign('sign', 'ca', ' alice');
      const r = session.decide('decide', { option: 'go-rehearsal', confirmedText: 'GO (rehearsal continuation)' });
      expect(r.ok ? [] : r.reasons).toContain('Alice signed as both Producer approver and Consumer approver; each role needs a different person');
    });
  });

  it('never lets one person sign both roles of a sign-off that locks a GO, even with distinct: false', async () => {
    // The runbook is refused by lint before anything runs...
    await expect(runPlain({ edit: (rb) => (stepOf(rb, 'sign').distinct = false), answers: (a) => (a.sign = { pa: 'Alice', ca: 'Alice' }) })).rejects.toThrow();
    // ...and the lock itself holds too, for a runbook that got past lint some other way.
    await withSession({}, async (session) => {
      await prepareToDecide(session);
      (session.runbook.sections.flatMap((sec) => sec.steps).find((st) => st.id === 'sign') as { distinct?: boolean }).distinct = false;
      session.sign('sign', 'pa', 'Alice');
      session.sign('sign', 'ca', 'alice');
      const r = session.decide('decide', { option: 'go-rehearsal', confirmedText: 'GO (rehearsal continuation)' });
      expect(r.ok).toBe(false);
      expect(r.ok ? [] : r.reasons).toContain('Alice signed as both Producer approver and Consumer approver; each role needs a different person');
    });
  });

  it('sees through invisible characters in a name', async () => {
    expect(await refusedAtStart({ pa: 'Al\u00adice', ca: 'A\u200blice' })).toContain('would sign "sign" as both pa and ca');
  });
});

describe('GO lock: the operator may not approve', () => {
  it('refuses answers where the operator who starts the run signs (any case or spacing), before the run starts', async () => {
    expect(await refusedAtStart({ pa: `  ${OPERATOR.toUpperCase()} `, ca: 'Marco Consumer' })).toContain(`would sign "sign" as pa, but is the operator of this run (${OPERATOR})`);
    await withSession({}, async (session) => {
      await prepareToDecide(session);
      session.sign('sign', 'pa', `  ${OPERATOR.toUpperCase()} `);
      session.sign('sign', 'ca', 'Marco Consumer');
      const r = session.decide('decide', { option: 'go-rehearsal', confirmedText: 'GO (rehearsal continuation)' });
      expect(r.ok ? [] : r.reasons).toContain(`${OPERATOR.toUpperCase()} is the operator who started this run and may not sign as Producer approver`);
    });
  });

  it('allows the operator to sign when the runbook says exclude_operator: false', async () => {
    const run = await runPlain({
      edit: (rb) => (stepOf(rb, 'sign').exclude_operator = false),
      answers: (a) => (a.sign = { pa: OPERATOR, ca: 'Marco Consumer' }),
    });
    await expectAcceptedGo(run.bundle, run.result, 'go-rehearsal');
  });
});
