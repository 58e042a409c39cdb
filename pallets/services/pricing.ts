// The arithmetic of service pricing, pure and exact: hourly prices from price targets, per-block
// charges with the remainder carried, the notice and rate-cap rules, and how a settlement pays
// operators out of a deposit.
import { PERMILL } from '../../primitives/types.ts';
import { U64_MAX } from '../../frame/dispatch.ts';
import { BLOCKS_PER_HOUR } from '../../frame/units.ts';
import { PRICE_FIELDS, type Price, type PriceLimits, type PriceTargets, type Resources, type TerminationReason } from './types.ts';

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

const eachField = (f: (field: typeof PRICE_FIELDS[number]) => bigint): PriceTargets =>
  Object.fromEntries(PRICE_FIELDS.map((field) => [field, f(field)])) as PriceTargets;

/** The part of a change in force at once: every field it lowers, the others as they are. */
export const loweredPart = (current: PriceTargets, next: PriceTargets): PriceTargets =>
  eachField((field) => (next[field] < current[field] ? next[field] : current[field]));

export const withinLimits = (targets: PriceTargets, limits: PriceLimits): boolean =>
  PRICE_FIELDS.every((field) => limits.min[field] <= targets[field] && targets[field] <= limits.max[field]);

/** Each field moved into the limits: what a new service is quoted and locked at. */
export const clampToLimits = (targets: PriceTargets, limits: PriceLimits): PriceTargets => eachField((field) =>
  (targets[field] < limits.min[field] ? limits.min[field] : targets[field] > limits.max[field] ? limits.max[field] : targets[field]));

/** What `resources` cost per hour at `targets` moved into `limits`: a new request's quote. Undefined over u64. */
export const quotedHourly = (targets: PriceTargets, limits: PriceLimits, resources: Resources): bigint | undefined =>
  hourlyPrice(clampToLimits(targets, limits), resources);

/** Every field's minimum is at most its maximum. */
export const limitsConsistent = (limits: PriceLimits): boolean => PRICE_FIELDS.every((field) => limits.min[field] <= limits.max[field]);

/**
 * Whether every field of `next` is within the limits, or outside them but no farther than the
 * value in force (so an operator left outside narrowed limits may step toward them).
 */
export const allowedByLimits = (current: PriceTargets, next: PriceTargets, limits: PriceLimits): boolean =>
  PRICE_FIELDS.every((field) => (next[field] <= limits.max[field] || next[field] <= current[field])
    && (next[field] >= limits.min[field] || next[field] >= current[field]));

/**
 * The highest a field may rise to in one change: (1 + `maxIncrease`, in parts per million) times
 * the larger of its value in force, its platform minimum and 1 micro-USD, rounded up. The floor
 * lets a field at 0 (or below a narrowed minimum) rise; since it never depends on an earlier
 * price, lowering a field first never allows a higher one.
 */
export function highestRise(current: bigint, min: bigint, maxIncrease: number): bigint {
  const base = [current, min, 1n].reduce((a, b) => (a > b ? a : b));
  const permill = BigInt(PERMILL);
  return base + (base * BigInt(maxIncrease) + permill - 1n) / permill;
}

/** Whether some field rises above its highestRise. */
export const risesTooMuch = (current: PriceTargets, next: PriceTargets, limits: PriceLimits, maxIncrease: number): boolean =>
  PRICE_FIELDS.some((field) => next[field] > current[field] && next[field] > highestRise(current[field], limits.min[field], maxIncrease));

// ---- settlement ----------------------------------------------------------------------------------

/** What a settlement needs of a service. */
export interface Chargeable {
  prices: readonly { per_hour: bigint }[];
  /** Per operator, in the order of `prices`: value charged but not yet paid (less than a planck's worth). */
  unpaid: readonly bigint[];
  ttl_blocks: number;
  charged_blocks: number;
  balance: bigint;
}

/** Converts micro-USD plus a carried remainder to planck, rounding down (PriceOracle.usdToPlanckCarrying). */
export type ToPlanck = (microUsd: bigint, carried: bigint) => { planck: bigint; carried: bigint };

export interface SettlementPlan {
  /** The service's charged blocks after this settlement. */
  chargedBlocks: number;
  /** Planck owed to each operator, in the order of `prices`, for the blocks newly charged. */
  payments: bigint[];
  /** Each operator's unpaid remainder after this settlement. */
  unpaid: bigint[];
  total: bigint;
  /** Set when the service ends: its time is up, or its deposit cannot pay the next block. */
  end?: TerminationReason['type'];
}

/**
 * Charges a service for its blocks up to `elapsed` (blocks since it started, capped at its TTL).
 * Each operator's micro-USD for the new blocks is converted to planck by `toPlanck`, which rounds
 * down and carries what it did not pay to the next settlement: an operator is never paid more than
 * its price, and how often a service is settled does not change what it is paid (the last
 * fraction of a planck stays in the deposit and goes back to the owner with the refund). When the
 * deposit cannot pay every block, the service is charged for the most blocks it can pay and ends
 * there: no block after that is ever charged.
 */
export function planSettlement(service: Chargeable, elapsed: number, toPlanck: ToPlanck): SettlementPlan {
  const target = Math.min(elapsed, service.ttl_blocks);
  const from = service.charged_blocks;
  const costTo = (blocks: number) => {
    const converted = service.prices.map(({ per_hour }, i) => toPlanck(chargeBetween(per_hour, from, blocks), service.unpaid[i] ?? 0n));
    const payments = converted.map(({ planck }) => planck);
    return { chargedBlocks: blocks, payments, unpaid: converted.map(({ carried }) => carried), total: payments.reduce((a, b) => a + b, 0n) };
  };
  const expired = target === service.ttl_blocks ? 'Expired' as const : undefined;
  if (target <= from) {
    return { chargedBlocks: from, payments: service.prices.map(() => 0n), unpaid: [...service.unpaid], total: 0n, end: expired };
  }
  const full = costTo(target);
  if (full.total <= service.balance) return { ...full, end: expired };
  // The cost grows with the blocks charged: the last affordable block is found by bisection.
  let affordable = from;
  let unaffordable = target;
  while (unaffordable - affordable > 1) {
    const mid = affordable + Math.floor((unaffordable - affordable) / 2);
    if (costTo(mid).total <= service.balance) affordable = mid;
    else unaffordable = mid;
  }
  return { ...costTo(affordable), end: 'OutOfFunds' };
}
