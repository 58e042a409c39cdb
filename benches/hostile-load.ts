// Block time under hostile load (issue 11, items 2 and 10), in-process sealing timed around
// node.seal() with a transfer in every block:
//  1. one account floods the pool with future-nonce transactions: what the pool keeps, whether
//     another user still gets in, and the block time with the future queue full vs empty;
//  2. N open chain_subscribeNewHeads subscriptions (over 50 WebSocket connections): block time,
//     and how long until every notification of a block has gone out.
//
//   npx tsx benches/hostile-load.ts [subscriptions=50000] [flood=8192]
import { Keyring } from '@polkadot/keyring';
import { WebSocket } from 'ws';
import { initCrypto } from '../primitives/crypto.ts';
import { Balances } from '../pallets/balances/index.ts';
import { startNode, type RunningNode } from '../node/node.ts';
import { PoolError } from '../node/pool.ts';
import { accountOf, signExtrinsic, type SigningPair } from '../node/signer.ts';

const SUBSCRIPTIONS = Number(process.argv[2] ?? 50_000);
const FLOOD = Number(process.argv[3] ?? 8192);

await initCrypto();
const keyring = new Keyring({ type: 'sr25519' });
const [alice, bob, eve] = ['//Alice', '//Bob', '//Eve'].map((uri) => keyring.addFromUri(uri));

const sign = (running: RunningNode, pair: SigningPair, nonce: number) => {
  const { node } = running;
  const { spec_version: specVersion, transaction_version: transactionVersion } = node.chain.runtime.version;
  return signExtrinsic(node.chain.runtime, pair, Balances.tx.transfer_keep_alive({ dest: { type: 'Id', value: accountOf(bob) }, value: 10n ** 12n }),
    { nonce, tip: 0n, genesisHash: node.chain.genesisHash, specVersion, transactionVersion });
};

/** Median milliseconds of `blocks` seals, each with one transfer of Bob's. */
function blockTime(running: RunningNode, blocks: number, firstNonce: number): number {
  const times: number[] = [];
  for (let i = 0; i < blocks; i++) {
    running.node.submit(sign(running, bob, firstNonce + i));
    const start = performance.now();
    running.node.seal();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
}

// ---- 1. the future-nonce flood ------------------------------------------------------------------
{
  const running = await startNode({ port: 0, sealing: 'manual', unsafe: true });
  const baseline = blockTime(running, 10, 0);
  let kept = 0;
  let refused = 0;
  for (let nonce = 1; nonce <= FLOOD; nonce++) {
    try {
      running.node.submit(sign(running, eve, nonce));
      kept++;
    } catch (error) {
      if (!(error instanceof PoolError) || error.code !== 1016) throw error;
      refused++;
    }
  }
  const other = running.node.submit(sign(running, alice, 0));
  const flooded = blockTime(running, 10, 10);
  console.log(`future flood: Eve sent ${FLOOD} future-nonce transactions: ${kept} kept, ${refused} refused (1016); Alice's transfer ${running.node.pool.has(other) ? 'still waiting' : 'included'}`);
  console.log(`  block time (median of 10): ${baseline.toFixed(1)} ms with an empty pool, ${flooded.toFixed(1)} ms with Eve's ${running.node.pool.counts.future} waiting`);
  await running.close();
}
{
  // The per-sender limit lifted: one sender fills the whole future queue (819 by default).
  const running = await startNode({ port: 0, sealing: 'manual', unsafe: true, pool: { futurePerSender: Infinity } });
  for (let nonce = 1; nonce <= 819; nonce++) running.node.submit(sign(running, eve, nonce));
  const full = blockTime(running, 10, 0);
  console.log(`  block time with the future queue full (${running.node.pool.counts.future}): ${full.toFixed(1)} ms`);
  await running.close();
}

// ---- 2. many subscriptions ------------------------------------------------------------------------
{
  const running = await startNode({ port: 0, sealing: 'manual', unsafe: true });
  const baseline = blockTime(running, 10, 0);
  const connections = 50;
  const perConnection = Math.ceil(SUBSCRIPTIONS / connections);
  let notifications = 0;
  let onNotification = () => undefined as void;
  const sockets = await Promise.all(Array.from({ length: connections }, () => new Promise<WebSocket>((resolve) => {
    const socket = new WebSocket(running.url);
    let answered = 0;
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString());
      if (message.method) {
        notifications++;
        onNotification();
      } else if (++answered === perConnection) resolve(socket);
    });
    socket.on('open', () => {
      for (let i = 0; i < perConnection; i++) socket.send(JSON.stringify({ jsonrpc: '2.0', id: i, method: 'chain_subscribeNewHeads', params: [] }));
    });
  })));
  // Let the initial notifications drain.
  while (notifications < connections * perConnection) await new Promise((resolve) => setTimeout(resolve, 50));
  const total = connections * perConnection;
  const times: number[] = [];
  const delivery: number[] = [];
  for (let i = 0; i < 10; i++) {
    notifications = 0;
    running.node.submit(sign(running, bob, 10 + i));
    const start = performance.now();
    running.node.seal();
    times.push(performance.now() - start);
    await new Promise<void>((resolve) => { onNotification = () => { if (notifications === total) resolve(); }; });
    delivery.push(performance.now() - start);
  }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(`subscriptions: ${total} chain_subscribeNewHeads over ${connections} connections`);
  console.log(`  block time (median of 10): ${baseline.toFixed(1)} ms with none, ${median(times).toFixed(1)} ms with ${total}; every notification of a block out in ${median(delivery).toFixed(0)} ms`);
  for (const socket of sockets) socket.close();
  await running.close();
}
process.exit(0);
