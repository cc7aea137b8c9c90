// Thin wrapper over node:util parseArgs that turns its errors into
// InputErrors naming the command and pointing at --help.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { didYouMean } from '../runbook/suggest.js';
import { InputError } from './errors.js';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export function parseCommandArgs<T extends OptionSpec>(
  command: string,
  args: string[],
  options: T,
  allowPositionals = true,
) {
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals, strict: true, tokens: true });
  } catch (err) {
    const unknown = (err as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? /'(-{1,2}[^']+)'/.exec(String((err as Error).message))?.[1] : undefined;
    if (unknown) {
      const flags = Object.keys(options).map((name) => `--${name}`);
      const near = didYouMean(unknown.replace(/=.*$/, ''), flags);
      throw new InputError(`${command}: unknown flag ${unknown}`, `${near ? `${near} ` : ''}\`cutover ${command} --help\` lists the accepted flags`);
    }
    const message = err instanceof Error ? err.message.replace(/\.?$/, '') : String(err);
    throw new InputError(`${command}: ${message}`, `run \`cutover ${command} --help\` for the accepted flags`);
  }
  // A flag that takes one value, given twice, would silently keep the last: refuse it.
  const seen = new Set<string>();
  for (const token of parsed.tokens ?? []) {
    if (token.kind !== 'option' || options[token.name]?.multiple) continue;
    if (seen.has(token.name)) {
      throw new InputError(`${command}: --${token.name} is given more than once`, `give --${token.name} once; \`cutover ${command} --help\` lists the flags`);
    }
    seen.add(token.name);
  }
  const { tokens: _tokens, ...rest } = parsed;
  return rest;
}

/** Parses repeated --var KEY=VALUE flags. */
export function parseVarFlags(command: string, values: string[] | undefined): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const raw of values ?? []) {
    const eq = raw.indexOf('=');
    if (eq <= 0) {
      throw new InputError(
        `${command}: --var "${raw}" is not of the form KEY=VALUE`,
        'write it as --var producer_root=/path/to/checkout',
      );
    }
    vars[raw.slice(0, eq)] = raw.slice(eq + 1);
  }
  return vars;
}
