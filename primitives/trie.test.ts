// The state root must be Substrate's byte for byte: every root here is checked against
// sp-trie itself, compiled to wasm in @acala-network/chopsticks-executor.
import { calculate_state_root, decode_proof } from '@acala-network/chopsticks-executor';
import { compactNumber, validateProofs } from '@polkadot-api/substrate-bindings';
import { hexToU8a, u8aToHex } from '@polkadot/util';
import fc from 'fast-check';
import { blake2_256 } from './hashing.ts';
import { Trie, orderedTrieRoot, trieRoot, type StateVersion } from './trie.ts';

type Entry = [Uint8Array, Uint8Array];

const EMPTY_ROOT = '0x03170a2e7597b7b7e3d84c05391d139a62b157e78786d8c082f29dcf4c111314';

const hex = (bytes: Uint8Array): string => u8aToHex(bytes);
const repeat = (byte: number, length: number): Uint8Array => new Uint8Array(length).fill(byte);
const concat = (...parts: Uint8Array[]): Uint8Array => Uint8Array.from(parts.flatMap((part) => [...part]));

/** sp-trie's root for `entries`, computed from scratch. */
async function oracleRoot(entries: Iterable<Entry>, version: StateVersion): Promise<string> {
  return (await calculate_state_root([...entries].map(([key, value]) => [hex(key), hex(value)]), version)) as string;
}

/** The key/value pairs sp-trie's proof checker reads out of `proof` under `root`. */
async function provenEntries(root: Uint8Array, proof: Uint8Array[]): Promise<Map<string, string>> {
  return new Map((await decode_proof(hex(root), proof.map(hex))) as [string, string][]);
}

/** A model of the state: hex key -> value. */
const entriesOf = (model: Map<string, Uint8Array>): Entry[] => [...model].map(([key, value]) => [hexToU8a(key), value]);
const sortedKeys = (model: Map<string, Uint8Array>): string[] => [...model.keys()].sort();

// Keys built to stress the trie's shapes: long shared prefixes (a storage-item-like 32-byte
// prefix and one differing in its last byte), keys that are prefixes of others, the empty key,
// and suffixes from a small alphabet so that operations hit the same keys again.
const prefixes = [new Uint8Array(0), Uint8Array.of(0x12), concat(repeat(0x26, 31), Uint8Array.of(0xaa)), concat(repeat(0x26, 31), Uint8Array.of(0xab))];
const keyArb = fc
  .tuple(fc.constantFrom(...prefixes), fc.array(fc.constantFrom(0x00, 0x01, 0x10, 0x1f, 0xf0, 0xff), { maxLength: 3 }))
  .map(([prefix, suffix]) => concat(prefix, Uint8Array.from(suffix)));
// Values on both sides of V1's 33-byte hashing threshold, empty ones included.
const valueArb = fc.oneof(fc.uint8Array({ maxLength: 100 }), fc.uint8Array({ minLength: 31, maxLength: 34 }));
type Op = { key: Uint8Array; value?: Uint8Array };
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ key: keyArb, value: valueArb }) },
  { weight: 1, arbitrary: fc.record({ key: keyArb }) },
);
const batchesArb = fc.array(fc.array(opArb, { maxLength: 25 }), { minLength: 1, maxLength: 4 });

describe('trie roots match sp-trie', () => {
  it('gives the empty root for an empty state', async () => {
    expect(hex(new Trie().root())).toBe(EMPTY_ROOT);
    expect(hex(new Trie(0).root())).toBe(EMPTY_ROOT);
    expect(hex(trieRoot([]))).toBe(EMPTY_ROOT);
    expect(hex(blake2_256(Uint8Array.of(0)))).toBe(EMPTY_ROOT);
    expect(await oracleRoot([], 1)).toBe(EMPTY_ROOT);
  });

  // [name, entries, V1 root, V0 root], the roots as sp-trie computes them.
  const vectors: [string, Entry[], string, string][] = [
    ['a single small leaf', [[Uint8Array.of(1), Uint8Array.of(2)]],
      '0xb702cfc0277a95e40d55cf7128e1e83a24ed70dabb92340a06b68bc4599fbb61', '0xb702cfc0277a95e40d55cf7128e1e83a24ed70dabb92340a06b68bc4599fbb61'],
    ['a 40-byte value (hashed in V1)', [[Uint8Array.of(1), repeat(0xab, 40)]],
      '0x5315c6e7ddb57adffcc49c96d48a529982c909751b784be5301fd288bc255913', '0xb32f9a016c143ffd356c6af3158f4eff57906cb74fbe913d8f6dd5dce045abb8'],
    ['a 32-byte value (inline in V1)', [[Uint8Array.of(1, 2), repeat(0xcd, 32)]],
      '0xe4b7f2c04823f63615c779a6e915d911c67e316976c491bb8b0e83f87ce892be', '0xe4b7f2c04823f63615c779a6e915d911c67e316976c491bb8b0e83f87ce892be'],
    ['a 33-byte value (hashed in V1)', [[Uint8Array.of(1, 2), repeat(0xcd, 33)]],
      '0x2924364b35929000da201bf52d6ca9d4549dc12ec8e79dcd999273484dc9c6d4', '0xba8e9c4be345f0fbf4d79fa0d18634266b8318e90dd3998465ef81ac43efed2c'],
    ['empty key and empty values', [[new Uint8Array(0), new Uint8Array(0)], [Uint8Array.of(0), new Uint8Array(0)]],
      '0x06d4ba37af3003cff9492961dd901e513c3a763ac01c3d315910e7ab651772ab', '0x06d4ba37af3003cff9492961dd901e513c3a763ac01c3d315910e7ab651772ab'],
    ['an 80-nibble leaf (one header continuation byte)', [[repeat(0xaa, 40), Uint8Array.of(1)]],
      '0xfa062ec04843253da2d88503d68f28cb825f530c74e8a346a5d338b481ec18b2', '0xfa062ec04843253da2d88503d68f28cb825f530c74e8a346a5d338b481ec18b2'],
    ['a 400-nibble leaf (two continuation bytes)', [[repeat(0x11, 200), Uint8Array.of(2)]],
      '0x90350f05f71677c5a1a6402dd540db3ceb2dd960ed52cf39f2a9eb8a36a4e56b', '0x90350f05f71677c5a1a6402dd540db3ceb2dd960ed52cf39f2a9eb8a36a4e56b'],
    ['a 40-nibble hashed-value leaf', [[repeat(0x55, 20), repeat(0xee, 33)]],
      '0x53544ebc95e9deef977bc2a80f7f93bd6977a38e2c101d442253ddb1d8a17dbe', '0x9bb7a0e05b724e2b3209aaf20c7d9ee301b04004a47c78e380d26dc5e3f4792f'],
    ['a 20-nibble hashed-value branch',
      [[repeat(0x12, 10), repeat(0x77, 40)], [concat(repeat(0x12, 10), Uint8Array.of(0x34)), Uint8Array.of(1)], [concat(repeat(0x12, 10), Uint8Array.of(0x35)), Uint8Array.of(2)]],
      '0x2b8f8cdc996a22b3e332af480898df45f1755a9eb5e69071b52ff06a1c814b74', '0xf089a8b1a2d12a12ca9c937aed98ab944bf7c57fe6d1eb0a3df18c316470fdc1'],
    ['branches with values and a hashed value below',
      [[new Uint8Array(0), Uint8Array.of(0)], [Uint8Array.of(0x0a), Uint8Array.of(1)], [Uint8Array.of(0x0b), Uint8Array.of(2)], [Uint8Array.of(0x0b, 0x0c), repeat(0x99, 50)]],
      '0x39f0690d29d23acb320c53bca8f3c64383feae6933db6dcbac76bd5a99c2f8f5', '0x059718f54900cc1edc4c8fbc038f78c039979cfc65fa287b6d431aa05f27f88d'],
  ];

  it.each(vectors)('roots %s', async (_, entries, v1, v0) => {
    for (const [version, expected] of [[1, v1], [0, v0]] as const) {
      const trie = new Trie(version);
      for (const [key, value] of entries) trie.set(key, value);
      expect(hex(trie.root())).toBe(expected);
      expect(hex(trieRoot(entries, version))).toBe(expected);
      expect(await oracleRoot(entries, version)).toBe(expected);
    }
  });

  it.each([[1, 150], [0, 60]] as const)('keeps the V%i root right through random batches of sets and deletes, each returning the value it replaced', async (version, numRuns) => {
    await fc.assert(fc.asyncProperty(batchesArb, async (batches) => {
      const trie = new Trie(version);
      const model = new Map<string, Uint8Array>();
      for (const batch of batches) {
        for (const { key, value } of batch) {
          const previous = model.get(hex(key));
          if (value) {
            expect(trie.set(key, value)).toEqual(previous);
            model.set(hex(key), value);
          } else {
            expect(trie.delete(key)).toEqual(previous);
            model.delete(hex(key));
          }
        }
        const root = hex(trie.root());
        expect(root).toBe(hex(trieRoot(entriesOf(model), version)));
        expect(root).toBe(await oracleRoot(entriesOf(model), version));
        expect(trie.size).toBe(model.size);
        for (const [key, value] of model) expect(trie.get(hexToU8a(key))).toEqual(value);
      }
    }), { numRuns });
  });

  it('roots an unchanged trie the same and ignores deleting absent keys', () => {
    const trie = new Trie();
    trie.set(Uint8Array.of(1, 2), Uint8Array.of(3));
    trie.set(Uint8Array.of(1, 3), repeat(4, 40));
    const root = hex(trie.root());
    trie.delete(Uint8Array.of(1));
    trie.delete(Uint8Array.of(1, 2, 3));
    trie.set(Uint8Array.of(1, 3), repeat(4, 40));
    expect(hex(trie.root())).toBe(root);
    expect(trie.size).toBe(2);
    expect(trie.get(Uint8Array.of(1))).toBeUndefined();
  });

  it('copies keys and values, so callers may reuse their arrays', () => {
    const trie = new Trie();
    const key = Uint8Array.of(9);
    const value = Uint8Array.of(1, 2, 3);
    trie.set(key, value);
    key[0] = 8;
    value[0] = 7;
    trie.get(Uint8Array.of(9))![1] = 7;
    expect(trie.get(Uint8Array.of(9))).toEqual(Uint8Array.of(1, 2, 3));
    expect([...trie.keys()]).toEqual([Uint8Array.of(9)]);
  });

  it('takes a later entry for the same key in trieRoot', () => {
    const key = Uint8Array.of(5);
    expect(hex(trieRoot([[key, Uint8Array.of(1)], [key, Uint8Array.of(2)]]))).toBe(hex(trieRoot([[key, Uint8Array.of(2)]])));
  });
});

describe('orderedTrieRoot', () => {
  it.each([0, 1, 2, 100])('roots %i items keyed by Compact(i) as sp-trie does (V0)', async (count) => {
    const items = Array.from({ length: count }, (_, i) => repeat(i, i % 50));
    const entries = items.map((item, i): Entry => [compactNumber.enc(i), item]);
    expect(hex(orderedTrieRoot(items))).toBe(await oracleRoot(entries, 0));
    expect(hex(orderedTrieRoot(items, 1))).toBe(await oracleRoot(entries, 1));
  });
});

describe('iteration', () => {
  const keys = ['0x', '0x00', '0x0001', '0x01', '0x0100', '0x010000', '0x0101', '0x02', '0xff'];
  const trie = new Trie();
  for (const key of [...keys].reverse()) trie.set(hexToU8a(key), hexToU8a(key).map((b) => b + 1));
  const listed = (iterator: Iterable<Uint8Array>): string[] => [...iterator].map(hex);

  it('lists keys in ascending byte order, a key before its extensions', () => {
    expect(listed(trie.keys())).toEqual(keys);
    expect([...trie.entries()].map(([key, value]) => [hex(key), hex(value)])).toEqual(keys.map((key) => [key, hex(hexToU8a(key).map((b) => b + 1))]));
  });

  it('lists the keys with a prefix, the prefix itself included', () => {
    expect(listed(trie.keys(Uint8Array.of(1)))).toEqual(['0x01', '0x0100', '0x010000', '0x0101']);
    expect(listed(trie.keys(Uint8Array.of(1, 0)))).toEqual(['0x0100', '0x010000']);
    expect(listed(trie.keys(Uint8Array.of(3)))).toEqual([]);
    expect(listed(trie.keys(Uint8Array.of(1, 0, 0, 0)))).toEqual([]);
  });

  it('starts strictly after startAfter, present or not, inside or outside the prefix', () => {
    expect(listed(trie.keys(undefined, Uint8Array.of(1)))).toEqual(['0x0100', '0x010000', '0x0101', '0x02', '0xff']);
    expect(listed(trie.keys(Uint8Array.of(1), Uint8Array.of(1, 0, 0)))).toEqual(['0x0101']);
    expect(listed(trie.keys(Uint8Array.of(1), Uint8Array.of(0, 5)))).toEqual(['0x01', '0x0100', '0x010000', '0x0101']);
    expect(listed(trie.keys(Uint8Array.of(1), Uint8Array.of(1, 2)))).toEqual([]);
    expect(listed(trie.keys(undefined, Uint8Array.of(0xff)))).toEqual([]);
  });

  it('finds the next key as sp_io::storage::next_key', () => {
    expect(hex(trie.nextKey(new Uint8Array(0))!)).toBe('0x00');
    expect(hex(trie.nextKey(Uint8Array.of(0, 1))!)).toBe('0x01');
    expect(hex(trie.nextKey(Uint8Array.of(0, 0xff))!)).toBe('0x01');
    expect(hex(trie.nextKey(Uint8Array.of(0xfe, 0xff))!)).toBe('0xff');
    expect(trie.nextKey(Uint8Array.of(0xff))).toBeUndefined();
    expect(new Trie().nextKey(new Uint8Array(0))).toBeUndefined();
  });

  it('agrees with a sorted model for any prefix, bound and page size', () => {
    fc.assert(fc.property(fc.array(keyArb, { maxLength: 40 }), keyArb, keyArb, fc.integer({ min: 1, max: 5 }), (present, prefix, after, pageSize) => {
      const trie = new Trie();
      const model = new Map<string, Uint8Array>();
      for (const key of present) {
        trie.set(key, key);
        model.set(hex(key), key);
      }
      const all = sortedKeys(model);
      const withPrefix = all.filter((key) => key.startsWith(hex(prefix)));
      expect(listed(trie.keys(prefix))).toEqual(withPrefix);
      expect(listed(trie.keys(prefix, after))).toEqual(withPrefix.filter((key) => key > hex(after)));
      expect(trie.nextKey(after) && hex(trie.nextKey(after)!)).toBe(all.find((key) => key > hex(after)));
      // state_getKeysPaged: pages of `pageSize`, each starting after the last key seen.
      const paged: string[] = [];
      for (let last: Uint8Array | undefined; ;) {
        const page = listed(trie.keys(prefix, last)).slice(0, pageSize);
        if (!page.length) break;
        paged.push(...page);
        last = hexToU8a(page[page.length - 1]);
      }
      expect(paged).toEqual(withPrefix);
    }), { numRuns: 150 });
  });
});

describe('read proofs', () => {
  const big = repeat(0x42, 64);
  const hashedKey = concat(repeat(0x26, 32), Uint8Array.of(1));
  const inlineKey = concat(repeat(0x26, 32), Uint8Array.of(2));
  const childKey = concat(repeat(0x26, 32), Uint8Array.of(2, 1));
  const absentKey = concat(repeat(0x26, 32), Uint8Array.of(3));
  // Hashed keys, as FRAME's maps have, need the hashing backend: build them once it is ready.
  const entries: Entry[] = [];
  beforeAll(() => {
    entries.push([hashedKey, big], [inlineKey, Uint8Array.of(5)], [childKey, Uint8Array.of(6)]);
    for (let i = 0; i < 200; i++) entries.push([blake2_256(Uint8Array.of(i)), repeat(i, i % 60)]);
  });

  function trieOf(version: StateVersion): Trie {
    const trie = new Trie(version);
    for (const [key, value] of entries) trie.set(key, value);
    return trie;
  }

  it('proves present values, hashed ones included, and absences (V1)', async () => {
    const trie = trieOf(1);
    const root = trie.root();
    const proof = trie.proof([hashedKey, inlineKey, absentKey]);
    const proven = await provenEntries(root, proof);
    expect(proven.get(hex(hashedKey))).toBe(hex(big));
    expect(proven.get(hex(inlineKey))).toBe('0x05');
    expect(proven.has(hex(absentKey))).toBe(false);
    // The hashed value travels as its own node, as in Substrate's StorageProof.
    expect(proof.map(hex)).toContain(hex(big));
    expect(validateProofs(proof, blake2_256)?.rootHash).toBe(hex(root));
  });

  it('proves inline big values (V0)', async () => {
    const trie = trieOf(0);
    const proof = trie.proof([hashedKey]);
    expect((await provenEntries(trie.root(), proof)).get(hex(hashedKey))).toBe(hex(big));
    expect(proof.map(hex)).not.toContain(hex(big));
  });

  it('lists distinct nodes in byte order, each one needed', async () => {
    const trie = trieOf(1);
    const root = trie.root();
    const proof = trie.proof([childKey, childKey, hashedKey]);
    for (let i = 1; i < proof.length; i++) expect(Buffer.compare(proof[i - 1], proof[i])).toBe(-1);
    for (let i = 0; i < proof.length; i++) {
      const without = proof.filter((_, j) => j !== i);
      const proven = await provenEntries(root, without).catch(() => new Map<string, string>());
      expect(proven.has(hex(childKey)) && proven.has(hex(hashedKey))).toBe(false);
    }
  });

  it('proves an absence in an empty trie and nothing for no keys', async () => {
    const empty = new Trie();
    expect(empty.proof([])).toEqual([]);
    expect((await provenEntries(empty.root(), empty.proof([Uint8Array.of(1)]))).size).toBe(0);
    expect(trieOf(1).proof([])).toEqual([]);
  });
});

describe('clone', () => {
  const apply = (trie: Trie, ops: Op[]) => {
    for (const { key, value } of ops) {
      if (value) trie.set(key, value);
      else trie.delete(key);
    }
  };
  const rebuilt = (trie: Trie): Trie => {
    const fresh = new Trie(trie.version);
    for (const [key, value] of trie.entries()) fresh.set(key, value);
    return fresh;
  };

  it('gives an independent trie with the same entries and root; changing either leaves the other as it was', () => {
    fc.assert(fc.property(fc.array(opArb, { maxLength: 30 }), fc.array(opArb, { maxLength: 15 }), fc.array(opArb, { maxLength: 15 }), (built, onCopy, onOriginal) => {
      const original = new Trie();
      apply(original, built);
      const root = hex(original.root());
      const entries = [...original.entries()].map(([key, value]) => [hex(key), hex(value)]);
      const copy = original.clone();
      expect([hex(copy.root()), copy.size, [...copy.entries()].map(([key, value]) => [hex(key), hex(value)])]).toEqual([root, original.size, entries]);
      apply(copy, onCopy);
      expect([hex(original.root()), [...original.entries()].map(([key, value]) => [hex(key), hex(value)])]).toEqual([root, entries]);
      apply(original, onOriginal);
      // Each side's root is the one its entries give from scratch: no node is shared between them.
      expect(hex(copy.root())).toBe(hex(rebuilt(copy).root()));
      expect(hex(original.root())).toBe(hex(rebuilt(original).root()));
    }));
  });
});
