/**
 * The store in React: one playground store per page, provided by context, read with
 * selectors. `usePlayground(s => s.cursor)` re-renders only when the cursor changes.
 */
import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { PlaygroundState, PlaygroundStore } from '../store/index';

const StoreContext = createContext<PlaygroundStore | null>(null);

export function StoreProvider({ store, children }: { store: PlaygroundStore; children: ReactNode }) {
  return <StoreContext.Provider value={store}>{children}</StoreContext.Provider>;
}

export function useStoreApi(): PlaygroundStore {
  const s = useContext(StoreContext);
  if (!s) throw new Error('usePlayground outside <StoreProvider>');
  return s;
}

export function usePlayground<U>(selector: (s: PlaygroundState) => U): U {
  return useStore(useStoreApi(), selector);
}
