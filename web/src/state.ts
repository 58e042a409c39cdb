// What every page shares (the connection, the best block, the signing account) and the hook that
// keeps a page's chain reads current: it re-reads on every new best block, without a reload.
import { createContext } from 'preact';
import { useContext, useEffect, useRef, useState } from 'preact/hooks';
import type { Account } from './accounts.ts';
import type { Block, Connection } from './chain.ts';

export interface AppState {
  conn: Connection;
  block: Block;
  account: Account;
  /** Dev accounts by address, to name farmers and operators. */
  nameOf(address: string): string;
}

export const App = createContext<AppState | undefined>(undefined);

export function useApp(): AppState {
  const state = useContext(App);
  if (!state) throw new Error('useApp outside <App.Provider>');
  return state;
}

export interface Live<T> {
  data: T | undefined;
  error: string | undefined;
  loading: boolean;
}

/**
 * `read(at)` at the best block, again on each new block and whenever `deps` change. The previous
 * answer stays on screen while the next loads; an answer that arrives after a newer read started is dropped.
 */
export function useLive<T>(read: (at: string) => Promise<T>, deps: readonly unknown[]): Live<T> {
  const { block } = useApp();
  const [state, setState] = useState<Live<T>>({ data: undefined, error: undefined, loading: true });
  const latest = useRef(0);
  useEffect(() => {
    const run = ++latest.current;
    setState((s) => ({ ...s, loading: true }));
    read(block.hash).then(
      (data) => run === latest.current && setState({ data, error: undefined, loading: false }),
      (e: unknown) => run === latest.current && setState((s) => ({ ...s, error: e instanceof Error ? e.message : String(e), loading: false })),
    );
  }, [block.hash, ...deps]);
  return state;
}
