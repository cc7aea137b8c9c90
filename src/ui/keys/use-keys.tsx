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
import { useInput, useStdin, type Key } from 'ink';
import { createContext, useContext, useLayoutEffect, useRef, type ReactNode } from 'react';

type Handler = (input: string, key: Key) => void;

interface Registration {
  handler: { current: Handler };
  active: boolean;
}

interface Pressed {
  input: string;
  key: Key;
}

const CTRL_C = '\x03';

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

  constructor(
    /** Whether each character of a run is a key of its own now (no form has the keyboard). */
    private readonly perCharacter: () => boolean,
    /** Has Ink parse `text` and deliver the key(s) it makes to push(). */
    private readonly parse: (text: string) => void,
  ) {}

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
    if (next && isRun(next) && (next.input.includes(CTRL_C) || this.perCharacter())) {
      this.queue.unshift(...this.split(next.input));
      next = this.queue.shift();
    }
    if (!next) {
      this.draining = false;
      return;
    }
    this.draining = true;
    // A snapshot: a handler may open or close a form, changing who listens next.
    for (const r of [...this.registrations]) if (r.active) r.handler.current(next.input, next.key);
    setImmediate(() => this.drain());
  }
}

const RouterContext = createContext<KeyRouter | undefined>(undefined);

/** The one Ink listener of the screen; every useKeys below it is served by it. */
export function KeyRouterProvider({ children, perCharacter }: { children: ReactNode; perCharacter: () => boolean }) {
  // Ink's own event for what it read: emitting a piece of a run parses it exactly as if it had been read alone.
  const { internal_eventEmitter: inkInput } = useStdin();
  const router = useRef(new KeyRouter(perCharacter, (text) => inkInput.emit('input', text))).current;
  useInput((input, key) => router.push(input, key));
  return <RouterContext.Provider value={router}>{children}</RouterContext.Provider>;
}

/** As Ink's useInput, but registered as the frame is committed. */
export function useKeys(handler: Handler, options: { isActive?: boolean } = {}): void {
  const router = useContext(RouterContext);
  if (!router) throw new Error('useKeys is used outside KeyRouterProvider');
  const latest = useRef(handler);
  latest.current = handler;
  const registration = useRef<Registration>({ handler: latest, active: options.isActive !== false });
  registration.current.active = options.isActive !== false;
  useLayoutEffect(() => router.add(registration.current), [router]);
}
