// pallet_sudo's benchmarks: the key check and bookkeeping; a dispatched call adds its own weight.
import type { BenchmarkContext, PalletBenchmarks } from '../../frame/benchmarking/index.ts';
import { signed } from '../../frame/dispatch.ts';
import type { RuntimeCallValue } from '../../frame/pallet.ts';
import type { AccountId } from '../../primitives/types.ts';
import type { createSudo } from './index.ts';

/** The cheapest call to dispatch: frame_system's remark of nothing, as FRAME's sudo benchmarks use. */
const NOOP: RuntimeCallValue = { type: 'System', value: { type: 'remark', value: { remark: new Uint8Array(0) } } };
const id = (value: AccountId) => ({ type: 'Id' as const, value });

export const sudoBenchmarks = (Sudo: ReturnType<typeof createSudo>): PalletBenchmarks => {
  /** An account made the sudo key (by Root, as a chain's governance would). */
  const keyHolder = (ctx: BenchmarkContext) => {
    const caller = ctx.account('sudo', 0);
    ctx.asRoot(Sudo.tx.set_key({ new: id(caller) }));
    return caller;
  };
  return {
    sudo: {
      setup: (_, ctx) => ({ origin: signed(keyHolder(ctx)), call: Sudo.tx.sudo({ call: NOOP }) }),
    },
    sudo_unchecked_weight: {
      setup: (_, ctx) => ({ origin: signed(keyHolder(ctx)), call: Sudo.tx.sudo_unchecked_weight({ call: NOOP, weight: { ref_time: 0n, proof_size: 0n } }) }),
    },
    set_key: {
      setup: (_, ctx) => {
        const [old, next] = [keyHolder(ctx), ctx.account('sudo', 1)];
        return {
          origin: signed(old), call: Sudo.tx.set_key({ new: id(next) }),
          verify: () => ctx.assertLastEvent({ type: 'Sudo', value: { type: 'KeyChanged', value: { old, new: next } } }),
        };
      },
    },
    sudo_as: {
      setup: (_, ctx) => ({
        origin: signed(keyHolder(ctx)), call: Sudo.tx.sudo_as({ who: id(ctx.account('target', 0)), call: NOOP }),
      }),
    },
    remove_key: {
      setup: (_, ctx) => ({
        origin: signed(keyHolder(ctx)), call: Sudo.tx.remove_key({}),
        verify: () => ctx.assertLastEvent({ type: 'Sudo', value: { type: 'KeyRemoved' } }),
      }),
    },
  };
};
