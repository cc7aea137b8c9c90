// The fast paths (--version, --help, plain runs) must never load Ink or
// React: importing Ink alone costs ~420 ms. A module hook in the child
// records every module the CLI loads.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

describe('startup stays light', () => {
  it.each([[['--version']], [['--help']], [['lint', 'checklists/demo/demo.yaml']], [['run', '--help']]])('%j loads neither ink nor react', (args) => {
    const loaded = loadedModules(args);
    expect(loaded.some((u) => u.endsWith('/dist/cli.js'))).toBe(true);
    expect(loaded.filter((u) => /\/node_modules\/(ink|react|yoga-layout)\//.test(u))).toEqual([]);
  });

  it('--version loads no dependency at all, only our own chunks and node built-ins', () => {
    const loaded = loadedModules(['--version']).filter((u) => u.startsWith('file:'));
    expect(loaded.filter((u) => u.includes('/node_modules/') || !u.includes('/dist/'))).toEqual([]);
  });
});
