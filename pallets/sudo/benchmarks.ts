// pallet_sudo's benchmarks: the key check and bookkeeping; a dispatched call adds its own weight.
import { ensure, type BenchmarkContext, type PalletBenchmarks } from '../../frame/benchmarking/index.ts';
import { signed } from '../../frame/dispatch.ts';
import type { RuntimeCallValue } from '../../frame/pallet.ts';
import { Key, type createSudo } from './index.ts';

export const sudoBenchmarks = (Sudo: ReturnType<typeof createSudo>, noop: RuntimeCallValue): PalletBenchmarks => {
  const keyHolder = (ctx: BenchmarkContext) => {
    const caller = ctx.account('sudo', 0);
    Key.put(caller);
    return caller;
  };
  return {
    sudo: {
      setup: (_, ctx) => ({ origin: signed(keyHolder(ctx)), call: Sudo.tx.sudo({ call: noop }) }),
    },
    sudo_unchecked_weight: {
      setup: (_, ctx) => ({ origin: signed(keyHolder(ctx)), call: Sudo.tx.sudo_unchecked_weight({ call: noop, weight: { ref_time: 0n, proof_size: 0n } }) }),
    },
    set_key: {
      setup: (_, ctx) => {
        const next = ctx.account('sudo', 1);
        return {
          origin: signed(keyHolder(ctx)), call: Sudo.tx.set_key({ new: { type: 'Id', value: next } }),
          verify: () => ensure(Key.get() === next, 'the key did not change'),
        };
      },
    },
    sudo_as: {
      setup: (_, ctx) => ({
        origin: signed(keyHolder(ctx)), call: Sudo.tx.sudo_as({ who: { type: 'Id', value: ctx.account('target', 0) }, call: noop }),
      }),
    },
    remove_key: {
      setup: (_, ctx) => ({
        origin: signed(keyHolder(ctx)), call: Sudo.tx.remove_key({}),
        verify: () => ensure(Key.get() === undefined, 'the key is still set'),
      }),
    },
  };
};
