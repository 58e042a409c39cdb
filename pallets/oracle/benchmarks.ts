// The Oracle pallet's benchmark.
import { ensure, type PalletBenchmarks } from '../../frame/benchmarking/index.ts';
import { Root } from '../../frame/dispatch.ts';
import { Price, type createOracle } from './index.ts';

export function oracleBenchmarks(Oracle: ReturnType<typeof createOracle>): PalletBenchmarks {
  return {
    set_price: {
      setup: () => ({
        origin: Root, call: Oracle.tx.set_price({ price: 1_234_567n }),
        verify: () => ensure(Price.get() === 1_234_567n, 'the price was not set'),
      }),
    },
  };
}
