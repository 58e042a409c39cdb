// The Services pallet under random operations (the simulate workload, seeded by fast-check) for
// thousands of blocks, checked after every block: issuance changes only by the fees burned, every
// planck is where the accounts say, the services reserve holds exactly the deposits, every pending
// price change applies at its block, and no service is charged past its end or after it ended.
import fc from 'fast-check';
import type { AccountId } from '../primitives/types.ts';
import { TestChain, type RuntimeEvent } from '../node/harness.ts';
import { devPairs } from '../node/keys.ts';
import { simulate } from '../node/simulate.ts';
import { servicesWorkload } from '../node/workloads/services.ts';
import { DEFAULT_PROFILE } from '../node/workloads/profiles.ts';
import { TotalIssuance, balancesCurrency } from '../pallets/balances/index.ts';
import { oraclePrice } from '../pallets/oracle/index.ts';
import { SERVICES_RESERVE } from '../pallets/services/index.ts';
import * as ServicesItems from '../pallets/services/storage.ts';
import { chargeBetween } from '../pallets/services/pricing.ts';
import type { LockedPrice } from '../pallets/services/types.ts';
import { Account } from '../frame/system/index.ts';
import { feePaid } from './support.ts';
import { Services, Sudo } from '../runtime/runtime.ts';

interface Tracked {
  startedAt: number;
  ttl: number;
  prices: LockedPrice[];
  held: bigint;
  paid: bigint;
  chargedThrough: number;
}

type Values = Record<string, unknown>;

class Invariants {
  private issuance: bigint;
  /** Operator -> the block its pending change falls due at. */
  private readonly due = new Map<AccountId, number>();
  private readonly running = new Map<bigint, Tracked>();
  readonly seen = { applied: 0, settled: 0, ended: { ByOwner: 0, OutOfFunds: 0, Expired: 0 } as Record<string, number> };

  constructor(private readonly chain: TestChain, private readonly notice: number) {
    this.issuance = chain.query(() => TotalIssuance.get());
  }

  private toPlanck(microUsd: bigint): bigint {
    return this.chain.query(() => oraclePrice.usdToPlanck(microUsd, 'down'));
  }

  check(block: number): void {
    const records = this.chain.events();
    const fees = feePaid(records.map((r) => r.event));
    this.chain.query(() => {
      const issuance = TotalIssuance.get();
      expect(issuance).toBe(this.issuance - fees);
      this.issuance = issuance;
      const accounts = [...Account.entries()];
      expect(accounts.reduce((sum, [, info]) => sum + info.data.free + info.data.reserved, 0n)).toBe(issuance);
      const held = new Map<AccountId, bigint>();
      const hold = (who: AccountId, amount: bigint) => held.set(who, (held.get(who) ?? 0n) + amount);
      for (const [, service] of ServicesItems.Services.entries()) hold(service.owner, service.balance);
      for (const [, request] of ServicesItems.ServiceRequests.entries()) hold(request.owner, request.deposit);
      for (const [[who]] of accounts) expect(balancesCurrency.reserved(SERVICES_RESERVE, who)).toBe(held.get(who) ?? 0n);
    });
    for (const { phase, event } of records) {
      if (event.type === 'Services') this.onEvent(block, phase.type, event.value as RuntimeEvent['value'] & { value: Values });
    }
    for (const effectiveAt of this.due.values()) expect(effectiveAt).toBeGreaterThan(block);
    this.chain.query(() => {
      expect(new Map([...ServicesItems.PendingPriceChanges.entries()].map(([[who], change]) => [who, change.effective_at]))).toEqual(this.due);
      const stored = [...ServicesItems.Services.entries()].map(([[id], s]) => [id, s.charged_blocks, s.balance]).sort((a, b) => Number(a[0]) - Number(b[0]));
      const tracked = [...this.running].map(([id, t]) => [id, t.chargedThrough - t.startedAt, t.held - t.paid]).sort((a, b) => Number(a[0]) - Number(b[0]));
      expect(stored).toEqual(tracked);
    });
  }

  private onEvent(block: number, phase: string, { type, value }: { type: string; value: Values }): void {
    const operator = value.operator as AccountId;
    switch (type) {
      case 'PriceChangeScheduled':
        expect(value.effective_at).toBe(block + this.notice);
        this.due.set(operator, value.effective_at as number);
        break;
      case 'PendingPriceChangeReplaced':
        expect(this.due.get(operator)).toBe(value.effective_at);
        this.due.delete(operator);
        break;
      case 'PriceChangeApplied':
        expect([phase, this.due.get(operator)]).toEqual(['Initialization', block]);
        this.due.delete(operator);
        this.seen.applied++;
        break;
      case 'OperatorUnregistered':
        this.due.delete(operator);
        break;
      case 'ServiceInitiated': {
        const service = this.chain.query(() => ServicesItems.Services.get(value.service_id as bigint))!;
        expect(service.started_at).toBe(block);
        this.running.set(value.service_id as bigint, {
          startedAt: block, ttl: service.ttl_blocks, prices: service.prices, held: service.balance, paid: 0n, chargedThrough: block,
        });
        break;
      }
      case 'ServiceSettled': {
        const tracked = this.running.get(value.service_id as bigint)!;
        const through = value.charged_through as number;
        expect(through).toBeGreaterThan(tracked.chargedThrough);
        expect(through).toBeLessThanOrEqual(Math.min(block, tracked.startedAt + tracked.ttl));
        // Each operator is paid its locked price for exactly the newly charged blocks, rounded down.
        const expected = tracked.prices.map(({ operator: to, per_hour }) =>
          [to, this.toPlanck(chargeBetween(per_hour, tracked.chargedThrough - tracked.startedAt, through - tracked.startedAt))] as const)
          .filter(([, amount]) => amount > 0n);
        expect(value.payments).toEqual(expected);
        tracked.paid += expected.reduce((sum, [, amount]) => sum + amount, 0n);
        tracked.chargedThrough = through;
        this.seen.settled++;
        break;
      }
      case 'ServiceToppedUp':
        this.running.get(value.service_id as bigint)!.held += value.amount as bigint;
        break;
      case 'ServiceTerminated': {
        const id = value.service_id as bigint;
        const tracked = this.running.get(id)!;
        const reason = (value.reason as { type: string }).type;
        // Payer debit == operator credit + refund.
        expect(tracked.paid + (value.refund as bigint)).toBe(tracked.held);
        const charged = tracked.chargedThrough - tracked.startedAt;
        if (reason === 'Expired') expect(charged).toBe(tracked.ttl);
        if (reason === 'ByOwner') expect(tracked.chargedThrough).toBe(block);
        if (reason === 'OutOfFunds') {
          const nextBlock = tracked.prices.reduce((sum, { per_hour }) => sum + this.toPlanck(chargeBetween(per_hour, charged, charged + 1)), 0n);
          expect(value.refund as bigint).toBeLessThan(nextBlock);
        }
        this.running.delete(id);
        this.seen.ended[reason]++;
        break;
      }
      default:
    }
  }
}

describe('Services under random operations', () => {
  it('keeps its invariants over 2 x 1,000 blocks of random operations', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 40 }), (seed, notice) => {
      const chain = new TestChain('dev');
      chain.submit(chain.accounts.alice, Sudo.tx.sudo({ call: Services.tx.set_notice_period({ blocks: notice }) }));
      chain.newBlock();
      const invariants = new Invariants(chain, notice);
      const report = simulate(chain.chain, {
        blocks: 1_000, seed, workloads: [servicesWorkload(DEFAULT_PROFILE.services)], accounts: devPairs(), onBlock: (block) => invariants.check(block),
      });
      expect(report.unexpected).toEqual([]);
      expect(invariants.seen.applied).toBeGreaterThan(0);
      expect(invariants.seen.settled).toBeGreaterThan(0);
      expect(Object.values(invariants.seen.ended).every((n) => n > 0)).toBe(true);
    }), { numRuns: 2 });
  });
});
