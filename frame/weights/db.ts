// The database weights (as frame_support's RocksDbWeight; the runtime's System DbWeight), generated
// by `slicechain benchmark storage`: do not edit,
// regenerate. A read is a value looked up in the node's state backend (the trie its LevelDB state
// is loaded into); a write is a key set in the trie, its share of the state root and of the block's
// atomic LevelDB batch. Measured on a store of 100000 entries; each weight is the mean CPU time.
// Command: npx slicechain benchmark storage
// Date: 2026-12-01T07:34:44.356Z
// CPU: Intel(R) Xeon(R) Processor, cores: 2, Node v20.20.2
//   read: min 3.58 us, max 13.04 us, mean 5.36 us, median 3.78 us, p95 9.51 us, p99 13.04 us
//   write: min 24.63 us, max 78.64 us, mean 40.24 us, median 35.29 us, p95 63.69 us, p99 78.64 us
import type { Weight } from '../../primitives/types.ts';

export const DB_WEIGHT = { read: 5_359_250n, write: 40_241_000n } as const;

/** A generated weight: execution time and proof size, plus `reads` and `writes` at DB_WEIGHT. */
export const benchmarked = (refTime: bigint, proofSize: bigint, reads: bigint, writes: bigint): Weight =>
  ({ ref_time: refTime + reads * DB_WEIGHT.read + writes * DB_WEIGHT.write, proof_size: proofSize });
