// The database weights (as frame_support's RocksDbWeight; the runtime's System DbWeight), generated
// by `slicechain benchmark storage`: do not edit,
// regenerate. A read is a value looked up in the node's state backend (the trie its LevelDB state
// is loaded into); a write is a key set in the trie, its share of the state root and of the block's
// atomic LevelDB batch. Measured on a store of 100000 entries; each weight is the mean CPU time.
// Command: npx slicechain benchmark storage
// Date: 2026-12-01T04:35:20.924Z
// CPU: Intel(R) Xeon(R) Processor, cores: 2, Node v20.20.2
//   read: min 3.88 us, max 9.23 us, mean 5.36 us, median 4.24 us, p95 9.20 us, p99 9.23 us
//   write: min 38.08 us, max 79.32 us, mean 60.59 us, median 60.91 us, p95 73.34 us, p99 79.32 us
import type { Weight } from '../../primitives/types.ts';

export const DB_WEIGHT = { read: 5_355_350n, write: 60_590_500n } as const;

/** A generated weight: execution time and proof size, plus `reads` and `writes` at DB_WEIGHT. */
export const benchmarked = (refTime: bigint, proofSize: bigint, reads: bigint, writes: bigint): Weight =>
  ({ ref_time: refTime + reads * DB_WEIGHT.read + writes * DB_WEIGHT.write, proof_size: proofSize });
