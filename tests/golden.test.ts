// Golden values of the state transition: the metadata bytes, every storage key prefix, the genesis
// hash and every block hash of `simulate --seed 7 --blocks 200` on the dev chain. A refactor must
// leave all of them unchanged. A deliberate change of the state transition (fees, weights, a new
// storage item, ...) updates GOLDEN below in the same commit, and the commit message names the change.
import { hexToU8a, u8aConcat, u8aToHex } from '@polkadot/util';
import { blake2_256 } from '../primitives/hashing.ts';
import { loadChainSpec } from '../genesis/spec.ts';
import { storagePrefix } from '../frame/storage.ts';
import { buildMetadata } from '../frame/metadata.ts';
import { runtime } from '../runtime/runtime.ts';
import { Chain } from '../node/chain.ts';
import { devPairs } from '../node/keys.ts';
import { simulate } from '../node/simulate.ts';
import { profileWorkloads } from '../node/workloads/profiles.ts';

// ---- the golden values (the one place to update them) ---------------------------------------------
const GOLDEN = {
  metadataV14: '0xe5e13b3e2919f0bffa24ace6015daa781cf9cb06815b65a822c8ec7ecaccfc8c',
  metadataV15: '0xefd35f410becc04aa7c5a86df71ea69510276e00466484e9a293c1e4853a0f90',
  /** blake2_256 over `Pallet.Item=0xprefix` lines, one per storage item, in metadata order. */
  storagePrefixes: '0x5ba69015a82a6728f698d9a249778e8a10b22090964e85251af3981bce2338de',
  genesis: '0x048b39e1202c66dcb8d783bac0a21045cd3f29a73b2d07f3c0ff521f04cdcccc',
  /** blake2_256 over the 200 block hashes, concatenated in order. */
  blocks: '0x783103a8f46de466f1b4e19c31839cb85807c7148ea6d1ecc8e5f11e9167049d',
  head: '0x01ca78231b48efc1a0e7ad1a9684fa9b7eb0357a4ad8f1d187879059d1e44331',
};

const hashOf = (bytes: Uint8Array): string => u8aToHex(blake2_256(bytes));

describe('golden values of the dev chain', () => {
  it('metadata V14 and V15 are byte-identical', () => {
    expect({ v14: hashOf(buildMetadata(runtime, 14)), v15: hashOf(buildMetadata(runtime, 15)) })
      .toEqual({ v14: GOLDEN.metadataV14, v15: GOLDEN.metadataV15 });
  });

  it('every storage item keeps its key prefix', () => {
    const lines = runtime.pallets.flatMap(({ pallet }) => (pallet.storage ?? []).map(({ metadata }) =>
      `${metadata.pallet}.${metadata.name}=${u8aToHex(storagePrefix(metadata.pallet, metadata.name))}`));
    expect(lines.length).toBeGreaterThan(30);
    expect(hashOf(new TextEncoder().encode(lines.join('\n')))).toBe(GOLDEN.storagePrefixes);
  });

  it('simulate --seed 7 --blocks 200 gives the same genesis and every block hash', () => {
    const chain = new Chain(loadChainSpec('dev'));
    expect(chain.genesisHash).toBe(GOLDEN.genesis);
    const report = simulate(chain, { blocks: 200, seed: 7, workloads: profileWorkloads(), accounts: devPairs() });
    expect(report.unexpected).toEqual([]);
    const hashes = Array.from({ length: 200 }, (_, i) => chain.hashAt(i + 1) as string);
    expect(hashes).toHaveLength(200);
    expect({ head: chain.head.hash, blocks: hashOf(u8aConcat(...hashes.map((h) => hexToU8a(h)))) })
      .toEqual({ head: GOLDEN.head, blocks: GOLDEN.blocks });
  }, 600_000);
});
