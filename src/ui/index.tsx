// runInteractive: the full-screen front end. The ONLY place that renders,
// unmounts and decides the exit: it enters the alternate screen, wires the
// signals (SIGHUP/SIGTERM pause with 3, SIGINT with 130: a running step is
// cancelled and recorded first), and on every path restores the normal
// screen, the cursor and the terminal modes, then prints a short summary.
import { Conductor } from '../session/conductor.js';
import type { Answers } from '../session/answers.js';
import type { Session } from '../session/session.js';
import { killAllRunning } from '../runner/process-group.js';
import { EXIT } from '../shared/errors.js';
import { showFullScreen } from './full-screen.js';
import { tuneForScreen } from './v8-tuning.js';
import { Intents } from './intents.js';
import { createRunStore } from './store/run-store.js';
import { commandName } from '../shared/command-name.js';
import { rollbackCommand, shownPath } from '../session/rollback-link.js';
import { closedRunResumable } from '../session/open.js';

export interface InteractiveOptions {
  /** Answers to prefill the forms with (editable defaults), e.g. the demo's. */
  answers?: Answers;
  /** Steps to select first (resume --retry). */
  retry?: string[];
  /** The first message on the screen (the demo's scenario, say). */
  note?: string;
  /**
   * Prefill also what the operator must type to confirm (a decision's label,
   * the short commit of a sign-off): the demo only, never a real run.
   */
  prefillConfirmations?: boolean;
  out(text: string): void;
  stdin?: NodeJS.ReadStream;
  stdout?: NodeJS.WriteStream;
}

export async function runInteractive(session: Session, opts: InteractiveOptions): Promise<number> {
  const stdin = opts.stdin ?? process.stdin;
  const stdout = opts.stdout ?? process.stdout;
  const conductor = new Conductor(session);
  const first = opts.retry?.[0] ?? conductor.resumePoint()?.id ?? session.runbook.sections[0]!.steps[0]!.id;
  const size = () => ({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
  const handle = createRunStore(session, { selected: first, size: size() });
  let finish!: (code: number) => void;
  const done = new Promise<number>((resolve) => (finish = resolve));
  const intents = new Intents({ session, conductor, store: handle.store, ...(opts.answers ? { defaults: opts.answers } : {}), prefillConfirmations: opts.prefillConfirmations === true, exit: (code) => finish(code) });
  greet(session, intents, opts);
  intents.begin();

  const onSignal = (signal: NodeJS.Signals) => void intents.leave(signal === 'SIGINT' ? EXIT.sigint : EXIT.paused, `interrupted by ${signal}`, signal === 'SIGINT');
  // An error (a bug, a render error): stop the running step and record it, then leave (the terminal is restored below).
  const onCrash = (error: unknown) => intents.fatal(error);
  const takeDown = showFullScreen({ stdin, stdout, handle, intents, maxFps: 60, onSignal, onCrash });
  // The first frame is on the terminal: from now on V8 tiers the screen's code up later (src/ui/v8-tuning.ts).
  setImmediate(tuneForScreen);
  let code: number;
  try {
    code = await done;
  } finally {
    takeDown();
  }
  const crashed = intents.crash !== undefined;
  try {
    summary(session, code, opts.out, crashed);
  } catch (err) {
    // The summary failing must not hide the error that ended the screen.
    if (!crashed) throw err;
    opts.out(`(the rest of this summary could not be printed: ${err instanceof Error ? err.message : String(err)})`);
  }
  // An error that ended the screen (a bug, evidence that cannot be written):
  // the summary above says where the bundle is and how to resume; the entry
  // point prints the error itself, and exits 3 (130 after Ctrl-C) — even when
  // the run had closed: a GO's 0 or a NO-GO's 1 would hide the error from a
  // script (resume writes what the closing run left unwritten).
  const crashCode = code === EXIT.sigint ? EXIT.sigint : EXIT.paused;
  if (intents.busy) {
    // Asked twice to stop: stop now, as a second Ctrl-C does in a plain run. The
    // journal holds every acknowledged event; resume records the attempt as interrupted.
    opts.out('Stopped at once: the running step is recorded as interrupted when the run is resumed.');
    killAllRunning();
    if (!crashed) process.exit(code);
    // After a crash too: the entry point prints the error (thrown below), then the process ends, not waiting for the rest.
    setImmediate(() => process.exit(crashCode));
  }
  if (crashed) throw withExitCode(intents.crash, crashCode);
  return code;
}

/** `err`, carrying `code` for the entry point's exitCodeOf unless it already says its own. */
function withExitCode(err: unknown, code: number): unknown {
  const error = err instanceof Error ? err : new Error(String(err));
  if (typeof (error as { exitCode?: unknown }).exitCode !== 'number') Object.defineProperty(error, 'exitCode', { value: code, configurable: true });
  return error;
}

function greet(session: Session, intents: Intents, opts: InteractiveOptions): void {
  const resumed = session.events.some((e) => e.type === 'run.resumed');
  const pin = session.preflight.find((p) => p.pin);
  // Each problem whole, with its fix, above the message line (wrapped to the screen; the message line alone is cut at its width).
  const problem = (p: (typeof session.preflight)[number]) => `${p.step ? `[${p.step}] ` : ''}${p.message} — ${p.hint}`;
  if (pin) {
    // A release pin the repository does not confirm locks every GO of the run: said first, as an error.
    intents.say('✗ the repository does not confirm the release pins — GO is locked for this run', 'error', [pin.message, `fix: ${pin.hint}`, ...session.preflight.filter((p) => p !== pin).map((p) => `preflight: ${problem(p)}`)]);
  } else if (session.preflight.length) {
    intents.say(`⚠ preflight: ${session.preflight.length} problem(s) found before the first step`, 'warn', session.preflight.map(problem));
  } else if (opts.note) intents.say(opts.note, 'info');
  else if (opts.retry?.length) intents.say(`r runs "${opts.retry[0]}" again`, 'info');
  else if (resumed) intents.say('resumed where the run stopped — Enter acts on the selected step, ? shows every key', 'info');
  else intents.say('Enter acts on the selected step · a runs the section · ? shows every key', 'info');
}

function summary(session: Session, code: number, out: (text: string) => void, crashed: boolean): void {
  const s = session.state;
  const where = session.relative(session.bundleDir);
  const outcome = s.closed ? s.closed.outcome : code === EXIT.sigint ? 'INTERRUPTED (resumable)' : 'PAUSED (resumable)';
  // Title and outcome on lines of their own, as the plain log's summary: together they wrapped mid-word at 80 columns.
  out(`cutover: ${session.runbook.title}`);
  out(`Outcome: ${outcome}${s.rehearsal ? ' (REHEARSAL)' : ''}${s.decision ? `: ${s.decision.label}` : ''}`);
  out(`Evidence bundle: ${where}`);
  // A crash while closing can leave the closing summaries unwritten: resume writes them.
  if (!s.closed || (crashed && closedRunResumable(session.bundleDir))) out(`Resume with: ${commandName()} resume ${where}`);
  out(`Verify with: ${commandName()} verify ${where}`);
  // A rollback trigger is open and no rollback run was started from it (the screen's offer declined, or Esc in its vars form): the command, whole.
  const pending = s.triggers.some((t) => t.open && session.runbook.triggers?.find((x) => x.id === t.id)?.rollback && !s.rollbacks.some((r) => r.trigger === t.id));
  const command = pending && !session.triggers.switchToRollback ? rollbackCommand(session.runbookDir, session.runbook, session.bundleDir, s.vars, (p) => shownPath(p)) : undefined;
  if (command) out(`Roll back with: ${command}`);
}
