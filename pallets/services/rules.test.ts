// The rules customers and operators rely on, each shown as they see it (events, storage, balances,
// ServicesApi answers) on the dev chain, starting from the case where it was once broken: a quote is
// honoured through approval; a mixed change lowers at once and schedules only the rises; a price at
// 0 or below a narrowed minimum can rise, within the cap; prices outside narrowed limits step
// toward them and new quotes are clamped into them; an operator is paid the same however often a
// service is settled. The fast-check properties run a few short chains each.
import fc from 'fast-check';
import type { AccountId } from '../../primitives/types.ts';
import type { BlockReport } from '../../node/harness.ts';
import { Oracle } from '../../runtime/runtime.ts';
import { oraclePrice } from '../oracle/index.ts';
import { BOB_TARGETS, LOW, SMALL, ServicesChain, servicesEvents, targets, tx } from '../../tests/services-chain.ts';
import { TOKEN } from '../../frame/units.ts';
import * as ServicesItems from './storage.ts';
import { quote } from './runtime-api.ts';
import { chargeForBlocks, hourlyPrice } from './pricing.ts';
import { PRICE_FIELDS, type PriceTargets } from './types.ts';

const CHARLIE_TARGETS = targets(25_000n, 4n, 50n, 120n, 180n);

const quoteNow = (dev: ServicesChain, who: AccountId) => dev.query(() => quote(who, SMALL))!.now.per_hour;
const pricesInForce = (dev: ServicesChain, who: AccountId) => dev.query(() => ServicesItems.Operators.get(who))!.price_targets;
/** Planck the operator received from a service's settlements, summed over the block reports. */
const paidTo = (reports: BlockReport[], who: AccountId, serviceId: bigint) =>
  reports.flatMap((r) => servicesEvents(r.events.map((e) => e.event)))
    .filter((e) => e.type === 'ServiceSettled' && (e.value as { service_id: bigint }).service_id === serviceId)
    .flatMap((e) => (e.value as { payments: [AccountId, bigint][] }).payments)
    .filter(([operator]) => operator === who)
    .reduce((sum, [, paid]) => sum + paid, 0n);

describe('a quote is honoured through approval', () => {
  it('an increase that applies between request and approval is not charged: the service runs at the request-time quote', () => {
    const dev = new ServicesChain();
    dev.sudo(tx.set_notice_period({ blocks: 3 }));
    const quoted = quoteNow(dev, dev.ids.charlie);
    expect(quoted).toBe(hourlyPrice(CHARLIE_TARGETS, SMALL));
    const requested = dev.request([dev.ids.charlie]);
    expect(servicesEvents(requested.extrinsics[0].events)).toEqual([{ type: 'ServiceRequested', value: {
      request_id: 0n, owner: dev.ids.eve, operators: [dev.ids.charlie], prices: [{ operator: dev.ids.charlie, per_hour: quoted }] } }]);
    expect(dev.query(() => ServicesItems.ServiceRequests.get(0n)?.prices)).toEqual([{ operator: dev.ids.charlie, per_hour: quoted }]);
    // Charlie raises cpu by 50% (the cap), waits for it to apply, then approves.
    dev.block([dev.pairs.charlie, tx.update_price_targets({ price_targets: { ...CHARLIE_TARGETS, cpu: 37_500n } })]);
    dev.chain.runTo(dev.head() + 3);
    expect(pricesInForce(dev, dev.ids.charlie).cpu).toBe(37_500n);
    const raised = quoteNow(dev, dev.ids.charlie); // what a new request would be quoted now: 32% more
    expect([raised, (raised * 1000n) / quoted]).toEqual([hourlyPrice({ ...CHARLIE_TARGETS, cpu: 37_500n }, SMALL), 1318n]);
    const approved = dev.block([dev.pairs.charlie, tx.approve({ request_id: 0n })]);
    expect(servicesEvents(approved.extrinsics[0].events)[1]).toEqual({ type: 'ServiceInitiated', value: {
      service_id: 0n, request_id: 0n, owner: dev.ids.eve, prices: [{ operator: dev.ids.charlie, per_hour: quoted }] } });
    expect(dev.query(() => ServicesItems.Services.get(0n)?.prices)).toEqual([{ operator: dev.ids.charlie, per_hour: quoted }]);
  });

  it('property: whatever the operator does between request and approval, the service never pays above the request-time quote', () => {
    const change = fc.record({ field: fc.constantFrom(...PRICE_FIELDS), permille: fc.integer({ min: 500, max: 1600 }), wait: fc.nat({ max: 3 }) });
    fc.assert(fc.property(fc.nat({ max: 3 }), fc.array(change, { maxLength: 4 }), fc.integer({ min: 1, max: 40 }), (notice, changes, ran) => {
      const dev = new ServicesChain();
      dev.sudo(tx.set_notice_period({ blocks: notice }));
      const quoted = quoteNow(dev, dev.ids.charlie);
      dev.request([dev.ids.charlie], 100n * TOKEN);
      for (const { field, permille, wait } of changes) {
        const current = pricesInForce(dev, dev.ids.charlie);
        dev.chain.submit(dev.pairs.charlie, tx.update_price_targets({ price_targets: { ...current, [field]: current[field] * BigInt(permille) / 1000n } }));
        dev.chain.newBlock(); // refused or not: the customer's quote must hold either way
        dev.chain.runTo(dev.head() + wait);
      }
      const started = dev.block([dev.pairs.charlie, tx.approve({ request_id: 0n })]).number;
      dev.chain.runTo(started + ran - 1);
      const ended = dev.block([dev.pairs.eve, tx.terminate({ service_id: 0n })]);
      const paid = paidTo([ended], dev.ids.charlie, 0n);
      expect(paid).toBe(dev.query(() => oraclePrice.usdToPlanck(chargeForBlocks(quoted, ran), 'down')));
    }), { numRuns: 6 });
  });
});

describe('a change that lowers some fields and raises others', () => {
  it('applies the lowered fields at once, schedules the raised ones, and says both', () => {
    const dev = new ServicesChain();
    dev.registerDave(LOW);
    const next = { ...LOW, cpu: 700n, mem: 100n, storage_nvme: 50n }; // cpu up; mem and nvme down
    const report = dev.block([dev.pairs.dave, tx.update_price_targets({ price_targets: next })]);
    const now = { ...LOW, mem: 100n, storage_nvme: 50n };
    const effective_at = report.number + 14_400;
    expect(servicesEvents(report.extrinsics[0].events)).toEqual([
      { type: 'PriceTargetsUpdated', value: { operator: dev.ids.dave, price_targets: now } },
      { type: 'PriceChangeScheduled', value: { operator: dev.ids.dave, price_targets: next, effective_at } },
    ]);
    expect(pricesInForce(dev, dev.ids.dave)).toEqual(now);
    expect(dev.query(() => ServicesItems.PendingPriceChanges.get(dev.ids.dave))).toEqual({ price_targets: next, effective_at });
    expect(dev.query(() => quote(dev.ids.dave, SMALL))).toMatchObject({
      now: { per_hour: hourlyPrice(now, SMALL) }, after_pending_change: [{ per_hour: hourlyPrice(next, SMALL) }, effective_at] });
    // A second mixed change replaces the pending one: one pending change per operator.
    const again = dev.block([dev.pairs.dave, tx.update_price_targets({ price_targets: { ...now, cpu: 600n, storage_hdd: 20n } })]);
    expect(servicesEvents(again.extrinsics[0].events).map((e) => e.type))
      .toEqual(['PendingPriceChangeReplaced', 'PriceTargetsUpdated', 'PriceChangeScheduled']);
    expect(pricesInForce(dev, dev.ids.dave)).toEqual({ ...now, storage_hdd: 20n });
    expect(dev.query(() => [...ServicesItems.PriceChangeAgenda.entries()].map(([[at], who]) => [at, who])))
      .toEqual([[again.number + 14_400, [dev.ids.dave]]]);
  });

  it('property: after any accepted update every field it lowered is in force at once; a refused one changes nothing', () => {
    const update = fc.array(fc.integer({ min: 300, max: 1800 }), { minLength: 5, maxLength: 5 });
    fc.assert(fc.property(fc.array(update, { minLength: 1, maxLength: 6 }), (updates) => {
      const dev = new ServicesChain();
      dev.registerDave(LOW);
      for (const permilles of updates) {
        const before = pricesInForce(dev, dev.ids.dave);
        const next = Object.fromEntries(PRICE_FIELDS.map((f, i) => [f, (before[f] * BigInt(permilles[i])) / 1000n])) as PriceTargets;
        dev.chain.submit(dev.pairs.dave, tx.update_price_targets({ price_targets: next }));
        const report = dev.chain.newBlock();
        const after = pricesInForce(dev, dev.ids.dave);
        if (report.extrinsics[0].error !== undefined) {
          expect(servicesEvents(report.extrinsics[0].events)).toEqual([]);
          continue;
        }
        for (const f of PRICE_FIELDS) expect(after[f]).toBe(next[f] < before[f] ? next[f] : before[f]);
      }
    }), { numRuns: 5 });
  });
});

describe('a price at 0, or below a narrowed minimum, can rise', () => {
  it('from 0 it rises to at most 2 (1 micro-USD x 150%, rounded up) after the notice; lowering first never allows a larger jump', () => {
    const dev = new ServicesChain();
    const limits = { min: targets(1n, 0n, 0n, 0n, 0n), max: targets(1_000_000n, 1000n, 10_000n, 10_000n, 10_000n) };
    dev.sudo(tx.set_price_limits(limits));
    dev.registerDave({ ...LOW, storage_hdd: 0n });
    dev.failsCleanly(dev.pairs.dave, tx.update_price_targets({ price_targets: { ...LOW, storage_hdd: 3n } }), 'Services.PriceIncreaseTooLarge');
    const rise = dev.block([dev.pairs.dave, tx.update_price_targets({ price_targets: { ...LOW, storage_hdd: 2n } })]);
    expect(servicesEvents(rise.extrinsics[0].events)).toEqual([{ type: 'PriceChangeScheduled',
      value: { operator: dev.ids.dave, price_targets: { ...LOW, storage_hdd: 2n }, effective_at: rise.number + 14_400 } }]);
    // Bob lowers ssd from 140 to 0 (at once), then tries to jump back above 140 x 150%: the cap counts from 0.
    dev.block([dev.pairs.bob, tx.update_price_targets({ price_targets: { ...pricesInForce(dev, dev.ids.bob), storage_ssd: 0n } })]);
    dev.failsCleanly(dev.pairs.bob, tx.update_price_targets({ price_targets: { ...pricesInForce(dev, dev.ids.bob), storage_ssd: 210n } }),
      'Services.PriceIncreaseTooLarge');
  });

  it('below a narrowed minimum, a field may rise to 150% of the minimum in one change', () => {
    const dev = new ServicesChain();
    dev.registerDave(LOW); // mem 250
    dev.sudo(tx.set_price_limits({ min: targets(1n, 400n, 1n, 1n, 1n), max: targets(1_000_000n, 1000n, 10_000n, 10_000n, 10_000n) }));
    dev.failsCleanly(dev.pairs.dave, tx.update_price_targets({ price_targets: { ...LOW, mem: 601n } }), 'Services.PriceIncreaseTooLarge');
    dev.failsCleanly(dev.pairs.dave, tx.update_price_targets({ price_targets: { ...LOW, mem: 240n } }), 'Services.PriceOutOfBounds');
    const report = dev.block([dev.pairs.dave, tx.update_price_targets({ price_targets: { ...LOW, mem: 600n } })]);
    expect(servicesEvents(report.extrinsics[0].events).map((e) => e.type)).toEqual(['PriceChangeScheduled']);
  });
});

describe('prices outside newly narrowed limits', () => {
  it('step down toward the limits at once; new services are quoted and locked at prices clamped into the limits', () => {
    const dev = new ServicesChain();
    dev.registerDave(LOW); // cpu 500, mem 250
    dev.sudo(tx.set_price_limits({ min: targets(1n, 1n, 1n, 1n, 1n), max: targets(300n, 200n, 10_000n, 10_000n, 10_000n) }));
    const clamped = { ...LOW, cpu: 300n, mem: 200n };
    expect(quoteNow(dev, dev.ids.dave)).toBe(hourlyPrice(clamped, SMALL));
    const stepped = dev.block([dev.pairs.dave, tx.update_price_targets({ price_targets: { ...LOW, cpu: 450n } })]);
    expect(servicesEvents(stepped.extrinsics[0].events)).toEqual([
      { type: 'PriceTargetsUpdated', value: { operator: dev.ids.dave, price_targets: { ...LOW, cpu: 450n } } }]);
    dev.failsCleanly(dev.pairs.dave, tx.update_price_targets({ price_targets: { ...LOW, cpu: 460n } }), 'Services.PriceOutOfBounds');
    const requested = dev.request([dev.ids.dave]);
    expect(servicesEvents(requested.extrinsics[0].events)[1]).toMatchObject({ type: 'ServiceInitiated',
      value: { prices: [{ operator: dev.ids.dave, per_hour: hourlyPrice(clamped, SMALL) }] } });
    expect(pricesInForce(dev, dev.ids.dave)).toEqual({ ...LOW, cpu: 450n }); // the operator's own prices stay as set
  });
});

describe('settlement does not depend on how often a service is settled', () => {
  it('a service topped up (so settled) every block pays its operator exactly what one settled once does', () => {
    const dev = new ServicesChain();
    dev.sudo(Oracle.tx.set_price({ price: 3_000_000n })); // $3: 1 micro-USD = 333,333.33.. planck, a remainder every time
    dev.block([dev.pairs.eve, tx.request({ operators: [dev.ids.bob], resources: SMALL, ttl_blocks: 10_000, deposit: 10n * TOKEN })],
      [dev.pairs.ferdie, tx.request({ operators: [dev.ids.bob], resources: SMALL, ttl_blocks: 10_000, deposit: 10n * TOKEN })]);
    const reports = [];
    for (let i = 0; i < 100; i++) reports.push(dev.block([dev.pairs.eve, tx.top_up({ service_id: 0n, amount: 1n })]));
    reports.push(dev.block([dev.pairs.eve, tx.terminate({ service_id: 0n })], [dev.pairs.ferdie, tx.terminate({ service_id: 1n })]));
    const often = paidTo(reports, dev.ids.bob, 0n);
    const once = paidTo(reports, dev.ids.bob, 1n);
    expect(often).toBe(once);
    const perHour = hourlyPrice(BOB_TARGETS, SMALL)!;
    expect(once).toBe(dev.query(() => oraclePrice.usdToPlanck(chargeForBlocks(perHour, 101), 'down')));
    // Rounding each block's charge down on its own would have paid less: the case is not trivial.
    const eachRounded = Array.from({ length: 101 }, (_, k) => dev.query(() =>
      oraclePrice.usdToPlanck(chargeForBlocks(perHour, k + 1) - chargeForBlocks(perHour, k), 'down'))).reduce((a, b) => a + b);
    expect(eachRounded).toBeLessThan(once);
  });

  it('property: an operator\'s total income is the same under any settlement schedule', () => {
    fc.assert(fc.property(fc.integer({ min: 1_000_001, max: 9_999_999 }), fc.array(fc.boolean(), { minLength: 1, maxLength: 40 }), (price, settleAt) => {
      const dev = new ServicesChain();
      dev.sudo(Oracle.tx.set_price({ price: BigInt(price) }));
      dev.block([dev.pairs.eve, tx.request({ operators: [dev.ids.bob], resources: SMALL, ttl_blocks: 10_000, deposit: 10n * TOKEN })],
        [dev.pairs.ferdie, tx.request({ operators: [dev.ids.bob], resources: SMALL, ttl_blocks: 10_000, deposit: 10n * TOKEN })]);
      const reports = settleAt.map((settle) => (settle ? dev.block([dev.pairs.eve, tx.top_up({ service_id: 0n, amount: 1n })]) : dev.chain.newBlock()));
      reports.push(dev.block([dev.pairs.eve, tx.terminate({ service_id: 0n })], [dev.pairs.ferdie, tx.terminate({ service_id: 1n })]));
      expect(paidTo(reports, dev.ids.bob, 0n)).toBe(paidTo(reports, dev.ids.bob, 1n));
    }), { numRuns: 5 });
  });
});
