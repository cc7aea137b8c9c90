// Fixes of the shipped rollback runbook, each on real files and processes:
// lint warns (file:line:col) when " #" cuts a plain description short; the
// consumer handoff step's output assertions fail a script that prints
// "validation skipped" and exits 0 (the payload absent at the baseline).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readFileSync } from 'node:fs';
import type { CommandStep, Runbook } from '../../src/runbook/types.js';
import { cli, REPO } from '../helpers/cli.js';
import { stepOf, tempDir, withSession } from '../fixtures/engine/scenario.js';

const ROLLBACK = join(REPO, 'checklists', 'service-v3-rollback.yaml');

describe('lint: a plain text cut by " #"', () => {
  it('warns at the # with the fix (quote the string) and still exits 0; the shipped runbooks have no such cut', async () => {
    const dir = tempDir();
    const file = join(dir, 'cut.yaml');
    const text = readFileSync(ROLLBACK, 'utf8').replace(
      "    description: 'The incident channel named at the go/no-go meeting (e.g. #memorykernel-service-v3-cutover).'",
      '    description: The incident channel named at the go/no-go meeting (e.g. #memorykernel-service-v3-cutover).',
    );
    writeFileSync(file, text);
    const line = text.split('\n').findIndex((l) => l.includes('(e.g. #memorykernel')) + 1;
    const col = text.split('\n')[line - 1]!.indexOf('#') + 1;
    const r = await cli(['lint', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${file}: ok (1 warning(s))`);
    expect(r.stderr).toContain(`${file}:${line}:${col}: warning: the description is cut at " #": YAML reads "#memorykernel-service-v3-cutover)." as a comment, so the text ends at "…nnel named at the go/no-go meeting (e.g."`);
    expect(r.stderr).toContain('hint: quote the string');
    const json = JSON.parse((await cli(['lint', file, '--json'])).stdout) as { files: { warnings: { line: number; col: number }[] }[] };
    expect(json.files[0]!.warnings.map((w) => [w.line, w.col])).toEqual([[line, col]]);

    const shipped = await cli(['lint', ROLLBACK, join(REPO, 'checklists/service-v3-cutover-day.yaml'), join(REPO, 'checklists/demo/demo.yaml')]);
    expect(shipped.code).toBe(0);
    expect(shipped.stderr).not.toContain('warning');
  });
});

describe('the consumer handoff step of the rollback runbook', () => {
  const shipped = parse(readFileSync(ROLLBACK, 'utf8')) as Runbook;
  const handoff = shipped.sections.flatMap((s) => s.steps).find((s) => s.id === 'consumer-baseline-handoff') as CommandStep;

  it('fails when the script prints "validation skipped" and exits 0, and passes a real validation', async () => {
    for (const [printed, status] of [['MemoryKernel handoff payload: validation skipped (payload not found)', 'failed'], ['MemoryKernel handoff payload validation passed', 'passed']] as const) {
      await withSession({ edit: (rb) => Object.assign(stepOf(rb, 'producer-suite'), { run: [process.execPath, '-e', `console.log(${JSON.stringify(printed)})`], expect: handoff.expect }) }, async (session) => {
        expect((await session.runStep('producer-suite')).ok).toBe(true);
        const st = session.state.steps['producer-suite']!;
        expect(st.status).toBe(status);
        if (status === 'failed') expect(st.attempts[0]!.failure).toContain('stdout does not contain "validation skipped"');
      });
    }
  });
});

describe('a rollback runbook reads from the target back to the baseline', () => {
  it('in cutover plan (direction:), while a cutover runbook reads baseline → target', async () => {
    const dir = tempDir();
    const rollback = await cli(['plan', ROLLBACK, '--var', `producer_root=${dir}`, '--var', `consumer_root=${dir}`]);
    expect(rollback.stdout).toContain('direction: rollback v0.4.0 7e4806a → v0.3.2 cf33144 (a rollback runbook: from the target back to the baseline)');
    const cutover = await cli(['plan', join(REPO, 'checklists', 'service-v3-cutover-day.yaml'), '--var', `producer_root=${dir}`, '--var', `consumer_root=${dir}`]);
    expect(cutover.stdout).toContain('direction: v0.3.2 cf33144 → v0.4.0 7e4806a\n');
  });
});
