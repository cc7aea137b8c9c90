// One attempt of an automated step: a command through the runner, or a
// built-in check. Produces the facts for the step.finished event; never
// throws for the step's own failure. Its output goes to disk and to a
// RawTail that a live view reads a few times a second.
import { readdir, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { expectedAssertions } from '../engine/assertions.js';
import type { AssertionResult, AttemptResult, CheckRecord, StreamRecord } from '../engine/events.js';
import { sha256File as sha256OfFile } from '../evidence/bundle.js';
import { sha256 } from '../evidence/canonical.js';
import type { ResolvedCommand } from '../runbook/resolve.js';
import type { CheckStep, CommandStep } from '../runbook/types.js';
import type { RawTail } from '../runner/index.js';
import type { Clock } from '../shared/clock.js';
import { mkdirDurable, writeFileDurable } from '../shared/durable.js';
import { tempDirOf } from '../shared/inside.js';
import { gitHeadOf, recordCheckInputs } from './check-inputs.js';
import { attemptMarkerLabel, removePidFile, writePidFile } from './leftovers.js';
import { maskSecrets } from './secrets.js';

interface AttemptCommon {
  dir: string;
  bundleDir: string;
  secrets: string[];
  signal: AbortSignal;
  tail: RawTail;
  clock: Clock;
}

type AttemptInput =
  | (AttemptCommon & { kind: 'command'; step: CommandStep; cmd: ResolvedCommand })
  | (AttemptCommon & { kind: 'check'; step: CheckStep; params: Record<string, unknown>; cwd: string });

export interface AttemptFacts {
  result?: AttemptResult;
  assertions?: AssertionResult[];
  check?: CheckRecord;
}

let runner: Promise<typeof import('../runner/run-command.js')> | undefined;

/** The runner (execa, the capture): loaded when a command first runs, not before the first screen (Session.runStep loads it before the attempt is timed). */
export function loadRunner(): Promise<typeof import('../runner/run-command.js')> {
  return (runner ??= import('../runner/run-command.js'));
}

export async function runStepAttempt(input: AttemptInput): Promise<AttemptFacts> {
  return input.kind === 'command' ? runCommandAttempt(input) : runCheckAttempt(input);
}

async function runCommandAttempt(input: Extract<AttemptInput, { kind: 'command' }>): Promise<AttemptFacts> {
  const { cmd, dir, bundleDir } = input;
  const files = { stdout: join(dir, 'stdout.log'), stderr: join(dir, 'stderr.log'), combined: join(dir, 'combined.log'), tempDir: tempDirOf(bundleDir) };
  const { runCommand } = await loadRunner();
  let r;
  try {
    r = await runCommand(
      { ...(cmd.argv ? { argv: cmd.argv } : { shellCommand: cmd.shellCommand! }), cwd: cmd.cwd, env: cmd.env, timeoutMs: cmd.timeoutMs, checkTreeClean: cmd.pinCommit !== undefined },
      files,
      // The live view reads the tail; no text is made here that nobody shows.
      { secrets: input.secrets, watch: watchedBy(input.step), signal: input.signal, liveTail: input.tail, tailLines: 0, clock: input.clock, attemptLabel: attemptMarkerLabel(dir), onStart: ({ pid, marker }) => writePidFile(dir, pid, marker) },
    );
  } finally {
    removePidFile(dir);
  }
  const rel = (p: string) => bundleRelative(bundleDir, p);
  const result: AttemptResult = {
    outcome: r.outcome,
    exit_code: r.exitCode,
    signal: r.signal,
    ...(r.spawnError ? { error: r.spawnError.message } : {}),
    started_at: r.startedAt,
    ended_at: r.endedAt,
    duration_ms: r.durationMs,
    stdout: { file: rel(files.stdout), ...r.stdout },
    stderr: { file: rel(files.stderr), ...r.stderr },
    combined: { file: rel(files.combined), ...r.combined },
    git_head: r.gitHead,
    ...(r.gitDirty !== undefined ? { git_dirty: r.gitDirty } : {}),
    ...(r.gitError !== undefined ? { git_error: r.gitError } : {}),
    pid: r.pid,
    ...(r.warnings.length ? { warnings: r.warnings } : {}),
  };
  const assertions = checkAssertions(input.step, r.seen);
  return { result, ...(assertions.length ? { assertions } : {}) };
}

async function runCheckAttempt(input: Extract<AttemptInput, { kind: 'check' }>): Promise<AttemptFacts> {
  const { step, dir, bundleDir, signal } = input;
  // Loaded on first use: the checks bring ajv, which a run of commands alone never needs.
  const { BUILTIN_CHECKS } = await import('../checks/index.js');
  const { checkInputsOf } = await import('../checks/inputs.js');
  const check = Object.hasOwn(BUILTIN_CHECKS, step.check) ? BUILTIN_CHECKS[step.check] : undefined;
  // What the check looks at, taken before it runs: digests, git HEADs and copies (verify runs the check again on them).
  const inputs = check && !signal.aborted ? await recordCheckInputs(checkInputsOf(step.check, input.params, input.cwd), { dir, bundleDir, secrets: input.secrets }) : [];
  const root = check && step.check === 'artifact-digest' && typeof input.params.root === 'string' && input.params.root !== '' ? resolve(input.cwd, input.params.root) : undefined;
  const rootGit = root !== undefined ? await gitHeadOf(root) : undefined;
  let outcome: { passed: boolean; summary: string; report: string; data: unknown; cancelled?: boolean };
  if (!check) {
    outcome = { passed: false, summary: `unknown check "${step.check}"`, report: `unknown check "${step.check}"\n`, data: null };
  } else {
    try {
      signal.throwIfAborted();
      const artifactDir = join(dir, 'artifacts');
      mkdirDurable(artifactDir);
      outcome = await check.run(input.params, { cwd: input.cwd, artifactDir, tempDir: tempDirOf(bundleDir), signal });
    } catch (err) {
      if (signal.aborted) {
        outcome = { passed: false, cancelled: true, summary: 'cancelled by the operator', report: `check ${step.check} was cancelled by the operator before it had a verdict\n`, data: null };
      } else {
        const message = err instanceof Error ? err.message : String(err);
        outcome = { passed: false, summary: message, report: `${message}\n`, data: null };
      }
    }
  }
  const report = maskSecrets(outcome.report.endsWith('\n') ? outcome.report : `${outcome.report}\n`, input.secrets);
  input.tail.push(Buffer.from(report));
  const rel = (p: string) => bundleRelative(bundleDir, p);
  const reportFile = join(dir, 'report.txt');
  writeFileDurable(reportFile, report, bundleDir);
  const record: CheckRecord = { name: step.check, passed: outcome.passed, ...(outcome.cancelled ? { cancelled: true } : {}), summary: maskSecrets(outcome.summary, input.secrets), report: fileRecord(rel(reportFile), report) };
  if (outcome.data !== null && outcome.data !== undefined) {
    const dataFile = join(dir, 'data.json');
    const json = maskKeepingDigests(`${JSON.stringify(outcome.data, null, 2)}\n`, input.secrets);
    writeFileDurable(dataFile, json, bundleDir);
    record.data_file = fileRecord(rel(dataFile), json);
  }
  // Every copy the check left in the bundle gets its digest in the journal:
  // verify then accounts for every file, and a copy changed later is found.
  const files = await filesUnder(join(dir, 'artifacts'), rel);
  if (files.length) record.files = files;
  // Always there for a known check, even empty (artifacts listed in the runbook): verify misses a list taken out.
  if (check) record.inputs = inputs;
  if (root !== undefined && rootGit) record.root = { dir: root, git_head: rootGit.head, ...(rootGit.error !== undefined ? { git_error: rootGit.error } : {}) };
  return { check: record };
}

/** Every regular file below `root` with its size and digest, in name order. */
async function filesUnder(root: string, rel: (p: string) => string): Promise<StreamRecord[]> {
  const names: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      if (e.isDirectory()) await walk(join(dir, e.name));
      else if (e.isFile()) names.push(join(dir, e.name));
    }
  };
  try {
    await walk(root);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: StreamRecord[] = [];
  for (const file of names.sort()) out.push({ file: rel(file), bytes: (await stat(file)).size, sha256: await sha256OfFile(file) });
  return out;
}

/** A path as the journal records it: bundle-relative, `/`-separated (a backslash in a name on POSIX is part of it). */
function bundleRelative(bundleDir: string, p: string): string {
  return relative(bundleDir, p).split(sep).join('/');
}

/**
 * Masks a check's data, leaving its sha256 digests whole: a short secret
 * that happens to occur inside a digest would otherwise turn the digest into
 * `b6a9…***…`, which `cutover verify` could no longer hold against the copy.
 */
function maskKeepingDigests(text: string, secrets: readonly string[]): string {
  if (secrets.length === 0) return text;
  const digests: string[] = [];
  const held = text.replace(/\b[0-9a-f]{64}\b/gi, (d) => `\u0000${digests.push(d) - 1}\u0000`);
  return maskSecrets(held, [...secrets]).replace(/\u0000(\d+)\u0000/g, (_m, i: string) => digests[Number(i)]!);
}

function fileRecord(file: string, text: string): StreamRecord {
  return { file, bytes: Buffer.byteLength(text), sha256: sha256(text) };
}

/** The strings a step's output assertions look for in each stream. */
function watchedBy(step: CommandStep): { stdout: string[]; stderr: string[] } {
  const all = expectedAssertions(step);
  return { stdout: all.filter((a) => a.stream === 'stdout').map((a) => a.needle), stderr: all.filter((a) => a.stream === 'stderr').map((a) => a.needle) };
}

/**
 * The output assertions, judged on what the command printed: the runner
 * found the strings in the raw bytes, before secrets were masked (the logs
 * on disk are masked, so a search there would miss a secret). Their text is
 * the runbook's and is journaled as it is (verify compares it exactly).
 */
function checkAssertions(step: CommandStep, seen: { stdout: string[]; stderr: string[] }): AssertionResult[] {
  return expectedAssertions(step).map((a) => ({ assertion: a.assertion, ok: seen[a.stream].includes(a.needle) === a.want }));
}
