// The farmer's view: SliceMarketplaceApi::farmer_dashboard for the selected account, registering a
// node, and per node: capacity, price within the platform band, price lock, status, collecting income.
import { Binary } from 'polkadot-api';
import { useState } from 'preact/hooks';
import { eventOf, type Capacity, type FarmerDashboard, type FarmerNodeSummary, type StoredNode } from '../chain.ts';
import { Dialog, ErrorNote, Field, Loading, Tokens, TxStatus, Usd, useTx } from '../components.tsx';
import { formatUsd, parseDecimal } from '../format.ts';
import { useApp, useLive } from '../state.ts';

const STATUSES = ['Up', 'Standby', 'Down'] as const;

export function Farmer() {
  const { conn, account } = useApp();
  const [managing, setManaging] = useState<number>();
  const [registering, setRegistering] = useState(false);
  const collect = useTx();
  const live = useLive((at) => conn.api.apis.SliceMarketplaceApi.farmer_dashboard(account.address, { at }) as Promise<FarmerDashboard>, [account.address]);
  const board = live.data;
  const collected = collect.progress && eventOf<{ node: number; amount: bigint }>(collect.progress, 'SliceMarketplace', 'IncomeCollected');
  return (
    <section aria-labelledby="farmer-title">
      <h2 id="farmer-title">Farmer</h2>
      <ErrorNote error={live.error} />
      {!board ? <Loading what="nodes" /> : (
        <>
          <dl class="totals">
            <div><dt>Nodes</dt><dd>{board.nodes.length}</dd></div>
            <div><dt>Slices rented</dt><dd>{board.rented_slices} of {board.total_slices}</dd></div>
            <div><dt>Income earned</dt><dd data-testid="farmer-earned"><Tokens planck={board.earned} /></dd></div>
            <div><dt>Income pending</dt><dd data-testid="farmer-pending"><Tokens planck={board.pending} /></dd></div>
            <div><dt>Earning now</dt><dd><Usd micro={board.rate_per_hour} /> per hour</dd></div>
          </dl>
          <p><button type="button" onClick={() => setRegistering(true)}>Register a node</button></p>
          <TxStatus progress={collect.progress} />
          {collected && <p role="status">Collected <Tokens planck={collected.amount} /> from node #{collected.node}.</p>}
          {board.nodes.length === 0 ? <p class="empty">{account.name} farms no node yet.</p> : (
            <div class="table-wrap">
              <table>
                <caption class="sr-only">My nodes</caption>
                <thead>
                  <tr>
                    <th scope="col">Node</th><th scope="col">Status</th><th scope="col">Slices rented</th><th scope="col">Price per slice-hour</th>
                    <th scope="col">Earning</th><th scope="col">Pending income</th><th scope="col"><span class="sr-only">Actions</span></th>
                  </tr>
                </thead>
                <tbody>
                  {board.nodes.map((n) => (
                    <tr key={n.node} aria-label={`Node ${n.node}`}>
                      <th scope="row">#{n.node}</th>
                      <td><span class={`badge ${n.status.type.toLowerCase()}`}>{n.status.type}</span></td>
                      <td class="num">{n.rented_slices} of {n.total_slices}</td>
                      <td><Usd micro={n.price_per_hour} />{n.price_locked && <small class="muted"> (locked)</small>}</td>
                      <td><Usd micro={n.rate_per_hour} /> / h</td>
                      <td><Tokens planck={n.pending} /></td>
                      <td class="actions">
                        <button type="button" onClick={() => setManaging(n.node)} aria-label={`Manage node ${n.node}`}>Manage</button>
                        <button type="button" class="ghost" disabled={collect.busy || n.pending === 0n} aria-label={`Collect income of node ${n.node}`}
                          onClick={() => void collect.send(conn.api.tx.SliceMarketplace.collect_income({ node: n.node }))}>Collect</button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {managing !== undefined && board.nodes.some((n) => n.node === managing) && (
            <ManageNode summary={board.nodes.find((n) => n.node === managing) as FarmerNodeSummary} onClose={() => setManaging(undefined)} />
          )}
        </>
      )}
      {registering && <RegisterNode onClose={() => setRegistering(false)} />}
    </section>
  );
}

function CapacityFields({ value, onChange }: { value: Record<keyof Capacity, string>; onChange(v: Record<keyof Capacity, string>): void }) {
  const set = (key: keyof Capacity) => (e: Event) => onChange({ ...value, [key]: (e.currentTarget as HTMLInputElement).value });
  return (
    <>
      <Field label="CPU cores"><input type="number" min={0} required value={value.cpu_cores} onInput={set('cpu_cores')} /></Field>
      <Field label="Memory (GB)"><input type="number" min={0} required value={value.memory_gb} onInput={set('memory_gb')} /></Field>
      <Field label="Storage (GB)"><input type="number" min={0} required value={value.storage_gb} onInput={set('storage_gb')} /></Field>
    </>
  );
}

const capacityOf = (v: Record<keyof Capacity, string>): Capacity => ({ cpu_cores: Number(v.cpu_cores), memory_gb: Number(v.memory_gb), storage_gb: Number(v.storage_gb) });
const slicesIn = (c: Capacity): number => Math.max(0, Math.min(Math.floor(c.cpu_cores), Math.floor(c.memory_gb / 4), Math.floor(c.storage_gb / 200)));
const asStrings = (c: Capacity): Record<keyof Capacity, string> => ({ cpu_cores: String(c.cpu_cores), memory_gb: String(c.memory_gb), storage_gb: String(c.storage_gb) });

function RegisterNode({ onClose }: { onClose(): void }) {
  const { conn } = useApp();
  const tx = useTx();
  const [capacity, setCapacity] = useState(asStrings({ cpu_cores: 16, memory_gb: 64, storage_gb: 2000 }));
  const [country, setCountry] = useState('');
  const [city, setCity] = useState('');
  const [uptime, setUptime] = useState('99.5');
  const [bandwidth, setBandwidth] = useState('100');
  const [certification, setCertification] = useState<'Diy' | 'Certified'>('Diy');
  const registered = tx.progress && eventOf<{ node: number; slices: number }>(tx.progress, 'SliceMarketplace', 'NodeRegistered');
  return (
    <Dialog title="Register a node" onClose={onClose}>
      <form onSubmit={(e) => {
        e.preventDefault();
        void tx.send(conn.api.tx.SliceMarketplace.register_node({
          capacity: capacityOf(capacity),
          location: { country: Binary.fromText(country), city: Binary.fromText(city) },
          sla: { min_uptime: Math.round(Number(uptime) * 10_000), min_bandwidth_mbps: Number(bandwidth) },
          certification: { type: certification, value: undefined },
        }));
      }}>
        <CapacityFields value={capacity} onChange={setCapacity} />
        <p class="muted">{slicesIn(capacityOf(capacity))} slices of 1 vCPU, 4 GB RAM, 200 GB storage.</p>
        <Field label="Country"><input required value={country} onInput={(e) => setCountry(e.currentTarget.value)} /></Field>
        <Field label="City"><input required value={city} onInput={(e) => setCity(e.currentTarget.value)} /></Field>
        <Field label="SLA uptime (%)"><input type="number" min={0} max={100} step="0.01" required value={uptime} onInput={(e) => setUptime(e.currentTarget.value)} /></Field>
        <Field label="SLA bandwidth (Mbps)"><input type="number" min={0} required value={bandwidth} onInput={(e) => setBandwidth(e.currentTarget.value)} /></Field>
        <Field label="Certification">
          <select value={certification} onChange={(e) => setCertification(e.currentTarget.value as 'Diy' | 'Certified')}>
            <option value="Diy">DIY</option><option value="Certified">Certified</option>
          </select>
        </Field>
        <button type="submit" disabled={tx.busy}>Sign and register</button>
      </form>
      <TxStatus progress={tx.progress} />
      {registered && <p role="status">Registered node #{registered.node} with {registered.slices} slices.</p>}
    </Dialog>
  );
}

function ManageNode({ summary, onClose }: { summary: FarmerNodeSummary; onClose(): void }) {
  const { conn } = useApp();
  const tx = useTx();
  const id = summary.node;
  const live = useLive(async (at) => ({
    node: await conn.api.query.SliceMarketplace.Nodes.getValue(id, { at }) as StoredNode,
    band: await conn.api.query.SliceMarketplace.PriceBand.getValue({ at }) as { min: bigint; max: bigint },
  }), [id]);
  const [status, setStatus] = useState<string>(summary.status.type);
  const [price, setPrice] = useState(formatUsd(summary.price_per_hour).slice(1).replace(/,/g, ''));
  const [capacity, setCapacity] = useState<Record<keyof Capacity, string>>();
  const band = live.data?.band;
  const micro = parseDecimal(price, 6);
  const inBand = micro !== undefined && band !== undefined && micro >= band.min && micro <= band.max;
  const shownCapacity = capacity ?? (live.data ? asStrings(live.data.node.capacity) : undefined);
  const send = (call: unknown) => void tx.send(call as Parameters<typeof tx.send>[0]);
  const market = conn.api.tx.SliceMarketplace;
  return (
    <Dialog title={`Manage node ${id}`} onClose={onClose}>
      <form class="row" aria-label="Node status" onSubmit={(e) => { e.preventDefault(); send(market.set_node_status({ node: id, status: { type: status, value: undefined } })); }}>
        <Field label="Status">
          <select value={status} onChange={(e) => setStatus(e.currentTarget.value)}>
            {STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </Field>
        <button type="submit" disabled={tx.busy}>Set status</button>
      </form>
      <form class="row" aria-label="Node price" onSubmit={(e) => { e.preventDefault(); if (micro !== undefined) send(market.set_slice_price({ node: id, price_per_hour: micro })); }}>
        <Field label="Price per slice-hour (USD)" hint={band ? `platform band ${formatUsd(band.min)} to ${formatUsd(band.max)}` : undefined}>
          <input inputMode="decimal" required value={price} onInput={(e) => setPrice(e.currentTarget.value)} aria-invalid={!inBand} />
        </Field>
        <button type="submit" disabled={tx.busy || !inBand || summary.price_locked}>Set price</button>
        <button type="button" class="ghost" disabled={tx.busy}
          onClick={() => send(summary.price_locked ? market.unlock_price({ node: id }) : market.lock_price({ node: id }))}>
          {summary.price_locked ? 'Unlock price' : 'Lock price'}
        </button>
      </form>
      {shownCapacity && (
        <form aria-label="Node capacity" onSubmit={(e) => { e.preventDefault(); send(market.update_capacity({ node: id, capacity: capacityOf(shownCapacity) })); }}>
          <CapacityFields value={shownCapacity} onChange={setCapacity} />
          <p class="muted">{slicesIn(capacityOf(shownCapacity))} slices; {summary.rented_slices} rented now.</p>
          <button type="submit" disabled={tx.busy}>Update capacity</button>
        </form>
      )}
      <TxStatus progress={tx.progress} />
    </Dialog>
  );
}
