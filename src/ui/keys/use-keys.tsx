// Keys for the screen's components, with none lost. With Ink's own useInput
// a key typed right after one that opens a form (a paste, a fast typist,
// keys sent by a script) reached no one: the form was not rendered yet, and
// Ink subscribes a new component only in a passive effect, after the frame
// is drawn. Here one Ink listener, mounted once with the screen, queues the
// keys and hands them out one at a time, letting the screen render (and
// components register, in a layout effect) between two keys.
//
// Ink hands a read of several plain characters to its listeners as one
// input ("jj", "qy", "k" followed by Ctrl-C): typed fast, over SSH, or
// queued while the screen was busy. No key matches such a run, so it was
// dropped without a word. Where every character is a key of its own (the
// main screen, the help, the output viewer) the router splits the run and
// has Ink parse each character as the single key it is; in a form a run is
// text (a paste into a field) and stays whole, except that a Ctrl-C in it
// is still Ctrl-C.
//
// A paste is not keys. The screen turns on the terminal's bracketed paste
// mode (full-screen.tsx), so a paste arrives between ESC[200~ and ESC[201~:
// the router collects it and hands it whole to the field or prompt that takes
// text (useKeys with `text`); where none does (the main screen, a choice) it
// is dropped and `onPaste` says so — a pasted "a" or Enter never runs a step.
import { useInput, useStdin, type Key } from 'ink';
import { createContext, useContext, useLayoutEffect, useRef, type ReactNode } from 'react';
import scheduler from 'scheduler';

type Handler = (input: string, key: Key) => void;

interface Registration {
  handler: { current: Handler };
  active: boolean;
  /** Takes text (now): a paste is handed to it whole. */
  text: () => boolean;
}

interface Pressed {
  input: string;
  key: Key;
  /** The whole text of a bracketed paste. */
  paste?: boolean;
}

const CTRL_C = '\x03';
const PASTE_START = '\x1b[200~';
const PASTE_END = '\x1b[201~';
/** What a paste keeps: more is dropped (no field takes 1 MB). */
const MAX_PASTE = 1024 * 1024;
const PASTE_QUIET_MS = 1000;
const PASTE_LATE_MS = 10_000;
/** How long a read that may start a paste's marker waits for the rest. */
const HELD_MS = 50;
/** A key with no flag set: how a paste is handed to a field. */
const TEXT_KEY: Key = { upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false, return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false, super: false, hyper: false, capsLock: false, numLock: false };

/** Ink's input for a run of characters it did not parse as one key: several characters, no key flag. */
function isRun({ input, key }: Pressed): boolean {
  if ([...input].length < 2) return false;
  return !Object.entries(key).some(([name, value]) => value === true && name !== 'shift');
}

class KeyRouter {
  private readonly registrations = new Set<Registration>();
  private readonly queue: Pressed[] = [];
  private draining = false;
  /** Keys Ink parsed while the router re-parses a run (they go first, in order). */
  private reparsed: Pressed[] | undefined;
  /** The text of a bracketed paste still arriving. */
  private pasting: string | undefined;
  private pasteTimer: NodeJS.Timeout | undefined;
  /** Until when runs of characters continue a paste that was ended for being quiet. */
  private lateUntil = 0;
  /** A read that may be the first part of a paste's start marker. */
  private held: string | undefined;
  private heldTimer: NodeJS.Timeout | undefined;
  /** Input the router held back and now hands to Ink. */
  private passing = false;

  constructor(
    /** Whether each character of a run is a key of its own now (no form has the keyboard). */
    private readonly perCharacter: () => boolean,
    /** Has Ink parse `text` and deliver the key(s) it makes to push(). */
    private readonly parse: (text: string) => void,
    /** A paste that nothing on the screen takes as text (it is dropped). */
    private readonly onPaste: (text: string) => void = () => {},
  ) {}

  /**
   * Every input Ink read, raw, before Ink turns it into a key: true when it
   * is part of a paste (or its brackets), which Ink then never sees — Ink's
   * key parser throws on some escape sequences a paste may hold (ESC[31m) —
   * or an SGR sequence, which no key sends.
   */
  consume(data: string): boolean {
    if (this.reparsed || this.passing) return false; // a piece of a run the router itself re-parses
    if (this.held !== undefined) {
      // The start marker read in pieces (Ink flushed its first part alone): a paste after all?
      const held = this.held;
      const joined = held + data;
      this.held = undefined;
      clearTimeout(this.heldTimer);
      if (joined.startsWith(PASTE_START)) {
        this.pasting = '';
        this.quiet();
        const rest = joined.slice(PASTE_START.length);
        if (rest) this.consume(rest);
        return true;
      }
      if (PASTE_START.startsWith(joined)) return this.hold(joined);
      this.pass(held);
    }
    // Maybe the first part of a paste's start marker: held until the next read (a key of its own after a moment).
    if (this.pasting === undefined && data !== PASTE_START && data.length > 1 && PASTE_START.startsWith(data)) return this.hold(data);
    if (data === '') return true;
    if (this.pasting === undefined) {
      // The rest of a paste that was ended for being quiet (a stalled link): text again, not keys.
      const late = Date.now() < this.lateUntil && data !== CTRL_C && !data.startsWith('\x1b') && [...data].length > 1;
      if (data === PASTE_START || late) {
        this.pasting = late ? data : '';
        this.quiet();
        return true;
      }
      // A paste's end with no paste open (it was ended early), or an SGR sequence: no key sends either.
      return data === PASTE_END || /^\x1b\[[0-9;:]*m$/.test(data);
    }
    if (data === CTRL_C) {
      // Ctrl-C on its own is the operator's, even inside a paste whose end never came.
      this.endPaste();
      return false;
    }
    if (data === PASTE_END) {
      this.endPaste();
      return true;
    }
    if (this.pasting.length < MAX_PASTE) this.pasting += data.slice(0, MAX_PASTE - this.pasting.length);
    // The end marker read in two pieces reaches here as text: it still ends the paste.
    const end = this.pasting.indexOf(PASTE_END);
    if (end !== -1) {
      this.pasting = this.pasting.slice(0, end);
      this.endPaste();
    } else this.quiet();
    return true;
  }

  /**
   * A paste whose end never comes (lost by the terminal or the link) ends
   * after a quiet second: keys are keys again. What comes soon after in runs
   * of characters is taken as the rest of it (a link that stalled mid-paste).
   */
  private quiet(): void {
    clearTimeout(this.pasteTimer);
    this.pasteTimer = setTimeout(() => {
      this.lateUntil = Date.now() + PASTE_LATE_MS;
      this.endPaste();
    }, PASTE_QUIET_MS);
    this.pasteTimer.unref();
  }

  private hold(data: string): true {
    this.held = data;
    this.heldTimer = setTimeout(() => {
      const held = this.held;
      this.held = undefined;
      if (held !== undefined) this.pass(held);
    }, HELD_MS);
    this.heldTimer.unref();
    return true;
  }

  /** Hands Ink input the router held back, to parse as it would have. */
  private pass(text: string): void {
    this.passing = true;
    try {
      this.parse(text);
    } finally {
      this.passing = false;
    }
  }

  /** The screen is gone: a paste still arriving is forgotten. */
  dispose(): void {
    clearTimeout(this.heldTimer);
    this.held = undefined;
    clearTimeout(this.pasteTimer);
    this.pasting = undefined;
  }

  private endPaste(): void {
    clearTimeout(this.pasteTimer);
    if (this.pasting === undefined) return;
    // Escape sequences and control characters in a paste are not text (line breaks and tabs are).
    const text = this.pasting.replace(/\x1b\[[0-9;:?]*[ -/]*[@-~]/g, '').replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g, '').replace(/\t/g, ' ');
    this.pasting = undefined;
    this.queue.push({ input: text, key: TEXT_KEY, paste: true });
    if (!this.draining) this.drain();
  }

  add(r: Registration): () => void {
    this.registrations.add(r);
    return () => this.registrations.delete(r);
  }

  push(input: string, key: Key): void {
    if (this.reparsed) {
      this.reparsed.push({ input, key });
      return;
    }
    this.queue.push({ input, key });
    if (!this.draining) this.drain();
  }

  /** The pieces a run is handled as, parsed by Ink: each character, or (in a form) the text between Ctrl-Cs and each Ctrl-C. */
  private split(run: string): Pressed[] {
    const pieces = this.perCharacter() ? [...run] : run.split(/(\x03)/).filter((p) => p !== '');
    this.reparsed = [];
    try {
      for (const piece of pieces) this.parse(piece);
      return this.reparsed;
    } finally {
      this.reparsed = undefined;
    }
  }

  /** The first key at once; each next one after the screen had a turn to render what the last one did. */
  private drain(): void {
    let next = this.queue.shift();
    // Split when it is this run's turn: the key before it may have opened or closed a form.
    if (next && !next.paste && isRun(next) && (next.input.includes(CTRL_C) || this.perCharacter())) {
      this.queue.unshift(...this.split(next.input));
      next = this.queue.shift();
    }
    if (!next) {
      this.draining = false;
      return;
    }
    this.draining = true;
    // A snapshot: a handler may open or close a form, changing who listens next.
    const to = [...this.registrations].filter((r) => r.active && (!next.paste || r.text()));
    if (next.paste && to.length === 0 && next.input !== '') this.onPaste(next.input);
    for (const r of to) r.handler.current(next.input, next.key);
    // The next key after React has rendered what this one did (a focus moved, a form opened). React
    // schedules that render from a microtask onto its scheduler; the next key is scheduled from a
    // microtask queued after React's, onto the same scheduler at a lower priority, so it runs behind it.
    queueMicrotask(() => scheduler.unstable_scheduleCallback(scheduler.unstable_LowPriority, () => this.drain()));
  }
}

const RouterContext = createContext<KeyRouter | undefined>(undefined);

/** The one Ink listener of the screen; every useKeys below it is served by it. */
export function KeyRouterProvider({ children, perCharacter, onPaste }: { children: ReactNode; perCharacter: () => boolean; onPaste?: (text: string) => void }) {
  // Ink's own event for what it read: emitting a piece of a run parses it exactly as if it had been read alone.
  const { internal_eventEmitter: inkInput } = useStdin();
  const router = useRef(new KeyRouter(perCharacter, (text) => inkInput.emit('input', text), onPaste)).current;
  // Every input passes the router first: a paste is taken out before Ink parses it as keys.
  useLayoutEffect(() => {
    const emit = inkInput.emit;
    inkInput.emit = function (this: typeof inkInput, event: string | symbol, ...args: unknown[]): boolean {
      if (event === 'input' && typeof args[0] === 'string' && router.consume(args[0])) return true;
      return emit.call(this, event, ...args);
    };
    return () => {
      inkInput.emit = emit;
      router.dispose();
    };
  }, [inkInput, router]);
  useInput((input, key) => router.push(input, key));
  return <RouterContext.Provider value={router}>{children}</RouterContext.Provider>;
}

/** As Ink's useInput, but registered as the frame is committed. */
export function useKeys(handler: Handler, options: { isActive?: boolean; text?: boolean | (() => boolean) } = {}): void {
  const router = useContext(RouterContext);
  if (!router) throw new Error('useKeys is used outside KeyRouterProvider');
  const latest = useRef(handler);
  latest.current = handler;
  const text = options.text;
  const takesText = typeof text === 'function' ? text : () => text === true;
  const registration = useRef<Registration>({ handler: latest, active: options.isActive !== false, text: takesText });
  registration.current.active = options.isActive !== false;
  registration.current.text = takesText;
  useLayoutEffect(() => router.add(registration.current), [router]);
}
