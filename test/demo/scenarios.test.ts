// Every shipped demo scenario on a real copy: its edits change what it says,
// the sandbox program it names fails with the message it names, and running
// the demo's automated steps fails exactly the steps it lists — the failure
// is real, not a flag. Its answers end the rehearsal with a NO-GO.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { listScenarios, parseJsonPath, prepareDemo, type PreparedDemo, type ScenarioEdit } from '../../src/demo/prepare.js';
import { PACKAGE_ROOT } from '../shipped/cli.js';
import { failed, hashTree, loadDemoRunbook, runAutomatedSteps, runSandbox } from './sandbox.js';

const DEMO = join(PACKAGE_ROOT, 'checklists', 'demo');
const demoRunbook = loadDemoRunbook(join(DEMO, 'demo.yaml'));
const stepIds = new Set(demoRunbook.sections.flatMap((s) => s.steps.map((x) => x.id)));
const triggerIds = (demoRunbook.triggers ?? []).map((t) => t.id);

function readAt(doc: unknown, path: string): unknown {
  return parseJsonPath(path).reduce<unknown>((cur, k) => (cur as Record<string | number, unknown>)?.[k], doc);
}

describe.each(listScenarios(PACKAGE_ROOT).map((s) => [s.name]))('scenario %s', (name) => {
  const packageHashBefore = hashTree(DEMO);
  const raw = parse(readFileSync(join(DEMO, 'scenarios', `${name}.yaml`), 'utf8')) as { edits: ScenarioEdit[]; answers?: Record<string, unknown> };
  let tmpRoot: string;
  let demo: PreparedDemo;
  beforeAll(async () => {
    tmpRoot = mkdtempSync(join(tmpdir(), `cutover-scenario-${name}-`));
    demo = await prepareDemo({ packageRoot: PACKAGE_ROOT, tmpRoot, scenario: name });
  });
  afterAll(() => {
    rmSync(tmpRoot, { recursive: true, force: true });
  });

  it('names a trigger of the matrix and step ids of the demo', () => {
    expect(demo.scenario?.name).toBe(name);
    expect(triggerIds).toContain(demo.scenario!.expect.trigger);
    expect(demo.scenario!.expect.outcome).toBe('NO-GO');
    expect(demo.scenario!.expect.failing_steps.length).toBeGreaterThan(0);
    for (const id of demo.scenario!.expect.failing_steps) expect(stepIds).toContain(id);
  });

  it('really changes the files it says, in the copy only', () => {
    for (const edit of raw.edits) {
      const original = join(DEMO, 'workspace', edit.file);
      const copy = join(demo.workDir, 'workspace', edit.file);
      expect(existsSync(original)).toBe(true);
      if ('delete' in edit) {
        expect(existsSync(copy)).toBe(false);
      } else if ('replace' in edit) {
        const text = readFileSync(copy, 'utf8');
        expect(text).toContain(edit.replace.to);
        expect(text).not.toContain(edit.replace.from);
        expect(readFileSync(original, 'utf8')).toContain(edit.replace.from);
      } else {
        const value = edit.json_set.value;
        expect(readAt(JSON.parse(readFileSync(copy, 'utf8')), edit.json_set.path)).toEqual(value);
        expect(readAt(JSON.parse(readFileSync(original, 'utf8')), edit.json_set.path)).not.toEqual(value);
      }
    }
    expect(hashTree(DEMO)).toBe(packageHashBefore);
  });

  it('makes the sandbox program it names fail with the message it names', () => {
    expect(demo.scenario!.expect.sandbox.length).toBeGreaterThan(0);
    for (const s of demo.scenario!.expect.sandbox) {
      const r = runSandbox(join(demo.workDir, 'workspace', s.workspace), s.run);
      for (const text of s.output_contains) expect(r.output).toContain(text);
      expect(r.code).toBe(s.exit_code);
    }
  });

  it('fails exactly the demo steps it lists, and no other', async () => {
    const results = await runAutomatedSteps(demo);
    expect(failed(results).sort()).toEqual([...demo.scenario!.expect.failing_steps].sort());
  });

  it('asks for the GO and falls back to NO-GO with a remediation plan, keeping the other answers', () => {
    for (const id of Object.keys(raw.answers ?? {})) expect(stepIds).toContain(id);
    const answers = (parse(readFileSync(demo.answersPath, 'utf8')) as { answers: Record<string, Record<string, unknown>> }).answers;
    const decision = answers['go-no-go'] as { option: string; otherwise: { option: string; remediation: string } };
    expect(decision.option).toBe('go-rehearsal');
    expect(decision.otherwise.option).toBe('no-go');
    expect(decision.otherwise.remediation.length).toBeGreaterThan(40);
    expect(answers['joint-signoff']).toEqual({ producer_approver: 'Priya Raman', consumer_approver: 'Tomás Álvarez' });
  });
});

describe('the scenarios together', () => {
  it('cover the drift and envelope triggers at least, each scenario a different trigger', () => {
    const triggers = listScenarios(PACKAGE_ROOT).map((s) => (parse(readFileSync(join(DEMO, 'scenarios', `${s.name}.yaml`), 'utf8')) as { expect: { trigger: string } }).expect.trigger);
    expect(triggers).toEqual(expect.arrayContaining(['payload-field-drift', 'envelope-shape-mismatch']));
    expect(new Set(triggers).size).toBe(triggers.length);
  });

  it('the drift scenario gives the producer a different commit than the clean sandbox', async () => {
    const tmpRoot = mkdtempSync(join(tmpdir(), 'cutover-scenario-commit-'));
    try {
      const clean = await prepareDemo({ packageRoot: PACKAGE_ROOT, tmpRoot });
      const drift = await prepareDemo({ packageRoot: PACKAGE_ROOT, tmpRoot, scenario: 'drift' });
      expect(drift.vars.producer_commit).not.toBe(clean.vars.producer_commit);
    } finally {
      rmSync(tmpRoot, { recursive: true, force: true });
    }
  });
});

describe('cutover demo --list', () => {
  it('lists every scenario, the signed one too, each description starting in the same column', async () => {
    const { cli } = await import('../helpers/cli.js');
    const r = await cli(['demo', '--list']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    const names = [...listScenarios(PACKAGE_ROOT).map((s) => s.name), 'signed'];
    expect(lines.map((l) => l.split(' ')[0])).toEqual(names);
    // The description starts where the longest name (fallback-regression) plus two spaces ends, on every line.
    const column = Math.max(...names.map((n) => n.length)) + 2;
    for (const line of lines) expect(line.slice(column - 2, column + 1)).toMatch(/^ {2}\S$/);
  });
});
