// The marketplace's runtime API at the head of the dev chain: list_slices with every filter, sort and
// page, with token prices from the oracle; the farmer's and the user's dashboards.
import fc from 'fast-check';
import { u8aConcat, u8aToString } from '@polkadot/util';
import { callRuntimeApi } from '../../frame/apis.ts';
import { apiId } from '../../frame/runtime-api.ts';
import { SliceMarketplace, VERSION } from '../../runtime/runtime.ts';
import { AccountId32 } from '../../primitives/types.ts';
import { MarketChain, TOKEN_PRICE, devMarketplace, devSpecWith, gridNode, id, text } from '../../tests/marketplace-chain.ts';
import { TOKEN } from '../../frame/units.ts';
import { U64_MAX } from '../../frame/dispatch.ts';
import { firstInOrder } from './api.ts';
import { Nodes } from './storage.ts';
import {
  FarmerDashboard, PageRequest, SliceFilter, SlicePage, UserDashboard, type Node, type SliceListing, type SortBy,
} from './types.ts';

const api = SliceMarketplace.api;
const tx = SliceMarketplace.tx;
const NO_FILTER: SliceFilter = {
  country: undefined, city: undefined, min_free_slices: undefined, max_price_per_hour: undefined, min_uptime: undefined,
  min_bandwidth_mbps: undefined, certification: undefined, status: undefined,
};
const page = (index: number, size: number, sort: SortBy['type'] = 'PriceAscending'): PageRequest => ({ index, size, sort: { type: sort } });

describe('SliceMarketplaceApi through state_call', () => {
  it('answers in SCALE what the plain functions answer, and is listed in the runtime version', () => {
    const chain = new MarketChain('dev');
    chain.submit(chain.accounts.alice, tx.rent_slices({ node: 1, count: 1, duration_months: 1 }));
    expect(chain.newBlock().extrinsics[0].error).toBeUndefined();
    const ctx = { executive: chain.chain.executive, state: chain.chain.state, at: chain.head };
    const stateCall = (name: string, input: Uint8Array) => callRuntimeApi(ctx, `SliceMarketplaceApi_${name}`, input);
    const filter = { ...NO_FILTER, country: text('Belgium') };
    expect(SlicePage.dec(stateCall('list_slices', u8aConcat(SliceFilter.enc(filter), PageRequest.enc(page(0, 20))))))
      .toEqual(chain.query(() => api.listSlices(filter, page(0, 20))));
    const { alice, charlie } = chain.accounts;
    expect(FarmerDashboard.dec(stateCall('farmer_dashboard', AccountId32.enc(id(charlie))))).toEqual(chain.query(() => api.farmerDashboard(id(charlie))));
    const dashboard = UserDashboard.dec(stateCall('user_dashboard', AccountId32.enc(id(alice))));
    expect(dashboard).toEqual(chain.query(() => api.userDashboard(id(alice))));
    expect(dashboard.rentals).toHaveLength(1);
    expect(VERSION.apis).toContainEqual([apiId('SliceMarketplaceApi'), 1]);
  });
});

describe('list_slices on the dev chain\'s sample grid', () => {
  const chain = new MarketChain('dev');
  const all = chain.query(() => [...Nodes.entries()].map(([, node]) => node));
  const list = (filter: Partial<SliceFilter>, request = page(0, 100)) => chain.query(() => api.listSlices({ ...NO_FILTER, ...filter }, request));
  const everything = (filter: Partial<SliceFilter>, sort: SortBy['type']): SliceListing[] => {
    const first = list(filter, page(0, 100, sort));
    return [first, ...Array.from({ length: Math.ceil(first.total / 100) - 1 }, (_, i) => list(filter, page(i + 1, 100, sort)))].flatMap((p) => p.items);
  };

  it('pages through every node once, in the order asked, with a total', () => {
    expect(all).toHaveLength(300);
    const byPrice = everything({}, 'PriceAscending');
    expect(byPrice.map((item) => item.node).sort((a, b) => a - b)).toEqual(all.map((node) => node.id).sort((a, b) => a - b));
    expect(list({}, page(0, 7)).items.map((item) => item.node)).toEqual(byPrice.slice(0, 7).map((item) => item.node));
    expect(list({}, page(1, 7)).items.map((item) => item.node)).toEqual(byPrice.slice(7, 14).map((item) => item.node));
    expect(list({}, page(0, 500)).items).toHaveLength(100);
    expect(list({}, page(9, 100))).toEqual({ total: 300, items: [] });
    const byLocation = everything({}, 'Location').map((item) => `${u8aToString(item.location.country)}/${u8aToString(item.location.city)}`);
    expect(byLocation).toEqual([...byLocation].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
    const byUptime = everything({}, 'Uptime').map((item) => item.sla.min_uptime);
    expect(byUptime).toEqual([...byUptime].sort((a, b) => b - a));
  });

  it('filters by country, city, certification and status, as the nodes say', () => {
    const count = (pick: (node: Node) => boolean) => all.filter(pick).length;
    const is = (bytes: Uint8Array, value: string) => u8aToString(bytes) === value;
    expect(list({ country: text('Belgium') }).total).toBe(count((n) => is(n.location.country, 'Belgium')));
    expect(list({ country: text('Belgium') }).total).toBeGreaterThan(0);
    expect(list({ city: text('São Paulo') }).total).toBe(count((n) => is(n.location.city, 'São Paulo')));
    expect(list({ certification: { type: 'Certified' } }).total).toBe(count((n) => n.certification.type === 'Certified'));
    expect(list({ status: { type: 'Down' } }).total).toBe(count((n) => n.status.type === 'Down'));
    expect(list({ status: { type: 'Down' } }).items.every((item) => item.available.length === 0)).toBe(true);
    expect(list({ country: text('Atlantis') })).toEqual({ total: 0, items: [] });
  });

  it('shows each price per hour and per month, and per hour in the token at the oracle\'s price', () => {
    const [item] = list({}, page(0, 1)).items;
    expect(item.price_per_month).toBe(item.price_per_hour * 720n);
    expect(item.price_per_hour_planck).toBe((item.price_per_hour * TOKEN) / TOKEN_PRICE);
  });
});

describe('list_slices filters and dashboards on a small grid', () => {
  const world = {
    priceBand: { min: 1_000, max: 2_000_000 },
    blocksPerMonth: 10,
    slicePrice: 40_000,
    sla: { diy: { minUptime: 950_000, minBandwidthMbps: 100 }, certified: { minUptime: 995_000, minBandwidthMbps: 1000 } },
    farms: { 1: '5FLSigC9HGRKVhB9FiEo4Y3koPsNmBmLJbpXg2mp1hXcS59Y' },
    gridNodes: [
      gridNode(1, 1, [32, 128, 2000]),
      gridNode(2, 1, [8, 32, 1000], { certificationType: 'Certified', country: 'Austria', city: 'Vienna' }),
      gridNode(3, 1, [4, 16, 512], { status: 'standby' }),
    ],
  };
  let chain: MarketChain;
  const list = (filter: Partial<SliceFilter>, sort: SortBy['type'] = 'PriceAscending') =>
    chain.query(() => api.listSlices({ ...NO_FILTER, ...filter }, page(0, 10, sort))).items.map((item) => item.node);

  beforeEach(() => {
    chain = new MarketChain(devSpecWith(world));
    const { alice, bob, charlie } = chain.accounts;
    chain.submit(charlie, tx.set_slice_price({ node: 2, price_per_hour: 90_000n }));
    chain.submit(charlie, tx.set_slice_price({ node: 3, price_per_hour: 10_000n }));
    chain.submit(alice, tx.rent_slices({ node: 1, count: 7, duration_months: 1 }));
    chain.submit(bob, tx.rent_slice({ node: 2, slice: 4, duration_months: 2 }));
    expect(chain.newBlock().extrinsics.map((x) => x.error)).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('filters by free slices, price, uptime and bandwidth, and sorts by price either way', () => {
    expect(list({})).toEqual([3, 1, 2]);
    expect(list({}, 'PriceDescending')).toEqual([2, 1, 3]);
    expect(list({}, 'Uptime')).toEqual([2, 1, 3]);
    expect(list({}, 'Location')).toEqual([2, 1, 3]);
    expect(list({ min_free_slices: 3 })).toEqual([1, 2]);
    expect(list({ min_free_slices: 4 })).toEqual([2]);
    expect(list({ max_price_per_hour: 40_000n })).toEqual([3, 1]);
    expect(list({ min_uptime: 990_000 })).toEqual([2]);
    expect(list({ min_bandwidth_mbps: 101 })).toEqual([2]);
    expect(list({ status: { type: 'Standby' } })).toEqual([3]);
    expect(list({ country: text('Belgium'), min_free_slices: 1, max_price_per_hour: 20_000n })).toEqual([3]);
    const node1 = chain.query(() => api.listSlices(NO_FILTER, page(1, 1))).items[0];
    expect(node1).toMatchObject({ node: 1, total_slices: 10, free_slices: 3, available: [7, 8, 9], price_per_hour: 40_000n, price_locked: false });
  });

  it('farmer_dashboard: nodes, slices total/rented/free, income earned and pending, rate per hour', () => {
    const { alice, charlie } = chain.accounts;
    const cost1 = (40_000n * 7n * 720n * TOKEN) / TOKEN_PRICE;
    chain.runTo(chain.head.number + 3);
    chain.one(charlie, tx.collect_income({ node: 1 }));
    const dashboard = chain.query(() => api.farmerDashboard(id(charlie)));
    // Collected in block start + 4, 4 blocks earned; the dashboard looks at the next block, 5 earned.
    expect(dashboard).toMatchObject({ total_slices: 17, rented_slices: 8, free_slices: 9, earned: (cost1 * 4n) / 10n });
    expect(dashboard.nodes.map((n) => [n.node, n.total_slices, n.rented_slices, n.free_slices, n.rate_per_hour]))
      .toEqual([[1, 10, 7, 3, 280_000n], [2, 5, 1, 4, 90_000n], [3, 2, 0, 2, 0n]]);
    expect(dashboard.nodes[0].pending).toBe((cost1 * 5n) / 10n - (cost1 * 4n) / 10n);
    expect(dashboard.rate_per_hour).toBe(370_000n);
    expect(dashboard.pending).toBe(dashboard.nodes[0].pending + dashboard.nodes[1].pending);
    chain.one(charlie, tx.set_node_status({ node: 1, status: { type: 'Down' } }));
    expect(chain.query(() => api.farmerDashboard(id(charlie))).rate_per_hour).toBe(90_000n);
    expect(chain.query(() => api.farmerDashboard(id(alice)))).toEqual({ nodes: [], total_slices: 0, rented_slices: 0, free_slices: 0, earned: 0n, pending: 0n, rate_per_hour: 0n });
  });

  it('user_dashboard: rentals with remaining time, spent and held', () => {
    const { bob } = chain.accounts;
    const start = chain.head.number;
    const cost = (90_000n * 1440n * TOKEN) / TOKEN_PRICE;
    chain.runTo(start + 4);
    const dashboard = chain.query(() => api.userDashboard(id(bob)));
    // As of block start + 5: 5 of the 20 blocks used.
    const accrued = (cost * 5n) / 20n;
    expect(dashboard).toEqual({
      rentals: [{ rental: 1n, node: 2, slices: [4], start, end: start + 20, remaining_blocks: 15, price_per_hour: 90_000n, cost, paid: 0n, accrued, refundable: cost - accrued }],
      spent: accrued,
      held: cost,
    });
    expect(chain.held(bob)).toBe(cost);
    chain.runTo(start + 20);
    expect(chain.query(() => api.userDashboard(id(bob)))).toEqual({ rentals: [], spent: cost, held: 0n });
  });
});

describe('derived money figures that cannot fit a u64', () => {
  it('saturate at u64::MAX: a slice priced at u64::MAX per hour lists that as its monthly price too', () => {
    const max = U64_MAX.toString();
    const chain = new MarketChain(devSpecWith({
      priceBand: { min: '1000', max }, slicePrice: max, farms: devMarketplace.farms, gridNodes: [gridNode(1, 1, [8, 32, 800])],
    }));
    const [item] = chain.query(() => api.listSlices(NO_FILTER, page(0, 1))).items;
    expect(item.price_per_hour).toBe(U64_MAX);
    expect(item.price_per_month).toBe(U64_MAX);
    expect(SlicePage.dec(SlicePage.enc({ total: 1, items: [item] })).items[0].price_per_month).toBe(U64_MAX);
  });
});


it('list_slices counts slices from free capacity: a 32 vCPU / 128 GB / 2000 GB node with 30 / 120 / 1800 used has 1', () => {
  const used = { used_resources: { cru: 30, mru: 120 * 2 ** 30, sru: 1800 * 2 ** 30, hru: 0 } };
  const chain = new MarketChain(devSpecWith({ farms: devMarketplace.farms, gridNodes: [gridNode(1, 1, [32, 128, 2000], used), gridNode(2, 1, [32, 128, 2000])] }));
  const items = chain.query(() => api.listSlices(NO_FILTER, page(0, 10))).items;
  expect(items.map(({ node, total_slices, free_slices }) => ({ node, total_slices, free_slices }))).toEqual([
    { node: 1, total_slices: 1, free_slices: 1 }, { node: 2, total_slices: 10, free_slices: 10 },
  ]);
});

describe('firstInOrder (list_slices\' page selection)', () => {
  it('gives the first items of a full sort, for any items, count and ties broken by index', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 300 }), fc.integer({ min: 0, max: 120 }), (values, count) => {
      const items = values.map((value, id) => ({ value, id }));
      const order = (a: { value: number; id: number }, b: { value: number; id: number }) => a.value - b.value || a.id - b.id;
      expect(firstInOrder(items, count, order)).toEqual([...items].sort(order).slice(0, count));
    }), { numRuns: 300 });
  });
});
