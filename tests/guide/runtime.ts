// The guide's test runtime: the base runtime, and the Kudos pallet in its list. What the guide
// adds here: the import, the pallet created with its config, and its one line in the list (its
// runtime API and benchmarks come with its declaration).
import { Executive } from '../../frame/executive.ts';
import { U64_MAX, weight } from '../../frame/dispatch.ts';
import { blockLengthWithNormalRatio, sensibleBlockWeights } from '../../frame/system/limits.ts';
import { basePallets, constructBaseRuntime, type BaseRuntimeConfig } from '../../runtime/base-runtime.ts';
import { createKudos } from './kudos/index.ts';

const CONFIG: BaseRuntimeConfig = {
  name: 'guide_runtime',
  version: { spec_name: 'guide', impl_name: 'guide', authoring_version: 1, spec_version: 1, impl_version: 1, transaction_version: 1, system_version: 1 },
  limits: {
    blockWeights: sensibleBlockWeights(weight(2_000_000_000_000n, U64_MAX), 75n, weight(5_000_000_000n), weight(100_000_000n)),
    blockLength: blockLengthWithNormalRatio(5 * 1024 * 1024, 75),
  },
  blockHashCount: 4096,
  dbWeight: { read: 25_000_000n, write: 100_000_000n },
  ss58Prefix: 42,
};

const base = basePallets(CONFIG, () => runtime);
export const Kudos = createKudos({});
export const runtime = constructBaseRuntime(CONFIG, base, [
  [20, Kudos],
]);
export const executive = new Executive(runtime);
