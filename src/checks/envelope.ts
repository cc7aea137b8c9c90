// The non-2xx envelope check: validates response samples (one JSON object,
// a JSON array of objects, or NDJSON) against a contract's envelope policy.
import { InputError } from '../shared/errors.js';
import { duplicateKeysIn, mayHaveDuplicateKeys } from './duplicate-probe.js';
import { loadEnvelopePolicies, type PolicySources } from './envelope-policy.js';
import { compileEnvelopeValidator, type EnvelopeValidator } from './envelope-validator.js';
import { readJsonFile, statInputFile, type JsonReadOptions } from './json.js';
import { MAX_NDJSON_LINE_BYTES, parsesAsObject, readPrefix, streamNdjson } from './ndjson.js';
import { childPath, formatViolationLine, type Violation } from './violation.js';

export { loadEnvelopePolicies, normalizePolicyDocument, buildEnvelopeSchema, defaultPolicyPath } from './envelope-policy.js';
export { compileEnvelopeValidator } from './envelope-validator.js';
export { mayHaveDuplicateKeys } from './duplicate-probe.js';

export type SampleShape = 'object' | 'array' | 'ndjson';

/** Violations kept in the result; the counts stay exact beyond it. */
export const MAX_REPORTED_VIOLATIONS = 1000;

export interface EnvelopeCheckRequest extends PolicySources {
  contract: string;
  sample: string;
  flags?: { policy: string; manifest: string; sample?: string };
}

export interface EnvelopeCheckResult {
  check: 'envelope';
  passed: boolean;
  contract: string;
  serviceContractVersion: string | null;
  sample: string;
  shape: SampleShape;
  policy: string;
  errorCodeSource: string;
  samples: number;
  failedSamples: number;
  violationCount: number;
  /** At most MAX_REPORTED_VIOLATIONS, each with the sample's index (and NDJSON line). */
  violations: Violation[];
}

/** Collects the findings of one sample file; shared by the three shapes. */
class SampleTally {
  samples = 0;
  failedSamples = 0;
  violationCount = 0;
  readonly violations: Violation[] = [];

  constructor(private readonly validator: EnvelopeValidator) {}

  /** `extra` carries findings made outside the schema (duplicate keys); they fail the sample too. */
  add(sample: unknown, root: string, index: number, line?: number, extra?: Violation[]): void {
    this.samples++;
    const valid = this.validator.isValid(sample);
    if (valid && !extra?.length) return;
    this.failedSamples++;
    this.record(valid ? extra! : [...this.validator.explain(sample, root), ...(extra ?? [])], index, line);
  }

  record(found: Violation[], index: number, line?: number): void {
    this.violationCount += found.length;
    for (const v of found) {
      if (this.violations.length >= MAX_REPORTED_VIOLATIONS) return;
      this.violations.push(line === undefined ? { ...v, index } : { ...v, index, line });
    }
  }
}

export async function runEnvelopeCheck(req: EnvelopeCheckRequest): Promise<EnvelopeCheckResult> {
  const set = await loadEnvelopePolicies(req);
  if (!set.contracts[req.contract]) {
    throw new InputError(
      `unknown contract "${req.contract}" for the envelope check`,
      `use one of: ${Object.keys(set.contracts).join(', ')} (policies from ${set.source})`,
    );
  }
  const validator = compileEnvelopeValidator(set, req.contract);
  const tally = new SampleTally(validator);
  const opts: JsonReadOptions = { label: 'envelope sample file', cwd: req.cwd, flag: req.flags?.sample ?? '--sample' };
  const shape = await readSamples(req.sample, opts, tally);
  if (tally.samples === 0) {
    throw new InputError(`envelope sample file "${req.sample}" contains no samples`, 'add at least one non-2xx response body; a check of nothing proves nothing');
  }
  return {
    check: 'envelope',
    passed: tally.failedSamples === 0,
    contract: req.contract,
    serviceContractVersion: validator.policy.serviceContractVersion ?? null,
    sample: req.sample,
    shape,
    policy: set.source,
    errorCodeSource: set.errorCodeSource,
    samples: tally.samples,
    failedSamples: tally.failedSamples,
    violationCount: tally.violationCount,
    violations: tally.violations,
  };
}

/** Decides the shape from the first bytes, then reads the samples into `tally`. */
async function readSamples(file: string, opts: JsonReadOptions, tally: SampleTally): Promise<SampleShape> {
  const { absolutePath } = await statInputFile(file, { ...opts, maxBytes: Number.MAX_SAFE_INTEGER });
  const head = await readPrefix(absolutePath, 64 * 1024, false);
  const first = /\S/.exec(head);
  if (first?.[0] === '{') {
    const firstLine = await readPrefix(absolutePath, MAX_NDJSON_LINE_BYTES, true);
    // A first line that is a whole object, followed by more lines: NDJSON.
    if (firstLine.endsWith('\n') && parsesAsObject(firstLine)) {
      let index = 0;
      const records = await streamNdjson(absolutePath, file, opts.label, (sample, text, lineNo) => {
        const dupes = mayHaveDuplicateKeys(text, sample) ? duplicateKeysIn(text) : undefined;
        tally.add(sample, '$', index++, lineNo, dupes?.map((d) => duplicateKeyViolation(d.path, d.key, d.line, d.firstLine)));
      });
      return records === 1 ? 'object' : 'ndjson';
    }
  }
  // Whole-document shapes (and anything else, which parseJsonText explains).
  const doc = await readJsonFile(file, opts);
  const dupes = new Map<number, Violation[]>();
  for (const d of doc.duplicateKeys) {
    const index = Array.isArray(doc.value) ? Number(/^\$\[(\d+)\]/.exec(d.path)?.[1] ?? 0) : 0;
    dupes.set(index, [...(dupes.get(index) ?? []), duplicateKeyViolation(d.path, d.key, d.line, d.firstLine)]);
  }
  if (Array.isArray(doc.value)) {
    doc.value.forEach((sample, i) => tally.add(sample, childPath('$', i), i, undefined, dupes.get(i)));
    return 'array';
  }
  if (first?.[0] !== '{') {
    throw new InputError(
      `envelope sample file "${file}" holds a JSON ${doc.value === null ? 'null' : typeof doc.value}, not response samples`,
      'give one response body (a JSON object), a JSON array of them, or NDJSON (one object per line)',
    );
  }
  tally.add(doc.value, '$', 0, undefined, dupes.get(0));
  return 'object';
}

/** A duplicate key fails its sample even when the kept value is valid: clients disagree on which one wins. */
function duplicateKeyViolation(path: string, key: string, line: number, firstLine: number): Violation {
  const where = line === firstLine ? 'twice on the same line' : `again on line ${line} (first on line ${firstLine})`;
  return { rule: 'duplicate-key', path, actual: key, message: `key "${key}" appears ${where}; JSON.parse keeps the last value, other clients may keep the first` };
}

export function summarizeEnvelope(r: EnvelopeCheckResult): string {
  const contract = r.serviceContractVersion ?? r.contract;
  const what = `${r.samples} ${r.shape === 'ndjson' ? 'NDJSON ' : ''}sample${r.samples === 1 ? '' : 's'} from ${r.sample}`;
  return r.passed
    ? `envelope check passed: ${what} ${r.samples === 1 ? 'satisfies' : 'satisfy'} the ${contract} non-2xx envelope policy`
    : `envelope check FAILED: ${r.failedSamples} of ${what} ${r.failedSamples === 1 ? 'violates' : 'violate'} the ${contract} non-2xx envelope policy (${r.violationCount} violation${r.violationCount === 1 ? '' : 's'})`;
}

/** Lines shown before the report says "... and N more"; the JSON output keeps MAX_REPORTED_VIOLATIONS. */
const MAX_REPORT_LINES = 200;

export function formatEnvelopeReport(r: EnvelopeCheckResult): string {
  const lines = r.violations.slice(0, MAX_REPORT_LINES).map((v) => `sample #${v.index ?? 0}${v.line !== undefined ? ` (line ${v.line})` : ''}: ${formatViolationLine({ ...v, line: undefined })}`);
  const hidden = r.violationCount - Math.min(r.violations.length, MAX_REPORT_LINES);
  if (hidden > 0) lines.push(`... and ${hidden} more violation${hidden === 1 ? '' : 's'} (--json lists up to ${MAX_REPORTED_VIOLATIONS})`);
  lines.push(`policy: ${r.policy}; error codes: ${r.errorCodeSource}`);
  lines.push(summarizeEnvelope(r));
  return lines.join('\n');
}
