// The database weights (as frame_support's RocksDbWeight; the runtime's System DbWeight), generated
// by `slicechain benchmark storage`: do not edit,
// regenerate. A read is a value looked up in the node's state backend (the trie its LevelDB state
// is loaded into); a write is a key set in the trie, its share of the state root and of the block's
// atomic LevelDB batch, with the history record the batch also holds (the change and its undo entry).
// Measured on a store of 100000 entries; the samples are wall-clock times.
// Command: npx slicechain benchmark storage --metric p95
// Date: 2026-12-02T10:36:42.960Z
// CPU: AMD EPYC, cores: 2, Node v20.20.2
// Each weight is the p95 of its samples, multiplied by 1 and 0 ns added (--metric, --mul, --add).
//   read: min 2.34 us, max 7.21 us, mean 3.05 us, median 2.59 us, p75 2.76 us, p95 4.95 us, p99 7.21 us
//   write: min 24.84 us, max 45.32 us, mean 30.63 us, median 29.44 us, p75 30.69 us, p95 39.21 us, p99 45.32 us
import type { Weight } from '../../primitives/types.ts';

export const DB_WEIGHT = { read: 4_948_945n, write: 39_208_560n } as const;

/** A generated weight: execution time and proof size, plus `reads` and `writes` at DB_WEIGHT. */
export const benchmarked = (refTime: bigint, proofSize: bigint, reads: bigint, writes: bigint): Weight =>
  ({ ref_time: refTime + reads * DB_WEIGHT.read + writes * DB_WEIGHT.write, proof_size: proofSize });
