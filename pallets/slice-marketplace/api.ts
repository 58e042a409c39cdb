// The marketplace's runtime API: what a front end asks of a block's state. Plain functions (tests
// and the CLI call them through `chain.query`), and SliceMarketplaceApi, the same functions as
// state_call reaches them: `SliceMarketplaceApi_list_slices` with SCALE inputs and output (the
// types of types.ts). Money figures are as of the next block, the one a call sent now would land in.
import { u8aCmp, u8aEq } from '@polkadot/util';
import { AccountId32, type AccountId } from '../../primitives/types.ts';
import { method, runtimeApi, type RuntimeApi } from '../../frame/runtime-api.ts';
import type { PriceOracle } from '../../frame/traits.ts';
import * as System from '../../frame/system/index.ts';
import { U64_MAX } from '../../frame/dispatch.ts';
import { HOURS_PER_MONTH, earnedAt, freeSlices, rentedSlices, slicesIn } from './billing.ts';
import { FarmerNodes, Farmers, Nodes, RenterRentals, Renters, Rentals, nodeRentals, nodeSlices } from './storage.ts';
import {
  FarmerDashboard, MAX_PAGE_SIZE, PageRequest, SliceFilter, SlicePage, UserDashboard, type FarmerNodeSummary, type Node,
  type Rental, type RentalSummary, type SliceListing, type SortBy,
} from './types.ts';

const nextBlock = (): number => System.Number.get() + 1;

/** Where list_slices reads every node and a listed node's available slices: storage, or the node's index (node/slice-index.ts). */
export interface ListingSource {
  nodes(): Iterable<Node>;
  /** The node's Available slices, in id order. */
  available(node: number): number[];
}

const fromStorage: ListingSource = {
  *nodes() {
    for (const [, node] of Nodes.entries()) yield node;
  },
  available: (node) => nodeSlices(node).filter(([, status]) => status.type === 'Available').map(([id]) => id),
};
const sum = (values: readonly bigint[]): bigint => values.reduce((a, b) => a + b, 0n);
/** A derived micro-USD figure (a month's price, an hourly rate over many slices) saturates at u64::MAX. */
const saturated = (microUsd: bigint): bigint => (microUsd > U64_MAX ? U64_MAX : microUsd);

function matches(node: Node, filter: SliceFilter): boolean {
  return (filter.country === undefined || u8aEq(node.location.country, filter.country))
    && (filter.city === undefined || u8aEq(node.location.city, filter.city))
    && (filter.min_free_slices === undefined || freeSlices(node) >= filter.min_free_slices)
    && (filter.max_price_per_hour === undefined || node.slice_price_per_hour <= filter.max_price_per_hour)
    && (filter.min_uptime === undefined || node.sla.min_uptime >= filter.min_uptime)
    && (filter.min_bandwidth_mbps === undefined || node.sla.min_bandwidth_mbps >= filter.min_bandwidth_mbps)
    && (filter.certification === undefined || node.certification.type === filter.certification.type)
    && (filter.status === undefined || node.status.type === filter.status.type);
}

/**
 * The first `count` of `items` in `order` (a total order), as sorting them all would give: kept in
 * a bounded sorted list, so a first page of thousands of matches costs about one pass over them.
 */
export function firstInOrder<T>(items: readonly T[], count: number, order: (a: T, b: T) => number): T[] {
  if (count <= 0) return [];
  // Insertion into the kept list is linear in it: past a quarter of the items, a sort is cheaper.
  if (count * 4 >= items.length) return [...items].sort(order).slice(0, count);
  const best: T[] = [];
  for (const item of items) {
    if (best.length === count && order(item, best[count - 1]) >= 0) continue;
    let low = 0;
    let high = best.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (order(best[mid], item) <= 0) low = mid + 1;
      else high = mid;
    }
    best.splice(low, 0, item);
    if (best.length > count) best.pop();
  }
  return best;
}

const byPrice = (a: Node, b: Node): number => (a.slice_price_per_hour < b.slice_price_per_hour ? -1 : a.slice_price_per_hour > b.slice_price_per_hour ? 1 : 0);

/** The order of a sort, node id breaking ties so that pages never overlap. */
const ORDER: Record<SortBy['type'], (a: Node, b: Node) => number> = {
  PriceAscending: byPrice,
  PriceDescending: (a, b) => byPrice(b, a),
  Uptime: (a, b) => b.sla.min_uptime - a.sla.min_uptime,
  Location: (a, b) => u8aCmp(a.location.country, b.location.country) || u8aCmp(a.location.city, b.location.city),
};

export function createRuntimeApi(oracle: PriceOracle) {
  const inToken = (microUsd: bigint): bigint | undefined => (oracle.price() === undefined ? undefined : oracle.usdToPlanck(microUsd, 'up'));

  const listing = (node: Node, source: ListingSource): SliceListing => ({
    node: node.id,
    farmer: node.farmer,
    location: node.location,
    certification: node.certification,
    status: node.status,
    sla: node.sla,
    total_slices: slicesIn(node.capacity),
    free_slices: freeSlices(node),
    available: source.available(node.id),
    price_per_hour: node.slice_price_per_hour,
    price_per_month: saturated(node.slice_price_per_hour * BigInt(HOURS_PER_MONTH)),
    price_per_hour_planck: inToken(node.slice_price_per_hour),
    price_locked: node.price_locked,
  });

  /** What a rental has earned and not been paid, as of the next block. */
  const accrued = (rental: Rental, node: Node): bigint => earnedAt(rental, node, nextBlock()) - rental.paid_so_far;

  function nodeSummary(node: Node): FarmerNodeSummary {
    const rentals = nodeRentals(node.id);
    return {
      node: node.id,
      status: node.status,
      total_slices: slicesIn(node.capacity),
      rented_slices: rentedSlices(node),
      free_slices: freeSlices(node),
      price_per_hour: node.slice_price_per_hour,
      price_locked: node.price_locked,
      rate_per_hour: node.status.type === 'Down' ? 0n : saturated(sum(rentals.map((r) => r.price_per_hour * BigInt(r.slices.length)))),
      pending: sum(rentals.map((r) => accrued(r, node))),
    };
  }

  function rentalSummary(rental: Rental): RentalSummary {
    const node = Nodes.get(rental.node) as Node;
    const owed = accrued(rental, node);
    const at = Math.min(nextBlock(), rental.end);
    return {
      rental: rental.id,
      node: rental.node,
      slices: rental.slices,
      start: rental.start,
      end: rental.end,
      remaining_blocks: rental.end - at,
      price_per_hour: rental.price_per_hour,
      cost: rental.cost,
      paid: rental.paid_so_far,
      accrued: owed,
      refundable: rental.cost - rental.paid_so_far - owed,
    };
  }

  return {
    /**
     * Nodes with slices matching `filter`, sorted as `page.sort` says, `page.size` (at most
     * MaxPageSize) per page; `total` counts every match. The nodes and their slices come from
     * storage, or from the node's index of the same state (`source`).
     */
    listSlices(filter: SliceFilter, page: PageRequest, source: ListingSource = fromStorage): SlicePage {
      const found = [...source.nodes()].filter((node) => matches(node, filter));
      const order = ORDER[page.sort.type];
      const size = Math.min(page.size, MAX_PAGE_SIZE);
      const upToPage = firstInOrder(found, (page.index + 1) * size, (a, b) => order(a, b) || a.id - b.id);
      return { total: found.length, items: upToPage.slice(page.index * size).map((node) => listing(node, source)) };
    },

    farmerDashboard(farmer: AccountId): FarmerDashboard {
      const nodes = [...FarmerNodes.entries({ prefix: [farmer] })].map(([[, id]]) => Nodes.get(id) as Node).sort((a, b) => a.id - b.id);
      const summaries = nodes.map(nodeSummary);
      const total = (pick: (s: FarmerNodeSummary) => number) => summaries.reduce((n, s) => n + pick(s), 0);
      return {
        nodes: summaries,
        total_slices: total((s) => s.total_slices),
        rented_slices: total((s) => s.rented_slices),
        free_slices: total((s) => s.free_slices),
        earned: Farmers.get(farmer)?.earned ?? 0n,
        pending: sum(summaries.map((s) => s.pending)),
        rate_per_hour: saturated(sum(summaries.map((s) => s.rate_per_hour))),
      };
    },

    userDashboard(renter: AccountId): UserDashboard {
      const rentals = [...RenterRentals.entries({ prefix: [renter] })].map(([[, id]]) => Rentals.get(id) as Rental)
        .sort((a, b) => (a.id < b.id ? -1 : 1));
      const summaries = rentals.map(rentalSummary);
      return {
        rentals: summaries,
        spent: Renters.get(renter).spent + sum(summaries.map((s) => s.accrued)),
        held: sum(summaries.map((s) => s.cost - s.paid)),
      };
    },
  };
}

export type SliceMarketplaceQueries = ReturnType<typeof createRuntimeApi>;

/** SliceMarketplaceApi, as decl_runtime_apis would declare it: the functions above through state_call. */
export const sliceMarketplaceRuntimeApi = (api: SliceMarketplaceQueries): RuntimeApi => runtimeApi('SliceMarketplaceApi', 1, {
  list_slices: method({
    inputs: { filter: SliceFilter, page: PageRequest }, output: SlicePage,
    docs: ['Nodes with slices matching the filter, sorted and paged, with the total count.'],
    call: ({ filter, page }) => api.listSlices(filter, page),
  }),
  farmer_dashboard: method({
    inputs: { farmer: AccountId32 }, output: FarmerDashboard,
    docs: ['A farmer\'s nodes, slices, income earned and pending, and rate per hour.'],
    call: ({ farmer }) => api.farmerDashboard(farmer),
  }),
  user_dashboard: method({
    inputs: { renter: AccountId32 }, output: UserDashboard,
    docs: ['A renter\'s live rentals with their remaining time, what it has spent and what is held.'],
    call: ({ renter }) => api.userDashboard(renter),
  }),
}, ['The slice marketplace\'s listings and dashboards.']);
