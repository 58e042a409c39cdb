// The compute marketplace (/marketplace/compute): SliceMarketplaceApi::list_slices with its filters,
// sorts and pages, one row per node, and the Rent form holding the exact cost the chain will hold.
import { Binary } from 'polkadot-api';
import { useState } from 'preact/hooks';
import { eventOf, type SliceListing, type SlicePage } from '../chain.ts';
import { Dialog, ErrorNote, Field, Loading, Tokens, TxStatus, Usd, useTx } from '../components.tsx';
import { HOURS_PER_MONTH, MICRO_USD, formatPercent, parseDecimal, usdToPlanck } from '../format.ts';
import { useApp, useLive } from '../state.ts';

const MAX_PAGE_SIZE = 100;
const MAX_RENTAL_MONTHS = 36;
const MAX_SLICES_PER_RENTAL = 64;
const SORTS = { PriceAscending: 'Price, lowest first', PriceDescending: 'Price, highest first', Uptime: 'Uptime, highest first', Location: 'Location' };
type Sort = keyof typeof SORTS;

interface Filters {
  country: string; city: string; certification: string; status: string; minFree: string; maxPrice: string; minUptime: string; minBandwidth: string;
}
const NO_FILTERS: Filters = { country: '', city: '', certification: '', status: '', minFree: '', maxPrice: '', minUptime: '', minBandwidth: '' };

const text = (bytes: Uint8Array): string => Binary.toText(bytes);
const optional = <T,>(value: string, convert: (v: string) => T): T | undefined => (value.trim() === '' ? undefined : convert(value.trim()));
const variant = (type: string) => (type ? { type, value: undefined } : undefined);

/** The SliceFilter the runtime API takes, from the form's strings. */
function sliceFilter(f: Filters) {
  return {
    country: optional(f.country, Binary.fromText),
    city: optional(f.city, Binary.fromText),
    min_free_slices: optional(f.minFree, Number),
    max_price_per_hour: optional(f.maxPrice, (v) => parseDecimal(v, 6)),
    min_uptime: optional(f.minUptime, (v) => Math.round(Number(v) * 10_000)),
    min_bandwidth_mbps: optional(f.minBandwidth, Number),
    certification: variant(f.certification),
    status: variant(f.status),
  };
}

/** The filters in words, as the summary line says what the rows below answer. */
function describe(f: Filters): string {
  return [
    f.country && `country ${f.country}`, f.city && `city ${f.city}`, f.certification && `certification ${f.certification}`,
    f.status && `status ${f.status}`, f.minFree && `at least ${f.minFree} free slices`, f.maxPrice && `at most $${f.maxPrice} per hour`,
    f.minUptime && `uptime at least ${f.minUptime}%`, f.minBandwidth && `bandwidth at least ${f.minBandwidth} Mbps`,
  ].filter(Boolean).join(', ');
}

export function Marketplace() {
  const { conn, nameOf } = useApp();
  const [filters, setFilters] = useState(NO_FILTERS);
  const [sort, setSort] = useState<Sort>('PriceAscending');
  const [pageSize, setPageSize] = useState<number | 'all'>(25);
  const [pageIndex, setPageIndex] = useState(0);
  const [renting, setRenting] = useState<SliceListing>();

  const live = useLive(async (at) => {
    const filter = sliceFilter(filters);
    const list = (index: number, size: number) =>
      conn.api.apis.SliceMarketplaceApi.list_slices(filter, { index, size, sort: { type: sort, value: undefined } }, { at }) as Promise<SlicePage>;
    const oracle = conn.api.query.Oracle.Price.getValue({ at }) as Promise<bigint | undefined>;
    const matching = describe(filters);
    if (pageSize !== 'all') {
      const page = await list(pageIndex, pageSize);
      const from = pageIndex * pageSize;
      return { page, oracle: await oracle, matching, showing: page.items.length ? `showing ${from + 1}–${from + page.items.length}` : '' };
    }
    // Every match: the runtime API pages by at most MaxPageSize.
    const first = await list(0, MAX_PAGE_SIZE);
    const rest = await Promise.all(Array.from({ length: Math.ceil(first.total / MAX_PAGE_SIZE) - 1 }, (_, i) => list(i + 1, MAX_PAGE_SIZE)));
    return { page: { total: first.total, items: [first, ...rest].flatMap((p) => p.items) }, oracle: await oracle, matching, showing: 'showing all' };
  }, [filters, sort, pageSize, pageIndex]);

  const set = (key: keyof Filters) => (e: Event) => {
    setFilters({ ...filters, [key]: (e.currentTarget as HTMLInputElement).value });
    setPageIndex(0);
  };
  const pages = live.data && pageSize !== 'all' ? Math.max(1, Math.ceil(live.data.page.total / pageSize)) : 1;

  return (
    <section aria-labelledby="market-title">
      <h2 id="market-title">Compute marketplace</h2>
      <p class="muted">Slices of 1 vCPU, 4 GB RAM and 200 GB storage on farmers' nodes, rented by the month.</p>
      <form class="filters" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
        <Field label="Country"><input value={filters.country} onInput={set('country')} placeholder="any" /></Field>
        <Field label="City"><input value={filters.city} onInput={set('city')} placeholder="any" /></Field>
        <Field label="Certification">
          <select value={filters.certification} onChange={set('certification')}>
            <option value="">Any</option><option value="Diy">DIY</option><option value="Certified">Certified</option>
          </select>
        </Field>
        <Field label="Status">
          <select value={filters.status} onChange={set('status')}>
            <option value="">Any</option><option value="Up">Up</option><option value="Standby">Standby</option><option value="Down">Down</option>
          </select>
        </Field>
        <Field label="Minimum free slices"><input type="number" min={0} value={filters.minFree} onInput={set('minFree')} /></Field>
        <Field label="Maximum price per hour (USD)"><input type="number" min={0} step="0.000001" value={filters.maxPrice} onInput={set('maxPrice')} /></Field>
        <Field label="Minimum uptime (%)"><input type="number" min={0} max={100} step="0.01" value={filters.minUptime} onInput={set('minUptime')} /></Field>
        <Field label="Minimum bandwidth (Mbps)"><input type="number" min={0} value={filters.minBandwidth} onInput={set('minBandwidth')} /></Field>
        <Field label="Sort by">
          <select value={sort} onChange={(e) => setSort((e.currentTarget as HTMLSelectElement).value as Sort)}>
            {Object.entries(SORTS).map(([value, label]) => <option key={value} value={value}>{label}</option>)}
          </select>
        </Field>
        <Field label="Rows per page">
          <select value={String(pageSize)} onChange={(e) => {
            const v = (e.currentTarget as HTMLSelectElement).value;
            setPageSize(v === 'all' ? 'all' : Number(v));
            setPageIndex(0);
          }}>
            <option value="25">25</option><option value="100">100</option><option value="all">All</option>
          </select>
        </Field>
        <button type="button" class="ghost" onClick={() => { setFilters(NO_FILTERS); setPageIndex(0); }}>Clear filters</button>
      </form>

      <ErrorNote error={live.error} />
      {!live.data ? <Loading what="slices" /> : (
        <>
          <p role="status" class="summary">
            {live.data.page.total} nodes{live.data.matching && ` matching ${live.data.matching}`}{live.data.showing && ` · ${live.data.showing}`}
          </p>
          {live.data.page.items.length === 0 ? <p class="empty">No node matches these filters.</p> : (
            <div class="table-wrap">
              <table>
                <caption class="sr-only">Nodes with slices</caption>
                <thead>
                  <tr>
                    <th scope="col">Node</th><th scope="col">Farmer</th><th scope="col">Location</th><th scope="col">Status</th>
                    <th scope="col">Free slices</th><th scope="col">Free resources</th><th scope="col">SLA</th>
                    <th scope="col">Price per hour</th><th scope="col">Price per month</th><th scope="col"><span class="sr-only">Actions</span></th>
                  </tr>
                </thead>
                <tbody>
                  {live.data.page.items.map((item) => (
                    <ListingRow key={item.node} item={item} oracle={live.data?.oracle} farmer={nameOf(item.farmer)} onRent={() => setRenting(item)} />
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {pageSize !== 'all' && (
            <nav class="pager" aria-label="Pages of nodes">
              <button type="button" disabled={pageIndex === 0} onClick={() => setPageIndex(pageIndex - 1)}>Previous page</button>
              <span>Page {pageIndex + 1} of {pages}</span>
              <button type="button" disabled={pageIndex + 1 >= pages} onClick={() => setPageIndex(pageIndex + 1)}>Next page</button>
            </nav>
          )}
        </>
      )}
      {renting && <RentForm item={renting} oracle={live.data?.oracle} onClose={() => setRenting(undefined)} />}
    </section>
  );
}

function ListingRow({ item, oracle, farmer, onRent }: { item: SliceListing; oracle: bigint | undefined; farmer: string; onRent(): void }) {
  const { conn } = useApp();
  const place = [text(item.location.city), text(item.location.country)].filter(Boolean).join(', ');
  return (
    <tr aria-label={`Node ${item.node}`} class={item.status.type === 'Down' ? 'down' : ''}>
      <th scope="row">#{item.node}<br /><small class="muted">{item.certification.type === 'Diy' ? 'DIY' : 'Certified'}</small></th>
      <td>{farmer}</td>
      <td>{place}</td>
      <td><span class={`badge ${item.status.type.toLowerCase()}`}>{item.status.type}</span></td>
      <td class="num" aria-label="Free slices">{item.free_slices} / {item.total_slices}</td>
      <td>{item.free_slices} vCPU · {item.free_slices * 4} GB RAM · {item.free_slices * 200} GB storage</td>
      <td>{formatPercent(item.sla.min_uptime)} uptime<br /><small>{item.sla.min_bandwidth_mbps} Mbps</small></td>
      <td><Usd micro={item.price_per_hour} />{item.price_per_hour_planck !== undefined && <><br /><small><Tokens planck={item.price_per_hour_planck} /></small></>}{item.price_locked && <small class="muted"> (locked)</small>}</td>
      <td><Usd micro={item.price_per_month} />{oracle !== undefined && <><br /><small><Tokens planck={usdToPlanck(item.price_per_month, oracle, conn.token)} /></small></>}</td>
      <td><button type="button" onClick={onRent} aria-label={`Rent slices of node ${item.node}`}>Rent</button></td>
    </tr>
  );
}

function RentForm({ item, oracle, onClose }: { item: SliceListing; oracle: bigint | undefined; onClose(): void }) {
  const { conn } = useApp();
  const tx = useTx();
  const [count, setCount] = useState('1');
  const [months, setMonths] = useState('1');
  const n = Number(count);
  const m = Number(months);
  const valid = Number.isInteger(n) && n >= 1 && n <= MAX_SLICES_PER_RENTAL && Number.isInteger(m) && m >= 1 && m <= MAX_RENTAL_MONTHS;
  const usd = valid ? item.price_per_hour * BigInt(n) * HOURS_PER_MONTH * BigInt(m) : undefined;
  const rented = tx.progress && eventOf<{ rental: bigint; cost: bigint; end: number }>(tx.progress, 'SliceMarketplace', 'SlicesRented');
  return (
    <Dialog title={`Rent slices of node ${item.node}`} onClose={onClose}>
      <form onSubmit={(e) => {
        e.preventDefault();
        if (valid) void tx.send(conn.api.tx.SliceMarketplace.rent_slices({ node: item.node, count: n, duration_months: m }));
      }}>
        <p>{item.free_slices} of {item.total_slices} slices free at <Usd micro={item.price_per_hour} /> per slice per hour ({item.status.type}).</p>
        <Field label="Slices"><input autoFocus type="number" min={1} max={MAX_SLICES_PER_RENTAL} required value={count} onInput={(e) => setCount(e.currentTarget.value)} /></Field>
        <Field label="Months" hint={`1 to ${MAX_RENTAL_MONTHS}; a month is 720 hours`}>
          <input type="number" min={1} max={MAX_RENTAL_MONTHS} required value={months} onInput={(e) => setMonths(e.currentTarget.value)} />
        </Field>
        <p aria-live="polite">
          {usd === undefined ? 'Enter a number of slices and months.' : oracle === undefined ? 'No token price is set: the chain cannot convert USD.' : (
            <>Held now: <strong data-testid="rent-cost"><Tokens planck={usdToPlanck(usd, oracle, conn.token)} /></strong> (<Usd micro={usd} />, {formatUsdPerToken(oracle)})</>
          )}
        </p>
        <button type="submit" disabled={!valid || tx.busy}>Sign and rent</button>
      </form>
      <TxStatus progress={tx.progress} />
      {rented && <p role="status">Rental #{String(rented.rental)} until block #{rented.end}: <Tokens planck={rented.cost} /> held.</p>}
    </Dialog>
  );
}

const formatUsdPerToken = (oracle: bigint): string => `at $${(Number(oracle) / Number(MICRO_USD)).toString()} per token`;
