// frame_system's types. The account's `data` is pallet_balances' AccountData, as every FRAME
// runtime with balances configures it (System stores it; Balances gives it meaning).
import {
  Compact, Enum, FixedBytes, Option, Struct, Tuple, Vec, str, u128, u32, u64, u8, type Infer, type Type,
} from '../../primitives/scale.ts';
import { Balance, H256, Weight } from '../../primitives/types.ts';

export const AccountData = Struct('pallet_balances::types::AccountData', {
  free: Balance,
  reserved: Balance,
  frozen: Balance,
  flags: Struct('pallet_balances::types::ExtraFlags', { bits: u128 }),
}, { params: [{ name: 'Balance', type: u128 }] });
export type AccountData = Infer<typeof AccountData>;

export const AccountInfo = Struct('frame_system::AccountInfo', {
  nonce: u32,
  consumers: u32,
  providers: u32,
  sufficients: u32,
  data: AccountData,
}, { params: [{ name: 'Nonce', type: u32 }, { name: 'AccountData', type: AccountData }] });
export type AccountInfo = Infer<typeof AccountInfo>;

/** Balances' "new logic" flag (the top bit), set on every account as pallet_balances does since v1.0. */
export const NEW_LOGIC_FLAG = 1n << 127n;
export const EMPTY_ACCOUNT: AccountInfo = {
  nonce: 0, consumers: 0, providers: 0, sufficients: 0,
  data: { free: 0n, reserved: 0n, frozen: 0n, flags: { bits: NEW_LOGIC_FLAG } },
};

export const Phase = Enum('frame_system::Phase', {
  ApplyExtrinsic: [0, u32],
  Finalization: 1,
  Initialization: 2,
});
export type Phase = Infer<typeof Phase>;

/** An event's topics, as EventRecord holds them. */
export const EventTopicList = Vec(H256);

/**
 * frame_system::EventRecord<RuntimeEvent, Hash>. Its encoding is its fields' encodings in order:
 * System appends a record as those parts (`depositEventRecord`).
 */
export const EventRecord = <E>(event: Type<E>) => Struct('frame_system::EventRecord', {
  phase: Phase,
  event,
  topics: EventTopicList,
}, { params: [{ name: 'E', type: event }, { name: 'T', type: H256 }] });
export type EventRecord<E> = { phase: Phase; event: E; topics: string[] };

export const LastRuntimeUpgradeInfo = Struct('frame_system::LastRuntimeUpgradeInfo', {
  spec_version: Compact(u32),
  spec_name: str,
});

export const ApiId = FixedBytes(8);
export const RuntimeVersion = Struct('sp_version::RuntimeVersion', {
  spec_name: str,
  impl_name: str,
  authoring_version: u32,
  spec_version: u32,
  impl_version: u32,
  apis: Vec(Tuple(ApiId, u32)),
  transaction_version: u32,
  system_version: u8,
});
export type RuntimeVersion = Infer<typeof RuntimeVersion>;

const WeightsPerClass = Struct('frame_system::limits::WeightsPerClass', {
  base_extrinsic: Weight,
  max_extrinsic: Option(Weight),
  max_total: Option(Weight),
  reserved: Option(Weight),
});

export const BlockWeights = Struct('frame_system::limits::BlockWeights', {
  base_block: Weight,
  max_block: Weight,
  per_class: Struct('frame_support::dispatch::PerDispatchClass', {
    normal: WeightsPerClass, operational: WeightsPerClass, mandatory: WeightsPerClass,
  }, { params: [{ name: 'T', type: WeightsPerClass }] }),
});
export type BlockWeights = Infer<typeof BlockWeights>;

export const BlockLength = Struct('frame_system::limits::BlockLength', {
  max: Struct('frame_support::dispatch::PerDispatchClass', { normal: u32, operational: u32, mandatory: u32 },
    { params: [{ name: 'T', type: u32 }] }),
});
export type BlockLength = Infer<typeof BlockLength>;

export const RuntimeDbWeight = Struct('sp_weights::RuntimeDbWeight', { read: u64, write: u64 });
