// The database weights (as frame_support's RocksDbWeight; the runtime's System DbWeight), generated
// by `slicechain benchmark storage`: do not edit,
// regenerate. A read is a value looked up in the node's state backend (the trie its LevelDB state
// is loaded into); a write is a key set in the trie, its share of the state root and of the block's
// atomic LevelDB batch. Measured on a store of 100000 entries; each weight is the mean wall-clock time.
// Command: npx slicechain benchmark storage
// Date: 2026-12-01T21:48:32.111Z
// CPU: AMD EPYC, cores: 2, Node v20.20.2
//   read: min 2.05 us, max 6.02 us, mean 2.50 us, median 2.19 us, p95 3.97 us, p99 6.02 us
//   write: min 19.61 us, max 32.13 us, mean 24.09 us, median 23.05 us, p95 29.97 us, p99 32.13 us
import type { Weight } from '../../primitives/types.ts';

export const DB_WEIGHT = { read: 2_501_123n, write: 24_089_208n } as const;

/** A generated weight: execution time and proof size, plus `reads` and `writes` at DB_WEIGHT. */
export const benchmarked = (refTime: bigint, proofSize: bigint, reads: bigint, writes: bigint): Weight =>
  ({ ref_time: refTime + reads * DB_WEIGHT.read + writes * DB_WEIGHT.write, proof_size: proofSize });
