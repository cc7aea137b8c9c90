// Reads the JSON files the checks consume (handoff payloads, manifests,
// policies, samples, artifact lists). Every way a file can be wrong becomes
// an InputError that names the file, says what is wrong and how to fix it,
// because on cutover day the operator has no time to read a stack trace.
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InputError } from '../shared/errors.js';
import { MAX_JSON_DEPTH, scanJson, type DuplicateKey } from './json-scan.js';

export type { DuplicateKey } from './json-scan.js';

export const MiB = 1024 * 1024;
/** Default cap: larger files are refused before they are read into memory. */
export const DEFAULT_MAX_JSON_BYTES = 64 * MiB;

export interface JsonReadOptions {
  /** What the file is, as the user calls it: "handoff payload", "contract manifest". */
  label: string;
  /** Directory relative paths are resolved against (default: process.cwd()). */
  cwd?: string;
  maxBytes?: number;
  /** Appended to the too-large message: why this kind of file is never that big. */
  tooLargeReason?: string;
  /** The flag or parameter that names this file, for hints ("--payload"). */
  flag?: string;
}

export interface JsonDocument {
  /** The path as the user gave it (what messages show). */
  file: string;
  absolutePath: string;
  value: unknown;
  duplicateKeys: DuplicateKey[];
  bytes: number;
}

function describe(opts: JsonReadOptions, file: string): string {
  return `${opts.label} "${file}"`;
}

function pointAt(opts: JsonReadOptions): string {
  return opts.flag ? `pass the right file with ${opts.flag}` : 'fix the path';
}

/** Stat the file and refuse anything that is not a regular file of sane size. */
export async function statInputFile(file: string, opts: JsonReadOptions): Promise<{ absolutePath: string; size: number }> {
  const absolutePath = resolve(opts.cwd ?? process.cwd(), file);
  let info;
  try {
    info = await stat(absolutePath);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new InputError(
        `${describe(opts, file)} not found (looked at ${absolutePath})`,
        `check the path — relative paths are resolved from ${opts.cwd ?? process.cwd()} — or ${pointAt(opts)}`,
      );
    }
    throw new InputError(
      `cannot read ${describe(opts, file)}: ${(err as Error).message}`,
      `check that the file exists and is readable by this user, or ${pointAt(opts)}`,
    );
  }
  if (info.isDirectory()) {
    throw new InputError(
      `${describe(opts, file)} is a directory, not a JSON file`,
      `give the path of the JSON file inside it, or ${pointAt(opts)}`,
    );
  }
  if (!info.isFile()) {
    throw new InputError(`${describe(opts, file)} is not a regular file`, pointAt(opts));
  }
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_JSON_BYTES;
  if (info.size > maxBytes) {
    const reason = opts.tooLargeReason ? `: ${opts.tooLargeReason}` : '';
    throw new InputError(
      `${describe(opts, file)} is ${formatBytes(info.size)}, over the ${formatBytes(maxBytes)} limit${reason}`,
      `check that this is the right file, or ${pointAt(opts)}`,
    );
  }
  return { absolutePath, size: info.size };
}

export function formatBytes(bytes: number): string {
  if (bytes >= MiB) return `${(bytes / MiB).toFixed(bytes % MiB === 0 ? 0 : 1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} bytes`;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes strictly: a payload in another encoding must not be half-read as replacement characters. */
export function decodeUtf8(bytes: Uint8Array, file: string, opts: JsonReadOptions): string {
  try {
    const text = utf8.decode(bytes);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch {
    throw new InputError(
      `${describe(opts, file)} is not valid UTF-8 text`,
      'save it as UTF-8 JSON (jq . file > fixed.json re-encodes it)',
    );
  }
}

/** JSON.parse with a line:column message when the text is not JSON. */
export function parseJsonText(text: string, file: string, opts: JsonReadOptions): { value: unknown; duplicateKeys: DuplicateKey[] } {
  if (text.trim() === '') {
    throw new InputError(`${describe(opts, file)} is empty`, `it must contain a JSON document; regenerate it, or ${pointAt(opts)}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const scan = scanJson(text);
    const where = scan.syntaxError ? ` at line ${scan.syntaxError.line}, column ${scan.syntaxError.column}` : '';
    const what = scan.syntaxError?.message ?? (err as Error).message;
    throw new InputError(
      `${describe(opts, file)} is not valid JSON${where}: ${what}`,
      'fix the syntax at that position (`jq . FILE` shows the same error), or regenerate the file',
    );
  }
  const scan = scanJson(text);
  if (scan.tooDeep) throw tooDeepError(`${describe(opts, file)} nests arrays or objects`, scan.tooDeep);
  return { value, duplicateKeys: scan.duplicates };
}

/** A document nested deeper than MAX_JSON_DEPTH is refused as input, where it opens the level too many. */
export function tooDeepError(what: string, at: { line: number; column: number }, line = at.line): InputError {
  return new InputError(
    `${what} deeper than ${MAX_JSON_DEPTH} levels (line ${line}, column ${at.column})`,
    'real payloads and samples are a few levels deep: check that this is the right file, or regenerate it',
  );
}

/** Reads, decodes and parses one JSON file, refusing what cannot be a sane input. */
export async function readJsonFile(file: string, opts: JsonReadOptions): Promise<JsonDocument> {
  const { absolutePath, size } = await statInputFile(file, opts);
  let bytes: Buffer;
  try {
    bytes = await readFile(absolutePath);
  } catch (err) {
    throw new InputError(`cannot read ${describe(opts, file)}: ${(err as Error).message}`, 'check the file permissions');
  }
  const text = decodeUtf8(bytes, file, opts);
  const { value, duplicateKeys } = parseJsonText(text, file, opts);
  return { file, absolutePath, value, duplicateKeys, bytes: size };
}
