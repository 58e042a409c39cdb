// frame_system::limits: the block's weight and length budgets per dispatch class, built as
// BlockWeights::with_sensible_defaults and BlockLength::max_with_normal_ratio do.
import type { Weight } from '../../primitives/types.ts';
import { subWeight } from '../dispatch.ts';
import type { BlockLength, BlockWeights } from './types.ts';

const scale = (w: Weight, percent: bigint): Weight => ({ ref_time: (w.ref_time * percent) / 100n, proof_size: (w.proof_size * percent) / 100n });

/**
 * Normal extrinsics get `normalPercent` of the block; operational ones the whole block, with the
 * rest reserved for them; 10% of the block is kept for initialization when sizing one extrinsic.
 */
export function sensibleBlockWeights(maxBlock: Weight, normalPercent: bigint, baseBlock: Weight, baseExtrinsic: Weight): BlockWeights {
  const normalTotal = scale(maxBlock, normalPercent);
  const initialization = scale(maxBlock, 10n);
  const maxExtrinsic = (total: Weight) => subWeight(subWeight(total, initialization), baseExtrinsic);
  return {
    base_block: baseBlock,
    max_block: maxBlock,
    per_class: {
      normal: { base_extrinsic: baseExtrinsic, max_extrinsic: maxExtrinsic(normalTotal), max_total: normalTotal, reserved: undefined },
      operational: { base_extrinsic: baseExtrinsic, max_extrinsic: maxExtrinsic(maxBlock), max_total: maxBlock, reserved: subWeight(maxBlock, normalTotal) },
      mandatory: { base_extrinsic: baseExtrinsic, max_extrinsic: undefined, max_total: undefined, reserved: undefined },
    },
  };
}

/** `max` bytes for operational and mandatory extrinsics, `normalPercent` of it for normal ones. */
export const blockLengthWithNormalRatio = (max: number, normalPercent: number): BlockLength => ({
  max: { normal: Math.floor((max * normalPercent) / 100), operational: max, mandatory: max },
});
