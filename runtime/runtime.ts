// The slicechain runtime: construct_runtime's pallet list, the version, block limits and the
// signed extensions, wired as a FRAME runtime crate wires them. The base pallets (System,
// Timestamp, Balances, TransactionPayment, Sudo) and the standard extensions come from
// base-runtime.ts; the runtime's own pallets follow. The runtime APIs are the pallets' own,
// collected by constructRuntime.
import { WEIGHT_REF_TIME_PER_SECOND, U64_MAX, weight } from '../frame/dispatch.ts';
import { blockLengthWithNormalRatio, sensibleBlockWeights } from '../frame/system/limits.ts';
import { createOracle } from '../pallets/oracle/index.ts';
import { createServices } from '../pallets/services/index.ts';
import { createSliceMarketplace } from '../pallets/slice-marketplace/index.ts';
import { Executive } from '../frame/executive.ts';
import { basePallets, constructBaseRuntime, type BaseRuntimeConfig } from './base-runtime.ts';
import { DB_WEIGHT } from '../frame/weights/db.ts';
import { BLOCK_EXECUTION_WEIGHT, EXTRINSIC_BASE_WEIGHT, EXTRINSIC_BYTE_WEIGHT, SIGNATURE_CHECK_WEIGHTS } from './weights/overhead.ts';

/** 2 s of execution per 6 s block, 75% of it for normal extrinsics, as the substrate node template. */
export const LIMITS = {
  blockWeights: sensibleBlockWeights(
    weight(2n * WEIGHT_REF_TIME_PER_SECOND, U64_MAX),
    75n,
    BLOCK_EXECUTION_WEIGHT,
    EXTRINSIC_BASE_WEIGHT,
  ),
  blockLength: blockLengthWithNormalRatio(5 * 1024 * 1024, 75),
};

export const BLOCK_HASH_COUNT = 4096;
export const SS58_PREFIX = 42;

const CONFIG: BaseRuntimeConfig = {
  name: 'slicechain_runtime',
  version: {
    spec_name: 'slicechain',
    impl_name: 'slicechain-node',
    authoring_version: 1,
    spec_version: 100,
    impl_version: 1,
    transaction_version: 1,
    system_version: 1,
  },
  limits: LIMITS,
  blockHashCount: BLOCK_HASH_COUNT,
  dbWeight: DB_WEIGHT,
  ss58Prefix: SS58_PREFIX,
  signatureWeights: SIGNATURE_CHECK_WEIGHTS,
  extrinsicByteWeight: EXTRINSIC_BYTE_WEIGHT,
};

export const { System, Timestamp, Balances, TransactionPayment, Sudo } = basePallets(CONFIG, () => runtime);
export const Oracle = createOracle({});
export const Services = createServices({ currency: Balances.currency, oracle: Oracle.priceOracle });
export const SliceMarketplace = createSliceMarketplace({ currency: Balances.currency, oracle: Oracle.priceOracle });

export const runtime = constructBaseRuntime(CONFIG, { System, Timestamp, Balances, TransactionPayment, Sudo }, [
  [5, Oracle],
  [10, Services],
  [11, SliceMarketplace],
]);

/** The version, its `apis` derived from the runtime's APIs. */
export const VERSION = runtime.version;
export const executive = new Executive(runtime);
