// The Oracle pallet's benchmark.
import type { PalletBenchmarks } from '../../frame/benchmarking/index.ts';
import { Root } from '../../frame/dispatch.ts';
import type { createOracle } from './index.ts';

export function oracleBenchmarks(Oracle: Pick<ReturnType<typeof createOracle>, 'tx'>): PalletBenchmarks {
  return {
    set_price: {
      setup: (_, ctx) => ({
        origin: Root, call: Oracle.tx.set_price({ price: 1_234_567n }),
        verify: () => ctx.assertLastEvent({ type: 'Oracle', value: { type: 'PriceSet', value: { price: 1_234_567n } } }),
      }),
    },
  };
}
