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
import { defaultWorkloads } from '../node/workloads/index.ts';

// ---- the golden values (the one place to update them) ---------------------------------------------
const GOLDEN = {
  metadataV14: '0xb1e967d518748fea2fc12b6f464d0560e67fc9806574079aa3c7de5661534cc9',
  metadataV15: '0xf4e7b2f08b6db661544d5675a7d83876b069bdb0b673573b4f245df1ce5dad5d',
  /** blake2_256 over `Pallet.Item=0xprefix` lines, one per storage item, in metadata order. */
  storagePrefixes: '0x5ba69015a82a6728f698d9a249778e8a10b22090964e85251af3981bce2338de',
  genesis: '0x61a72444515b93cd24829156a442ebd298a3b0cba0207adb232697e0b87c9bd1',
  /** blake2_256 over the 200 block hashes, concatenated in order. */
  blocks: '0xb2f2fbfe00fbe223c919c0dc4d27a5465ef65e9759956910bbd1d1ae5d6ca133',
  head: '0x348482a9421582ed042f70b56669db8b58b68e89f2b19518926dbda376a657f7',
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
    const report = simulate(chain, { blocks: 200, seed: 7, workloads: defaultWorkloads(), accounts: devPairs() });
    expect(report.unexpected).toEqual([]);
    const hashes = Array.from({ length: 200 }, (_, i) => chain.hashAt(i + 1) as string);
    expect(hashes).toHaveLength(200);
    expect({ head: chain.head.hash, blocks: hashOf(u8aConcat(...hashes.map((h) => hexToU8a(h)))) })
      .toEqual({ head: GOLDEN.head, blocks: GOLDEN.blocks });
  }, 600_000);
});
