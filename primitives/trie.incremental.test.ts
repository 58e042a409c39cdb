// root() must cost hashing in proportion to what changed, not to the state: count the hashes.
import { jest } from '@jest/globals';

let hashes = 0;
jest.unstable_mockModule('./hashing.ts', async () => {
  const { blake2b } = await import('@polkadot/wasm-crypto');
  return {
    blake2_256: (data: Uint8Array): Uint8Array => {
      hashes++;
      return blake2b(data, new Uint8Array(0), 32);
    },
  };
});
const { Trie } = await import('./trie.ts');

/** Hashes done by `run`. */
function hashesIn(run: () => void): number {
  hashes = 0;
  run();
  return hashes;
}

describe('incremental root', () => {
  // 20k keys under a shared 32-byte prefix: about 5 levels of branches above each leaf.
  const prefix = new Uint8Array(32).fill(0x26);
  const keyOf = (i: number): Uint8Array => {
    const key = new Uint8Array(40);
    key.set(prefix);
    new DataView(key.buffer).setUint32(32, Math.imul(i, 0x9e3779b1));
    return key;
  };
  const trie = new Trie();

  beforeAll(() => {
    for (let i = 0; i < 20_000; i++) trie.set(keyOf(i), new Uint8Array(8).fill(i));
    trie.root();
  });

  it('hashes nothing when nothing changed', () => {
    expect(hashesIn(() => trie.root())).toBe(0);
    expect(hashesIn(() => {
      trie.set(keyOf(1), new Uint8Array(8).fill(1));
      trie.delete(keyOf(-1));
      trie.root();
    })).toBe(0);
  });

  it('re-hashes only the path of a changed key', () => {
    const path = hashesIn(() => {
      trie.set(keyOf(7), new Uint8Array(8));
      trie.root();
    });
    expect(path).toBeGreaterThan(1);
    expect(path).toBeLessThanOrEqual(8);
  });

  it('re-hashes at most the paths of inserted and deleted keys', () => {
    expect(hashesIn(() => {
      for (let i = 20_000; i < 20_010; i++) trie.set(keyOf(i), new Uint8Array(40).fill(i));
      for (let i = 100; i < 110; i++) trie.delete(keyOf(i));
      trie.root();
    })).toBeLessThanOrEqual(20 * 8 + 10);
  });
});
