// pallet_balances' benchmarks, each at its worst case: the recipient account is created, the
// sender's is killed where the call allows it.
import { ensure, type BenchmarkContext, type PalletBenchmarks } from '../../frame/benchmarking/index.ts';
import { Root, signed } from '../../frame/dispatch.ts';
import type { AccountId } from '../../primitives/types.ts';
import { Account } from '../../frame/system/index.ts';
import type { Currency } from '../../frame/traits.ts';
import type { createBalances } from './index.ts';

const id = (value: AccountId) => ({ type: 'Id' as const, value });

/** Balances' benchmarks, given the pallet and the Currency it implements. */
export function balancesBenchmarks(Balances: Pick<ReturnType<typeof createBalances>, 'tx'>, currency: Currency): PalletBenchmarks {
  const EXISTENTIAL_DEPOSIT = currency.minimumBalance;
  const FUNDS = 1_000_000n * EXISTENTIAL_DEPOSIT;
  const funded = (ctx: BenchmarkContext, name: string, amount = FUNDS): AccountId => {
    const who = ctx.account(name, 0);
    ctx.asRoot(Balances.tx.force_set_balance({ who: id(who), new_free: amount }));
    return who;
  };
  const free = (who: AccountId) => Account.get(who).data.free;
  const RESERVE_ID = '0x62656e63686d6b31';

  return {
    transfer_allow_death: {
      setup: (_, ctx) => {
        const [from, to] = [funded(ctx, 'sender'), ctx.account('recipient', 0)];
        return {
          origin: signed(from), call: Balances.tx.transfer_allow_death({ dest: id(to), value: FUNDS }),
          verify: () => ensure(free(to) === FUNDS && free(from) === 0n, 'the whole balance did not move'),
        };
      },
    },
    force_transfer: {
      setup: (_, ctx) => {
        const [from, to] = [funded(ctx, 'source'), ctx.account('recipient', 0)];
        return {
          origin: Root, call: Balances.tx.force_transfer({ source: id(from), dest: id(to), value: FUNDS }),
          verify: () => ensure(free(to) === FUNDS, 'the transfer did not happen'),
        };
      },
    },
    transfer_keep_alive: {
      setup: (_, ctx) => {
        const [from, to] = [funded(ctx, 'sender'), ctx.account('recipient', 0)];
        return {
          origin: signed(from), call: Balances.tx.transfer_keep_alive({ dest: id(to), value: EXISTENTIAL_DEPOSIT }),
          verify: () => ensure(free(to) === EXISTENTIAL_DEPOSIT, 'the recipient was not endowed'),
        };
      },
    },
    transfer_all: {
      setup: (_, ctx) => {
        const [from, to] = [funded(ctx, 'sender'), ctx.account('recipient', 0)];
        return {
          origin: signed(from), call: Balances.tx.transfer_all({ dest: id(to), keep_alive: false }),
          verify: () => ensure(free(from) === 0n && free(to) === FUNDS, 'not everything moved'),
        };
      },
    },
    force_unreserve: {
      setup: (_, ctx) => {
        const who = funded(ctx, 'reserver');
        currency.reserve(RESERVE_ID, who, EXISTENTIAL_DEPOSIT);
        return {
          origin: Root, call: Balances.tx.force_unreserve({ who: id(who), amount: EXISTENTIAL_DEPOSIT }),
          verify: () => ensure(Account.get(who).data.reserved === 0n, 'the reserve is still held'),
        };
      },
    },
    force_set_balance: {
      setup: (_, ctx) => {
        const who = ctx.account('target', 0);
        return {
          origin: Root, call: Balances.tx.force_set_balance({ who: id(who), new_free: FUNDS }),
          verify: () => ensure(free(who) === FUNDS, 'the balance was not set'),
        };
      },
    },
  };
}
