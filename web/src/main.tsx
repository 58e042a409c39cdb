// The app shell: connects to the node that served the page, follows its best block, lets the user
// pick who signs ("Account": dev accounts and browser wallets) and routes between the four pages.
import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { devAccounts, walletAccounts, walletNames, type Account } from './accounts.ts';
import { connect, endpoint, type Block, type Connection } from './chain.ts';
import { Farmer } from './pages/Farmer.tsx';
import { Marketplace } from './pages/Marketplace.tsx';
import { Rentals } from './pages/Rentals.tsx';
import { Services } from './pages/Services.tsx';
import { App, type AppState } from './state.ts';
import './styles.css';

const PAGES = [
  { path: '#/marketplace/compute', title: 'Compute marketplace', view: Marketplace },
  { path: '#/rentals', title: 'My rentals', view: Rentals },
  { path: '#/farmer', title: 'Farmer', view: Farmer },
  { path: '#/services', title: 'Services', view: Services },
] as const;

function useHash(): string {
  const [hash, setHash] = useState(window.location.hash);
  useEffect(() => {
    const changed = () => setHash(window.location.hash);
    window.addEventListener('hashchange', changed);
    return () => window.removeEventListener('hashchange', changed);
  }, []);
  return hash;
}

function Root() {
  const url = useMemo(() => endpoint(), []);
  const [conn, setConn] = useState<Connection>();
  const [failure, setFailure] = useState<string>();
  const [block, setBlock] = useState<Block>();
  useEffect(() => {
    let sub: { unsubscribe(): void } | undefined;
    let live: Connection | undefined;
    connect(url).then((c) => {
      live = c;
      setConn(c);
      sub = c.client.bestBlocks$.subscribe({ next: (blocks) => setBlock({ hash: blocks[0].hash, number: blocks[0].number }), error: (e: Error) => setFailure(e.message) });
    }, (e: Error) => setFailure(e.message));
    return () => {
      sub?.unsubscribe();
      live?.client.destroy();
    };
  }, [url]);
  if (failure) return <main class="shell"><p role="alert" class="error">Lost the node at {url}: {failure}</p></main>;
  if (!conn || !block) return <main class="shell"><p role="status">Connecting to {url}…</p></main>;
  return <Connected conn={conn} block={block} />;
}

function Connected({ conn, block }: { conn: Connection; block: Block }) {
  const dev = useMemo(() => devAccounts(conn.ss58Format), [conn]);
  const [wallet, setWallet] = useState<Account[]>([]);
  const [walletError, setWalletError] = useState<string>();
  const [address, setAddress] = useState(dev[0].address);
  const accounts = [...dev, ...wallet];
  const account = accounts.find((a) => a.address === address && a.source !== 'dev') ?? accounts.find((a) => a.address === address) ?? dev[0];
  const names = useMemo(() => new Map(dev.map((a) => [a.address, a.name])), [dev]);
  const state: AppState = { conn, block, account, nameOf: (a) => names.get(a) ?? `${a.slice(0, 6)}…${a.slice(-4)}` };
  const hash = useHash();
  const page = PAGES.find((p) => p.path === hash) ?? PAGES[0];
  const wallets = walletNames();
  useEffect(() => {
    document.title = `${page.title} · slicechain`;
  }, [page]);

  const connectWallets = async () => {
    try {
      setWallet((await Promise.all(wallets.map(walletAccounts))).flat());
      setWalletError(undefined);
    } catch (e) {
      setWalletError((e as Error).message);
    }
  };

  return (
    <App.Provider value={state}>
      <header class="top">
        <div class="brand">
          <h1>slicechain</h1>
          <span class="muted">{conn.chainName}</span>
          <span class="block" role="status" aria-label="Best block">#{block.number.toLocaleString('en')}</span>
        </div>
        <div class="who">
          <div class="field inline">
            <label for="account">Account</label>
            <select id="account" value={address} onChange={(e) => setAddress(e.currentTarget.value)}>
              <optgroup label="Dev accounts">
                {dev.map((a) => <option key={a.address} value={a.address}>{a.name}</option>)}
              </optgroup>
              {wallet.length > 0 && (
                <optgroup label="Browser wallet">
                  {wallet.map((a) => <option key={`${a.source}:${a.address}`} value={a.address}>{a.name} ({a.source})</option>)}
                </optgroup>
              )}
            </select>
          </div>
          {wallets.length > 0 && wallet.length === 0 && <button type="button" class="ghost" onClick={() => void connectWallets()}>Connect wallet</button>}
          {walletError && <span role="alert" class="error">{walletError}</span>}
          <code class="address" title={account.address}>{account.address.slice(0, 8)}…{account.address.slice(-6)}</code>
        </div>
        <nav aria-label="Pages">
          {PAGES.map((p) => <a key={p.path} href={p.path} aria-current={p === page ? 'page' : undefined}>{p.title}</a>)}
        </nav>
      </header>
      <main class="shell">
        <page.view />
      </main>
    </App.Provider>
  );
}

render(<Root />, document.getElementById('app') as HTMLElement);
