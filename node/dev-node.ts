// Over 400 lines: one class, the dev node's state machine (head, pool, sealing modes, finality,
// undo records, dev_* edits) whose parts read and write the same head.
// The dev node: a Chain, a transaction pool, block sealing (instant, on an interval, or on
// demand), instant finality, and recent state kept as per-block undo records so that queries at a
// recent block hash answer (with a database, only the last UNDO_IN_MEMORY blocks' in memory and
// the older ones read from it). node.ts puts the JSON-RPC server in front of it.
import { EventEmitter } from 'node:events';
import { u8aToHex } from '@polkadot/util';
import type { Trie } from '../primitives/trie.ts';
import type { Hash, Header } from '../primitives/types.ts';
import type { ChainSpec } from '../genesis/spec.ts';
import { callRuntimeApi, queryRuntimeApi } from '../frame/apis.ts';
import { BlockBuilder } from '../frame/block-builder.ts';
import { commitChanges, revertChanges, type Block } from '../frame/block.ts';
import type { ApplyExtrinsicResult } from '../frame/executive.ts';
import { Overlay, type Change } from '../frame/overlay.ts';
import { setRuntimeLog, type RuntimeLogLevel } from '../frame/log.ts';
import { Chain, type Head } from './chain.ts';
import type { History } from './database.ts';
import { SliceIndex } from './slice-index.ts';
import type { SignaturePool } from './signature-pool.ts';
import { SliceMarketplace } from '../runtime/runtime.ts';
import type { PageRequest, SliceFilter } from '../pallets/slice-marketplace/types.ts';
import type { ListingSource } from '../pallets/slice-marketplace/api.ts';
import { inherentDataAt } from './inherents.ts';
import { ScaleError } from '../primitives/scale.ts';
import { TransactionPool, extrinsicHash, undecodableReason, validityReason, type PoolEvent, type PoolOptions } from './pool.ts';

export type Sealing = 'instant' | 'interval' | 'manual';

export interface DevNodeOptions {
  spec: ChainSpec;
  /** The chain to run (one opened from a database); a fresh one from `spec` when absent. */
  chain?: Chain;
  sealing?: Sealing;
  /** The interval between blocks with `interval` sealing (6 s, the slot). */
  blockTimeMs?: number;
  /** How many recent blocks keep their state queryable (Substrate's default state pruning: 256; Infinity: an archive). */
  stateHistory?: number;
  /** The state history of the most recent blocks before this start (from the database), oldest first, ending at the head. */
  history?: readonly History[];
  /**
   * Reads the stored state history of a block (the database's): the node then keeps only the last
   * UNDO_IN_MEMORY blocks' in memory and reads older ones from here when a query or dev_setHead
   * goes further back. Without it every record of the stateHistory window stays in memory.
   */
  storedHistory?: (number: number) => History | undefined;
  /**
   * How long after sealing a block is reported final. No consensus waits, but a client that sees
   * Finalized in the same instant as InBlock (polkadot.js switches to the newest status) never
   * reports InBlock: 200 ms leaves it time to fetch the block's events.
   */
  finalityDelayMs?: number;
  /** Resolves once every block sealed so far is stored (the database's flush): a block is reported final only after. */
  stored?: () => Promise<void>;
  pool?: PoolOptions;
  /**
   * Worker threads that verify the signatures of dev_newBlock's transactions while the block is
   * built (this thread verifies its share as it applies them). Transactions submitted to the pool
   * are verified when admitted, on this thread: verifying them on a worker first would hold each
   * connection's next request for the round trip (requests on a connection are answered in order),
   * which cut sustained throughput from 301 to 222 tx/s with benches/rpc.ts's 4 clients.
   */
  signatures?: SignaturePool;
}

/** A block the node made its head, with the storage changes it made (for storage subscriptions). */
export interface NewBlock {
  hash: Hash;
  header: Header;
  changes: readonly Change[];
}

/** What happened to a watched transaction after the pool: included in a block, then finalized. */
export type TransactionEvent = PoolEvent | { type: 'inBlock'; block: Hash; index: number } | { type: 'finalized'; block: Hash; index: number };

/** A query names a block the node does not know, or one whose state it no longer keeps. */
export class UnknownBlock extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnknownBlock';
  }
}

/** Refusals that say "not in this block": no room left, or a predecessor that did not fit. */
const LIST_SLICES = 'SliceMarketplaceApi_list_slices';
const KEPT_FOR_LATER = ['ExhaustsResources', 'Future'];

interface Recent extends History {
  hash: Hash;
}

/** How many recent blocks' undo records a node with a database keeps in memory (older ones are read from it). */
export const UNDO_IN_MEMORY = 64;

interface NodeEvents {
  /** A new best block. */
  block: [NewBlock];
  /** A block became final (finalityDelayMs after it was sealed). */
  finalized: [NewBlock];
  /** The head moved back (dev_setHead): the changes are what undoing the dropped blocks changed. */
  reorg: [NewBlock];
  /** The head's state was edited in place (dev_setStorage). */
  storage: [NewBlock];
  transaction: [Hash, TransactionEvent];
  /** A transaction dev_newBlock was given and left out of the block, with the reason. */
  refused: [Hash, string];
  /** A runtime log line let through by setRuntimeLogLevel: level, target, message. */
  runtimeLog: [RuntimeLogLevel, string, string];
}

export class DevNode {
  readonly chain: Chain;
  readonly pool: TransactionPool;
  readonly events = new EventEmitter<NodeEvents>();
  /** The signature workers (DevNodeOptions.signatures), if the node has them. */
  readonly signatures: SignaturePool | undefined;
  private sealingMode: Sealing;
  /** chopsticks' Instant build mode: instant sealing, one transaction per block. */
  private oneTransactionPerBlock = false;
  private readonly blockTimeMs: number;
  private readonly stateHistory: number;
  /** Undo records of the most recent blocks, oldest first, each against its parent, ending at the head (or empty). */
  private readonly recent: Recent[] = [];
  /** How many of them stay in memory. */
  private readonly undoInMemory: number;
  private readonly storedHistory: ((number: number) => History | undefined) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private sealPending = false;
  private readonly finalityDelayMs: number;
  private finalizedNumber: number;
  private readonly finalizing = new Set<NodeJS.Timeout>();
  private readonly stored: () => Promise<void>;
  /** list_slices' index of the head state's nodes, from the first listing on (node/slice-index.ts). */
  private sliceIndex: SliceIndex | undefined;

  constructor(opts: DevNodeOptions) {
    // Every subscription and watched transaction listens here: many listeners are the normal case.
    this.events.setMaxListeners(0);
    this.chain = opts.chain ?? new Chain(opts.spec);
    this.sealingMode = opts.sealing ?? 'instant';
    this.blockTimeMs = opts.blockTimeMs ?? 6000;
    this.stateHistory = opts.stateHistory ?? 256;
    this.storedHistory = opts.storedHistory;
    this.undoInMemory = opts.storedHistory ? Math.min(UNDO_IN_MEMORY, this.stateHistory) : this.stateHistory;
    this.finalityDelayMs = opts.finalityDelayMs ?? 200;
    this.signatures = opts.signatures;
    this.stored = opts.stored ?? (() => Promise.resolve());
    // A chain resumed from a database was sealed by a node that finalizes every block: finality does not go back on a restart.
    this.finalizedNumber = this.chain.head.number;
    this.pool = new TransactionPool((bytes) => this.chain.validate(bytes), opts.pool);
    this.pool.listeners.push((hash, event) => this.events.emit('transaction', hash, event));
    for (const { number, changes, undo } of (opts.history ?? []).slice(-this.undoInMemory)) {
      this.recent.push({ hash: this.chain.hashAt(number) as Hash, number, changes, undo });
    }
    this.chain.listeners.push((built) => {
      this.recent.push({ hash: built.hash, number: built.block.header.number, changes: built.changes, undo: built.undo });
      this.sliceIndex?.apply(built.changes);
      if (this.recent.length > this.undoInMemory) this.recent.shift();
    });
  }

  get spec(): ChainSpec {
    return this.chain.spec;
  }

  get head(): Head {
    return this.chain.head;
  }

  /** The last final block: every sealed block becomes final, finalityDelayMs later. */
  get finalized(): Head {
    const number = Math.min(this.finalizedNumber, this.head.number);
    return { hash: this.chain.hashAt(number) as Hash, number };
  }

  get sealing(): Sealing {
    return this.sealingMode;
  }

  start(): void {
    if (this.sealing === 'interval' && !this.timer) this.timer = setInterval(() => this.seal(), this.blockTimeMs);
  }

  /** Lets the runtime's log lines up to `level` (0 off ... 5 trace) out as runtimeLog events (dev_setRuntimeLogLevel). */
  setRuntimeLogLevel(level: number): void {
    setRuntimeLog(level, level === 0 ? undefined : (lvl, target, message) => this.events.emit('runtimeLog', lvl, target, message));
  }

  /** Switches sealing while running (dev_setBlockBuildMode); instant sealing takes what is ready at once. */
  setSealing(sealing: Sealing, { oneTransactionPerBlock = false } = {}): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.sealingMode = sealing;
    this.oneTransactionPerBlock = sealing === 'instant' && oneTransactionPerBlock;
    this.start();
    if (sealing === 'instant') this.scheduleSeal();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    for (const timer of this.finalizing) clearTimeout(timer);
    this.finalizing.clear();
  }

  // ---- blocks ------------------------------------------------------------------------------------

  /** The number of a known block, or undefined. */
  numberOf(hash: Hash): number | undefined {
    return this.chain.numberOf(hash);
  }

  block(hash: Hash): Block | undefined {
    const number = this.numberOf(hash);
    return number === 0 ? { header: this.chain.genesis.header, extrinsics: [] } : number === undefined ? undefined : this.chain.blockAt(number);
  }

  header(hash: Hash): Header | undefined {
    return this.block(hash)?.header;
  }

  /** Resolves an optional block hash parameter: the head when absent. */
  resolve(hash: Hash | undefined): Head {
    if (hash === undefined) return this.head;
    const number = this.numberOf(hash);
    if (number === undefined) throw new UnknownBlock(`Header was not found in the database: ${hash}`);
    return { hash, number };
  }

  // ---- state ------------------------------------------------------------------------------------

  /**
   * Runs `body` on the state of block `hash` (the head when absent). An older block's state is made
   * by undoing the blocks after it on the head state, and redone afterwards: `body` must only read.
   */
  at<T>(hash: Hash | undefined, body: (state: Trie, at: Head) => T): T {
    const at = this.resolve(hash);
    const head = this.head;
    if (at.number === head.number) return body(this.chain.state, at);
    const since = this.historySince(at.number);
    if (!since) throw new UnknownBlock(`State already discarded for ${at.hash}`);
    const state = this.chain.state;
    for (let i = since.length - 1; i >= 0; i--) revertChanges(state, since[i].undo);
    try {
      return body(state, at);
    } finally {
      for (const r of since) commitChanges(state, r.changes);
    }
  }

  /** Reads typed storage at a block: `node.read(hash, () => System.Account.get(who))`. */
  read<T>(hash: Hash | undefined, body: () => T): T {
    return this.at(hash, (state) => this.chain.executive.run(new Overlay(state), body));
  }

  storage(key: Uint8Array, hash?: Hash): Uint8Array | undefined {
    return this.at(hash, (state) => state.get(key));
  }

  /** state_call: a runtime API at a block; list_slices at the head from the listings index. */
  call(method: string, input: Uint8Array, hash?: Hash): Uint8Array {
    return this.at(hash, (state, at) => {
      const source = method === LIST_SLICES ? this.listingSource(state, at) : undefined;
      const answer = source && ((args: Record<string, unknown>) => SliceMarketplace.api.listSlices(args.filter as SliceFilter, args.page as PageRequest, source));
      return callRuntimeApi({ executive: this.chain.executive, state, at }, method, input, answer);
    });
  }

  /**
   * What list_slices reads at `state`, from the listings index (built at the first listing at the
   * head); undefined for another state (a past block) or a runtime without the marketplace.
   */
  private listingSource(state: Trie, at: Head): ListingSource | undefined {
    if (!this.chain.runtime.pallets.some(({ pallet }) => pallet === SliceMarketplace)) return undefined;
    if (!this.sliceIndex && at.hash === this.head.hash) this.sliceIndex = new SliceIndex(this.chain.state);
    return this.sliceIndex?.sourceFor(state);
  }

  /** Calls a runtime API at `hash` (the best block when absent) with values in and out. */
  api<O>(name: string, args: readonly unknown[], hash?: Hash): O {
    return this.at(hash, (state, at) => queryRuntimeApi<O>({ executive: this.chain.executive, state, at }, name, args));
  }

  /**
   * Applies `extrinsic` in a block on top of `hash` (after its inherents) without keeping anything:
   * the outcome and the storage such a block would have changed so far (system_dryRun, dev_dryRun;
   * `executive` may be one that takes unverified signatures, for a call as if signed).
   */
  dryRun(extrinsic: Uint8Array, hash?: Hash, executive = this.chain.executive): { outcome: ApplyExtrinsicResult; storageDiff: Change[] } {
    return this.at(hash, (state, at) => {
      const builder = new BlockBuilder(executive, state, at, inherentDataAt(executive, state));
      const outcome = builder.push(extrinsic);
      return { outcome, storageDiff: builder.drain() };
    });
  }

  // ---- transactions and blocks ------------------------------------------------------------------

  /** Admits a transaction to the pool (or refuses it with a PoolError); instant sealing then builds a block. */
  submit(bytes: Uint8Array): Hash {
    const hash = this.pool.submit(bytes);
    if (this.sealing === 'instant') this.scheduleSeal();
    return hash;
  }

  /** Decodes `bytes` as an extrinsic of the runtime, or says why they are not one. */
  undecodable(bytes: Uint8Array): string | undefined {
    try {
      this.chain.runtime.extrinsic.dec(bytes);
      return undefined;
    } catch (error) {
      if (error instanceof ScaleError) return undecodableReason(error);
      throw error;
    }
  }

  /**
   * Seals one block: `extra` transactions first (dev_newBlock), then the pool's ready ones in order.
   * What a block refuses for lack of room stays in the pool; what it refuses as invalid leaves it.
   * An `extra` one that does not decode or is refused is left out and reported ('refused').
   */
  seal(extra: readonly Uint8Array[] = []): NewBlock {
    const decodable = extra.filter((xt) => {
      const reason = this.undecodable(xt);
      if (reason) this.events.emit('refused', extrinsicHash(xt), reason);
      return !reason;
    });
    // The workers verify the given transactions' signatures while the block is built (the pool's were verified when admitted).
    if (this.signatures) this.chain.checkAhead(this.signatures, decodable);
    const ready = this.pool.ready().slice(0, this.oneTransactionPerBlock ? 1 : undefined);
    const offered = [...decodable, ...ready.map((tx) => tx.bytes)];
    const { built, results, inherents } = this.chain.author(offered);
    const included: { hash: Hash; index: number }[] = [];
    let index = inherents;
    results.forEach((result: ApplyExtrinsicResult, i) => {
      const hash = extrinsicHash(offered[i]);
      if (result.success) included.push({ hash, index: index++ });
      else if (i < decodable.length) this.events.emit('refused', hash, validityReason(result.value));
      else if (!(result.value.type === 'Invalid' && KEPT_FOR_LATER.includes(result.value.value.type))) {
        this.pool.drop(hash, { type: 'invalid', error: result.value });
      }
    });
    this.pool.removeIncluded(included.map((x) => x.hash));
    const block: NewBlock = { hash: built.hash, header: built.block.header, changes: built.changes };
    for (const { hash, index: at } of included) this.events.emit('transaction', hash, { type: 'inBlock', block: built.hash, index: at });
    this.events.emit('block', block);
    // The pool follows its own included transactions by their tags; dev_newBlock's may change any of its transactions.
    this.pool.revalidate(decodable.length > 0);
    // Transactions that waited for a nonce this block used are ready now: instant sealing takes them
    // in the next block without waiting for another submission (unless this block made no progress).
    if (this.sealing === 'instant' && included.length > 0) this.scheduleSeal();
    const timer = setTimeout(() => void this.stored().then(() => {
      // Not after stop(); and a block dev_setHead dropped in the meantime never becomes final.
      if (!this.finalizing.delete(timer) || this.chain.hashAt(block.header.number) !== block.hash) return;
      this.finalizedNumber = Math.max(this.finalizedNumber, block.header.number);
      this.events.emit('finalized', block);
      for (const { hash, index: at } of included) this.events.emit('transaction', hash, { type: 'finalized', block: block.hash, index: at });
    }, () => this.finalizing.delete(timer)), this.finalityDelayMs);
    this.finalizing.add(timer);
    return block;
  }

  /** Writes raw storage into the head state (dev_setStorage); the next block builds on it. */
  setStorage(changes: readonly Change[]): void {
    const undo = commitChanges(this.chain.state, changes);
    this.sliceIndex?.apply(changes);
    if (this.recent.length === 0 && this.head.number > 0) {
      // dev_setHead went back beyond the records in memory: the head's comes from the database.
      const stored = this.storedHistory?.(this.head.number);
      if (stored) this.recent.push({ ...stored, hash: this.head.hash });
    }
    const head = this.recent.at(-1);
    if (head && head.hash === this.head.hash) {
      // Queries at older blocks undo the head block: its undo record must also undo this edit.
      const touched = new Set(head.undo.map(([key]) => u8aToHex(key)));
      head.undo.push(...undo.filter(([key]) => !touched.has(u8aToHex(key))));
      head.changes = [...head.changes.filter(([key]) => !changes.some(([k]) => u8aToHex(k) === u8aToHex(key))), ...changes];
    }
    this.pool.revalidate(true);
    this.events.emit('storage', { hash: this.head.hash, header: this.header(this.head.hash) as Header, changes });
  }

  /**
   * The state history of the blocks after `number` up to the head, oldest first: from memory, or
   * the older ones from the database; undefined when the state of `number` is no longer kept.
   */
  private historySince(number: number): History[] | undefined {
    const head = this.head.number;
    if (head - number > this.stateHistory) return undefined;
    const since: History[] = [];
    for (let n = number + 1; n <= head; n++) {
      const inMemory = this.recent[this.recent.length - 1 - (head - n)];
      const record = inMemory?.number === n ? inMemory : this.storedHistory?.(n);
      if (!record) return undefined;
      since.push(record);
    }
    return since;
  }

  /** How many blocks' undo records are in memory (at most UNDO_IN_MEMORY with a database, the older ones read from it). */
  get undoRecordsInMemory(): number {
    return this.recent.length;
  }

  /** The head block's state history (undefined at genesis or beyond the window): what a database stores for it. */
  headHistory(): History | undefined {
    const head = this.recent.at(-1);
    return head?.hash === this.head.hash ? { number: head.number, changes: head.changes, undo: head.undo } : undefined;
  }

  /** Moves the head back to block `number` (dev_setHead): the blocks after it are forgotten. */
  setHead(number: number): void {
    const head = this.head;
    if (!Number.isInteger(number) || number < 0 || number > head.number) throw new UnknownBlock(`no block #${number} on this chain`);
    const since = this.historySince(number);
    if (!since) throw new UnknownBlock(`State already discarded for block #${number}`);
    const changes = new Map<string, Change>();
    for (let i = since.length - 1; i >= 0; i--) {
      revertChanges(this.chain.state, since[i].undo);
      for (const change of since[i].undo) changes.set(u8aToHex(change[0]), change);
    }
    this.sliceIndex?.apply([...changes.values()]);
    while ((this.recent.at(-1)?.number ?? 0) > number) this.recent.pop();
    this.chain.truncate(number);
    this.pool.revalidate(true);
    const hash = this.head.hash;
    this.events.emit('reorg', { hash, header: this.header(hash) as Header, changes: [...changes.values()] });
  }

  /**
   * Instant sealing: one block for everything submitted in the same turn of the event loop, when
   * something is ready (a future transaction alone waits, as in Substrate's instant seal).
   */
  private scheduleSeal(): void {
    if (this.sealPending) return;
    this.sealPending = true;
    setImmediate(() => {
      this.sealPending = false;
      // Not after dev_setBlockBuildMode switched to manual in the meantime.
      if (this.sealing === 'instant' && this.pool.counts.ready > 0) this.seal();
    });
  }
}
