// Attack review, class 8: decision labels. A Cyrillic "е" in
// "GO (runtimе cutover)" used to hide the option from the runtime-cutover
// rule (never in a rehearsal) and pass lint; two labels that read the same
// let the operator confirm one while meaning the other. Lint refuses both,
// with the label's line and column; a typed confirmation is compared as the
// eye reads it (spacing, Unicode form, invisible characters), case kept.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { cli } from '../helpers/cli.js';
import { cliInProcess } from '../helpers/cli-in-process.js';
import { defaultAnswers, LABEL, OPERATOR, prepareToDecide, stepOf, tempDir, withSession, writeRunbook, type RunbookDoc } from '../fixtures/engine/scenario.js';

function options(rb: RunbookDoc): Record<string, unknown>[] {
  return stepOf(rb, 'decide').options as Record<string, unknown>[];
}

async function lint(edit: (rb: RunbookDoc) => void) {
  const file = writeRunbook(tempDir(), edit);
  return { file, result: await cliInProcess(['lint', file]) };
}

describe('lint: decision labels', () => {
  it('refuses "GO (runtimе cutover)" with a Cyrillic е, which a rehearsal would otherwise record as a GO', async () => {
    const homoglyph = (rb: RunbookDoc) => {
      const runtime = options(rb).find((o) => o.id === 'go-runtime')!;
      runtime.label = 'GO (runtim\u0435 cutover)';
      runtime.id = 'go-cutover';
      delete runtime.modes;
    };
    const { result } = await lint(homoglyph);
    expect(result.code, result.stdout + result.stderr).toBe(2);
    expect(result.stdout + result.stderr).toMatch(/runbook\.yaml:\d+:\d+: the label of option "go-cutover" "GO \(runtimе cutover\)" mixes letters of Latin and Cyrillic/);
    // The attack it stops: a plain rehearsal run choosing that option recorded a GO.
    const dir = tempDir();
    writeFileSync(join(dir, 'answers.yaml'), stringify({ answers: { ...defaultAnswers(), decide: { option: 'go-cutover' } } }));
    const run = await cli(['run', writeRunbook(dir, homoglyph), '--plain', '--mode', 'rehearsal', '--answers', join(dir, 'answers.yaml'), '--operator', OPERATOR, '--evidence-dir', join(dir, 'evidence')]);
    expect(run.code, run.stdout + run.stderr).toBe(2);
    expect(run.stderr).toContain('mixes letters of Latin and Cyrillic');
    expect(existsSync(join(dir, 'evidence'))).toBe(false);
  });

  it.each([
    ['differ only in case', 'go (rehearsal continuation)'],
    ['differ only by a zero-width space', 'GO (rehearsal\u200b continuation)'],
    ['differ only in spacing and full-width letters', 'ＧＯ  (rehearsal continuation)'],
  ])('refuses two options whose labels %s', async (_what, label) => {
    const { result } = await lint((rb) => (options(rb).find((o) => o.id === 'go-runtime')!.label = label));
    expect(result.code).toBe(2);
    expect(result.stdout + result.stderr).toContain('option "go-runtime" has the label of option "go-rehearsal"');
  });

  it.each([
    ['an invisible character', 'NO-GO\u200b', /the label of option "no-go" "NO-GO\\u\{200b\}" has invisible, control or compatibility characters/],
    ['no visible letter', '\u2800', /the label of option "no-go" "\\u\{2800\}" has no visible letter/],
  ])('refuses a label with %s', async (_what, label, message) => {
    const { result } = await lint((rb) => (options(rb).find((o) => o.id === 'no-go')!.label = label));
    expect(result.code).toBe(2);
    expect(result.stdout + result.stderr).toMatch(message);
  });

  it('accepts the shipped labels and a label written in one other script', async () => {
    const { result } = await lint((rb) => (options(rb).find((o) => o.id === 'no-go')!.label = 'НЕТ (отказ)'));
    expect(result.code, result.stdout + result.stderr).toBe(0);
  });
});

describe('the typed confirmation of a label', () => {
  it.each([
    ['a tab for a space', 'GO (rehearsal\tcontinuation)'],
    ['full-width letters', 'ＧＯ (rehearsal continuation)'],
    ['a zero-width space', 'GO (rehearsal\u200b continuation)'],
  ])('reads as the label with %s', async (_what, typed) => {
    await withSession({}, async (session) => {
      await prepareToDecide(session);
      expect(session.gate('decide', { option: 'go-rehearsal', confirmedText: typed })).toEqual([]);
      expect(session.gate('decide', { option: 'go-rehearsal', confirmedText: typed.toLowerCase() })).toEqual([`the choice must be confirmed by typing "${LABEL.rehearsal}" exactly`]);
    });
  });
});
