// The database weights (as frame_support's RocksDbWeight; the runtime's System DbWeight), generated
// by `slicechain benchmark storage`: do not edit,
// regenerate. A read is a value looked up in the node's state backend (the trie its LevelDB state
// is loaded into); a write is a key set in the trie, its share of the state root and of the block's
// atomic LevelDB batch, with the history record the batch also holds (the change and its undo entry).
// Measured on a store of 100000 entries; the samples are wall-clock times.
// Command: npx slicechain benchmark storage --metric p95
// Date: 2026-12-02T14:23:27.387Z
// CPU: Intel(R) Xeon(R) Processor, cores: 2, Node v20.20.2
// Each weight is the p95 of its samples, multiplied by 1 and 0 ns added (--metric, --mul, --add).
//   read: min 2.18 us, max 6.17 us, mean 2.60 us, median 2.32 us, p75 2.52 us, p95 2.99 us, p99 6.17 us
//   write: min 21.51 us, max 50.45 us, mean 25.55 us, median 22.97 us, p75 25.20 us, p95 33.99 us, p99 50.45 us
import type { Weight } from '../../primitives/types.ts';

export const DB_WEIGHT = { read: 2_988_057n, write: 33_986_356n } as const;

/** A generated weight: execution time and proof size, plus `reads` and `writes` at DB_WEIGHT. */
export const benchmarked = (refTime: bigint, proofSize: bigint, reads: bigint, writes: bigint): Weight =>
  ({ ref_time: refTime + reads * DB_WEIGHT.read + writes * DB_WEIGHT.write, proof_size: proofSize });
