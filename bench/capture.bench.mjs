// Output capture. The goal: capturing a command's 200 MB of output in a
// plain `cutover run` costs ≤ 1.2× the same command writing to a file
// directly. The capture is timed by the journal, from the step's
// `step.started` to its `step.finished` event: spawning the command, reading,
// masking, hashing and writing every byte, fsyncing the logs and recording
// the result. The direct write is timed from spawning `sh -c 'command >
// file'` to its exit. The command is a test runner's worth of output
// (bench/fixtures/test-runner-output.mjs). Reported beside it: the whole run
// (adding start-up, runbook loading and closing the bundle, a fixed ~120 ms
// the startup benchmark covers), the same with a secret to mask, the fastest
// writer there is (`yes | head -c`), and the floor of any Node capture.
// Also: peak RSS of a plain run writing 1 GB (goal ≤ 100 MB), and `cutover
// verify` of a 200 MB bundle against `sha256sum -c SHA256SUMS` (≤ 1.2×).
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchRunbook, cli, median, root, timed } from './lib.mjs';

const LINE = 'cutover capture benchmark: a line of command output text 0123456789';
const WRITER = join(root, 'bench', 'fixtures', 'test-runner-output.mjs');
const BYTES = 200_000_000;

const firehose = (bytes) => `yes '${LINE}' | head -c ${bytes}`;
const testRunner = (bytes) => `'${process.execPath}' '${WRITER}' ${bytes}`;

function runbook(shellCommand) {
  return benchRunbook('bench-capture', 'Capture benchmark', [`{ id: write, kind: command, title: Write the output, run: [sh, -c, ${JSON.stringify(shellCommand)}] }`]);
}

let serial = 0;
async function capture(dir, shellCommand, env = {}) {
  const rb = join(dir, `rb-${++serial}.yaml`);
  writeFileSync(rb, runbook(shellCommand));
  const evidence = join(dir, `ev-${serial}`);
  const r = await timed(process.execPath, [cli, 'run', rb, '--plain', '--evidence-dir', evidence, '--operator', 'bench'], { rss: true, env });
  const bundle = join(evidence, readdirSync(evidence)[0]);
  const events = readFileSync(join(bundle, 'journal.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const at = (type) => Date.parse(events.find((e) => e.type === type).at);
  return { ...r, captureMs: at('step.finished') - at('step.started'), bundle, evidence };
}

/**
 * Round by round (interleaved, so drift in the machine's speed hits both
 * sides alike): `command > file`, then a plain run of it. Returns the median
 * of the per-round ratios of the capture to the direct write (r), and the
 * medians in ms of the direct write (d), the capture (o) and the whole run (w).
 */
async function compare(dir, shellCommand, rounds, env) {
  const direct = [];
  const ours = [];
  const whole = [];
  const ratios = [];
  for (let i = 0; i < rounds; i++) {
    const out = join(dir, 'direct.out');
    const d = (await timed('sh', ['-c', `${shellCommand} > '${out}'`])).ms;
    rmSync(out, { force: true });
    const c = await capture(dir, shellCommand, env);
    rmSync(c.evidence, { recursive: true, force: true });
    direct.push(d);
    ours.push(c.captureMs);
    whole.push(c.ms);
    ratios.push(c.captureMs / d);
  }
  return { r: median(ratios), rw: median(whole.map((w, i) => w / direct[i])), d: median(direct), o: median(ours), w: median(whole) };
}

export async function run() {
  const dir = mkdtempSync(join(tmpdir(), 'cutover-bench-'));
  try {
    const main = await compare(dir, testRunner(BYTES), 9);
    const fast = await compare(dir, firehose(BYTES), 5);
    const masked = await compare(dir, testRunner(BYTES), 3, { BENCH_API_TOKEN: 'bench-secret-0123456789' });

    // The floor of any Node program reading a child's pipe into a file
    // (stream pipeline, no hashing, no cutover), with the fastest writer.
    const floorScript = join(dir, 'floor.mjs');
    writeFileSync(
      floorScript,
      `import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
const child = spawn('sh', ['-c', process.argv[2]], { stdio: ['ignore', 'pipe', 'inherit'] });
await pipeline(child.stdout, createWriteStream(process.argv[3]));
`,
    );
    const floor = [];
    for (let i = 0; i < 5; i++) {
      const out = join(dir, 'floor.out');
      floor.push((await timed(process.execPath, [floorScript, firehose(BYTES), out])).ms);
      rmSync(out, { force: true });
    }
    const f = median(floor);

    const { bundle } = await capture(dir, firehose(BYTES));
    const sums = [];
    const ver = [];
    for (let i = 0; i < 3; i++) {
      sums.push((await timed('sh', ['-c', 'sha256sum -c --quiet SHA256SUMS'], { cwd: bundle })).ms);
      ver.push((await timed(process.execPath, [cli, 'verify', bundle])).ms);
    }
    const s = median(sums);
    const v = median(ver);

    const big = await capture(dir, firehose(1_000_000_000));
    const peakMb = big.peakKb / 1024;
    const ms = (x) => `${x.toFixed(0)} ms`;
    return [
      { name: 'capture 200 MB (test-runner output) in a plain run vs command > file', ratio: main.r, goal: 1.2, pass: main.r <= 1.2, detail: `median of 9 paired rounds; medians ${ms(main.o)} vs ${ms(main.d)}` },
      { name: 'context: that whole plain run (start-up to exit) vs command > file', ratio: main.rw, goalText: 'none (adds the fixed start-up)', pass: true, detail: `${ms(main.w)} vs ${ms(main.d)}` },
      { name: 'context: capture with a secret to mask', ratio: masked.r, goalText: 'none (masking on)', pass: true, detail: `${ms(masked.o)} vs ${ms(masked.d)} (median of 3); whole run ${ms(masked.w)}` },
      { name: 'context: capture 200 MB from `yes | head -c` (fastest writer) vs > file', ratio: fast.r, goalText: 'none (worst case)', pass: true, detail: `${ms(fast.o)} vs ${ms(fast.d)} (median of 5); whole run ${ms(fast.w)}` },
      { name: 'context: bare Node pipe-to-file pipeline, same fastest writer, vs > file', ratio: f / fast.d, goalText: 'none (the floor for any Node capture)', pass: true, detail: `${ms(f)} vs ${ms(fast.d)}; cutover's capture costs ${(fast.o / f).toFixed(2)}× this floor` },
      { name: 'verify 200 MB bundle vs sha256sum -c', ratio: v / s, goal: 1.2, pass: v / s <= 1.2, detail: `${ms(v)} vs ${ms(s)} (median of 3)` },
      { name: 'peak RSS of a plain run writing 1 GB (`yes | head -c`)', value: peakMb.toFixed(0), unit: 'MB', goalText: '≤ 100 MB', pass: peakMb <= 100, detail: `run took ${(big.ms / 1000).toFixed(1)} s` },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
