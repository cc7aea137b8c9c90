// Keys for the screen's components, with none lost. With Ink's own useInput
// a key typed right after one that opens a form (a paste, a fast typist,
// keys sent by a script) reached no one: the form was not rendered yet, and
// Ink subscribes a new component only in a passive effect, after the frame
// is drawn. Here one Ink listener, mounted once with the screen, queues the
// keys and hands them out one at a time, letting the screen render (and
// components register, in a layout effect) between two keys.
import { useInput, type Key } from 'ink';
import { createContext, useContext, useLayoutEffect, useRef, type ReactNode } from 'react';

type Handler = (input: string, key: Key) => void;

interface Registration {
  handler: { current: Handler };
  active: boolean;
}

class KeyRouter {
  private readonly registrations = new Set<Registration>();
  private readonly queue: { input: string; key: Key }[] = [];
  private draining = false;

  add(r: Registration): () => void {
    this.registrations.add(r);
    return () => this.registrations.delete(r);
  }

  push(input: string, key: Key): void {
    this.queue.push({ input, key });
    if (!this.draining) this.drain();
  }

  /** The first key at once; each next one after the screen had a turn to render what the last one did. */
  private drain(): void {
    const next = this.queue.shift();
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
export function KeyRouterProvider({ children }: { children: ReactNode }) {
  const router = useRef(new KeyRouter()).current;
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
