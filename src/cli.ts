// Entry point of the `cutover` command. It stays tiny on purpose: --version
// and --help answer without loading anything else, and every sub-command is
// imported lazily so that the plain paths never load Ink.
import { EXIT, exitCodeOf, formatError } from './cli/errors.js';
import { guardOutputStreams, processIO } from './cli/io.js';
import { VERSION } from './version.js';

interface CommandEntry {
  summary: string;
  load: () => Promise<{ main: (args: string[], io: typeof processIO) => Promise<number> }>;
}

const COMMANDS: Record<string, CommandEntry> = {
  lint: { summary: 'lint <runbook>...                      validate runbook files', load: () => import('./cli/commands/lint.js') },
  plan: { summary: 'plan <runbook> [--var KEY=VALUE]...   resolved steps + preflight', load: () => import('./cli/commands/plan.js') },
  run: { summary: 'run <runbook> [--mode rehearsal|cutover] [--var KEY=VALUE]... [--evidence-dir DIR]\n                 [--operator NAME] [--plain] [--answers FILE]', load: () => import('./cli/commands/run.js') },
  resume: { summary: 'resume <bundle-dir> [--answers FILE] [--retry STEP]... [--retry-failed] [--var K=V]...', load: () => import('./cli/commands/resume.js') },
  verify: { summary: 'verify <bundle-dir> [--runbook FILE] [--json]   integrity + rule replay', load: () => import('./cli/commands/verify.js') },
  report: { summary: 'report <bundle-dir> [--format markdown|json] [--out FILE]', load: () => import('./cli/commands/report.js') },
  check: { summary: 'check handoff --manifest FILE --payload FILE [--strict] [--json]\n  cutover check envelope --contract v2|v3 --sample FILE [--policy FILE] [--manifest FILE] [--json]\n  cutover check artifact-digest --root DIR (--from FILE | --artifact PATH=SHA256...) [--json]', load: () => import('./cli/commands/check.js') },
  demo: { summary: 'demo [--plain] [--scenario NAME]       self-contained rehearsal', load: () => import('./cli/commands/demo.js') },
};

function usage(): string {
  const lines = Object.values(COMMANDS).map((c) => `  cutover ${c.summary}`);
  return [
    `cutover ${VERSION} — run a release's cutover day as an executable, auditable runbook`,
    '',
    'Usage:',
    ...lines,
    '',
    '  cutover --version (-v, -V)',
    '',
    'Every command takes --help. Exit codes: 0 ok, 1 not ok (NO-GO, failed check,',
    'tampering), 2 usage or input error, 3 paused and resumable, 130 interrupted.',
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
