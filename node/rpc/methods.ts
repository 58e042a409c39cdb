// Substrate's legacy JSON-RPC methods (chain_*, state_*, system_*, author_*, payment_*), in the
// JSON shapes polkadot.js expects: hex for bytes and block numbers, headers with SCALE-encoded
// digest logs, runtime versions in camelCase. The dev methods are in dev.ts.
// (Just over 400 lines: one registration per Substrate RPC family, each short; splitting would scatter the shared JSON shapes.)
import { isHex, u8aConcat, u8aToHex } from '@polkadot/util';
import { base58Encode, decodeAddress, ed25519PairFromSeed, randomAsU8a } from '@polkadot/util-crypto';
import { blake2_256 } from '../../primitives/hashing.ts';
import { Tuple, u32 } from '../../primitives/scale.ts';
import { AccountId32, DigestItem, type AccountId, type Hash, type Header } from '../../primitives/types.ts';
import type { RuntimeVersion } from '../../frame/system/types.ts';
import { FeeDetails, RuntimeDispatchInfo } from '../../pallets/transaction-payment/types.ts';
import { ApiCallError } from '../../frame/apis.ts';
import { ApplyExtrinsicResult } from '../../frame/apis.ts';
import { buildMetadata } from '../../frame/metadata.ts';
import type { Change } from '../../frame/overlay.ts';
import { BlockRejected } from '../../frame/block.ts';
import { UnknownBlock, type DevNode, type NewBlock, type TransactionEvent } from '../dev-node.ts';
import { PoolError, extrinsicHash } from '../pool.ts';
import { registerChainHead } from './chain-head.ts';
import { bytesParam, hashParam, keysParam, optionalHash } from './params.ts';
import { RpcError, invalidParams, type RpcServer } from './server.ts';

// ---- parameters --------------------------------------------------------------------------------

export function countParam(params: unknown[], i: number, name: string): number {
  const value = params[i];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw invalidParams(`${name}: expected a non-negative integer, got ${JSON.stringify(value)}`);
  return value;
}

/** An extrinsic parameter that must decode, or `refuse` says why it does not (before any runtime call). */
export function extrinsicParam(node: DevNode, params: unknown[], i: number, refuse: (reason: string) => RpcError): Uint8Array {
  const bytes = bytesParam(params, i, 'extrinsic');
  const reason = node.undecodable(bytes);
  if (reason) throw refuse(reason);
  return bytes;
}

/** substrate-frame-rpc-system's and pallet-transaction-payment-rpc's refusal of an extrinsic that does not decode (code 1). */
const decodeError = (message: string) => (reason: string) => new RpcError(1, message, reason);

export function accountParam(params: unknown[], i: number): AccountId {
  const value = params[i];
  try {
    if (typeof value !== 'string') throw new Error('not a string');
    const bytes = decodeAddress(value);
    if (bytes.length !== 32) throw new Error(`${bytes.length} bytes`);
    return u8aToHex(bytes) as AccountId;
  } catch (error) {
    throw invalidParams(`account: ${JSON.stringify(value)} is not an SS58 address or 32-byte hex (${(error as Error).message})`);
  }
}

// ---- errors and JSON shapes --------------------------------------------------------------------

/** Substrate's client error (4003): an unknown block, discarded state, or a runtime call that failed. */
export function clientError(error: unknown): never {
  if (error instanceof UnknownBlock) throw new RpcError(4003, `Client error: UnknownBlock: ${error.message}`);
  if (error instanceof ApiCallError) throw new RpcError(4003, `Client error: Execution failed: ${error.message}`);
  if (error instanceof BlockRejected) throw new RpcError(4003, `Client error: Execution failed: ${error.message}`);
  if (error instanceof PoolError) throw new RpcError(error.code, error.message, error.data);
  throw error;
}

/** Runs `body`, turning the node's refusals into their JSON-RPC errors. */
export function guarded<T>(body: () => T): T {
  try {
    return body();
  } catch (error) {
    return clientError(error);
  }
}

const hexNumber = (n: number | bigint): string => `0x${n.toString(16)}`;

export const headerJson = (header: Header) => ({
  parentHash: header.parent_hash,
  number: hexNumber(header.number),
  stateRoot: header.state_root,
  extrinsicsRoot: header.extrinsics_root,
  digest: { logs: header.digest.logs.map((log) => u8aToHex(DigestItem.enc(log))) },
});

export const runtimeVersionJson = (v: RuntimeVersion) => ({
  specName: v.spec_name,
  implName: v.impl_name,
  authoringVersion: v.authoring_version,
  specVersion: v.spec_version,
  implVersion: v.impl_version,
  apis: v.apis,
  transactionVersion: v.transaction_version,
  // Substrate writes `systemVersion`; polkadot.js reads the same byte as `stateVersion`.
  systemVersion: v.system_version,
  stateVersion: v.system_version,
});

export const changesJson = (changes: readonly Change[]) => changes.map(([key, value]) => [u8aToHex(key), value === null ? null : u8aToHex(value)]);

/**
 * The JSON of a block's header or changes, made once for all the subscriptions that send it: with
 * many subscriptions, sealing a block must not mean as many conversions.
 */
function onceEach<T>(make: (block: NewBlock) => T): (block: NewBlock) => T {
  const made = new WeakMap<NewBlock, T>();
  return (block) => {
    if (!made.has(block)) made.set(block, make(block));
    return made.get(block) as T;
  };
}
const blockHeaderJson = onceEach((block) => headerJson(block.header));

type BlockEvent = 'block' | 'finalized' | 'reorg' | 'storage';

/**
 * Subscriptions to the same node events, behind one node listener: a block costs each of them only
 * a queued notification (the server sends them later, in slices). They are called in the same turn
 * as the block: polkadot.js misses a transaction's InBlock when the new head comes a turn after it.
 * Returns how to add one (which returns how to remove it).
 */
function blockListeners(node: DevNode, events: readonly BlockEvent[]): (listener: (block: NewBlock) => void) => () => void {
  const listeners = new Set<(block: NewBlock) => void>();
  const onEvent = (block: NewBlock) => {
    for (const listener of listeners) listener(block);
  };
  for (const event of events) node.events.on(event, onEvent);
  return (listener) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  };
}
const blockChangesJson = onceEach((block) => changesJson(block.changes));

/** author_extrinsicUpdate's shape of a transaction event; `final` when the subscription ends with it. */
function transactionStatus(event: TransactionEvent): { status: unknown; final: boolean } {
  switch (event.type) {
    case 'ready': return { status: 'ready', final: false };
    case 'future': return { status: 'future', final: false };
    case 'inBlock': return { status: { inBlock: event.block }, final: false };
    case 'finalized': return { status: { finalized: event.block }, final: true };
    case 'usurped': return { status: { usurped: event.by }, final: true };
    case 'invalid': return { status: 'invalid', final: true };
    case 'dropped': return { status: 'dropped', final: true };
  }
}

const nonceTag = Tuple(AccountId32, u32);

/** The next nonce of `who`: the chain's, then past every one its pool transactions provide. */
export function nextNonce(node: DevNode, who: AccountId): number {
  let nonce = node.api<number>('AccountNonceApi_account_nonce', [who]);
  while (node.pool.provides(u8aToHex(nonceTag.enc([who, nonce])))) nonce++;
  return nonce;
}

/**
 * A libp2p peer id of a fresh ed25519 key (as a Substrate node without --node-key): base58 of the
 * identity multihash of the key's protobuf encoding. No network uses it; tools display it.
 */
function localPeerId(): string {
  const publicKey = ed25519PairFromSeed(randomAsU8a(32)).publicKey;
  return base58Encode(u8aConcat(new Uint8Array([0x00, 0x24, 0x08, 0x01, 0x12, 0x20]), publicKey));
}

// ---- registration --------------------------------------------------------------------------------

const NODE_NAME = 'slicechain-node';
const NODE_VERSION = '0.1.0';

export function registerMethods(server: RpcServer, node: DevNode): void {
  registerChain(server, node);
  registerState(server, node);
  registerSystem(server, node);
  registerAuthor(server, node);
  registerPayment(server, node);
  registerChainHead(server, node);
}

function registerChain(server: RpcServer, node: DevNode): void {
  server.method('chain_getBlockHash', (params) => {
    const at = params[0];
    const one = (n: unknown) => {
      if (n === undefined || n === null) return node.head.hash;
      const number = typeof n === 'string' && isHex(n) ? parseInt(n, 16) : n;
      if (typeof number !== 'number' || !Number.isSafeInteger(number) || number < 0) throw invalidParams(`block number: expected a non-negative integer or hex, got ${JSON.stringify(n)}`);
      return node.chain.hashAt(number) ?? null;
    };
    return Array.isArray(at) ? at.map(one) : one(at);
  }, { aliases: ['chain_getHead'] });
  server.method('chain_getHeader', (params) => {
    const header = node.header(optionalHash(params, 0) ?? node.head.hash);
    return header ? headerJson(header) : null;
  });
  server.method('chain_getBlock', (params) => {
    const block = node.block(optionalHash(params, 0) ?? node.head.hash);
    return block ? { block: { header: headerJson(block.header), extrinsics: block.extrinsics.map((xt) => u8aToHex(xt)) }, justifications: null } : null;
  });
  server.method('chain_getFinalizedHead', () => node.finalized.hash, { aliases: ['chain_getFinalisedHead'] });

  const heads = { block: blockListeners(node, ['block', 'reorg']), finalized: blockListeners(node, ['finalized']) };
  /** Heads as they come: best blocks (and the head after a reorg), or finalized ones. */
  const headSubscription = (kind: 'block' | 'finalized', subscribe: string, unsubscribe: string, notification: string,
    aliases: { subscribe?: string[]; unsubscribe?: string[] } = {}) =>
    server.subscription({
      subscribe, unsubscribe, notification, aliases,
      start: (_params, sink) => {
        const current = kind === 'block' ? node.head : node.finalized;
        sink.send(headerJson(node.header(current.hash) as Header));
        return heads[kind]((block) => sink.send(blockHeaderJson(block)));
      },
    });
  headSubscription('block', 'chain_subscribeNewHeads', 'chain_unsubscribeNewHeads', 'chain_newHead',
    { subscribe: ['chain_subscribeNewHead', 'subscribe_newHead'], unsubscribe: ['chain_unsubscribeNewHead', 'unsubscribe_newHead'] });
  headSubscription('block', 'chain_subscribeAllHeads', 'chain_unsubscribeAllHeads', 'chain_allHead');
  headSubscription('finalized', 'chain_subscribeFinalizedHeads', 'chain_unsubscribeFinalizedHeads', 'chain_finalizedHead',
    { subscribe: ['chain_subscribeFinalisedHeads'], unsubscribe: ['chain_unsubscribeFinalisedHeads'] });
}

const MAX_KEYS_PAGED = 1000;
/** state_queryStorage answers at most this many blocks per call. */
const MAX_QUERY_RANGE = 10_000;


function registerState(server: RpcServer, node: DevNode): void {
  const storageChanges = blockListeners(node, ['block', 'reorg', 'storage']);
  server.method('state_getRuntimeVersion', (params) => guarded(() => {
    node.resolve(optionalHash(params, 0));
    return runtimeVersionJson(node.chain.runtime.version);
  }), { aliases: ['chain_getRuntimeVersion'] });
  server.method('state_getMetadata', (params) => guarded(() => {
    node.resolve(optionalHash(params, 0));
    return u8aToHex(buildMetadata(node.chain.runtime, 14));
  }));
  server.method('state_call', (params) => {
    const method = params[0];
    if (typeof method !== 'string') throw invalidParams(`method: expected a runtime API method name, got ${JSON.stringify(method)}`);
    const data = bytesParam(params, 1, 'data');
    return guarded(() => u8aToHex(node.call(method, data, optionalHash(params, 2))));
  }, { aliases: ['state_callAt'] });
  server.method('state_getStorage', (params) => {
    const key = bytesParam(params, 0, 'key');
    return guarded(() => {
      const value = node.storage(key, optionalHash(params, 1));
      return value === undefined ? null : u8aToHex(value);
    });
  }, { aliases: ['state_getStorageAt'] });
  server.method('state_getStorageHash', (params) => {
    const key = bytesParam(params, 0, 'key');
    return guarded(() => {
      const value = node.storage(key, optionalHash(params, 1));
      return value === undefined ? null : u8aToHex(blake2_256(value));
    });
  }, { aliases: ['state_getStorageHashAt'] });
  server.method('state_getStorageSize', (params) => {
    const key = bytesParam(params, 0, 'key');
    return guarded(() => node.storage(key, optionalHash(params, 1))?.length ?? null);
  }, { aliases: ['state_getStorageSizeAt'] });
  server.method('state_getKeysPaged', (params) => {
    const prefix = params[0] === null || params[0] === undefined ? new Uint8Array() : bytesParam(params, 0, 'prefix');
    const count = countParam(params, 1, 'count');
    if (count > MAX_KEYS_PAGED) throw new RpcError(4002, `count exceeds maximum value. value: ${count}, max: ${MAX_KEYS_PAGED}`);
    const startKey = params[2] === null || params[2] === undefined ? undefined : bytesParam(params, 2, 'startKey');
    return guarded(() => node.at(optionalHash(params, 3), (state) => {
      const keys: string[] = [];
      for (const key of state.keys(prefix, startKey)) {
        if (keys.length >= count) break;
        keys.push(u8aToHex(key));
      }
      return keys;
    }));
  }, { aliases: ['state_getKeysPagedAt'] });
  server.method('state_queryStorageAt', (params) => {
    const parsed = keysParam(params, 0);
    return guarded(() => node.at(optionalHash(params, 1), (state, at) =>
      [{ block: at.hash, changes: parsed.map((key) => [u8aToHex(key), state.get(key) === undefined ? null : u8aToHex(state.get(key) as Uint8Array)]) }]));
  });
  server.method('state_getKeys', (params) => {
    const prefix = bytesParam(params, 0, 'prefix');
    return guarded(() => node.at(optionalHash(params, 1), (state) => [...state.keys(prefix)].map((key) => u8aToHex(key))));
  });
  server.method('state_queryStorage', (params) => {
    const keys = keysParam(params, 0);
    const from = node.resolve(hashParam(params, 1, 'fromBlock'));
    const to = guarded(() => node.resolve(optionalHash(params, 2)));
    if (to.number < from.number) throw invalidParams(`toBlock #${to.number} is before fromBlock #${from.number}`);
    if (to.number - from.number >= MAX_QUERY_RANGE) throw invalidParams(`at most ${MAX_QUERY_RANGE} blocks per query, got ${to.number - from.number + 1}`);
    // Substrate's shape: a change set for each block where one of the keys differs from the block
    // before in the range (every key, null included, in the first).
    const last = new Map<string, string | null>();
    const sets: { block: Hash; changes: (string | null)[][] }[] = [];
    for (let number = from.number; number <= to.number; number++) {
      const block = node.chain.hashAt(number) as Hash;
      const changes = guarded(() => node.at(block, (state) => keys.flatMap((key) => {
        const hex = u8aToHex(key);
        const value = state.get(key);
        const json = value === undefined ? null : u8aToHex(value);
        if (last.has(hex) && last.get(hex) === json) return [];
        last.set(hex, json);
        return [[hex, json]];
      })));
      if (changes.length > 0) sets.push({ block, changes });
    }
    return sets;
  });
  server.method('state_getReadProof', (params) => {
    const parsed = keysParam(params, 0);
    return guarded(() => node.at(optionalHash(params, 1), (state, at) => ({ at: at.hash, proof: state.proof(parsed).map((n) => u8aToHex(n)) })));
  });
  server.subscription({
    subscribe: 'state_subscribeStorage', unsubscribe: 'state_unsubscribeStorage', notification: 'state_storage',
    start: (params, sink) => {
      const keys = params[0] === undefined || params[0] === null ? undefined : params[0];
      if (keys !== undefined && !Array.isArray(keys)) throw invalidParams('keys: expected an array of 0x-hex storage keys');
      const watched = keys?.map((_, i) => bytesParam(keys, i, `keys[${i}]`));
      if (watched) {
        sink.send({ block: node.head.hash, changes: changesJson(watched.map((key): Change => [key, node.storage(key) ?? null])) });
      }
      const watchedHex = watched && new Set(watched.map((key): string => u8aToHex(key)));
      return storageChanges((block) => {
        const relevant = blockChangesJson(block).filter(([key]) => !watchedHex || watchedHex.has(key as string));
        if (relevant.length > 0) sink.send({ block: block.hash, changes: relevant });
      });
    },
  });
  server.subscription({
    subscribe: 'state_subscribeRuntimeVersion', unsubscribe: 'state_unsubscribeRuntimeVersion', notification: 'state_runtimeVersion',
    aliases: { subscribe: ['chain_subscribeRuntimeVersion'], unsubscribe: ['chain_unsubscribeRuntimeVersion'] },
    // The runtime never changes while the node runs: the current version is all there is to say.
    start: (_params, sink) => {
      sink.send(runtimeVersionJson(node.chain.runtime.version));
      return () => undefined;
    },
  });
}

function registerSystem(server: RpcServer, node: DevNode): void {
  server.method('system_chain', () => node.spec.name);
  server.method('system_name', () => NODE_NAME);
  server.method('system_version', () => NODE_VERSION);
  server.method('system_properties', () => node.spec.properties);
  server.method('system_chainType', () => node.spec.chainType);
  server.method('system_health', () => ({ peers: 0, isSyncing: false, shouldHavePeers: false }));
  // One node, no network: it authors every block, syncs from no one and has no peers.
  server.method('system_syncState', () => ({ startingBlock: 0, currentBlock: node.head.number, highestBlock: node.head.number }));
  server.method('system_nodeRoles', () => ['Authority']);
  server.method('system_peers', () => []);
  server.method('system_localListenAddresses', () => []);
  const peerId = localPeerId();
  server.method('system_localPeerId', () => peerId);
  server.method('system_accountNextIndex', (params) => nextNonce(node, accountParam(params, 0)), { aliases: ['account_nextIndex'] });
  server.method('system_dryRun', (params) => {
    const extrinsic = extrinsicParam(node, params, 0, decodeError('Unable to dry run extrinsic'));
    return guarded(() => u8aToHex(ApplyExtrinsicResult.enc(node.dryRun(extrinsic, optionalHash(params, 1)).outcome)));
  }, { unsafe: true, aliases: ['system_dryRunAt'] });
}

/**
 * payment_*: TransactionPaymentApi through state_call, in pallet-transaction-payment-rpc's JSON:
 * queryInfo's weight in sp_weights' serde shape (snake_case) and its fee as a decimal string;
 * queryFeeDetails' balances as NumberOrHex (a u128 becomes hex).
 */
function registerPayment(server: RpcServer, node: DevNode): void {
  const query = (method: string, params: unknown[], refusal: string) => {
    const extrinsic = extrinsicParam(node, params, 0, decodeError(refusal));
    return guarded(() => node.call(`TransactionPaymentApi_${method}`, u8aConcat(extrinsic, u32.enc(extrinsic.length)), optionalHash(params, 1)));
  };
  server.method('payment_queryInfo', (params) => {
    const info = RuntimeDispatchInfo.dec(query('query_info', params, 'Unable to query dispatch info.'));
    return {
      weight: { ref_time: Number(info.weight.ref_time), proof_size: Number(info.weight.proof_size) },
      class: info.class.type.toLowerCase(),
      partialFee: info.partial_fee.toString(),
    };
  });
  server.method('payment_queryFeeDetails', (params) => {
    const { inclusion_fee: fee } = FeeDetails.dec(query('query_fee_details', params, 'Unable to query fee details.'));
    return {
      inclusionFee: fee === undefined ? null
        : { baseFee: hexNumber(fee.base_fee), lenFee: hexNumber(fee.len_fee), adjustedWeightFee: hexNumber(fee.adjusted_weight_fee) },
    };
  });
}

function registerAuthor(server: RpcServer, node: DevNode): void {
  server.method('author_submitExtrinsic', (params) => {
    const extrinsic = bytesParam(params, 0, 'extrinsic');
    return guarded(() => node.submit(extrinsic));
  });
  server.method('author_pendingExtrinsics', () => node.pool.pending().map((xt) => u8aToHex(xt)));
  server.subscription({
    subscribe: 'author_submitAndWatchExtrinsic', unsubscribe: 'author_unwatchExtrinsic', notification: 'author_extrinsicUpdate',
    start: (params, sink) => {
      const extrinsic = bytesParam(params, 0, 'extrinsic');
      const hash = extrinsicHash(extrinsic);
      const onEvent = (subject: Hash, event: TransactionEvent) => {
        if (subject !== hash) return;
        const { status, final } = transactionStatus(event);
        sink.send(status);
        if (final) sink.close();
      };
      node.events.on('transaction', onEvent);
      const stop = () => node.events.off('transaction', onEvent);
      try {
        node.submit(extrinsic);
      } catch (error) {
        stop();
        clientError(error);
      }
      return stop;
    },
  });
}
