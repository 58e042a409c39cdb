// Golden values of the state transition: the metadata bytes, every storage key prefix, the genesis
// hash and every block hash of `simulate --seed 7 --blocks 200` on the dev chain. A refactor must
// leave all of them unchanged. A deliberate change of the state transition (fees, weights, a new
// storage item, ...) updates GOLDEN below in the same commit, and the commit message names the change.
import { hexToU8a, u8aConcat, u8aToHex } from '@polkadot/util';
import { blake2_256 } from '../primitives/hashing.ts';
import { loadChainSpec } from '../genesis/spec.ts';
import { storagePrefix } from '../frame/storage.ts';
import { buildMetadata } from '../frame/metadata.ts';
import { RUNTIME_APIS, runtime } from '../runtime/runtime.ts';
import { Chain } from '../node/chain.ts';
import { devPairs } from '../node/keys.ts';
import { simulate } from '../node/simulate.ts';
import { profileWorkloads } from '../node/workloads/profiles.ts';

// ---- the golden values (the one place to update them) ---------------------------------------------
const GOLDEN = {
  metadataV14: '0x8be405f5c905a8911fa80b6ae45cc0086233bdda0c36c6e60f3f52b8b8dc6822',
  metadataV15: '0x6e3eadef75762de334eaff51e8592833c03e6d04e68708ec65af82416cc2a778',
  /** blake2_256 over `Pallet.Item=0xprefix` lines, one per storage item, in metadata order. */
  storagePrefixes: '0x5ba69015a82a6728f698d9a249778e8a10b22090964e85251af3981bce2338de',
  genesis: '0x18a11f9e1ecae39c72bbd96614b7892cdfb92bb09980622354b69df4e4601e3e',
  /** blake2_256 over the 200 block hashes, concatenated in order. */
  blocks: '0xd1a592a92a13933de2dd0b4bb2b9d0209e87fa68255626b34c07dfade1a75b68',
  head: '0xd99ba4d35a80c00ee373d058125a36837a1b1f6a808aa9e76d884fbb46da290c',
};

const hashOf = (bytes: Uint8Array): string => u8aToHex(blake2_256(bytes));

describe('golden values of the dev chain', () => {
  it('metadata V14 and V15 are byte-identical', () => {
    expect({ v14: hashOf(buildMetadata(runtime, RUNTIME_APIS, 14)), v15: hashOf(buildMetadata(runtime, RUNTIME_APIS, 15)) })
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
