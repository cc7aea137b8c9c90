// Entry point of the `cutover` command. It stays tiny on purpose: --version
// and --help answer without loading anything else, and every sub-command is
// imported lazily so that the plain paths never load Ink.
import { EXIT, exitCodeOf, formatError } from './cli/errors.js';
import { guardOutputStreams, processIO } from './cli/io.js';
import { VERSION } from './version.js';
import { packageDir } from './shared/package-files.js';

interface CommandEntry {
  summary: string;
  load: () => Promise<{ main: (args: string[], io: typeof processIO) => Promise<number> }>;
}

const COMMANDS: Record<string, CommandEntry> = {
  lint: { summary: 'lint <runbook>... [--json]         validate runbook files', load: () => import('./cli/commands/lint.js') },
  plan: { summary: 'plan <runbook> [--var KEY=VALUE]... [--json]\n                                   resolved steps + preflight', load: () => import('./cli/commands/plan.js') },
  run: { summary: 'run <runbook> [--mode rehearsal|cutover] [--var KEY=VALUE]...\n      [--evidence-dir DIR] [--operator NAME] [--answers FILE] [--plain]\n      [--json] [--reopen BUNDLE] [--from BUNDLE] [--dry-run]\n      [--rollback-answers FILE] [--operator-principal NAME]', load: () => import('./cli/commands/run.js') },
  resume: { summary: 'resume <bundle-dir> [--answers FILE] [--operator NAME]\n      [--var KEY=VALUE]... [--retry STEP]... [--retry-failed] [--plain] [--json]\n      [--operator-principal NAME]', load: () => import('./cli/commands/resume.js') },
  verify: { summary: 'verify <bundle-dir> [--runbook FILE] [--allowed-signers FILE]\n      [--require-links] [--json]   integrity + rule replay', load: () => import('./cli/commands/verify.js') },
  report: { summary: 'report <bundle-dir> [--format markdown|json] [--json] [--out FILE]', load: () => import('./cli/commands/report.js') },
  check: { summary: 'check handoff --manifest FILE --payload FILE [--expect-tag TAG]\n      [--expect-sha SHA] [--strict] [--json]\n  cutover check envelope --contract v2|v3 --sample FILE [--policy FILE]\n      [--manifest FILE] [--json]\n  cutover check artifact-digest --root DIR\n      (--from FILE | --artifact PATH=SHA256...) [--copy-to DIR] [--json]', load: () => import('./cli/commands/check.js') },
  demo: { summary: 'demo [--plain] [--scenario NAME] [--list] [--evidence-dir DIR]\n      [--json] [--operator-principal NAME]\n                                   self-contained rehearsal', load: () => import('./cli/commands/demo.js') },
  signoff: { summary: 'signoff request <bundle-dir> --step ID --role ROLE\n      [--principal NAME]           the text an approver signs', load: () => import('./cli/commands/signoff.js') },
  sign: { summary: 'sign <bundle-dir|msg-file> --step ID --role ROLE --key FILE\n                                   sign it with ssh-keygen', load: () => import('./cli/commands/sign.js') },
  trigger: { summary: 'trigger <bundle-dir> TRIGGER --note TEXT [--severity SEV-n]\n      [--identified-at TIME] [--clear TRIGGER] [--operator NAME]\n      [--wait SECONDS]             declare (or clear) a rollback trigger', load: () => import('./cli/commands/trigger.js') },
  watch: { summary: 'watch <bundle-dir> [--plain]         read-only live view of a run\n                                   (the run\'s screen in a terminal)', load: () => import('./cli/commands/watch.js') },
  completion: { summary: 'completion bash|zsh                print a shell completion script', load: () => import('./cli/commands/completion.js') },
};

/** The commands that may take a bundle's lock. */
const LOCKING = new Set(['run', 'resume', 'demo', 'signoff', 'sign', 'trigger']);

function usage(): string {
  const lines = Object.values(COMMANDS).map((c) => `  cutover ${c.summary}`);
  return [
    `cutover ${VERSION} — a release's cutover day as an executable, auditable runbook`,
    '',
    'Usage:',
    ...lines,
    '',
    '  cutover --version (-v, -V) | --help (-h) | <command> --help',
    '',
    'Every command takes --help; `cutover` alone prints this help and exits 2.',
    'Exit codes: 0 ok, 1 not ok (NO-GO, failed check, tampering), 2 usage or',
    'input error, 3 paused and resumable, 130 interrupted.',
    '',
    `Docs (docs/*.md) and the shipped runbooks (checklists/) are in the package:`,
    `  ${packageDir() ?? 'the directory cutover is installed in'}`,
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    processIO.out(usage());
    return command === undefined ? EXIT.usage : EXIT.ok;
  }
  if (command === '--version' || command === '-V' || command === '-v') {
    processIO.out(VERSION);
    return EXIT.ok;
  }
  const entry = COMMANDS[command];
  if (!entry) {
    processIO.err(formatError(new (await import('./cli/errors.js')).InputError(
      `unknown command "${command}"`,
      `run \`cutover --help\` to see the commands: ${Object.keys(COMMANDS).join(', ')}`,
    )));
    return EXIT.usage;
  }
  const mod = await entry.load();
  // A lock this process takes says which command holds the bundle (`cutover trigger` tells a user so).
  if (LOCKING.has(command)) (await import('./session/lock.js')).setLockCommand(`cutover ${command}`);
  return mod.main(rest, processIO);
}

// A closed pipe (`| head -1`) or a lost terminal must not crash a run.
guardOutputStreams();

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    processIO.err(formatError(err));
    process.exitCode = exitCodeOf(err);
  },
);
