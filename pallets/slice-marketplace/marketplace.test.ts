// Over 400 lines: the pallet's behaviour tests, one describe per call group.
// SliceMarketplace on the real runtime, through signed extrinsics on the dev chain: every call's
// success and each of its errors (a failed call changes nothing but its signer's fee and nonce),
// atomic single and multi-slice rentals, billing net of downtime, cancellation and expiry.
import type { SigningPair } from '../../node/signer.ts';
import type { RuntimeCallValue } from '../../frame/pallet.ts';
import { Sudo, SliceMarketplace } from '../../runtime/runtime.ts';
import { MarketChain, TOKEN_PRICE, devSpecWith, gridNode, id, marketEvents, text } from '../../tests/marketplace-chain.ts';
import { TOKEN } from '../../frame/units.ts';
import { Account } from '../../frame/system/index.ts';
import { eventsOf, expectOnlyFeeAndNonce, feePaid } from '../../tests/support.ts';
import { SliceMarketplaceEvents } from './index.ts';
import {
  Agenda, FarmerNodes, Farmers, NextNodeId, NodeRentals, Nodes, PriceBand, RenterRentals, Rentals, Slices, nodeSlices,
} from './storage.ts';
import type { Capacity, Rental, SliceStatus } from './types.ts';

const tx = SliceMarketplace.tx;
const PRICE = 40_000n; // micro-USD per slice-hour
const MONTH = 10; // blocks in a rental month on these test chains
/** The planck cost of `slices` slices for `months` months at `price`: USD * 10^12 / token price, rounded up. */
const costOf = (slices: number, months: number, price = PRICE): bigint => {
  const scaled = price * BigInt(slices * months * 720) * TOKEN;
  return scaled / TOKEN_PRICE + (scaled % TOKEN_PRICE === 0n ? 0n : 1n);
};

const world = (overrides: Record<string, unknown> = {}) => ({
  priceBand: { min: 1_000, max: 2_000_000 },
  blocksPerMonth: MONTH,
  slicePrice: Number(PRICE),
  farms: { 1: '5FLSigC9HGRKVhB9FiEo4Y3koPsNmBmLJbpXg2mp1hXcS59Y', 2: '5DAAnrj7VHTznn2AWBemMuyBwZWs6FNFjdyVXUeYum3PTXFy' },
  gridNodes: [
    gridNode(1, 1, [32, 128, 2000]), // Charlie's: 10 slices
    gridNode(2, 1, [8, 32, 1000], { country: 'Austria', city: 'Vienna' }), // Charlie's: 5 slices
    gridNode(3, 2, [4, 16, 512], { status: 'down' }), // Dave's: 2 slices, Down
  ],
  ...overrides,
});

let chain: MarketChain;
let alice: SigningPair, bob: SigningPair, charlie: SigningPair, dave: SigningPair;

beforeEach(() => {
  chain = new MarketChain(devSpecWith(world()));
  ({ alice, bob, charlie, dave } = chain.accounts);
});

const node = (nodeId: number) => chain.query(() => Nodes.get(nodeId));
const slices = (nodeId: number) => chain.query(() => nodeSlices(nodeId));
const rental = (rentalId: bigint) => chain.query(() => Rentals.get(rentalId));
/** A node's slices in id order: '-' available, 'R' reserved (off the market), '#n' allocated to rental n. */
const statuses = (nodeId: number) => slices(nodeId).map(([, s]) => (s.type === 'Allocated' ? `#${s.value}` : s.type === 'Reserved' ? 'R' : '-'));
const capacity = (cpu_cores: number, memory_gb: number, storage_gb: number): Capacity => ({ cpu_cores, memory_gb, storage_gb });
const location = { country: text('Belgium'), city: text('Ghent') };
const sla = { min_uptime: 990_000, min_bandwidth_mbps: 500 };

/** Submits a call expected to fail with `error`, and checks it changed nothing but fee and nonce. */
function expectFailure(signer: SigningPair, call: RuntimeCallValue, error: string): void {
  const report = chain.one(signer, call);
  expect(report.error).toBe(error);
  expectOnlyFeeAndNonce(chain, id(signer), report.events);
}

describe('nodes', () => {
  it('register_node cuts the capacity into slices: 32 cores, 128 GB, 2000 GB give 10', () => {
    const report = chain.one(dave, tx.register_node({ capacity: capacity(32, 128, 2000), location, sla, certification: { type: 'Certified' } }));
    expect(report.error).toBeUndefined();
    expect(marketEvents(report.events)).toEqual([{ type: 'NodeRegistered', value: { node: 4, farmer: id(dave), slices: 10 } }]);
    expect(node(4)).toEqual({
      id: 4, farmer: id(dave), capacity: capacity(32, 128, 2000), used: capacity(0, 0, 0), location, certification: { type: 'Certified' },
      status: { type: 'Up' }, sla, slice_price_per_hour: 1_000n, price_locked: false, down_blocks: 0, down_since: undefined,
    });
    expect(statuses(4)).toEqual(Array(10).fill('-'));
    expect(chain.query(() => [NextNodeId.get(), FarmerNodes.contains(id(dave), 4), Farmers.get(id(dave))])).toEqual([5, true, { nodes: 2, earned: 0n }]);
  });

  it('register_grid_node keeps the gridproxy nodeId, refuses an id in use, and later register_node ids come after it', () => {
    const grid = (nodeId: number) => tx.register_grid_node({ node: nodeId, capacity: capacity(8, 32, 1000), location, sla, certification: { type: 'Diy' } });
    const report = chain.one(dave, grid(4711));
    expect(marketEvents(report.events)).toEqual([{ type: 'NodeRegistered', value: { node: 4711, farmer: id(dave), slices: 5 } }]);
    expect(node(4711)).toMatchObject({ id: 4711, farmer: id(dave), capacity: capacity(8, 32, 1000) });
    expectFailure(charlie, grid(4711), 'SliceMarketplace.NodeIdTaken');
    expectFailure(charlie, grid(1), 'SliceMarketplace.NodeIdTaken'); // a genesis node's id
    const next = chain.one(dave, tx.register_node({ capacity: capacity(4, 16, 400), location, sla, certification: { type: 'Diy' } }));
    expect(marketEvents(next.events)).toMatchObject([{ type: 'NodeRegistered', value: { node: 4712 } }]);
    expect(chain.one(dave, grid(100)).error).toBeUndefined(); // below NextNodeId and free: taken as it is
    expect(chain.query(() => NextNodeId.get())).toBe(4713);
  });

  it('register_node refuses an SLA over 100% and a node of more than MaxSlicesPerNode slices', () => {
    expectFailure(dave, tx.register_node({ capacity: capacity(4, 16, 400), location, sla: { ...sla, min_uptime: 1_000_001 }, certification: { type: 'Diy' } }),
      'SliceMarketplace.InvalidSla');
    expectFailure(dave, tx.register_node({ capacity: capacity(300, 1200, 60_000), location, sla, certification: { type: 'Diy' } }),
      'SliceMarketplace.CapacityTooLarge');
  });

  it('register_node refuses a farmer with MaxNodesPerFarmer nodes', () => {
    chain = new MarketChain(devSpecWith(world({ gridNodes: Array.from({ length: 128 }, (_, i) => gridNode(i + 1, 2, [1, 4, 200])) })));
    expectFailure(chain.accounts.dave, tx.register_node({ capacity: capacity(1, 4, 200), location, sla, certification: { type: 'Diy' } }),
      'SliceMarketplace.TooManyNodes');
  });

  it('the farmer\'s first node makes the account a consumer, so it cannot be reaped while it may be paid', () => {
    const ferdie = chain.accounts.ferdie;
    const consumers = () => chain.query(() => Account.get(id(ferdie)).consumers);
    expect(consumers()).toBe(0);
    chain.one(ferdie, tx.register_node({ capacity: capacity(4, 16, 400), location, sla, certification: { type: 'Diy' } }));
    chain.one(ferdie, tx.register_node({ capacity: capacity(4, 16, 400), location, sla, certification: { type: 'Diy' } }));
    expect(consumers()).toBe(1);
    chain.one(ferdie, tx.remove_node({ node: 4 }));
    expect(consumers()).toBe(1);
    chain.one(ferdie, tx.remove_node({ node: 5 }));
    expect(consumers()).toBe(0);
  });

  it('update_capacity adds slices at the lowest free ids and removes the highest free ones, never a rented one', () => {
    chain.submit(alice, tx.rent_slice({ node: 1, slice: 9, duration_months: 1 }));
    chain.submit(alice, tx.rent_slice({ node: 1, slice: 2, duration_months: 1 }));
    chain.newBlock();
    let report = chain.one(charlie, tx.update_capacity({ node: 1, capacity: capacity(32, 128, 1000) }));
    expect(marketEvents(report.events)).toEqual([{ type: 'CapacityUpdated', value: { node: 1, slices: 5, free: 3 } }]);
    expect(slices(1).map(([sliceId]) => sliceId)).toEqual([0, 1, 2, 3, 9]);
    expect(statuses(1)).toEqual(['-', '-', '#1', '-', '#0']);
    report = chain.one(charlie, tx.update_capacity({ node: 1, capacity: capacity(32, 128, 1600) }));
    expect(marketEvents(report.events)).toEqual([{ type: 'CapacityUpdated', value: { node: 1, slices: 8, free: 6 } }]);
    expect(slices(1).map(([sliceId]) => sliceId)).toEqual([0, 1, 2, 3, 4, 5, 6, 9]);
    expect(node(1)!.used).toEqual(capacity(2, 8, 400));
  });

  it('update_capacity refuses a stranger, an unknown node, less than the rented slices use, and too many slices', () => {
    chain.one(alice, tx.rent_slices({ node: 2, count: 3, duration_months: 1 }));
    expectFailure(dave, tx.update_capacity({ node: 2, capacity: capacity(8, 32, 1000) }), 'SliceMarketplace.NotNodeOwner');
    expectFailure(charlie, tx.update_capacity({ node: 99, capacity: capacity(8, 32, 1000) }), 'SliceMarketplace.NodeNotFound');
    expectFailure(charlie, tx.update_capacity({ node: 2, capacity: capacity(8, 11, 1000) }), 'SliceMarketplace.CapacityBelowRented');
    expectFailure(charlie, tx.update_capacity({ node: 2, capacity: capacity(2, 32, 1000) }), 'SliceMarketplace.CapacityBelowRented');
    expectFailure(charlie, tx.update_capacity({ node: 2, capacity: capacity(300, 1200, 60_000) }), 'SliceMarketplace.CapacityTooLarge');
  });

  it('set_slice_price takes a price in the band; lock_price freezes it until unlock_price', () => {
    let report = chain.one(charlie, tx.set_slice_price({ node: 1, price_per_hour: 55_000n }));
    expect(marketEvents(report.events)).toEqual([{ type: 'SlicePriceSet', value: { node: 1, price_per_hour: 55_000n } }]);
    expect(node(1)!.slice_price_per_hour).toBe(55_000n);
    expectFailure(charlie, tx.set_slice_price({ node: 1, price_per_hour: 999n }), 'SliceMarketplace.PriceOutOfBand');
    expectFailure(charlie, tx.set_slice_price({ node: 1, price_per_hour: 2_000_001n }), 'SliceMarketplace.PriceOutOfBand');
    expectFailure(dave, tx.set_slice_price({ node: 1, price_per_hour: 50_000n }), 'SliceMarketplace.NotNodeOwner');
    expectFailure(charlie, tx.unlock_price({ node: 1 }), 'SliceMarketplace.PriceNotLocked');
    report = chain.one(charlie, tx.lock_price({ node: 1 }));
    expect(marketEvents(report.events)).toEqual([{ type: 'PriceLocked', value: { node: 1 } }]);
    expectFailure(charlie, tx.set_slice_price({ node: 1, price_per_hour: 50_000n }), 'SliceMarketplace.PriceLocked');
    expectFailure(charlie, tx.lock_price({ node: 1 }), 'SliceMarketplace.PriceLocked');
    expectFailure(dave, tx.lock_price({ node: 1 }), 'SliceMarketplace.NotNodeOwner');
    report = chain.one(charlie, tx.unlock_price({ node: 1 }));
    expect(marketEvents(report.events)).toEqual([{ type: 'PriceUnlocked', value: { node: 1 } }]);
    expect(chain.one(charlie, tx.set_slice_price({ node: 1, price_per_hour: 50_000n })).error).toBeUndefined();
  });

  it('set_price_band is Root\'s: through sudo it applies, signed it is a bad origin', () => {
    let report = chain.one(alice, Sudo.tx.sudo({ call: tx.set_price_band({ min: 5_000n, max: 90_000n }) }));
    expect(marketEvents(report.events)).toEqual([{ type: 'PriceBandSet', value: { min: 5_000n, max: 90_000n } }]);
    expectFailure(charlie, tx.set_slice_price({ node: 1, price_per_hour: 95_000n }), 'SliceMarketplace.PriceOutOfBand');
    report = chain.one(alice, Sudo.tx.sudo({ call: tx.set_price_band({ min: 7n, max: 6n }) }));
    expect(report.events.find((e) => e.type === 'Sudo')!.value).toEqual({ type: 'Sudid', value: { sudo_result: {
      success: false, value: { type: 'Module', value: { index: 11, error: '0x07000000' } } } } });
    report = chain.one(alice, Sudo.tx.sudo({ call: tx.set_price_band({ min: 0n, max: 6n }) }));
    expect(report.events.find((e) => e.type === 'Sudo')!.value).toMatchObject({ value: { sudo_result: { success: false } } });
    expect(chain.query(() => PriceBand.get())).toEqual({ min: 5_000n, max: 90_000n });
    expectFailure(bob, tx.set_price_band({ min: 1n, max: 2n }), 'BadOrigin');
  });

  it('remove_node deletes a node without rentals and all its slices; one with rentals stays', () => {
    chain.one(alice, tx.rent_slice({ node: 2, slice: 0, duration_months: 1 }));
    expectFailure(charlie, tx.remove_node({ node: 2 }), 'SliceMarketplace.NodeHasRentals');
    expectFailure(dave, tx.remove_node({ node: 1 }), 'SliceMarketplace.NotNodeOwner');
    const report = chain.one(charlie, tx.remove_node({ node: 1 }));
    expect(marketEvents(report.events)).toEqual([{ type: 'NodeRemoved', value: { node: 1 } }]);
    expect(node(1)).toBeUndefined();
    expect(slices(1)).toEqual([]);
    expect(chain.query(() => [FarmerNodes.contains(id(charlie), 1), Farmers.get(id(charlie))!.nodes])).toEqual([false, 1]);
  });
});

describe('renting', () => {
  it('rent_slice holds the whole cost at the locked price and allocates the slice', () => {
    const free = chain.free(alice);
    const report = chain.one(alice, tx.rent_slice({ node: 1, slice: 3, duration_months: 2 }));
    const start = chain.head.number;
    const cost = costOf(1, 2);
    expect(marketEvents(report.events)).toEqual([{ type: 'SlicesRented', value: {
      rental: 0n, node: 1, renter: id(alice), slices: [3], price_per_hour: PRICE, cost, end: start + 2 * MONTH,
    } }]);
    expect(chain.free(alice)).toBe(free - cost - feePaid(report.events));
    expect(chain.held(alice)).toBe(cost);
    expect(rental(0n)).toEqual({
      id: 0n, node: 1, slices: [3], renter: id(alice), start, end: start + 2 * MONTH, price_per_hour: PRICE, cost, paid_so_far: 0n, down_blocks_at_start: 0,
    });
    expect(statuses(1)[3]).toBe('#0');
    expect(node(1)!.used).toEqual(capacity(1, 4, 200));
    expect(chain.query(() => [NodeRentals.contains(1, 0n), RenterRentals.contains(id(alice), 0n), Agenda.contains(start + 2 * MONTH, 0n)]))
      .toEqual([true, true, true]);
    // A later price change does not touch the rental.
    chain.one(charlie, tx.set_slice_price({ node: 1, price_per_hour: 80_000n }));
    expect(rental(0n)!.price_per_hour).toBe(PRICE);
  });

  it('rent_slice refuses an unknown node or slice, a rented slice, a Down node and a bad duration', () => {
    chain.one(alice, tx.rent_slice({ node: 1, slice: 0, duration_months: 1 }));
    expectFailure(bob, tx.rent_slice({ node: 9, slice: 0, duration_months: 1 }), 'SliceMarketplace.NodeNotFound');
    expectFailure(bob, tx.rent_slice({ node: 1, slice: 10, duration_months: 1 }), 'SliceMarketplace.SliceNotFound');
    expectFailure(bob, tx.rent_slice({ node: 1, slice: 0, duration_months: 1 }), 'SliceMarketplace.SliceNotAvailable');
    expectFailure(bob, tx.rent_slice({ node: 3, slice: 0, duration_months: 1 }), 'SliceMarketplace.NodeDown');
    expectFailure(bob, tx.rent_slice({ node: 1, slice: 1, duration_months: 0 }), 'SliceMarketplace.InvalidDuration');
    expectFailure(bob, tx.rent_slice({ node: 1, slice: 1, duration_months: 37 }), 'SliceMarketplace.InvalidDuration');
  });

  it('a renter who cannot pay the whole cost gets nothing and loses only the fee', () => {
    const poor = chain.accounts.eve;
    chain.one(poor, { type: 'Balances', value: { type: 'transfer_all', value: { dest: { type: 'Id', value: id(chain.accounts.ferdie) }, keep_alive: false } } });
    chain.one(chain.accounts.ferdie, { type: 'Balances', value: { type: 'transfer_keep_alive', value: { dest: { type: 'Id', value: id(poor) }, value: costOf(3, 1) - 1n } } });
    const report = chain.one(poor, tx.rent_slices({ node: 1, count: 3, duration_months: 1 }));
    expect(report.error).toBe('Balances.InsufficientBalance');
    expectOnlyFeeAndNonce(chain, id(poor), report.events);
  });

  it('two rentals of the same slice in one block: the second gets SliceNotAvailable and loses only its fee', () => {
    const bobBefore = chain.snapshot(bob);
    chain.submit(alice, tx.rent_slice({ node: 1, slice: 5, duration_months: 1 }));
    chain.submit(bob, tx.rent_slice({ node: 1, slice: 5, duration_months: 1 }));
    const [first, second] = chain.newBlock().extrinsics;
    expect(first.error).toBeUndefined();
    expect(second.error).toBe('SliceMarketplace.SliceNotAvailable');
    expect(marketEvents(second.events)).toEqual([]);
    expect(chain.snapshot(bob)).toMatchObject({ nonce: bobBefore.nonce + 1, free: bobBefore.free - feePaid(second.events), reserved: bobBefore.reserved });
    expect(statuses(1)[5]).toBe('#0');
    expect(chain.query(() => RenterRentals.entries({ prefix: [id(bob)] }).next().done)).toBe(true);
  });

  it('rent_slices takes the lowest free slices, all or nothing', () => {
    chain.one(alice, tx.rent_slice({ node: 2, slice: 1, duration_months: 1 }));
    expectFailure(bob, tx.rent_slices({ node: 2, count: 5, duration_months: 1 }), 'SliceMarketplace.NotEnoughSlices');
    expectFailure(bob, tx.rent_slices({ node: 2, count: 0, duration_months: 1 }), 'SliceMarketplace.InvalidSliceCount');
    expectFailure(bob, tx.rent_slices({ node: 2, count: 65, duration_months: 1 }), 'SliceMarketplace.InvalidSliceCount');
    expectFailure(bob, tx.rent_slices({ node: 3, count: 1, duration_months: 1 }), 'SliceMarketplace.NodeDown');
    const report = chain.one(bob, tx.rent_slices({ node: 2, count: 4, duration_months: 3 }));
    expect(marketEvents(report.events)[0]).toMatchObject({ type: 'SlicesRented', value: { rental: 1n, slices: [0, 2, 3, 4], cost: costOf(4, 3) } });
    expect(statuses(2)).toEqual(['#1', '#0', '#1', '#1', '#1']);
    expect(chain.held(bob)).toBe(costOf(4, 3));
    expect(node(2)!.used).toEqual(capacity(5, 20, 1000));
  });

  it('without an oracle price nothing can be rented', () => {
    chain = new MarketChain(devSpecWith(world(), { oracle: {} }));
    const report = chain.one(chain.accounts.alice, tx.rent_slice({ node: 1, slice: 0, duration_months: 1 }));
    expect(report.error).toBe('Oracle.NoPrice');
    expectOnlyFeeAndNonce(chain, id(chain.accounts.alice), report.events);
  });

  it('refuses a renter with MaxRentalsPerRenter live rentals', () => {
    const nodes = Array.from({ length: 13 }, (_, i) => gridNode(i + 1, 1, [10, 40, 2000]));
    chain = new MarketChain(devSpecWith(world({ gridNodes: nodes })));
    for (let i = 0; i < 128; i++) chain.submit(chain.accounts.bob, tx.rent_slice({ node: 1 + Math.floor(i / 10), slice: i % 10, duration_months: 1 }));
    expect(chain.newBlock().extrinsics.filter((x) => x.error !== undefined)).toEqual([]);
    expectFailure(chain.accounts.bob, tx.rent_slice({ node: 13, slice: 9, duration_months: 1 }), 'SliceMarketplace.TooManyRentals');
  });
});

describe('billing', () => {
  /** Alice rents `count` slices of node `nodeId` for `months`; returns the rental's start block, cost and fee. */
  function rentFromAlice(count: number, months: number, nodeId = 1): { start: number; cost: bigint; fee: bigint } {
    const report = chain.one(alice, tx.rent_slices({ node: nodeId, count, duration_months: months }));
    expect(report.error).toBeUndefined();
    return { start: chain.head.number, cost: costOf(count, months), fee: feePaid(report.events) };
  }

  it('cancel_rental pays the farmer the blocks used and refunds the rest: renter debit = farmer credit + refund', () => {
    const [aliceFree, charlieFree] = [chain.free(alice), chain.free(charlie)];
    const rented = rentFromAlice(3, 1);
    chain.runTo(rented.start + 3);
    // Cancelled in block start + 4: blocks start..start + 3 were used, 4 of the month's 10.
    const report = chain.one(alice, tx.cancel_rental({ rental: 0n }));
    const paid = (rented.cost * 4n) / 10n;
    const refunded = rented.cost - paid;
    expect(marketEvents(report.events)).toEqual([{ type: 'RentalCancelled', value: { rental: 0n, paid, refunded } }]);
    expect(aliceFree - chain.free(alice) - rented.fee - feePaid(report.events)).toBe(paid);
    expect(chain.free(charlie) - charlieFree).toBe(paid);
    expect(chain.held(alice)).toBe(0n);
    expect(statuses(1).slice(0, 3)).toEqual(['-', '-', '-']);
    expect(rental(0n)).toBeUndefined();
    expect(node(1)!.used).toEqual(capacity(0, 0, 0));
    expect(chain.query(() => [Farmers.get(id(charlie))!.earned, Agenda.contains(rented.start + MONTH, 0n), NodeRentals.contains(1, 0n)]))
      .toEqual([paid, false, false]);
  });

  it('cancel_rental refuses an unknown rental and someone else\'s', () => {
    rentFromAlice(1, 1);
    expectFailure(bob, tx.cancel_rental({ rental: 0n }), 'SliceMarketplace.NotRenter');
    expectFailure(bob, tx.cancel_rental({ rental: 7n }), 'SliceMarketplace.RentalNotFound');
  });

  it('a rental expires by itself at exactly its end, paying the farmer the whole cost', () => {
    const charlieFree = chain.free(charlie);
    const rented = rentFromAlice(2, 1);
    const end = rented.start + MONTH;
    chain.runTo(end - 1);
    expect(rental(0n)).toBeDefined();
    expect(statuses(1).slice(0, 2)).toEqual(['#0', '#0']);
    const report = chain.newBlock();
    expect(report.number).toBe(end);
    const expiry = report.events.filter((e) => e.event.type === 'SliceMarketplace');
    expect(expiry).toEqual([{ phase: { type: 'Initialization' }, event: { type: 'SliceMarketplace', value: {
      type: 'RentalExpired', value: { rental: 0n, paid: rented.cost, refunded: 0n } } }, topics: [] }]);
    expect(rental(0n)).toBeUndefined();
    expect(statuses(1).slice(0, 2)).toEqual(['-', '-']);
    expect(chain.held(alice)).toBe(0n);
    expect(chain.free(charlie)).toBe(charlieFree + rented.cost);
    expect(chain.query(() => RenterRentals.contains(id(alice), 0n))).toBe(false);
  });

  it('no rent accrues while the node is Down; its free slices go off the market and come back', () => {
    const rented = rentFromAlice(1, 1);
    chain.runTo(rented.start + 2);
    // Down from block start + 3 to start + 6: three of the ten blocks earn nothing.
    let report = chain.one(charlie, tx.set_node_status({ node: 1, status: { type: 'Down' } }));
    expect(marketEvents(report.events)).toEqual([{ type: 'NodeStatusChanged', value: { node: 1, status: { type: 'Down' } } }]);
    expect(statuses(1)).toEqual(['#0', ...Array(9).fill('R')]);
    expect(node(1)).toMatchObject({ status: { type: 'Down' }, down_blocks: 0, down_since: rented.start + 3 });
    expectFailure(bob, tx.rent_slice({ node: 1, slice: 4, duration_months: 1 }), 'SliceMarketplace.NodeDown');
    chain.runTo(rented.start + 5);
    report = chain.one(charlie, tx.set_node_status({ node: 1, status: { type: 'Up' } }));
    expect(node(1)).toMatchObject({ status: { type: 'Up' }, down_blocks: 3, down_since: undefined });
    expect(statuses(1)).toEqual(['#0', ...Array(9).fill('-')]);
    const charlieFree = chain.free(charlie);
    chain.runTo(rented.start + MONTH);
    const paid = (rented.cost * 7n) / 10n;
    expect(marketEvents(chain.events().map((e) => e.event))).toEqual([{ type: 'RentalExpired', value: { rental: 0n, paid, refunded: rented.cost - paid } }]);
    expect(chain.free(charlie)).toBe(charlieFree + paid);
    expect(chain.held(alice)).toBe(0n);
  });

  it('rent accrues on Standby, and Standby slices stay rentable', () => {
    chain.one(charlie, tx.set_node_status({ node: 1, status: { type: 'Standby' } }));
    const rented = rentFromAlice(1, 1);
    chain.runTo(rented.start + MONTH);
    expect(marketEvents(chain.events().map((e) => e.event))).toEqual([{ type: 'RentalExpired', value: { rental: 0n, paid: rented.cost, refunded: 0n } }]);
  });

  it('set_node_status is the farmer\'s, and setting the same status changes nothing', () => {
    expectFailure(dave, tx.set_node_status({ node: 1, status: { type: 'Down' } }), 'SliceMarketplace.NotNodeOwner');
    expectFailure(dave, tx.set_node_status({ node: 8, status: { type: 'Down' } }), 'SliceMarketplace.NodeNotFound');
    const report = chain.one(charlie, tx.set_node_status({ node: 1, status: { type: 'Up' } }));
    expect(report.error).toBeUndefined();
    expect(marketEvents(report.events)).toEqual([]);
    expectOnlyFeeAndNonce(chain, id(charlie), report.events);
  });

  it('a Down node genesis loads has its slices off the market until it comes Up', () => {
    expect(statuses(3)).toEqual(['R', 'R']);
    chain.one(dave, tx.set_node_status({ node: 3, status: { type: 'Up' } }));
    expect(statuses(3)).toEqual(['-', '-']);
    expect(node(3)!.down_blocks).toBe(chain.head.number);
  });

  it('collect_income pays what the node\'s rentals have earned so far, and the end pays the rest', () => {
    const first = rentFromAlice(2, 1);
    chain.submit(bob, tx.rent_slice({ node: 1, slice: 7, duration_months: 2 }));
    chain.newBlock();
    const second = { start: chain.head.number, cost: costOf(1, 2) };
    chain.runTo(first.start + 4);
    const charlieFree = chain.free(charlie);
    const report = chain.one(charlie, tx.collect_income({ node: 1 }));
    // Block start + 5: the first rental has earned 5 of 10 blocks, the second 4 of 20.
    const earned = (first.cost * 5n) / 10n + (second.cost * 4n) / 20n;
    expect(marketEvents(report.events)).toEqual([{ type: 'IncomeCollected', value: { node: 1, farmer: id(charlie), amount: earned } }]);
    expect(chain.free(charlie)).toBe(charlieFree + earned - feePaid(report.events));
    expect(rental(0n)!.paid_so_far).toBe((first.cost * 5n) / 10n);
    expect(chain.held(alice)).toBe(first.cost - (first.cost * 5n) / 10n);
    chain.runTo(second.start + 2 * MONTH);
    expect(chain.query(() => Farmers.get(id(charlie))!.earned)).toBe(first.cost + second.cost);
    expect([chain.held(alice), chain.held(bob)]).toEqual([0n, 0n]);
    expectFailure(dave, tx.collect_income({ node: 1 }), 'SliceMarketplace.NotNodeOwner');
  });

  it('more expiries than a block may take carry over to the next block, billed to the exact end', () => {
    const nodes = Array.from({ length: 4 }, (_, i) => gridNode(i + 1, 1, [10, 40, 2000]));
    chain = new MarketChain(devSpecWith(world({ gridNodes: nodes })));
    const renters = [chain.accounts.alice, chain.accounts.bob, chain.accounts.eve, chain.accounts.ferdie];
    for (let i = 0; i < 40; i++) chain.submit(renters[i % 4], tx.rent_slice({ node: 1 + Math.floor(i / 10), slice: i % 10, duration_months: 1 }));
    expect(chain.newBlock().extrinsics.filter((x) => x.error !== undefined)).toEqual([]);
    const end = chain.head.number + MONTH;
    chain.runTo(end);
    const expired = () => marketEvents(chain.events().map((e) => e.event)).filter((e) => e.type === 'RentalExpired');
    expect(expired()).toHaveLength(32);
    expect(chain.query(() => [...Rentals.entries()].length)).toBe(8);
    chain.newBlock();
    expect(expired()).toHaveLength(8);
    expect(eventsOf(chain.events().map((e) => e.event), SliceMarketplaceEvents, 'RentalExpired').every((e) => e.refunded === 0n)).toBe(true);
    expect(renters.map((r) => chain.held(r))).toEqual([0n, 0n, 0n, 0n]);
    expect(chain.query(() => [...Slices.entries()].every(([, s]: [unknown, SliceStatus]) => s.type === 'Available'))).toBe(true);
  });

  it('a late expiry is billed to its end, even if the node went Down after it', () => {
    const nodes = Array.from({ length: 7 }, (_, i) => gridNode(i + 1, 1, [10, 40, 2000]));
    chain = new MarketChain(devSpecWith(world({ gridNodes: nodes })));
    const renters = [chain.accounts.alice, chain.accounts.bob, chain.accounts.eve, chain.accounts.ferdie];
    for (let i = 0; i < 70; i++) chain.submit(renters[i % 4], tx.rent_slice({ node: 1 + Math.floor(i / 10), slice: i % 10, duration_months: 1 }));
    chain.newBlock();
    const costs = new Map(chain.query(() => [...Rentals.entries()].map(([[rentalId], r]: [[bigint], Rental]) => [rentalId, r.cost] as const)));
    chain.runTo(chain.head.number + MONTH);
    // 38 rentals are past their end but carried over. In the next block 32 expire first, then the
    // farmer takes every node Down: the last 6 are settled as they end, under the status they had.
    for (let n = 1; n <= 7; n++) chain.submit(chain.accounts.charlie, tx.set_node_status({ node: n, status: { type: 'Down' } }));
    const report = chain.newBlock();
    const expiries = report.events.filter((e) => e.event.type === 'SliceMarketplace' && e.event.value.type === 'RentalExpired');
    expect(expiries.filter((e) => e.phase.type === 'Initialization')).toHaveLength(32);
    expect(expiries.filter((e) => e.phase.type === 'ApplyExtrinsic')).toHaveLength(6);
    for (const { rental: rentalId, paid, refunded } of eventsOf(expiries.map((e) => e.event), SliceMarketplaceEvents, 'RentalExpired')) {
      expect({ paid, refunded }).toEqual({ paid: costs.get(rentalId), refunded: 0n });
    }
    expect(chain.query(() => [...Rentals.entries()])).toEqual([]);
    expect(statuses(7)).toEqual(Array(10).fill('R'));
  });

  it('a status change that would have to expire more than MaxExpiriesPerBlock overdue rentals waits for the agenda', () => {
    chain = new MarketChain(devSpecWith(world({ gridNodes: [gridNode(1, 1, [128, 512, 25_600])] })));
    const renters = [chain.accounts.alice, chain.accounts.bob, chain.accounts.eve, chain.accounts.ferdie];
    for (let i = 0; i < 100; i++) chain.submit(renters[i % 4], tx.rent_slice({ node: 1, slice: i, duration_months: 1 }));
    chain.newBlock();
    chain.runTo(chain.head.number + MONTH);
    // 68 overdue; the next block's on_initialize expires 32, leaving 36 for the status change.
    const live = () => chain.query(() => [...Rentals.entries()].length);
    expect(live()).toBe(68);
    const report = chain.one(chain.accounts.charlie, tx.set_node_status({ node: 1, status: { type: 'Down' } }));
    expect(report.error).toBe('SliceMarketplace.ExpiriesPending');
    expect([live(), node(1)!.status]).toEqual([36, { type: 'Up' }]);
    const retried = chain.one(chain.accounts.charlie, tx.set_node_status({ node: 1, status: { type: 'Down' } }));
    expect(retried.error).toBeUndefined();
    expect(marketEvents(retried.events).filter((e) => e.type === 'RentalExpired')).toHaveLength(4);
    expect([live(), node(1)!.status]).toEqual([0, { type: 'Down' }]);
  });
});
