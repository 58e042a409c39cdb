// Executive throughput on one core: signed balance transfers through pool validation, block
// application and finalization (state root included), next to what the signature backend alone
// verifies per second, so the share of the runtime's own work is visible. As on the node, one
// Executive validates and applies, so a block reuses the signature verdicts of validation.
//
//   npx tsx benches/executive.ts [transfers per block] [blocks]
import { u8aToHex } from '@polkadot/util';
import { verify } from '../primitives/crypto.ts';
import { loadChainSpec } from '../genesis/spec.ts';
import { Chain } from '../node/chain.ts';
import { Keyring } from '@polkadot/keyring';
import { DEV_ACCOUNTS } from '../node/keys.ts';
import { accountOf, payloadParts, signExtrinsic } from '../node/signer.ts';
import { accountNonce } from '../frame/system/index.ts';
import { Balances } from '../runtime/runtime.ts';
import { TOKEN } from '../frame/units.ts';

const PER_BLOCK = Number(process.argv[2] ?? 2000);
const BLOCKS = Number(process.argv[3] ?? 3);

const chain = new Chain(loadChainSpec('dev'));
// The keyring's wasm signer: a benchmark needs speed, not deterministic signatures.
const keyring = new Keyring({ type: 'sr25519' });
const pairs = DEV_ACCOUNTS.map((name) => keyring.addFromUri(`//${name}`));
const { spec_version: specVersion, transaction_version: transactionVersion } = chain.runtime.version;
const dest = { type: 'Id' as const, value: accountOf(pairs[1]) };

const nonces = pairs.map((p) => chain.read(() => accountNonce(accountOf(p))));
function transfers(): Uint8Array[] {
  return Array.from({ length: PER_BLOCK }, (_, i) => {
    const k = i % pairs.length;
    const call = Balances.tx.transfer_keep_alive({ dest, value: TOKEN + BigInt(i) });
    return signExtrinsic(chain.runtime, pairs[k], call, { nonce: nonces[k]++, genesisHash: chain.genesisHash, specVersion, transactionVersion });
  });
}

// Signed before timing: every block's transfers, with the nonces they will have.
const batches = Array.from({ length: BLOCKS }, transfers);
let validateMs = 0;
let blockMs = 0;
let included = 0;
for (const batch of batches) {
  let started = performance.now();
  // Later blocks' transfers are Future for the pool until their turn: validate the current batch only.
  for (const xt of batch) if (!chain.validate(xt).success) throw new Error('a transfer was refused by the pool');
  validateMs += performance.now() - started;
  started = performance.now();
  const { results } = chain.author(batch);
  blockMs += performance.now() - started;
  included += results.filter((r) => r.success).length;
}

// The same kind of payloads, verified by the backend alone.
const payload = payloadParts(chain.runtime, Balances.tx.transfer_keep_alive({ dest, value: TOKEN }),
  { nonce: 0, genesisHash: chain.genesisHash, specVersion, transactionVersion }).payload;
const signature = { type: 'Sr25519' as const, value: u8aToHex(pairs[0].sign(payload)) };
const signer = accountOf(pairs[0]);
const N = 4000;
const started = performance.now();
for (let i = 0; i < N; i++) if (!verify(signature, payload, signer)) throw new Error('bad signature');
const verifyPerSecond = (N / (performance.now() - started)) * 1000;

const per = (count: number, ms: number) => Math.round((count / ms) * 1000).toLocaleString('en');
console.log(`${BLOCKS} blocks of ${PER_BLOCK} signed transfers (sr25519), one core:`);
console.log(`  pool validation              ${per(BLOCKS * PER_BLOCK, validateMs).padStart(8)} transfers/s`);
console.log(`  apply + finalize (+root)     ${per(included, blockMs).padStart(8)} transfers/s  (${(blockMs / BLOCKS).toFixed(0)} ms per block)`);
console.log(`  validate + apply + finalize  ${per(included, validateMs + blockMs).padStart(8)} transfers/s`);
console.log(`  sr25519 verify alone         ${Math.round(verifyPerSecond).toLocaleString('en').padStart(8)} /s (the block reuses the pool's verdict: one check per transfer)`);
