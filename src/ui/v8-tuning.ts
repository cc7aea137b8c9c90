// V8's interrupt budget for the screen's process: how much bytecode a
// function runs before V8 considers optimizing it.
//
// The screen's code (React's reconciler, Ink's layout and frame assembly) is
// warm, not hot. With V8's default (67,584), V8 spent ~450 ms of CPU on its
// background threads compiling and recompiling it while a step printed
// 100 MB (measured per thread from /proc; ~120 ms for a whole plain run):
// CPU taken from the command on a 2-core machine. Sixteen times the default
// brought that to ~100-190 ms. Hot loops (a check's validator over 100,000
// lines) still reach the optimizing compiler within milliseconds: the
// envelope benchmark is unchanged. docs/performance.md has the figures.
//
// Set once the first frame is drawn, not before: any change of V8's flags
// makes V8 refuse the code cache Node's built-in modules ship with, so a
// built-in loaded afterwards is compiled from source (15 built-ins took
// ~65 ms instead of ~30 ms): the first frame must not pay for it.
import { setFlagsFromString } from 'node:v8';

const SCREEN_INTERRUPT_BUDGET = 16 * 67_584;

let tuned = false;

/** Raises the interrupt budget for the rest of the process (once). The plain paths never call it. */
export function tuneForScreen(): void {
  if (tuned) return;
  tuned = true;
  setFlagsFromString(`--interrupt-budget=${SCREEN_INTERRUPT_BUDGET}`);
}
