// The slicechain runtime: construct_runtime's pallet list, the version, block limits and the
// signed extensions, wired as a FRAME runtime crate wires them.
import { lazy } from '../primitives/scale.ts';
import {
  CheckGenesis, CheckMortality, CheckNonZeroSender, CheckNonce, checkWeight, versionCheck,
} from '../frame/system/extensions.ts';
import { createSystem } from '../frame/system/index.ts';
import { blockLengthWithNormalRatio, sensibleBlockWeights } from '../frame/system/limits.ts';
import type { RuntimeVersion } from '../frame/system/types.ts';
import { Timestamp } from '../pallets/timestamp/index.ts';
import { Balances, balancesCurrency } from '../pallets/balances/index.ts';
import { createTransactionPayment } from '../pallets/transaction-payment/index.ts';
import { createSudo } from '../pallets/sudo/index.ts';
import { Oracle, oraclePrice } from '../pallets/oracle/index.ts';
import { createServices } from '../pallets/services/index.ts';
import { servicesApi } from '../pallets/services/runtime-api.ts';
import { createSliceMarketplace } from '../pallets/slice-marketplace/index.ts';
import { apiVersions, runtimeTypes, standardApis, transactionPaymentApi } from '../frame/apis.ts';
import { constructRuntime } from '../frame/construct.ts';
import { WEIGHT_REF_TIME_PER_MICROS, WEIGHT_REF_TIME_PER_SECOND, weight } from '../frame/dispatch.ts';
import { Executive } from '../frame/executive.ts';

const SliceMarketplace = createSliceMarketplace({ currency: balancesCurrency, oracle: oraclePrice });

/** The runtime APIs state_call reaches, as impl_runtime_apis lists them. */
const apiTypes = runtimeTypes(() => runtime);
export const RUNTIME_APIS = [
  ...standardApis(apiTypes),
  transactionPaymentApi(apiTypes, () => TransactionPayment),
  servicesApi(() => Services),
  SliceMarketplace.runtimeApi,
];

export const VERSION: RuntimeVersion = {
  spec_name: 'slicechain',
  impl_name: 'slicechain-node',
  authoring_version: 1,
  spec_version: 100,
  impl_version: 1,
  apis: apiVersions(RUNTIME_APIS),
  transaction_version: 1,
  system_version: 1,
};

/** 2 s of execution per 6 s block, 75% of it for normal extrinsics, as the substrate node template. */
export const LIMITS = {
  blockWeights: sensibleBlockWeights(
    weight(2n * WEIGHT_REF_TIME_PER_SECOND, (1n << 64n) - 1n),
    75n,
    // PLACEHOLDER (not yet benchmarked): an empty block's initialize/finalize, one extrinsic's decode + signature check.
    weight(1_000n * WEIGHT_REF_TIME_PER_MICROS),
    weight(150n * WEIGHT_REF_TIME_PER_MICROS),
  ),
  blockLength: blockLengthWithNormalRatio(5 * 1024 * 1024, 75),
};

export const BLOCK_HASH_COUNT = 4096;
export const SS58_PREFIX = 42;

const System = createSystem({
  version: VERSION,
  ...LIMITS,
  blockHashCount: BLOCK_HASH_COUNT,
  dbWeight: { read: 25n * WEIGHT_REF_TIME_PER_MICROS, write: 100n * WEIGHT_REF_TIME_PER_MICROS },
  ss58Prefix: SS58_PREFIX,
  runtimeEvent: lazy(() => runtime.RuntimeEvent, 'RuntimeEvent'),
});

const TransactionPayment = createTransactionPayment({ currency: balancesCurrency, limits: LIMITS, runtime: () => runtime });

const Sudo = createSudo({
  runtimeCall: lazy(() => runtime.RuntimeCall, 'RuntimeCall'),
  dispatch: (origin, call) => runtime.dispatch(origin, call),
  dispatchInfo: (call) => runtime.dispatchInfo(call),
});

export const Services = createServices({ currency: balancesCurrency, oracle: oraclePrice });

export const runtime = constructRuntime({
  name: 'slicechain_runtime',
  pallets: [
    [0, System],
    [1, Timestamp],
    [2, Balances],
    [3, TransactionPayment],
    [4, Sudo],
    [5, Oracle],
    [10, Services],
    [11, SliceMarketplace],
  ],
  extensions: [
    CheckNonZeroSender,
    versionCheck('CheckSpecVersion', VERSION.spec_version),
    versionCheck('CheckTxVersion', VERSION.transaction_version),
    CheckGenesis,
    CheckMortality,
    CheckNonce,
    checkWeight(LIMITS),
    TransactionPayment.chargeTransactionPayment,
  ],
  version: VERSION,
  limits: LIMITS,
  blockHashCount: BLOCK_HASH_COUNT,
  inherents: ({ timestamp }) => [Timestamp.tx.set({ now: timestamp })],
  apis: RUNTIME_APIS,
});

export const executive = new Executive(runtime);
export { System, Timestamp, Balances, TransactionPayment, Sudo, Oracle, SliceMarketplace };
