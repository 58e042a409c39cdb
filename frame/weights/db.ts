// The database weights (as frame_support's RocksDbWeight; the runtime's System DbWeight), generated
// by `slicechain benchmark storage`: do not edit,
// regenerate. A read is a value looked up in the node's state backend (the trie its LevelDB state
// is loaded into); a write is a key set in the trie, its share of the state root and of the block's
// atomic LevelDB batch. Measured on a store of 100000 entries; each weight is the mean CPU time.
// Command: npx slicechain benchmark storage
// Date: 2026-11-30T23:03:25.220Z
// CPU: Intel(R) Xeon(R) Processor, cores: 2, Node v20.20.2
//   read: min 1.76 us, max 8.22 us, mean 2.67 us, median 2.14 us, p95 6.01 us, p99 8.22 us
//   write: min 23.88 us, max 48.08 us, mean 34.81 us, median 34.59 us, p95 45.53 us, p99 48.08 us
import type { Weight } from '../../primitives/types.ts';

export const DB_WEIGHT = { read: 2_673_100n, write: 34_805_550n } as const;

/** A generated weight: execution time and proof size, plus `reads` and `writes` at DB_WEIGHT. */
export const benchmarked = (refTime: bigint, proofSize: bigint, reads: bigint, writes: bigint): Weight =>
  ({ ref_time: refTime + reads * DB_WEIGHT.read + writes * DB_WEIGHT.write, proof_size: proofSize });
