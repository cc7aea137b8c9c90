// Attack review, class 8: names. One person must not become two by a tab,
// a newline, full-width letters or case folding, and a name nobody can see
// must not sign at all. The rules live in one function (src/shared/names.ts)
// that the answers file, the session, the GO lock and `cutover verify`'s
// replay of the GO lock all use, so each is attacked here through its own door.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { cli } from '../helpers/cli.js';
import { cliInProcess } from '../helpers/cli-in-process.js';
import { defaultAnswers, eventsOf, LABEL, OPERATOR, prepareToDecide, readEvents, runPlain, tempDir, withSession, writeRunbook } from '../fixtures/engine/scenario.js';
import { rechain, resummarize, writeJournal } from '../evidence/forge.js';

const SAME_PERSON = 'signed as both Producer approver and Consumer approver; each role needs a different person';

/** `cutover run --plain` with the answers given, expected to stop before any bundle exists. */
async function refusedBeforeStart(answers: Record<string, unknown>, operator = OPERATOR) {
  const dir = tempDir();
  const answersFile = join(dir, 'answers.yaml');
  writeFileSync(answersFile, stringify({ answers }));
  const result = await cli(['run', writeRunbook(dir), '--plain', '--answers', answersFile, '--evidence-dir', join(dir, 'evidence'), '--operator', operator, '--mode', 'rehearsal']);
  expect(result.code, result.stdout + result.stderr).toBe(2);
  expect(result.stderr).not.toMatch(/internal error|\n\s+at /);
  expect(existsSync(join(dir, 'evidence')), 'a bundle was started').toBe(false);
  return result;
}

describe('one person, however the name is typed', () => {
  it('refuses "Priya Producer" and "priya<TAB>PRODUCER" as two approvers before the run starts (a real plain run)', async () => {
    // The answers file is held to the GO lock's sign-off rules before anything is written (issue 11).
    const result = await refusedBeforeStart({ ...defaultAnswers(), sign: { pa: 'Priya Producer', ca: 'priya\tPRODUCER' } });
    expect(result.stderr).toMatch(/answers\.yaml:\d+:\d+: Priya Producer would sign "sign" as both pa and ca; each role needs a different person/);
  });

  it.each([
    ['a newline', 'Priya Producer', 'Priya\nProducer'],
    ['CR LF and a vertical tab', 'Priya Producer', 'Priya\r\n\u000bProducer'],
    ['full-width letters and a line separator', 'Priya Producer', 'Ｐｒｉｙａ\u2028Producer'],
    ['ß written as SS', 'Jürgen Strauß', 'JÜRGEN STRAUSS'],
    ['a zero-width space and a soft hyphen', 'Priya Producer', 'Pri\u200bya Pro\u00adducer'],
  ])('refuses a GO when the second approver is the first with %s', async (_what, first, second) => {
    await withSession({}, async (session) => {
      await prepareToDecide(session);
      expect(session.sign('sign', 'pa', first).ok).toBe(true);
      expect(session.sign('sign', 'ca', second).ok).toBe(true);
      const decided = session.decide('decide', { option: 'go-rehearsal', confirmedText: LABEL.rehearsal });
      expect(decided.ok ? [] : decided.reasons).toEqual(expect.arrayContaining([expect.stringContaining(SAME_PERSON)]));
      const names = eventsOf(readEvents(session.bundleDir), 'signoff.recorded').map((e) => e.name);
      for (const name of names) expect(name).not.toMatch(/[\p{Cc}\u2028]/u);
    });
  });

  it('refuses the operator whose --operator had a tab in it as an approver, before the run starts', async () => {
    const result = await refusedBeforeStart({ ...defaultAnswers(), sign: { pa: 'olga operator', ca: 'Marco Consumer' } }, 'Olga\tOperator');
    expect(result.stderr).toContain('olga operator would sign "sign" as pa, but is the operator of this run (Olga Operator)');
  });
});

describe('a name without a visible letter never signs', () => {
  it.each([
    ['a zero-width space', '\u200b'],
    ['a Hangul filler (U+3164)', '\u3164'],
    ['a blank Braille pattern (U+2800)', '\u2800'],
    ['a lone combining mark', '\u0301'],
    ['invisible characters and spaces', '\u200b \u3164\t\u2800 '],
    ['spaces only', '   '],
  ])('the answers file is refused with the position of a name that is %s', async (_what, name) => {
    const result = await refusedBeforeStart({ ...defaultAnswers(), sign: { pa: 'Priya Producer', ca: name } });
    expect(result.stderr).toMatch(/answers\.yaml:\d+:\d+: the name signing "sign" as ca (".*" has no visible letter|is empty)/);
  });

  it('the answers file is refused for a name mixing Cyrillic and Latin letters ("Рriya" with a Cyrillic Р)', async () => {
    const result = await refusedBeforeStart({ ...defaultAnswers(), sign: { pa: 'Priya Producer', ca: '\u0420riya Producer' } });
    expect(result.stderr).toMatch(/answers\.yaml:\d+:\d+: the name signing "sign" as ca "Рriya Producer" mixes letters of Cyrillic and Latin/);
  });

  it('an --operator without a visible letter is refused before the bundle exists', async () => {
    const result = await refusedBeforeStart(defaultAnswers(), '\u3164\u200b');
    expect(result.stderr).toContain('the operator\'s name (--operator) "\\u{3164}\\u{200b}" has no visible letter');
    expect(result.stderr).toContain('--operator "First Last"');
  });

  it.each(['\u3164', '\u2800\u200b', '   ', '\u0422om Smith'])('the session refuses to record the signature %j (the screen\'s path)', async (name) => {
    await withSession({}, async (session) => {
      await prepareToDecide(session);
      const before = eventsOf(readEvents(session.bundleDir), 'signoff.recorded').length;
      const r = session.sign('sign', 'ca', name);
      expect(r.ok).toBe(false);
      expect(r.ok ? '' : r.reasons.join(' ')).toMatch(/the signer's name .*(no visible letter|is empty|mixes letters)/);
      expect(eventsOf(readEvents(session.bundleDir), 'signoff.recorded')).toHaveLength(before);
    });
  });
});

describe('cutover verify replays the name rules', () => {
  it.each([
    ['the producer approver again, with a tab', 'Priya\tProducer', SAME_PERSON],
    ['a Hangul filler', '\u3164', 'has no visible letter'],
  ])('catches a GO whose consumer sign-off was forged to %s', async (_what, forged, reason) => {
    const run = await runPlain({ answers: (a) => (a.sign = { pa: 'Priya Producer', ca: 'Marco Consumer' }) });
    expect(run.result.code, run.result.stdout).toBe(0);
    expect((await cliInProcess(['verify', run.bundle])).code).toBe(0);
    const events = readEvents(run.bundle).map((e) => (e.type === 'signoff.recorded' && e.role === 'ca' ? { ...e, name: forged } : e));
    writeJournal(run.bundle, rechain(events));
    await resummarize(run.bundle);
    const verified = await cliInProcess(['verify', run.bundle]);
    expect(verified.code, verified.stdout).toBe(1);
    expect(verified.stdout).toContain('would not have been allowed by the GO lock');
    expect(verified.stdout).toContain(reason);
  });
});
