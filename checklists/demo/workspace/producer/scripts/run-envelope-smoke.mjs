// Smoke test of the non-2xx error envelope: every captured service.v3 sample
// response must carry what the source of truth requires, nothing it forbids
// (legacy_error is gone in service.v3), an error code from the enum, and the
// HTTP status the normative code → status mapping gives that code.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CheckError, Findings, getPath, parseArgs, producerRoot, readJson, run, SAMPLES_V3, SOURCE_OF_TRUTH } from './lib/contract.mjs';

const USAGE = `Usage: node scripts/run-envelope-smoke.mjs [--memorykernel-root DIR] [--samples DIR]

Checks every <status>-<name>.json response body in ${SAMPLES_V3}
against the non-2xx envelope policy of ${SOURCE_OF_TRUTH}.`;

// The status each error code is served with (docs/spec/service-contract.md).
const STATUS_OF_CODE = {
  invalid_json: 400,
  validation_error: 400,
  context_package_not_found: 404,
  write_conflict: 409,
  schema_unavailable: 503,
  migration_failed: 500,
  write_failed: 500,
  query_failed: 500,
  context_lookup_failed: 500,
  internal_error: 500,
};

run('envelope smoke', () => {
  const args = parseArgs(process.argv.slice(2), ['memorykernel-root', 'samples'], USAGE);
  const root = producerRoot(args);
  const source = readJson(root, SOURCE_OF_TRUTH);
  const policy = source.non_2xx_envelope_policy;
  const dir = args.samples ?? SAMPLES_V3;
  let files;
  try {
    files = readdirSync(join(root, dir)).filter((n) => n.endsWith('.json')).sort();
  } catch {
    throw new CheckError(`sample directory missing: ${dir}`);
  }
  if (files.length === 0) throw new CheckError(`no sample responses in ${dir}`);
  const f = new Findings('envelope smoke');

  for (const file of files) {
    f.step(`${dir}/${file}`);
    const body = readJson(root, join(dir, file));
    const status = Number(file.split('-')[0]);
    if (!(status >= 400 && status <= 599)) f.fail(`${file}: name must start with the HTTP status of a non-2xx response`);
    for (const field of policy.requires) if (getPath(body, field) === undefined) f.fail(`${file}: required field ${field} is missing`);
    for (const field of policy.forbids) if (getPath(body, field) !== undefined) f.fail(`${file}: forbidden field ${field} is present (forbidden by ${source.expected_service_contract_version})`);
    if (body.service_contract_version !== source.expected_service_contract_version) f.fail(`${file}: service_contract_version is ${JSON.stringify(body.service_contract_version)}, expected ${source.expected_service_contract_version}`);
    const allowed = new Set([...policy.requires, ...policy.optional].filter((p) => p.startsWith('error.')).map((p) => p.slice(6)));
    for (const key of Object.keys(body.error ?? {})) if (!allowed.has(key)) f.fail(`${file}: error.${key} is not part of the ${source.expected_service_contract_version} envelope`);
    const code = getPath(body, 'error.code');
    if (code !== undefined && !source.error_code_enum.includes(code)) f.fail(`${file}: error.code ${JSON.stringify(code)} is not in the error-code enum`);
    else if (code !== undefined && STATUS_OF_CODE[code] !== status) f.fail(`${file}: ${code} is served with ${STATUS_OF_CODE[code]}, sample says ${status}`);
    const details = getPath(body, 'error.details');
    if (details !== undefined && (details === null || typeof details !== 'object' || Array.isArray(details))) f.fail(`${file}: error.details must be an object`);
  }

  f.finish(`Envelope smoke passed: ${files.length} ${source.expected_service_contract_version} non-2xx samples conform.`);
});
