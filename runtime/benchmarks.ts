// define_benchmarks: the pallets of this runtime that `slicechain benchmark pallet` measures, with
// their benchmarks and where their generated weights go. Kept out of runtime.ts so that the
// runtime a node executes does not load benchmark code.
import type { BenchmarkCalls, BenchmarkedPallet } from '../frame/benchmarking/index.ts';
import { systemBenchmarks } from '../frame/system/benchmarks.ts';
import { timestampBenchmarks } from '../pallets/timestamp/benchmarks.ts';
import { balancesBenchmarks } from '../pallets/balances/benchmarks.ts';
import { sudoBenchmarks } from '../pallets/sudo/benchmarks.ts';
import { oracleBenchmarks } from '../pallets/oracle/benchmarks.ts';
import { servicesBenchmarks } from '../pallets/services/benchmarks.ts';
import { sliceMarketplaceBenchmarks } from '../pallets/slice-marketplace/benchmarks.ts';
import { Balances, Oracle, Services, SliceMarketplace, Sudo, System, Timestamp } from './runtime.ts';

const calls: BenchmarkCalls = {
  setBalance: (who, amount) => Balances.tx.force_set_balance({ who: { type: 'Id', value: who }, new_free: amount }),
  setTokenPrice: (price) => Oracle.tx.set_price({ price }),
};

export const BENCHMARKS: readonly BenchmarkedPallet[] = [
  { pallet: System, dir: 'frame/system', weightsName: 'SystemWeights', benchmarks: systemBenchmarks(System) },
  { pallet: Timestamp, dir: 'pallets/timestamp', weightsName: 'TimestampWeights', benchmarks: timestampBenchmarks(Timestamp) },
  { pallet: Balances, dir: 'pallets/balances', weightsName: 'BalancesWeights', benchmarks: balancesBenchmarks(Balances) },
  { pallet: Sudo, dir: 'pallets/sudo', weightsName: 'SudoWeights', benchmarks: sudoBenchmarks(Sudo, System.tx.remark({ remark: new Uint8Array(0) })) },
  { pallet: Oracle, dir: 'pallets/oracle', weightsName: 'OracleWeights', benchmarks: oracleBenchmarks(Oracle) },
  { pallet: Services, dir: 'pallets/services', weightsName: 'ServicesWeights', benchmarks: servicesBenchmarks(Services, calls) },
  { pallet: SliceMarketplace, dir: 'pallets/slice-marketplace', weightsName: 'SliceMarketplaceWeights', benchmarks: sliceMarketplaceBenchmarks(SliceMarketplace, calls) },
];
