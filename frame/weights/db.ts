// The database weights (as frame_support's RocksDbWeight; the runtime's System DbWeight), generated
// by `slicechain benchmark storage`: do not edit,
// regenerate. A read is a value looked up in the node's state backend (the trie its LevelDB state
// is loaded into); a write is a key set in the trie, its share of the state root and of the block's
// atomic LevelDB batch, with the history record the batch also holds (the change and its undo entry).
// Measured on a store of 100000 entries; the samples are wall-clock times.
// Command: npx slicechain benchmark storage --metric p95
// Date: 2026-12-02T07:40:52.404Z
// CPU: AMD EPYC, cores: 2, Node v20.20.2
// Each weight is the p95 of its samples, multiplied by 1 and 0 ns added (--metric, --mul, --add).
//   read: min 2.65 us, max 4.47 us, mean 3.05 us, median 2.98 us, p75 3.10 us, p95 3.25 us, p99 4.47 us
//   write: min 31.26 us, max 44.44 us, mean 35.44 us, median 34.41 us, p75 36.96 us, p95 42.48 us, p99 44.44 us
import type { Weight } from '../../primitives/types.ts';

export const DB_WEIGHT = { read: 3_251_393n, write: 42_484_319n } as const;

/** A generated weight: execution time and proof size, plus `reads` and `writes` at DB_WEIGHT. */
export const benchmarked = (refTime: bigint, proofSize: bigint, reads: bigint, writes: bigint): Weight =>
  ({ ref_time: refTime + reads * DB_WEIGHT.read + writes * DB_WEIGHT.write, proof_size: proofSize });
