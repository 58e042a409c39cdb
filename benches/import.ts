// Block import, the rows of issue 12's table, each measured in this one run (the ratios hold
// their two sides measured minutes apart at most, on the same load):
//   1. signed transfers imported per second on one core / sr25519 verifications per second;
//   2. the same with the mixed product workload (`simulate`'s, seed 7);
//   3. import on 2 cores (SignaturePool) / on 1 core, mixed workload;
//   4. calls applied per CPU-second with their signatures already checked, per call;
//   5. CPU per signed transfer on import (all threads).
// Run: npx tsx benches/import.ts [transfers per block] [transfer blocks] [mixed blocks]
import { Keyring } from '@polkadot/keyring';
import { u8aToHex } from '@polkadot/util';
import { loadChainSpec } from '../genesis/spec.ts';
import type { Block } from '../frame/block.ts';
import { Overlay } from '../frame/overlay.ts';
import { accountNonce } from '../frame/system/index.ts';
import { Chain } from '../node/chain.ts';
import { DEV_ACCOUNTS, devPairs } from '../node/keys.ts';
import { SignaturePool } from '../node/signature-pool.ts';
import { accountOf, payloadParts, signExtrinsic } from '../node/signer.ts';
import { simulate } from '../node/simulate.ts';
import { profileWorkloads } from '../node/workloads/profiles.ts';
import { initCrypto, verify } from '../primitives/crypto.ts';
import { Balances } from '../runtime/runtime.ts';

await initCrypto();
const PER_BLOCK = Number(process.argv[2] ?? 1000);
const TRANSFER_BLOCKS = Number(process.argv[3] ?? 3);
const MIXED_BLOCKS = Number(process.argv[4] ?? 100);
const TOKEN = 10n ** 12n;
const spec = loadChainSpec('dev');

/** CPU seconds of the whole process (every thread) and wall seconds spent in `body`. */
async function measure(body: () => unknown): Promise<{ cpu: number; wall: number }> {
  const cpu = process.cpuUsage();
  const wall = performance.now();
  await body();
  const used = process.cpuUsage(cpu);
  return { cpu: (used.user + used.system) / 1e6, wall: (performance.now() - wall) / 1000 };
}

function transferBlocks(): Block[] {
  const chain = new Chain(spec);
  // The keyring's wasm signer: fast, and the blocks only need valid signatures.
  const keyring = new Keyring({ type: 'sr25519' });
  const pairs = DEV_ACCOUNTS.map((name) => keyring.addFromUri(`//${name}`));
  const { spec_version: specVersion, transaction_version: transactionVersion } = chain.runtime.version;
  const nonces = pairs.map((p) => chain.read(() => accountNonce(accountOf(p))));
  for (let b = 0; b < TRANSFER_BLOCKS; b++) {
    const batch = Array.from({ length: PER_BLOCK }, (_, i) => {
      const k = i % pairs.length;
      const dest = { type: 'Id' as const, value: accountOf(pairs[(k + 1) % pairs.length]) };
      const call = Balances.tx.transfer_keep_alive({ dest, value: TOKEN + BigInt(i) });
      return signExtrinsic(chain.runtime, pairs[k], call, { nonce: nonces[k]++, genesisHash: chain.genesisHash, specVersion, transactionVersion });
    });
    if (chain.author(batch).results.some((r) => !r.success || !r.value.success)) throw new Error('a transfer failed');
  }
  return [...chain.allBlocks()];
}

function mixedBlocks(): Block[] {
  const chain = new Chain(spec);
  simulate(chain, { blocks: MIXED_BLOCKS, seed: 7, workloads: profileWorkloads(), accounts: devPairs() });
  return [...chain.allBlocks()];
}

function sr25519PerSecond(): number {
  const chain = new Chain(spec);
  const pair = new Keyring({ type: 'sr25519' }).addFromUri('//Alice');
  const { payload } = payloadParts(chain.runtime, Balances.tx.transfer_keep_alive({ dest: { type: 'Id', value: accountOf(pair) }, value: TOKEN }),
    { nonce: 0, genesisHash: chain.genesisHash, specVersion: chain.runtime.version.spec_version, transactionVersion: chain.runtime.version.transaction_version });
  const signature = { type: 'Sr25519' as const, value: u8aToHex(pair.sign(payload)) };
  const N = 3000;
  const started = performance.now();
  for (let i = 0; i < N; i++) if (!verify(signature, payload, accountOf(pair))) throw new Error('bad signature');
  return N / ((performance.now() - started) / 1000);
}

const signedCount = (blocks: Block[]) => blocks.reduce((n, b) => n + b.extrinsics.length, 0) - blocks.length; // one timestamp inherent each

const importOneCore = (blocks: Block[]) => measure(() => {
  const chain = new Chain(spec);
  for (const block of blocks) chain.import(block);
});

async function importTwoCores(blocks: Block[]) {
  const chain = new Chain(spec);
  const pool = new SignaturePool({ workers: 1 });
  try {
    return await measure(() => chain.importAll(blocks, pool));
  } finally {
    await pool.close();
  }
}

/** CPU per applied extrinsic, by call, with every signature noted as verified beforehand. */
function applyCostByCall(blocks: Block[]): Map<string, { count: number; cpu: number }> {
  const chain = new Chain(spec);
  const { executive } = chain;
  const costs = new Map<string, { count: number; cpu: number }>();
  const apply = executive.applyExtrinsic.bind(executive);
  executive.applyExtrinsic = (overlay, bytes) => {
    const { call } = executive.runtime.extrinsic.dec(bytes);
    const started = process.cpuUsage();
    const result = apply(overlay, bytes);
    const used = process.cpuUsage(started);
    const name = `${call.type}.${call.value.type}`;
    const cost = costs.get(name) ?? { count: 0, cpu: 0 };
    cost.count++;
    cost.cpu += (used.user + used.system) / 1e6;
    costs.set(name, cost);
    return result;
  };
  for (const block of blocks) {
    executive.noteVerified(executive.signedPayloads(new Overlay(chain.state), block.header.number, block.header.parent_hash, block.extrinsics));
    chain.import(block);
  }
  return costs;
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const row = (name: string, value: string, goal: string) => console.log(`${name.padEnd(64)} ${value.padStart(22)}   goal ${goal}`);

console.log(`preparing ${TRANSFER_BLOCKS} blocks of ${PER_BLOCK} signed transfers and ${MIXED_BLOCKS} blocks of seed 7's mixed workload...`);
const transfers = transferBlocks();
const mixed = mixedBlocks();
const nTransfers = signedCount(transfers);
const nMixed = signedCount(mixed);

const verifyRate = sr25519PerSecond();
const transfer1 = await importOneCore(transfers);
const mixed1 = await importOneCore(mixed);
const mixed2 = await importTwoCores(mixed);
const transfer2 = await importTwoCores(transfers);
const costs = applyCostByCall(mixed);

console.log(`sr25519 verifications alone: ${fmt(verifyRate)}/s; ${nTransfers} transfers, ${nMixed} mixed signed extrinsics`);
row('signed transfers imported/s on one core / sr25519 verifications/s', `${fmt(nTransfers / transfer1.wall)}/s = ${fmt(nTransfers / transfer1.wall / verifyRate, 2)}`, '>= 0.85');
row('mixed workload imported/s on one core / sr25519 verifications/s', `${fmt(nMixed / mixed1.wall)}/s = ${fmt(nMixed / mixed1.wall / verifyRate, 2)}`, '>= 0.85');
row('mixed import on 2 cores / on 1 core (wall)', `${fmt(mixed1.wall / mixed2.wall, 2)}`, '>= 1.7');
row('transfer import on 2 cores / on 1 core (wall)', `${fmt(transfer1.wall / transfer2.wall, 2)}`, '>= 1.7');
for (const name of ['SliceMarketplace.rent_slices', 'Services.update_price_targets', 'SliceMarketplace.rent_slice', 'Balances.transfer_keep_alive']) {
  const cost = costs.get(name);
  if (cost) row(`${name} applied per CPU-second, signature checked (${cost.count})`, fmt(cost.count / cost.cpu), '>= 40,000');
}
row('CPU per signed transfer on import, one core', `${fmt((transfer1.cpu / nTransfers) * 1e6)} us`, '<= 160 us');
row('CPU per signed transfer on import, 2 cores (all threads)', `${fmt((transfer2.cpu / nTransfers) * 1e6)} us`, '<= 160 us');
