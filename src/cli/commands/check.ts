// `cutover check <kind>`: the built-in contract checks on their own, outside
// a runbook, so either side (or CI) can run one in a single command.
// Exit 0 passed, 1 violations found, 2 usage or input error (thrown).
import { parseCommandArgs, type OptionSpec } from '../args.js';
import { EXIT, InputError } from '../errors.js';
import type { CliIO } from '../io.js';
import { formatArtifactReport, readArtifactPins, parseArtifactPins, verifyArtifactDigests, type ArtifactPin } from '../../checks/artifact-digest.js';
import { formatEnvelopeReport, runEnvelopeCheck } from '../../checks/envelope.js';
import { refuseBundleTarget } from '../../evidence/bundle.js';
import { formatHandoffReport, runHandoffCheck } from '../../checks/handoff-check.js';
import { toJsonViolation, type Violation } from '../../checks/violation.js';

export const HELP = `Usage:
  cutover check handoff --manifest FILE --payload FILE [--expect-tag TAG]
                        [--expect-sha SHA] [--strict] [--json]
  cutover check envelope --contract v2|v3 --sample FILE [--policy FILE]
                         [--manifest FILE] [--json]
  cutover check artifact-digest --root DIR
                         (--from FILE | --artifact PATH=SHA256...)
                         [--copy-to DIR] [--json]

Runs one built-in contract check (the same ones a runbook's check steps use).
Exit codes: 0 passed, 1 violations found, 2 usage or input error.
Run \`cutover check <kind> --help\` for the flags of one check; every rule is
listed in docs/checks.md (in the package).

Options:
  -h, --help`;

export const HANDOFF_HELP = `Usage: cutover check handoff --manifest FILE --payload FILE [--expect-tag TAG]
                             [--expect-sha SHA] [--strict] [--json]

Checks a producer handoff payload against the producer contract manifest:
the 15 required keys, the manifest pins (release tag, commit, API contract,
integration baseline, manifest version, error-code enum in order), the active
runtime baseline, the non-2xx envelope policy of the manifest's era
(service.v2 or service.v3), and the handoff mode (stable |
service-v3-candidate). Every violation is reported.

  --manifest FILE   producer-contract-manifest.json
  --payload FILE    the handoff payload
                    (e.g. PRODUCER_RELEASE_HANDOFF_LATEST.json)
  --expect-tag TAG  the payload must name this release_tag (the release cut
                    over to): a payload that matches a manifest regenerated
                    for another release fails with target-drift
  --expect-sha SHA  the payload must name this commit_sha (40 hex characters)
  --strict          hygiene findings (duplicate keys, timestamp format, empty
                    command lists, short commit shas, forbidden envelope
                    fields) fail the check instead of being warnings
  --json            print a JSON object instead of the report
  -h, --help`;

export const ENVELOPE_HELP = `Usage: cutover check envelope --contract v2|v3 --sample FILE [--policy FILE]
                              [--manifest FILE] [--json]

Validates non-2xx response samples against a contract's envelope policy:
required, optional and forbidden fields, and error.code in the error-code enum.
The sample file is one JSON object, a JSON array of objects, or NDJSON.

  --contract v2|v3  the contract whose policy applies
  --sample FILE     the response samples
  --policy FILE     policy file instead of the built-in one
                    (contracts/envelope-policy.json in the package;
                    service-contract-source-of-truth.json is accepted too)
  --manifest FILE   take the error-code enum from this producer contract
                    manifest
  --json            print a JSON object instead of the report
  -h, --help`;

export const ARTIFACT_HELP = `Usage: cutover check artifact-digest --root DIR
         (--from FILE | --artifact PATH=SHA256...) [--copy-to DIR] [--json]

Verifies the sha256 pins of release artifacts under DIR.

  --root DIR             directory the artifact paths are relative to
  --from FILE            JSON file with an "artifacts" array of {path, sha256}
                         (RELEASE_EVIDENCE_BUNDLE_LATEST.json has one)
  --artifact PATH=SHA256 one pin; repeat for several
  --copy-to DIR          copy each artifact to DIR/verified/ or DIR/mismatched/
                         (never inside an evidence bundle; a path that cannot
                         be copied safely there is a violation)
  --json                 print a JSON object instead of the report
  -h, --help`;

export const HANDOFF_OPTIONS = {
  manifest: { type: 'string' },
  payload: { type: 'string' },
  strict: { type: 'boolean' },
  'expect-tag': { type: 'string' },
  'expect-sha': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionSpec;

export const ENVELOPE_OPTIONS = {
  contract: { type: 'string' },
  sample: { type: 'string' },
  policy: { type: 'string' },
  manifest: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionSpec;

export const ARTIFACT_OPTIONS = {
  root: { type: 'string' },
  from: { type: 'string' },
  artifact: { type: 'string', multiple: true },
  'copy-to': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionSpec;

interface Report {
  passed: boolean;
  asJson: boolean;
  text: string;
  json: unknown;
}

export async function main(args: string[], io: CliIO): Promise<number> {
  const [kind, ...rest] = args;
  if (kind === '--help' || kind === '-h' || kind === 'help') {
    io.out(HELP);
    return EXIT.ok;
  }
  const run = kind === undefined ? undefined : KINDS[kind];
  if (!run) {
    throw new InputError(
      kind === undefined ? 'check: which check? none given' : `check: unknown check "${kind}"`,
      `use one of: handoff, envelope, artifact-digest (cutover check --help)`,
    );
  }
  const report = await run(rest, io);
  if (report === 'help') return EXIT.ok;
  io.out(report.asJson ? JSON.stringify(report.json, null, 2) : report.text);
  return report.passed ? EXIT.ok : EXIT.notOk;
}

type KindRunner = (args: string[], io: CliIO) => Promise<Report | 'help'>;

function required(command: string, flag: string, value: string | undefined, example: string): string {
  if (value === undefined || value === '') {
    throw new InputError(`${command}: ${flag} is required`, `for example: cutover ${command} ${example}`);
  }
  return value;
}

/** Violations in a fixed key order so --json output is stable across versions of the code. */
function stable<T extends { violations: Violation[]; warnings?: Violation[] }>(result: T): T {
  return {
    ...result,
    violations: result.violations.map(toJsonViolation),
    ...(result.warnings ? { warnings: result.warnings.map(toJsonViolation) } : {}),
  };
}

const handoff: KindRunner = async (args, io) => {
  const { values } = parseCommandArgs('check handoff', args, HANDOFF_OPTIONS, false);
  if (values.help) {
    io.out(HANDOFF_HELP);
    return 'help';
  }
  const example = '--manifest producer-contract-manifest.json --payload PRODUCER_RELEASE_HANDOFF_LATEST.json';
  const result = await runHandoffCheck({
    manifest: required('check handoff', '--manifest', values.manifest, example),
    payload: required('check handoff', '--payload', values.payload, example),
    strict: values.strict ?? false,
    expect: { ...(values['expect-tag'] !== undefined ? { release_tag: values['expect-tag'] } : {}), ...(values['expect-sha'] !== undefined ? { commit_sha: values['expect-sha'] } : {}) },
  });
  return { passed: result.passed, asJson: values.json ?? false, text: formatHandoffReport(result), json: stable(result) };
};

const envelope: KindRunner = async (args, io) => {
  const { values } = parseCommandArgs('check envelope', args, ENVELOPE_OPTIONS, false);
  if (values.help) {
    io.out(ENVELOPE_HELP);
    return 'help';
  }
  const example = '--contract v3 --sample responses.ndjson';
  const result = await runEnvelopeCheck({
    contract: required('check envelope', '--contract', values.contract, example),
    sample: required('check envelope', '--sample', values.sample, example),
    policy: values.policy,
    manifest: values.manifest,
  });
  return { passed: result.passed, asJson: values.json ?? false, text: formatEnvelopeReport(result), json: stable(result) };
};

const artifactDigest: KindRunner = async (args, io) => {
  const { values } = parseCommandArgs('check artifact-digest', args, ARTIFACT_OPTIONS, false);
  if (values.help) {
    io.out(ARTIFACT_HELP);
    return 'help';
  }
  const root = required('check artifact-digest', '--root', values.root, '--root ../MemoryKernel --from RELEASE_EVIDENCE_BUNDLE_LATEST.json');
  if ((values.from === undefined) === (values.artifact === undefined)) {
    throw new InputError('check artifact-digest: give either --from FILE or one or more --artifact PATH=SHA256', 'run `cutover check artifact-digest --help`');
  }
  const pins: ArtifactPin[] = values.from !== undefined ? await readArtifactPins(values.from, undefined, '--from') : parseArtifactFlags(values.artifact ?? []);
  if (values['copy-to'] !== undefined) refuseBundleTarget(values['copy-to'], `check artifact-digest --copy-to ${values['copy-to']}`);
  const result = await verifyArtifactDigests({ root, pins, from: values.from, destination: values['copy-to'] });
  return { passed: result.passed, asJson: values.json ?? false, text: formatArtifactReport(result), json: stable(result) };
};

function parseArtifactFlags(flags: string[]): ArtifactPin[] {
  const pins = flags.map((flag) => {
    const eq = flag.lastIndexOf('=');
    if (eq <= 0) throw new InputError(`check artifact-digest: --artifact "${flag}" is not of the form PATH=SHA256`, 'write it as --artifact openapi/openapi.yaml=823c94f9…');
    return { path: flag.slice(0, eq), sha256: flag.slice(eq + 1) };
  });
  return parseArtifactPins(pins, 'check artifact-digest: --artifact', 'give each pin as --artifact PATH=SHA256');
}

const KINDS: Record<string, KindRunner> = {
  handoff,
  'handoff-payload': handoff,
  envelope,
  'artifact-digest': artifactDigest,
};
