// Issue 13A: the answers file's `triggers:` — severity (never below the
// matrix minimum), identified_at, and clear: true with a reason — checked
// before the run starts, each problem with file:line:col and its fix.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRunbook } from '../../src/runbook/load.js';
import { loadAnswers } from '../../src/session/answers.js';
import { workspace, writeYaml } from './fixture.js';

function load(triggers: unknown[]): () => ReturnType<typeof loadAnswers> {
  const ws = workspace();
  const rb = loadRunbook(ws.cutover);
  if (!rb.ok) throw new Error('fixture runbook invalid');
  const file = writeYaml(join(ws.dir, 'answers.yaml'), { answers: { rc: true }, triggers });
  return () => loadAnswers(file, rb.loaded.runbook);
}

describe('answers file triggers:', () => {
  it('takes severity, identified_at and clear entries', () => {
    const a = load([
      { id: 'payload-drift', after: 'rc', note: 'drift', severity: 'SEV-1', identified_at: '2026-03-02T13:55:00Z' },
      { id: 'payload-drift', after: 'notify', clear: true, note: 'fixed and re-verified' },
    ])();
    expect(a.triggers).toEqual([
      { id: 'payload-drift', after: 'rc', note: 'drift', severity: 'SEV-1', identified_at: '2026-03-02T13:55:00Z' },
      { id: 'payload-drift', after: 'notify', note: 'fixed and re-verified', clear: true },
    ]);
  });

  it('refuses, with line and column, a severity below the minimum, a future time, a typo, an unknown key, a clear without a reason', () => {
    const run = load([
      { id: 'envelope-mismatch', note: 'x', severity: 'SEV-2' },
      { id: 'envelope-mismatch', note: 'x', identified_at: '2999-01-01T00:00:00Z' },
      { id: 'envelope-mismach', note: 'x' },
      { id: 'envelope-mismatch', note: 'x', severty: 'SEV-1' },
      { id: 'envelope-mismatch', clear: true },
    ]);
    let message = '';
    try {
      run();
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('5 problems');
    expect(message).toMatch(/answers\.yaml:\d+:\d+: trigger "envelope-mismatch": severity SEV-2 is below the matrix minimum SEV-1/);
    expect(message).toMatch(/answers\.yaml:\d+:\d+: trigger "envelope-mismatch": the identification time \S+ is in the future/);
    expect(message).toContain('"envelope-mismach" is not a trigger of runbook mini-cut');
    expect(message).toContain('did you mean "envelope-mismatch"');
    expect(message).toMatch(/unknown key "severty"/);
    expect(message).toContain('needs a `note` giving the reason it is cleared');
  });
});
