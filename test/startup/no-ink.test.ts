// The fast paths (--version, --help, lint, plan, verify, check and plain
// runs) must never load Ink or React: importing Ink alone costs ~420 ms.
// The bundle keeps the screen (Ink, React, zustand) in its own chunk,
// dist/ui-*.js, loaded only by the interactive path. A module hook in the
// child records every module the CLI loads.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'dist', 'cli.js');
const tmp = mkdtempSync(join(tmpdir(), 'cutover-startup-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const hooks = join(tmp, 'hooks.mjs');
writeFileSync(
  hooks,
  `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  appendFileSync(process.env.LOADED_LOG, url + '\\n');
  return next(url, context);
}`,
);
const register = join(tmp, 'register.mjs');
writeFileSync(register, `import { register } from 'node:module'; register(${JSON.stringify(`file://${hooks}`)});`);

function loadedModules(args: string[], cwd = root): string[] {
  const log = join(tmp, `loaded-${Math.random().toString(36).slice(2)}.log`);
  writeFileSync(log, '');
  const env: NodeJS.ProcessEnv = { ...process.env, LOADED_LOG: log };
  delete env.CI;
  try {
    execFileSync(process.execPath, ['--import', register, cli, ...args], { cwd, env, stdio: 'ignore' });
  } catch {
    // exit codes other than 0 are fine here; only the loaded modules matter
  }
  return readFileSync(log, 'utf8').split('\n').filter(Boolean);
}

/** The screen's chunk or Ink's own modules. */
const SCREEN = /\/dist\/ui-[^/]*\.js$|\/node_modules\/(ink|react|zustand|yoga-layout|@inkjs)\//;

/** Loaded bundle chunks that carry React (wherever esbuild put it). */
function withReact(loaded: string[]): string[] {
  return loaded.filter((u) => u.startsWith('file:') && u.includes('/dist/') && readFileSync(new URL(u), 'utf8').includes('Minified React error'));
}

describe('startup stays light', () => {
  it.each([
    [['--version']],
    [['--help']],
    [['lint', 'checklists/demo/demo.yaml']],
    [['plan', 'checklists/demo/demo.yaml']],
    [['run', '--help']],
    [['check', 'envelope', '--contract', 'v3', '--sample', 'checklists/demo/workspace/producer/contracts/integration/v1/samples/service-v3/400-validation-error.json']],
  ])('%j loads neither the screen nor ink nor react', (args) => {
    const loaded = loadedModules(args);
    expect(loaded.some((u) => u.endsWith('/dist/cli.js'))).toBe(true);
    expect(loaded.filter((u) => SCREEN.test(u))).toEqual([]);
    expect(withReact(loaded)).toEqual([]);
  });

  it('a plain demo run and the verify of its bundle never load the screen', () => {
    const evidence = join(tmp, 'evidence');
    const loaded = loadedModules(['demo', '--plain', '--evidence-dir', evidence]);
    expect(loaded.some((u) => /\/dist\/demo-[^/]*\.js$/.test(u))).toBe(true);
    expect(loaded.filter((u) => SCREEN.test(u))).toEqual([]);
    expect(withReact(loaded)).toEqual([]);
    const bundle = join(evidence, readdirSync(evidence).find((e) => !e.startsWith('.'))!); // not the demo's .demo-sandbox-*
    expect(loadedModules(['verify', bundle]).filter((u) => SCREEN.test(u))).toEqual([]);
  });

  it('the bundle has the screen chunk (so the checks above can fail)', () => {
    expect(readdirSync(join(root, 'dist')).some((f) => /^ui-.*\.js$/.test(f))).toBe(true);
  });

  it('--version loads no dependency at all, only our own chunks and node built-ins', () => {
    const loaded = loadedModules(['--version']).filter((u) => u.startsWith('file:'));
    expect(loaded.filter((u) => u.includes('/node_modules/') || !u.includes('/dist/'))).toEqual([]);
  });
});
