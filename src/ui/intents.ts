// Commands of the screen × the selected step → intents of the conductor. A
// refused intent becomes a message on screen, never an exception; a form
// gets the refusal back to show it by its fields. Leaving the screen is
// asked of index.ts (`exit`), the one place that unmounts.
import type { StoreApi } from 'zustand/vanilla';
import type { RunOutcome } from '../engine/events.js';
import type { Step } from '../runbook/types.js';
import type { Answers } from '../session/answers.js';
import type { Conductor } from '../session/conductor.js';
import { refusalOf } from '../session/policy.js';
import { OK, type IntentResult, type Refusal } from '../session/result.js';
import type { Session } from '../session/session.js';
import { EXIT } from '../shared/errors.js';
import type { Command } from './keys/bindings.js';
import { MOVE_DELTA, moveSelection } from './store/selectors.js';
import type { RunStore } from './store/run-store.js';
import type { FormKind, Message } from './store/ui-reducer.js';

export interface ScreenDeps {
  session: Session;
  conductor: Conductor;
  store: StoreApi<RunStore>;
  /** Prefilled answers (the demo's, or --answers), as editable defaults. */
  defaults?: Answers;
  /** Prefill the typed confirmations too (the demo only). */
  prefillConfirmations?: boolean;
  /** Leave the screen with this exit code (index.ts unmounts). */
  exit(code: number): void;
}

const FORM_OF: Partial<Record<Step['kind'], FormKind>> = { confirm: 'confirm', input: 'input', notice: 'notice', signoff: 'signoff', decision: 'decision' };

export function exitCodeFor(outcome: RunOutcome): number {
  return outcome === 'GO' || outcome === 'DONE' ? EXIT.ok : outcome === 'INCOMPLETE' ? EXIT.paused : EXIT.notOk;
}

export class Intents {
  /** Work in the background (an attempt, a section, closing the run): leaving waits for all of it. */
  private readonly tasks = new Set<Promise<unknown>>();
  private leaving = false;

  constructor(private readonly d: ScreenDeps) {}

  /** A step still runs in the background (its attempt is not recorded yet). */
  get busy(): boolean {
    return this.tasks.size > 0;
  }

  private async settled(): Promise<void> {
    while (this.tasks.size) await Promise.all([...this.tasks]);
  }

  get session(): Session {
    return this.d.session;
  }

  get defaults(): Answers | undefined {
    return this.d.defaults;
  }

  /** Whether what the operator types to confirm may be prefilled (the demo only). */
  get prefillConfirmations(): boolean {
    return this.d.prefillConfirmations === true;
  }

  private get state(): RunStore {
    return this.d.store.getState();
  }

  private selectedStep(): Step {
    return this.d.session.step(this.state.ui.selected);
  }

  /** Every message the screen shows passes the run's secret mask. */
  say(text: string, tone: Message['tone'] = 'info', details?: string[]): void {
    const mask = (t: string) => this.d.session.mask(t);
    this.state.dispatch({ type: 'message', message: { text: mask(text), tone, ...(details?.length ? { details: details.map(mask) } : {}) } });
  }

  private refused(r: Refusal): void {
    this.say(r.reasons[0] ?? 'refused', 'error', [...r.reasons.slice(1), ...(r.hint ? [`hint: ${r.hint}`] : [])]);
  }

  select(step: string): void {
    this.state.dispatch({ type: 'select', step });
  }

  openForm(form: FormKind, step?: string): void {
    this.state.dispatch({ type: 'open', modal: { kind: 'form', form, ...(step ? { step } : {}) } });
  }

  close(): void {
    this.state.dispatch({ type: 'close' });
  }

  /** Moves the selection on to what comes next, when the selected step is done. */
  private advanceFrom(id: string): void {
    if (this.state.ui.selected !== id) return;
    const next = this.d.conductor.next();
    if (next) this.select(next.id);
  }

  /** A key pressed on the main screen (no form open). */
  command(cmd: Command): void {
    const runbook = this.d.session.runbook;
    const sel = this.state.ui.selected;
    switch (cmd) {
      case 'up':
      case 'down':
      case 'pageUp':
      case 'pageDown':
      case 'first':
      case 'last': {
        this.select(moveSelection(runbook, sel, MOVE_DELTA[cmd]));
        return;
      }
      case 'act':
        return this.act();
      case 'section':
        return this.runSection();
      case 'retry':
        return this.run(sel, true);
      case 'skip': {
        const allowed = this.d.conductor.actionsFor(sel).skip;
        if (!allowed.ok) return this.refused(refusalOf(allowed));
        return this.openForm('skip', sel);
      }
      case 'output':
        return this.state.dispatch({ type: 'open', modal: { kind: 'output', step: sel } });
      case 'cancel': {
        const r = this.d.conductor.cancel();
        if (r.ok) this.say('cancelling the running step…', 'warn');
        else this.refused(r);
        return;
      }
      case 'trigger':
        if (!this.d.session.runbook.triggers?.length) return this.say('this runbook declares no rollback triggers', 'warn');
        return this.openForm('trigger');
      case 'clearTrigger':
        if (!this.d.session.state.triggers.some((t) => t.open)) return this.say('no rollback trigger is open', 'info');
        return this.openForm('clear-trigger');
      case 'help':
        return this.state.dispatch({ type: 'open', modal: { kind: 'help' } });
      case 'quit':
        // A closed run leaves once its summaries are written.
        if (this.state.outcome) return void this.leave(exitCodeFor(this.state.outcome), 'the run is closed');
        return this.openForm('quit');
      case 'interrupt':
        void this.leave(EXIT.sigint, 'interrupted by Ctrl-C', true);
        return;
    }
  }

  /** Enter: run an automated step, open the form of a manual one. */
  act(): void {
    if (this.state.outcome) return this.say(`the run is closed (${this.state.outcome}); press q to leave`, 'info');
    const step = this.selectedStep();
    const actions = this.d.conductor.actionsFor(step.id);
    if (step.kind === 'command' || step.kind === 'check') return this.run(step.id, false);
    if (!actions.answer.ok) return this.refused(refusalOf(actions.answer));
    this.openForm(FORM_OF[step.kind]!, step.id);
  }

  /** Runs (or with `retry`, runs again) a command or check step in the background. */
  run(id: string, retry: boolean): void {
    const r = this.d.conductor.actionsFor(id);
    if (!r.run.ok) return this.refused(refusalOf(r.run));
    if (retry && !r.isRetry) return this.say(`"${r.step.title}" has not run yet: press Enter to run it`, 'warn');
    this.say(`running "${r.step.title}"…`);
    this.track(
      this.d.conductor.run(id).then((result) => {
        if (!result.ok) return this.refused(result);
        this.reportAttempt(id);
      }),
    );
  }

  /** `a`: the section's automated steps, until a manual step or a failure. */
  runSection(): void {
    const section = this.d.session.runbook.sections.find((s) => s.steps.some((st) => st.id === this.state.ui.selected))!;
    if (this.state.activity.running) return this.say(`"${this.state.activity.running.step}" is running; one automated step runs at a time`, 'error');
    this.say(`running the automated steps of "${section.title}"…`);
    const follow = this.d.session.subscribe((n) => {
      if (n.kind === 'activity' && n.activity.running) this.select(n.activity.running.step);
    });
    this.track(
      this.d.conductor.runSection(section.id).then((r) => {
        follow();
        if (r.stopped) {
          this.select(r.stopped.step);
          this.say(r.stopped.reason, r.stopped.why === 'manual' ? 'info' : 'error');
        } else {
          this.say(`"${section.title}": ${r.ran.length} step(s) ran, all passed`, 'ok');
          const next = this.d.conductor.next();
          if (next) this.select(next.id);
        }
      }),
    );
  }

  private reportAttempt(id: string): void {
    const st = this.d.session.state.steps[id]!;
    const step = this.d.session.step(id);
    const last = st.attempts[st.attempts.length - 1];
    if (st.status === 'passed') {
      this.say(`✓ "${step.title}" passed`, 'ok');
      this.advanceFrom(id);
    } else if (last?.result?.outcome === 'cancelled' || last?.check?.cancelled) this.say(`■ "${step.title}" was cancelled; it runs again when you press Enter`, 'warn');
    else this.say(`✗ "${step.title}" failed: ${last?.failure ?? st.status}`, 'error', ['o shows its whole output; r runs it again; s skips it with a reason']);
  }

  private track(p: Promise<unknown>): void {
    const t = p.catch((err: unknown) => this.fatal(err));
    this.tasks.add(t);
    void t.finally(() => this.tasks.delete(t));
  }

  /** Evidence that cannot be written (disk full), or a bug: the running step is stopped, the screen says so and leaves. */
  fatal(err: unknown): void {
    this.crash ??= err ?? new Error(`${String(err)} was thrown`);
    void this.leave(EXIT.paused, 'cutover stopped on an error');
  }

  /** The error that ended the screen, for index.ts to print. */
  crash: unknown;

  /** The result of a form: on success the form closes and the selection moves on. */
  submitted(step: string | undefined, result: IntentResult, done: string, more?: { tone: Message['tone']; details: string[] }): IntentResult {
    if (!result.ok) return result;
    this.close();
    this.say(done, more?.tone ?? 'ok', more?.details);
    if (step) this.advanceFrom(step);
    return OK;
  }

  /** What the screen does as it opens: a closed run reopened only because its summaries were not all written (a crash while closing) gets them written. */
  begin(): void {
    if (this.d.session.state.closed) this.closeRun();
  }

  /** Closes the run after its decision (summaries written in the background); q then leaves with the outcome's exit code. */
  closeRun(): void {
    this.track(
      this.d.session.close().then((outcome) => {
        this.say(`Decision recorded — the run is closed: ${outcome}. Press q to leave.`, outcome === 'GO' ? 'ok' : 'warn');
      }),
    );
  }

  /**
   * Leaves the screen: a running step is cancelled (and recorded) first,
   * then the run is paused — every acknowledged event is in the journal —
   * and the screen exits with `code`. A second Ctrl-C (`urgent`) leaves at
   * once; a repeated SIGHUP or SIGTERM (a dropped SSH session sends two)
   * waits for the clean pause.
   */
  async leave(code: number, why: string, urgent = false): Promise<void> {
    if (this.leaving) {
      if (urgent) this.d.exit(code);
      return;
    }
    this.leaving = true;
    if (this.d.session.state.closed) {
      await this.settled();
      return this.d.exit(exitCodeFor(this.d.session.state.closed.outcome));
    }
    if (this.state.activity.running) this.say(`${why}: stopping "${this.state.activity.running.step}"…`, 'warn');
    // No further step starts (a section run stops too), and the running one is cancelled and recorded.
    this.d.conductor.stop();
    await this.settled();
    // (Closed meanwhile? The decision may have closed it while the step stopped.)
    const closed = (): RunOutcome | undefined => this.d.session.state.closed?.outcome;
    if (!closed() && this.d.session.health.journal === 'ok') {
      try {
        this.d.session.pause(why);
        await this.d.session.writeSummaries();
      } catch (err) {
        this.crash ??= err ?? new Error(`${String(err)} was thrown`);
      }
    }
    const outcome = closed();
    this.d.exit(outcome ? exitCodeFor(outcome) : code);
  }
}
