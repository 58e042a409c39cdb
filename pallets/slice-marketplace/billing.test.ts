// The marketplace's arithmetic on its own: slices from capacity, rental cost, and the earned share
// of a rental's held cost with and without downtime.
import type { AccountId } from '../../primitives/types.ts';
import {
  BLOCKS_PER_MONTH, downBlocksAt, earnedAt, earningBlocks, freeSlices, rentalCostUsd, slicesCapacity, slicesIn,
} from './billing.ts';
import type { Node, Rental } from './types.ts';

const farmer = `0x${'11'.repeat(32)}` as AccountId;
const node = (overrides: Partial<Node> = {}): Node => ({
  id: 1, farmer, capacity: { cpu_cores: 32, memory_gb: 128, storage_gb: 2000 }, used: slicesCapacity(0),
  location: { country: new Uint8Array(), city: new Uint8Array() }, certification: { type: 'Diy' }, status: { type: 'Up' },
  sla: { min_uptime: 990_000, min_bandwidth_mbps: 100 }, slice_price_per_hour: 50_000n, price_locked: false,
  down_blocks: 0, down_since: undefined, ...overrides,
});
const rental = (overrides: Partial<Rental> = {}): Rental => ({
  id: 0n, node: 1, slices: [0], renter: farmer, start: 100, end: 1100, price_per_hour: 50_000n,
  cost: 1_000_003n, paid_so_far: 0n, down_blocks_at_start: 0, ...overrides,
});

describe('slices', () => {
  it('32 cores, 128 GB and 2000 GB give 10 slices (storage binds)', () => {
    expect(slicesIn({ cpu_cores: 32, memory_gb: 128, storage_gb: 2000 })).toBe(10);
  });

  it('takes the scarcest resource, each rounded down', () => {
    expect(slicesIn({ cpu_cores: 3, memory_gb: 1000, storage_gb: 100_000 })).toBe(3);
    expect(slicesIn({ cpu_cores: 64, memory_gb: 15, storage_gb: 100_000 })).toBe(3);
    expect(slicesIn({ cpu_cores: 64, memory_gb: 1000, storage_gb: 399 })).toBe(1);
    expect(slicesIn({ cpu_cores: 0, memory_gb: 0, storage_gb: 0 })).toBe(0);
  });

  it('free slices are what the rented ones leave', () => {
    expect(freeSlices(node({ used: slicesCapacity(4) }))).toBe(6);
    expect(slicesCapacity(3)).toEqual({ cpu_cores: 3, memory_gb: 12, storage_gb: 600 });
  });
});

describe('rental cost', () => {
  it('is price per hour * slices * 24 * 30 per month', () => {
    expect(rentalCostUsd(50_000n, 1, 1)).toBe(50_000n * 720n);
    expect(rentalCostUsd(50_000n, 3, 2)).toBe(50_000n * 3n * 1440n);
  });

  it('a month is 30 days of 6 s blocks', () => {
    expect(BLOCKS_PER_MONTH).toBe(432_000);
  });
});

describe('earned rent', () => {
  it('grows block by block, rounded down, and is the whole cost at the end', () => {
    const r = rental();
    expect(earnedAt(r, node(), 100)).toBe(0n);
    expect(earnedAt(r, node(), 101)).toBe(1_000n); // 1_000_003 / 1000, remainder left with the renter
    expect(earnedAt(r, node(), 600)).toBe(500_001n);
    expect(earnedAt(r, node(), 1100)).toBe(1_000_003n);
    expect(earnedAt(r, node(), 5000)).toBe(1_000_003n);
    expect(earnedAt(r, node(), 50)).toBe(0n);
  });

  it('skips the blocks the node spent Down', () => {
    const r = rental();
    // Down from block 300 to 500: 200 of the 1000 blocks earn nothing.
    const wasDown = node({ down_blocks: 200 });
    expect(earningBlocks(r, wasDown, 1100)).toBe(800);
    expect(earnedAt(r, wasDown, 1100)).toBe((1_000_003n * 800n) / 1000n);
    // Down since block 700 and still Down.
    const isDown = node({ status: { type: 'Down' }, down_since: 700 });
    expect(downBlocksAt(isDown, 900)).toBe(200);
    expect(earningBlocks(r, isDown, 900)).toBe(600);
    expect(earningBlocks(r, isDown, 2000)).toBe(600);
  });

  it('does not count downtime from before the rental', () => {
    const r = rental({ down_blocks_at_start: 40 });
    expect(earningBlocks(r, node({ down_blocks: 40 }), 1100)).toBe(1000);
    expect(earningBlocks(r, node({ down_blocks: 40, status: { type: 'Down' }, down_since: 1000 }), 1100)).toBe(900);
  });
});
