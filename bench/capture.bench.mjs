// Output capture: a plain `cutover run` of a command writing 200 MB against
// the same command writing to a file directly (goal ≤ 1.2×); peak RSS of a
// plain run writing 1 GB (goal ≤ 100 MB); `cutover verify` of the 200 MB
// bundle against `sha256sum -c SHA256SUMS` on it (goal ≤ 1.2×).
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, median, timed } from './lib.mjs';

const LINE = 'cutover capture benchmark: a line of command output text 0123456789';

function runbook(bytes) {
  return `format: cutover-runbook/v1
id: bench-capture
title: Capture benchmark
version: "1"
modes: [rehearsal]
baseline: { release_tag: v1, commit: ${'a'.repeat(40)} }
target: { release_tag: v2, commit: ${'b'.repeat(40)} }
roles: [{ id: captain, title: Captain, side: joint }]
sections:
  - id: s
    title: Output
    steps:
      - id: write
        kind: command
        title: Write ${bytes} bytes
        run: [sh, -c, "yes '${LINE}' | head -c ${bytes}"]
`;
}

async function capture(dir, bytes) {
  const rb = join(dir, `rb-${bytes}.yaml`);
  writeFileSync(rb, runbook(bytes));
  const evidence = join(dir, `ev-${bytes}-${Date.now()}`);
  const r = await timed(process.execPath, [cli, 'run', rb, '--plain', '--evidence-dir', evidence, '--operator', 'bench'], { rss: true });
  const bundle = join(evidence, readdirSync(evidence)[0]);
  return { ...r, bundle, evidence };
}

export async function run() {
  const dir = mkdtempSync(join(tmpdir(), 'cutover-bench-'));
  try {
    const bytes = 200_000_000;
    const rounds = 3;
    const direct = [];
    const ours = [];
    let bundle;
    for (let i = 0; i < rounds; i++) {
      const out = join(dir, 'direct.out');
      direct.push((await timed('sh', ['-c', `yes '${LINE}' | head -c ${bytes} > ${out}`])).ms);
      rmSync(out, { force: true });
      const c = await capture(dir, bytes);
      ours.push(c.ms);
      if (bundle) rmSync(c.evidence, { recursive: true, force: true });
      else bundle = c.bundle;
    }
    const d = median(direct);
    const o = median(ours);

    // Context: the floor of any Node program reading a child's pipe into a
    // file (stream pipeline, no hashing, no cutover), against the same direct write.
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
    for (let i = 0; i < rounds; i++) {
      const out = join(dir, 'floor.out');
      floor.push((await timed(process.execPath, [floorScript, `yes '${LINE}' | head -c ${bytes}`, out])).ms);
      rmSync(out, { force: true });
    }
    const f = median(floor);

    const sums = [];
    const ver = [];
    for (let i = 0; i < rounds; i++) {
      sums.push((await timed('sh', ['-c', 'sha256sum -c --quiet SHA256SUMS'], { cwd: bundle })).ms);
      ver.push((await timed(process.execPath, [cli, 'verify', bundle])).ms);
    }
    const s = median(sums);
    const v = median(ver);

    const big = await capture(dir, 1_000_000_000);
    const peakMb = big.peakKb / 1024;
    return [
      { name: 'capture 200 MB: plain run vs command > file', ratio: o / d, goal: 1.2, pass: o / d <= 1.2, detail: `${o.toFixed(0)} ms vs ${d.toFixed(0)} ms (median of ${rounds})` },
      { name: 'context: bare Node pipe-to-file pipeline vs command > file', ratio: f / d, goalText: 'none (the floor for any Node capture)', pass: true, detail: `${f.toFixed(0)} ms vs ${d.toFixed(0)} ms; cutover's capture costs ${(o / f).toFixed(2)}× this floor` },
      { name: 'verify 200 MB bundle vs sha256sum -c', ratio: v / s, goal: 1.2, pass: v / s <= 1.2, detail: `${v.toFixed(0)} ms vs ${s.toFixed(0)} ms (median of ${rounds})` },
      { name: 'peak RSS of a plain run writing 1 GB', value: peakMb.toFixed(0), unit: 'MB', goalText: '≤ 100 MB', pass: peakMb <= 100, detail: `run took ${(big.ms / 1000).toFixed(1)} s` },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
