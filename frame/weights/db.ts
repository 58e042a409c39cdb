// The database weights (as frame_support's RocksDbWeight; the runtime's System DbWeight), generated
// by `slicechain benchmark storage`: do not edit,
// regenerate. A read is a value looked up in the node's state backend (the trie its LevelDB state
// is loaded into); a write is a key set in the trie, its share of the state root and of the block's
// atomic LevelDB batch. Measured on a store of 100000 entries; each weight is the mean CPU time.
// Command: npx slicechain benchmark storage
// Date: 2026-12-01T07:14:12.158Z
// CPU: Intel(R) Xeon(R) Processor, cores: 2, Node v20.20.2
//   read: min 4.20 us, max 9.57 us, mean 6.02 us, median 4.63 us, p95 8.95 us, p99 9.57 us
//   write: min 28.43 us, max 148.28 us, mean 57.59 us, median 48.69 us, p95 80.67 us, p99 148.28 us
import type { Weight } from '../../primitives/types.ts';

export const DB_WEIGHT = { read: 6_019_950n, write: 57_586_700n } as const;

/** A generated weight: execution time and proof size, plus `reads` and `writes` at DB_WEIGHT. */
export const benchmarked = (refTime: bigint, proofSize: bigint, reads: bigint, writes: bigint): Weight =>
  ({ ref_time: refTime + reads * DB_WEIGHT.read + writes * DB_WEIGHT.write, proof_size: proofSize });
