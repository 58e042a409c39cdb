// The pricing arithmetic alone: hourly prices, the per-block carry, the change policy, and how a
// settlement pays out of a deposit.
import fc from 'fast-check';
import { U64_MAX } from '../../frame/dispatch.ts';
import { BLOCKS_PER_HOUR } from '../../frame/units.ts';
import {
  allowedByLimits, chargeBetween, chargeForBlocks, clampToLimits, hourlyPrice, limitsConsistent, loweredPart, planSettlement, priceOf,
  raisesAnyField, highestRise, risesTooMuch, withinLimits, type Chargeable, type ToPlanck,
} from './pricing.ts';
import type { PriceTargets, Resources } from './types.ts';

const targets = (cpu: bigint, mem: bigint, storage_hdd: bigint, storage_ssd: bigint, storage_nvme: bigint): PriceTargets =>
  ({ cpu, mem, storage_hdd, storage_ssd, storage_nvme });
const base = targets(1000n, 500n, 50n, 100n, 150n);
const resources = (vcpu: number, mem_mb: number, storage_gb: number, storage: Resources['storage_class']['type']): Resources =>
  ({ vcpu, mem_mb, storage_gb, storage_class: { type: storage } });

describe('hourly price', () => {
  it('is vcpu*cpu + mem_mb*mem + storage_gb*storage of the class', () => {
    expect(hourlyPrice(base, resources(2, 1024, 100, 'Ssd'))).toBe(2n * 1000n + 1024n * 500n + 100n * 100n);
    expect(hourlyPrice(base, resources(0, 0, 10, 'Hdd'))).toBe(500n);
    expect(hourlyPrice(base, resources(0, 0, 10, 'Nvme'))).toBe(1500n);
  });

  it('is refused above u64, and exact up to it', () => {
    expect(hourlyPrice(targets(U64_MAX, 0n, 0n, 0n, 0n), resources(1, 0, 0, 'Hdd'))).toBe(U64_MAX);
    expect(hourlyPrice(targets(U64_MAX, 1n, 0n, 0n, 0n), resources(1, 1, 0, 'Hdd'))).toBeUndefined();
    expect(hourlyPrice(targets(U64_MAX, 0n, 0n, 0n, 0n), resources(0xffff_ffff, 0, 0, 'Hdd'))).toBeUndefined();
  });
});

describe('per block = hourly / 600, the remainder carried', () => {
  it('charges 1000/h as 1 or 2 a block, 1000 in every 600 blocks', () => {
    const perBlock = Array.from({ length: 600 }, (_, k) => chargeBetween(1000n, k, k + 1));
    expect(new Set(perBlock)).toEqual(new Set([1n, 2n]));
    expect(perBlock.reduce((a, b) => a + b)).toBe(1000n);
    expect(priceOf(1000n)).toEqual({ per_hour: 1000n, per_block: 1n, per_block_remainder: 400n });
    expect(priceOf(599n)).toEqual({ per_hour: 599n, per_block: 0n, per_block_remainder: 599n });
  });

  it('any 600 consecutive blocks cost exactly the hourly price; nothing is lost over any run', () => {
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: U64_MAX }), fc.nat({ max: 10_000_000 }), fc.nat({ max: 5_000 }), (perHour, start, length) => {
      expect(chargeBetween(perHour, start, start + BLOCKS_PER_HOUR)).toBe(perHour);
      // Split anywhere, the pieces add up to the whole: settling often or rarely charges the same micro-USD.
      const middle = start + Math.floor(length / 3);
      expect(chargeBetween(perHour, start, middle) + chargeBetween(perHour, middle, start + length)).toBe(chargeBetween(perHour, start, start + length));
      const perBlock = chargeBetween(perHour, start, start + 1);
      expect(perBlock === perHour / 600n || perBlock === perHour / 600n + 1n).toBe(true);
      expect(chargeForBlocks(perHour, length)).toBe((perHour * BigInt(length)) / 600n);
    }));
  });
});

describe('the price-change policy', () => {
  it('a change raises prices when any field rises', () => {
    expect(raisesAnyField(base, base)).toBe(false);
    expect(raisesAnyField(base, { ...base, cpu: 999n, storage_nvme: 1n })).toBe(false);
    expect(raisesAnyField(base, { ...base, cpu: 1n, storage_nvme: 151n })).toBe(true);
  });

  it('caps each field\'s rise at MaxPriceIncrease of its value in force, rounded up to a whole micro-USD', () => {
    const fifty = 500_000;
    const noMin = { min: targets(0n, 0n, 0n, 0n, 0n), max: targets(U64_MAX, U64_MAX, U64_MAX, U64_MAX, U64_MAX) };
    expect(risesTooMuch(base, targets(1500n, 750n, 75n, 150n, 225n), noMin, fifty)).toBe(false);
    expect(risesTooMuch(base, { ...base, cpu: 1501n }, noMin, fifty)).toBe(true);
    expect(risesTooMuch(base, { ...base, storage_hdd: 80n }, noMin, fifty)).toBe(true); // 60%
    expect(risesTooMuch(base, targets(1n, 1n, 1n, 1n, 1n), noMin, fifty)).toBe(false);
    expect(risesTooMuch(targets(500n, 250n, 25n, 50n, 75n), base, noMin, fifty)).toBe(true); // doubling
    expect(risesTooMuch(targets(500n, 250n, 25n, 50n, 75n), base, noMin, 1_000_000)).toBe(false);
    expect(risesTooMuch({ ...base, mem: 3n }, { ...base, mem: 5n }, noMin, fifty)).toBe(false); // 1.5 rounds up to 2
    expect(risesTooMuch({ ...base, mem: 3n }, { ...base, mem: 6n }, noMin, fifty)).toBe(true);
    expect(risesTooMuch({ ...base, mem: 1n }, { ...base, mem: 2n }, noMin, 0)).toBe(true); // a 0% cap freezes a price at or above its floor
  });

  it('lets a field at 0 or below the minimum rise relative to the minimum (at least 1 micro-USD), never more after a decrease', () => {
    const limits = { min: targets(100n, 0n, 0n, 0n, 0n), max: targets(U64_MAX, U64_MAX, U64_MAX, U64_MAX, U64_MAX) };
    expect(highestRise(0n, 0n, 1_000_000)).toBe(2n); // 0 -> 2 at a 100% cap, then 2 -> 4, ...
    expect(highestRise(0n, 0n, 500_000)).toBe(2n); // 1.5 rounds up
    expect(highestRise(0n, 0n, 0)).toBe(1n); // a 0% cap: up to the floor only
    expect(highestRise(0n, 100n, 500_000)).toBe(150n); // below a narrowed minimum: up to 150 in one change
    expect(highestRise(1000n, 100n, 500_000)).toBe(1500n);
    expect(risesTooMuch({ ...base, cpu: 0n }, { ...base, cpu: 150n }, limits, 500_000)).toBe(false);
    expect(risesTooMuch({ ...base, cpu: 0n }, { ...base, cpu: 151n }, limits, 500_000)).toBe(true);
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: 10n ** 12n }), fc.bigInt({ min: 0n, max: 10n ** 12n }), fc.bigInt({ min: 0n, max: 10n ** 12n }),
      fc.integer({ min: 0, max: 1_000_000 }), (price, lowered, min, cap) => {
        // Lowering first, then rising, never reaches higher than rising from the price in force.
        const low = lowered < price ? lowered : price;
        expect(highestRise(low, min, cap)).toBeLessThanOrEqual(highestRise(price, min, cap));
      }));
  });

  it('limits bound every field on both sides', () => {
    const limits = { min: targets(10n, 10n, 10n, 10n, 10n), max: targets(2000n, 1000n, 100n, 100n, 200n) };
    expect(withinLimits(base, limits)).toBe(true);
    expect(withinLimits({ ...base, storage_ssd: 101n }, limits)).toBe(false);
    expect(withinLimits({ ...base, storage_hdd: 9n }, limits)).toBe(false);
    expect(limitsConsistent(limits)).toBe(true);
    expect(limitsConsistent({ min: limits.max, max: limits.min })).toBe(false);
  });

  it('outside narrowed limits, a field may stay or move toward them, never away; new quotes are clamped into them', () => {
    const limits = { min: targets(10n, 10n, 10n, 10n, 10n), max: targets(2000n, 400n, 100n, 100n, 200n) };
    const stale = { ...base, mem: 500n, storage_hdd: 5n }; // mem above the new maximum, hdd below the new minimum
    expect(allowedByLimits(stale, stale, limits)).toBe(true);
    expect(allowedByLimits(stale, { ...stale, mem: 450n }, limits)).toBe(true); // a step down, still above
    expect(allowedByLimits(stale, { ...stale, mem: 501n }, limits)).toBe(false);
    expect(allowedByLimits(stale, { ...stale, storage_hdd: 7n }, limits)).toBe(true); // a step up, still below
    expect(allowedByLimits(stale, { ...stale, storage_hdd: 4n }, limits)).toBe(false);
    expect(allowedByLimits(base, { ...base, storage_ssd: 101n }, limits)).toBe(false);
    expect(clampToLimits(stale, limits)).toEqual({ ...base, mem: 400n, storage_hdd: 10n });
  });

  it('a mixed change puts its lowered fields in force at once and keeps the others', () => {
    fc.assert(fc.property(fc.array(fc.bigInt({ min: 0n, max: U64_MAX }), { minLength: 10, maxLength: 10 }), (values) => {
      const current = targets(values[0], values[1], values[2], values[3], values[4]);
      const next = targets(values[5], values[6], values[7], values[8], values[9]);
      const now = loweredPart(current, next);
      for (const field of Object.keys(current) as (keyof PriceTargets)[]) {
        expect(now[field]).toBe(next[field] < current[field] ? next[field] : current[field]);
      }
      expect(raisesAnyField(current, now)).toBe(false);
    }));
  });
});

describe('settlement', () => {
  // 1 token = 10^12 planck at $2.5: 1 micro-USD = 400_000 planck; at $3, 333_333.33.. (rounded down).
  const atPrice = (microUsdPerToken: bigint): ToPlanck => (microUsd, carried) => {
    const scaled = microUsd * 10n ** 12n + carried;
    return { planck: scaled / microUsdPerToken, carried: scaled % microUsdPerToken };
  };
  const planck = (microUsdPerToken: bigint) => (microUsd: bigint) => atPrice(microUsdPerToken)(microUsd, 0n).planck;
  const service = (over: Partial<Chargeable> = {}): Chargeable => ({
    prices: [{ per_hour: 1000n }, { per_hour: 601n }], unpaid: [0n, 0n], ttl_blocks: 1200, charged_blocks: 0, balance: 10n ** 18n, ...over,
  });

  it('pays each operator its micro-USD in planck for the blocks since the last settlement', () => {
    const plan = planSettlement(service({ charged_blocks: 10 }), 20, atPrice(2_500_000n));
    expect(plan.chargedBlocks).toBe(20);
    expect(plan.payments).toEqual([chargeBetween(1000n, 10, 20) * 400_000n, chargeBetween(601n, 10, 20) * 400_000n]);
    expect(plan.total).toBe(plan.payments[0] + plan.payments[1]);
    expect(plan.end).toBeUndefined();
  });

  it('stops at the TTL and says the service expired', () => {
    const plan = planSettlement(service(), 5000, atPrice(2_500_000n));
    expect(plan).toMatchObject({ chargedBlocks: 1200, end: 'Expired', payments: [2000n * 400_000n, 1202n * 400_000n] });
    expect(planSettlement(service({ charged_blocks: 1200 }), 5000, atPrice(2_500_000n)))
      .toEqual({ chargedBlocks: 1200, payments: [0n, 0n], unpaid: [0n, 0n], total: 0n, end: 'Expired' });
  });

  it('charges the blocks the deposit can pay, and ends there', () => {
    // Block k costs (chargeBetween(1000) + chargeBetween(601)) * 400_000 planck; 100 blocks cost 166 + 100 micro-USD.
    const hundredBlocks = (chargeForBlocks(1000n, 100) + chargeForBlocks(601n, 100)) * 400_000n;
    const plan = planSettlement(service({ balance: hundredBlocks + 1n }), 500, atPrice(2_500_000n));
    expect(plan).toMatchObject({ chargedBlocks: 100, total: hundredBlocks, end: 'OutOfFunds' });
    expect(planSettlement(service({ balance: 0n }), 500, atPrice(2_500_000n))).toMatchObject({ chargedBlocks: 0, total: 0n, end: 'OutOfFunds' });
  });

  it('never takes more than the deposit, never charges past the end, and rounds in the payer\'s favour', () => {
    fc.assert(fc.property(
      fc.array(fc.bigInt({ min: 0n, max: 10n ** 9n }), { minLength: 1, maxLength: 8 }),
      fc.nat({ max: 5000 }), fc.nat({ max: 6000 }), fc.bigInt({ min: 0n, max: 10n ** 16n }), fc.bigInt({ min: 1n, max: 10n ** 8n }),
      (perHour, ttl, elapsed, balance, tokenPrice) => {
        const toPlanck = planck(tokenPrice);
        const chargeable = service({ prices: perHour.map((per_hour) => ({ per_hour })), unpaid: perHour.map(() => 0n), ttl_blocks: ttl, balance });
        const plan = planSettlement(chargeable, elapsed, atPrice(tokenPrice));
        expect(plan.total).toBeLessThanOrEqual(balance);
        expect(plan.chargedBlocks).toBeLessThanOrEqual(Math.min(elapsed, ttl));
        perHour.forEach((h, i) => expect(plan.payments[i]).toBe(toPlanck(chargeForBlocks(h, plan.chargedBlocks))));
        if (plan.end === 'OutOfFunds') {
          const next = perHour.reduce((sum, h) => sum + toPlanck(chargeForBlocks(h, plan.chargedBlocks + 1)), 0n);
          expect(next).toBeGreaterThan(balance);
        } else {
          expect(plan.chargedBlocks).toBe(Math.min(elapsed, ttl));
          expect(plan.end === 'Expired').toBe(elapsed >= ttl);
        }
      }));
  });

  it('pays an operator the same however often the service is settled (the conversion\'s remainder is carried)', () => {
    fc.assert(fc.property(
      fc.array(fc.bigInt({ min: 0n, max: 10n ** 9n }), { minLength: 1, maxLength: 8 }),
      fc.integer({ min: 1, max: 3000 }), fc.array(fc.integer({ min: 1, max: 3000 }), { maxLength: 40 }), fc.bigInt({ min: 1n, max: 10n ** 8n }),
      (perHour, ttl, cuts, tokenPrice) => {
        const start = service({ prices: perHour.map((per_hour) => ({ per_hour })), unpaid: perHour.map(() => 0n), ttl_blocks: ttl, balance: 10n ** 30n });
        const once = planSettlement(start, ttl, atPrice(tokenPrice));
        let state = start;
        const paid = perHour.map(() => 0n);
        for (const at of [...cuts.sort((a, b) => a - b), ttl]) {
          const plan = planSettlement(state, at, atPrice(tokenPrice));
          plan.payments.forEach((p, i) => { paid[i] += p; });
          state = { ...state, charged_blocks: plan.chargedBlocks, unpaid: plan.unpaid, balance: state.balance - plan.total };
        }
        expect(paid).toEqual(once.payments);
        perHour.forEach((h, i) => expect(paid[i]).toBe(planck(tokenPrice)(chargeForBlocks(h, ttl))));
      }));
  });
});
