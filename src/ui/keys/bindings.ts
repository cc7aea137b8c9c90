// Every key of the screen, as data: what it does, which keys press it, and
// the words shown in the footer and the `?` help. Behaviour, hints and help
// are all generated from this one table, so they cannot drift apart.
import type { Key } from 'ink';

export type Command = 'up' | 'down' | 'pageUp' | 'pageDown' | 'first' | 'last' | 'act' | 'section' | 'retry' | 'skip' | 'output' | 'cancel' | 'trigger' | 'clearTrigger' | 'help' | 'quit' | 'interrupt';

export interface Binding {
  command: Command;
  /** The keys as shown to the operator. */
  keys: string;
  /** Words for the help overlay. */
  help: string;
  /** A short label for the footer (absent: help only). */
  hint?: string;
  match(input: string, key: Key): boolean;
}

const ch = (c: string) => (input: string, key: Key) => input === c && !key.ctrl && !key.meta;

export const BINDINGS: readonly Binding[] = [
  { command: 'up', keys: '↑ k', help: 'select the previous step', match: (i, k) => k.upArrow || ch('k')(i, k) },
  { command: 'down', keys: '↓ j', help: 'select the next step', hint: 'move', match: (i, k) => k.downArrow || ch('j')(i, k) },
  { command: 'pageUp', keys: 'PgUp', help: 'up one page of steps', match: (_i, k) => k.pageUp },
  { command: 'pageDown', keys: 'PgDn', help: 'down one page of steps', match: (_i, k) => k.pageDown },
  { command: 'first', keys: 'Home g', help: 'the first step', match: (i, k) => k.home || ch('g')(i, k) },
  { command: 'last', keys: 'End G', help: 'the last step', match: (i, k) => k.end || ch('G')(i, k) },
  { command: 'act', keys: 'Enter', help: 'run the step, or answer it (confirm, fill in, send, sign, decide)', hint: 'act', match: (_i, k) => k.return },
  { command: 'section', keys: 'a', help: "run the section's automated steps until a manual step or a failure", hint: 'run section', match: ch('a') },
  { command: 'retry', keys: 'r', help: 'run the step again (a new attempt; the old one stays in the bundle)', hint: 'retry', match: ch('r') },
  { command: 'skip', keys: 's', help: 'skip the step with a reason (a waiver: it blocks a GO)', hint: 'skip', match: ch('s') },
  { command: 'output', keys: 'o', help: "the step's full output, read from its log on disk", hint: 'output', match: ch('o') },
  { command: 'cancel', keys: 'c', help: 'cancel the running step (recorded as cancelled; it runs again later)', hint: 'cancel', match: ch('c') },
  { command: 'trigger', keys: 'R', help: "declare a rollback trigger from the runbook's matrix", hint: 'trigger', match: ch('R') },
  { command: 'clearTrigger', keys: 'C', help: 'clear an open rollback trigger, with a reason', match: ch('C') },
  { command: 'help', keys: '?', help: 'this help', hint: 'help', match: ch('?') },
  { command: 'quit', keys: 'q', help: 'quit (asks first; the run pauses and can be resumed)', hint: 'quit', match: ch('q') },
  { command: 'interrupt', keys: 'Ctrl-C', help: 'stop the running step and pause the run (resumable)', match: (i, k) => k.ctrl && i === 'c' },
];

export function commandFor(input: string, key: Key): Command | undefined {
  return BINDINGS.find((b) => b.match(input, key))?.command;
}

export function binding(command: Command): Binding {
  return BINDINGS.find((b) => b.command === command)!;
}
