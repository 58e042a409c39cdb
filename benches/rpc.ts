// Dev node benchmark over JSON-RPC, with instant sealing:
//  1. submitAndWatch round trip through @polkadot/api: sign, submit, until InBlock (p50, p99);
//  2. sustained transactions per second from 4 concurrent @polkadot/api clients, each its own
//     dev account, each keeping a window of transactions in flight;
//  3. dev_newBlock with 450 signed remarks, on a node without a signature worker and on one with
//     the CLI's (their signatures verified by it while the block is built), median of 5 blocks.
//
//   npx tsx benches/rpc.ts [roundTrips=200] [perClient=250] [inFlight=32]
import '@polkadot/api-augment';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import type { KeyringPair } from '@polkadot/keyring/types';
import { initCrypto } from '../primitives/crypto.ts';
import { startNode } from '../node/node.ts';
import { spareCores } from '../node/signature-pool.ts';

const ROUND_TRIPS = Number(process.argv[2] ?? 200);
const PER_CLIENT = Number(process.argv[3] ?? 250);
const IN_FLIGHT = Number(process.argv[4] ?? 32);

await initCrypto();
const running = await startNode({ port: 0, sealing: 'instant', unsafe: true });
const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
const accounts = ['Alice', 'Bob', 'Charlie', 'Dave'].map((name) => keyring.addFromUri(`//${name}`));
const connect = () => ApiPromise.create({ provider: new WsProvider(running.url), noInitWarn: true });

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/**
 * Signs and submits one remark; resolves when it is in a block. A busy client may take InBlock and
 * Finalized in one turn, and polkadot.js then reports only the newest: either means included.
 */
function untilInBlock(api: ApiPromise, signer: KeyringPair, nonce: number): Promise<void> {
  return new Promise((resolve, reject) => {
    void api.tx.system.remark('0x00').signAndSend(signer, { nonce, era: 0 }, ({ status, isError }) => {
      if (status.isInBlock || status.isFinalized) resolve();
      if (isError) reject(new Error(`transaction ${status.type}`));
    }).catch(reject);
  });
}

// ---- 1. round trip -------------------------------------------------------------------------------
{
  const api = await connect();
  const [alice] = accounts;
  let nonce = (await api.rpc.system.accountNextIndex(alice.address)).toNumber();
  const times: number[] = [];
  for (let i = 0; i < ROUND_TRIPS; i++) {
    const start = performance.now();
    await untilInBlock(api, alice, nonce++);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  console.log(`submitAndWatch -> InBlock, ${ROUND_TRIPS} sequential: p50 ${percentile(times, 50).toFixed(1)} ms, p99 ${percentile(times, 99).toFixed(1)} ms`);
  await api.disconnect();
}

// ---- 2. throughput -------------------------------------------------------------------------------
{
  const apis = await Promise.all(accounts.map(connect));
  const blocksBefore = running.node.head.number;
  const start = performance.now();
  await Promise.all(apis.map(async (api, i) => {
    const signer = accounts[i];
    let nonce = (await api.rpc.system.accountNextIndex(signer.address)).toNumber();
    let sent = 0;
    const worker = async () => {
      while (sent < PER_CLIENT) {
        sent++;
        await untilInBlock(api, signer, nonce++);
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  }));
  const seconds = (performance.now() - start) / 1000;
  const total = PER_CLIENT * accounts.length;
  console.log(`4 clients x ${PER_CLIENT} remarks (${IN_FLIGHT} in flight each): ${(total / seconds).toFixed(0)} tx/s sustained, `
    + `${running.node.head.number - blocksBefore} blocks in ${seconds.toFixed(1)} s`);
  await Promise.all(apis.map((api) => api.disconnect()));
}

await running.close();

// ---- 3. dev_newBlock with transactions -------------------------------------------------------------
for (const signatureWorkers of [0, spareCores()]) {
  const node = await startNode({ port: 0, sealing: 'manual', unsafe: true, signatureWorkers });
  const api = await ApiPromise.create({ provider: new WsProvider(node.url), noInitWarn: true });
  const times: number[] = [];
  const nonces = accounts.map(() => 0);
  for (let block = 0; block < 5; block++) {
    const transactions = await Promise.all(Array.from({ length: 450 }, async (_, i) => {
      const a = i % accounts.length;
      return (await api.tx.system.remark('0x00').signAsync(accounts[a], { nonce: nonces[a]++, era: 0 })).toHex();
    }));
    const start = performance.now();
    await api.rpc('dev_newBlock' as never, { transactions } as never);
    times.push(performance.now() - start);
    const included = node.node.chain.blockAt(node.node.head.number)?.extrinsics.length;
    if (included !== 451) throw new Error(`the block holds ${included} extrinsics, not the 450 remarks and the timestamp`);
  }
  times.sort((a, b) => a - b);
  console.log(`dev_newBlock with 450 signed remarks, ${signatureWorkers} signature worker(s): ${percentile(times, 50).toFixed(1)} ms (median of 5; ${node.node.head.number} blocks)`);
  await api.disconnect();
  await node.close();
}
