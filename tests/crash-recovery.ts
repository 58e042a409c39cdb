// Crash recovery under load, as an unlucky operator meets it: the real `slicechain --dev` binary
// with a --base-path, under a stream of signed transfers over JSON-RPC, is killed with SIGKILL at
// moments chosen by events (never by sleeps): right after a finalized notification, right after a
// sealed block, right after sending dev_setHead (before its answer), right after its answer. After
// each kill the node is restarted on the same database and must open; then, from the client side,
// the head's state (every key, read over RPC) must have the header's state root, and every block
// the client saw finalized (and did not itself rewind with dev_setHead) must still be there, with
// the finalized head no lower.
// Used by tests/crash-recovery.test.ts (a few kills) and benches/crash-recovery.ts (many).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { hexToU8a, u8aToHex } from '@polkadot/util';
import WebSocket from 'ws';
import { Trie } from '../primitives/trie.ts';
import { DigestItem, type Hash, type Header } from '../primitives/types.ts';
import { Balances } from '../runtime/runtime.ts';
import { blockHash } from '../frame/block.ts';
import { executive } from '../runtime/runtime.ts';
import { devPairs } from '../node/keys.ts';
import { accountOf, signExtrinsic } from '../node/signer.ts';

const BIN = new URL('../bin/slicechain.js', import.meta.url).pathname;

export const MOMENTS = ['finalized', 'sealed', 'setHead sent', 'setHead answered'] as const;
export type Moment = (typeof MOMENTS)[number];

export interface CrashReport {
  kills: number;
  /** Blocks sealed over all the runs (the heads the client saw). */
  sealed: number;
  transfers: number;
  /** Finalized blocks checked present after restarts (summed over restarts). */
  finalizedChecked: number;
  /** State keys whose values were re-rooted after restarts (summed). */
  keysVerified: number;
}

interface HeaderJson { parentHash: Hash; number: string; stateRoot: Hash; extrinsicsRoot: Hash; digest: { logs: `0x${string}`[] } }
const hashOf = (json: HeaderJson): Hash => blockHash({
  parent_hash: json.parentHash, number: Number(json.number), state_root: json.stateRoot, extrinsics_root: json.extrinsicsRoot,
  digest: { logs: json.digest.logs.map((log) => DigestItem.dec(log)) },
} as Header);

/** A JSON-RPC client over one WebSocket. */
class Client {
  private next = 1;
  private readonly waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  private readonly subscriptions = new Map<string, (result: unknown) => void>();

  constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as { id?: number; result?: unknown; error?: { message: string }; params?: { subscription: string; result: unknown } };
      if (message.params) return this.subscriptions.get(message.params.subscription)?.(message.params.result);
      const waiter = this.waiting.get(message.id as number);
      this.waiting.delete(message.id as number);
      if (message.error) waiter?.reject(new Error(message.error.message));
      else waiter?.resolve(message.result);
    });
    ws.on('close', () => {
      for (const waiter of this.waiting.values()) waiter.reject(new Error('connection closed'));
      this.waiting.clear();
    });
  }

  static async connect(url: string): Promise<Client> {
    const ws = new WebSocket(url);
    await once(ws, 'open');
    return new Client(ws);
  }

  /** Sends a request; `sent` runs as soon as it is on the wire. */
  call<T>(method: string, params: unknown[] = [], sent?: () => void): Promise<T> {
    const id = this.next++;
    const answer = new Promise<T>((resolve, reject) => this.waiting.set(id, { resolve: resolve as (value: unknown) => void, reject }));
    this.ws.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }), () => sent?.());
    return answer;
  }

  async subscribe(method: string, onResult: (result: unknown) => void): Promise<void> {
    this.subscriptions.set(await this.call<string>(method), onResult);
  }

  close(): void {
    this.ws.terminate();
  }
}

/** Starts the node on `basePath`; resolves with its URL once ready, or fails with what it printed. */
async function startNode(basePath: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [BIN, '--dev', '--base-path', basePath, '--rpc-port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk) => { stderr += String(chunk); });
  const lines = createInterface({ input: child.stdout! });
  const exited = once(child, 'exit');
  for await (const line of lines) {
    const ready = /^ready: JSON-RPC on (ws:\/\/\S+)/.exec(line);
    if (ready) return { child, url: ready[1] };
  }
  const [code] = await exited;
  throw new Error(`the node did not start on ${basePath} (exit ${String(code)}): ${stderr.trim()}`);
}

async function kill(child: ChildProcess): Promise<void> {
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

/** The checks after a restart: the head state roots to its header's root; no finalized block lost. */
async function verify(client: Client, finalized: Map<number, Hash>): Promise<{ keys: number }> {
  const head = await client.call<HeaderJson>('chain_getHeader');
  const at = hashOf(head);
  const state = new Trie();
  let keys = 0;
  for (let start: string | null = null; ;) {
    const page: string[] = await client.call<string[]>('state_getKeysPaged', ['0x', 1000, start, at]);
    if (page.length === 0) break;
    const [{ changes }] = await client.call<{ changes: [string, string | null][] }[]>('state_queryStorageAt', [page, at]);
    for (const [key, value] of changes) state.set(hexToU8a(key), hexToU8a(value as string));
    keys += page.length;
    start = page[page.length - 1];
  }
  if (u8aToHex(state.root()) !== head.stateRoot) throw new Error(`after restart the head #${Number(head.number)}'s state roots to ${u8aToHex(state.root())}, its header says ${head.stateRoot}`);
  const final = Number((await client.call<HeaderJson>('chain_getHeader', [await client.call<Hash>('chain_getFinalizedHead')])).number);
  const seen = Math.max(0, ...finalized.keys());
  if (final < seen) throw new Error(`after restart the finalized head is #${final}, the client saw #${seen} finalized`);
  for (const [number, hash] of finalized) {
    const stored = await client.call<Hash | null>('chain_getBlockHash', [number]);
    if (stored !== hash) throw new Error(`finalized block #${number} ${hash} was lost: the restarted node has ${String(stored)} there`);
  }
  return { keys };
}

/**
 * Runs the node `kills` times to a kill moment (MOMENTS in turn) and restarts it; throws on the
 * first broken invariant. `basePath` should start empty.
 */
export async function crashRecovery(basePath: string, kills: number, log: (line: string) => void = () => undefined): Promise<CrashReport> {
  const report: CrashReport = { kills: 0, sealed: 0, transfers: 0, finalizedChecked: 0, keysVerified: 0 };
  /** Blocks the client saw finalized, by number (forgotten above a dev_setHead the client issues). */
  const finalized = new Map<number, Hash>();
  const pairs = devPairs();
  const { runtime } = executive;
  for (let round = 0; round < kills; round++) {
    const moment = MOMENTS[round % MOMENTS.length];
    const { child, url } = await startNode(basePath);
    const client = await Client.connect(url);
    try {
      const { keys } = await verify(client, finalized);
      report.finalizedChecked += finalized.size;
      report.keysVerified += keys;
      const genesisHash = await client.call<Hash>('chain_getBlockHash', [0]);
      const { specVersion, transactionVersion } = await client.call<{ specVersion: number; transactionVersion: number }>('state_getRuntimeVersion');
      const nonces = await Promise.all(pairs.map((pair) => client.call<number>('system_accountNextIndex', [pair.address])));
      const startHead = Number((await client.call<HeaderJson>('chain_getHeader')).number);
      const killed = new Promise<void>((resolve, reject) => {
        let heads = 0;
        let dying = false;
        /** Once dev_setHead is sent, finalized notifications of blocks it may drop are still on their way: not recorded. */
        let rewinding = false;
        const die = () => {
          if (dying) return;
          dying = true;
          kill(child).then(resolve, reject);
        };
        const load = () => {
          for (const [i, pair] of pairs.entries()) {
            const dest = accountOf(pairs[(i + 1) % pairs.length]);
            const call = Balances.tx.transfer_keep_alive({ dest: { type: 'Id', value: dest }, value: 10n ** 10n + BigInt(round) });
            const xt = signExtrinsic(runtime, pair, call, { nonce: nonces[i]++, genesisHash, specVersion, transactionVersion });
            report.transfers++;
            client.call('author_submitExtrinsic', [u8aToHex(xt)]).catch(() => undefined); // stale after a rewind, or the node is gone
          }
        };
        void client.subscribe('chain_subscribeFinalizedHeads', (result) => {
          const header = result as HeaderJson;
          const number = Number(header.number);
          if (dying || rewinding || number <= startHead) return;
          finalized.set(number, hashOf(header));
          if (moment === 'finalized' && number >= startHead + 3) die();
        });
        void client.subscribe('chain_subscribeNewHeads', (result) => {
          const number = Number((result as HeaderJson).number);
          if (dying || number <= startHead) return;
          heads++;
          report.sealed++;
          if (moment === 'sealed' && heads === 6) return die();
          if (moment.startsWith('setHead') && heads === 5) {
            // Back two blocks: the client forgets what it saw finalized above the target.
            const target = number - 2;
            rewinding = true;
            for (const n of finalized.keys()) if (n > target) finalized.delete(n);
            if (moment === 'setHead sent') client.call('dev_setHead', [target], die).catch(() => undefined); // killed before the answer
            else client.call('dev_setHead', [target]).then(die, reject);
            return;
          }
          load();
        }).then(load, reject);
      });
      await killed;
      report.kills++;
      log(`kill ${report.kills}/${kills} (${moment}): ${report.sealed} blocks sealed, ${finalized.size} finalized kept`);
    } finally {
      client.close();
      if (child.exitCode === null && child.signalCode === null) await kill(child);
    }
  }
  // The database the last kill left opens and verifies too.
  const { child, url } = await startNode(basePath);
  const client = await Client.connect(url);
  try {
    report.keysVerified += (await verify(client, finalized)).keys;
    report.finalizedChecked += finalized.size;
  } finally {
    client.close();
    await kill(child);
  }
  return report;
}
