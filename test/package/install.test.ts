// The published package: `npm pack` of this repository, installed into an
// empty project from the tarball alone (no registry), runs. dist/ is one
// esbuild bundle holding every dependency, so the package declares none and
// the install adds nothing but cutover. Every docs/ and checklists/ path the
// program names in a hint is in the tarball.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIST, REPO } from '../helpers/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'cutover-package-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let packed: { files: { path: string }[]; filename: string };
const app = join(tmp, 'app');
const bin = join(app, 'node_modules', '.bin', 'cutover');

function run(args: string[], cwd = app) {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.CI;
  delete env.npm_lifecycle_event;
  return spawnSync(bin, args, { cwd, env, encoding: 'utf8', timeout: 170_000 });
}

beforeAll(() => {
  readFileSync(DIST); // npm test builds dist/ first; the tarball ships it as built
  const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], { cwd: REPO, encoding: 'utf8' });
  packed = (JSON.parse(out) as (typeof packed)[])[0]!;
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), '{ "name": "app", "private": true }\n');
  execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', join(tmp, packed.filename)], { cwd: app, encoding: 'utf8' });
}, 180_000);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

describe('the published package', () => {
  it('declares no dependencies (dist is self-contained) and installs nothing else', () => {
    const manifest = JSON.parse(readFileSync(join(app, 'node_modules', 'cutover', 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    expect(manifest.dependencies ?? {}).toEqual({});
    expect(readdirSync(join(app, 'node_modules')).filter((d) => !d.startsWith('.'))).toEqual(['cutover']);
  });

  it('holds every docs/ and checklists/ file the program names', () => {
    const inTarball = new Set(packed.files.map((f) => f.path));
    const named = new Set<string>();
    for (const file of sourceFiles(join(REPO, 'src'))) {
      for (const m of readFileSync(file, 'utf8').matchAll(/\b((?:docs|checklists)\/[\w./-]+\.(?:md|yaml))\b/g)) named.add(m[1]!);
    }
    expect(named.size).toBeGreaterThan(3);
    expect([...named].filter((p) => !inTarball.has(p))).toEqual([]);
  });

  it('runs from the install: --version, --help (naming where its docs are), lint of a shipped runbook', () => {
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };
    expect(run(['--version']).stdout.trim()).toBe(pkg.version);
    const help = run(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain(`  ${join(app, 'node_modules', 'cutover')}\n`);
    const lint = run(['lint', join(app, 'node_modules', 'cutover', 'checklists', 'service-v3-cutover-day.yaml')]);
    expect(lint.status, lint.stderr).toBe(0);
  });

  it('runs the demo end to end from the install (plain), GO in rehearsal', () => {
    const demo = run(['demo', '--plain', '--json']);
    expect(demo.status, demo.stderr).toBe(0);
    expect((JSON.parse(demo.stdout) as { outcome: string }).outcome).toBe('GO');
  }, 180_000);
});
