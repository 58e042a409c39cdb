// The new JSON-RPC spec (paritytech/json-rpc-interface-spec) that polkadot-api speaks:
// chainHead_v1_* (follow the chain, pin blocks, run header/body/call/storage operations whose
// results arrive as follow events), transaction_v1_broadcast / stop, and chainSpec_v1_*.
import { u8aToHex } from '@polkadot/util';
import { blake2_256 } from '../../primitives/hashing.ts';
import { Header, type Hash } from '../../primitives/types.ts';
import { trieRoot } from '../../primitives/trie.ts';
import { ApiCallError } from '../../frame/apis.ts';
import { UnknownBlock, type DevNode, type NewBlock } from '../node.ts';
import { bytesParam, hashParam } from './methods.ts';
import { RpcError, invalidParams, type Connection, type RpcServer, type Sink } from './server.ts';

/** The spec's error codes. */
const INVALID_BLOCK = -32801;
const INVALID_RUNTIME_CALL = -32802;
/** A follower may pin this many blocks; past it the subscription stops (the spec's "stop" event). */
const MAX_PINNED = 512;
/** Descendant storage items go out in events of at most this many. */
const ITEMS_PER_EVENT = 1000;

interface Follower {
  sink: Sink;
  conn: Connection;
  withRuntime: boolean;
  pinned: Set<Hash>;
  operations: Set<string>;
}

const STORAGE_QUERIES = ['value', 'hash', 'descendantsValues', 'descendantsHashes', 'closestDescendantMerkleValue'] as const;
type StorageQuery = (typeof STORAGE_QUERIES)[number];
type StorageItem = { key: string; value?: string; hash?: string; closestDescendantMerkleValue?: string };

export function registerChainHead(server: RpcServer, node: DevNode): void {
  const followers = new Map<string, Follower>();
  let nextOperation = 1;

  const runtimeSpec = () => {
    const v = node.chain.runtime.version;
    return {
      type: 'valid',
      spec: {
        specName: v.spec_name, implName: v.impl_name, specVersion: v.spec_version, implVersion: v.impl_version,
        transactionVersion: v.transaction_version, apis: Object.fromEntries(v.apis),
      },
    };
  };

  /** The follower named by params[0], on this connection. */
  const follower = (params: unknown[], conn: Connection | undefined): Follower => {
    const found = typeof params[0] === 'string' ? followers.get(params[0]) : undefined;
    if (!found || found.conn !== conn) throw invalidParams(`followSubscription: no chainHead_v1_follow subscription ${JSON.stringify(params[0])} on this connection`);
    return found;
  };

  /** A block hash the follower has pinned. */
  const pinnedBlock = (f: Follower, params: unknown[], i: number): Hash => {
    const hash = hashParam(params, i);
    if (!f.pinned.has(hash)) throw new RpcError(INVALID_BLOCK, 'Invalid block hash', `${hash} is not pinned`);
    return hash;
  };

  /** Starts an operation whose outcome `run` reports as follow events, after the method's response. */
  const operation = (f: Follower, run: (id: string) => void) => {
    const id = String(nextOperation++);
    f.operations.add(id);
    setImmediate(() => {
      if (!f.operations.delete(id)) return;
      try {
        run(id);
      } catch (error) {
        const inaccessible = error instanceof UnknownBlock;
        f.sink.send(inaccessible ? { event: 'operationInaccessible', operationId: id } : { event: 'operationError', operationId: id, error: (error as Error).message });
      }
    });
    return id;
  };

  server.subscription({
    subscribe: 'chainHead_v1_follow', unsubscribe: 'chainHead_v1_unfollow', notification: 'chainHead_v1_followEvent',
    unsubscribed: () => null,
    start: (params, sink, conn) => {
      const withRuntime = params[0];
      if (typeof withRuntime !== 'boolean') throw invalidParams('withRuntime: expected a boolean');
      const head = node.finalized.hash;
      const f: Follower = { sink, conn, withRuntime, pinned: new Set([head]), operations: new Set() };
      followers.set(sink.id, f);
      sink.send({ event: 'initialized', finalizedBlockHashes: [head], ...(withRuntime ? { finalizedBlockRuntime: runtimeSpec() } : {}) });
      const onBlock = ({ hash, header }: NewBlock) => {
        if (f.pinned.size >= MAX_PINNED) {
          sink.send({ event: 'stop' });
          sink.close();
          return;
        }
        f.pinned.add(hash);
        sink.send({ event: 'newBlock', blockHash: hash, parentBlockHash: header.parent_hash, ...(withRuntime ? { newRuntime: null } : {}) });
        sink.send({ event: 'bestBlockChanged', bestBlockHash: hash });
      };
      const onFinalized = ({ hash }: NewBlock) => {
        if (f.pinned.has(hash)) sink.send({ event: 'finalized', finalizedBlockHashes: [hash], prunedBlockHashes: [] });
      };
      // A head moved back (dev_setHead) breaks a finalized chain: followers start over.
      const onReorg = () => {
        sink.send({ event: 'stop' });
        sink.close();
      };
      node.events.on('block', onBlock);
      node.events.on('finalized', onFinalized);
      node.events.on('reorg', onReorg);
      return () => {
        node.events.off('block', onBlock);
        node.events.off('finalized', onFinalized);
        node.events.off('reorg', onReorg);
        followers.delete(sink.id);
      };
    },
  });

  server.method('chainHead_v1_header', (params, conn) => {
    const f = follower(params, conn);
    const header = node.header(pinnedBlock(f, params, 1));
    return header ? u8aToHex(Header.enc(header)) : null;
  });

  server.method('chainHead_v1_body', (params, conn) => {
    const f = follower(params, conn);
    const hash = pinnedBlock(f, params, 1);
    const operationId = operation(f, (id) => {
      const block = node.block(hash);
      if (!block) throw new UnknownBlock(`${hash} is no longer on the chain`);
      f.sink.send({ event: 'operationBodyDone', operationId: id, value: block.extrinsics.map((xt) => u8aToHex(xt)) });
    });
    return { result: 'started', operationId };
  });

  server.method('chainHead_v1_call', (params, conn) => {
    const f = follower(params, conn);
    const hash = pinnedBlock(f, params, 1);
    const fn = params[2];
    if (typeof fn !== 'string') throw invalidParams('function: expected a runtime API method name');
    // polkadot-api sends "" for no parameters.
    const input = params[3] === '' ? new Uint8Array() : bytesParam(params, 3, 'callParameters');
    if (!f.withRuntime) throw new RpcError(INVALID_RUNTIME_CALL, 'Invalid runtime call', 'the follow subscription was started with withRuntime: false');
    const operationId = operation(f, (id) => {
      try {
        f.sink.send({ event: 'operationCallDone', operationId: id, output: u8aToHex(node.call(fn, input, hash)) });
      } catch (error) {
        if (!(error instanceof ApiCallError)) throw error;
        f.sink.send({ event: 'operationError', operationId: id, error: error.message });
      }
    });
    return { result: 'started', operationId };
  });

  server.method('chainHead_v1_storage', (params, conn) => {
    const f = follower(params, conn);
    const hash = pinnedBlock(f, params, 1);
    const items = params[2];
    if (!Array.isArray(items)) throw invalidParams('items: expected an array of { key, type }');
    const queries = items.map((item, i) => {
      const { key, type } = (item ?? {}) as { key?: unknown; type?: unknown };
      if (!STORAGE_QUERIES.includes(type as StorageQuery)) throw invalidParams(`items[${i}].type: expected one of ${STORAGE_QUERIES.join(', ')}`);
      return { key: bytesParam([key], 0, `items[${i}].key`), type: type as StorageQuery };
    });
    if (params[3] !== undefined && params[3] !== null) throw invalidParams('childTrie: this chain has no child tries');
    const operationId = operation(f, (id) => {
      const found = node.at(hash, (state) => queries.flatMap(({ key, type }): StorageItem[] => {
        const hex = u8aToHex(key);
        switch (type) {
          case 'value': {
            const value = state.get(key);
            return value === undefined ? [] : [{ key: hex, value: u8aToHex(value) }];
          }
          case 'hash': {
            const value = state.get(key);
            return value === undefined ? [] : [{ key: hex, hash: u8aToHex(blake2_256(value)) }];
          }
          case 'descendantsValues':
            return [...state.entries(key)].map(([k, v]) => ({ key: u8aToHex(k), value: u8aToHex(v) }));
          case 'descendantsHashes':
            return [...state.entries(key)].map(([k, v]) => ({ key: u8aToHex(k), hash: u8aToHex(blake2_256(v)) }));
          case 'closestDescendantMerkleValue': {
            // The trie does not expose its nodes' merkle values. The root of a trie holding just the
            // descendants stands in: it changes exactly when one of them does, which is what
            // clients watch it for, but it is not the node's merkle value a proof would show.
            const entries = [...state.entries(key)];
            return entries.length === 0 ? [] : [{ key: hex, closestDescendantMerkleValue: u8aToHex(trieRoot(entries)) }];
          }
        }
      }));
      for (let at = 0; at < found.length; at += ITEMS_PER_EVENT) {
        f.sink.send({ event: 'operationStorageItems', operationId: id, items: found.slice(at, at + ITEMS_PER_EVENT) });
      }
      f.sink.send({ event: 'operationStorageDone', operationId: id });
    });
    return { result: 'started', operationId, discardedItems: 0 };
  });

  // Operations complete without waiting, so there is never one to continue; stopping one that has not run cancels it.
  server.method('chainHead_v1_continue', (params, conn) => {
    follower(params, conn);
    throw new RpcError(-32803, 'Invalid continue', `operation ${JSON.stringify(params[1])} is not waiting for continue`);
  });
  server.method('chainHead_v1_stopOperation', (params, conn) => {
    follower(params, conn).operations.delete(String(params[1]));
    return null;
  });

  server.method('chainHead_v1_unpin', (params, conn) => {
    const f = follower(params, conn);
    const hashes = Array.isArray(params[1]) ? params[1] : [params[1]];
    const parsed = hashes.map((_, i) => pinnedBlock(f, hashes, i));
    if (new Set(parsed).size !== parsed.length) throw new RpcError(-32804, 'Invalid duplicate hashes');
    for (const hash of parsed) f.pinned.delete(hash);
    return null;
  });

  // ---- transaction_v1 and chainSpec_v1 -----------------------------------------------------------

  const broadcasts = new Map<string, Hash>();
  let nextBroadcast = 1;
  node.events.on('transaction', (hash, event) => {
    if (event.type === 'ready' || event.type === 'future' || event.type === 'inBlock') return;
    for (const [id, broadcast] of broadcasts) if (broadcast === hash) broadcasts.delete(id);
  });
  server.method('transaction_v1_broadcast', (params) => {
    const extrinsic = bytesParam(params, 0, 'transaction');
    const operationId = String(nextBroadcast++);
    try {
      broadcasts.set(operationId, node.submit(extrinsic));
    } catch {
      // The spec's broadcast reports no validity: a refused transaction is simply never included.
    }
    return operationId;
  });
  server.method('transaction_v1_stop', (params) => {
    const id = params[0];
    const hash = typeof id === 'string' ? broadcasts.get(id) : undefined;
    if (hash === undefined) throw invalidParams(`operationId: no broadcast ${JSON.stringify(id)}`);
    broadcasts.delete(id as string);
    node.pool.drop(hash, { type: 'dropped', reason: 'transaction_v1_stop' });
    return null;
  });

  server.method('chainSpec_v1_chainName', () => node.spec.name);
  server.method('chainSpec_v1_genesisHash', () => node.chain.genesisHash);
  server.method('chainSpec_v1_properties', () => node.spec.properties);
}
