// frame_system: accounts and their reference counts, the block being built (number, parent hash,
// digest, weight, length, phase), block hashes, and the event log, as polkadot-sdk stores them.
import { blake2_256 } from '../../primitives/hashing.ts';
import { Bytes, Encoded, Tuple, Vec, alias, u16, u32, type AnyType } from '../../primitives/scale.ts';
import {
  AccountId32, BlockNumber, Digest as DigestType, DispatchError, H256, ZERO_HASH, type AccountId, type Hash, type Digest as DigestValue,
} from '../../primitives/types.ts';
import { DispatchErrors, DispatchInfo, PerDispatchClassWeight, ZERO_WEIGHT } from '../dispatch.ts';
import { storage } from '../externalities.ts';
import { object } from '../genesis-json.ts';
import { call, constant, events, genesisConfig, lazyConstant, pallet } from '../pallet.ts';
import type { PalletBenchmarks } from '../benchmarking/index.ts';
import { palletStorage } from '../storage.ts';
import {
  AccountInfo, BlockLength, BlockWeights, EMPTY_ACCOUNT, EventRecord, EventTopicList, LastRuntimeUpgradeInfo, Phase, RuntimeDbWeight,
  RuntimeVersion, type BlockLength as BlockLengthValue, type Phase as PhaseValue,
  type BlockWeights as BlockWeightsValue, type RuntimeVersion as RuntimeVersionValue,
} from './types.ts';
import { SystemWeights } from './weights.ts';

const PALLET = 'System';

/** Every storage item of the pallet, registered as it is declared below (metadata order). */
export const SystemStorage = palletStorage(PALLET);

// ---- storage -------------------------------------------------------------------------------------

export const Account = SystemStorage.map('Account', 'Blake2_128Concat', AccountId32, AccountInfo,
  { default: EMPTY_ACCOUNT, docs: ['The full account information for a particular account ID.'] });
export const ExtrinsicCount = SystemStorage.value('ExtrinsicCount', u32, { docs: ['Total extrinsics count for the current block.'] });
export const BlockWeight = SystemStorage.value('BlockWeight', PerDispatchClassWeight,
  { default: { normal: ZERO_WEIGHT, operational: ZERO_WEIGHT, mandatory: ZERO_WEIGHT }, docs: ['The current weight for the block.'] });
export const AllExtrinsicsLen = SystemStorage.value('AllExtrinsicsLen', u32, { docs: ['Total length (in bytes) for all extrinsics put together, for the current block.'] });
export const BlockHash = SystemStorage.map('BlockHash', 'Twox64Concat', BlockNumber, H256,
  { default: ZERO_HASH, docs: ['Map of block numbers to block hashes.'] });
export const Number = SystemStorage.value('Number', BlockNumber, { default: 0, docs: ['The current block number being processed. Set by `execute_block`.'] });
export const ParentHash = SystemStorage.value('ParentHash', H256, { default: ZERO_HASH, docs: ['Hash of the previous block.'] });
export const Digest = SystemStorage.value('Digest', DigestType, { default: { logs: [] }, docs: ['Digest of the current block, also part of the block header.'] });
/**
 * Events deposited for the current block: records appended with their RuntimeEvent already encoded
 * (a pallet's deposit knows only its own event type); the runtime's EventRecords reads them, and its
 * RuntimeEvent is this item's type in the metadata (createSystem).
 */
const EncodedEvent = Encoded('RuntimeEvent');
export const Events = SystemStorage.appendable('Events', Vec(EventRecord(EncodedEvent)),
  { docs: ['Events deposited for the current block.'] });
export const EventCount = SystemStorage.value('EventCount', u32, { default: 0, docs: ['The number of events in the `Events<T>` list.'] });
export const EventTopics = SystemStorage.map('EventTopics', 'Blake2_128Concat', H256, Vec(Tuple(BlockNumber, u32)),
  { default: [], docs: ['Mapping between a topic (represented by T::Hash) and a vector of indexes of events in the `<Events<T>>` list.'] });
export const LastRuntimeUpgrade = SystemStorage.value('LastRuntimeUpgrade', LastRuntimeUpgradeInfo,
  { docs: ['Stores the `spec_version` and `spec_name` of when the last runtime upgrade happened.'] });
export const ExecutionPhase = SystemStorage.value('ExecutionPhase', Phase, { docs: ['The execution phase of the block.'] });

/** sp_core's well-known `:extrinsic_index`: the index of the extrinsic being applied. */
export const EXTRINSIC_INDEX_KEY = new TextEncoder().encode(':extrinsic_index');
const extrinsicIndex = (): number => {
  const raw = storage().get(EXTRINSIC_INDEX_KEY);
  return raw ? u32.dec(raw) : 0;
};

/** The 32-byte placeholder frame_system writes as BlockHash(0) at genesis, replaced in block 1. */
export const HASH69 = `0x${'45'.repeat(32)}` as Hash;

// ---- accounts ------------------------------------------------------------------------------------

export const accountNonce = (who: AccountId): number => Account.get(who).nonce;

/** An account exists while it has a provider or a sufficient reference. */
export const accountExists = (who: AccountId): boolean => {
  const info = Account.get(who);
  return info.providers > 0 || info.sufficients > 0;
};

/** Adds a provider reference; the first one creates the account (`NewAccount`). */
export function incProviders(who: AccountId): void {
  const info = Account.get(who);
  if (info.providers === 0 && info.sufficients === 0) SystemEvents.deposit({ type: 'NewAccount', value: { account: who } });
  Account.insert(who, { ...info, providers: info.providers + 1 });
}

/**
 * Removes a provider reference. The last one reaps the account (`KilledAccount`), unless other
 * pallets still depend on it (`ConsumerRemaining`).
 */
export function decProviders(who: AccountId): void {
  const info = Account.get(who);
  if (info.providers === 0) throw DispatchErrors.NoProviders;
  if (info.providers === 1 && info.consumers > 0) throw DispatchErrors.ConsumerRemaining;
  if (info.providers === 1 && info.sufficients === 0) {
    Account.remove(who);
    SystemEvents.deposit({ type: 'KilledAccount', value: { account: who } });
    return;
  }
  Account.insert(who, { ...info, providers: info.providers - 1 });
}

export const MAX_CONSUMERS = 16;

export function incConsumers(who: AccountId): void {
  const info = Account.get(who);
  if (info.providers === 0) throw DispatchErrors.NoProviders;
  if (info.consumers >= MAX_CONSUMERS) throw DispatchErrors.TooManyConsumers;
  Account.insert(who, { ...info, consumers: info.consumers + 1 });
}

export function decConsumers(who: AccountId): void {
  Account.mutate(who, (info) => ({ ...info, consumers: Math.max(info.consumers - 1, 0) }));
}

// ---- events --------------------------------------------------------------------------------------

export const SystemEvents = events(PALLET, {
  ExtrinsicSuccess: [0, { dispatch_info: DispatchInfo }, 'An extrinsic completed successfully.'],
  ExtrinsicFailed: [1, { dispatch_error: DispatchError, dispatch_info: DispatchInfo }, 'An extrinsic failed.'],
  CodeUpdated: [2, undefined, '`:code` was updated.'],
  NewAccount: [3, { account: AccountId32 }, 'A new account was created.'],
  KilledAccount: [4, { account: AccountId32 }, 'An account was reaped.'],
  Remarked: [5, { sender: AccountId32, hash: H256 }, 'On on-chain remark happened.'],
});

/** System.Events' key, for reading the records with the runtime's EventRecords type. */
export const EVENTS_KEY = Events.key;

const NO_TOPICS = EventTopicList.enc([]);
/** The last phase encoded: every event of an extrinsic has the same (frozen) phase value. */
let lastPhase: { value: PhaseValue; bytes: Uint8Array } | undefined;
function encodedPhase(phase: PhaseValue): Uint8Array {
  if (lastPhase?.value !== phase) lastPhase = { value: phase, bytes: Phase.enc(phase) };
  return lastPhase.bytes;
}

/**
 * Appends an EventRecord { phase, event, topics } with an already encoded RuntimeEvent, given as
 * its consecutive parts, as frame_system's deposit_event_indexed. The record goes in as its fields'
 * encodings, joined once with the whole list when the block's storage is written: each record
 * encoded whole cost two more copies of the event. Genesis (block 0) records no events.
 */
export function depositEventRecord(encodedEvent: readonly Uint8Array[], topics: readonly Hash[]): void {
  const block = Number.get();
  if (block === 0) return;
  Events.append(encodedPhase(ExecutionPhase.get() ?? { type: 'Initialization' }), ...encodedEvent,
    topics.length === 0 ? NO_TOPICS : EventTopicList.enc([...topics]));
  const index = EventCount.get();
  EventCount.put(index + 1);
  for (const topic of topics) EventTopics.mutate(topic, (list) => [...list, [block, index]]);
}

// ---- the block being built -----------------------------------------------------------------------

/** frame_system::reset_events: the event log, its count and its topics emptied. */
export function resetEvents(): void {
  Events.remove();
  EventCount.remove();
  EventTopics.clear();
}

/** frame_system::initialize: a fresh block `number` on `parentHash`. */
export function initialize(number: number, parentHash: Hash, digest: DigestValue): void {
  ExecutionPhase.put({ type: 'Initialization' });
  storage().set(EXTRINSIC_INDEX_KEY, u32.enc(0));
  Number.put(number);
  Digest.put(digest);
  ParentHash.put(parentHash);
  BlockHash.insert(number - 1, parentHash);
  // The previous block's event log and accounting end here.
  resetEvents();
  BlockWeight.remove();
  AllExtrinsicsLen.remove();
}

export const noteFinishedInitialize = (): void => ExecutionPhase.put({ type: 'ApplyExtrinsic', value: 0 });

export function noteAppliedExtrinsic(): void {
  const next = extrinsicIndex() + 1;
  storage().set(EXTRINSIC_INDEX_KEY, u32.enc(next));
  ExecutionPhase.put({ type: 'ApplyExtrinsic', value: next });
}

export function noteFinishedExtrinsics(): void {
  ExtrinsicCount.put(extrinsicIndex());
  ExecutionPhase.put({ type: 'Finalization' });
}

/** frame_system::finalize: drops per-block scratch storage and prunes block hashes older than `blockHashCount`. */
export function finalize(blockHashCount: number): void {
  ExecutionPhase.remove();
  AllExtrinsicsLen.remove();
  ExtrinsicCount.remove();
  const toRemove = Number.get() - blockHashCount - 1;
  if (toRemove > 0) BlockHash.remove(toRemove);
}

// ---- the pallet ----------------------------------------------------------------------------------

export interface SystemConfig {
  /** The runtime's version (a lazy reference: its `apis` are known once the runtime is built). */
  version: () => RuntimeVersionValue;
  blockWeights: BlockWeightsValue;
  blockLength: BlockLengthValue;
  blockHashCount: number;
  dbWeight: { read: bigint; write: bigint };
  ss58Prefix: number;
  /** The runtime's RuntimeEvent (a lazy reference: the runtime is built after its pallets). */
  runtimeEvent: AnyType;
}

export function createSystem(config: SystemConfig) {
  return pallet({
    name: PALLET,
    storage: SystemStorage.withValueTypes({ Events: Vec(EventRecord(config.runtimeEvent)) }),
    calls: {
      remark: call({
        index: 0, origin: 'any', args: { remark: Bytes }, weight: ({ remark }) => SystemWeights.remark(remark.length),
        docs: 'Make some on-chain remark.',
        dispatch: (origin) => {
          if (origin.type === 'None') throw DispatchErrors.BadOrigin;
        },
      }),
      set_heap_pages: call({
        index: 1, origin: 'root', args: { pages: alias(u32, 'u64') }, weight: SystemWeights.setHeapPages,
        docs: 'Set the number of pages in the WebAssembly environment\'s heap (no effect here: there is no wasm heap).',
        dispatch: () => undefined,
      }),
      set_storage: call({
        index: 4, origin: 'root', args: { items: Vec(Tuple(Bytes, Bytes)) }, weight: ({ items }) => SystemWeights.setStorage(items.length),
        docs: 'Set some items of storage.',
        dispatch: ({ items }) => { for (const [key, value] of items) storage().set(key, value); },
      }),
      kill_storage: call({
        index: 5, origin: 'root', args: { keys: Vec(Bytes) }, weight: ({ keys }) => SystemWeights.killStorage(keys.length),
        docs: 'Kill some items from storage.',
        dispatch: ({ keys }) => { for (const key of keys) storage().delete(key); },
      }),
      kill_prefix: call({
        index: 6, origin: 'root', args: { prefix: Bytes, subkeys: u32 }, weight: ({ subkeys }) => SystemWeights.killPrefix(subkeys),
        docs: 'Kill all storage items with a key that starts with the given prefix (at most `subkeys` of them).',
        dispatch: ({ prefix, subkeys }) => { storage().clearPrefix(prefix, subkeys); },
      }),
      remark_with_event: call({
        index: 7, origin: 'signed', args: { remark: Bytes }, weight: ({ remark }) => SystemWeights.remarkWithEvent(remark.length),
        docs: 'Make some on-chain remark and emit an event.',
        dispatch: (sender, { remark }) => SystemEvents.deposit({ type: 'Remarked', value: { sender, hash: blake2Hex(remark) } }),
      }),
    },
    events: SystemEvents,
    constants: {
      BlockWeights: constant(BlockWeights, config.blockWeights, 'Block & extrinsics weights: base values and limits.'),
      BlockLength: constant(BlockLength, config.blockLength, 'The maximum length of a block (in bytes).'),
      BlockHashCount: constant(BlockNumber, config.blockHashCount, 'Maximum number of block number to block hash mappings to keep (oldest pruned first).'),
      DbWeight: constant(RuntimeDbWeight, config.dbWeight, 'The weight of runtime database operations the runtime can invoke.'),
      Version: lazyConstant(RuntimeVersion, config.version, 'Get the chain\'s in-code version.'),
      SS58Prefix: constant(u16, config.ss58Prefix, 'The designated SS58 prefix of this chain.'),
    },
    // No fields: anything in the section is a mistake.
    genesis: genesisConfig(object({}), () => {
      storage().set(EXTRINSIC_INDEX_KEY, u32.enc(0));
      BlockHash.insert(0, HASH69);
      ParentHash.put(HASH69);
      const { spec_version, spec_name } = config.version();
      LastRuntimeUpgrade.put({ spec_version, spec_name });
    }),
    benchmarks: async (self): Promise<PalletBenchmarks> => (await import('./benchmarks.ts')).systemBenchmarks(self),
  });
}

const blake2Hex = (data: Uint8Array): Hash => H256.dec(blake2_256(data));
