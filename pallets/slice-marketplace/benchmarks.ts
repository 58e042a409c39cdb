// pallet_slice_marketplace's benchmarks, each at its worst case: nodes with the most slices,
// rentals with the most slices, and the agenda hook at its per-block bounds. Time passes in the
// set-up by moving System.Number, as a chain would after the rentals were made.
import type { AccountId } from '../../primitives/types.ts';
import { ensure, type BenchmarkContext, type PalletBenchmarks } from '../../frame/benchmarking/index.ts';
import { Root, signed } from '../../frame/dispatch.ts';
import * as System from '../../frame/system/index.ts';
import type { createSliceMarketplace, SliceMarketplaceConfig } from './index.ts';
import { AgendaCursor, BlocksPerMonth, NextNodeId, NextRentalId, Nodes, Rentals, nodeRentals, nodeSlices } from './storage.ts';
import {
  MAX_AGENDA_BLOCKS_PER_BLOCK, MAX_EXPIRIES_PER_BLOCK, MAX_RENTALS_PER_RENTER, MAX_SLICES_PER_NODE, MAX_SLICES_PER_RENTAL, SLICE,
} from './types.ts';
import { TOKEN } from '../../frame/units.ts';

const capacity = (slices: number) => ({ cpu_cores: slices * SLICE.cpu_cores, memory_gb: slices * SLICE.memory_gb, storage_gb: slices * SLICE.storage_gb });
const LOCATION = { country: new TextEncoder().encode('Switzerland'), city: new TextEncoder().encode('Zurich') };
const SLA = { min_uptime: 990_000, min_bandwidth_mbps: 1000 };

export function sliceMarketplaceBenchmarks(Marketplace: Pick<ReturnType<typeof createSliceMarketplace>, 'tx' | 'hooks'>, config: Pick<SliceMarketplaceConfig, 'currency' | 'oracle'>): PalletBenchmarks {
  const tx = Marketplace.tx;
  const funded = (ctx: BenchmarkContext, name: string, i = 0): AccountId => {
    const who = ctx.account(name, i);
    config.currency.setBalance(who, 1_000_000_000n * TOKEN);
    return who;
  };
  /** A node of `slices` slices; returns its farmer and id. */
  const node = (ctx: BenchmarkContext, slices: number): { farmer: AccountId; id: number } => {
    config.oracle.setPrice(2_500_000n);
    const farmer = funded(ctx, 'farmer');
    const id = NextNodeId.get();
    ctx.as(farmer, tx.register_node({ capacity: capacity(slices), location: LOCATION, sla: SLA, certification: { type: 'Certified' } }));
    return { farmer, id };
  };
  /** `count` rentals of `slices` slices each on node `id`, from as many renters as the per-renter bound needs. */
  const rentals = (ctx: BenchmarkContext, id: number, count: number, slices: number): bigint[] => {
    const ids: bigint[] = [];
    for (let i = 0; i < count; i++) {
      const renter = funded(ctx, 'renter', Math.floor(i / MAX_RENTALS_PER_RENTER));
      ids.push(NextRentalId.get());
      ctx.as(renter, tx.rent_slices({ node: id, count: slices, duration_months: 1 }));
    }
    return ids;
  };
  /** Moves the chain `blocks` blocks on. */
  const elapse = (blocks: number) => System.Number.put(System.Number.get() + blocks);

  return {
    register_node: {
      components: { s: [0, MAX_SLICES_PER_NODE] },
      setup: ({ s }, ctx) => {
        const farmer = funded(ctx, 'farmer');
        const id = NextNodeId.get();
        return {
          origin: signed(farmer), call: tx.register_node({ capacity: capacity(s), location: LOCATION, sla: SLA, certification: { type: 'Diy' } }),
          verify: () => ensure(nodeSlices(id).length === s, 'the slices were not cut'),
        };
      },
    },
    register_grid_node: {
      components: { s: [0, MAX_SLICES_PER_NODE] },
      setup: ({ s }, ctx) => {
        const farmer = funded(ctx, 'farmer');
        // A gridproxy id beyond the chain's own (NextNodeId moves past it), its own per set-up
        // context, so that independent set-ups (a check's full block) do not claim the same id.
        const id = NextNodeId.get() + 1_000 + (Number.parseInt(farmer.slice(2, 8), 16) & 0xfffff);
        return {
          origin: signed(farmer), call: tx.register_grid_node({ node: id, capacity: capacity(s), location: LOCATION, sla: SLA, certification: { type: 'Diy' } }),
          verify: () => ensure(nodeSlices(id).length === s && NextNodeId.get() === id + 1, 'the node was not registered under its grid id'),
        };
      },
    },
    update_capacity: {
      setup: (_, ctx) => {
        const { farmer, id } = node(ctx, 0);
        return {
          origin: signed(farmer), call: tx.update_capacity({ node: id, capacity: capacity(MAX_SLICES_PER_NODE) }),
          verify: () => ensure(nodeSlices(id).length === MAX_SLICES_PER_NODE, 'the slices were not added'),
        };
      },
    },
    set_slice_price: {
      setup: (_, ctx) => {
        const { farmer, id } = node(ctx, 1);
        return { origin: signed(farmer), call: tx.set_slice_price({ node: id, price_per_hour: 5_000n }), verify: () => ensure(Nodes.get(id)?.slice_price_per_hour === 5_000n, 'not set') };
      },
    },
    set_price_band: {
      setup: () => ({ origin: Root, call: tx.set_price_band({ min: 1_000n, max: 3_000_000n }) }),
    },
    lock_price: {
      setup: (_, ctx) => {
        const { farmer, id } = node(ctx, 1);
        return { origin: signed(farmer), call: tx.lock_price({ node: id }), verify: () => ensure(Nodes.get(id)?.price_locked, 'not locked') };
      },
    },
    unlock_price: {
      setup: (_, ctx) => {
        const { farmer, id } = node(ctx, 1);
        ctx.as(farmer, tx.lock_price({ node: id }));
        return { origin: signed(farmer), call: tx.unlock_price({ node: id }), verify: () => ensure(Nodes.get(id)?.price_locked === false, 'still locked') };
      },
    },
    set_node_status: {
      // e rentals past their end expired first, then every free slice of an n-slice node taken off the market.
      components: { e: [0, MAX_EXPIRIES_PER_BLOCK], n: [MAX_EXPIRIES_PER_BLOCK, MAX_SLICES_PER_NODE] },
      setup: ({ e, n }, ctx) => {
        BlocksPerMonth.put(10);
        const { farmer, id } = node(ctx, n);
        rentals(ctx, id, e, 1);
        elapse(20);
        return {
          origin: signed(farmer), call: tx.set_node_status({ node: id, status: { type: 'Down' } }),
          verify: () => ensure(nodeRentals(id).length === 0 && nodeSlices(id).every(([, s]) => s.type === 'Reserved'), 'slices still on the market'),
        };
      },
    },
    remove_node: {
      setup: (_, ctx) => {
        const { farmer, id } = node(ctx, MAX_SLICES_PER_NODE);
        return { origin: signed(farmer), call: tx.remove_node({ node: id }), verify: () => ensure(!Nodes.contains(id) && nodeSlices(id).length === 0, 'the node remains') };
      },
    },
    rent_slice: {
      setup: (_, ctx) => {
        const { id } = node(ctx, MAX_SLICES_PER_NODE);
        const renter = funded(ctx, 'renter');
        const rental = NextRentalId.get();
        return {
          origin: signed(renter), call: tx.rent_slice({ node: id, slice: MAX_SLICES_PER_NODE - 1, duration_months: 36 }),
          verify: () => ensure(Rentals.contains(rental), 'no rental'),
        };
      },
    },
    rent_slices: {
      components: { c: [1, MAX_SLICES_PER_RENTAL] },
      setup: ({ c }, ctx) => {
        const { id } = node(ctx, MAX_SLICES_PER_NODE);
        const renter = funded(ctx, 'renter');
        const rental = NextRentalId.get();
        return {
          origin: signed(renter), call: tx.rent_slices({ node: id, count: c, duration_months: 36 }),
          verify: () => ensure(Rentals.get(rental)?.slices.length === c, 'the slices were not rented'),
        };
      },
    },
    cancel_rental: {
      components: { s: [1, MAX_SLICES_PER_RENTAL] },
      setup: ({ s }, ctx) => {
        const { id } = node(ctx, MAX_SLICES_PER_NODE);
        const [rental] = rentals(ctx, id, 1, s);
        elapse(100);
        const renter = ctx.account('renter', 0);
        return { origin: signed(renter), call: tx.cancel_rental({ rental }), verify: () => ensure(!Rentals.contains(rental), 'the rental remains') };
      },
    },
    collect_income: {
      components: { r: [0, MAX_SLICES_PER_NODE] },
      setup: ({ r }, ctx) => {
        const { farmer, id } = node(ctx, MAX_SLICES_PER_NODE);
        rentals(ctx, id, r, 1);
        elapse(100);
        return { origin: signed(farmer), call: tx.collect_income({ node: id }) };
      },
    },
    on_initialize: {
      // a agenda blocks looked at, e rentals expired, k slices each.
      components: { a: [1, MAX_AGENDA_BLOCKS_PER_BLOCK], e: [0, MAX_EXPIRIES_PER_BLOCK], k: [1, MAX_SLICES_PER_NODE / MAX_EXPIRIES_PER_BLOCK] },
      setup: ({ a, e, k }, ctx) => {
        BlocksPerMonth.put(10);
        elapse(MAX_AGENDA_BLOCKS_PER_BLOCK);
        const { id } = node(ctx, MAX_SLICES_PER_NODE);
        const ends = System.Number.get() + 10;
        rentals(ctx, id, e, k);
        AgendaCursor.put(ends - (a - 1));
        const now = ends;
        return {
          hook: () => Marketplace.hooks?.onInitialize?.(now),
          verify: () => ensure(nodeRentals(id).length === 0, 'a due rental was not expired'),
        };
      },
    },
  };
}
