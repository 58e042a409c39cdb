// The marketplace's arithmetic, free of storage: slices from capacity, rental cost, and how much of
// a rental's held cost the farmer has earned at a given block. Settling is lazy: the earned amount
// is a pure function of the rental, its node's downtime counter and the block, so it can be paid
// whenever anyone looks, and the last payment makes the total exact.
import { BLOCKS_PER_HOUR } from '../../frame/units.ts';
import type { Capacity, Node, Rental } from './types.ts';
import { SLICE } from './types.ts';

/** A rental month is 30 days: monthly cost = price per hour * 24 * 30. */
export const HOURS_PER_MONTH = 24 * 30;
/** 30 days of 6 s blocks. */
export const BLOCKS_PER_MONTH = HOURS_PER_MONTH * BLOCKS_PER_HOUR;

/** Whole slices that fit in `capacity`: min(cpu / 1, memory / 4, storage / 200), each rounded down. */
export const slicesIn = (capacity: Capacity): number => Math.min(
  Math.floor(capacity.cpu_cores / SLICE.cpu_cores),
  Math.floor(capacity.memory_gb / SLICE.memory_gb),
  Math.floor(capacity.storage_gb / SLICE.storage_gb),
);

/** What `count` slices take. */
export const slicesCapacity = (count: number): Capacity => ({
  cpu_cores: count * SLICE.cpu_cores,
  memory_gb: count * SLICE.memory_gb,
  storage_gb: count * SLICE.storage_gb,
});

/** Slices a node rents out now: `used` is always a whole number of slices. */
export const rentedSlices = (node: Node): number => node.used.cpu_cores / SLICE.cpu_cores;

/** Free slices: those that fit in what the rented ones leave (= slicesIn(capacity) - rented). */
export const freeSlices = (node: Node): number => slicesIn(node.capacity) - rentedSlices(node);

/** Whether `capacity` still holds `used` in every resource. */
export const covers = (capacity: Capacity, used: Capacity): boolean =>
  capacity.cpu_cores >= used.cpu_cores && capacity.memory_gb >= used.memory_gb && capacity.storage_gb >= used.storage_gb;

/** The whole cost of a rental in micro-USD: per-slice hourly price * slices * hours in `months`. */
export const rentalCostUsd = (pricePerHour: bigint, slices: number, months: number): bigint =>
  pricePerHour * BigInt(slices) * BigInt(HOURS_PER_MONTH * months);

/** The node's downtime counter at block `at` (blocks spent Down before `at`). */
export const downBlocksAt = (node: Node, at: number): number =>
  node.down_blocks + (node.down_since === undefined ? 0 : Math.max(at - node.down_since, 0));

/**
 * Blocks of the rental that earn rent by block `at`: those from `start` to min(at, end) while the
 * node was not Down. Exact as long as the node's status has not changed since the rental's end,
 * which the pallet guarantees by expiring due rentals before it changes a status.
 */
export function earningBlocks(rental: Rental, node: Node, at: number): number {
  const until = Math.min(at, rental.end);
  if (until <= rental.start) return 0;
  return until - rental.start - (downBlocksAt(node, until) - rental.down_blocks_at_start);
}

/**
 * What the farmer has earned of the held cost by block `at`: cost * earning blocks / duration,
 * rounded down. The remainder of the division stays with the renter; at `end` with no downtime the
 * fraction is 1 and the farmer has earned the cost exactly.
 */
export const earnedAt = (rental: Rental, node: Node, at: number): bigint =>
  (rental.cost * BigInt(earningBlocks(rental, node, at))) / BigInt(rental.end - rental.start);
