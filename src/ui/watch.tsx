// runWatch: `cutover watch <bundle>` in a terminal — the run's own screen
// (header, steps, detail, GO lock, output viewer) drawn from a WatchView,
// read-only. It follows the journal as another process writes it (fs.watch,
// and a poll in case the file system does not tell), ends when the run
// closes (the final frame stays a moment, then a short summary on the
// normal screen), at a broken hash chain (exit 1, saying where), or on q or
// Ctrl-C; on every path the normal screen, cursor and terminal modes come
// back. It never writes to the bundle.
import { watch as watchFile, type FSWatcher } from 'node:fs';
import type { WatchView } from '../session/watch-view.js';
import { commandName } from '../shared/command-name.js';
import { EXIT } from '../shared/errors.js';
import { showFullScreen } from './full-screen.js';
import { createRunStore } from './store/run-store.js';
import { WatchIntents } from './watch-intents.js';

export interface WatchOptions {
  out(text: string): void;
  stdin?: NodeJS.ReadStream;
  stdout?: NodeJS.WriteStream;
  /** How often the journal is read when the file system sends no change (ms). */
  pollMs?: number;
  /** How long the closed run's final frame stays before the screen ends (ms; any key ends it sooner). */
  lingerMs?: number;
}

/** The step to show first: the running one, else the first not yet done, else the last. */
function firstStep(view: WatchView): string {
  const steps = view.runbook.sections.flatMap((s) => s.steps);
  const open = steps.find((s) => ['running', 'pending', 'failed', 'interrupted'].includes(view.state.steps[s.id]?.status ?? ''));
  return view.activity.running?.step ?? open?.id ?? steps.at(-1)!.id;
}

export async function runWatch(view: WatchView, opts: WatchOptions): Promise<number> {
  const stdin = opts.stdin ?? process.stdin;
  const stdout = opts.stdout ?? process.stdout;
  const size = () => ({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
  const handle = createRunStore(view, { selected: firstStep(view), size: size() });
  const store = handle.store;
  let finish!: (code: number) => void;
  let ended = false;
  const done = new Promise<number>((resolve) => (finish = resolve));
  const intents = new WatchIntents(view, store, (code) => {
    if (!ended) finish(code);
    ended = true;
  });
  const where = view.relative(view.bundleDir);
  intents.say('watching, read-only: another process drives the run; q stops watching', 'info');

  // The screen follows the run: the step that starts, or the last one the new events are about.
  const follow = view.subscribe((n) => {
    if (n.kind === 'activity' && n.activity.running) intents.select(n.activity.running.step);
  });
  const followEvents = (from: number) => {
    const step = view.events
      .slice(from)
      .map((e) => (e as { step?: unknown }).step)
      .filter((id): id is string => typeof id === 'string' && view.findStep(id) !== undefined)
      .at(-1);
    if (step && !view.activity.running) intents.select(step);
  };
  let closing: NodeJS.Timeout | undefined;
  const check = () => {
    if (ended || closing) return;
    try {
      const seen = view.events.length;
      if (view.poll()) followEvents(seen);
    } catch (err) {
      intents.fatal(err);
      return;
    }
    if (view.broken) {
      intents.say(`✗ ${view.broken.message}`, 'error');
      finish(EXIT.notOk);
      ended = true;
    } else if (view.state.closed) {
      const d = view.state.decision;
      intents.say(`The run is closed: ${view.state.closed.outcome}${d ? ` — ${d.label}` : ''}. Watch ends (any key now).`, view.state.closed.outcome === 'GO' ? 'ok' : 'warn');
      closing = setTimeout(() => intents.leave(EXIT.ok), opts.lingerMs ?? 2500);
    }
  };
  const poller = setInterval(check, opts.pollMs ?? 250);
  let watcher: FSWatcher | undefined;
  try {
    watcher = watchFile(view.journalFile, () => check());
    watcher.on('error', () => watcher?.close());
  } catch {
    // no fs.watch here (a network file system): the poll alone follows the journal
  }
  // Any key leaves the closed run's final frame at once.
  const onKeyAfterClose = () => {
    if (closing) intents.leave(EXIT.ok);
  };
  stdin.on('data', onKeyAfterClose);

  const onSignal = (signal: NodeJS.Signals) => intents.leave(signal === 'SIGINT' ? EXIT.sigint : EXIT.notOk);
  const onCrash = (error: unknown) => intents.fatal(error);
  const takeDown = showFullScreen({ stdin, stdout, handle, intents, maxFps: 30, onSignal, onCrash });
  check();
  let code: number;
  try {
    code = await done;
  } finally {
    clearInterval(poller);
    if (closing) clearTimeout(closing);
    watcher?.close();
    stdin.off('data', onKeyAfterClose);
    follow();
    takeDown();
  }
  if (intents.crash !== undefined) throw intents.crash;
  summary(view, code, where, opts.out);
  return code;
}

function summary(view: WatchView, code: number, where: string, out: (text: string) => void): void {
  const s = view.state;
  if (view.broken) {
    out(`cutover watch: ✗ the journal does not check out from event ${view.broken.index} (seq ${view.broken.seq}):`);
    out(`its hash chain is broken there, so nothing from there on was shown.`);
    out(`Evidence bundle: ${where}`);
    out(`Check it with: ${commandName()} verify ${where}`);
    return;
  }
  const seen = `${view.events.length} events seen, nothing written`;
  if (s.closed) out(`cutover watch: the run closed: ${s.closed.outcome}${s.rehearsal ? ' (REHEARSAL)' : ''}${s.decision ? ` — ${s.decision.label}` : ''}`);
  else out(`cutover watch: stopped watching${code === EXIT.sigint ? ' (Ctrl-C)' : ''}; the run goes on (last event: ${view.snapshot.event.type})`);
  out(`Runbook: ${view.runbook.title} · ${seen}`);
  out(`Evidence bundle: ${where}`);
  out(s.closed ? `Verify with: ${commandName()} verify ${where}` : `Watch again with: ${commandName()} watch ${where}`);
}
