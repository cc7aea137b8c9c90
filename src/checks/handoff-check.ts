// The handoff check as the CLI and the runbook engine run it: read the
// manifest and the payload, apply the rules, and render the report.
import { InputError } from '../shared/errors.js';
import { checkHandoff } from './handoff.js';
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
  flags?: { manifest: string; payload: string };
}

export interface HandoffCheckResult {
  check: 'handoff';
  passed: boolean;
  manifest: string;
  payload: string;
  mode: string | null;
  strict: boolean;
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
  const findings = checkHandoff(manifest, doc.value, { strict, duplicateKeys: doc.duplicateKeys });
  const mode = doc.value.handoff_mode;
  return {
    check: 'handoff',
    passed: findings.violations.length === 0,
    manifest: req.manifest,
    payload: req.payload,
    mode: typeof mode === 'string' ? mode : null,
    strict,
    ...findings,
  };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function summarizeHandoff(r: HandoffCheckResult): string {
  const counts = `${plural(r.violations.length, 'violation')}, ${plural(r.warnings.length, 'warning')}`;
  const mode = r.mode ? ` (${r.mode})` : '';
  return r.passed
    ? `handoff check passed: ${r.payload}${mode} matches ${r.manifest}; ${counts}`
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
