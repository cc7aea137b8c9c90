// The registry of built-in checks that runbook `check` steps name. A check
// never throws for a problem with its inputs: a missing file or a bad
// parameter is a failed outcome whose summary says what to fix, because a
// runbook step must fail visibly, not crash the run.
import { InputError } from '../shared/errors.js';
import { formatArtifactReport, readArtifactPins, parseArtifactPins, summarizeArtifacts, verifyArtifactDigests, type ArtifactPin } from './artifact-digest.js';
import { formatEnvelopeReport, runEnvelopeCheck, summarizeEnvelope } from './envelope.js';
import { formatHandoffReport, runHandoffCheck, summarizeHandoff } from './handoff-check.js';

export interface CheckContext {
  /** Directory the parameters' relative paths are resolved against. */
  cwd: string;
  /** Directory where the check may copy files into the evidence bundle. */
  artifactDir: string;
  /** The bundle's temp directory: a copy is staged there until its digest is known. */
  tempDir?: string;
  /** The operator cancelled the step: a check stops as soon as it can and rejects with the signal's reason. */
  signal?: AbortSignal;
}

export interface CheckOutcome {
  passed: boolean;
  /** One line. */
  summary: string;
  /** The full human-readable report; becomes the step's log. */
  report: string;
  /** JSON-able details recorded in the bundle. */
  data: unknown;
}

export interface CheckParam {
  name: string;
  type: 'string' | 'boolean' | 'array';
  required: boolean;
  description: string;
}

export interface BuiltinCheck {
  name: string;
  description: string;
  /** The `with:` parameters, so lint can check a step before it runs. */
  params?: CheckParam[];
  run(params: Record<string, unknown>, ctx: CheckContext): Promise<CheckOutcome>;
}

function stringParam(check: string, params: Record<string, unknown>, name: string, required: true): string;
function stringParam(check: string, params: Record<string, unknown>, name: string, required: false): string | undefined;
function stringParam(check: string, params: Record<string, unknown>, name: string, required: boolean): string | undefined {
  const value = params[name];
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'string' || value === '') {
    throw new InputError(
      `check ${check}: parameter "${name}" ${value === undefined ? 'is missing' : 'must be a non-empty string'}`,
      `set it under the step's with: (see docs/checks.md#${check})`,
    );
  }
  return value;
}

/** `{[as]: value}` when the parameter is given, `{}` when not. */
function optionalString<K extends string>(check: string, params: Record<string, unknown>, name: string, as: K): Partial<Record<K, string>> {
  const value = stringParam(check, params, name, false);
  return value === undefined ? {} : ({ [as]: value } as Partial<Record<K, string>>);
}

function refuseUnknown(check: BuiltinCheck, params: Record<string, unknown>): void {
  if (!check.params) return;
  const known = new Set(check.params.map((p) => p.name));
  const unknown = Object.keys(params).filter((k) => !known.has(k));
  if (unknown.length > 0) {
    throw new InputError(`check ${check.name}: unknown parameter ${unknown.map((u) => `"${u}"`).join(', ')}`, `it takes: ${[...known].join(', ')}`);
  }
}

/** Turns an InputError into the failed outcome a runbook step records. */
async function outcomeOf(check: BuiltinCheck, params: Record<string, unknown>, body: () => Promise<CheckOutcome>): Promise<CheckOutcome> {
  try {
    refuseUnknown(check, params);
    return await body();
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    const report = err.hint ? `${err.message}\nhint: ${err.hint}` : err.message;
    return { passed: false, summary: `${check.name} check could not run: ${err.message}`, report, data: { check: check.name, passed: false, inputError: err.message, hint: err.hint ?? null } };
  }
}

const handoffPayload: BuiltinCheck = {
  name: 'handoff-payload',
  description: "Checks a producer handoff payload against the producer contract manifest (the producer's governance rules plus hygiene).",
  params: [
    { name: 'manifest', type: 'string', required: true, description: 'producer-contract-manifest.json' },
    { name: 'payload', type: 'string', required: true, description: 'the handoff payload JSON' },
    { name: 'strict', type: 'boolean', required: false, description: 'hygiene warnings become violations' },
    { name: 'expect_release_tag', type: 'string', required: false, description: 'the release_tag the payload must name (e.g. ${target.release_tag})' },
    { name: 'expect_commit_sha', type: 'string', required: false, description: 'the commit_sha the payload must name (e.g. ${target.commit})' },
  ],
  run: (params, ctx) =>
    outcomeOf(handoffPayload, params, async () => {
      ctx.signal?.throwIfAborted();
      const strict = params.strict;
      if (strict !== undefined && typeof strict !== 'boolean') throw new InputError('check handoff-payload: parameter "strict" must be true or false', 'write strict: true');
      const result = await runHandoffCheck({
        manifest: stringParam('handoff-payload', params, 'manifest', true),
        payload: stringParam('handoff-payload', params, 'payload', true),
        strict: strict ?? false,
        cwd: ctx.cwd,
        flags: { manifest: 'with.manifest', payload: 'with.payload', expect: { release_tag: 'with.expect_release_tag', commit_sha: 'with.expect_commit_sha' } },
        expect: {
          ...optionalString('handoff-payload', params, 'expect_release_tag', 'release_tag'),
          ...optionalString('handoff-payload', params, 'expect_commit_sha', 'commit_sha'),
        },
      });
      return { passed: result.passed, summary: summarizeHandoff(result), report: formatHandoffReport(result), data: result };
    }),
};

const envelope: BuiltinCheck = {
  name: 'envelope',
  description: "Validates non-2xx response samples against a contract's envelope policy and the error-code enum.",
  params: [
    { name: 'contract', type: 'string', required: true, description: 'v2 or v3 (a contract of the policy file)' },
    { name: 'sample', type: 'string', required: true, description: 'JSON object, JSON array of objects, or NDJSON' },
    { name: 'policy', type: 'string', required: false, description: 'policy file instead of the built-in contracts/envelope-policy.json' },
    { name: 'manifest', type: 'string', required: false, description: 'producer-contract-manifest.json whose error_code_enum replaces the policy\'s' },
  ],
  run: (params, ctx) =>
    outcomeOf(envelope, params, async () => {
      ctx.signal?.throwIfAborted();
      const result = await runEnvelopeCheck({
        contract: stringParam('envelope', params, 'contract', true),
        sample: stringParam('envelope', params, 'sample', true),
        policy: stringParam('envelope', params, 'policy', false),
        manifest: stringParam('envelope', params, 'manifest', false),
        cwd: ctx.cwd,
        flags: { policy: 'with.policy', manifest: 'with.manifest', sample: 'with.sample' },
      });
      return { passed: result.passed, summary: summarizeEnvelope(result), report: formatEnvelopeReport(result), data: result };
    }),
};

const artifactDigest: BuiltinCheck = {
  name: 'artifact-digest',
  description: 'Verifies sha256 pins of release artifacts under a root directory and copies them into the evidence bundle.',
  params: [
    { name: 'root', type: 'string', required: true, description: 'directory the artifact paths are relative to' },
    { name: 'artifacts', type: 'array', required: false, description: 'list of {path, sha256}' },
    { name: 'from', type: 'string', required: false, description: 'JSON file with an artifacts array (a release evidence bundle)' },
  ],
  run: (params, ctx) =>
    outcomeOf(artifactDigest, params, async () => {
      const root = stringParam('artifact-digest', params, 'root', true);
      const from = stringParam('artifact-digest', params, 'from', false);
      if ((from === undefined) === (params.artifacts === undefined)) {
        throw new InputError('check artifact-digest: give exactly one of "artifacts" and "from"', 'list the pins under with.artifacts, or name a file with an artifacts array in with.from');
      }
      const pins: ArtifactPin[] = from !== undefined
        ? await readArtifactPins(from, ctx.cwd, 'with.from')
        : parseArtifactPins(params.artifacts, 'check artifact-digest: parameter', 'write with.artifacts as a list of {path, sha256}');
      const result = await verifyArtifactDigests({ root, pins, from, destination: ctx.artifactDir, tempDir: ctx.tempDir, cwd: ctx.cwd, rootFlag: 'with.root', ...(ctx.signal ? { signal: ctx.signal } : {}) });
      return { passed: result.passed, summary: summarizeArtifacts(result), report: formatArtifactReport(result), data: result };
    }),
};

export const BUILTIN_CHECKS: Record<string, BuiltinCheck> = {
  [handoffPayload.name]: handoffPayload,
  [envelope.name]: envelope,
  [artifactDigest.name]: artifactDigest,
};

export type { Violation } from './violation.js';
