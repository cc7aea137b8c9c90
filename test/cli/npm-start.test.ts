// `npm install && npm start` in a clone runs the demo; `cutover` is not on
// the PATH there, so the commands it prints to copy must be `npx cutover …`.
// Run directly (or by any other npm script), they stay `cutover …`.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { commandName } from '../../src/shared/command-name.js';

const root = join(import.meta.dirname, '..', '..');
const tmp = mkdtempSync(join(tmpdir(), 'cutover-npm-start-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function demo(lifecycle: string | undefined): Promise<string> {
  const env: NodeJS.ProcessEnv = { ...process.env, CI: 'true' };
  if (lifecycle === undefined) delete env.npm_lifecycle_event;
  else env.npm_lifecycle_event = lifecycle;
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [join(root, 'dist/cli.js'), 'demo', '--plain', '--evidence-dir', join(tmp, lifecycle ?? 'direct')], { cwd: tmp, env, maxBuffer: 16 * 1024 * 1024 }, (_err, stdout) => resolve(stdout));
    child.stdin?.end();
  });
}

describe('the commands a run prints to copy', () => {
  it('say `npx cutover` under `npm start`, and `cutover` otherwise', async () => {
    const [started, direct] = await Promise.all([demo('start'), demo(undefined)]);
    expect(started).toMatch(/Verify it with: npx cutover verify \S+/);
    expect(direct).toMatch(/Verify it with: cutover verify \S+/);
    expect(commandName({ npm_lifecycle_event: 'test' })).toBe('cutover');
  }, 120_000);
});
