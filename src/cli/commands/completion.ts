// `cutover completion bash|zsh`: prints a shell completion script. The
// script is generated from the commands' own option specs (each command
// module's OPTIONS), so a flag a command accepts is a flag the shell offers;
// test/cli/completion.test.ts sources it in a real bash and asks it.
import { parseCommandArgs, type OptionSpec } from '../args.js';
import { EXIT, InputError } from '../errors.js';
import type { CliIO } from '../io.js';
import { listScenarios } from '../../demo/prepare.js';
import { packageRoot } from './demo.js';
import * as lint from './lint.js';
import * as plan from './plan.js';
import * as run from './run.js';
import * as resume from './resume.js';
import * as verify from './verify.js';
import * as report from './report.js';
import * as check from './check.js';
import * as demo from './demo.js';
import * as signoff from './signoff.js';
import * as sign from './sign.js';
import * as trigger from './trigger.js';
import * as watch from './watch.js';

export const HELP = `Usage: cutover completion bash|zsh

Prints a completion script for the shell: the commands, each command's
flags, runbook and answers files, bundle directories, and the values of
--mode, --format, --contract and --scenario.

  bash:  source <(cutover completion bash)         (add it to ~/.bashrc)
  zsh:   source <(cutover completion zsh)          (add it to ~/.zshrc, after
         compinit), or save it as _cutover in a directory of your $fpath

Options:
  -h, --help`;

export const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionSpec;

/** What the word after a flag (or a positional) completes to. */
type Completes = { kind: 'file' | 'dir' | 'none' } | { kind: 'words'; words: string[] };

export interface CommandSpec {
  /** The words that name it: `run`, or `check handoff`. */
  name: string;
  flags: string[];
  /** What a flag's value completes to (flags that take no value are absent). */
  values: Record<string, Completes>;
  positional: Completes;
  /** The word the first positional must be (`signoff request <bundle>`); `positional` completes the rest. */
  lead?: string;
}

const FILE: Completes = { kind: 'file' };
const DIR: Completes = { kind: 'dir' };
const NONE: Completes = { kind: 'none' };
const words = (...w: string[]): Completes => ({ kind: 'words', words: w });

/** How the value of each flag completes, by flag name; a flag not listed takes free text. */
function valueOf(flag: string, scenarios: string[]): Completes {
  switch (flag) {
    case 'mode':
      return words('rehearsal', 'cutover');
    case 'format':
      return words('markdown', 'json');
    case 'contract':
      return words('v2', 'v3');
    case 'scenario':
      return words(...scenarios);
    case 'answers':
    case 'key':
    case 'allowed-signers':
    case 'runbook':
    case 'out':
    case 'manifest':
    case 'payload':
    case 'sample':
    case 'policy':
    case 'from':
      return FILE;
    case 'evidence-dir':
    case 'reopen':
    case 'root':
    case 'copy-to':
      return DIR;
    default:
      return NONE;
  }
}

function spec(name: string, options: OptionSpec, positional: Completes, scenarios: string[], lead?: string): CommandSpec {
  const flags: string[] = [];
  const values: Record<string, Completes> = {};
  for (const [flag, o] of Object.entries(options)) {
    flags.push(`--${flag}`);
    if (o.short) flags.push(`-${o.short}`);
    if (o.type === 'string') values[`--${flag}`] = valueOf(flag, scenarios);
  }
  return { name, flags, values, positional, ...(lead ? { lead } : {}) };
}

/** Every command (and check kind) with its flags, from the modules' option specs. */
export function commandSpecs(): CommandSpec[] {
  let scenarios: string[] = [];
  try {
    scenarios = listScenarios(packageRoot()).map((s) => s.name);
  } catch {
    // no demo files next to the program: --scenario completes to nothing
  }
  return [
    spec('lint', lint.OPTIONS, FILE, scenarios),
    spec('plan', plan.OPTIONS, FILE, scenarios),
    spec('run', run.OPTIONS, FILE, scenarios),
    spec('resume', resume.OPTIONS, DIR, scenarios),
    spec('verify', verify.OPTIONS, DIR, scenarios),
    spec('report', report.OPTIONS, DIR, scenarios),
    spec('check', { help: { type: 'boolean', short: 'h' } }, words('handoff', 'envelope', 'artifact-digest'), scenarios),
    spec('check handoff', check.HANDOFF_OPTIONS, NONE, scenarios),
    spec('check envelope', check.ENVELOPE_OPTIONS, NONE, scenarios),
    spec('check artifact-digest', check.ARTIFACT_OPTIONS, NONE, scenarios),
    spec('demo', demo.OPTIONS, NONE, scenarios),
    spec('signoff', signoff.OPTIONS, DIR, scenarios, 'request'),
    spec('sign', sign.OPTIONS, FILE, scenarios),
    spec('trigger', trigger.OPTIONS, DIR, scenarios),
    spec('watch', watch.OPTIONS, DIR, scenarios),
    spec('completion', OPTIONS, words('bash', 'zsh'), scenarios),
  ];
}

const GLOBAL_FLAGS = ['--help', '-h', '--version', '-v', '-V'];

/** A word list quoted for a shell's single-quoted string (the names are plain words). */
function quoted(list: string[]): string {
  return `'${list.join(' ').replace(/'/g, "'\\''")}'`;
}

function bashReply(c: Completes): string {
  switch (c.kind) {
    case 'file':
      return '_cutover_files';
    case 'dir':
      return '_cutover_dirs';
    case 'words':
      return `_cutover_words ${quoted(c.words)}`;
    default:
      return 'COMPREPLY=()';
  }
}

export function bashScript(specs: CommandSpec[]): string {
  const top = specs.filter((s) => !s.name.includes(' ')).map((s) => s.name);
  const valueCases: string[] = [];
  const flagCases: string[] = [];
  const positionalCases: string[] = [];
  for (const s of specs) {
    for (const [flag, c] of Object.entries(s.values)) valueCases.push(`    '${s.name}|${flag}') ${bashReply(c)}; return ;;`);
    flagCases.push(`    '${s.name}') _cutover_words ${quoted(s.flags)} ;;`);
    const rest = bashReply(s.positional);
    positionalCases.push(`    '${s.name}') ${s.lead ? `if (( COMP_CWORD == 2 )); then _cutover_words '${s.lead}'; else ${rest}; fi` : rest} ;;`);
  }
  return `# bash completion for cutover (generated by \`cutover completion bash\`).
# Load it with: source <(cutover completion bash)
# One candidate per line, so a file name with a space stays one candidate.
_cutover_words() { COMPREPLY=($(compgen -W "$1" -- "$cur")); }
_cutover_files() { compopt -o filenames 2>/dev/null; local IFS=$'\\n'; COMPREPLY=($(compgen -f -- "$cur")); }
_cutover_dirs() { compopt -o filenames 2>/dev/null; local IFS=$'\\n'; COMPREPLY=($(compgen -d -- "$cur")); }
_cutover() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="" cmd="\${COMP_WORDS[1]}"
  (( COMP_CWORD > 0 )) && prev="\${COMP_WORDS[COMP_CWORD-1]}"
  COMPREPLY=()
  if (( COMP_CWORD == 1 )); then
    _cutover_words ${quoted([...top, ...GLOBAL_FLAGS])}
    return
  fi
  if [[ $cmd == check ]] && (( COMP_CWORD > 2 )); then cmd="check \${COMP_WORDS[2]}"; fi
  case "$cmd|$prev" in
${valueCases.join('\n')}
  esac
  if [[ $cur == -* ]]; then
    case "$cmd" in
${flagCases.join('\n')}
    esac
    return
  fi
  case "$cmd" in
${positionalCases.join('\n')}
  esac
}
complete -F _cutover cutover
`;
}

function zshAction(c: Completes): string {
  switch (c.kind) {
    case 'file':
      return '_files';
    case 'dir':
      return '_files -/';
    case 'words':
      return `(${c.words.join(' ')})`;
    default:
      return ' ';
  }
}

/** One _arguments spec per flag: `--mode:value:(rehearsal cutover)`, `*--var:value: `, `--json`. */
function zshArguments(s: CommandSpec, options: Map<string, boolean>): string {
  const args = s.flags.map((flag) => {
    const repeat = options.get(flag) ? '*' : '';
    const value = s.values[flag];
    return `'${repeat}${flag}${value ? `:value:${zshAction(value)}` : ''}'`;
  });
  if (s.lead) args.push(`'1:subcommand:(${s.lead})'`);
  if (s.positional.kind !== 'none') args.push(`'*:argument:${zshAction(s.positional)}'`);
  return `_arguments -s ${args.join(' ')}`;
}

export function zshScript(specs: CommandSpec[], multiple: (name: string) => Map<string, boolean>): string {
  const top = specs.filter((s) => !s.name.includes(' '));
  const cases = top
    .filter((s) => s.name !== 'check')
    .map((s) => `    ${s.name}) ${zshArguments(s, multiple(s.name))} ;;`);
  const checks = specs
    .filter((s) => s.name.startsWith('check '))
    .map((s) => `        ${s.name.slice('check '.length)}) ${zshArguments(s, multiple(s.name))} ;;`);
  const kinds = specs.find((s) => s.name === 'check')!.positional;
  return `#compdef cutover
# zsh completion for cutover (generated by \`cutover completion zsh\`).
# Load it with: source <(cutover completion zsh)   (after compinit)
_cutover() {
  if (( CURRENT == 2 )); then
    compadd -- ${top.map((s) => s.name).join(' ')} ${GLOBAL_FLAGS.join(' ')}
    return
  fi
  local cmd=\${words[2]}
  shift words
  (( CURRENT-- ))
  case $cmd in
${cases.join('\n')}
    check)
      if (( CURRENT == 2 )); then
        compadd -- ${kinds.kind === 'words' ? kinds.words.join(' ') : ''} --help -h
        return
      fi
      local kind=\${words[2]}
      shift words
      (( CURRENT-- ))
      case $kind in
${checks.join('\n')}
      esac
      ;;
  esac
}
if [[ \${funcstack[1]} == _cutover ]]; then
  _cutover "$@"
else
  compdef _cutover cutover
fi
`;
}

/** Which flags of each command repeat (--var, --retry, --artifact). */
function multipleFlags(): (name: string) => Map<string, boolean> {
  const byName: Record<string, OptionSpec> = {
    lint: lint.OPTIONS,
    plan: plan.OPTIONS,
    run: run.OPTIONS,
    resume: resume.OPTIONS,
    verify: verify.OPTIONS,
    report: report.OPTIONS,
    demo: demo.OPTIONS,
    signoff: signoff.OPTIONS,
    sign: sign.OPTIONS,
    trigger: trigger.OPTIONS,
    watch: watch.OPTIONS,
    completion: OPTIONS,
    'check handoff': check.HANDOFF_OPTIONS,
    'check envelope': check.ENVELOPE_OPTIONS,
    'check artifact-digest': check.ARTIFACT_OPTIONS,
  };
  return (name) => new Map(Object.entries(byName[name] ?? {}).map(([flag, o]) => [`--${flag}`, o.multiple === true]));
}

export async function main(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs('completion', args, OPTIONS);
  if (values.help) {
    io.out(HELP);
    return EXIT.ok;
  }
  const [shell, ...extra] = positionals;
  if (shell === undefined || extra.length || (shell !== 'bash' && shell !== 'zsh')) {
    throw new InputError(
      shell === undefined ? 'completion: which shell? none given' : extra.length ? 'completion: give one shell' : `completion: no completion for the shell "${shell}"`,
      'run `cutover completion bash` or `cutover completion zsh`',
    );
  }
  const specs = commandSpecs();
  io.out(shell === 'bash' ? bashScript(specs) : zshScript(specs, multipleFlags()));
  return EXIT.ok;
}
