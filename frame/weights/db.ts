// The database weights (as frame_support's RocksDbWeight; the runtime's System DbWeight), generated
// by `slicechain benchmark storage`: do not edit,
// regenerate. A read is a value looked up in the node's state backend (the trie its LevelDB state
// is loaded into); a write is a key set in the trie, its share of the state root and of the block's
// atomic LevelDB batch. Measured on a store of 100000 entries; each weight is the mean CPU time.
// Command: npx slicechain benchmark storage
// Date: 2026-12-01T01:42:09.693Z
// CPU: Intel(R) Xeon(R) Processor, cores: 2, Node v20.20.2
//   read: min 2.75 us, max 8.16 us, mean 3.84 us, median 2.98 us, p95 7.62 us, p99 8.16 us
//   write: min 38.54 us, max 68.73 us, mean 50.80 us, median 50.37 us, p95 60.85 us, p99 68.73 us
import type { Weight } from '../../primitives/types.ts';

export const DB_WEIGHT = { read: 3_839_900n, write: 50_797_500n } as const;

/** A generated weight: execution time and proof size, plus `reads` and `writes` at DB_WEIGHT. */
export const benchmarked = (refTime: bigint, proofSize: bigint, reads: bigint, writes: bigint): Weight =>
  ({ ref_time: refTime + reads * DB_WEIGHT.read + writes * DB_WEIGHT.write, proof_size: proofSize });
