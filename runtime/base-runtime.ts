// The base of every runtime here, wired from one config: System, Timestamp, Balances,
// TransactionPayment and Sudo at indices 0-4, the standard signed extensions, the timestamp
// inherent and the standard runtime APIs. A runtime adds its own pallets (index 5 and up); the
// slicechain runtime, the test runtimes and the executive tests all start from here.
import { lazy } from '../primitives/scale.ts';
import { standardApis } from '../frame/apis.ts';
import { constructRuntime, type Runtime, type RuntimeSpec } from '../frame/construct.ts';
import type { AnyPallet } from '../frame/pallet.ts';
import {
  CheckGenesis, CheckMortality, CheckNonZeroSender, CheckNonce, checkWeight, versionCheck, type WeightLimits,
} from '../frame/system/extensions.ts';
import { createSystem } from '../frame/system/index.ts';
import type { RuntimeVersion } from '../frame/system/types.ts';
import { createTimestamp } from '../pallets/timestamp/index.ts';
import { createBalances } from '../pallets/balances/index.ts';
import { createTransactionPayment } from '../pallets/transaction-payment/index.ts';
import { createSudo } from '../pallets/sudo/index.ts';

export interface BaseRuntimeConfig {
  /** The runtime crate, for the outer enums' paths: `<name>::RuntimeCall`. */
  name: string;
  /** The version; its `apis` are derived from the runtime's APIs. */
  version: Omit<RuntimeVersion, 'apis'>;
  limits: WeightLimits;
  blockHashCount: number;
  dbWeight: { read: bigint; write: bigint };
  ss58Prefix: number;
  /** What a signature check of each scheme adds to a signed extrinsic's weight (RuntimeSpec.signatureWeights). */
  signatureWeights?: RuntimeSpec['signatureWeights'];
  /** What each byte of an extrinsic adds to its weight (RuntimeSpec.extrinsicByteWeight). */
  extrinsicByteWeight?: RuntimeSpec['extrinsicByteWeight'];
}

/**
 * The base pallets, built before the runtime's own pallets (which take Balances as their Currency).
 * `runtime` is a lazy reference to the runtime they end up in.
 */
export function basePallets(config: BaseRuntimeConfig, runtime: () => Runtime) {
  const System = createSystem({
    version: () => runtime().version,
    blockWeights: config.limits.blockWeights,
    blockLength: config.limits.blockLength,
    blockHashCount: config.blockHashCount,
    dbWeight: config.dbWeight,
    ss58Prefix: config.ss58Prefix,
    runtimeEvent: lazy(() => runtime().RuntimeEvent, 'RuntimeEvent'),
  });
  const Timestamp = createTimestamp({});
  const Balances = createBalances({});
  const TransactionPayment = createTransactionPayment({ currency: Balances.currency, limits: config.limits, runtime });
  const Sudo = createSudo({
    runtimeCall: lazy(() => runtime().RuntimeCall, 'RuntimeCall'),
    dispatch: (origin, call) => runtime().dispatch(origin, call),
    dispatchInfo: (call) => runtime().dispatchInfo(call),
  });
  return { System, Timestamp, Balances, TransactionPayment, Sudo };
}

export type BasePallets = ReturnType<typeof basePallets>;

/** construct_runtime over the base pallets and the runtime's own `pallets` (index and pallet, in hook order after the base ones). */
export function constructBaseRuntime(config: BaseRuntimeConfig, base: BasePallets, pallets: readonly (readonly [number, AnyPallet])[]): Runtime {
  const { System, Timestamp, Balances, TransactionPayment, Sudo } = base;
  return constructRuntime({
    name: config.name,
    pallets: [[0, System], [1, Timestamp], [2, Balances], [3, TransactionPayment], [4, Sudo], ...pallets],
    extensions: [
      CheckNonZeroSender,
      versionCheck('CheckSpecVersion', config.version.spec_version),
      versionCheck('CheckTxVersion', config.version.transaction_version),
      CheckGenesis,
      CheckMortality,
      CheckNonce,
      checkWeight(config.limits),
      TransactionPayment.chargeTransactionPayment,
    ],
    version: config.version,
    limits: config.limits,
    blockHashCount: config.blockHashCount,
    inherents: ({ timestamp }) => [Timestamp.tx.set({ now: timestamp })],
    apis: standardApis,
    signatureWeights: config.signatureWeights,
    extrinsicByteWeight: config.extrinsicByteWeight,
  });
}
