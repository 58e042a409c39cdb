// `slicechain --dev`: a DevNode (dev-node.ts) with the JSON-RPC server (and the web app) in front of it.
import { mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import * as System from '../frame/system/index.ts';
import { RUNTIME_LOG_LEVELS } from '../frame/log.ts';
import { consoleLogger, type Logger } from './log.ts';
import { loadChainSpec, type ChainSpec } from '../genesis/spec.ts';
import { defaultStateHistory, openChain } from './database.ts';
import { DevNode, UNDO_IN_MEMORY, type DevNodeOptions, type Sealing } from './dev-node.ts';
import { SignaturePool, spareCores } from './signature-pool.ts';
import { RpcServer, type RpcServerOptions } from './rpc/server.ts';
import { registerMethods } from './rpc/methods.ts';
import { registerDev } from './rpc/dev.ts';
import { registerArchive } from './rpc/archive.ts';
import { registerChildState } from './rpc/child-state.ts';
import { staticFiles } from './web-ui.ts';

// ---- running it ------------------------------------------------------------------------------------

export interface StartOptions extends Omit<DevNodeOptions, 'spec' | 'chain' | 'signatures'>, Partial<Omit<RpcServerOptions, 'unsafe'>> {
  chain?: string | ChainSpec;
  /** Signature worker threads (DevNodeOptions.signatures), started on the first signature; none by default (the CLI: a core's worth less than the machine). */
  signatureWorkers?: number;
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
  const stateHistory = opts.stateHistory ?? defaultStateHistory(spec);
  const stored = opts.basePath ? await openChain(spec, opts.basePath, { keepHistory: stateHistory }) : undefined;
  const history = stored && await stored.db.loadHistory(stored.chain.head.number, UNDO_IN_MEMORY).catch(async (error: unknown) => {
    await stored.db.close();
    throw error;
  });
  const signatures = opts.signatureWorkers ? new SignaturePool({ workers: opts.signatureWorkers }) : undefined;
  const node = new DevNode({
    ...opts, spec, stateHistory, chain: stored?.chain, history, signatures,
    storedHistory: stored && ((number) => stored.db.history(number)), stored: stored && (() => stored.db.flush()),
  });
  if (stored) {
    // Sealed blocks reach the database through the chain; edits and rewinds of the head through here.
    const root = () => node.chain.state.root();
    node.events.on('storage', ({ changes }) => stored.db.enqueueEdit(changes, root(), node.headHistory()));
    node.events.on('reorg', ({ hash, header, changes }) => stored.db.enqueueTruncate({ number: header.number, hash }, changes, root()));
  }
  const server = new RpcServer({
    host: opts.host ?? '127.0.0.1', port: opts.port ?? 9944, maxRequestBytes: opts.maxRequestBytes, maxResponseBytes: opts.maxResponseBytes,
    maxBatchLength: opts.maxBatchLength, maxSubscriptionsPerConnection: opts.maxSubscriptionsPerConnection,
    maxConnections: opts.maxConnections, unsafe: opts.unsafe ?? false,
    serveGet: opts.ui ? staticFiles() : undefined,
  });
  registerMethods(server, node);
  registerDev(server, node);
  registerArchive(server, node);
  registerChildState(server, node);
  let url: string;
  try {
    url = await server.listen();
  } catch (error) {
    await stored?.db.close();
    await signatures?.close();
    throw error;
  }
  node.start();
  return {
    node, server, url, uiUrl: opts.ui ? `http://${url.slice('ws://'.length)}/` : undefined,
    async close() {
      node.stop();
      await server.close();
      await signatures?.close();
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
    .option('--dev', 'run the dev chain: the embedded dev spec, in a temporary database removed on exit unless --base-path is given')
    .option('--chain <spec>', 'chain spec: "dev" or a path (without --dev the node keeps its chain in --base-path, by default the platform\'s data directory)', 'dev')
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
    .option('--base-path <dir>', 'keep the chain in a database there and continue it on the next start')
    .option('--state-pruning <n|archive>', 'keep the state of the last n blocks queryable, or of all of them (archive; the default on a development chain, 256 otherwise)')
    .option('-l, --log <target=level...>', 'log filter, as Substrate\'s: e.g. -l runtime=debug or -l debug (levels error, warn, info, debug, trace; runtime::* are the runtime\'s own lines)')
    // A word that is no verb reaches the node's action: name it as Substrate's CLI does, not as "too many arguments".
    .allowExcessArguments()
    .action(async (flags: Record<string, string | string[] | boolean | undefined>, command: Command) => {
      if (command.args.length > 0) program.error(`error: unknown command '${command.args[0]}' (see --help)`);
      const logger = consoleLogger((flags.log as string[] | undefined) ?? []);
      const sealing = flags.sealing as Sealing;
      if (!SEALING.includes(sealing)) program.error(`--sealing: expected one of ${SEALING.join(', ')}, got ${String(sealing)}`);
      const port = Number(flags.rpcPort);
      if (!Number.isInteger(port) || port < 0 || port > 65535) program.error(`--rpc-port: ${String(flags.rpcPort)} is not a port`);
      const rpcMethods = flags.rpcMethods as RpcMethods;
      if (!RPC_METHODS.includes(rpcMethods)) program.error(`--rpc-methods: expected one of ${RPC_METHODS.join(', ')}, got ${String(rpcMethods)}`);
      const { host, unsafe, warning } = rpcExposure({ rpcExternal: !!flags.rpcExternal, unsafeRpcExternal: !!flags.unsafeRpcExternal, rpcMethods });
      // Substrate: --dev is the dev chain with its state in a temporary place; any other start keeps the chain in the base path.
      const chain = flags.dev ? 'dev' : flags.chain as string;
      // --dev without --base-path: a temporary database, removed when the node stops (Substrate's --tmp), so that
      // blocks and undo records live on disk and a long-running dev node's memory does not grow with its chain.
      const temporary = flags.dev && flags.basePath === undefined ? mkdtempSync(join(tmpdir(), 'slicechain-dev-')) : undefined;
      const basePath = temporary ?? (flags.basePath as string | undefined) ?? defaultBasePath();
      const running = await startNode({
        chain, sealing, port, host, unsafe, basePath,
        stateHistory: flags.statePruning === undefined ? undefined : statePruning(flags.statePruning as string),
        maxConnections: count('--rpc-max-connections', flags.rpcMaxConnections),
        maxRequestBytes: megabytes('--rpc-max-request-size', flags.rpcMaxRequestSize),
        maxResponseBytes: megabytes('--rpc-max-response-size', flags.rpcMaxResponseSize),
        maxBatchLength: flags.rpcDisableBatchRequests ? 0 : flags.rpcMaxBatchRequestLen === undefined ? undefined : count('--rpc-max-batch-request-len', flags.rpcMaxBatchRequestLen),
        maxSubscriptionsPerConnection: count('--rpc-max-subscriptions-per-connection', flags.rpcMaxSubscriptionsPerConnection),
        ui: flags.ui !== false,
        signatureWorkers: spareCores(),
      }).catch((error: unknown) => {
        if (temporary) rmSync(temporary, { recursive: true, force: true });
        throw error;
      });
      if (warning) console.warn(warning);
      const { node } = running;
      console.log(`slicechain node: ${node.spec.name} (${node.spec.id}), genesis ${node.chain.genesisHash}, ${sealing} sealing, database in ${basePath}${temporary ? ' (temporary)' : ''}`);
      logBlocks(node, logger);
      node.events.on('refused', (hash, reason) => logger.log('warn', 'txpool', `dev_newBlock left out transaction ${hash}: ${reason}`));
      // The runtime's lines are off unless asked for (-l runtime=debug), or switched by dev_setRuntimeLogLevel.
      const runtimeLevel = logger.configured('runtime');
      if (runtimeLevel) node.setRuntimeLogLevel(RUNTIME_LOG_LEVELS.indexOf(runtimeLevel));
      node.events.on('runtimeLog', (level, target, message) => logger.log(level, target, message));
      const ui = running.uiUrl ? `; web app on ${running.uiUrl}` : '';
      console.log(`ready: JSON-RPC on ${running.url} (and http://${running.url.slice('ws://'.length)})${ui}`);
      const shutdown = (signal: string) => {
        logger.log('info', 'slicechain', `${signal} received, stopping the node`);
        void running.close().then(() => {
          if (temporary) rmSync(temporary, { recursive: true, force: true });
          console.log(`slicechain node stopped at #${node.head.number} ${node.head.hash}`);
          process.exit(0);
        });
      };
      process.once('SIGINT', () => shutdown('SIGINT'));
      process.once('SIGTERM', () => shutdown('SIGTERM'));
    });
}

/** Substrate's default base path when none is given: the platform's data directory for the node. */
function defaultBasePath(): string {
  const data = process.env.XDG_DATA_HOME || join(homedir(), process.platform === 'darwin' ? 'Library/Application Support' : '.local/share');
  return join(data, 'slicechain');
}

/** --state-pruning: a number of blocks, or archive (every block's state). */
function statePruning(value: string): number {
  if (value === 'archive' || value === 'archive-canonical') return Infinity;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`--state-pruning: expected a positive number of blocks or archive, got ${value}`);
  return n;
}

/** One line per block the node makes its head, as Substrate's informant: number, hash, extrinsics and weight. */
function logBlocks(node: DevNode, logger: Logger): void {
  node.events.on('block', ({ hash, header }) => {
    if (!logger.enabled('info', 'slicechain')) return;
    const block = node.block(hash);
    const weight = node.read(hash, () => System.BlockWeight.get());
    const refTime = weight.normal.ref_time + weight.operational.ref_time + weight.mandatory.ref_time;
    const extrinsics = block?.extrinsics.length ?? 0;
    logger.log('info', 'slicechain', `✨ Imported #${header.number} (${hash.slice(0, 6)}…${hash.slice(-4)}), ${extrinsics} extrinsic${extrinsics === 1 ? '' : 's'}, weight ${(Number(refTime) / 1e9).toFixed(3)} ms`);
  });
}
