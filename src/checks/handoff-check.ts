// The handoff check as the CLI and the runbook engine run it: read the
// manifest and the payload, apply the rules, and render the report.
import { InputError } from '../shared/errors.js';
import { checkHandoff, policyEraOf, type HandoffExpectation, type PolicyEra } from './handoff.js';
import { readJsonFile, MiB } from './json.js';
import { loadProducerManifest } from './manifest.js';
import { formatViolationLine, isPlainObject, jsonTypeOf, type Violation } from './violation.js';

/** A real payload is ~3 KiB; anything this big is a wrong file, refused before it is read. */
export const MAX_HANDOFF_PAYLOAD_BYTES = 16 * MiB;

export interface HandoffCheckRequest {
  manifest: string;
  payload: string;
  strict?: boolean;
  /** Directory relative paths are resolved against. */
  cwd?: string;
  /** How the files were named, for hints: CLI flags or runbook parameters. */
  flags?: { manifest: string; payload: string; expect?: { release_tag: string; commit_sha: string } };
  /** The release tag and commit the payload must name (`--expect-tag`/`--expect-sha`, or the step's `expect_*`). */
  expect?: HandoffExpectation;
}

export interface HandoffCheckResult {
  check: 'handoff';
  passed: boolean;
  manifest: string;
  payload: string;
  mode: string | null;
  strict: boolean;
  /** The manifest's policy era: which envelope-policy entries the payload must carry. */
  era: PolicyEra;
  /** What the payload was held against besides the manifest (absent: nothing). */
  expect?: { release_tag?: string; commit_sha?: string };
  violations: Violation[];
  warnings: Violation[];
}

/** Throws InputError when a file cannot be read as what it should be. */
export async function runHandoffCheck(req: HandoffCheckRequest): Promise<HandoffCheckResult> {
  const flags = req.flags ?? { manifest: '--manifest', payload: '--payload' };
  const { manifest } = await loadProducerManifest(req.manifest, req.cwd, flags.manifest);
  const doc = await readJsonFile(req.payload, {
    label: 'handoff payload',
    cwd: req.cwd,
    flag: flags.payload,
    maxBytes: MAX_HANDOFF_PAYLOAD_BYTES,
    tooLargeReason: 'not a handoff payload: too large (a real one is a few KiB)',
  });
  if (!isPlainObject(doc.value)) {
    throw new InputError(
      `handoff payload "${req.payload}" is not a handoff payload: the top level is ${jsonTypeOf(doc.value)}, expected an object`,
      `pass the producer's handoff JSON (e.g. PRODUCER_RELEASE_HANDOFF_LATEST.json) with ${flags.payload}`,
    );
  }
  const strict = req.strict ?? false;
  checkExpectation(req);
  const expect = req.expect && (req.expect.release_tag !== undefined || req.expect.commit_sha !== undefined) ? req.expect : undefined;
  const labels = req.flags?.expect ?? { release_tag: '--expect-tag', commit_sha: '--expect-sha' };
  const findings = checkHandoff(manifest, doc.value, { strict, duplicateKeys: doc.duplicateKeys, ...(expect ? { expect: { ...expect, labels } } : {}) });
  const mode = doc.value.handoff_mode;
  return {
    check: 'handoff',
    passed: findings.violations.length === 0,
    manifest: req.manifest,
    payload: req.payload,
    mode: typeof mode === 'string' ? mode : null,
    strict,
    era: policyEraOf(manifest),
    ...(expect ? { expect: { ...(expect.release_tag !== undefined ? { release_tag: expect.release_tag } : {}), ...(expect.commit_sha !== undefined ? { commit_sha: expect.commit_sha } : {}) } } : {}),
    ...findings,
  };
}

const FULL_SHA = /^(?:[0-9a-fA-F]{40}|[0-9a-fA-F]{64})$/;

/** An expectation must be a whole value: a short sha or an empty tag would compare as a drift nobody can fix. */
function checkExpectation(req: HandoffCheckRequest): void {
  const e = req.expect;
  if (!e) return;
  const flags = req.flags?.expect ?? { release_tag: '--expect-tag', commit_sha: '--expect-sha' };
  if (e.release_tag !== undefined && e.release_tag.trim() === '') {
    throw new InputError(`handoff check: ${flags.release_tag} is empty`, `give the release tag the payload must name, e.g. ${flags.release_tag} v0.4.0`);
  }
  if (e.commit_sha !== undefined && !FULL_SHA.test(e.commit_sha)) {
    throw new InputError(`handoff check: ${flags.commit_sha} "${e.commit_sha}" is not a full commit sha (40 hex characters)`, `give the whole commit the payload must name, e.g. ${flags.commit_sha} 7e4806a34b98e6c06ee33fa9f11499a975e7b922`);
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function summarizeHandoff(r: HandoffCheckResult): string {
  const counts = `${plural(r.violations.length, 'violation')}, ${plural(r.warnings.length, 'warning')}`;
  const mode = r.mode ? ` (${r.mode})` : '';
  const target = r.expect ? ` and names ${[r.expect.release_tag, r.expect.commit_sha].filter((x) => x !== undefined).join(' / ')}` : '';
  return r.passed
    ? `handoff check passed: ${r.payload}${mode} matches ${r.manifest}${target}; ${counts}`
    : `handoff check FAILED: ${r.payload}${mode} against ${r.manifest}: ${counts}`;
}

/** One line per finding, then the summary line. */
export function formatHandoffReport(r: HandoffCheckResult): string {
  const lines = [
    ...r.violations.map(formatViolationLine),
    ...r.warnings.map((w) => `warning: ${formatViolationLine(w)}`),
  ];
  if (r.warnings.length > 0 && !r.strict) lines.push('(warnings do not fail the check; strict mode, --strict or strict: true, makes them violations)');
  lines.push(summarizeHandoff(r));
  return lines.join('\n');
}
