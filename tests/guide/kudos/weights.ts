// pallet_kudos' weights. A real pallet's weights.ts is generated from its benchmarks.
import { weight } from '../../../frame/dispatch.ts';

export const KudosWeights = {
  give: () => weight(20_000_000n, 3_000n),
};
