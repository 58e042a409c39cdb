// The database weights (as frame_support's RocksDbWeight; the runtime's System DbWeight), generated
// by `slicechain benchmark storage`: do not edit,
// regenerate. A read is a value looked up in the node's state backend (the trie its LevelDB state
// is loaded into); a write is a key set in the trie, its share of the state root and of the block's
// atomic LevelDB batch, with the history record the batch also holds (the change and its undo entry).
// Measured on a store of 100000 entries; each weight is the mean wall-clock time.
// Command: npx slicechain benchmark storage
// Date: 2026-12-02T03:03:14.652Z
// CPU: AMD EPYC, cores: 2, Node v20.20.2
//   read: min 2.60 us, max 7.81 us, mean 3.40 us, median 2.84 us, p95 7.76 us, p99 7.81 us
//   write: min 29.38 us, max 44.08 us, mean 36.09 us, median 35.84 us, p95 43.71 us, p99 44.08 us
import type { Weight } from '../../primitives/types.ts';

export const DB_WEIGHT = { read: 3_396_436n, write: 36_088_861n } as const;

/** A generated weight: execution time and proof size, plus `reads` and `writes` at DB_WEIGHT. */
export const benchmarked = (refTime: bigint, proofSize: bigint, reads: bigint, writes: bigint): Weight =>
  ({ ref_time: refTime + reads * DB_WEIGHT.read + writes * DB_WEIGHT.write, proof_size: proofSize });
