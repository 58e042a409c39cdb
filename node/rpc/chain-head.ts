// The new JSON-RPC spec (paritytech/json-rpc-interface-spec) that polkadot-api speaks:
// chainHead_v1_* (follow the chain, pin blocks, run header/body/call/storage operations whose
// results arrive as follow events), transaction_v1_broadcast / stop, and chainSpec_v1_*.
// Every operation is bounded as in Substrate: follow subscriptions per connection, operations in
// flight per subscription (a storage request's items each take one; the rest are discarded), and
// storage items per page, the next page waiting for chainHead_v1_continue.
import { randomBytes } from 'node:crypto';
import { u8aToHex } from '@polkadot/util';
import { blake2_256 } from '../../primitives/hashing.ts';
import { Header, type Hash } from '../../primitives/types.ts';
import { trieRoot } from '../../primitives/trie.ts';
import { ApiCallError } from '../../frame/apis.ts';
import { UnknownBlock, type DevNode, type NewBlock } from '../dev-node.ts';
import { bytesParam, hashParam } from './params.ts';
import { RpcError, invalidParams, type Connection, type RpcServer, type Sink } from './server.ts';

/** The spec's error codes. */
const LIMIT_REACHED = -32800;
const INVALID_BLOCK = -32801;
const INVALID_RUNTIME_CALL = -32802;
const INVALID_CONTINUE = -32803;
/** A follower may pin this many blocks; past it the subscription stops (the spec's "stop" event). */
const MAX_PINNED = 512;
/** Substrate's limits: follow subscriptions per connection, operations in flight per subscription. */
const MAX_FOLLOWS_PER_CONNECTION = 4;
const MAX_OPERATIONS = 16;
/** Storage items per operationStorageItems event; then the operation waits for chainHead_v1_continue. */
const ITEMS_PER_PAGE = 1000;

interface Operation {
  /** How many of the follower's MAX_OPERATIONS it holds. */
  slots: number;
  /** Set while it waits for chainHead_v1_continue. */
  resume?: () => void;
}

interface Follower {
  sink: Sink;
  conn: Connection;
  withRuntime: boolean;
  pinned: Set<Hash>;
  operations: Map<string, Operation>;
}

const slotsInUse = (f: Follower): number => [...f.operations.values()].reduce((sum, op) => sum + op.slots, 0);

const STORAGE_QUERIES = ['value', 'hash', 'descendantsValues', 'descendantsHashes', 'closestDescendantMerkleValue'] as const;
type StorageQuery = (typeof STORAGE_QUERIES)[number];
type StorageItem = { key: string; value?: string; hash?: string; closestDescendantMerkleValue?: string };
type StorageQueryItem = { key: Uint8Array; type: StorageQuery };

/**
 * The next page of a storage operation's items, from `cursor` (which query, and the last key given
 * of a descendants query) on; advances the cursor. Empty when every query is answered (chainHead_v1_storage, archive_v1_storage).
 */
export const storagePage = (node: DevNode, hash: Hash, queries: StorageQueryItem[], cursor: { query: number; after?: Uint8Array }): StorageItem[] =>
  node.at(hash, (state) => {
    const page: StorageItem[] = [];
    for (; cursor.query < queries.length && page.length < ITEMS_PER_PAGE; cursor.query++, cursor.after = undefined) {
      const { key, type } = queries[cursor.query];
      const hex = u8aToHex(key);
      if (type === 'value' || type === 'hash') {
        const value = state.get(key);
        if (value !== undefined) page.push(type === 'value' ? { key: hex, value: u8aToHex(value) } : { key: hex, hash: u8aToHex(blake2_256(value)) });
      } else if (type === 'closestDescendantMerkleValue') {
        // The trie does not expose its nodes' merkle values. The root of a trie holding just the
        // descendants stands in (the state root itself for the empty key): it changes exactly when
        // one of them does, which is what clients watch it for, but it is not the node's merkle
        // value a proof would show.
        const entries = key.length === 0 ? undefined : [...state.entries(key)];
        const merkle = entries === undefined ? state.root() : entries.length > 0 ? trieRoot(entries) : undefined;
        if (merkle) page.push({ key: hex, closestDescendantMerkleValue: u8aToHex(merkle) });
      } else {
        for (const [k, v] of state.entries(key, cursor.after)) {
          page.push(type === 'descendantsValues' ? { key: u8aToHex(k), value: u8aToHex(v) } : { key: u8aToHex(k), hash: u8aToHex(blake2_256(v)) });
          if (page.length === ITEMS_PER_PAGE) {
            cursor.after = k;
            return page;
          }
        }
      }
    }
    return page;
  });


/** The `items` parameter of a storage request: `[{ key, type }, ...]`. */
export function storageQueries(items: unknown): StorageQueryItem[] {
  if (!Array.isArray(items)) throw invalidParams('items: expected an array of { key, type }');
  return items.map((item, i) => {
    const { key, type } = (item ?? {}) as { key?: unknown; type?: unknown };
    if (!STORAGE_QUERIES.includes(type as StorageQuery)) throw invalidParams(`items[${i}].type: expected one of ${STORAGE_QUERIES.join(', ')}`);
    return { key: bytesParam([key], 0, `items[${i}].key`), type: type as StorageQuery };
  });
}

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

  /**
   * Starts an operation holding `slots` of the follower's operations, after the method's response.
   * `step` reports its outcome as follow events and says whether it is done; if not, it waits for
   * chainHead_v1_continue and steps again.
   */
  const operation = (f: Follower, slots: number, step: (id: string) => boolean) => {
    const id = String(nextOperation++);
    const op: Operation = { slots };
    f.operations.set(id, op);
    const run = () => {
      if (f.operations.get(id) !== op) return; // stopped
      let done = true;
      try {
        done = step(id);
      } catch (error) {
        const inaccessible = error instanceof UnknownBlock;
        f.sink.send(inaccessible ? { event: 'operationInaccessible', operationId: id } : { event: 'operationError', operationId: id, error: (error as Error).message });
      }
      if (done) {
        f.operations.delete(id);
        return;
      }
      op.resume = () => {
        op.resume = undefined;
        setImmediate(run);
      };
      f.sink.send({ event: 'operationWaitingForContinue', operationId: id });
    };
    setImmediate(run);
    return id;
  };

  /** The spec's answer when the follower's operations are all in use. */
  const limitReached = (f: Follower) => slotsInUse(f) >= MAX_OPERATIONS;

  server.subscription({
    subscribe: 'chainHead_v1_follow', unsubscribe: 'chainHead_v1_unfollow', notification: 'chainHead_v1_followEvent',
    unsubscribed: () => null,
    start: (params, sink, conn) => {
      const withRuntime = params[0];
      if (typeof withRuntime !== 'boolean') throw invalidParams('withRuntime: expected a boolean');
      if ([...followers.values()].filter((other) => other.conn === conn).length >= MAX_FOLLOWS_PER_CONNECTION) {
        throw new RpcError(LIMIT_REACHED, 'Maximum number of chainHead_follow has been reached', `Exceeded max limit of ${MAX_FOLLOWS_PER_CONNECTION} per connection`);
      }
      const head = node.finalized.hash;
      const f: Follower = { sink, conn, withRuntime, pinned: new Set([head]), operations: new Map() };
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
    if (limitReached(f)) return { result: 'limitReached' };
    const operationId = operation(f, 1, (id) => {
      const block = node.block(hash);
      if (!block) throw new UnknownBlock(`${hash} is no longer on the chain`);
      f.sink.send({ event: 'operationBodyDone', operationId: id, value: block.extrinsics.map((xt) => u8aToHex(xt)) });
      return true;
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
    if (limitReached(f)) return { result: 'limitReached' };
    const operationId = operation(f, 1, (id) => {
      try {
        f.sink.send({ event: 'operationCallDone', operationId: id, output: u8aToHex(node.call(fn, input, hash)) });
      } catch (error) {
        if (!(error instanceof ApiCallError)) throw error;
        f.sink.send({ event: 'operationError', operationId: id, error: error.message });
      }
      return true;
    });
    return { result: 'started', operationId };
  });

  server.method('chainHead_v1_storage', (params, conn) => {
    const f = follower(params, conn);
    const hash = pinnedBlock(f, params, 1);
    const queries = storageQueries(params[2]);
    if (params[3] !== undefined && params[3] !== null) throw invalidParams('childTrie: this chain has no child tries');
    // Each item takes one of the follower's operations; those beyond what is free are discarded.
    const accepted = queries.slice(0, MAX_OPERATIONS - slotsInUse(f));
    if (accepted.length === 0 && queries.length > 0) return { result: 'limitReached' };
    const cursor = { query: 0 };
    const operationId = operation(f, accepted.length, (id) => {
      const page = storagePage(node, hash, accepted, cursor);
      if (page.length > 0) f.sink.send({ event: 'operationStorageItems', operationId: id, items: page });
      const done = cursor.query >= accepted.length;
      if (done) f.sink.send({ event: 'operationStorageDone', operationId: id });
      return done;
    });
    return { result: 'started', operationId, discardedItems: queries.length - accepted.length };
  });

  server.method('chainHead_v1_continue', (params, conn) => {
    const op = follower(params, conn).operations.get(String(params[1]));
    if (op && !op.resume) throw new RpcError(INVALID_CONTINUE, 'Invalid continue', `operation ${JSON.stringify(params[1])} is not waiting for continue`);
    op?.resume?.();
    return null;
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

  // A broadcast's id is random and belongs to the connection that made it (HTTP ones to HTTP clients,
  // who hold no connection: there the unguessable id is the only key).
  const broadcasts = new Map<string, { hash: Hash; owner: Connection | undefined }>();
  node.events.on('transaction', (hash, event) => {
    if (event.type === 'ready' || event.type === 'future' || event.type === 'inBlock') return;
    for (const [id, broadcast] of broadcasts) if (broadcast.hash === hash) broadcasts.delete(id);
  });
  server.method('transaction_v1_broadcast', (params, conn) => {
    const extrinsic = bytesParam(params, 0, 'transaction');
    const operationId = randomBytes(16).toString('hex');
    try {
      broadcasts.set(operationId, { hash: node.submit(extrinsic), owner: conn });
    } catch {
      // The spec's broadcast reports no validity: a refused transaction is simply never included.
    }
    return operationId;
  });
  server.method('transaction_v1_stop', (params, conn) => {
    const id = params[0];
    const broadcast = typeof id === 'string' ? broadcasts.get(id) : undefined;
    if (broadcast === undefined || broadcast.owner !== conn) throw invalidParams(`operationId: no broadcast ${JSON.stringify(id)} made on this connection`);
    const { hash } = broadcast;
    broadcasts.delete(id as string);
    node.pool.drop(hash, { type: 'dropped', reason: 'transaction_v1_stop' });
    return null;
  });

  server.method('chainSpec_v1_chainName', () => node.spec.name);
  server.method('chainSpec_v1_genesisHash', () => node.chain.genesisHash);
  server.method('chainSpec_v1_properties', () => node.spec.properties);
}
