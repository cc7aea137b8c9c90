// The producer contract manifest (producer-contract-manifest.json): the
// canonical pins a handoff payload and the error-code enum are checked
// against. Loading refuses a file that is not a manifest, so a swapped
// --manifest/--payload pair fails loudly instead of "expecting undefined".
import { InputError } from '../shared/errors.js';
import { readJsonFile, MiB, type JsonDocument } from './json.js';
import { isPlainObject, jsonTypeOf } from './violation.js';

export interface ProducerManifest {
  manifest_contract_version: string;
  release_tag: string;
  commit_sha: string;
  expected_service_contract_version: string;
  expected_api_contract_version: string;
  integration_baseline: string;
  error_code_enum: string[];
}

const STRING_FIELDS = [
  'manifest_contract_version',
  'release_tag',
  'commit_sha',
  'expected_service_contract_version',
  'expected_api_contract_version',
  'integration_baseline',
] as const;

/** Validates the fields the checks rely on; other manifest fields are kept but not interpreted. */
export function parseProducerManifest(value: unknown, file: string): ProducerManifest {
  const notManifest = (what: string): never => {
    throw new InputError(
      `contract manifest "${file}" is not a producer contract manifest: ${what}`,
      'pass producer-contract-manifest.json (contracts/integration/v1/ in the producer checkout) with --manifest',
    );
  };
  if (!isPlainObject(value)) return notManifest(`the top level is ${jsonTypeOf(value)}, expected an object`);
  for (const key of STRING_FIELDS) {
    if (!(key in value)) notManifest(`missing "${key}"`);
    if (typeof value[key] !== 'string') notManifest(`"${key}" is ${jsonTypeOf(value[key])}, expected a string`);
  }
  // A handoff payload carries every manifest field too; without this a
  // swapped --manifest/--payload pair would be compared the wrong way round.
  if ('handoff_mode' in value) notManifest('it is a handoff payload (it has handoff_mode) — were --manifest and --payload swapped?');
  const codes = value.error_code_enum;
  if (!Array.isArray(codes)) return notManifest('"error_code_enum" is missing or not an array');
  if (codes.some((c) => typeof c !== 'string')) notManifest('"error_code_enum" must be an array of strings');
  return value as unknown as ProducerManifest;
}

export async function loadProducerManifest(file: string, cwd?: string, flag = '--manifest'): Promise<{ manifest: ProducerManifest; document: JsonDocument }> {
  const document = await readJsonFile(file, {
    label: 'contract manifest',
    cwd,
    flag,
    maxBytes: 16 * MiB,
    tooLargeReason: 'not a contract manifest: too large (a manifest is about 1 KiB)',
  });
  return { manifest: parseProducerManifest(document.value, file), document };
}
