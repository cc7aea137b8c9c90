// The architecture of DESIGN §8, checked on the source: imports point one
// way only — cli → ui/plain → session → checks/evidence/runner → engine →
// runbook, with the neutral shared modules at the bottom — and every source
// file stays small enough to read in one go.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers/cli.js';

const SRC = join(REPO, 'src');

/** The folders each layer may import from (besides itself). */
const MAY_IMPORT: Record<string, string[]> = {
  shared: [],
  runbook: ['shared'],
  engine: ['runbook', 'shared'],
  checks: ['engine', 'runbook', 'shared'],
  signoff: ['engine', 'runbook', 'shared'],
  evidence: ['signoff', 'engine', 'runbook', 'shared'],
  runner: ['engine', 'runbook', 'shared'],
  session: ['signoff', 'checks', 'evidence', 'runner', 'engine', 'runbook', 'shared'],
  demo: ['runbook', 'shared'],
  plain: ['signoff', 'session', 'checks', 'evidence', 'runner', 'engine', 'runbook', 'shared'],
  ui: ['signoff', 'session', 'checks', 'evidence', 'runner', 'engine', 'runbook', 'shared'],
  cli: ['ui', 'signoff', 'plain', 'demo', 'session', 'checks', 'evidence', 'runner', 'engine', 'runbook', 'shared'],
};

/** Files directly in src/: the entry point is the CLI, version.ts is shared. */
const TOP_LEVEL: Record<string, string> = { 'cli.ts': 'cli', 'version.ts': 'shared' };

function sourceFiles(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return /\.(ts|tsx)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [full] : [];
  });
}

function layerOf(file: string): string {
  const rel = relative(SRC, file).split('/');
  return rel.length === 1 ? TOP_LEVEL[rel[0]!] ?? 'unknown' : rel[0]!;
}

/** Relative module specifiers of static imports, re-exports and dynamic imports. */
function importsOf(text: string): string[] {
  const specs: string[] = [];
  for (const m of text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^\s*import\s+)'(\.{1,2}\/[^']+)'/gm)) specs.push(m[1]!);
  return specs;
}

describe('the source architecture', () => {
  const files = sourceFiles();

  it('finds the source files and knows every layer', () => {
    expect(files.length).toBeGreaterThan(60);
    expect(files.filter((f) => !(layerOf(f) in MAY_IMPORT)).map((f) => relative(SRC, f))).toEqual([]);
  });

  it('imports point one way only (no folder imports a folder above it)', () => {
    const wrong: string[] = [];
    for (const file of files) {
      const from = layerOf(file);
      for (const spec of importsOf(readFileSync(file, 'utf8'))) {
        const target = resolve(dirname(file), spec);
        if (!target.startsWith(SRC)) continue; // schema/*.json and the like
        const to = layerOf(target.replace(/\.js$/, '.ts'));
        if (to !== from && !MAY_IMPORT[from]!.includes(to)) wrong.push(`${relative(SRC, file)} (${from}) imports ${spec} (${to})`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('no source file is over 300 lines', () => {
    const long = files
      .map((f) => ({ file: relative(SRC, f), lines: readFileSync(f, 'utf8').split('\n').length - 1 }))
      .filter((f) => f.lines > 300 && !f.file.includes('.generated'));
    expect(long).toEqual([]);
  });

  it('the plain path, lint, verify and check never import the screen', () => {
    const ui = files.filter((f) => layerOf(f) !== 'ui' && layerOf(f) !== 'cli').filter((f) => importsOf(readFileSync(f, 'utf8')).some((s) => s.includes('/ui/')));
    expect(ui.map((f) => relative(SRC, f))).toEqual([]);
  });
});
