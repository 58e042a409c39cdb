// Over 400 lines because it is one declaration: the calls with their bodies, the agenda hook,
// events, errors and constants (storage, genesis, API and billing live beside it).
// pallet_slice_marketplace: farmers register compute nodes; the chain cuts each node's free capacity
// into slices (1 vCPU, 4 GB RAM, 200 GB storage) and rents them atomically: a rental checks
// availability, holds its whole cost from the renter at the price locked at rental, and allocates
// its slices in one storage layer, so a slice is never rented twice and a node never over-allocated.
// The farmer earns the held cost block by block (nothing while the node is Down), settled lazily
// and exactly; a rental expires by itself at its end through a bounded per-block agenda.
import { stringToHex } from '@polkadot/util';
import { u32 } from '../../primitives/scale.ts';
import { AccountId32, Balance, BlockNumber, PERMILL, type AccountId, type Weight } from '../../primitives/types.ts';
import { DispatchErrors, U32_MAX, type PostDispatchInfo } from '../../frame/dispatch.ts';
import { SpecError } from '../../frame/genesis-json.ts';
import { call, constant, errors, events, genesisConfig, pallet } from '../../frame/pallet.ts';
import type { PalletBenchmarks } from '../../frame/benchmarking/index.ts';
import type { Currency, PriceOracle, ReserveId } from '../../frame/traits.ts';
import * as System from '../../frame/system/index.ts';
import { createRuntimeApi, sliceMarketplaceRuntimeApi } from './api.ts';
import {
  HOURS_PER_MONTH, covers, downBlocksAt, earnedAt, freeSlices, rentalCostUsd, rentedSlices, slicesCapacity, slicesIn,
} from './billing.ts';
import { MarketplaceGenesisConfig } from './genesis.ts';
import {
  SliceMarketplaceStorage,
  Agenda, AgendaCursor, BlocksPerMonth, FarmerNodes, Farmers, NextNodeId, NextRentalId, NodeRentals, Nodes, PriceBand,
  RenterRentals, Renters, Rentals, Slices, nodeRentals, nodeSlices,
} from './storage.ts';
import {
  Capacity, Certification, Location, MAX_AGENDA_BLOCKS_PER_BLOCK, MAX_EXPIRIES_PER_BLOCK, MAX_LOCATION_LEN,
  MAX_NODES_PER_FARMER, MAX_PAGE_SIZE, MAX_RENTALS_PER_RENTER, MAX_RENTAL_MONTHS, MAX_SLICES_PER_NODE,
  MAX_SLICES_PER_RENTAL, MicroUsd, NodeId, NodeStatus, RentalId, RentalSlices, SLICE, Sla, SliceId,
  type Capacity as CapacityValue, type Node as NodeValue, type NodeStatus as NodeStatusValue, type Rental as RentalValue,
  type SliceStatus as SliceStatusValue,
} from './types.ts';
import { SliceMarketplaceWeights as Weights } from './weights.ts';

export * from './storage.ts';

const PALLET = 'SliceMarketplace';

/** The named reserve holding renters' prepaid rent: "slicemkt". */
export const RESERVE_ID: ReserveId = stringToHex('slicemkt');

// ---- events and errors ---------------------------------------------------------------------------

export const SliceMarketplaceEvents = events(PALLET, {
  NodeRegistered: [0, { node: NodeId, farmer: AccountId32, slices: u32 }, 'A farmer registered a node offering `slices` slices.'],
  CapacityUpdated: [1, { node: NodeId, slices: u32, free: u32 }, 'A node\'s capacity changed: it now has `slices` slices, `free` of them free.'],
  SlicePriceSet: [2, { node: NodeId, price_per_hour: MicroUsd }, 'A node\'s slice price changed; live rentals keep theirs.'],
  PriceBandSet: [3, { min: MicroUsd, max: MicroUsd }, 'The platform price band changed.'],
  PriceLocked: [4, { node: NodeId }, 'A farmer locked a node\'s slice price.'],
  PriceUnlocked: [5, { node: NodeId }, 'A farmer unlocked a node\'s slice price.'],
  NodeStatusChanged: [6, { node: NodeId, status: NodeStatus }, 'A node went Up, Down or to Standby.'],
  NodeRemoved: [7, { node: NodeId }, 'A farmer removed a node.'],
  SlicesRented: [8, {
    rental: RentalId, node: NodeId, renter: AccountId32, slices: RentalSlices,
    price_per_hour: MicroUsd, cost: Balance, end: BlockNumber,
  }, 'Slices were rented until block `end`; `cost` (planck) is held from the renter.'],
  RentalCancelled: [9, { rental: RentalId, paid: Balance, refunded: Balance },
    'A renter cancelled: the farmer has been paid `paid` in all, the renter got `refunded` back.'],
  RentalExpired: [10, { rental: RentalId, paid: Balance, refunded: Balance },
    'A rental reached its end: the farmer has been paid `paid` in all, the renter got back `refunded` (rent not earned while the node was Down).'],
  IncomeCollected: [11, { node: NodeId, farmer: AccountId32, amount: Balance }, 'A farmer collected what a node\'s rentals had earned.'],
});

export const SliceMarketplaceErrors = errors(PALLET, {
  NodeNotFound: [0, 'No node with this id.'],
  NotNodeOwner: [1, 'Only the node\'s farmer may do this.'],
  TooManyNodes: [2, 'The farmer has the most nodes allowed (`MaxNodesPerFarmer`).'],
  CapacityTooLarge: [3, 'The capacity holds more slices than a node may offer (`MaxSlicesPerNode`).'],
  InvalidSla: [4, 'The SLA\'s minimum uptime is over 100%.'],
  CapacityBelowRented: [5, 'The capacity would not hold the slices rented now.'],
  PriceOutOfBand: [6, 'The price is outside the platform price band.'],
  InvalidPriceBand: [7, 'The band\'s minimum is zero or above its maximum.'],
  PriceLocked: [8, 'The node\'s price is locked.'],
  PriceNotLocked: [9, 'The node\'s price is not locked.'],
  NodeHasRentals: [10, 'The node still has live rentals.'],
  NodeDown: [11, 'The node is Down: its slices cannot be rented.'],
  SliceNotFound: [12, 'The node has no slice with this id.'],
  SliceNotAvailable: [13, 'The slice is rented or held off the market.'],
  NotEnoughSlices: [14, 'The node has fewer free slices than asked for.'],
  InvalidSliceCount: [15, 'A rental takes from 1 to `MaxSlicesPerRental` slices.'],
  InvalidDuration: [16, 'A rental lasts from 1 to `MaxRentalMonths` months.'],
  TooManyRentals: [17, 'The renter has the most live rentals allowed (`MaxRentalsPerRenter`).'],
  RentalNotFound: [18, 'No live rental with this id.'],
  NotRenter: [19, 'Only the renter may cancel a rental.'],
  ExpiriesPending: [20, 'More of the node\'s rentals are past their end than a call may expire (`MaxExpiriesPerBlock`): try again once the agenda has expired them.'],
  NodeIdTaken: [21, 'A node with this id is already registered (a grid node keeps its gridproxy nodeId).'],
});

// ---- the pallet ----------------------------------------------------------------------------------

export interface SliceMarketplaceConfig {
  /** Holds renters' prepaid rent (named reserve `RESERVE_ID`) and pays farmers from it. */
  currency: Currency;
  /** Converts micro-USD prices to planck at rental. */
  oracle: PriceOracle;
}

const now = (): number => System.Number.get();
const isDown = (status: NodeStatusValue): boolean => status.type === 'Down';
/** What a free slice of `node` is: on the market, or held off it while the node is Down. */
const freeStatus = (node: NodeValue): SliceStatusValue => (isDown(node.status) ? { type: 'Reserved' } : { type: 'Available' });
const isFree = (status: SliceStatusValue): boolean => status.type !== 'Allocated';

function ownedNode(who: AccountId, id: number): NodeValue {
  const node = Nodes.get(id);
  if (!node) throw SliceMarketplaceErrors.NodeNotFound;
  if (node.farmer !== who) throw SliceMarketplaceErrors.NotNodeOwner;
  return node;
}

function checkCapacity(capacity: CapacityValue): number {
  const slices = slicesIn(capacity);
  if (slices > MAX_SLICES_PER_NODE) throw SliceMarketplaceErrors.CapacityTooLarge;
  return slices;
}

/**
 * Grows or shrinks a node's slices to `target` without touching rented ones: new slices take the
 * lowest free ids, and the free slices with the highest ids go first.
 */
function resizeSlices(node: NodeValue, target: number): void {
  const slices = nodeSlices(node.id);
  if (target > slices.length) {
    const taken = new Set(slices.map(([id]) => id));
    for (let id = 0, added = 0; added < target - slices.length; id++) {
      if (taken.has(id)) continue;
      Slices.insert(node.id, id, freeStatus(node));
      added++;
    }
    return;
  }
  const removable = slices.filter(([, status]) => isFree(status)).map(([id]) => id).reverse();
  for (const id of removable.slice(0, slices.length - target)) Slices.remove(node.id, id);
}

interface NewNode {
  id: number;
  farmer: AccountId;
  capacity: CapacityValue;
  location: NodeValue['location'];
  certification: NodeValue['certification'];
  status: NodeStatusValue;
  sla: NodeValue['sla'];
  slicePricePerHour: bigint;
}

/** Records a node, its slices and its farmer; the farmer's first node takes a consumer reference on the account. */
function addNode(spec: NewNode): number {
  const slices = checkCapacity(spec.capacity);
  const farmer = Farmers.get(spec.farmer) ?? { nodes: 0, earned: 0n };
  if (farmer.nodes >= MAX_NODES_PER_FARMER) throw SliceMarketplaceErrors.TooManyNodes;
  // The farmer is paid from renters' reserves, possibly in a hook: the account must outlive its nodes.
  if (farmer.nodes === 0) System.incConsumers(spec.farmer);
  const node: NodeValue = {
    id: spec.id, farmer: spec.farmer, capacity: spec.capacity, used: slicesCapacity(0), location: spec.location,
    certification: spec.certification, status: spec.status, sla: spec.sla, slice_price_per_hour: spec.slicePricePerHour,
    price_locked: false, down_blocks: 0, down_since: isDown(spec.status) ? now() : undefined,
  };
  Nodes.insert(node.id, node);
  for (let id = 0; id < slices; id++) Slices.insert(node.id, id, freeStatus(node));
  FarmerNodes.insert(spec.farmer, node.id, undefined);
  Farmers.insert(spec.farmer, { ...farmer, nodes: farmer.nodes + 1 });
  return slices;
}

/** Registers a new node under `id` (NextNodeId moves past it), up and priced at the band's minimum. */
function registerNode(farmer: AccountId, id: number, node: Pick<NewNode, 'capacity' | 'location' | 'sla' | 'certification'>): void {
  if (node.sla.min_uptime > PERMILL) throw SliceMarketplaceErrors.InvalidSla;
  if (id >= NextNodeId.get()) {
    if (id === U32_MAX) throw DispatchErrors.Overflow; // no id after the last u32
    NextNodeId.put(id + 1);
  }
  const slices = addNode({ ...node, id, farmer, status: { type: 'Up' }, slicePricePerHour: PriceBand.get().min });
  SliceMarketplaceEvents.deposit({ type: 'NodeRegistered', value: { node: id, farmer, slices } });
}

export function createSliceMarketplace(config: SliceMarketplaceConfig) {
  const { currency, oracle } = config;
  const api = createRuntimeApi(oracle);

  /** Pays the farmer what the rental has earned by block `at` and not yet been paid: the rental after it, and what was paid. */
  function settle(rental: RentalValue, node: NodeValue, at: number): { settled: RentalValue; paid: bigint } {
    const due = earnedAt(rental, node, at) - rental.paid_so_far;
    if (due === 0n) return { settled: rental, paid: 0n };
    const paid = currency.repatriateReserved(RESERVE_ID, rental.renter, node.farmer, due);
    Farmers.mutate(node.farmer, (info) => info && { ...info, earned: info.earned + paid });
    Renters.mutate(rental.renter, (info) => ({ ...info, spent: info.spent + paid }));
    return { settled: { ...rental, paid_so_far: rental.paid_so_far + paid }, paid };
  }

  /** Ends a rental at block min(now, end): settles, refunds the rest, frees its slices. Returns [paid in all, refunded]. */
  function finish(rental: RentalValue): [bigint, bigint] {
    const node = Nodes.get(rental.node) as NodeValue;
    const { paid_so_far: paid } = settle(rental, node, Math.min(now(), rental.end)).settled;
    const refunded = currency.unreserve(RESERVE_ID, rental.renter, rental.cost - paid);
    for (const id of rental.slices) Slices.insert(node.id, id, freeStatus(node));
    Nodes.insert(node.id, { ...node, used: slicesCapacity(rentedSlices(node) - rental.slices.length) });
    Rentals.remove(rental.id);
    NodeRentals.remove(node.id, rental.id);
    RenterRentals.remove(rental.renter, rental.id);
    Agenda.remove(rental.end, rental.id);
    Renters.mutate(rental.renter, (info) => ({ ...info, rentals: info.rentals - 1 }));
    return [paid, refunded];
  }

  function expire(rental: RentalValue): void {
    const [paid, refunded] = finish(rental);
    SliceMarketplaceEvents.deposit({ type: 'RentalExpired', value: { rental: rental.id, paid, refunded } });
  }

  /** Holds the cost and allocates `slices` of `node` to a new rental of `months` months. */
  function rent(renter: AccountId, node: NodeValue, slices: number[], months: number): void {
    const info = Renters.get(renter);
    if (info.rentals >= MAX_RENTALS_PER_RENTER) throw SliceMarketplaceErrors.TooManyRentals;
    const price = node.slice_price_per_hour;
    // Rounded up: the renter never pays less than the USD price.
    const cost = oracle.usdToPlanck(rentalCostUsd(price, slices.length, months), 'up');
    currency.reserve(RESERVE_ID, renter, cost);
    const id = NextRentalId.get();
    NextRentalId.put(id + 1n);
    const start = now();
    const rental: RentalValue = {
      id, node: node.id, slices, renter, start, end: start + months * BlocksPerMonth.get(), price_per_hour: price,
      cost, paid_so_far: 0n, down_blocks_at_start: downBlocksAt(node, start),
    };
    for (const slice of slices) Slices.insert(node.id, slice, { type: 'Allocated', value: id });
    Nodes.insert(node.id, { ...node, used: slicesCapacity(rentedSlices(node) + slices.length) });
    Rentals.insert(id, rental);
    NodeRentals.insert(node.id, id, undefined);
    RenterRentals.insert(renter, id, undefined);
    Agenda.insert(rental.end, id, undefined);
    Renters.insert(renter, { ...info, rentals: info.rentals + 1 });
    SliceMarketplaceEvents.deposit({ type: 'SlicesRented', value: {
      rental: id, node: node.id, renter, slices, price_per_hour: price, cost, end: rental.end,
    } });
  }

  function rentableNode(id: number, months: number): NodeValue {
    if (months < 1 || months > MAX_RENTAL_MONTHS) throw SliceMarketplaceErrors.InvalidDuration;
    const node = Nodes.get(id);
    if (!node) throw SliceMarketplaceErrors.NodeNotFound;
    if (isDown(node.status)) throw SliceMarketplaceErrors.NodeDown;
    return node;
  }

  /**
   * Expires the node's rentals whose end has passed but that the agenda has not reached yet (it
   * carries over what a block cannot take). Returns how many, and the slices they freed.
   */
  function expireDue(node: number): { expired: number; freed: number } {
    const due = nodeRentals(node).filter((rental) => rental.end <= now());
    if (due.length > MAX_EXPIRIES_PER_BLOCK) throw SliceMarketplaceErrors.ExpiriesPending;
    for (const rental of due) expire(rental);
    return { expired: due.length, freed: due.reduce((n, rental) => n + rental.slices.length, 0) };
  }

  /** Expires the agenda's due rentals, at most MaxExpiriesPerBlock, from the cursor on; the rest carry over. */
  function processAgenda(block: number): Weight {
    let cursor = AgendaCursor.get();
    let looked = 0;
    let expired = 0;
    let freed = 0;
    while (cursor <= block && looked < MAX_AGENDA_BLOCKS_PER_BLOCK && expired < MAX_EXPIRIES_PER_BLOCK) {
      looked++;
      const { entries, next } = Agenda.page(MAX_EXPIRIES_PER_BLOCK - expired, { prefix: [cursor] });
      for (const [[, id]] of entries) {
        const rental = Rentals.get(id) as RentalValue;
        expire(rental);
        expired++;
        freed += rental.slices.length;
      }
      // A full page may have left entries in this block's agenda: look again next block.
      if (next !== undefined) break;
      cursor++;
    }
    AgendaCursor.put(cursor);
    // k, the slices per expired rental, counts only with expiries (its slope was measured at the most of them).
    return Weights.onInitialize(looked, expired, expired === 0 ? 0 : Math.ceil(freed / expired));
  }

  const marketplace = pallet({
    name: PALLET,
    docs: 'Compute slices of farmers\' nodes, rented atomically and billed per block.',
    storage: SliceMarketplaceStorage,
    calls: {
      register_node: call({
        index: 0, origin: 'signed', args: { capacity: Capacity, location: Location, sla: Sla, certification: Certification },
        weight: ({ capacity }) => Weights.registerNode(Math.min(slicesIn(capacity), MAX_SLICES_PER_NODE)),
        docs: 'Register a node with its capacity; the chain cuts it into slices, priced at the band\'s minimum until the farmer sets a price.',
        dispatch: (farmer, { capacity, location, sla, certification }) => registerNode(farmer, NextNodeId.get(), { capacity, location, sla, certification }),
      }),
      update_capacity: call({
        index: 1, origin: 'signed', args: { node: NodeId, capacity: Capacity }, weight: Weights.updateCapacity,
        docs: 'Change a node\'s capacity; never below what its rented slices use. Free slices are added or removed to match.',
        dispatch: (who, { node: id, capacity }) => {
          const node = ownedNode(who, id);
          if (!covers(capacity, node.used)) throw SliceMarketplaceErrors.CapacityBelowRented;
          const slices = checkCapacity(capacity);
          const updated = { ...node, capacity };
          resizeSlices(updated, slices);
          Nodes.insert(id, updated);
          SliceMarketplaceEvents.deposit({ type: 'CapacityUpdated', value: { node: id, slices, free: freeSlices(updated) } });
        },
      }),
      set_slice_price: call({
        index: 2, origin: 'signed', args: { node: NodeId, price_per_hour: MicroUsd }, weight: Weights.setSlicePrice,
        docs: 'Set the price per slice per hour (micro-USD), within the platform band. Live rentals keep the price they were rented at.',
        dispatch: (who, { node: id, price_per_hour }) => {
          const node = ownedNode(who, id);
          if (node.price_locked) throw SliceMarketplaceErrors.PriceLocked;
          const band = PriceBand.get();
          if (price_per_hour < band.min || price_per_hour > band.max) throw SliceMarketplaceErrors.PriceOutOfBand;
          Nodes.insert(id, { ...node, slice_price_per_hour: price_per_hour });
          SliceMarketplaceEvents.deposit({ type: 'SlicePriceSet', value: { node: id, price_per_hour } });
        },
      }),
      set_price_band: call({
        index: 3, origin: 'root', args: { min: MicroUsd, max: MicroUsd }, weight: Weights.setPriceBand,
        docs: 'Set the platform price band. Prices already set stay as they are until their farmer changes them.',
        dispatch: ({ min, max }) => {
          if (min === 0n || min > max) throw SliceMarketplaceErrors.InvalidPriceBand;
          PriceBand.put({ min, max });
          SliceMarketplaceEvents.deposit({ type: 'PriceBandSet', value: { min, max } });
        },
      }),
      lock_price: call({
        index: 4, origin: 'signed', args: { node: NodeId }, weight: Weights.lockPrice,
        docs: 'Lock the node\'s slice price: it cannot change until unlocked.',
        dispatch: (who, { node: id }) => {
          const node = ownedNode(who, id);
          if (node.price_locked) throw SliceMarketplaceErrors.PriceLocked;
          Nodes.insert(id, { ...node, price_locked: true });
          SliceMarketplaceEvents.deposit({ type: 'PriceLocked', value: { node: id } });
        },
      }),
      unlock_price: call({
        index: 5, origin: 'signed', args: { node: NodeId }, weight: Weights.unlockPrice,
        docs: 'Unlock the node\'s slice price.',
        dispatch: (who, { node: id }) => {
          const node = ownedNode(who, id);
          if (!node.price_locked) throw SliceMarketplaceErrors.PriceNotLocked;
          Nodes.insert(id, { ...node, price_locked: false });
          SliceMarketplaceEvents.deposit({ type: 'PriceUnlocked', value: { node: id } });
        },
      }),
      set_node_status: call({
        index: 6, origin: 'signed', args: { node: NodeId, status: NodeStatus }, weight: () => Weights.setNodeStatus(MAX_EXPIRIES_PER_BLOCK, MAX_SLICES_PER_NODE),
        docs: 'Mark a node Up, Down or Standby. While it is Down its rentals earn nothing and its free slices are off the market.',
        dispatch: (who, { node: id, status }): PostDispatchInfo => {
          ownedNode(who, id);
          // Rentals past their end are settled under the status they ended with.
          const { expired, freed } = expireDue(id);
          const node = Nodes.get(id) as NodeValue;
          let flipped = 0;
          if (node.status.type !== status.type) {
            const block = now();
            const downtime = isDown(status)
              ? { down_blocks: node.down_blocks, down_since: block }
              : { down_blocks: node.down_blocks + (node.down_since === undefined ? 0 : block - node.down_since), down_since: undefined };
            const updated: NodeValue = { ...node, status, ...downtime };
            Nodes.insert(id, updated);
            if (isDown(node.status) !== isDown(status)) {
              for (const [slice, current] of nodeSlices(id)) {
                if (!isFree(current)) continue;
                Slices.insert(id, slice, freeStatus(updated));
                flipped++;
              }
            }
            SliceMarketplaceEvents.deposit({ type: 'NodeStatusChanged', value: { node: id, status } });
          }
          return { actualWeight: Weights.setNodeStatus(expired, Math.max(freed, flipped)) };
        },
      }),
      remove_node: call({
        index: 7, origin: 'signed', args: { node: NodeId }, weight: Weights.removeNode,
        docs: 'Remove a node that has no live rentals.',
        dispatch: (who, { node: id }) => {
          const node = ownedNode(who, id);
          if (rentedSlices(node) > 0) throw SliceMarketplaceErrors.NodeHasRentals;
          Slices.clear({ prefix: [id] });
          Nodes.remove(id);
          FarmerNodes.remove(who, id);
          const farmer = Farmers.get(who) as { nodes: number; earned: bigint };
          Farmers.insert(who, { ...farmer, nodes: farmer.nodes - 1 });
          if (farmer.nodes === 1) System.decConsumers(who);
          SliceMarketplaceEvents.deposit({ type: 'NodeRemoved', value: { node: id } });
        },
      }),
      rent_slice: call({
        index: 8, origin: 'signed', args: { node: NodeId, slice: SliceId, duration_months: u32 }, weight: Weights.rentSlice,
        docs: 'Rent one named slice for `duration_months` months: its whole cost is held now, at the node\'s current price.',
        dispatch: (renter, { node: id, slice, duration_months }) => {
          const node = rentableNode(id, duration_months);
          const status = Slices.get(id, slice);
          if (status === undefined) throw SliceMarketplaceErrors.SliceNotFound;
          if (status.type !== 'Available') throw SliceMarketplaceErrors.SliceNotAvailable;
          rent(renter, node, [slice], duration_months);
        },
      }),
      rent_slices: call({
        index: 9, origin: 'signed', args: { node: NodeId, count: u32, duration_months: u32 },
        weight: ({ count }) => Weights.rentSlices(Math.min(count, MAX_SLICES_PER_RENTAL)),
        docs: 'Rent `count` free slices of a node for `duration_months` months, all or nothing.',
        dispatch: (renter, { node: id, count, duration_months }) => {
          if (count < 1 || count > MAX_SLICES_PER_RENTAL) throw SliceMarketplaceErrors.InvalidSliceCount;
          const node = rentableNode(id, duration_months);
          const available = nodeSlices(id).filter(([, status]) => status.type === 'Available').map(([slice]) => slice);
          if (available.length < count) throw SliceMarketplaceErrors.NotEnoughSlices;
          rent(renter, node, available.slice(0, count), duration_months);
        },
      }),
      cancel_rental: call({
        index: 10, origin: 'signed', args: { rental: RentalId }, weight: () => Weights.cancelRental(MAX_SLICES_PER_RENTAL),
        docs: 'Cancel a rental: the farmer is paid what it has earned, the rest of the held cost is refunded and the slices freed.',
        dispatch: (who, { rental: id }): PostDispatchInfo => {
          const rental = Rentals.get(id);
          if (!rental) throw SliceMarketplaceErrors.RentalNotFound;
          if (rental.renter !== who) throw SliceMarketplaceErrors.NotRenter;
          const [paid, refunded] = finish(rental);
          SliceMarketplaceEvents.deposit({ type: 'RentalCancelled', value: { rental: id, paid, refunded } });
          return { actualWeight: Weights.cancelRental(rental.slices.length) };
        },
      }),
      register_grid_node: call({
        index: 12, origin: 'signed', args: { node: NodeId, capacity: Capacity, location: Location, sla: Sla, certification: Certification },
        weight: ({ capacity }) => Weights.registerGridNode(Math.min(slicesIn(capacity), MAX_SLICES_PER_NODE)),
        docs: [
          'Register a ThreeFold grid node under its gridproxy nodeId, as the genesis import does, so that the grid and the',
          'chain name it alike (`slicechain grid-nodes` submits it from a saved gridproxy /nodes answer). Refused when the id',
          'is taken; later register_node ids come after it.',
        ],
        dispatch: (farmer, { node, capacity, location, sla, certification }) => {
          if (Nodes.contains(node)) throw SliceMarketplaceErrors.NodeIdTaken;
          registerNode(farmer, node, { capacity, location, sla, certification });
        },
      }),
      collect_income: call({
        index: 11, origin: 'signed', args: { node: NodeId }, weight: () => Weights.collectIncome(MAX_SLICES_PER_NODE),
        docs: 'Collect what the node\'s live rentals have earned so far.',
        dispatch: (who, { node: id }): PostDispatchInfo => {
          const node = ownedNode(who, id);
          const rentals = nodeRentals(id);
          let amount = 0n;
          for (const rental of rentals) {
            const { settled, paid } = settle(rental, node, now());
            amount += paid;
            Rentals.insert(rental.id, settled);
          }
          SliceMarketplaceEvents.deposit({ type: 'IncomeCollected', value: { node: id, farmer: who, amount } });
          return { actualWeight: Weights.collectIncome(rentals.length) };
        },
      }),
    },
    events: SliceMarketplaceEvents,
    errors: SliceMarketplaceErrors,
    constants: {
      SliceCpuCores: constant(u32, SLICE.cpu_cores, 'vCPUs in a slice.'),
      SliceMemoryGb: constant(u32, SLICE.memory_gb, 'GB of RAM in a slice.'),
      SliceStorageGb: constant(u32, SLICE.storage_gb, 'GB of storage in a slice.'),
      HoursPerMonth: constant(u32, HOURS_PER_MONTH, 'Hours in a rental month (30 days): monthly cost = price per hour * 24 * 30.'),
      MaxSlicesPerNode: constant(u32, MAX_SLICES_PER_NODE, 'The most slices one node may offer.'),
      MaxSlicesPerRental: constant(u32, MAX_SLICES_PER_RENTAL, 'The most slices one rental may take.'),
      MaxNodesPerFarmer: constant(u32, MAX_NODES_PER_FARMER, 'The most nodes one farmer may register.'),
      MaxRentalsPerRenter: constant(u32, MAX_RENTALS_PER_RENTER, 'The most live rentals one account may hold.'),
      MaxRentalMonths: constant(u32, MAX_RENTAL_MONTHS, 'The longest rental, in months.'),
      MaxLocationLen: constant(u32, MAX_LOCATION_LEN, 'Bytes of a country or city name.'),
      MaxExpiriesPerBlock: constant(u32, MAX_EXPIRIES_PER_BLOCK, 'Rentals expired per block; the rest carry over to the next.'),
      MaxAgendaBlocksPerBlock: constant(u32, MAX_AGENDA_BLOCKS_PER_BLOCK, 'Agenda blocks looked at per block while catching up.'),
      MaxPageSize: constant(u32, MAX_PAGE_SIZE, 'The largest page `list_slices` returns.'),
    },
    hooks: { onInitialize: processAgenda },
    apis: () => [sliceMarketplaceRuntimeApi(api)],
    benchmarks: async (self): Promise<PalletBenchmarks> => (await import('./benchmarks.ts')).sliceMarketplaceBenchmarks(self, config),
    genesis: genesisConfig(MarketplaceGenesisConfig, ({ priceBand, blocksPerMonth, nodes }) => {
      PriceBand.put(priceBand);
      BlocksPerMonth.put(blocksPerMonth);
      for (const node of nodes) {
        if (!System.accountExists(node.farmer)) throw new SpecError(node.farmerField, `account ${node.farmer} does not exist at genesis: give it a balance`);
        addNode({ ...node });
      }
      NextNodeId.put(nodes.reduce((next, node) => Math.max(next, node.id + 1), 0));
    }),
  });
  return { ...marketplace, api };
}
