// The arithmetic of service pricing, pure and exact: hourly prices from price targets, per-block
// charges with the remainder carried, the notice and rate-cap rules, and how a settlement pays
// operators out of a deposit.
import { PERMILL } from '../../primitives/types.ts';
import { U64_MAX } from '../../frame/dispatch.ts';
import { PRICE_FIELDS, type Price, type PriceLimits, type PriceTargets, type Resources, type TerminationReason } from './types.ts';

/** 6 s blocks: 600 per hour. A price per block is the hourly price divided by this, never multiplied. */
export const BLOCKS_PER_HOUR = 600;
const PER_HOUR = BigInt(BLOCKS_PER_HOUR);

const storagePrice = (targets: PriceTargets, resources: Resources): bigint => {
  switch (resources.storage_class.type) {
    case 'Hdd': return targets.storage_hdd;
    case 'Ssd': return targets.storage_ssd;
    case 'Nvme': return targets.storage_nvme;
  }
};

/**
 * What `resources` cost per hour at `targets`, in micro-USD: vcpu*cpu + mem_mb*mem +
 * storage_gb*storage_<class>. Undefined when it does not fit a u64.
 */
export function hourlyPrice(targets: PriceTargets, resources: Resources): bigint | undefined {
  const total = BigInt(resources.vcpu) * targets.cpu + BigInt(resources.mem_mb) * targets.mem
    + BigInt(resources.storage_gb) * storagePrice(targets, resources);
  return total > U64_MAX ? undefined : total;
}

/**
 * micro-USD owed for the first `blocks` blocks at `perHour`: floor(blocks * perHour / 600).
 * Charging by differences of this sum carries the remainder of hourly / 600 from block to block:
 * block k costs floor(k*h/600) - floor((k-1)*h/600), and any 600 consecutive blocks cost exactly h.
 */
export const chargeForBlocks = (perHour: bigint, blocks: number): bigint => (perHour * BigInt(blocks)) / PER_HOUR;

/** micro-USD owed for blocks `from + 1 ..= to` of a service (counted from its start). */
export const chargeBetween = (perHour: bigint, from: number, to: number): bigint =>
  chargeForBlocks(perHour, to) - chargeForBlocks(perHour, from);

/** An hourly price as a quote shows it: per hour, and per block with the remainder spread over the hour. */
export const priceOf = (perHour: bigint): Price => ({ per_hour: perHour, per_block: perHour / PER_HOUR, per_block_remainder: perHour % PER_HOUR });

// ---- the price-change policy ---------------------------------------------------------------------

export const raisesAnyField = (current: PriceTargets, next: PriceTargets): boolean =>
  PRICE_FIELDS.some((field) => next[field] > current[field]);

export const withinLimits = (targets: PriceTargets, limits: PriceLimits): boolean =>
  PRICE_FIELDS.every((field) => limits.min[field] <= targets[field] && targets[field] <= limits.max[field]);

/** Every field's minimum is at most its maximum. */
export const limitsConsistent = (limits: PriceLimits): boolean => PRICE_FIELDS.every((field) => limits.min[field] <= limits.max[field]);

/**
 * Whether some field rises by more than `maxIncrease` (parts per million) of its current value.
 * Compared exactly, without rounding: rise * 1e6 <= current * maxIncrease. A field at 0 cannot rise.
 */
export const risesTooMuch = (current: PriceTargets, next: PriceTargets, maxIncrease: number): boolean =>
  PRICE_FIELDS.some((field) => (next[field] - current[field]) * BigInt(PERMILL) > current[field] * BigInt(maxIncrease));

// ---- settlement ----------------------------------------------------------------------------------

/** What a settlement needs of a service. */
export interface Chargeable {
  prices: readonly { per_hour: bigint }[];
  ttl_blocks: number;
  charged_blocks: number;
  balance: bigint;
}

export interface SettlementPlan {
  /** The service's charged blocks after this settlement. */
  chargedBlocks: number;
  /** Planck owed to each operator, in the order of `prices`, for the blocks newly charged. */
  payments: bigint[];
  total: bigint;
  /** Set when the service ends: its time is up, or its deposit cannot pay the next block. */
  end?: TerminationReason['type'];
}

/**
 * Charges a service for its blocks up to `elapsed` (blocks since it started, capped at its TTL).
 * Each operator's micro-USD for the new blocks is converted to planck by `toPlanck`, which rounds
 * down: an operator is never paid more than its price, and the fraction of a planck it is not paid
 * stays in the deposit (it goes back to the owner with the refund). When the deposit cannot pay
 * every block, the service is charged for the most blocks it can pay and ends there: no block
 * after that is ever charged.
 */
export function planSettlement(service: Chargeable, elapsed: number, toPlanck: (microUsd: bigint) => bigint): SettlementPlan {
  const target = Math.min(elapsed, service.ttl_blocks);
  const from = service.charged_blocks;
  const costTo = (blocks: number) => service.prices.map(({ per_hour }) => toPlanck(chargeBetween(per_hour, from, blocks)));
  const sum = (amounts: bigint[]) => amounts.reduce((a, b) => a + b, 0n);
  const expired = target === service.ttl_blocks ? 'Expired' as const : undefined;
  if (target <= from) return { chargedBlocks: from, payments: service.prices.map(() => 0n), total: 0n, end: expired };
  const full = costTo(target);
  if (sum(full) <= service.balance) return { chargedBlocks: target, payments: full, total: sum(full), end: expired };
  // The cost grows with the blocks charged: the last affordable block is found by bisection.
  let affordable = from;
  let unaffordable = target;
  while (unaffordable - affordable > 1) {
    const mid = affordable + Math.floor((unaffordable - affordable) / 2);
    if (sum(costTo(mid)) <= service.balance) affordable = mid;
    else unaffordable = mid;
  }
  const payments = costTo(affordable);
  return { chargedBlocks: affordable, payments, total: sum(payments), end: 'OutOfFunds' };
}
