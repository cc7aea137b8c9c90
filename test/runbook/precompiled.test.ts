// The shipped runbooks are read when the package is built (dist/runbooks.json,
// scripts/precompile-runbooks.mjs); a runbook whose bytes are a shipped one's
// gets that data instead of a parse (src/runbook/precompiled.ts). Checked
// here: the table is what the reader itself makes of every shipped runbook,
// no other bytes ever match, each use gets its own copy, and a diagnostic on
// a shipped runbook (its rollback file missing beside a copy) is placed as
// when the file is parsed.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { precompiledData, type PrecompiledTable } from '../../src/runbook/precompiled.js';
import { readRunbookSource } from '../../src/runbook/source.js';
import { semanticDiagnostics } from '../../src/runbook/semantics.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'cutover-precompiled-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SHIPPED = ['checklists/service-v3-cutover-day.yaml', 'checklists/service-v3-rollback.yaml', 'checklists/demo/demo.yaml', 'checklists/demo/rollback.yaml'];
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
let built: PrecompiledTable;

beforeAll(async () => {
  // @ts-expect-error: a build script (plain .mjs, no types)
  const { precompiledTable } = (await import('../../scripts/precompile-runbooks.mjs')) as { precompiledTable: (root: string) => Promise<PrecompiledTable> };
  built = await precompiledTable(root);
});

describe('the table of shipped runbooks', () => {
  it('holds every shipped runbook, keyed by its bytes, as the reader parses it (and the build wrote the same)', () => {
    expect(Object.keys(built).sort()).toEqual(SHIPPED.map((f) => sha(readFileSync(join(root, f)))).sort());
    for (const f of SHIPPED) {
      const read = readRunbookSource(join(root, f)); // from src/: no table beside the module, a real parse
      expect(read.ok).toBe(true);
      if (read.ok) expect(precompiledData(readFileSync(join(root, f)), built)).toEqual(read.source.data);
    }
    // `npm test` builds first (pretest): the program's own table is this one.
    expect(JSON.parse(readFileSync(join(root, 'dist', 'runbooks.json'), 'utf8'))).toEqual(built);
    // Answers files and scenario fragments are not runbooks: never in it.
    const others = readdirSync(join(root, 'checklists', 'demo')).filter((f) => f.endsWith('.yaml') && !['demo.yaml', 'rollback.yaml'].includes(f));
    expect(others.length).toBeGreaterThan(0);
    for (const f of others) expect(precompiledData(readFileSync(join(root, 'checklists', 'demo', f)), built)).toBeUndefined();
  });

  it('matches no other bytes: one byte more, a changed byte, and each use gets a copy of its own', () => {
    const bytes = readFileSync(join(root, 'checklists/demo/demo.yaml'));
    expect(precompiledData(Buffer.concat([bytes, Buffer.from('\n')]), built)).toBeUndefined();
    const changed = Buffer.from(bytes);
    changed.writeUInt8(changed.readUInt8(changed.length - 2) ^ 1, changed.length - 2);
    expect(precompiledData(changed, built)).toBeUndefined();
    const first = precompiledData(bytes, built) as { title: string };
    first.title = 'changed by a caller';
    expect((precompiledData(bytes, built) as { title: string }).title).not.toBe('changed by a caller');
    expect(precompiledData(bytes, null)).toBeUndefined();
  });

  it('places a diagnostic on a shipped runbook where a parse places it (the document is parsed when asked for)', () => {
    // The demo runbook alone, without the rollback runbook it names: a semantic problem on data from the table.
    const alone = join(dir, 'demo.yaml');
    copyFileSync(join(root, 'checklists/demo/demo.yaml'), alone);
    const parsed = readRunbookSource(alone);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const expected = semanticDiagnostics(parsed.source, { checkRollbackPath: true });
    expect(expected.map((d) => d.message).join('\n')).toMatch(/rollback runbook "rollback.yaml" does not exist/);
    // The program (dist/, with its table) says the same, at the same line and column.
    const lint = (file: string) => {
      try {
        execFileSync(process.execPath, [join(root, 'dist', 'cli.js'), 'lint', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
        return '';
      } catch (err) {
        return String((err as { stderr?: string; stdout?: string }).stdout ?? '') + String((err as { stderr?: string }).stderr ?? '');
      }
    };
    const where = `${alone}:${expected[0]!.line}:${expected[0]!.col}`;
    expect(lint(alone)).toContain(where);
    // The same bytes plus a comment (not in the table, parsed): the same place.
    const edited = join(dir, 'edited.yaml');
    writeFileSync(edited, `${readFileSync(alone, 'utf8')}# edited\n`);
    expect(lint(edited)).toContain(`${edited}:${expected[0]!.line}:${expected[0]!.col}`);
  });
});
