// The conductor: the run policy both front ends drive a session with — what
// comes next, running one step or a section's automated steps, cancelling
// and retrying. The plain driver asks it what is next and answers from the
// answers file; the screen maps keys to the same calls.
import { stepsInOrder } from '../engine/fold.js';
import { nextStep } from '../engine/progress.js';
import type { Step } from '../runbook/types.js';
import { describe, needsRerun, type StepActions } from './policy.js';
import { refuse, type IntentResult } from './result.js';
import type { Session } from './session.js';

/** How a run of a section's automated steps ended. */
export interface SectionRun {
  /** Steps run, in order. */
  ran: string[];
  /** Where it stopped before the section's end, and why. */
  stopped?: { step: string; why: 'manual' | 'failed' | 'cancelled' | 'blocked'; reason: string };
}

export class Conductor {
  /** Set by stop(): a section run goes no further than the step it is on. */
  private stopping = false;

  constructor(readonly session: Session) {}

  actionsFor(id: string): StepActions {
    return this.session.actionsFor(id);
  }

  /**
   * The next step to act on, in document order: not done, not failed on its
   * own (a cancelled or interrupted attempt runs again), requires passed.
   * Undefined once the decision is recorded or nothing is left.
   */
  next(passOver?: ReadonlySet<string>): Step | undefined {
    return nextStep(this.session.runbook, this.session.state, passOver);
  }

  /** Where a resumed run stopped: the step to show first. */
  resumePoint(): Step | undefined {
    const steps = stepsInOrder(this.session.runbook);
    return steps.find((s) => needsRerun(this.session.state, s)) ?? this.next() ?? steps[steps.length - 1];
  }

  /** Runs one attempt of a command or check step (first run or again). */
  run(id: string): Promise<IntentResult> {
    return this.session.runStep(id);
  }

  /** Runs a step again that has run before (after a fix, or to refresh evidence older than max_age). */
  retry(id: string): Promise<IntentResult> {
    const actions = this.session.findStep(id) ? this.actionsFor(id) : undefined;
    if (actions && !actions.isRetry && actions.run.ok) return Promise.resolve(refuse(`${describe(actions.step)} has not run yet; run it first`));
    return this.session.runStep(id);
  }

  /** Stops the running attempt (recorded as cancelled; it runs again when the run goes on) and any section run. */
  cancel(): IntentResult {
    this.stopping = true;
    return this.session.cancel();
  }

  /** The run is being left: no further step starts, and a running one is cancelled. */
  stop(): void {
    this.stopping = true;
    this.session.cancel();
  }

  /**
   * Runs the section's automated steps in order, until the first manual
   * step, failure, cancel, or step whose requires have not passed.
   */
  async runSection(sectionId: string): Promise<SectionRun> {
    const section = this.session.runbook.sections.find((s) => s.id === sectionId);
    const ran: string[] = [];
    this.stopping = false;
    for (const step of section?.steps ?? []) {
      if (this.stopping) return { ran, stopped: { step: step.id, why: 'cancelled', reason: `stopped before ${describe(step)}` } };
      const st = this.session.state.steps[step.id]!;
      if (st.status === 'passed' || st.status === 'skipped' || st.status === 'not-in-mode') continue;
      if (st.status === 'not-run') return { ran, stopped: { step: step.id, why: 'blocked', reason: `${describe(step)} was ${st.notRun?.reason ?? 'not run'}` } };
      if (st.status === 'failed' && !needsRerun(this.session.state, step)) {
        return { ran, stopped: { step: step.id, why: 'failed', reason: `${describe(step)} failed; retry it or skip it with a reason` } };
      }
      if (step.kind !== 'command' && step.kind !== 'check') {
        return { ran, stopped: { step: step.id, why: 'manual', reason: `${describe(step)} is a ${step.kind} step and waits for you` } };
      }
      const result = await this.session.runStep(step.id);
      if (!result.ok) return { ran, stopped: { step: step.id, why: 'blocked', reason: result.reasons.join('; ') } };
      ran.push(step.id);
      const after = this.session.state.steps[step.id]!;
      if (needsRerun(this.session.state, step)) return { ran, stopped: { step: step.id, why: 'cancelled', reason: `${describe(step)} was cancelled` } };
      if (after.status === 'failed') return { ran, stopped: { step: step.id, why: 'failed', reason: `${describe(step)} failed` } };
    }
    return { ran };
  }
}
