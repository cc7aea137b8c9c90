// What every component reads: the store (through selectors) and the intents.
import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import type { StoreApi } from 'zustand/vanilla';
import { Intents } from './intents.js';
import type { WatchIntents } from './watch-intents.js';
import { KeyRouterProvider } from './keys/use-keys.js';
import type { RunStore } from './store/run-store.js';

interface Screen {
  store: StoreApi<RunStore>;
  /** A run's intents, or `cutover watch`'s (read-only: no form is ever opened). */
  intents: Intents | WatchIntents;
}

const count = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

const ScreenContext = createContext<Screen | undefined>(undefined);

export function ScreenProvider({ store, intents, children }: Screen & { children: ReactNode }) {
  return (
    <ScreenContext.Provider value={{ store, intents }}>
      {/* In a form a run of characters is text; elsewhere each character is a key. A paste is only ever text. */}
      <KeyRouterProvider perCharacter={() => store.getState().ui.modal?.kind !== 'form'} onPaste={(text) => intents.say(`a paste is not keys: ${count([...text].length, 'character')} ignored (paste into a field or a / search)`, 'warn')}>
        {children}
      </KeyRouterProvider>
    </ScreenContext.Provider>
  );
}

function useScreen(): Screen {
  const screen = useContext(ScreenContext);
  if (!screen) throw new Error('a screen component was rendered outside ScreenProvider');
  return screen;
}

/** A slice of the store; re-renders only when the slice changes (shallow). */
export function useRunStore<T>(selector: (s: RunStore) => T): T {
  return useStore(useScreen().store, useShallow(selector));
}

export function useIntents(): Intents | WatchIntents {
  return useScreen().intents;
}

/** The intents of a run (the forms act through them); a watching screen never opens a form. */
export function useRunIntents(): Intents {
  const intents = useScreen().intents;
  if (!(intents instanceof Intents)) throw new Error('a form was opened on a read-only (watch) screen');
  return intents;
}
