// Test helpers for the demo: a digest of a directory tree (to prove the
// package's files are never written), and a runner that executes the
// automated steps of a prepared demo runbook — its commands as real child
// processes and its checks through the built-in check registry — using the
// runbook's own resolution of vars, cwd and argv.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { BUILTIN_CHECKS } from '../../src/checks/index.js';
import type { PreparedDemo } from '../../src/demo/prepare.js';
import { loadRunbook } from '../../src/runbook/load.js';
import { resolveCheckParams, resolveCommand, resolveCwd, resolvePins, type RefContext } from '../../src/runbook/resolve.js';
import type { Runbook, Step } from '../../src/runbook/types.js';

/** sha256 over every file's relative path and bytes, in a stable order; `skip` names directories to leave out. */
export function hashTree(root: string, skip: string[] = []): string {
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!skip.includes(entry.name)) walk(full);
      } else {
        hash.update(`${relative(root, full)}\0`);
        hash.update(readFileSync(full));
      }
    }
  };
  walk(root);
  return hash.digest('hex');
}

export function loadDemoRunbook(file: string): Runbook {
  const loaded = loadRunbook(file);
  if (!loaded.ok) throw new Error(`${file} does not load: ${JSON.stringify(loaded.diagnostics)}`);
  return loaded.loaded.runbook;
}

export interface StepResult {
  passed: boolean;
  output: string;
}

/** Runs a sandbox program the way a scenario's `expect.sandbox` entry names it. */
export function runSandbox(workspaceDir: string, argv: string[]): { code: number | null; output: string } {
  const [cmd, ...args] = argv;
  const r = spawnSync(cmd === 'node' ? process.execPath : cmd!, args, { cwd: workspaceDir, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, output: `${r.stdout}${r.stderr}` };
}

/** Executes every command and check step of the prepared demo; manual steps are not automated. */
export async function runAutomatedSteps(demo: PreparedDemo): Promise<Map<string, StepResult>> {
  const rb = loadDemoRunbook(demo.runbookPath);
  const runbookDir = dirname(demo.runbookPath);
  const ctx: RefContext = { vars: demo.vars, run: { mode: 'rehearsal', operator: 'Demo Captain' }, ...resolvePins(rb, demo.vars) };
  const results = new Map<string, StepResult>();
  for (const step of rb.sections.flatMap((s) => s.steps)) {
    if (step.kind === 'command') results.set(step.id, runCommand(step, runbookDir, ctx));
    else if (step.kind === 'check') results.set(step.id, await runCheck(step, runbookDir, ctx));
  }
  return results;
}

function runCommand(step: Extract<Step, { kind: 'command' }>, runbookDir: string, ctx: RefContext): StepResult {
  const cmd = resolveCommand(step, runbookDir, ctx);
  const [exe, ...args] = cmd.argv!;
  const r = spawnSync(exe === 'node' ? process.execPath : exe!, args, { cwd: cmd.cwd, env: { ...process.env, ...cmd.env }, encoding: 'utf8', timeout: cmd.timeoutMs });
  const output = `${r.stdout}${r.stderr}`;
  let passed = r.status !== null && cmd.expectExit.includes(r.status);
  for (const text of step.expect?.stdout_contains ?? []) passed &&= r.stdout.includes(text);
  if (cmd.pinCommit) {
    const head = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: cmd.cwd, encoding: 'utf8' }).stdout.trim();
    passed &&= head === cmd.pinCommit;
  }
  return { passed, output };
}

async function runCheck(step: Extract<Step, { kind: 'check' }>, runbookDir: string, ctx: RefContext): Promise<StepResult> {
  const artifactDir = mkdtempSync(join(tmpdir(), 'cutover-check-artifacts-'));
  try {
    const outcome = await BUILTIN_CHECKS[step.check]!.run(resolveCheckParams(step, ctx), { cwd: resolveCwd(step.cwd, runbookDir, ctx), artifactDir });
    return { passed: outcome.passed, output: outcome.report };
  } finally {
    rmSync(artifactDir, { recursive: true, force: true });
  }
}

/** Ids of the steps that failed. */
export function failed(results: Map<string, StepResult>): string[] {
  return [...results].filter(([, r]) => !r.passed).map(([id]) => id);
}
