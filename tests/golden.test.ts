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
  metadataV14: '0x2136bc40fe8c1f8998c96065ada7627aac12640012c2b0d13ffacc49f2bae75e',
  metadataV15: '0x5734f39cb3f09df4234e4f5c52dac03da45d1d6753e694585cfb90a44f74bc5c',
  /** blake2_256 over `Pallet.Item=0xprefix` lines, one per storage item, in metadata order. */
  storagePrefixes: '0x5ba69015a82a6728f698d9a249778e8a10b22090964e85251af3981bce2338de',
  genesis: '0x5c8238f2ec3b96a29e591862ca26cdc9455cf6a37f03fb2eebf2ce6898be98f8',
  /** blake2_256 over the 200 block hashes, concatenated in order. */
  blocks: '0x57cea48df1480ad3b40bd2cd095c9f0a108fef7998a5d383bcf5a7d70f562bfc',
  head: '0xc51cb5953c91bb4e2729e68d8bd3859466b6da78b96715b99cb4ebe6fbd3e4e8',
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
