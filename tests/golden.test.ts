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
  metadataV14: '0xc01b2603bc5a5ae077c34a7ef500ad53c5c1b738f2b8179faceb342d7e94101e',
  metadataV15: '0x4c282e0685fab24879b6df46b2eebc1bdd57a922b14cd3dadbae47bab65e5d9a',
  /** blake2_256 over `Pallet.Item=0xprefix` lines, one per storage item, in metadata order. */
  storagePrefixes: '0x5ba69015a82a6728f698d9a249778e8a10b22090964e85251af3981bce2338de',
  genesis: '0x3618acb6486ad510d6b590cbeda7b17482392ca2f145ecad6f77cbb127e1d909',
  /** blake2_256 over the 200 block hashes, concatenated in order. */
  blocks: '0x31416c23f5e1c4a22d695c28bc913d10850c62c38602d0db0ec905553c39f62f',
  head: '0xe62fe17e4cc3c34a956c13024342b672f639344c8f5ab38d1ca7587f125cc681',
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
