// Shared by the check-inputs tests: a producer checkout (a real git
// repository of the MemoryKernel reference files), a runbook of check steps,
// a real run through the CLI, verify, and a forger that rewrites a file of a
// bundle with every digest, the hash chain and the summaries recomputed.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JournalEvent } from '../../src/engine/events.js';
import { sha256 } from '../../src/evidence/canonical.js';
import { REPO } from '../helpers/cli.js';
import { cliInProcess } from '../helpers/cli-in-process.js';
import { readEvents, tempDir } from '../fixtures/engine/scenario.js';
import { rechain, resummarize, writeJournal } from './forge.js';

export const MK = join(REPO, 'test/fixtures/memorykernel');
export const TARGET_SHA = '7e4806a34b98e6c06ee33fa9f11499a975e7b922';
export const BASELINE_SHA = 'cf331449e1589581a5dcbb3adecd3e9ae4509277';
export const MANIFEST_REL = 'contracts/integration/v1/producer-contract-manifest.json';
export const PAYLOAD_REL = 'docs/implementation/PRODUCER_RELEASE_HANDOFF_LATEST.json';

export type Finished = Extract<JournalEvent, { type: 'step.finished' }>;
export type Started = Extract<JournalEvent, { type: 'step.started' }>;

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@x', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@x' } }).trim();
}

/** A producer checkout (a real git repository) holding the manifest and published payload; `edit` changes the payload first. */
export function producer(dir: string, edit: (payload: Record<string, unknown>) => void = () => {}): { root: string; head: string } {
  const root = join(dir, 'producer');
  mkdirSync(join(root, 'contracts/integration/v1'), { recursive: true });
  mkdirSync(join(root, 'docs/implementation'), { recursive: true });
  cpSync(join(MK, 'producer-contract-manifest.json'), join(root, MANIFEST_REL));
  const payload = JSON.parse(readFileSync(join(MK, 'PRODUCER_RELEASE_HANDOFF_LATEST.json'), 'utf8')) as Record<string, unknown>;
  edit(payload);
  writeFileSync(join(root, PAYLOAD_REL), `${JSON.stringify(payload, null, 2)}\n`);
  git(root, 'init', '-q');
  git(root, 'add', '.');
  git(root, 'commit', '-qm', 'producer');
  return { root, head: git(root, 'rev-parse', 'HEAD') };
}

export function runbookWith(dir: string, steps: string, header = ''): string {
  const file = join(dir, 'runbook.yaml');
  writeFileSync(file, `format: cutover-runbook/v1
id: check-inputs
title: Check inputs
version: 1.0.0
modes: [rehearsal]
baseline: { release_tag: v0.3.2, commit: ${BASELINE_SHA} }
target: { release_tag: v0.4.0, commit: ${TARGET_SHA} }
${header}roles:
  - { id: pa, title: Producer approver, side: producer }
sections:
  - id: checks
    title: Checks
    steps:
${steps}`);
  return file;
}

export const HANDOFF_STEP = `      - id: handoff
        kind: check
        title: Published handoff payload matches the manifest and the target
        check: handoff-payload
        cwd: producer
        with:
          manifest: ${MANIFEST_REL}
          payload: ${PAYLOAD_REL}
          expect_release_tag: \${target.release_tag}
          expect_commit_sha: \${target.commit}
`;

export async function run(dir: string, runbook: string, env: Record<string, string> = {}): Promise<{ code: number | null; out: string; bundle: string }> {
  const evidence = join(dir, 'evidence');
  const r = await cliInProcess(['run', runbook, '--plain', '--evidence-dir', evidence, '--operator', 'Olga Operator', '--mode', 'rehearsal'], { env });
  const [name] = readdirSync(evidence);
  return { code: r.code, out: r.stdout + r.stderr, bundle: join(evidence, name!) };
}

export function finishedOf(bundle: string, step: string): Finished {
  return readEvents(bundle).find((e): e is Finished => e.type === 'step.finished' && e.step === step)!;
}

export async function verify(bundle: string): Promise<{ code: number | null; out: string }> {
  const r = await cliInProcess(['verify', bundle]);
  return { code: r.code, out: r.stdout + r.stderr };
}

/** Every file under `dir` whose bytes hold `text`. */
export function filesHolding(dir: string, text: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .filter((f) => readFileSync(f).includes(text));
}

export function copyBundle(bundle: string): string {
  const dir = join(tempDir(), 'bundle');
  cpSync(bundle, dir, { recursive: true });
  return dir;
}

/** Rewrites one file of the bundle and every digest the journal holds of it, rechains, and writes new summaries. */
export async function forgeFile(bundle: string, file: string, text: string, edit: (events: JournalEvent[]) => void = () => {}): Promise<void> {
  const old = sha256(readFileSync(join(bundle, file)));
  writeFileSync(join(bundle, file), text);
  const now = { bytes: Buffer.byteLength(text), sha256: sha256(text) };
  const events = readEvents(bundle);
  const fix = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(fix);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (o.sha256 === old) Object.assign(o, now);
      Object.values(o).forEach(fix);
    }
  };
  events.forEach(fix);
  edit(events);
  writeJournal(bundle, rechain(events));
  await resummarize(bundle);
}
