// A command that writes 200 MiB in a full plain run: the bundle records the
// exact byte count and sha256 (computed independently here), the log on
// disk matches them, and the cutover process itself stays small — its peak
// RSS is read by polling /proc/<pid>/status (VmHWM) and, for the complete
// peak, by the process itself from the same VmHWM at its exit. The bound applies to cutover as shipped
// (dist/cli.js): run through tsx (dist/ stale) it also holds the compiler,
// some 40 MB more, so that test is skipped, visibly, rather than mismeasured.
import { createHash } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleIn, FIXTURES, journalEvents, runCli, RUNS_DIST, scratch, startCli, type CliExit, type Scratch } from '../crash/helpers.js';

const MiB = 1024 * 1024;
const LIMIT = 150 * 1000 * 1000;
const REPORT_RSS = pathToFileURL(join(FIXTURES, 'hostile/report-max-rss.mjs')).href;

/** The 200 MiB the command writes: 200 chunks of 1,024 lines of 'x' × 1023 + newline. */
function expectedOutput(): { bytes: number; sha256: string } {
  const chunk = Buffer.from(`${'x'.repeat(1023)}\n`.repeat(1024));
  const hash = createHash('sha256');
  for (let i = 0; i < 200; i++) hash.update(chunk);
  return { bytes: 200 * chunk.length, sha256: hash.digest('hex') };
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: MiB })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

type Memory = Record<'VmHWM' | 'RssAnon' | 'RssFile', number>;

/** Memory figures (bytes) of a live process from /proc/<pid>/status; undefined once it is gone. */
function memoryOf(pid: number): Memory | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB$`, 'm').exec(status)?.[1] ?? 0) * 1024;
  return { VmHWM: kb('VmHWM'), RssAnon: kb('RssAnon'), RssFile: kb('RssFile') };
}

let s: Scratch;
let exit: CliExit;
/** Highest values polled: peak RSS, and its anonymous (heap, buffers) and file-backed (the node binary) parts. */
const polled: Memory = { VmHWM: 0, RssAnon: 0, RssFile: 0 };
let atExit = 0;

beforeAll(async () => {
  s = scratch({ runbook: 'hostile/big.yaml', answers: 'hostile/big-answers.yaml' }, { NODE: process.execPath }, 'file');
  const rssFile = join(s.dir, 'max-rss');
  const cli = startCli(['run', s.runbook, '--plain', '--answers', s.answers, '--evidence-dir', s.evidence, '--operator', 'Olga Operator'], {
    cwd: s.dir,
    nodeArgs: ['--import', REPORT_RSS],
    env: { CUTOVER_TEST_RSS_FILE: rssFile },
    timeoutMs: 100_000,
  });
  let done = false;
  const exited = cli.exited.finally(() => (done = true));
  while (!done) {
    const m = memoryOf(cli.pid);
    for (const key of Object.keys(polled) as (keyof Memory)[]) polled[key] = Math.max(polled[key], m?.[key] ?? 0);
    await new Promise((r) => setTimeout(r, 10));
  }
  exit = await exited;
  atExit = Number(readFileSync(rssFile, 'utf8')) * 1024; // NaN (fails below) if the process could not read it
  const mib = (n: number) => `${(n / MiB).toFixed(1)} MiB`;
  console.info(
    `200 MiB through cutover (${RUNS_DIST ? 'dist/cli.js' : 'src via tsx'}): peak RSS ${mib(atExit)} (VmHWM at exit), ${mib(polled.VmHWM)} (VmHWM polled; RssAnon up to ${mib(polled.RssAnon)}, RssFile up to ${mib(polled.RssFile)})`,
  );
}, 120_000);

describe('a command writing 200 MiB', () => {
  it('is recorded with the exact byte count and sha256, and the bundle verifies', async () => {
    expect(exit.code, exit.stdout + exit.stderr).toBe(0);
    const expected = expectedOutput();
    const bundle = bundleIn(s.evidence)!;
    const finished = journalEvents(bundle).find((e) => e.type === 'step.finished' && e.step === 'big');
    const result = finished!.result as { outcome: string; exit_code: number; stdout: { file: string; bytes: number; sha256: string }; combined: { bytes: number; sha256: string } };
    expect(result).toMatchObject({ outcome: 'exited', exit_code: 0 });
    expect(result.stdout).toMatchObject(expected);
    expect(result.combined).toMatchObject(expected);
    expect(await sha256File(join(bundle, result.stdout.file))).toBe(expected.sha256);
    const verified = await runCli(['verify', bundle], { cwd: s.dir });
    expect(verified.code, verified.stdout).toBe(0);
  });

  it.runIf(RUNS_DIST)('keeps the cutover process under 150 MB peak RSS', () => {
    expect(polled.VmHWM).toBeGreaterThan(0);
    expect(polled.VmHWM).toBeLessThan(LIMIT);
    expect(atExit).toBeLessThan(LIMIT);
  });
});
