// The dev node: a Chain, a transaction pool, block sealing (instant, on an interval, or on
// demand), instant finality, recent state kept as per-block undo records so that queries at a
// recent block hash answer, and the JSON-RPC server in front of it all. `slicechain --dev` runs it.
// (Over 400 lines: the node and the flags that start it, with their exposure and limit rules, read best together.)
import { EventEmitter } from 'node:events';
import type { Command } from 'commander';
import { u8aToHex } from '@polkadot/util';
import type { Trie } from '../primitives/trie.ts';
import type { Hash, Header } from '../primitives/types.ts';
import { loadChainSpec, type ChainSpec } from '../genesis/spec.ts';
import { Now, nextTimestamp } from '../pallets/timestamp/index.ts';
import { callRuntimeApi } from '../frame/apis.ts';
import { commitChanges, revertChanges, type Block } from '../frame/block.ts';
import type { ApplyExtrinsicResult } from '../frame/executive.ts';
import { Overlay, type Change } from '../frame/overlay.ts';
import { Chain, type Head } from './chain.ts';
import { openChain } from './database.ts';
import { ScaleError } from '../primitives/scale.ts';
import { TransactionPool, extrinsicHash, undecodableReason, validityReason, type PoolEvent, type PoolOptions } from './pool.ts';
import { RpcServer, type RpcServerOptions } from './rpc/server.ts';
import { registerMethods } from './rpc/methods.ts';
import { staticFiles } from './web-ui.ts';

export type Sealing = 'instant' | 'interval' | 'manual';

export interface DevNodeOptions {
  spec: ChainSpec;
  /** The chain to run (one opened from a database); a fresh one from `spec` when absent. */
  chain?: Chain;
  sealing?: Sealing;
  /** The interval between blocks with `interval` sealing (6 s, the slot). */
  blockTimeMs?: number;
  /** How many recent blocks keep their state queryable (Substrate's default state pruning: 256). */
  stateHistory?: number;
  /**
   * How long after sealing a block is reported final. No consensus waits, but a client that sees
   * Finalized in the same instant as InBlock (polkadot.js switches to the newest status) never
   * reports InBlock: 200 ms leaves it time to fetch the block's events.
   */
  finalityDelayMs?: number;
  /** Resolves once every block sealed so far is stored (the database's flush): a block is reported final only after. */
  stored?: () => Promise<void>;
  pool?: PoolOptions;
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
const KEPT_FOR_LATER = ['ExhaustsResources', 'Future'];

interface Recent {
  hash: Hash;
  number: number;
  changes: Change[];
  undo: Change[];
}

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
}

export class DevNode {
  readonly chain: Chain;
  readonly pool: TransactionPool;
  readonly events = new EventEmitter<NodeEvents>();
  readonly sealing: Sealing;
  private readonly blockTimeMs: number;
  private readonly stateHistory: number;
  /** Undo records of the most recent blocks, oldest first, each against its parent. */
  private readonly recent: Recent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private sealPending = false;
  private readonly finalityDelayMs: number;
  private finalizedNumber: number;
  private readonly finalizing = new Set<NodeJS.Timeout>();
  private readonly stored: () => Promise<void>;

  constructor(opts: DevNodeOptions) {
    // Every subscription and watched transaction listens here: many listeners are the normal case.
    this.events.setMaxListeners(0);
    this.chain = opts.chain ?? new Chain(opts.spec);
    this.sealing = opts.sealing ?? 'instant';
    this.blockTimeMs = opts.blockTimeMs ?? 6000;
    this.stateHistory = opts.stateHistory ?? 256;
    this.finalityDelayMs = opts.finalityDelayMs ?? 200;
    this.stored = opts.stored ?? (() => Promise.resolve());
    // A chain resumed from a database was sealed by a node that finalizes every block: finality does not go back on a restart.
    this.finalizedNumber = this.chain.head.number;
    this.pool = new TransactionPool((bytes) => this.chain.validate(bytes), opts.pool);
    this.pool.listeners.push((hash, event) => this.events.emit('transaction', hash, event));
    this.chain.listeners.push((built) => {
      this.recent.push({ hash: built.hash, number: built.block.header.number, changes: built.changes, undo: built.undo });
      if (this.recent.length > this.stateHistory) this.recent.shift();
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

  start(): void {
    if (this.sealing === 'interval' && !this.timer) this.timer = setInterval(() => this.seal(), this.blockTimeMs);
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
    if (hash === this.chain.genesisHash) return 0;
    const block = this.chain.block(hash);
    return block && this.chain.hashAt(block.header.number) === hash ? block.header.number : undefined;
  }

  block(hash: Hash): Block | undefined {
    if (hash === this.chain.genesisHash) return { header: this.chain.genesis.header, extrinsics: [] };
    return this.numberOf(hash) === undefined ? undefined : this.chain.block(hash);
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
    const since = this.recent.filter((r) => r.number > at.number);
    if (since.length !== head.number - at.number) throw new UnknownBlock(`State already discarded for ${at.hash}`);
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

  /** state_call: a runtime API at a block. */
  call(method: string, input: Uint8Array, hash?: Hash): Uint8Array {
    return this.at(hash, (state, at) => callRuntimeApi({ executive: this.chain.executive, state, at, apis: this.chain.runtime.spec.apis ?? [] }, method, input));
  }

  /**
   * Applies `extrinsic` in a block on top of `hash` (after its inherents) without keeping anything:
   * the outcome and the storage such a block would have changed so far (system_dryRun, dev_dryRun).
   */
  dryRun(extrinsic: Uint8Array, hash?: Hash): { outcome: ApplyExtrinsicResult; storageDiff: Change[] } {
    return this.at(hash, (state, at) => {
      const { executive } = this.chain;
      const overlay = new Overlay(state);
      executive.initializeBlock(overlay, at.number + 1, at.hash, { logs: [] });
      const now = executive.run(overlay, () => Now.get());
      for (const call of executive.runtime.spec.inherents({ timestamp: nextTimestamp(now) })) {
        executive.applyExtrinsic(overlay, executive.runtime.extrinsic.enc({ call }));
      }
      const outcome = executive.applyExtrinsic(overlay, extrinsic);
      return { outcome, storageDiff: overlay.drain() };
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
    const ready = this.pool.ready();
    const offered = [...decodable, ...ready.map((tx) => tx.bytes)];
    const { built, results } = this.chain.author(offered);
    const included: { hash: Hash; index: number }[] = [];
    let index = built.block.extrinsics.length - results.filter((r) => r.success).length;
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

  /** Moves the head back to block `number` (dev_setHead): the blocks after it are forgotten. */
  setHead(number: number): void {
    const head = this.head;
    if (!Number.isInteger(number) || number < 0 || number > head.number) throw new UnknownBlock(`no block #${number} on this chain`);
    const since = this.recent.filter((r) => r.number > number);
    if (since.length !== head.number - number) throw new UnknownBlock(`State already discarded for block #${number}`);
    const changes = new Map<string, Change>();
    for (let i = since.length - 1; i >= 0; i--) {
      revertChanges(this.chain.state, since[i].undo);
      for (const change of since[i].undo) changes.set(u8aToHex(change[0]), change);
    }
    this.recent.splice(this.recent.length - since.length);
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
      if (this.pool.counts.ready > 0) this.seal();
    });
  }
}

// ---- running it ------------------------------------------------------------------------------------

export interface StartOptions extends Omit<DevNodeOptions, 'spec' | 'chain'>, Partial<Omit<RpcServerOptions, 'unsafe'>> {
  chain?: string | ChainSpec;
  /** Keep the chain in a database there (`<base-path>/chains/<id>/db`), continuing one already there. */
  basePath?: string;
  /** Whether unsafe RPC methods (dev_*, system_dryRun) are served. */
  unsafe?: boolean;
  /** Serve the marketplace web app (web/dist) over HTTP GET on the RPC port. */
  ui?: boolean;
}

export interface RunningNode {
  node: DevNode;
  server: RpcServer;
  /** ws://host:port */
  url: string;
  /** http://host:port/ when the web app is served. */
  uiUrl?: string;
  close(): Promise<void>;
}

/** Starts a dev node and its JSON-RPC server; `port: 0` picks a free port. */
export async function startNode(opts: StartOptions = {}): Promise<RunningNode> {
  const spec = typeof opts.chain === 'object' ? opts.chain : loadChainSpec(opts.chain ?? 'dev');
  const stored = opts.basePath ? await openChain(spec, opts.basePath) : undefined;
  const node = new DevNode({ ...opts, spec, chain: stored?.chain, stored: stored && (() => stored.db.flush()) });
  if (stored) {
    // Sealed blocks reach the database through the chain; edits and rewinds of the head through here.
    const root = () => node.chain.state.root();
    node.events.on('storage', ({ changes }) => stored.db.enqueueEdit(changes, root()));
    node.events.on('reorg', ({ hash, header, changes }) => stored.db.enqueueTruncate({ number: header.number, hash }, changes, root()));
  }
  const server = new RpcServer({
    host: opts.host ?? '127.0.0.1', port: opts.port ?? 9944, maxRequestBytes: opts.maxRequestBytes, maxResponseBytes: opts.maxResponseBytes,
    maxBatchLength: opts.maxBatchLength, maxSubscriptionsPerConnection: opts.maxSubscriptionsPerConnection,
    maxConnections: opts.maxConnections, unsafe: opts.unsafe ?? false,
    serveGet: opts.ui ? staticFiles() : undefined,
  });
  registerMethods(server, node);
  let url: string;
  try {
    url = await server.listen();
  } catch (error) {
    await stored?.db.close();
    throw error;
  }
  node.start();
  return {
    node, server, url, uiUrl: opts.ui ? `http://${url.slice('ws://'.length)}/` : undefined,
    async close() {
      node.stop();
      await server.close();
      await stored?.db.close();
    },
  };
}

const SEALING: readonly Sealing[] = ['instant', 'interval', 'manual'];
const RPC_METHODS = ['auto', 'safe', 'unsafe'] as const;
type RpcMethods = (typeof RPC_METHODS)[number];

/**
 * Substrate's exposure rule: on loopback every method is served; listening beyond it serves only
 * safe ones unless the operator insists (--unsafe-rpc-external, or --rpc-methods unsafe), and then
 * the node warns. --dev changes nothing here.
 */
export function rpcExposure(flags: { rpcExternal?: boolean; unsafeRpcExternal?: boolean; rpcMethods: RpcMethods }): { host: string; unsafe: boolean; warning?: string } {
  const external = !!flags.rpcExternal || !!flags.unsafeRpcExternal;
  const unsafe = flags.rpcMethods === 'unsafe' || (flags.rpcMethods === 'auto' && (!external || !!flags.unsafeRpcExternal));
  const warning = !external ? undefined : unsafe
    ? 'warning: unsafe RPC methods (dev_*, system_dryRun) are served to the network: it isn\'t safe to expose RPC publicly without a proxy server that filters available set of RPC methods.'
    : 'note: unsafe RPC methods (dev_*, system_dryRun) are refused on --rpc-external; --unsafe-rpc-external serves them.';
  return { host: external ? '0.0.0.0' : '127.0.0.1', unsafe, warning };
}

const megabytes = (flag: string, value: unknown): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag}: expected a positive whole number of megabytes, got ${String(value)}`);
  return n * 1024 * 1024;
};
const count = (flag: string, value: unknown): number => {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${flag}: expected a non-negative integer, got ${String(value)}`);
  return n;
};

/** `slicechain --dev` and its flags, on the CLI's root command. */
export function registerNodeCommand(program: Command): void {
  program
    .option('--dev', 'run the dev chain: embedded dev spec, unsafe RPC methods, instant sealing')
    .option('--chain <spec>', 'chain spec: "dev" or a path', 'dev')
    .option('--sealing <mode>', `block sealing: ${SEALING.join(' | ')} (interval: every 6 s)`, 'instant')
    .option('--rpc-port <port>', 'JSON-RPC port (WebSocket and HTTP)', '9944')
    .option('--rpc-external', 'listen on all interfaces, not only 127.0.0.1 (then only safe methods, unless --unsafe-rpc-external)')
    .option('--unsafe-rpc-external', 'listen on all interfaces and serve unsafe methods too (prints a warning)')
    .option('--rpc-methods <kind>', `${RPC_METHODS.join(' | ')}: unsafe methods are dev_* and system_dryRun; auto serves them on loopback only`, 'auto')
    .option('--rpc-max-connections <n>', 'concurrent connections served', '100')
    .option('--rpc-max-request-size <MB>', 'largest request (or WebSocket frame) served', '15')
    .option('--rpc-max-response-size <MB>', 'largest response sent; a larger one becomes an error', '15')
    .option('--rpc-max-batch-request-len <n>', 'longest batch served (unlimited when absent)')
    .option('--rpc-disable-batch-requests', 'refuse batch requests')
    .option('--rpc-max-subscriptions-per-connection <n>', 'subscriptions one connection may hold', '1024')
    .option('--no-ui', 'do not serve the marketplace web app on the RPC port')
    .option('--base-path <dir>', 'keep the chain in a database there and continue it on the next start (in memory when absent)')
    .action(async (flags: Record<string, string | boolean | undefined>) => {
      if (!flags.dev) {
        program.help();
        return;
      }
      const sealing = flags.sealing as Sealing;
      if (!SEALING.includes(sealing)) program.error(`--sealing: expected one of ${SEALING.join(', ')}, got ${String(sealing)}`);
      const port = Number(flags.rpcPort);
      if (!Number.isInteger(port) || port < 0 || port > 65535) program.error(`--rpc-port: ${String(flags.rpcPort)} is not a port`);
      const rpcMethods = flags.rpcMethods as RpcMethods;
      if (!RPC_METHODS.includes(rpcMethods)) program.error(`--rpc-methods: expected one of ${RPC_METHODS.join(', ')}, got ${String(rpcMethods)}`);
      const { host, unsafe, warning } = rpcExposure({ rpcExternal: !!flags.rpcExternal, unsafeRpcExternal: !!flags.unsafeRpcExternal, rpcMethods });
      const running = await startNode({
        chain: flags.chain as string, sealing, port, host, unsafe, basePath: flags.basePath as string | undefined,
        maxConnections: count('--rpc-max-connections', flags.rpcMaxConnections),
        maxRequestBytes: megabytes('--rpc-max-request-size', flags.rpcMaxRequestSize),
        maxResponseBytes: megabytes('--rpc-max-response-size', flags.rpcMaxResponseSize),
        maxBatchLength: flags.rpcDisableBatchRequests ? 0 : flags.rpcMaxBatchRequestLen === undefined ? undefined : count('--rpc-max-batch-request-len', flags.rpcMaxBatchRequestLen),
        maxSubscriptionsPerConnection: count('--rpc-max-subscriptions-per-connection', flags.rpcMaxSubscriptionsPerConnection),
        ui: flags.ui !== false,
      });
      if (warning) console.warn(warning);
      const { node } = running;
      console.log(`slicechain dev node: ${node.spec.name} (${node.spec.id}), genesis ${node.chain.genesisHash}, ${sealing} sealing`);
      node.events.on('block', ({ hash, header }) => console.log(`sealed #${header.number} ${hash}`));
      node.events.on('refused', (hash, reason) => console.log(`dev_newBlock left out transaction ${hash}: ${reason}`));
      const ui = running.uiUrl ? `; web app on ${running.uiUrl}` : '';
      console.log(`ready: JSON-RPC on ${running.url} (and http://${running.url.slice('ws://'.length)})${ui}`);
      const shutdown = () => void running.close().then(() => process.exit(0));
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
    });
}
