// The Services pallet's benchmarks, each at its worst case: requests and services on the most
// operators, a price change that replaces a pending one (two agendas rewritten), and the hooks at
// their per-block bounds.
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { u8aToHex } from '@polkadot/util';
import { blake2_256 } from '../../primitives/hashing.ts';
import type { AccountId } from '../../primitives/types.ts';
import { ensure, type BenchmarkContext, type PalletBenchmarks } from '../../frame/benchmarking/index.ts';
import { Root, signed } from '../../frame/dispatch.ts';
import * as System from '../../frame/system/index.ts';
import type { createServices, ServicesConfig } from './index.ts';
import {
  AgendaIncompleteSince, MinNoticeBlocks, NextRequestId, NextServiceId, Operators, PendingPriceChanges, PriceChangeAgenda, ServiceRequests,
  Services as RunningServices,
} from './storage.ts';
import { MAX_OPERATORS_PER_SERVICE, type PriceTargets, type Resources } from './types.ts';
import { TOKEN } from '../../frame/units.ts';

const FUNDS = 1_000_000n * TOKEN;
const TARGETS: PriceTargets = { cpu: 1000n, mem: 500n, storage_hdd: 50n, storage_ssd: 100n, storage_nvme: 150n };
const RAISED: PriceTargets = { ...TARGETS, cpu: 1100n };
const RESOURCES: Resources = { vcpu: 4, mem_mb: 8192, storage_gb: 200, storage_class: { type: 'Nvme' } };
const MAX_CHANGES = 32;
const MAX_SWEEP = 16;

export function servicesBenchmarks(Services: Pick<ReturnType<typeof createServices>, 'tx' | 'hooks'>, config: Pick<ServicesConfig, 'currency' | 'oracle'>): PalletBenchmarks {
  const tx = Services.tx;
  const fund = (who: AccountId) => config.currency.setBalance(who, FUNDS);
  const keyOf = (who: AccountId) => u8aToHex(secp256k1.getPublicKey(blake2_256(new TextEncoder().encode(who)), true));
  /** A funded, registered operator. */
  const operator = (ctx: BenchmarkContext, i: number, approval: 'None' | 'Required' = 'None'): AccountId => {
    const who = ctx.account('operator', i);
    fund(who);
    ctx.as(who, tx.register({ preferences: { key: keyOf(who), approval: { type: approval }, price_targets: TARGETS } }));
    return who;
  };
  const customer = (ctx: BenchmarkContext): AccountId => {
    const who = ctx.account('customer', 0);
    fund(who);
    return who;
  };
  const operators = (ctx: BenchmarkContext, count: number, approval: 'None' | 'Required' = 'None', from = 0) =>
    Array.from({ length: count }, (_, i) => operator(ctx, from + i, approval));
  const request = (ctx: BenchmarkContext, owner: AccountId, ops: AccountId[], ttl = 100_000) =>
    ctx.as(owner, tx.request({ operators: ops, resources: RESOURCES, ttl_blocks: ttl, deposit: 1_000n * TOKEN }));
  /** A service on the most operators, started `age` blocks ago, so that ending or topping it up pays every operator. */
  const agedService = (ctx: BenchmarkContext, age: number): { owner: AccountId; id: bigint } => {
    config.oracle.setPrice(2_500_000n);
    const owner = customer(ctx);
    const id = NextServiceId.get();
    request(ctx, owner, operators(ctx, MAX_OPERATORS_PER_SERVICE));
    System.Number.put(System.Number.get() + age);
    return { owner, id };
  };

  return {
    register: {
      setup: (_, ctx) => {
        const who = ctx.account('operator', 0);
        fund(who);
        return {
          origin: signed(who), call: tx.register({ preferences: { key: keyOf(who), approval: { type: 'Required' }, price_targets: TARGETS } }),
          verify: () => ensure(Operators.contains(who), 'not registered'),
        };
      },
    },
    unregister: {
      setup: (_, ctx) => {
        const who = operator(ctx, 0);
        MinNoticeBlocks.put(100);
        ctx.as(who, tx.update_price_targets({ price_targets: RAISED }));
        return { origin: signed(who), call: tx.unregister({}), verify: () => ensure(!Operators.contains(who) && !PendingPriceChanges.contains(who), 'still registered') };
      },
    },
    update_approval_preference: {
      setup: (_, ctx) => {
        const who = operator(ctx, 0);
        return {
          origin: signed(who), call: tx.update_approval_preference({ approval: { type: 'Required' } }),
          verify: () => ensure(Operators.get(who)?.approval.type === 'Required', 'the preference did not change'),
        };
      },
    },
    update_price_targets: {
      setup: (_, ctx) => {
        const who = operator(ctx, 0);
        MinNoticeBlocks.put(100);
        ctx.as(who, tx.update_price_targets({ price_targets: RAISED }));
        // Replacing the pending change at the next block: both agendas are rewritten.
        System.Number.put(System.Number.get() + 1);
        return {
          origin: signed(who), call: tx.update_price_targets({ price_targets: { ...RAISED, mem: 550n } }),
          verify: () => ensure(PendingPriceChanges.get(who)?.price_targets.mem === 550n, 'the change was not scheduled'),
        };
      },
    },
    set_price_limits: {
      setup: () => ({ origin: Root, call: tx.set_price_limits({ min: TARGETS, max: RAISED }) }),
    },
    set_notice_period: {
      setup: () => ({ origin: Root, call: tx.set_notice_period({ blocks: 600 }), verify: () => ensure(MinNoticeBlocks.get() === 600, 'not set') }),
    },
    set_max_increase: {
      setup: () => ({ origin: Root, call: tx.set_max_increase({ max_increase: 250_000 }) }),
    },
    request: {
      components: { o: [1, MAX_OPERATORS_PER_SERVICE] },
      setup: ({ o }, ctx) => {
        const ops = operators(ctx, o);
        const owner = customer(ctx);
        const id = NextServiceId.get();
        return {
          origin: signed(owner), call: tx.request({ operators: ops, resources: RESOURCES, ttl_blocks: 100_000, deposit: 1_000n * TOKEN }),
          verify: () => ensure(RunningServices.contains(id), 'the service did not start'),
        };
      },
    },
    approve: {
      setup: (_, ctx) => {
        const ops = operators(ctx, MAX_OPERATORS_PER_SERVICE, 'Required');
        const owner = customer(ctx);
        const serviceId = NextServiceId.get();
        const requestId = NextRequestId.get();
        request(ctx, owner, ops);
        const [last, ...rest] = [...ops].reverse();
        for (const op of rest) ctx.as(op, tx.approve({ request_id: requestId }));
        return { origin: signed(last), call: tx.approve({ request_id: requestId }), verify: () => ensure(RunningServices.contains(serviceId), 'the service did not start') };
      },
    },
    reject: {
      setup: (_, ctx) => {
        const ops = operators(ctx, MAX_OPERATORS_PER_SERVICE, 'Required');
        const requestId = NextRequestId.get();
        request(ctx, customer(ctx), ops);
        return { origin: signed(ops[0]), call: tx.reject({ request_id: requestId }), verify: () => ensure(!ServiceRequests.contains(requestId), 'the request remains') };
      },
    },
    cancel_request: {
      setup: (_, ctx) => {
        const owner = customer(ctx);
        const requestId = NextRequestId.get();
        request(ctx, owner, operators(ctx, MAX_OPERATORS_PER_SERVICE, 'Required'));
        return { origin: signed(owner), call: tx.cancel_request({ request_id: requestId }), verify: () => ensure(!ServiceRequests.contains(requestId), 'the request remains') };
      },
    },
    terminate: {
      setup: (_, ctx) => {
        const { owner, id } = agedService(ctx, 1_000);
        return { origin: signed(owner), call: tx.terminate({ service_id: id }), verify: () => ensure(!RunningServices.contains(id), 'the service still runs') };
      },
    },
    top_up: {
      setup: (_, ctx) => {
        const { owner, id } = agedService(ctx, 1_000);
        return { origin: signed(owner), call: tx.top_up({ service_id: id, amount: TOKEN }), verify: () => ensure(RunningServices.contains(id), 'the service ended') };
      },
    },
    on_initialize: {
      // v agendas visited (a backlog), c due price changes applied, all in the oldest agenda.
      components: { v: [1, MAX_CHANGES + 1], c: [0, MAX_CHANGES] },
      setup: ({ v, c }, ctx) => {
        const now = 10_000;
        const from = now - (v - 1);
        const ops = operators(ctx, c);
        for (const who of ops) PendingPriceChanges.insert(who, { price_targets: RAISED, effective_at: from });
        if (ops.length) PriceChangeAgenda.insert(from, ops);
        if (v > 1) AgendaIncompleteSince.put(from);
        return {
          hook: () => Services.hooks?.onInitialize?.(now),
          verify: () => ensure(ops.every((who) => Operators.get(who)?.price_targets.cpu === RAISED.cpu), 'a due change was not applied'),
        };
      },
    },
    on_idle: {
      // s services swept, each ended (its time is up) and settled with the most operators, its
      // own (no operator account shared between services: each service pays its full share).
      components: { s: [0, MAX_SWEEP] },
      setup: ({ s }, ctx) => {
        config.oracle.setPrice(2_500_000n);
        const owner = customer(ctx);
        for (let i = 0; i < s; i++) request(ctx, owner, operators(ctx, MAX_OPERATORS_PER_SERVICE, 'None', i * MAX_OPERATORS_PER_SERVICE), 50);
        const now = System.Number.get() + 50;
        const max = { ref_time: 2n * 10n ** 12n, proof_size: 5n * 1024n * 1024n };
        return {
          hook: () => Services.hooks?.onIdle?.(now, max),
          verify: () => ensure(RunningServices.page(1).entries.length === 0, 'a service survived its end'),
        };
      },
    },
  };
}

