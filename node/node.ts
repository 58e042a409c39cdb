// `slicechain --dev`: a DevNode (dev-node.ts) with the JSON-RPC server in front of it.
import type { Command } from 'commander';
import { loadChainSpec, type ChainSpec } from '../genesis/spec.ts';
import { openChain } from './database.ts';
import { DevNode, type DevNodeOptions, type Sealing } from './dev-node.ts';
import { RpcServer, type RpcServerOptions } from './rpc/server.ts';
import { registerMethods } from './rpc/methods.ts';

// ---- running it ------------------------------------------------------------------------------------

export interface StartOptions extends Omit<DevNodeOptions, 'spec' | 'chain'>, Partial<Omit<RpcServerOptions, 'unsafe'>> {
  chain?: string | ChainSpec;
  /** Keep the chain in a database there (`<base-path>/chains/<id>/db`), continuing one already there. */
  basePath?: string;
  /** Whether unsafe RPC methods (dev_*, system_dryRun) are served. */
  unsafe?: boolean;
}

export interface RunningNode {
  node: DevNode;
  server: RpcServer;
  /** ws://host:port */
  url: string;
  close(): Promise<void>;
}

/** Starts a dev node and its JSON-RPC server; `port: 0` picks a free port. */
export async function startNode(opts: StartOptions = {}): Promise<RunningNode> {
  const spec = typeof opts.chain === 'object' ? opts.chain : loadChainSpec(opts.chain ?? 'dev');
  const stored = opts.basePath ? await openChain(spec, opts.basePath) : undefined;
  const node = new DevNode({ ...opts, spec, chain: stored?.chain });
  if (stored) {
    // Sealed blocks reach the database through the chain; edits and rewinds of the head through here.
    const root = () => node.chain.state.root();
    node.events.on('storage', ({ changes }) => stored.db.enqueueEdit(changes, root()));
    node.events.on('reorg', ({ header, changes }) => stored.db.enqueueTruncate(header.number, changes, root()));
  }
  const server = new RpcServer({
    host: opts.host ?? '127.0.0.1', port: opts.port ?? 9944, maxRequestBytes: opts.maxRequestBytes,
    maxSubscriptionsPerConnection: opts.maxSubscriptionsPerConnection, maxConnections: opts.maxConnections, unsafe: opts.unsafe ?? false,
  });
  registerMethods(server, node);
  const url = await server.listen();
  node.start();
  return {
    node, server, url,
    async close() {
      node.stop();
      await server.close();
      await stored?.db.close();
    },
  };
}

const SEALING: readonly Sealing[] = ['instant', 'interval', 'manual'];

/** `slicechain --dev` and its flags, on the CLI's root command. */
export function registerNodeCommand(program: Command): void {
  program
    .option('--dev', 'run the dev chain: embedded dev spec, unsafe RPC methods, instant sealing')
    .option('--chain <spec>', 'chain spec: "dev" or a path', 'dev')
    .option('--sealing <mode>', `block sealing: ${SEALING.join(' | ')} (interval: every 6 s)`, 'instant')
    .option('--rpc-port <port>', 'JSON-RPC port (WebSocket and HTTP)', '9944')
    .option('--rpc-external', 'listen on all interfaces, not only 127.0.0.1')
    .option('--rpc-methods <kind>', 'safe | unsafe (dev_*, system_dryRun); unsafe by default with --dev')
    .option('--rpc-max-connections <n>', 'concurrent connections served', '100')
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
      const rpcMethods = flags.rpcMethods ?? 'unsafe';
      if (rpcMethods !== 'safe' && rpcMethods !== 'unsafe') program.error(`--rpc-methods: expected safe or unsafe, got ${String(rpcMethods)}`);
      const running = await startNode({
        chain: flags.chain as string, sealing, port, host: flags.rpcExternal ? '0.0.0.0' : '127.0.0.1',
        unsafe: rpcMethods === 'unsafe', maxConnections: Number(flags.rpcMaxConnections), basePath: flags.basePath as string | undefined,
      });
      const { node } = running;
      console.log(`slicechain dev node: ${node.spec.name} (${node.spec.id}), genesis ${node.chain.genesisHash}, ${sealing} sealing`);
      node.events.on('block', ({ hash, header }) => console.log(`sealed #${header.number} ${hash}`));
      console.log(`ready: JSON-RPC on ${running.url} (and http://${running.url.slice('ws://'.length)})`);
      const shutdown = () => void running.close().then(() => process.exit(0));
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
    });
}
