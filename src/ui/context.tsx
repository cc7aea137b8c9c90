// What every component reads: the store (through selectors) and the intents.
import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import type { StoreApi } from 'zustand/vanilla';
import type { Intents } from './intents.js';
import { KeyRouterProvider } from './keys/use-keys.js';
import type { RunStore } from './store/run-store.js';

interface Screen {
  store: StoreApi<RunStore>;
  intents: Intents;
}

const ScreenContext = createContext<Screen | undefined>(undefined);

export function ScreenProvider({ store, intents, children }: Screen & { children: ReactNode }) {
  return (
    <ScreenContext.Provider value={{ store, intents }}>
      <KeyRouterProvider>{children}</KeyRouterProvider>
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

export function useIntents(): Intents {
  return useScreen().intents;
}
