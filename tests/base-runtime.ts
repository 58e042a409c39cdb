// A test runtime with the base pallets (System, Timestamp, Balances, TransactionPayment, Sudo,
// Oracle) and two small test pallets: Escrow holds deposits through the Currency interface as the
// product pallets do, and Meter reports using less weight than it declared. Genesis comes from a
// chain-spec patch read by the pallets' own parsers; TestChain builds blocks of signed extrinsics on
// it, as a node does.
import { Keyring } from '@polkadot/keyring';
import { Compact, bool, u128, u64, type HexString } from '../primitives/scale.ts';
import { AccountId32, type AccountId } from '../primitives/types.ts';
import { genesisOf, parseChainSpec, type ChainSpec } from '../genesis/spec.ts';
import { TestChain as Harness, type RuntimeEvent } from '../node/harness.ts';
import { accountOf } from '../node/signer.ts';
import { DispatchFailure, U64_MAX, weight } from '../frame/dispatch.ts';
import { Executive, type ApplyExtrinsicResult } from '../frame/executive.ts';
import { call, pallet } from '../frame/pallet.ts';
import { Reserves, TotalIssuance, balancesCurrency } from '../pallets/balances/index.ts';
import { Price, createOracle } from '../pallets/oracle/index.ts';
import { Key } from '../pallets/sudo/index.ts';
import * as System from '../frame/system/index.ts';
import { blockLengthWithNormalRatio, sensibleBlockWeights } from '../frame/system/limits.ts';
import type { AccountInfo } from '../frame/system/types.ts';
import { NextFeeMultiplier } from '../pallets/transaction-payment/index.ts';
import { basePallets, constructBaseRuntime, type BaseRuntimeConfig } from '../runtime/base-runtime.ts';
import { TOKEN } from '../frame/units.ts';


const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
export const alice = keyring.addFromUri('//Alice');
export const bob = keyring.addFromUri('//Bob');
export const charlie = keyring.addFromUri('//Charlie');
export const dave = keyring.addFromUri('//Dave');
/** Has no funds at genesis. */
export const eve = keyring.addFromUri('//Eve');
export const [ALICE, BOB, CHARLIE, DAVE, EVE] = [alice, bob, charlie, dave, eve].map(accountOf);

/** The id under which Escrow reserves, as a product pallet names its deposits. */
export const ESCROW_ID = '0x657363726f772020' as HexString; // "escrow  "

const Escrow = pallet({
  name: 'Escrow',
  calls: {
    hold: call({
      index: 0, origin: 'signed', args: { amount: Compact(u128) }, weight: () => weight(10_000_000n),
      dispatch: (who, { amount }) => balancesCurrency.reserve(ESCROW_ID, who, amount),
    }),
    release: call({
      index: 1, origin: 'signed', args: { amount: Compact(u128) }, weight: () => weight(10_000_000n),
      dispatch: (who, { amount }) => { balancesCurrency.unreserve(ESCROW_ID, who, amount); },
    }),
    pay: call({
      index: 2, origin: 'signed', args: { to: AccountId32, amount: Compact(u128) }, weight: () => weight(10_000_000n),
      dispatch: (who, { to, amount }) => { balancesCurrency.repatriateReserved(ESCROW_ID, who, to, amount); },
    }),
  },
});

const Meter = pallet({
  name: 'Meter',
  calls: {
    work: call({
      index: 0, origin: 'signed', args: { declared: u64, used: u64, operational: bool }, weight: ({ declared }) => weight(declared),
      class: ({ operational }) => (operational ? 'Operational' : 'Normal'),
      docs: 'Declares `declared` ref_time and reports having used only `used`.',
      dispatch: (_who, { used }) => ({ actualWeight: weight(used) }),
    }),
  },
});

/** 100 µs, close to polkadot-sdk's measured ExtrinsicBaseWeight. */
export const BASE_EXTRINSIC_REF_TIME = 100_000_000n;
const CONFIG: BaseRuntimeConfig = {
  name: 'base_test_runtime',
  version: { spec_name: 'base-test', impl_name: 'base-test', authoring_version: 1, spec_version: 100, impl_version: 1, transaction_version: 1, system_version: 1 },
  limits: {
    blockWeights: sensibleBlockWeights(weight(2_000_000_000_000n, U64_MAX), 75n, weight(5_000_000_000n), weight(BASE_EXTRINSIC_REF_TIME)),
    blockLength: blockLengthWithNormalRatio(5 * 1024 * 1024, 75),
  },
  blockHashCount: 4096,
  dbWeight: { read: 25_000_000n, write: 100_000_000n },
  ss58Prefix: 42,
};

const base = basePallets(CONFIG, () => runtime);
const { System: SystemPallet, Balances } = base;
export const { TransactionPayment, Sudo } = base;
const Oracle = createOracle({});
export const runtime = constructBaseRuntime(CONFIG, base, [[5, Oracle], [50, Escrow], [51, Meter]]);
const executive = new Executive(runtime);
export const tx = { Balances: Balances.tx, Sudo: Sudo.tx, Oracle: Oracle.tx, Escrow: Escrow.tx, Meter: Meter.tx, System: SystemPallet.tx };

/** The genesis patch of a chain spec: 1000 tokens for Alice (the sudo key), fewer for the others, none for Eve. */
export const GENESIS_PATCH = {
  timestamp: { now: 1_700_000_000_000 },
  balances: {
    balances: [
      [alice.address, (1000n * TOKEN).toString()],
      [bob.address, (100n * TOKEN).toString()],
      [charlie.address, 10 * 10 ** 12],
      [dave.address, (TOKEN / 10n).toString()],
    ],
  },
  transactionPayment: {},
  sudo: { key: alice.address },
  oracle: { price: 2_500_000 },
};

/** A chain spec whose genesis config is `patch`. */
const baseSpec = (patch: Record<string, unknown>): ChainSpec => parseChainSpec({
  name: 'Base test', id: 'base_test', chainType: 'Development', properties: { ss58Format: 42, tokenDecimals: 12, tokenSymbol: 'UNIT' },
  genesis: { runtimeGenesis: { patch } },
});

/** Builds genesis from `patch` with the pallets' own parsers; throws the first SpecError. */
export const parseGenesis = (patch: Record<string, unknown>): void => void genesisOf(executive, baseSpec(patch));

/** A recorded event, as System.Events decodes it. */
export type Event = RuntimeEvent;

/** `Pallet.Event` names of events, for asserting their order. */
export const names = (events: readonly Event[]): string[] => events.map((e) => `${e.type}.${e.value.type}`);

/** The harness on the base test runtime, with what the base pallets' tests observe. */
export class TestChain extends Harness {
  constructor(patch: Record<string, unknown> = GENESIS_PATCH) {
    super(baseSpec(patch), executive);
  }

  account(who: AccountId): AccountInfo {
    return this.query(() => System.Account.get(who));
  }

  free(who: AccountId): bigint {
    return this.account(who).data.free;
  }

  /** Everything a user can observe of the base pallets' state, to compare before and after. */
  userState() {
    return this.query(() => ({
      accounts: new Map([...System.Account.entries()].map(([[who], info]) => [who, info])),
      reserves: new Map([...Reserves.entries()].map(([[who], list]) => [who, list])),
      totalIssuance: TotalIssuance.get(),
      sudoKey: Key.get(),
      price: Price.get(),
      multiplier: NextFeeMultiplier.get(),
    }));
  }
}

/** The included extrinsic's own outcome: success, or its dispatch error. */
export const ok: ApplyExtrinsicResult = { success: true, value: { success: true, value: undefined } };
export const failed = (error: unknown): ApplyExtrinsicResult => ({ success: true, value: { success: false, value: error } as never });
export const refused = (reason: string): ApplyExtrinsicResult =>
  ({ success: false, value: { type: 'Invalid', value: { type: reason } } } as ApplyExtrinsicResult);
/** DispatchError::Module of the pallet named `pallet`, error `index`. */
export const moduleError = (pallet: string, index: number) =>
  ({ type: 'Module', value: { index: runtime.palletIndex(pallet), error: `0x${index.toString(16).padStart(2, '0')}000000` } });

/** The fields of every event named `Pallet.Event` among `events`. */
export const eventValues = (events: readonly Event[], name: string): unknown[] =>
  events.filter((e) => `${e.type}.${e.value.type}` === name).map((e) => e.value.value);

/** The DispatchError that `body` fails with, as the runtime reports it (runs inside chain.query). */
export function dispatchErrorOf(body: () => unknown) {
  try {
    body();
  } catch (error) {
    if (error instanceof DispatchFailure) return error.dispatchError(runtime.palletIndex);
    throw error;
  }
  throw new Error('expected a dispatch failure');
}
