// Thin wrapper over node:util parseArgs that turns its errors into
// InputErrors naming the command and pointing at --help.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { InputError } from './errors.js';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export function parseCommandArgs<T extends OptionSpec>(
  command: string,
  args: string[],
  options: T,
  allowPositionals = true,
) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (err) {
    const message = err instanceof Error ? err.message.replace(/\.?$/, '') : String(err);
    throw new InputError(`${command}: ${message}`, `run \`cutover ${command} --help\` for the accepted flags`);
  }
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
