// The interactive screen, measured in a real pseudo-terminal (node-pty +
// @xterm/headless, as the end-to-end tests do):
// - the first interactive frame of `cutover demo` against `node -e 0` (≤ 4.5×);
// - while a step prints 100 MB of test-runner output: key press to changed
//   screen (p95 ≤ 50 ms, max ≤ 150 ms), the capture of that output against the
//   same command `> file` (≤ 1.3×, timed by the journal), and the peak RSS
//   of the interactive run (≤ 150 MB);
// - the output viewer opening a 1 GB log and jumping to its end (≤ 300 ms).
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import xterm from '@xterm/headless';
import pty from 'node-pty';
import { benchRunbook, cli, median, root, timed } from './lib.mjs';

const WRITER = join(root, 'bench', 'fixtures', 'test-runner-output.mjs');
/** Paired rounds of the 100 MB flood, with the operator watching and with keys pressed. */
const FLOOD_ROUNDS = 5;
/** USER_HZ: /proc reports CPU time in these ticks (100 on Linux). */
const CLOCK_TICKS = 100;

/** A pty running cutover, with its screen mirrored by xterm. */
function open(args, cwd, columns = 100, rows = 30) {
  const env = { ...process.env, TERM: 'xterm-256color' };
  delete env.CI;
  const term = new xterm.Terminal({ cols: columns, rows, allowProposedApi: true });
  const p = pty.spawn(process.execPath, [cli, ...args], { name: 'xterm-256color', cols: columns, rows, cwd, env });
  const watchers = new Set();
  p.onData((d) => term.write(d, () => {
    for (const w of watchers) w();
  }));
  const text = () => {
    const b = term.buffer.active;
    return Array.from({ length: term.rows }, (_, i) => b.getLine(b.viewportY + i)?.translateToString(true) ?? '').join('\n');
  };
  /** Resolves with the time (ms, hrtime) when `test(text)` first holds after now. */
  const when = (test, timeoutMs = 60_000, label = test.toString()) =>
    new Promise((resolve, reject) => {
      const check = () => {
        if (!test(text())) return;
        watchers.delete(check);
        clearTimeout(timer);
        resolve(performance.now());
      };
      const timer = setTimeout(() => {
        watchers.delete(check);
        reject(new Error(`timed out waiting for ${label}; the screen shows:\n${text()}`));
      }, timeoutMs);
      watchers.add(check);
      check();
    });
  const exited = new Promise((resolve) => p.onExit(resolve));
  return { p, text, when, exited };
}

/**
 * CPU time (ms) of a process's main thread and of all its other threads
 * (V8's compiler and GC helpers, libuv's pool), from /proc/<pid>/task.
 */
function threadCpu(pid) {
  const cpu = { main: 0, other: 0 };
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const stat = readFileSync(`/proc/${pid}/task/${task}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ms = ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
      cpu[task === String(pid) ? 'main' : 'other'] += ms;
    }
  } catch {
    // the process is gone
  }
  return cpu;
}

function peakRss(pid) {
  try {
    return Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

function runbook(command) {
  return benchRunbook('bench-tui', 'Screen benchmark', [`{ id: flood, kind: command, title: Print a flood, run: [sh, -c, ${JSON.stringify(command)}] }`, '{ id: after, kind: confirm, title: Look at it, statement: Seen }']);
}

/** From spawning `cutover …args` in a pty to its first interactive frame (median), and `node -e 0` the same rounds. */
async function firstFrame(dir, args, ready) {
  const base = [];
  const frame = [];
  for (let i = 0; i < 7; i++) {
    base.push((await timed(process.execPath, ['-e', '0'])).ms);
    const t0 = performance.now();
    const s = open(args(i), dir, 100, 30);
    const t1 = await s.when(ready);
    frame.push(t1 - t0);
    s.p.write('q');
    await s.when((t) => t.includes('Quit?'));
    s.p.write('y');
    await s.exited;
  }
  return { frame: median(frame), base: median(base) };
}

/**
 * One interactive run of a 100 MB flood: the capture time and peak RSS, and,
 * with `keys`, the latency of key presses made while it prints.
 */
async function flood(dir, round, keys = true, directFirst = false) {
  const rb = join(dir, `rb-${round}.yaml`);
  const command = `'${process.execPath}' '${WRITER}' 100000000`;
  writeFileSync(rb, runbook(command));
  const out = join(dir, 'direct.out');
  const directRun = async () => {
    const ms = (await timed('sh', ['-c', `${command} > '${out}'`])).ms;
    rmSync(out, { force: true });
    return ms;
  };
  // The round's baseline, taken right before or right after its interactive run (alternated by the caller).
  const before = directFirst ? await directRun() : undefined;
  const evidence = join(dir, `flood-${round}`);
  const s = open(['run', rb, '--evidence-dir', evidence, '--operator', 'bench'], dir, 100, 30);
  await s.when((t) => t.includes('GO lock') || t.includes('Print a flood'));
  let peak = 0;
  const rss = setInterval(() => (peak = Math.max(peak, peakRss(s.p.pid))), 20);
  s.p.write('\r'); // run the flood
  await s.when((t) => /running/.test(t));
  const cpu0 = threadCpu(s.p.pid);
  const latencies = [];
  // Alternate the selection between the two steps while the output floods in.
  // Which step the marker is on (the row's elapsed time changes by itself).
  const selectedRow = (t) => {
    const row = t.split('\n').find((l) => l.includes('›')) ?? '';
    return row.includes('Look at it') ? 'after' : row.includes('Print a flood') ? 'flood' : '';
  };
  const finished = () => /passed \d|FAILED/.test(s.text().split('\n').find((l) => l.includes('Print a flood')) ?? '');
  for (let i = 0; keys && i < 200 && !finished(); i++) {
    const before = selectedRow(s.text());
    const t0 = performance.now();
    s.p.write(i % 2 === 0 ? 'j' : 'k');
    // The changed screen: the selection marker on another row.
    const t1 = await s.when((t) => selectedRow(t) !== before, 5000).catch(() => undefined);
    if (t1 === undefined) break; // the step ended and the screen moved the selection itself
    if (!finished()) latencies.push(t1 - t0);
    // About ten keys a second: as fast as a person moves through the list.
    await new Promise((r) => setTimeout(r, 100));
  }
  await s.when((t) => /passed \d/.test(t.split('\n').find((l) => l.includes('Print a flood')) ?? ''), 120_000);
  clearInterval(rss);
  const cpu1 = threadCpu(s.p.pid);
  peak = Math.max(peak, peakRss(s.p.pid));
  s.p.write('q');
  await s.when((t) => t.includes('Quit?'));
  s.p.write('y');
  await s.exited;
  const bundle = join(evidence, readdirSync(evidence)[0]);
  const events = readFileSync(join(bundle, 'journal.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const at = (type) => Date.parse(events.find((e) => e.type === type).at);
  rmSync(evidence, { recursive: true, force: true });
  const direct = before ?? (await directRun());
  return { latencies, captureMs: at('step.finished') - at('step.started'), direct, peakKb: peak, mainCpu: cpu1.main - cpu0.main, otherCpu: cpu1.other - cpu0.other };
}

async function viewer(dir) {
  const big = join(dir, 'big.log');
  // 1 GB of numbered lines, made once; the step prints it (cat), then the viewer opens its log.
  await timed('sh', ['-c', `seq -f 'line %012.0f of the big log' 1 30000000 | head -c 1000000000 > '${big}'; echo THE-LAST-LINE >> '${big}'`]);
  const rb = join(dir, 'rb-view.yaml');
  writeFileSync(rb, runbook(`cat '${big}'`));
  const evidence = join(dir, 'view');
  const s = open(['run', rb, '--evidence-dir', evidence, '--operator', 'bench'], dir, 100, 30);
  await s.when((t) => t.includes('Print a flood'));
  s.p.write('\r');
  // Once the screen has moved on to the next step (the message says it passed), go back to it.
  await s.when((t) => t.includes('✓ "Print a flood" passed'), 300_000);
  s.p.write('k'); // back on the step whose log is 1 GB
  await s.when((t) => t.split('\n').some((l) => l.includes('›') && l.includes('Print a flood')));
  const times = [];
  for (let i = 0; i < 5; i++) {
    // Two key presses, each timed to the screen that answers it: o (the first page), G (the end).
    const t0 = performance.now();
    s.p.write('o');
    const t1 = await s.when((t) => t.includes('Output of flood') && t.includes('line 000000000001 '), 30_000);
    const t2 = performance.now();
    s.p.write('G');
    const t3 = await s.when((t) => t.includes('Output of flood') && t.includes('THE-LAST-LINE'), 30_000);
    times.push(t1 - t0 + (t3 - t2));
    s.p.write('q');
    await s.when((t) => !t.includes('Output of flood'));
  }
  s.p.write('q');
  await s.when((t) => t.includes('Quit?'));
  s.p.write('y');
  await s.exited;
  rmSync(evidence, { recursive: true, force: true });
  rmSync(big, { force: true });
  return median(times);
}

/** `parts`: any of first-frame, flood (keys, capture, memory), viewer; all when not given. */
export async function run(parts) {
  const want = (part) => !parts || parts.includes(part);
  const dir = mkdtempSync(join(tmpdir(), 'cutover-bench-tui-'));
  const ms = (x) => `${x.toFixed(0)} ms`;
  const out = [];
  try {
    if (want('first-frame')) {
      const ff = await firstFrame(dir, (i) => ['demo', '--evidence-dir', join(dir, `ev-${i}`)], (t) => t.includes('GO lock') && t.includes('to confirm'));
      writeFileSync(join(dir, 'rb-ff.yaml'), runbook('echo hello'));
      const ffRun = await firstFrame(dir, (i) => ['run', 'rb-ff.yaml', '--evidence-dir', join(dir, `ev-run-${i}`), '--operator', 'bench'], (t) => t.includes('Print a flood') && t.includes('to run'));
      out.push(
        { name: 'first interactive frame of `cutover demo` in a pty vs node -e 0', ratio: ff.frame / ff.base, goal: 4.5, detail: `${ms(ff.frame)} vs ${ms(ff.base)} (median of 7; includes preparing the demo sandbox: copy, git init/add/commit)` },
        { name: 'context: first interactive frame of `cutover run` on a small runbook vs node -e 0', ratio: ffRun.frame / ffRun.base, goalText: 'none (no sandbox to prepare)', pass: true, detail: `${ms(ffRun.frame)} vs ${ms(ffRun.base)} (median of 7)` },
      );
    }
    if (want('flood')) {
      // The operator watching the step print (the live tail on screen), and the operator moving through the list meanwhile.
      const watching = [];
      const moving = [];
      // Five paired rounds of each: the `> file` baseline of this machine
      // moves by a quarter from one run to the next (1.46–1.92 s for the same
      // command in one bench run), so three rounds put the median on either
      // side of the goal by chance. Each round's ratio is its own capture
      // against its own baseline, taken just before or just after it
      // (alternated, so neither side always runs on a warmer machine).
      for (let i = 0; i < FLOOD_ROUNDS; i++) {
        watching.push(await flood(dir, `w${i}`, false, i % 2 === 1));
        moving.push(await flood(dir, `m${i}`, true, i % 2 === 0));
      }
      const lat = moving.flatMap((r) => r.latencies).sort((a, b) => a - b);
      const p95 = lat[Math.min(lat.length - 1, Math.floor(lat.length * 0.95))];
      const max = lat[lat.length - 1];
      const capture = median(watching.map((r) => r.captureMs / r.direct));
      const captureMoving = median(moving.map((r) => r.captureMs / r.direct));
      const rounds = [...watching, ...moving];
      const peakMb = Math.max(...rounds.map((r) => r.peakKb)) / 1024;
      out.push(
        { name: 'key press to changed screen while a step prints 100 MB: p95', value: p95.toFixed(0), unit: 'ms', goalText: '≤ 50 ms', pass: p95 <= 50, detail: `${lat.length} key presses (j/k, ~10 a second) over ${FLOOD_ROUNDS} runs; median ${ms(median(lat))}` },
        { name: 'key press to changed screen while a step prints 100 MB: max', value: max.toFixed(0), unit: 'ms', goalText: '≤ 150 ms', pass: max <= 150, detail: 'the slowest of those key presses' },
        { name: 'capture of that 100 MB in the interactive run vs command > file (screen live, the operator watching)', ratio: capture, goal: 1.3, detail: `median of ${FLOOD_ROUNDS} paired rounds: ${watching.map((r) => `${(r.captureMs / r.direct).toFixed(2)}× (${ms(r.captureMs)} vs ${ms(r.direct)})`).join(', ')}` },
        { name: 'the same capture while keys are pressed ~10 times a second (the runs the key figures come from)', ratio: captureMoving, goal: 1.3, detail: `median of ${FLOOD_ROUNDS} paired rounds: ${moving.map((r) => `${(r.captureMs / r.direct).toFixed(2)}× (${ms(r.captureMs)} vs ${ms(r.direct)})`).join(', ')}` },
        { name: 'context: CPU of the cutover process while the step prints, main thread / other threads (V8 compiler and GC, libuv pool)', value: `${median(rounds.map((r) => r.mainCpu)).toFixed(0)} / ${median(rounds.map((r) => r.otherCpu)).toFixed(0)}`, unit: 'ms', goalText: 'none (where the capture\'s CPU goes)', pass: true, detail: `medians of ${rounds.length} runs, from the running state on screen to the step's result; /proc/<pid>/task` },
        { name: 'peak RSS of the interactive run with 100 MB of output', value: peakMb.toFixed(0), unit: 'MB', goalText: '≤ 150 MB', pass: peakMb <= 150, detail: `VmHWM of the cutover process, worst of ${2 * FLOOD_ROUNDS} runs` },
      );
    }
    if (want('viewer')) {
      const view = await viewer(dir);
      out.push({ name: 'output viewer: open a 1 GB log and jump to its end', value: view.toFixed(0), unit: 'ms', goalText: '≤ 300 ms', pass: view <= 300, detail: 'key press o to the first page on screen, plus key press G to the last line on screen; median of 5' });
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
