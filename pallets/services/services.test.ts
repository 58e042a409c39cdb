// Over 400 lines: the pallet's behaviour tests, one describe per call group.
// The Services pallet on the slicechain runtime, through the test harness: what a user sees in
// storage, events, errors and balances when operators register and change prices and customers
// run services.
import { Keyring } from '@polkadot/keyring';
import { u8aConcat, u8aToHex } from '@polkadot/util';
import { blake2AsU8a, xxhashAsU8a } from '@polkadot/util-crypto';
import { Option, u64, type HexString } from '../../primitives/scale.ts';
import { AccountId32, type AccountId } from '../../primitives/types.ts';
import { TestChain, type BlockReport } from '../../node/harness.ts';
import { accountOf, type SigningPair } from '../../node/signer.ts';
import type { RuntimeCallValue } from '../../frame/pallet.ts';
import { Balances, Services, VERSION, executive, runtime } from '../../runtime/runtime.ts';
import { buildMetadata } from '../../frame/metadata.ts';
import { decAnyMetadata } from '@polkadot-api/substrate-bindings';
import { ApiCallError, callRuntimeApi, type ApiContext } from '../../frame/apis.ts';
import { apiId } from '../../frame/runtime-api.ts';
import { genesisOf, loadChainSpec, parseChainSpec } from '../../genesis/spec.ts';
import { feePaid } from '../../tests/support.ts';
import { BOB_TARGETS, HIGH, LOW, SMALL, ServicesChain, blockEvents, ecdsaKey, ok, planck, prefs, servicesEvents, targets } from '../../tests/services-chain.ts';
import { TOKEN } from '../../frame/units.ts';
import * as ServicesItems from './storage.ts';
import { operator, quote } from './runtime-api.ts';
import { chargeBetween, hourlyPrice } from './pricing.ts';
import {
  OperatorInfo, OperatorPreferences, PriceTargets, Quote, Resources, ServiceStatus,
} from './types.ts';

const tx = Services.tx;
const HIGH_JSON = { cpu: 1000, mem: 500, storage_hdd: 50, storage_ssd: 100, storage_nvme: 150 };

// ---- operators -----------------------------------------------------------------------------------

describe('operators', () => {
  it('the dev chain starts with Bob and Charlie registered, Charlie requiring approval', () => {
    const dev = new ServicesChain();
    expect(dev.query(() => operator(dev.ids.bob))).toEqual({
      preferences: { key: ecdsaKey('Bob'), approval: { type: 'None' }, price_targets: BOB_TARGETS },
      pending_change: undefined, services: [], pending_requests: [],
    });
    expect(dev.query(() => ServicesItems.Operators.get(dev.ids.charlie)?.approval)).toEqual({ type: 'Required' });
    expect(dev.query(() => ServicesItems.OperatorKeys.get(ecdsaKey('Charlie')))).toBe(dev.ids.charlie);
    expect(dev.query(() => operator(dev.ids.dave))).toBeUndefined();
  });

  it('register stores the 74-byte preferences at the Substrate key and indexes the key', () => {
    const dev = new ServicesChain();
    const report = dev.block([dev.pairs.dave, tx.register({ preferences: prefs('Dave', LOW) })]);
    expect(servicesEvents(report.extrinsics[0].events)).toEqual([
      { type: 'OperatorRegistered', value: { operator: dev.ids.dave, preferences: prefs('Dave', LOW) } },
    ]);
    const key = u8aToHex(ServicesItems.Operators.key(dev.ids.dave));
    const dave = new Uint8Array(Buffer.from(dev.ids.dave.slice(2), 'hex'));
    expect(key).toBe(u8aToHex(new Uint8Array([
      ...xxhashAsU8a('Services', 128), ...xxhashAsU8a('Operators', 128), ...blake2AsU8a(dave, 128), ...dave])));
    const raw = dev.chain.chain.state.get(ServicesItems.Operators.key(dev.ids.dave))!;
    expect(u8aToHex(raw)).toBe(u8aToHex(OperatorPreferences.enc(prefs('Dave', LOW))));
    expect(raw.length).toBe(74);
    expect(dev.query(() => ServicesItems.OperatorKeys.get(ecdsaKey('Dave')))).toBe(dev.ids.dave);
  });

  it('register refuses a registered account, a key that is not a point, a taken key and prices out of limits', () => {
    const dev = new ServicesChain();
    dev.failsCleanly(dev.pairs.bob, tx.register({ preferences: prefs('Bob', BOB_TARGETS) }), 'Services.AlreadyRegistered');
    const zeroKey = { ...prefs('Dave', LOW), key: `0x${'00'.repeat(33)}` as HexString };
    dev.failsCleanly(dev.pairs.dave, tx.register({ preferences: zeroKey }), 'Services.InvalidKey');
    const offCurve = { ...prefs('Dave', LOW), key: `0x02${'00'.repeat(31)}05` as HexString };
    dev.failsCleanly(dev.pairs.dave, tx.register({ preferences: offCurve }), 'Services.InvalidKey');
    dev.failsCleanly(dev.pairs.dave, tx.register({ preferences: { ...prefs('Bob', LOW) } }), 'Services.DuplicateKey');
    dev.failsCleanly(dev.pairs.dave, tx.register({ preferences: prefs('Dave', { ...LOW, cpu: 0n }) }), 'Services.PriceOutOfBounds');
    dev.failsCleanly(dev.pairs.dave, tx.register({ preferences: prefs('Dave', { ...LOW, mem: 1001n }) }), 'Services.PriceOutOfBounds');
  });

  it('update_approval_preference applies to new requests; only operators may call it', () => {
    const dev = new ServicesChain();
    const report = dev.block([dev.pairs.bob, tx.update_approval_preference({ approval: { type: 'Required' } })]);
    expect(servicesEvents(report.extrinsics[0].events)).toEqual([
      { type: 'ApprovalPreferenceUpdated', value: { operator: dev.ids.bob, approval: { type: 'Required' } } }]);
    expect(dev.query(() => ServicesItems.Operators.get(dev.ids.bob)?.approval)).toEqual({ type: 'Required' });
    dev.request([dev.ids.bob]);
    expect(dev.query(() => ServicesItems.ServiceRequests.get(0n)?.operators)).toEqual([[dev.ids.bob, { type: 'Pending' }]]);
    dev.failsCleanly(dev.pairs.eve, tx.update_approval_preference({ approval: { type: 'None' } }), 'Services.NotRegistered');
  });

  it('unregister frees the account and the key; refused while it has requests or services', () => {
    const dev = new ServicesChain();
    dev.registerDave();
    dev.failsCleanly(dev.pairs.eve, tx.unregister({}), 'Services.NotRegistered');
    dev.request([dev.ids.charlie]);
    dev.failsCleanly(dev.pairs.charlie, tx.unregister({}), 'Services.OperatorHasPendingRequests');
    dev.request([dev.ids.bob]);
    dev.failsCleanly(dev.pairs.bob, tx.unregister({}), 'Services.OperatorHasServices');
    const report = dev.block([dev.pairs.dave, tx.unregister({})]);
    expect(servicesEvents(report.extrinsics[0].events)).toEqual([{ type: 'OperatorUnregistered', value: { operator: dev.ids.dave } }]);
    expect(dev.query(() => [ServicesItems.Operators.get(dev.ids.dave), ServicesItems.OperatorKeys.get(ecdsaKey('Dave'))])).toEqual([undefined, undefined]);
    dev.block([dev.pairs.ferdie, tx.register({ preferences: { ...prefs('Ferdie', LOW), key: ecdsaKey('Dave') } })]);
    expect(dev.query(() => ServicesItems.OperatorKeys.get(ecdsaKey('Dave')))).toBe(dev.ids.ferdie);
  });
});

// ---- price changes -------------------------------------------------------------------------------

describe('price changes', () => {
  it('(500, 250, 25, 50, 75) -> (1000, 500, 50, 100, 150): scheduled, then applied at exactly now + 14,400', () => {
    const dev = new ServicesChain();
    dev.registerDave(LOW);
    // Doubling is a 100% rise: refused under the default 50% cap, so Root raises the cap first.
    dev.failsCleanly(dev.pairs.dave, tx.update_price_targets({ price_targets: HIGH }), 'Services.PriceIncreaseTooLarge');
    dev.sudo(tx.set_max_increase({ max_increase: 1_000_000 }));
    const report = dev.block([dev.pairs.dave, tx.update_price_targets({ price_targets: HIGH })]);
    const now = report.number;
    expect(dev.query(() => ServicesItems.MinNoticeBlocks.get())).toBe(14_400);
    expect(servicesEvents(report.extrinsics[0].events)).toEqual([
      { type: 'PriceChangeScheduled', value: { operator: dev.ids.dave, price_targets: HIGH, effective_at: now + 14_400 } }]);
    expect(dev.query(() => ServicesItems.PendingPriceChanges.get(dev.ids.dave))).toEqual({ price_targets: HIGH, effective_at: now + 14_400 });
    expect(dev.query(() => ServicesItems.PriceChangeAgenda.get(now + 14_400))).toEqual([dev.ids.dave]);

    const before = dev.chain.runTo(now + 14_399);
    expect(before.flatMap((b) => blockEvents(b))).toEqual([]);
    expect(dev.query(() => ServicesItems.Operators.get(dev.ids.dave)?.price_targets)).toEqual(LOW);

    const applied = dev.chain.newBlock();
    expect(applied.number).toBe(now + 14_400);
    expect(blockEvents(applied, 'Initialization')).toEqual([
      { type: 'PriceChangeApplied', value: { operator: dev.ids.dave, price_targets: HIGH } }]);
    const stored = u8aToHex(dev.chain.chain.state.get(ServicesItems.Operators.key(dev.ids.dave))!);
    expect(stored.slice(-80)).toBe('e803000000000000f401000000000000320000000000000064000000000000009600000000000000');
    expect(u8aToHex(PriceTargets.enc(HIGH))).toBe(`0x${stored.slice(-80)}`);
    expect(dev.query(() => [ServicesItems.PendingPriceChanges.get(dev.ids.dave), ServicesItems.PriceChangeAgenda.contains(now + 14_400)])).toEqual([undefined, false]);
  });

  it('a change that raises no field applies in the same block', () => {
    const dev = new ServicesChain();
    dev.registerDave(HIGH);
    const lower = targets(900n, 500n, 1n, 100n, 150n);
    const report = dev.block([dev.pairs.dave, tx.update_price_targets({ price_targets: lower })]);
    expect(servicesEvents(report.extrinsics[0].events)).toEqual([
      { type: 'PriceTargetsUpdated', value: { operator: dev.ids.dave, price_targets: lower } }]);
    expect(dev.query(() => [ServicesItems.Operators.get(dev.ids.dave)?.price_targets, ServicesItems.PendingPriceChanges.get(dev.ids.dave)])).toEqual([lower, undefined]);
  });

  it('the rise of each field is capped at MaxPriceIncrease: 50% passes, 60% and an unregistered caller fail', () => {
    const dev = new ServicesChain();
    dev.registerDave(HIGH);
    expect(dev.query(() => ServicesItems.MaxPriceIncrease.get())).toBe(500_000);
    dev.failsCleanly(dev.pairs.dave, tx.update_price_targets({ price_targets: { ...HIGH, storage_ssd: 160n } }), 'Services.PriceIncreaseTooLarge');
    dev.failsCleanly(dev.pairs.eve, tx.update_price_targets({ price_targets: HIGH }), 'Services.NotRegistered');
    dev.failsCleanly(dev.pairs.dave, tx.update_price_targets({ price_targets: { ...HIGH, cpu: 1_000_001n } }), 'Services.PriceOutOfBounds');
    dev.failsCleanly(dev.pairs.dave, tx.update_price_targets({ price_targets: { ...HIGH, storage_hdd: 0n } }), 'Services.PriceOutOfBounds');
    const fifty = targets(1500n, 750n, 75n, 150n, 225n);
    const report = dev.block([dev.pairs.dave, tx.update_price_targets({ price_targets: fifty })]);
    expect(servicesEvents(report.extrinsics[0].events)[0].type).toBe('PriceChangeScheduled');
  });

  it('a later update replaces a pending one, and says so', () => {
    const dev = new ServicesChain();
    dev.registerDave(HIGH);
    dev.sudo(tx.set_notice_period({ blocks: 10 }));
    const first = dev.block([dev.pairs.dave, tx.update_price_targets({ price_targets: { ...HIGH, cpu: 1200n } })]).number;
    const second = dev.block([dev.pairs.dave, tx.update_price_targets({ price_targets: { ...HIGH, cpu: 1100n } })]);
    expect(servicesEvents(second.extrinsics[0].events)).toEqual([
      { type: 'PendingPriceChangeReplaced', value: { operator: dev.ids.dave, price_targets: { ...HIGH, cpu: 1200n }, effective_at: first + 10 } },
      { type: 'PriceChangeScheduled', value: { operator: dev.ids.dave, price_targets: { ...HIGH, cpu: 1100n }, effective_at: second.number + 10 } },
    ]);
    expect(dev.query(() => [ServicesItems.PriceChangeAgenda.contains(first + 10), ServicesItems.PriceChangeAgenda.get(second.number + 10)])).toEqual([false, [dev.ids.dave]]);
    // A decrease replaces it too, and applies at once.
    const third = dev.block([dev.pairs.dave, tx.update_price_targets({ price_targets: { ...HIGH, cpu: 900n } })]);
    expect(servicesEvents(third.extrinsics[0].events).map((e) => e.type)).toEqual(['PendingPriceChangeReplaced', 'PriceTargetsUpdated']);
    const later = dev.chain.runTo(second.number + 20);
    expect(later.flatMap((b) => blockEvents(b))).toEqual([]);
    expect(dev.query(() => ServicesItems.Operators.get(dev.ids.dave)?.price_targets.cpu)).toBe(900n);
  });

  it('unregistering drops a pending change with its agenda entry', () => {
    const dev = new ServicesChain();
    dev.registerDave(HIGH);
    const at = dev.block([dev.pairs.dave, tx.update_price_targets({ price_targets: { ...HIGH, cpu: 1200n } })]).number + 14_400;
    dev.block([dev.pairs.dave, tx.unregister({})]);
    expect(dev.query(() => [ServicesItems.PendingPriceChanges.get(dev.ids.dave), ServicesItems.PriceChangeAgenda.contains(at)])).toEqual([undefined, false]);
  });

  it('with a notice period of 0, increases apply at once', () => {
    const dev = new ServicesChain();
    dev.registerDave(HIGH);
    dev.sudo(tx.set_notice_period({ blocks: 0 }));
    const report = dev.block([dev.pairs.dave, tx.update_price_targets({ price_targets: { ...HIGH, cpu: 1200n } })]);
    expect(servicesEvents(report.extrinsics[0].events).map((e) => e.type)).toEqual(['PriceTargetsUpdated']);
  });
});

describe('agendas under load', () => {
  const keyring = new Keyring({ type: 'sr25519' });
  /** `count` funded operators registered at HIGH prices, with a notice period of `notice` blocks. */
  function manyOperators(dev: ServicesChain, count: number, notice: number): SigningPair[] {
    const pairs = Array.from({ length: count }, (_, i) => keyring.addFromUri(`//Operator${i}`));
    dev.block(...pairs.map((pair): [SigningPair, RuntimeCallValue] =>
      [dev.pairs.alice, Balances.tx.transfer_keep_alive({ dest: { type: 'Id', value: accountOf(pair) }, value: TOKEN })]));
    dev.block(...pairs.map((pair, i): [SigningPair, RuntimeCallValue] => [pair, tx.register({ preferences: prefs(`Operator${i}`, HIGH) })]));
    dev.sudo(tx.set_notice_period({ blocks: notice }));
    return pairs;
  }
  const raise = (pair: SigningPair): [SigningPair, RuntimeCallValue] => [pair, tx.update_price_targets({ price_targets: { ...HIGH, cpu: 1200n } })];

  it('applies at most 32 due changes a block and carries the rest, oldest first, skipping none', () => {
    const dev = new ServicesChain();
    const pairs = manyOperators(dev, 40, 5);
    const scheduled = dev.block(...pairs.map(raise)).number;
    dev.block([dev.pairs.bob, tx.update_price_targets({ price_targets: { ...BOB_TARGETS, cpu: 31_000n } })]); // due a block later
    dev.chain.runTo(scheduled + 4);
    const applied = (report: BlockReport) => blockEvents(report, 'Initialization').map((e) => (e.value as { operator: AccountId }).operator);
    const first = dev.chain.newBlock();
    expect(applied(first)).toEqual(pairs.slice(0, 32).map(accountOf));
    expect(dev.query(() => [ServicesItems.AgendaIncompleteSince.get(), ServicesItems.PriceChangeAgenda.get(scheduled + 5).length])).toEqual([scheduled + 5, 8]);
    const second = dev.chain.newBlock();
    expect(applied(second)).toEqual([...pairs.slice(32).map(accountOf), dev.ids.bob]);
    expect(dev.query(() => [ServicesItems.AgendaIncompleteSince.get(), ServicesItems.PriceChangeAgenda.contains(scheduled + 5), ServicesItems.PriceChangeAgenda.contains(scheduled + 6)]))
      .toEqual([undefined, false, false]);
    expect(dev.query(() => [...pairs.map(accountOf), dev.ids.bob].every((who) => ServicesItems.Operators.get(who)?.price_targets.cpu === (who === dev.ids.bob ? 31_000n : 1200n))))
      .toBe(true);
  });

  it('refuses a change that would fall due in a block whose agenda is full', () => {
    const dev = new ServicesChain();
    const pairs = manyOperators(dev, 129, 10);
    const full = dev.block(...pairs.slice(0, 128).map(raise)).number + 10;
    // The sudo goes in the next block, the change in the one after.
    dev.sudo(tx.set_notice_period({ blocks: full - (dev.head() + 2) }));
    expect(dev.query(() => ServicesItems.PriceChangeAgenda.get(full).length)).toBe(128);
    dev.failsCleanly(pairs[128], raise(pairs[128])[1], 'Services.AgendaFull');
  });
});

describe('root settings', () => {
  it('set_price_limits, set_notice_period and set_max_increase take effect and say so', () => {
    const dev = new ServicesChain();
    const min = targets(2n, 2n, 2n, 2n, 2n);
    const max = targets(50_000n, 10n, 100n, 200n, 300n);
    const limits = dev.sudo(tx.set_price_limits({ min, max }));
    expect(servicesEvents(limits.extrinsics[0].events)).toEqual([{ type: 'PriceLimitsSet', value: { min, max } }]);
    dev.failsCleanly(dev.pairs.dave, tx.register({ preferences: prefs('Dave', { ...LOW, mem: 11n }) }), 'Services.PriceOutOfBounds');
    expect(servicesEvents(dev.sudo(tx.set_notice_period({ blocks: 100 })).extrinsics[0].events))
      .toEqual([{ type: 'NoticePeriodSet', value: { blocks: 100 } }]);
    expect(servicesEvents(dev.sudo(tx.set_max_increase({ max_increase: 100_000 })).extrinsics[0].events))
      .toEqual([{ type: 'MaxIncreaseSet', value: { max_increase: 100_000 } }]);
    dev.failsCleanly(dev.pairs.bob, tx.update_price_targets({ price_targets: { ...BOB_TARGETS, cpu: 33_001n } }), 'Services.PriceIncreaseTooLarge');
    const report = dev.block([dev.pairs.bob, tx.update_price_targets({ price_targets: { ...BOB_TARGETS, cpu: 33_000n } })]);
    expect(servicesEvents(report.extrinsics[0].events)[0].value).toMatchObject({ effective_at: report.number + 100 });
  });

  it('refuses inconsistent limits, a cap above 100%, and signed origins', () => {
    const dev = new ServicesChain();
    dev.sudoFailsCleanly(tx.set_price_limits({ min: HIGH, max: LOW }), 'Services.InvalidPriceLimits');
    dev.sudoFailsCleanly(tx.set_max_increase({ max_increase: 1_000_001 }), 'Services.InvalidMaxIncrease');
    dev.failsCleanly(dev.pairs.bob, tx.set_notice_period({ blocks: 1 }), 'BadOrigin');
    dev.failsCleanly(dev.pairs.bob, tx.set_max_increase({ max_increase: 1 }), 'BadOrigin');
    dev.failsCleanly(dev.pairs.bob, tx.set_price_limits({ min: LOW, max: HIGH }), 'BadOrigin');
  });
});

// ---- services ------------------------------------------------------------------------------------

describe('requests', () => {
  it('operators that need no approval approve at once: the service starts at the prices quoted now', () => {
    const dev = new ServicesChain();
    const eve = dev.account(dev.ids.eve);
    const report = dev.request([dev.ids.bob], 10n * TOKEN);
    const perHour = hourlyPrice(BOB_TARGETS, SMALL)!;
    expect(perHour).toBe(2n * 30_000n + 4096n * 5n + 100n * 140n);
    expect(servicesEvents(report.extrinsics[0].events)).toEqual([
      { type: 'ServiceRequested', value: { request_id: 0n, owner: dev.ids.eve, operators: [dev.ids.bob], prices: [{ operator: dev.ids.bob, per_hour: perHour }] } },
      { type: 'ServiceInitiated', value: { service_id: 0n, request_id: 0n, owner: dev.ids.eve, prices: [{ operator: dev.ids.bob, per_hour: perHour }] } },
    ]);
    expect(dev.query(() => ServicesItems.Services.get(0n))).toEqual({
      owner: dev.ids.eve, request_id: 0n, resources: SMALL, prices: [{ operator: dev.ids.bob, per_hour: perHour }],
      started_at: report.number, ttl_blocks: 10_000, charged_blocks: 0, balance: 10n * TOKEN, unpaid: [0n],
    });
    const after = dev.account(dev.ids.eve);
    expect(after.data.reserved - eve.data.reserved).toBe(10n * TOKEN);
    expect(eve.data.free - after.data.free).toBe(10n * TOKEN + feePaid(report.extrinsics[0].events));
    expect(dev.query(() => [ServicesItems.OperatorServices.get(dev.ids.bob), ServicesItems.ServiceRequests.get(0n)])).toEqual([[0n], undefined]);
  });

  it('operators that require approval must approve; the last approval starts the service', () => {
    const dev = new ServicesChain();
    dev.registerDave(LOW, 'Required');
    const requested = dev.request([dev.ids.bob, dev.ids.charlie, dev.ids.dave]);
    expect(servicesEvents(requested.extrinsics[0].events).map((e) => e.type)).toEqual(['ServiceRequested']);
    expect(dev.query(() => ServicesItems.ServiceRequests.get(0n)?.operators)).toEqual([
      [dev.ids.bob, { type: 'Approved' }], [dev.ids.charlie, { type: 'Pending' }], [dev.ids.dave, { type: 'Pending' }]]);
    expect(dev.query(() => [ServicesItems.OperatorRequests.get(dev.ids.bob), ServicesItems.OperatorRequests.get(dev.ids.dave)])).toEqual([[0n], [0n]]);
    dev.failsCleanly(dev.pairs.bob, tx.approve({ request_id: 0n }), 'Services.AlreadyApproved');
    dev.failsCleanly(dev.pairs.ferdie, tx.approve({ request_id: 0n }), 'Services.NotRequestOperator');
    dev.failsCleanly(dev.pairs.charlie, tx.approve({ request_id: 7n }), 'Services.RequestNotFound');
    const first = dev.block([dev.pairs.charlie, tx.approve({ request_id: 0n })]);
    expect(servicesEvents(first.extrinsics[0].events)).toEqual([
      { type: 'ServiceRequestApproved', value: { request_id: 0n, operator: dev.ids.charlie } }]);
    dev.failsCleanly(dev.pairs.charlie, tx.approve({ request_id: 0n }), 'Services.AlreadyApproved');
    // Dave raises his prices (at once, the notice being 0) before approving: the service still starts at his quote.
    dev.sudo(tx.set_notice_period({ blocks: 0 }));
    dev.block([dev.pairs.dave, tx.update_price_targets({ price_targets: { ...LOW, cpu: 600n } })]);
    const last = dev.block([dev.pairs.dave, tx.approve({ request_id: 0n })]);
    expect(servicesEvents(last.extrinsics[0].events)).toEqual([
      { type: 'ServiceRequestApproved', value: { request_id: 0n, operator: dev.ids.dave } },
      { type: 'ServiceInitiated', value: { service_id: 0n, request_id: 0n, owner: dev.ids.eve, prices: [
        { operator: dev.ids.bob, per_hour: hourlyPrice(BOB_TARGETS, SMALL) },
        { operator: dev.ids.charlie, per_hour: hourlyPrice(targets(25_000n, 4n, 50n, 120n, 180n), SMALL) },
        { operator: dev.ids.dave, per_hour: hourlyPrice(LOW, SMALL) },
      ] } },
    ]);
    expect(dev.query(() => [ServicesItems.ServiceRequests.get(0n), ServicesItems.OperatorRequests.get(dev.ids.dave), ServicesItems.OperatorServices.get(dev.ids.dave)]))
      .toEqual([undefined, [], [0n]]);
  });

  it('a rejection or the owner\'s cancellation drops the request and returns the deposit', () => {
    const dev = new ServicesChain();
    const eve = dev.account(dev.ids.eve).data;
    let fees = feePaid(dev.request([dev.ids.charlie], 5n * TOKEN).extrinsics[0].events);
    fees += feePaid(dev.request([dev.ids.bob, dev.ids.charlie], 7n * TOKEN).extrinsics[0].events);
    dev.failsCleanly(dev.pairs.dave, tx.reject({ request_id: 0n }), 'Services.NotRequestOperator');
    dev.failsCleanly(dev.pairs.dave, tx.cancel_request({ request_id: 0n }), 'Services.NotOwner');
    const rejected = dev.block([dev.pairs.charlie, tx.reject({ request_id: 0n })]);
    expect(servicesEvents(rejected.extrinsics[0].events)).toEqual([{ type: 'ServiceRequestRejected', value: { request_id: 0n, operator: dev.ids.charlie } }]);
    const cancelled = dev.block([dev.pairs.eve, tx.cancel_request({ request_id: 1n })]);
    fees += feePaid(cancelled.extrinsics[0].events);
    expect(servicesEvents(cancelled.extrinsics[0].events)).toEqual([{ type: 'ServiceRequestCancelled', value: { request_id: 1n } }]);
    const after = dev.account(dev.ids.eve).data;
    expect([after.reserved, eve.free - after.free]).toEqual([eve.reserved, fees]);
    expect(dev.query(() => [ServicesItems.ServiceRequests.get(0n), ServicesItems.ServiceRequests.get(1n), ServicesItems.OperatorRequests.get(dev.ids.charlie), ServicesItems.OperatorRequests.get(dev.ids.bob)]))
      .toEqual([undefined, undefined, [], []]);
    dev.failsCleanly(dev.pairs.eve, tx.cancel_request({ request_id: 1n }), 'Services.RequestNotFound');
  });

  it('refuses requests that name no, the same, or unknown operators, run no block, hold nothing, or cannot be paid for', () => {
    const dev = new ServicesChain();
    const request = (operators: AccountId[], over: Partial<{ ttl_blocks: number; deposit: bigint; resources: Resources }> = {}) =>
      tx.request({ operators, resources: SMALL, ttl_blocks: 100, deposit: TOKEN, ...over });
    dev.failsCleanly(dev.pairs.eve, request([]), 'Services.NoOperators');
    dev.failsCleanly(dev.pairs.eve, request([dev.ids.bob, dev.ids.bob]), 'Services.DuplicateOperator');
    dev.failsCleanly(dev.pairs.eve, request([dev.ids.bob, dev.ids.dave]), 'Services.UnknownOperator');
    dev.failsCleanly(dev.pairs.eve, request([dev.ids.bob], { ttl_blocks: 0 }), 'Services.ZeroTtl');
    dev.failsCleanly(dev.pairs.eve, request([dev.ids.bob], { deposit: 0n }), 'Services.ZeroDeposit');
    const free = dev.account(dev.ids.eve).data.free;
    dev.failsCleanly(dev.pairs.eve, request([dev.ids.bob], { deposit: free + 1n }), 'Balances.InsufficientBalance');
    // Only prices beyond the dev limits can overflow a u64.
    const max = targets(1n << 62n, 1n << 62n, 1n << 62n, 1n << 62n, 1n << 62n);
    dev.sudo(tx.set_price_limits({ min: targets(0n, 0n, 0n, 0n, 0n), max }));
    dev.registerDave(max);
    dev.failsCleanly(dev.pairs.eve, request([dev.ids.dave], { resources: { ...SMALL, vcpu: 4, mem_mb: 0, storage_gb: 0 } }), 'Services.PriceOverflow');
  });
});

describe('running services', () => {
  it('keeps its locked price across the operator\'s decrease and increase', () => {
    const dev = new ServicesChain();
    dev.sudo(tx.set_notice_period({ blocks: 50 }));
    const started = dev.request([dev.ids.bob], 100n * TOKEN, 2_000).number;
    const locked = hourlyPrice(BOB_TARGETS, SMALL)!;
    const lower = targets(20_000n, 4n, 50n, 100n, 150n);
    dev.block([dev.pairs.bob, tx.update_price_targets({ price_targets: lower })]);
    const higher = targets(30_000n, 6n, 75n, 150n, 225n);
    const scheduled = dev.block([dev.pairs.bob, tx.update_price_targets({ price_targets: higher })]).number;
    dev.chain.runTo(scheduled + 50);
    expect(dev.query(() => ServicesItems.Operators.get(dev.ids.bob)?.price_targets)).toEqual(higher);
    expect(dev.query(() => ServicesItems.Services.get(0n)?.prices)).toEqual([{ operator: dev.ids.bob, per_hour: locked }]);
    // A new service starts at the price in force now.
    dev.request([dev.ids.bob], 100n * TOKEN, 2_000);
    expect(dev.query(() => ServicesItems.Services.get(1n)?.prices)).toEqual([{ operator: dev.ids.bob, per_hour: hourlyPrice(higher, SMALL) }]);

    const bob = dev.account(dev.ids.bob).data.free;
    const report = dev.block([dev.pairs.eve, tx.terminate({ service_id: 0n })]);
    const blocks = report.number - started;
    const owed = planck(dev, chargeBetween(locked, 0, blocks));
    expect(servicesEvents(report.extrinsics[0].events)).toEqual([
      { type: 'ServiceSettled', value: { service_id: 0n, charged_through: report.number, payments: [[dev.ids.bob, owed]] } },
      { type: 'ServiceTerminated', value: { service_id: 0n, reason: { type: 'ByOwner' }, refund: 100n * TOKEN - owed } },
    ]);
    expect(dev.account(dev.ids.bob).data.free - bob).toBe(owed);
  });

  it('payer debit == operator credit + refund, exactly, over a service\'s whole life', () => {
    const dev = new ServicesChain();
    const before = { eve: dev.account(dev.ids.eve).data, bob: dev.account(dev.ids.bob).data.free, charlie: dev.account(dev.ids.charlie).data.free };
    const reports: BlockReport[] = [];
    reports.push(dev.request([dev.ids.bob, dev.ids.charlie], 3n * TOKEN, 5_000));
    const approve = dev.block([dev.pairs.charlie, tx.approve({ request_id: 0n })]);
    reports.push(...dev.chain.runTo(dev.head() + 1_300));
    const topUp = dev.block([dev.pairs.eve, tx.top_up({ service_id: 0n, amount: 2n * TOKEN })]);
    reports.push(topUp, ...dev.chain.runTo(dev.head() + 777));
    const end = dev.block([dev.pairs.eve, tx.terminate({ service_id: 0n })]);
    reports.push(end);
    const events = reports.flatMap((r) => blockEvents(r));
    const settled = events.filter((e) => e.type === 'ServiceSettled').map((e) => e.value as { charged_through: number; payments: [AccountId, bigint][] });
    // The sweep pays once 600 blocks are owed; top_up and terminate settle whatever is owed.
    const started = approve.number;
    expect(settled.map((e) => e.charged_through - started)).toEqual([600, 1200, topUp.number - started, topUp.number - started + 600, end.number - started]);
    const paid = (who: AccountId) => settled.flatMap((s) => s.payments).filter(([to]) => to === who).reduce((sum, [, amount]) => sum + amount, 0n);
    const { refund } = events.find((e) => e.type === 'ServiceTerminated')!.value as { refund: bigint };
    const eveFees = reports.flatMap((r) => r.extrinsics).map((x) => feePaid(x.events)).reduce((a, b) => a + b, 0n);

    const after = { eve: dev.account(dev.ids.eve).data, bob: dev.account(dev.ids.bob).data.free, charlie: dev.account(dev.ids.charlie).data.free };
    const debit = before.eve.free - after.eve.free - eveFees;
    const credit = (after.bob - before.bob) + (after.charlie - before.charlie + feePaid(approve.extrinsics[0].events));
    expect(after.eve.reserved).toBe(before.eve.reserved);
    expect(debit + refund).toBe(5n * TOKEN);
    expect(debit).toBe(credit);
    expect([paid(dev.ids.bob), paid(dev.ids.charlie)]).toEqual([after.bob - before.bob, after.charlie - before.charlie + feePaid(approve.extrinsics[0].events)]);
  });

  it('ends OutOfFunds when the deposit cannot pay the next block: no block after it is charged', () => {
    const dev = new ServicesChain();
    const perHour = hourlyPrice(BOB_TARGETS, SMALL)!;
    // Enough for 40 blocks and part of the 41st.
    const deposit = planck(dev, chargeBetween(perHour, 0, 40)) + planck(dev, chargeBetween(perHour, 40, 41)) - 1n;
    const started = dev.request([dev.ids.bob], deposit).number;
    const bob = dev.account(dev.ids.bob).data.free;
    expect(dev.query(() => Services.api.service(0n))).toMatchObject({ charged_through: started, owed: 0n, ends: undefined });
    dev.chain.runTo(started + 40);
    const paid = planck(dev, chargeBetween(perHour, 0, 40));
    expect(dev.query(() => Services.api.service(0n))).toMatchObject({ charged_through: started + 40, owed: paid, ends: undefined });
    // In the 41st block the sweep finds it cannot pay: it settles up to the 40th and ends it.
    const events = blockEvents(dev.chain.newBlock(), 'Finalization');
    expect(events).toEqual([
      { type: 'ServiceSettled', value: { service_id: 0n, charged_through: started + 40, payments: [[dev.ids.bob, paid]] } },
      { type: 'ServiceTerminated', value: { service_id: 0n, reason: { type: 'OutOfFunds' }, refund: deposit - paid } },
    ]);
    expect(dev.account(dev.ids.bob).data.free - bob).toBe(paid);
    expect(dev.query(() => [ServicesItems.Services.get(0n), ServicesItems.OperatorServices.get(dev.ids.bob)])).toEqual([undefined, []]);
  });

  it('ends Expired after its TTL, charged for exactly ttl_blocks blocks, whoever notices first', () => {
    const dev = new ServicesChain();
    dev.chain.submit(dev.pairs.eve, tx.request({ operators: [dev.ids.bob], resources: SMALL, ttl_blocks: 30, deposit: TOKEN }));
    dev.chain.submit(dev.pairs.eve, tx.request({ operators: [dev.ids.bob], resources: SMALL, ttl_blocks: 30, deposit: TOKEN }));
    const started = dev.chain.newBlock().number;
    dev.chain.runTo(started + 29);
    expect(dev.query(() => [ServicesItems.Services.contains(0n), ServicesItems.Services.contains(1n)])).toEqual([true, true]);
    const paid = planck(dev, chargeBetween(hourlyPrice(BOB_TARGETS, SMALL)!, 0, 30));
    const ending = (service_id: bigint) => [
      { type: 'ServiceSettled', value: { service_id, charged_through: started + 30, payments: [[dev.ids.bob, paid]] } },
      { type: 'ServiceTerminated', value: { service_id, reason: { type: 'Expired' }, refund: TOKEN - paid } },
    ];
    // In the block it expires, the owner's terminate finds it expired; the sweep ends the other.
    const last = dev.block([dev.pairs.eve, tx.terminate({ service_id: 1n })]);
    expect(servicesEvents(last.extrinsics[0].events)).toEqual(ending(1n));
    expect(blockEvents(last, 'Finalization')).toEqual(ending(0n));
  });

  it('terminate and top_up are the owner\'s, on a service still running', () => {
    const dev = new ServicesChain();
    const perHour = hourlyPrice(BOB_TARGETS, SMALL)!;
    const deposit = planck(dev, chargeBetween(perHour, 0, 60));
    const started = dev.request([dev.ids.bob], deposit).number;
    dev.failsCleanly(dev.pairs.dave, tx.terminate({ service_id: 0n }), 'Services.NotOwner');
    dev.failsCleanly(dev.pairs.eve, tx.terminate({ service_id: 5n }), 'Services.ServiceNotFound');
    dev.failsCleanly(dev.pairs.dave, tx.top_up({ service_id: 0n, amount: TOKEN }), 'Services.NotOwner');
    dev.failsCleanly(dev.pairs.eve, tx.top_up({ service_id: 5n, amount: TOKEN }), 'Services.ServiceNotFound');
    dev.failsCleanly(dev.pairs.eve, tx.top_up({ service_id: 0n, amount: 0n }), 'Services.ZeroDeposit');
    const free = dev.account(dev.ids.eve).data.free;
    dev.failsCleanly(dev.pairs.eve, tx.top_up({ service_id: 0n, amount: free + 1n }), 'Balances.InsufficientBalance');
    const topped = dev.block([dev.pairs.eve, tx.top_up({ service_id: 0n, amount: deposit })]);
    const settled = planck(dev, chargeBetween(perHour, 0, topped.number - started));
    expect(servicesEvents(topped.extrinsics[0].events)).toEqual([
      { type: 'ServiceSettled', value: { service_id: 0n, charged_through: topped.number, payments: [[dev.ids.bob, settled]] } },
      { type: 'ServiceToppedUp', value: { service_id: 0n, amount: deposit, balance: 2n * deposit - settled } },
    ]);
    // It cannot pay its 121st block: a top-up in that block, applied before the sweep ends it, comes too late.
    dev.chain.runTo(started + 120);
    expect(dev.query(() => ServicesItems.Services.contains(0n))).toBe(true);
    dev.failsCleanly(dev.pairs.eve, tx.top_up({ service_id: 0n, amount: TOKEN }), 'Services.ServiceEnded');
    expect(dev.query(() => ServicesItems.Services.contains(0n))).toBe(false);
  });

  it('an operator whose account was reaped is not paid: what it is owed goes back to the owner', () => {
    const dev = new ServicesChain();
    dev.request([dev.ids.bob, dev.ids.charlie], TOKEN);
    dev.block([dev.pairs.charlie, tx.approve({ request_id: 0n })]);
    dev.block([dev.pairs.bob, Balances.tx.transfer_all({ dest: { type: 'Id', value: dev.ids.alice }, keep_alive: false })]);
    expect(dev.account(dev.ids.bob).providers).toBe(0);
    const started = dev.query(() => ServicesItems.Services.get(0n)!.started_at);
    const report = dev.block([dev.pairs.eve, tx.terminate({ service_id: 0n })]);
    const charlie = planck(dev, chargeBetween(hourlyPrice(targets(25_000n, 4n, 50n, 120n, 180n), SMALL)!, 0, report.number - started));
    expect(servicesEvents(report.extrinsics[0].events)).toEqual([
      { type: 'ServiceSettled', value: { service_id: 0n, charged_through: report.number, payments: [[dev.ids.charlie, charlie]] } },
      { type: 'ServiceTerminated', value: { service_id: 0n, reason: { type: 'ByOwner' }, refund: TOKEN - charlie } },
    ]);
    expect(dev.account(dev.ids.bob).providers).toBe(0);
  });

  it('an operator takes part in at most MaxPendingRequestsPerOperator requests and MaxServicesPerOperator services', () => {
    const dev = new ServicesChain();
    for (let i = 0; i < 64; i++) dev.chain.submit(dev.pairs.eve, tx.request({ operators: [dev.ids.charlie], resources: SMALL, ttl_blocks: 10, deposit: 1n }));
    dev.chain.newBlock().extrinsics.forEach(ok);
    dev.failsCleanly(dev.pairs.ferdie, tx.request({ operators: [dev.ids.bob, dev.ids.charlie], resources: SMALL, ttl_blocks: 10, deposit: 1n }),
      'Services.TooManyRequests');
    for (let i = 0; i < 64; i++) dev.chain.submit(dev.pairs.ferdie, tx.request({ operators: [dev.ids.bob], resources: SMALL, ttl_blocks: 1000, deposit: TOKEN }));
    dev.chain.newBlock().extrinsics.forEach(ok);
    expect(dev.query(() => ServicesItems.OperatorServices.get(dev.ids.bob).length)).toBe(64);
    dev.failsCleanly(dev.pairs.ferdie, tx.request({ operators: [dev.ids.bob], resources: SMALL, ttl_blocks: 10, deposit: 1n }), 'Services.TooManyServices');
  });
});

describe('the sweep', () => {
  it('visits at most MaxSweepPerBlock services a block, continuing after its cursor, and finds every ended one', () => {
    const dev = new ServicesChain();
    for (let i = 0; i < 40; i++) dev.chain.submit(dev.pairs.ferdie, tx.request({ operators: [dev.ids.bob], resources: SMALL, ttl_blocks: 5, deposit: TOKEN }));
    const started = dev.chain.newBlock().number;
    dev.chain.runTo(started + 4);
    expect(dev.query(() => [...ServicesItems.Services.entries()].length)).toBe(40);
    const blocks = [1, 2, 3, 4].map(() => blockEvents(dev.chain.newBlock(), 'Finalization'));
    const ended = blocks.map((events) => events.filter((e) => e.type === 'ServiceTerminated').length);
    expect(ended.every((n) => n <= 16)).toBe(true);
    expect(ended.slice(0, 3).reduce((a, b) => a + b)).toBe(40);
    // However late the sweep reaches one, it is charged for its 5 blocks, not one more.
    const settled = blocks.flat().filter((e) => e.type === 'ServiceSettled').map((e) => (e.value as { charged_through: number }).charged_through);
    expect(settled).toEqual(Array(40).fill(started + 5));
    expect(dev.query(() => [...ServicesItems.Services.entries()].length)).toBe(0);
  });
});

describe('the runtime API', () => {
  it('quote prices resources now and after the pending change; operator lists the rest', () => {
    const dev = new ServicesChain();
    const now = hourlyPrice(BOB_TARGETS, SMALL)!;
    expect(dev.query(() => Services.api.quote(dev.ids.bob, SMALL))).toEqual({
      now: { per_hour: now, per_block: now / 600n, per_block_remainder: now % 600n }, after_pending_change: undefined });
    const higher = { ...BOB_TARGETS, cpu: 45_000n };
    const at = dev.block([dev.pairs.bob, tx.update_price_targets({ price_targets: higher })]).number + 14_400;
    const after = hourlyPrice(higher, SMALL)!;
    expect(dev.query(() => quote(dev.ids.bob, SMALL))).toEqual({
      now: { per_hour: now, per_block: now / 600n, per_block_remainder: now % 600n },
      after_pending_change: [{ per_hour: after, per_block: after / 600n, per_block_remainder: after % 600n }, at] });
    expect(dev.query(() => quote(dev.ids.eve, SMALL))).toBeUndefined();
    dev.request([dev.ids.bob]);
    dev.request([dev.ids.bob, dev.ids.charlie]);
    expect(dev.query(() => operator(dev.ids.bob))).toMatchObject({
      pending_change: { price_targets: higher, effective_at: at }, services: [0n], pending_requests: [1n] });
    expect(dev.query(() => Services.api.operator(dev.ids.charlie))).toMatchObject({ services: [], pending_requests: [1n] });
  });
});

describe('ServicesApi through state_call', () => {
  it('answers quote, operator and service with SCALE in and out, at a block\'s state', () => {
    const dev = new ServicesChain();
    // 20 services that expire after 3 blocks: the sweep ends 16 a block, so some wait, expired, at the head.
    for (let i = 0; i < 20; i++) dev.chain.submit(dev.pairs.ferdie, tx.request({ operators: [dev.ids.bob], resources: SMALL, ttl_blocks: 3, deposit: TOKEN }));
    const started = dev.chain.newBlock().number;
    dev.chain.runTo(started + 3);
    const ctx: ApiContext = { executive, state: dev.chain.chain.state, at: dev.chain.head };
    const call = (name: string, input: Uint8Array) => callRuntimeApi(ctx, `ServicesApi_${name}`, input);

    const quoted = Option(Quote).dec(call('quote', u8aConcat(AccountId32.enc(dev.ids.bob), Resources.enc(SMALL))));
    expect(quoted).toEqual(dev.query(() => quote(dev.ids.bob, SMALL)));
    expect(quoted?.now.per_hour).toBe(94_480n);
    expect(Option(Quote).dec(call('quote', u8aConcat(AccountId32.enc(dev.ids.eve), Resources.enc(SMALL))))).toBeUndefined();
    expect(Option(OperatorInfo).dec(call('operator', AccountId32.enc(dev.ids.charlie)))).toEqual(dev.query(() => operator(dev.ids.charlie)));

    const waiting = dev.query(() => [...ServicesItems.Services.entries()].map(([[id]]) => id));
    expect(waiting.length).toBeGreaterThanOrEqual(4);
    const paid = planck(dev, chargeBetween(hourlyPrice(BOB_TARGETS, SMALL)!, 0, 3));
    expect(Option(ServiceStatus).dec(call('service', u64.enc(waiting[0])))).toEqual({
      service: dev.query(() => ServicesItems.Services.get(waiting[0])), charged_through: started + 3, owed: paid, ends: { type: 'Expired' } });
    expect(Option(ServiceStatus).dec(call('service', u64.enc(999n)))).toBeUndefined();
    expect(() => call('quote', AccountId32.enc(dev.ids.bob))).toThrow(ApiCallError);
  });

  it('is listed in the runtime version and described in the V15 metadata', () => {
    expect(VERSION.apis).toContainEqual([apiId('ServicesApi'), 1]);
    const v15 = decAnyMetadata(buildMetadata(runtime, 15)).metadata.value as { apis: { name: string; methods: { name: string }[] }[] };
    expect(v15.apis.find((api) => api.name === 'ServicesApi')?.methods.map((m) => m.name)).toEqual(['quote', 'operator', 'service']);
  });
});

describe('the genesis config', () => {
  const dev = loadChainSpec('dev');
  const patch = (dev.genesis as { runtimeGenesis: { patch: Record<string, unknown> } }).runtimeGenesis.patch;
  const services = patch.services as { operators: [string, Record<string, unknown>][] } & Record<string, unknown>;
  const [bob, charlie] = services.operators;
  const withServices = (section: unknown) => () =>
    genesisOf(executive, parseChainSpec({ ...dev, genesis: { runtimeGenesis: { patch: { ...patch, services: section } } } }));
  const at = 'genesis.runtimeGenesis.patch.services';

  it('is optional: defaults apply and nobody is registered', () => {
    const chain = new TestChain({ ...dev, genesis: { runtimeGenesis: { patch: { ...patch, services: undefined } } } });
    expect(chain.query(() => [ServicesItems.MinNoticeBlocks.get(), ServicesItems.MaxPriceIncrease.get(), [...ServicesItems.Operators.entries()].length])).toEqual([14_400, 500_000, 0]);
  });

  it('refuses a bad section, naming the field', () => {
    expect(withServices({ ...services, noticeBlocks: 1 })).toThrow(`${at}.noticeBlocks: unknown field`);
    expect(withServices({ ...services, maxPriceIncrease: 1_000_001 })).toThrow(`${at}.maxPriceIncrease: 1000001 exceeds the maximum 1000000`);
    expect(withServices({ ...services, priceLimits: { min: { ...HIGH_JSON, cpu: 2 }, max: { ...HIGH_JSON, cpu: 1 } } }))
      .toThrow(`${at}.priceLimits: a minimum is above its maximum`);
    expect(withServices({ ...services, operators: [[bob[0], { ...bob[1], key: `0x02${'00'.repeat(31)}05` }]] }))
      .toThrow(`${at}.operators[0][1].key: "0x02${'00'.repeat(31)}05" is not a compressed secp256k1 public key`);
    expect(withServices({ ...services, operators: [[bob[0], { ...bob[1], approval: 'Maybe' }]] }))
      .toThrow(`${at}.operators[0][1].approval: expected one of "None", "Required", got "Maybe"`);
    expect(withServices({ ...services, operators: [[bob[0], { ...bob[1], price_targets: { ...HIGH_JSON, mem: 1001 } }]] }))
      .toThrow(`${at}.operators[0][1].price_targets: outside priceLimits`);
    expect(withServices({ ...services, operators: [bob, [bob[0], charlie[1]]] })).toThrow(`${at}.operators[1][0]: this account is registered twice`);
    expect(withServices({ ...services, operators: [bob, [charlie[0], bob[1]]] })).toThrow(`${at}.operators[1][1].key: another operator has this key`);
    expect(withServices({ ...services, operators: [[bob[0]]] })).toThrow(`${at}.operators[0]: expected [account, preferences]`);
  });
});
