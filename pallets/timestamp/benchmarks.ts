// pallet_timestamp's benchmarks: the inherent, and the finalize check it pays for in on_initialize.
import { ensure, type PalletBenchmarks } from '../../frame/benchmarking/index.ts';
import { NoneOrigin } from '../../frame/dispatch.ts';
import { MILLISECS_PER_BLOCK } from '../../frame/units.ts';
import type { createTimestamp, DidUpdate as DidUpdateItem, Now as NowItem } from './index.ts';

/** Timestamp's benchmarks, given the pallet and the storage items they set up and check. */
export function timestampBenchmarks(Timestamp: ReturnType<typeof createTimestamp>, { Now, DidUpdate }: { Now: typeof NowItem; DidUpdate: typeof DidUpdateItem }): PalletBenchmarks {
  return {
    set: {
      setup: () => {
        const now = Now.get() + MILLISECS_PER_BLOCK;
        return {
          origin: NoneOrigin, call: Timestamp.tx.set({ now }),
          verify: () => ensure(Now.get() === now && DidUpdate.get(), 'the time was not set'),
        };
      },
    },
    on_finalize: {
      setup: (_, ctx) => {
        DidUpdate.put(true);
        const number = ctx.runtime.pallets.length; // any block number: the hook does not read it
        return {
          hook: () => Timestamp.hooks?.onFinalize?.(number),
          verify: () => ensure(!DidUpdate.get(), 'DidUpdate was not cleared'),
        };
      },
    },
  };
}
