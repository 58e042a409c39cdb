// The guide runtime's define_benchmarks list (as runtime/benchmarks.ts is slicechain's): the one
// line the guide adds for the Kudos benchmark. Kept apart from runtime.ts, so that the runtime a
// node executes does not load benchmark code.
import type { BenchmarkedPallet } from '../../frame/benchmarking/index.ts';
import { kudosBenchmarks } from './kudos/benchmarks.ts';
import { Kudos } from './runtime.ts';

export const BENCHMARKS: readonly BenchmarkedPallet[] = [
  { pallet: Kudos, dir: 'tests/guide/kudos', weightsName: 'KudosWeights', benchmarks: kudosBenchmarks(Kudos) },
];
