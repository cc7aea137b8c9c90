// The keys of `cutover watch`'s screen: moving, the output viewer and help
// work as in a run; every key that would act (run, answer, skip, cancel,
// declare a trigger) only says "read-only: watching". q and Ctrl-C leave
// (the run goes on). Nothing here writes to the bundle.
import type { StoreApi } from 'zustand/vanilla';
import type { WatchView } from '../session/watch-view.js';
import { refuse, type IntentResult } from '../session/result.js';
import { EXIT } from '../shared/errors.js';
import { binding, type Command } from './keys/bindings.js';
import { MOVE_DELTA, moveSelection } from './store/selectors.js';
import type { RunStore } from './store/run-store.js';
import type { Message } from './store/ui-reducer.js';

export const READ_ONLY = 'read-only: watching';

export class WatchIntents {
  /** The screen of `cutover watch`: the footer and help say so. */
  readonly watching = true;
  readonly defaults = undefined;
  readonly prefillConfirmations = false;
  readonly busy = false;
  crash: unknown;

  constructor(
    readonly session: WatchView,
    private readonly store: StoreApi<RunStore>,
    private readonly exit: (code: number) => void,
  ) {}

  say(text: string, tone: Message['tone'] = 'info', details?: string[]): void {
    this.store.getState().dispatch({ type: 'message', message: { text, tone, ...(details?.length ? { details } : {}) } });
  }

  select(step: string): void {
    this.store.getState().dispatch({ type: 'select', step });
  }

  close(): void {
    this.store.getState().dispatch({ type: 'close' });
  }

  command(cmd: Command): void {
    const sel = this.store.getState().ui.selected;
    switch (cmd) {
      case 'up':
      case 'down':
      case 'pageUp':
      case 'pageDown':
      case 'first':
      case 'last': {
        this.select(moveSelection(this.session.runbook, sel, MOVE_DELTA[cmd]));
        return;
      }
      case 'output':
        return this.store.getState().dispatch({ type: 'open', modal: { kind: 'output', step: sel } });
      case 'help':
        return this.store.getState().dispatch({ type: 'open', modal: { kind: 'help' } });
      case 'quit':
        return this.leave(EXIT.ok);
      case 'interrupt':
        return this.leave(EXIT.sigint);
      default:
        this.say(`${READ_ONLY} — ${binding(cmd).keys.split(' ')[0]} acts only on the screen of the run (${this.session.operator || 'the operator'}'s); here you watch`, 'warn');
    }
  }

  /** A form is never opened here; anything submitted is refused. */
  submitted(_step: string | undefined, _result: IntentResult, _done: string): IntentResult {
    return refuse(READ_ONLY);
  }

  leave(code: number, _why?: string, _urgent?: boolean): void {
    this.exit(code);
  }

  fatal(err: unknown): void {
    this.crash ??= err ?? new Error(`${String(err)} was thrown`);
    this.exit(EXIT.notOk);
  }
}
