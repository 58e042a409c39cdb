// A test runtime with the base pallets (System, Timestamp, Balances, TransactionPayment, Sudo,
// Oracle) and two small test pallets: Escrow holds deposits through the Currency interface as the
// product pallets do, and Meter reports using less weight than it declared. Genesis comes from a
// chain-spec patch read by the pallets' own parsers; TestChain builds blocks of signed extrinsics on
// it, as a node does.
import { Keyring } from '@polkadot/keyring';
import type { KeyringPair } from '@polkadot/keyring/types';
import { Compact, bool, lazy, u128, u64, type HexString } from '../primitives/scale.ts';
import { AccountId32, type AccountId, type Hash } from '../primitives/types.ts';
import { Trie } from '../primitives/trie.ts';
import { accountOf, signExtrinsic, type SigningOptions } from '../node/signer.ts';
import { BlockBuilder, buildGenesis, type BuiltBlock } from '../runtime/block.ts';
import { constructRuntime } from '../runtime/construct.ts';
import { U64_MAX, weight } from '../runtime/dispatch.ts';
import { Executive, type ApplyExtrinsicResult } from '../runtime/executive.ts';
import { Overlay } from '../runtime/overlay.ts';
import { call, pallet, type AnyPallet, type RuntimeCallValue } from '../runtime/pallet.ts';
import { Balances, Reserves, TotalIssuance, balancesCurrency } from '../pallets/balances/index.ts';
import { Oracle, Price } from '../pallets/oracle/index.ts';
import { Key, createSudo } from '../pallets/sudo/index.ts';
import * as System from '../pallets/system/index.ts';
import { CheckGenesis, CheckMortality, CheckNonZeroSender, CheckNonce, checkWeight, versionCheck } from '../pallets/system/extensions.ts';
import { blockLengthWithNormalRatio, sensibleBlockWeights } from '../pallets/system/limits.ts';
import type { AccountInfo } from '../pallets/system/types.ts';
import { Now, Timestamp, nextTimestamp } from '../pallets/timestamp/index.ts';
import { NextFeeMultiplier, createTransactionPayment } from '../pallets/transaction-payment/index.ts';

export const TOKEN = 10n ** 12n;

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

const SPEC_VERSION = 100;
const TRANSACTION_VERSION = 1;
/** 100 µs, close to polkadot-sdk's measured ExtrinsicBaseWeight. */
export const BASE_EXTRINSIC_REF_TIME = 100_000_000n;
export const limits = {
  blockWeights: sensibleBlockWeights(weight(2_000_000_000_000n, U64_MAX), 75n, weight(5_000_000_000n), weight(BASE_EXTRINSIC_REF_TIME)),
  blockLength: blockLengthWithNormalRatio(5 * 1024 * 1024, 75),
};
const version = {
  spec_name: 'base-test', impl_name: 'base-test', authoring_version: 1, spec_version: SPEC_VERSION, impl_version: 1,
  apis: [], transaction_version: TRANSACTION_VERSION, system_version: 1,
};

export const SystemPallet = System.createSystem({
  version, ...limits, blockHashCount: 4096, dbWeight: { read: 25_000_000n, write: 100_000_000n }, ss58Prefix: 42,
  runtimeEvent: lazy(() => runtime.RuntimeEvent),
});
export const TransactionPayment = createTransactionPayment({ currency: balancesCurrency, limits, runtime: () => runtime });
export const Sudo = createSudo({
  runtimeCall: lazy(() => runtime.RuntimeCall),
  dispatch: (origin, inner) => runtime.dispatch(origin, inner),
  dispatchInfo: (inner) => runtime.dispatchInfo(inner),
});
export const runtime = constructRuntime({
  name: 'base_test_runtime',
  pallets: [[0, SystemPallet], [1, Timestamp], [2, Balances], [3, TransactionPayment], [4, Sudo], [5, Oracle], [50, Escrow], [51, Meter]],
  extensions: [CheckNonZeroSender, versionCheck('CheckSpecVersion', SPEC_VERSION), versionCheck('CheckTxVersion', TRANSACTION_VERSION),
    CheckGenesis, CheckMortality, CheckNonce, checkWeight(limits), TransactionPayment.chargeTransactionPayment],
  version, limits, blockHashCount: 4096,
  inherents: ({ timestamp }) => [Timestamp.tx.set({ now: timestamp })],
});
export const executive = new Executive(runtime);
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

const PATCH_PATH = 'genesis.runtimeGenesis.patch';
/** The chain-spec key of a pallet's genesis section: its name in camelCase. */
const specKey = (pallet: AnyPallet) => pallet.name[0].toLowerCase() + pallet.name.slice(1);

/** Reads each pallet's section of `patch` with its parser; throws the first SpecError. */
export function parseGenesis(patch: Record<string, unknown>): Map<AnyPallet, unknown> {
  return new Map(runtime.pallets.flatMap(({ pallet: p }) =>
    p.genesis ? [[p, p.genesis.parse(patch[specKey(p)] ?? {}, `${PATCH_PATH}.${specKey(p)}`)] as const] : []));
}

/** A recorded event, as System.Events decodes it. */
export interface Event { type: string; value: { type: string; value?: unknown } }
interface RecordedEvent { phase: { type: string; value?: number }; event: Event }

/** `Pallet.Event` names of events, for asserting their order. */
export const names = (events: readonly Event[]): string[] => events.map((e) => `${e.type}.${e.value.type}`);

export interface Submitted {
  result: ApplyExtrinsicResult;
  /** The events the extrinsic emitted (none when it was refused). */
  events: Event[];
  /** Its encoded length, as the fee counts it. */
  len: number;
  extrinsic: Uint8Array;
}

/** A chain in memory: the committed state and its head. */
export class TestChain {
  readonly state: Trie;
  readonly genesisHash: Hash;
  head: { hash: Hash; number: number };
  readonly blocks: BuiltBlock[] = [];

  constructor(patch: Record<string, unknown> = GENESIS_PATCH) {
    const configs = parseGenesis(patch);
    const genesis = buildGenesis(executive, () => {
      for (const [p, config] of configs) p.genesis!.build(config);
    });
    this.state = genesis.state;
    this.genesisHash = genesis.hash;
    this.head = { hash: genesis.hash, number: 0 };
  }

  /** Runs `body` against the head state, as a runtime API call does; nothing it writes is kept. */
  read<T>(body: () => T): T {
    return executive.run(new Overlay(this.state), body);
  }

  opts(pair: KeyringPair, extra: Partial<SigningOptions> = {}): SigningOptions {
    const nonce = this.read(() => System.accountNonce(accountOf(pair)));
    return { nonce, genesisHash: this.genesisHash, specVersion: SPEC_VERSION, transactionVersion: TRANSACTION_VERSION, ...extra };
  }

  sign(pair: KeyringPair, call: RuntimeCallValue, extra: Partial<SigningOptions> = {}): Uint8Array {
    return signExtrinsic(runtime, pair, call, this.opts(pair, extra));
  }

  builder(): BlockBuilder {
    return new BlockBuilder(executive, this.state, this.head, { timestamp: nextTimestamp(this.read(() => Now.get())) });
  }

  seal(builder: BlockBuilder): BuiltBlock {
    const built = builder.build();
    this.head = { hash: built.hash, number: built.block.header.number };
    this.blocks.push(built);
    return built;
  }

  /** Signs `call` with `pair` and applies it alone in a new block (after the timestamp inherent). */
  submit(pair: KeyringPair, call: RuntimeCallValue, extra: Partial<SigningOptions> = {}): Submitted {
    const extrinsic = this.sign(pair, call, extra);
    const builder = this.builder();
    const result = builder.push(extrinsic);
    this.seal(builder);
    const events = this.records().filter((r) => r.phase.type === 'ApplyExtrinsic' && r.phase.value === 1).map((r) => r.event);
    return { result, events: result.success ? events : [], len: extrinsic.length, extrinsic };
  }

  records(): RecordedEvent[] {
    return this.read(() => SystemPallet.Events.get()) as RecordedEvent[];
  }

  account(who: AccountId): AccountInfo {
    return this.read(() => System.Account.get(who));
  }

  free(who: AccountId): bigint {
    return this.account(who).data.free;
  }

  /** Everything a user can observe of the base pallets' state, to compare before and after. */
  userState() {
    return this.read(() => ({
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

/** The fee TransactionFeePaid reports among `events`. */
export function feePaid(events: readonly Event[]): bigint {
  const paid = events.find((e) => e.type === 'TransactionPayment' && e.value.type === 'TransactionFeePaid');
  if (!paid) throw new Error(`no TransactionFeePaid among ${names(events).join(', ')}`);
  return (paid.value.value as { actual_fee: bigint }).actual_fee;
}

/**
 * What `before` becomes when `who` pays `fee` and bumps its nonce and nothing else happens: the
 * state a failed or refused-by-its-call extrinsic must leave.
 */
export function afterFeeAndNonce(before: ReturnType<TestChain['userState']>, who: AccountId, fee: bigint) {
  const info = before.accounts.get(who)!;
  const accounts = new Map(before.accounts);
  accounts.set(who, { ...info, nonce: info.nonce + 1, data: { ...info.data, free: info.data.free - fee } });
  return { ...before, accounts, totalIssuance: before.totalIssuance - fee };
}

