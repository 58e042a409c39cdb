// The SliceMarketplace workload for `simulate`: farmers register nodes, change capacity, prices,
// price locks and statuses, and collect income; users rent single slices and groups, cancel, and
// race each other for the same slice in one block; rentals expire by themselves (the dev spec's
// rental month is 600 blocks). About a quarter of the calls are meant to fail, each for a known
// reason. The planner reads the head state and keeps its own account of what the block's earlier
// calls will have done, so that every expectation holds when the block runs.
import { stringToU8a } from '@polkadot/util';
import type { AccountId } from '../../primitives/types.ts';
import { Account } from '../../frame/system/index.ts';
import { oraclePrice } from '../../pallets/oracle/index.ts';
import { freeSlices, rentalCostUsd, rentedSlices, slicesIn } from '../../pallets/slice-marketplace/billing.ts';
import { Farmers, Nodes, PriceBand, Renters, Rentals, nodeSlices } from '../../pallets/slice-marketplace/storage.ts';
import {
  MAX_NODES_PER_FARMER, MAX_RENTALS_PER_RENTER, MAX_SLICES_PER_NODE, MAX_SLICES_PER_RENTAL,
  type Node, type NodeStatus, type Rental,
} from '../../pallets/slice-marketplace/types.ts';
import { SliceMarketplace } from '../../runtime/runtime.ts';
import type { RuntimeCallValue } from '../../frame/pallet.ts';
import { accountOf, type SigningPair } from '../signer.ts';
import type { PlannedCall, Rng, Workload, WorkloadContext } from './types.ts';
import { TOKEN } from '../../frame/units.ts';

const tx = SliceMarketplace.tx;
/** What a renter keeps free beyond the rentals it plans: fees for the block's calls. */
const FEE_MARGIN = 10n * TOKEN;

/** The head state as the planner sees it, and what the block's planned calls will change. */
interface View {
  block: number;
  nodes: Node[];
  rentals: Rental[];
  band: { min: bigint; max: bigint };
  free: Map<AccountId, bigint>;
  liveRentals: Map<AccountId, number>;
  farmedNodes: Map<AccountId, number>;
  /**
   * How the block's calls use each node: rentals and cancellations may share one ('shared'); any
   * other call has it to itself ('exclusive'), so that it meets the node as the head left it.
   */
  touched: Map<number, 'shared' | 'exclusive'>;
  /** Head-free slices planned rentals take, per node. */
  claimed: Map<number, Set<number>>;
  cancelled: Set<bigint>;
}

function readView({ chain, block }: WorkloadContext, accounts: readonly AccountId[]): View {
  return chain.read(() => {
    const nodes = [...Nodes.entries()].map(([, node]) => node).sort((a, b) => a.id - b.id);
    return {
      block,
      nodes,
      rentals: [...Rentals.entries()].map(([, rental]) => rental).sort((a, b) => (a.id < b.id ? -1 : 1)),
      band: PriceBand.get(),
      free: new Map(accounts.map((who) => [who, Account.get(who).data.free])),
      liveRentals: new Map(accounts.map((who) => [who, Renters.get(who).rentals])),
      farmedNodes: new Map(accounts.map((who) => [who, Farmers.get(who)?.nodes ?? 0])),
      touched: new Map(),
      claimed: new Map(),
      cancelled: new Set(),
    };
  });
}

type Planner = (ctx: WorkloadContext, view: View, pairs: readonly SigningPair[], profile: MarketplaceProfile) => PlannedCall[];

const call = (signer: SigningPair, runtimeCall: RuntimeCallValue, expect: PlannedCall['expect']): PlannedCall => ({ signer, call: runtimeCall, expect });
const pairOf = (pairs: readonly SigningPair[], who: AccountId) => pairs.find((pair) => accountOf(pair) === who);

/** A node no other call of the block touches, that `pick` accepts; taken for this call alone. */
function exclusiveNode(rng: Rng, view: View, pick: (node: Node) => boolean): Node | undefined {
  const nodes = view.nodes.filter((node) => !view.touched.has(node.id) && pick(node));
  if (nodes.length === 0) return undefined;
  const node = rng.pick(nodes);
  view.touched.set(node.id, 'exclusive');
  return node;
}

/** A node of a farmer among `pairs`, for a call of its farmer. */
function farmerNode(rng: Rng, view: View, pairs: readonly SigningPair[], pick: (node: Node) => boolean = () => true) {
  const node = exclusiveNode(rng, view, (n) => pairOf(pairs, n.farmer) !== undefined && pick(n));
  return node && { node, farmer: pairOf(pairs, node.farmer) as SigningPair };
}

/** Rentals still live when the block's calls run: the block's on_initialize expires those ending by then. */
const outlives = (view: View) => (rental: Rental): boolean => rental.end > view.block;

/** The planck cost of renting `count` slices of `node` for `months`, at the head's oracle price. */
const costOf = (ctx: WorkloadContext, node: Node, count: number, months: number): bigint =>
  ctx.chain.read(() => oraclePrice.usdToPlanck(rentalCostUsd(node.slice_price_per_hour, count, months), 'up'));

/** A renter that can afford `cost` and hold one more rental; its funds are counted as spent. */
function renterFor(rng: Rng, view: View, pairs: readonly SigningPair[], cost: bigint, except?: SigningPair) {
  const able = pairs.filter((pair) => pair !== except && (view.free.get(accountOf(pair)) ?? 0n) >= cost + FEE_MARGIN
    && (view.liveRentals.get(accountOf(pair)) ?? 0) < MAX_RENTALS_PER_RENTER);
  if (able.length === 0) return undefined;
  const renter = rng.pick(able);
  const who = accountOf(renter);
  view.free.set(who, (view.free.get(who) as bigint) - cost);
  view.liveRentals.set(who, (view.liveRentals.get(who) as number) + 1);
  return renter;
}

const claimedOn = (view: View, node: number): Set<number> => {
  const claimed = view.claimed.get(node) ?? new Set<number>();
  view.claimed.set(node, claimed);
  return claimed;
};

/**
 * A rentable node with unclaimed free slices that only rentals and cancellations touch in this
 * block, and those free slices. (A node that is not Down offers all its free slices.)
 */
function rentableNode({ rng, chain }: WorkloadContext, view: View): { node: Node; free: number[] } | undefined {
  const candidates = view.nodes.filter((node) => view.touched.get(node.id) !== 'exclusive' && node.status.type !== 'Down'
    && freeSlices(node) > (view.claimed.get(node.id)?.size ?? 0));
  if (candidates.length === 0) return undefined;
  const node = rng.pick(candidates);
  view.touched.set(node.id, 'shared');
  const claimed = claimedOn(view, node.id);
  const free = chain.read(() => nodeSlices(node.id)).filter(([id, s]) => s.type === 'Available' && !claimed.has(id)).map(([id]) => id);
  return { node, free };
}

const months = (rng: Rng) => 1 + rng.int(3);
/** Anywhere in the band, in steps of a thousandth of it. */
const inBand = (rng: Rng, view: View): bigint => view.band.min + ((view.band.max - view.band.min) * BigInt(rng.int(1000))) / 1000n;
/** 1-10% under the cheapest node's price, within the band. */
function undercut(rng: Rng, view: View): bigint {
  const cheapest = view.nodes.reduce((min, node) => (node.slice_price_per_hour < min ? node.slice_price_per_hour : min), view.band.max);
  const price = (cheapest * BigInt(90 + rng.int(10))) / 100n;
  return price < view.band.min ? view.band.min : price;
}
/** The node's slices in rentals that outlive the block's expiries. */
const liveSlices = (view: View, node: Node): number =>
  view.rentals.filter((rental) => rental.node === node.id && outlives(view)(rental)).reduce((n, rental) => n + rental.slices.length, 0);

const PLANNERS = {
  rentSlice: (ctx, view, pairs) => {
    const found = rentableNode(ctx, view);
    if (!found) return [];
    const slice = ctx.rng.pick(found.free);
    const duration = months(ctx.rng);
    const renter = renterFor(ctx.rng, view, pairs, costOf(ctx, found.node, 1, duration));
    if (!renter) return [];
    claimedOn(view, found.node.id).add(slice);
    return [call(renter, tx.rent_slice({ node: found.node.id, slice, duration_months: duration }), 'ok')];
  },
  /** Two users rent the same slice in one block: the first gets it, the second SliceNotAvailable. */
  conflictingRentals: (ctx, view, pairs) => {
    const found = rentableNode(ctx, view);
    if (!found) return [];
    const slice = ctx.rng.pick(found.free);
    const cost = costOf(ctx, found.node, 1, 1);
    const first = renterFor(ctx.rng, view, pairs, cost);
    const second = first && renterFor(ctx.rng, view, pairs, 0n, first);
    if (!first || !second) return [];
    // The loser holds nothing: give back what renterFor counted.
    view.liveRentals.set(accountOf(second), (view.liveRentals.get(accountOf(second)) as number) - 1);
    claimedOn(view, found.node.id).add(slice);
    const rent = tx.rent_slice({ node: found.node.id, slice, duration_months: 1 });
    return [call(first, rent, 'ok'), call(second, rent, 'fail')];
  },
  /** rent_slices for some of a node's free slices; afterwards nothing else rents there in this block. */
  rentSlices: (ctx, view, pairs, profile) => {
    const found = rentableNode(ctx, view);
    if (!found) return [];
    const count = 1 + ctx.rng.int(Math.min(found.free.length, profile.maxSlicesPerRental));
    const duration = months(ctx.rng);
    const renter = renterFor(ctx.rng, view, pairs, costOf(ctx, found.node, count, duration));
    if (!renter) return [];
    for (const slice of found.free) claimedOn(view, found.node.id).add(slice);
    return [call(renter, tx.rent_slices({ node: found.node.id, count, duration_months: duration }), 'ok')];
  },
  /** More slices than the node can have free, even after the block's expiries: all or nothing, so nothing. */
  rentTooMany: (ctx, view, pairs) => {
    const node = exclusiveNode(ctx.rng, view, () => true);
    if (!node) return [];
    const expiring = view.rentals.filter((rental) => rental.node === node.id && !outlives(view)(rental)).reduce((n, r) => n + r.slices.length, 0);
    const count = Math.min(freeSlices(node) + expiring + 1 + ctx.rng.int(3), MAX_SLICES_PER_RENTAL + 1);
    return [call(ctx.rng.pick(pairs), tx.rent_slices({ node: node.id, count, duration_months: 1 }), 'fail')];
  },
  rentFromDownNode: (ctx, view, pairs) => {
    const node = exclusiveNode(ctx.rng, view, (n) => n.status.type === 'Down');
    return node ? [call(ctx.rng.pick(pairs), tx.rent_slice({ node: node.id, slice: 0, duration_months: 1 }), 'fail')] : [];
  },
  /** A renter cancels a rental that the block's on_initialize does not expire first. */
  cancel: (ctx, view, pairs) => {
    const live = view.rentals.filter((rental) => outlives(view)(rental) && !view.cancelled.has(rental.id)
      && view.touched.get(rental.node) !== 'exclusive' && pairOf(pairs, rental.renter));
    if (live.length === 0) return [];
    const rental = ctx.rng.pick(live);
    view.cancelled.add(rental.id);
    view.touched.set(rental.node, 'shared');
    return [call(pairOf(pairs, rental.renter) as SigningPair, tx.cancel_rental({ rental: rental.id }), 'ok')];
  },
  cancelSomeoneElses: (ctx, view, pairs) => {
    const live = view.rentals.filter((rental) => outlives(view)(rental) && !view.cancelled.has(rental.id));
    if (live.length === 0) return [];
    const rental = ctx.rng.pick(live);
    const others = pairs.filter((pair) => accountOf(pair) !== rental.renter);
    return [call(ctx.rng.pick(others), tx.cancel_rental({ rental: rental.id }), 'fail')];
  },
  setPrice: (ctx, view, pairs, profile) => {
    const found = farmerNode(ctx.rng, view, pairs);
    if (!found) return [];
    const { node, farmer } = found;
    const outOfBand = ctx.rng.next() < 0.25;
    const price = outOfBand ? view.band.max + 1n : profile.farmerPricing === 'undercut' ? undercut(ctx.rng, view) : inBand(ctx.rng, view);
    return [call(farmer, tx.set_slice_price({ node: node.id, price_per_hour: price }), outOfBand || node.price_locked ? 'fail' : 'ok')];
  },
  togglePriceLock: (ctx, view, pairs) => {
    const found = farmerNode(ctx.rng, view, pairs);
    if (!found) return [];
    const { node, farmer } = found;
    return [call(farmer, node.price_locked ? tx.unlock_price({ node: node.id }) : tx.lock_price({ node: node.id }), 'ok')];
  },
  setStatus: (ctx, view, pairs, profile) => {
    const found = farmerNode(ctx.rng, view, pairs);
    if (!found) return [];
    const { node, farmer } = found;
    const others = (['Up', 'Down', 'Standby'] as const).filter((status) => status !== node.status.type);
    const { outageShare } = profile;
    const status: NodeStatus = { type: outageShare === null ? ctx.rng.pick(others)
      : node.status.type === 'Down' ? 'Up' // an outage ends
        : ctx.rng.next() < outageShare ? 'Down' : others.find((s) => s !== 'Down') as NodeStatus['type'] };
    return [call(farmer, tx.set_node_status({ node: node.id, status }), 'ok')];
  },
  /** Grow a node by a slice or two, or shrink a busy one below what stays rented. */
  updateCapacity: (ctx, view, pairs) => {
    const found = farmerNode(ctx.rng, view, pairs);
    if (!found) return [];
    const { node, farmer } = found;
    const staying = liveSlices(view, node);
    if (staying > 0 && ctx.rng.next() < 0.4) {
      return [call(farmer, tx.update_capacity({ node: node.id, capacity: { ...node.capacity, cpu_cores: staying - 1 } }), 'fail')];
    }
    const extra = 1 + ctx.rng.int(2);
    const capacity = { cpu_cores: node.capacity.cpu_cores + extra, memory_gb: node.capacity.memory_gb + 4 * extra, storage_gb: node.capacity.storage_gb + 200 * extra };
    return [call(farmer, tx.update_capacity({ node: node.id, capacity }), slicesIn(capacity) > MAX_SLICES_PER_NODE ? 'fail' : 'ok')];
  },
  collectIncome: (ctx, view, pairs) => {
    const found = farmerNode(ctx.rng, view, pairs, (node) => rentedSlices(node) > 0);
    return found ? [call(found.farmer, tx.collect_income({ node: found.node.id }), 'ok')] : [];
  },
  removeBusyNode: (ctx, view, pairs) => {
    const found = farmerNode(ctx.rng, view, pairs, (node) => liveSlices(view, node) > 0);
    return found ? [call(found.farmer, tx.remove_node({ node: found.node.id }), 'fail')] : [];
  },
  registerNode: (ctx, view, pairs) => {
    const farmers = pairs.filter((pair) => {
      const nodes = view.farmedNodes.get(accountOf(pair)) ?? 0;
      return nodes > 0 && nodes < MAX_NODES_PER_FARMER;
    });
    if (farmers.length === 0) return [];
    const farmer = ctx.rng.pick(farmers);
    view.farmedNodes.set(accountOf(farmer), (view.farmedNodes.get(accountOf(farmer)) as number) + 1);
    const cores = 4 * (1 + ctx.rng.int(8));
    return [call(farmer, tx.register_node({
      capacity: { cpu_cores: cores, memory_gb: 4 * cores, storage_gb: 250 * cores },
      location: { country: stringToU8a('Belgium'), city: stringToU8a('Ghent') },
      sla: { min_uptime: 990_000, min_bandwidth_mbps: 500 },
      certification: { type: 'Certified' },
    }), 'ok')];
  },
} satisfies Record<string, Planner>;

export type Scenario = keyof typeof PLANNERS;
/** The scenarios in the order their weights are laid out (which the seeded choice depends on). */
export const SCENARIOS: readonly Scenario[] = [
  'rentSlice', 'rentSlices', 'conflictingRentals', 'cancel', 'rentTooMany', 'rentFromDownNode', 'cancelSomeoneElses', 'setPrice',
  'togglePriceLock', 'setStatus', 'updateCapacity', 'collectIncome', 'removeBusyNode', 'registerNode',
];

/** `scenariosPerBlock` scenarios a block, drawn with the profile's weights. */
export function sliceMarketplaceWorkload(profile: MarketplaceProfile): Workload {
  const draws = SCENARIOS.flatMap((name) => Array<Scenario>(profile.mix[name]).fill(name));
  return {
    name: 'slice-marketplace',
    plan(ctx) {
      const view = readView(ctx, ctx.accounts.map(accountOf));
      const planners: Record<Scenario, Planner> = PLANNERS;
      return Array.from({ length: profile.scenariosPerBlock }, () => planners[ctx.rng.pick(draws)](ctx, view, ctx.accounts, profile)).flat();
    },
  };
}

/** This workload's section of a simulate profile (profiles.ts). */
export interface MarketplaceProfile {
  /** Scenarios planned per block (each is one call, or two for a conflicting rental). */
  scenariosPerBlock: number;
  /** How often each scenario comes up (whole numbers; 0 leaves it out). */
  mix: Record<Scenario, number>;
  /** The most slices one rent_slices asks for. */
  maxSlicesPerRental: number;
  /** `uniform`: anywhere in the price band; `undercut`: 1-10% under the cheapest node. */
  farmerPricing: 'uniform' | 'undercut';
  /**
   * Share of status changes that take a node Down (a Down node always comes back Up); null keeps
   * the plain choice among the other two statuses.
   */
  outageShare: number | null;
}
