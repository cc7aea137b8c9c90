// The output hub (issue: the conductor). A step prints 200 MB of test-runner
// output while a live view listens to the hub, as the interactive screen
// does. Goal: the capture costs ≤ 1.25× the same command `> file` (the
// capture timed by the journal, as in capture.bench.mjs), and the event loop
// never stalls more than 50 ms during it (perf_hooks.monitorEventLoopDelay),
// so keys stay responsive while a command floods its output.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { benchRunbook, median, root, timed } from './lib.mjs';

const WRITER = join(root, 'bench', 'fixtures', 'test-runner-output.mjs');
const SCRIPT = join(root, 'bench', 'fixtures', 'hub-capture.mts');
const LOADER = join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs');
const BYTES = 200_000_000;
const ROUNDS = 7;

function runbook(shellCommand) {
  return benchRunbook('bench-hub', 'Output hub benchmark', [`{ id: write, kind: command, title: Write the output, run: [sh, -c, ${JSON.stringify(shellCommand)}] }`]);
}

function hubRun(rb, evidence) {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, NODE_ENV: 'production' };
    delete env.CI;
    const child = spawn(process.execPath, ['--import', LOADER, SCRIPT, rb, evidence], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`hub-capture exited ${code}: ${err.slice(0, 500)}`))));
  });
}

export async function run() {
  const dir = mkdtempSync(join(tmpdir(), 'cutover-bench-hub-'));
  try {
    const command = `'${process.execPath}' '${WRITER}' ${BYTES}`;
    const rb = join(dir, 'rb.yaml');
    writeFileSync(rb, runbook(command));
    const ratios = [];
    const stalls = [];
    const direct = [];
    const ours = [];
    let flushes = 0;
    for (let i = 0; i < ROUNDS; i++) {
      const out = join(dir, 'direct.out');
      const d = (await timed('sh', ['-c', `${command} > '${out}'`])).ms;
      rmSync(out, { force: true });
      const evidence = join(dir, `ev-${i}`);
      const r = await hubRun(rb, evidence);
      rmSync(evidence, { recursive: true, force: true });
      direct.push(d);
      ours.push(r.captureMs);
      ratios.push(r.captureMs / d);
      stalls.push(r.maxStallMs);
      flushes = r.flushes;
    }
    const ms = (x) => `${x.toFixed(0)} ms`;
    const stall = median(stalls);
    return [
      { name: 'capture 200 MB with an output-hub subscriber vs command > file', ratio: median(ratios), goal: 1.25, detail: `median of ${ROUNDS} paired rounds; medians ${ms(median(ours))} vs ${ms(median(direct))}; ${flushes} flushes to the view` },
      { name: 'longest event-loop stall during that capture', value: stall.toFixed(0), unit: 'ms', goalText: '≤ 50 ms', pass: stall <= 50, detail: `median of the per-round maxima; worst round ${Math.max(...stalls).toFixed(0)} ms` },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
