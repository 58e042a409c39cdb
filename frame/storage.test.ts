import fc from 'fast-check';
import { Keyring } from '@polkadot/keyring';
import { u8aConcat, u8aToHex } from '@polkadot/util';
import { blake2AsU8a, xxhashAsU8a } from '@polkadot/util-crypto';
import { Trie } from '../primitives/trie.ts';
import { Struct, Vec, str, u128, u32, u64, u8, type HexString } from '../primitives/scale.ts';
import { AccountId32 } from '../primitives/types.ts';
import { twox64 } from '../primitives/hashing.ts';
import { Overlay } from './overlay.ts';
import { storage, withStorage } from './externalities.ts';
import { palletStorage, storagePrefix } from './storage.ts';

const alice = new Keyring({ type: 'sr25519' }).addFromUri('//Alice');
const bob = new Keyring({ type: 'sr25519' }).addFromUri('//Bob');
const aliceId = u8aToHex(alice.publicKey) as HexString;
const bobId = u8aToHex(bob.publicKey) as HexString;

const AccountInfo = Struct('test::AccountInfo', { nonce: u32, free: u128 });
const system = palletStorage('System');
const test = palletStorage('Test');
const Account = system.map('Account', 'Blake2_128Concat', AccountId32, AccountInfo, { default: { nonce: 0, free: 0n } });
const Number_ = system.value('Number', u32, { default: 0 });
const Events = system.appendable('Events', Vec(u64));
const Names = test.map('Names', 'Twox64Concat', u32, str);
const Approvals = test.doubleMap('Approvals', 'Twox64Concat', u32, 'Blake2_128Concat', AccountId32, u8);
const Slots = test.nMap('Slots', [['Twox64Concat', u32], ['Identity', u32], ['Blake2_128Concat', str]], u64);
const Hidden = test.map('Hidden', 'Blake2_256', u32, u32);

const hex = (bytes: Uint8Array) => u8aToHex(bytes);
/** Runs `body` against a fresh overlay over `trie`, returning the overlay for inspection. */
function run<T>(trie: Trie, body: () => T): T {
  return withStorage(new Overlay(trie), body);
}

describe('storage keys are Substrate keys', () => {
  it('matches the DESIGN.md vectors', () => {
    expect(hex(xxhashAsU8a('System', 128))).toBe('0x26aa394eea5630e07c48ae0c9558cef7');
    expect(hex(storagePrefix('System', 'Account'))).toBe('0x26aa394eea5630e07c48ae0c9558cef7b99d880ec681799c0cf30e8886371da9');
    expect(hex(Number_.key)).toBe('0x26aa394eea5630e07c48ae0c9558cef702a5c1b19ab7a04f536c519aca4983ac');
    expect(hex(Events.key)).toBe('0x26aa394eea5630e07c48ae0c9558cef780d41e5e16056765bc8461851072c9d7');
    expect(hex(twox64(u32.enc(0)))).toBe('0xb4def25cfda6ef3a');
    expect(hex(Names.key(0))).toBe(`${hex(storagePrefix('Test', 'Names'))}b4def25cfda6ef3a00000000`);
  });

  it("gives Alice's System.Account key as prefix ++ blake2_128(alice) ++ alice", () => {
    const expected = u8aConcat(storagePrefix('System', 'Account'), blake2AsU8a(alice.publicKey, 128), alice.publicKey);
    expect(hex(Account.key(aliceId))).toBe(hex(expected));
    expect(hex(Account.key(aliceId))).toBe('0x26aa394eea5630e07c48ae0c9558cef7b99d880ec681799c0cf30e8886371da9de1e86a9a8c739864cf3cc5ec2bea59fd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d');
  });

  it('hashes each part of a double and an n-map key with its own hasher', () => {
    expect(hex(Approvals.key(7, bobId))).toBe(hex(u8aConcat(
      storagePrefix('Test', 'Approvals'), twox64(u32.enc(7)), u32.enc(7), blake2AsU8a(bob.publicKey, 128), bob.publicKey)));
    expect(hex(Slots.key(1, 2, 'x'))).toBe(hex(u8aConcat(
      storagePrefix('Test', 'Slots'), twox64(u32.enc(1)), u32.enc(1), u32.enc(2), blake2AsU8a(str.enc('x'), 128), str.enc('x'))));
  });
  it('gives a remembered key the bytes it computes afresh, for every kind of key part', () => {
    const Pairs = test.doubleMap('Pairs', 'Twox64Concat', u64, 'Blake2_128Concat', str, u8);
    fc.assert(fc.property(fc.array(fc.tuple(fc.bigInt({ min: 0n, max: 12n }), fc.constantFrom('', 'a', 'a\0', '\0a', '2')), { maxLength: 30 }), (keys) => {
      for (const [a, b] of keys) {
        expect(hex(Pairs.key(a, b))).toBe(hex(u8aConcat(storagePrefix('Test', 'Pairs'), twox64(u64.enc(a)), u64.enc(a), blake2AsU8a(str.enc(b), 128), str.enc(b))));
        expect(hex(Approvals.key(Number(a), bobId))).toBe(hex(Approvals.partialKey([Number(a), bobId])));
      }
    }));
    // Past the cache's 4,096 keys it starts again, and every key stays right.
    for (let i = 0; i < 9000; i += 1 + (i % 3)) expect(hex(Pairs.key(BigInt(i % 5000), `${i}`))).toBe(hex(Pairs.partialKey([BigInt(i % 5000), `${i}`])));
  });
});

describe('typed storage items', () => {
  it('StorageValue: ValueQuery default, put, mutate, take', () => {
    run(new Trie(), () => {
      expect(Number_.get()).toBe(0);
      expect(Number_.exists()).toBe(false);
      Number_.put(5);
      expect(Number_.mutate((n) => n + 1)).toBe(6);
      expect(hex(storage().get(Number_.key)!)).toBe('0x06000000');
      expect(Number_.take()).toBe(6);
      expect(Number_.exists()).toBe(false);
    });
  });

  it('StorageMap: OptionQuery get, insert, contains, take, and mutate to undefined removes', () => {
    run(new Trie(), () => {
      expect(Names.get(1)).toBeUndefined();
      Names.insert(1, 'one');
      expect(Names.contains(1)).toBe(true);
      expect(Names.mutate(1, (name) => (name ? `${name}!` : name))).toBe('one!');
      expect(Names.take(1)).toBe('one!');
      Names.insert(2, 'two');
      Names.mutate(2, () => undefined);
      expect(Names.contains(2)).toBe(false);
      expect(Account.get(aliceId)).toEqual({ nonce: 0, free: 0n });
    });
  });

  it('iterates entries in key order, reads keys back through *Concat hashers, and by first-key prefix', () => {
    const trie = new Trie();
    const overlay = new Overlay(trie);
    withStorage(overlay, () => {
      for (const id of [3, 1, 2]) {
        Approvals.insert(id, aliceId, 1);
        Approvals.insert(id, bobId, 2);
      }
    });
    for (const [key, value] of overlay.drain()) if (value) trie.set(key, value);
    run(trie, () => {
      Approvals.insert(4, aliceId, 3); // in the overlay, merged with the committed entries
      Approvals.remove(1, bobId);
      const all = [...Approvals.entries()];
      expect(all).toHaveLength(6);
      const rawOrder = [...Approvals.rawKeys()].map(hex);
      expect(all.map(([[id, who]]) => hex(Approvals.key(id, who)))).toEqual(rawOrder);
      expect([...rawOrder].sort()).toEqual(rawOrder);
      expect([...Approvals.entries({ prefix: [2] })].sort((a, b) => a[1] - b[1])).toEqual([[[2, aliceId], 1], [[2, bobId], 2]]);
      expect([...Approvals.entries({ prefix: [1] })]).toEqual([[[1, aliceId], 1]]);
    });
  });

  it('reads n-map keys back across Identity and Concat hashers', () => {
    run(new Trie(), () => {
      Slots.insert(1, 2, 'a', 10n);
      Slots.insert(1, 3, 'bb', 11n);
      Slots.insert(9, 0, '', 12n);
      expect([...Slots.entries({ prefix: [1] })].sort((a, b) => Number(a[1] - b[1]))).toEqual([[[1, 2, 'a'], 10n], [[1, 3, 'bb'], 11n]]);
      expect([...Slots.entries({ prefix: [1, 3] })]).toEqual([[[1, 3, 'bb'], 11n]]);
      expect([...Slots.entries()]).toHaveLength(3);
    });
  });

  it('pages through a map with a continuation key, every entry exactly once', () => {
    run(new Trie(), () => {
      for (let i = 0; i < 25; i++) Names.insert(i, `n${i}`);
      const seen: number[] = [];
      let next: Uint8Array | undefined;
      let pages = 0;
      do {
        const page = Names.page(7, { startAfter: next });
        seen.push(...page.entries.map(([[id]]) => id));
        next = page.next;
        pages++;
      } while (next);
      expect(pages).toBe(4);
      expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i));
      expect(Names.clear({ limit: 10 })).toBe(10);
      expect([...Names.entries()]).toHaveLength(15);
    });
  });

  it('says why a map hashed with a non-Concat hasher cannot be iterated by key, but gives raw keys', () => {
    run(new Trie(), () => {
      Hidden.insert(1, 1);
      expect(() => [...Hidden.entries()]).toThrow('Test.Hidden: a key part hashed without *Concat cannot be read back');
      expect([...Hidden.rawKeys()].map(hex)).toEqual([hex(Hidden.key(1))]);
    });
  });

  it('refuses storage access outside block execution', () => {
    expect(() => Number_.get()).toThrow('storage accessed outside block execution');
  });
});

describe('the overlay', () => {
  const key = (n: number) => u8aConcat(new Uint8Array([0xaa]), u32.enc(n));
  const val = (n: number) => u8.enc(n);
  function committed(...pairs: [number, number][]): Trie {
    const trie = new Trie();
    for (const [k, v] of pairs) trie.set(key(k), val(v));
    return trie;
  }

  it('reads through to committed state, hides deletions, merges key iteration in order', () => {
    const overlay = new Overlay(committed([1, 1], [3, 3], [5, 5]));
    overlay.set(key(2), val(2));
    overlay.delete(key(3));
    overlay.set(key(6), val(6));
    expect(overlay.get(key(3))).toBeUndefined();
    expect(overlay.get(key(5))).toEqual(val(5));
    expect([...overlay.keys(new Uint8Array([0xaa]))].map(hex)).toEqual([1, 2, 5, 6].map((n) => hex(key(n))));
    expect([...overlay.keys(new Uint8Array([0xaa]), key(2))].map(hex)).toEqual([5, 6].map((n) => hex(key(n))));
    expect([...overlay.keys(new Uint8Array([0xbb]))]).toEqual([]);
  });

  it('nests commits and rollbacks: a rollback restores exactly what its layer found', () => {
    const overlay = new Overlay(committed([1, 1]));
    overlay.set(key(2), val(2));
    overlay.startTransaction();
    overlay.set(key(1), val(10));
    overlay.startTransaction();
    overlay.delete(key(2));
    overlay.set(key(3), val(3));
    overlay.commitTransaction(); // into the first layer
    overlay.startTransaction();
    overlay.set(key(4), val(4));
    overlay.rollbackTransaction();
    expect(overlay.get(key(4))).toBeUndefined();
    expect(overlay.get(key(3))).toEqual(val(3));
    overlay.rollbackTransaction(); // undoes the committed inner layer too
    expect(overlay.transactionDepth).toBe(0);
    expect(overlay.get(key(1))).toEqual(val(1));
    expect(overlay.get(key(2))).toEqual(val(2));
    expect(overlay.get(key(3))).toBeUndefined();
    expect(overlay.drain().map(([k, v]) => [hex(k), v && hex(v)])).toEqual([[hex(key(2)), '0x02']]);
  });

  it('allows 255 nested layers and refuses the 256th, leaving the 255 intact', () => {
    const overlay = new Overlay(new Trie());
    for (let i = 0; i < 255; i++) {
      overlay.startTransaction();
      overlay.set(key(i), val(i));
    }
    expect(() => overlay.startTransaction()).toThrow('more than 255 nested storage layers');
    expect(overlay.transactionDepth).toBe(255);
    for (let i = 0; i < 255; i++) overlay.rollbackTransaction();
    expect([...overlay.keys(new Uint8Array([0xaa]))]).toEqual([]);
  });

  it('transactional() commits on return and rolls back on throw', () => {
    const overlay = new Overlay(new Trie());
    expect(overlay.transactional(() => { overlay.set(key(1), val(1)); return 'ok'; })).toBe('ok');
    expect(() => overlay.transactional(() => { overlay.set(key(2), val(2)); throw new Error('call failed'); })).toThrow('call failed');
    expect(overlay.get(key(1))).toEqual(val(1));
    expect(overlay.get(key(2))).toBeUndefined();
    expect(() => overlay.commitTransaction()).toThrow('no open storage layer');
  });

  it('appends to a stored Vec, whole or in parts, and a rollback drops exactly the appends of its layer', () => {
    const trie = new Trie();
    trie.set(Events.key, Vec(u64).enc([1n]));
    const overlay = new Overlay(trie);
    withStorage(overlay, () => {
      Events.append(u64.enc(2n));
      overlay.startTransaction();
      Events.append(u64.enc(3n));
      overlay.startTransaction();
      Events.append(u32.enc(4), u32.enc(0)); // a u64 as its two halves
      overlay.rollbackTransaction();
      expect(Events.get()).toEqual([1n, 2n, 3n]);
      overlay.rollbackTransaction();
      Events.append(u32.enc(5), u32.enc(1));
      expect(Events.get()).toEqual([1n, 2n, 5n + (1n << 32n)]);
    });
    const [[k, v]] = overlay.drain();
    expect(hex(k)).toBe(hex(Events.key));
    expect(Vec(u64).dec(v!)).toEqual([1n, 2n, 5n + (1n << 32n)]);
  });

  it('keeps every append that no rollback dropped, past any number of buffer growths, in any layering', () => {
    type Op = { append: number } | 'start' | 'commit' | 'rollback';
    const op: fc.Arbitrary<Op> = fc.oneof(
      { arbitrary: fc.record({ append: fc.integer({ min: 1, max: 60 }) }), weight: 2 },
      { arbitrary: fc.constantFrom<Op>('start', 'commit', 'rollback'), weight: 3 },
    );
    fc.assert(fc.property(fc.array(op, { minLength: 10, maxLength: 120 }), (ops) => {
      const overlay = new Overlay(new Trie());
      // The model: the items each open layer holds (the outermost is the block's).
      const layers: bigint[][] = [[]];
      let next = 0n;
      withStorage(overlay, () => {
        for (const o of ops) {
          if (o === 'start') {
            overlay.startTransaction();
            layers.push([...layers.at(-1)!]);
          } else if (o === 'commit' || o === 'rollback') {
            if (layers.length === 1) continue;
            const top = layers.pop()!;
            if (o === 'commit') {
              overlay.commitTransaction();
              layers[layers.length - 1] = top;
            } else overlay.rollbackTransaction();
          } else {
            for (let i = 0; i < o.append; i++) {
              Events.append(u32.enc(Number(next & 0xffffffffn)), u32.enc(Number(next >> 32n)));
              layers.at(-1)!.push(next);
              next += (1n << 32n) + 1n;
            }
          }
        }
        expect(Events.get()).toEqual(layers.at(-1));
      });
    }), { numRuns: 60 });
  });

  it('a block\'s appends start empty after the last block drained, whose changes keep their bytes', () => {
    const trie = new Trie();
    const block = (values: bigint[], reset: boolean) => {
      const overlay = new Overlay(trie);
      withStorage(overlay, () => {
        if (reset) Events.remove();
        for (const v of values) Events.append(u64.enc(v));
      });
      const changes = overlay.drain();
      for (const [k, v] of changes) trie.set(k, v!);
      return changes;
    };
    const first = block(Array.from({ length: 300 }, (_, i) => BigInt(i)), false); // past the first buffer
    const second = block([7n], true);
    expect(Vec(u64).dec(first[0][1]!)).toEqual(Array.from({ length: 300 }, (_, i) => BigInt(i)));
    expect(Vec(u64).dec(second[0][1]!)).toEqual([7n]);
    expect(withStorage(new Overlay(trie), () => Events.get())).toEqual([7n]);
    // Two overlays appending at once after a drain (a block built while a query runs) share nothing.
    const [a, b] = [new Overlay(trie), new Overlay(trie)];
    withStorage(a, () => Events.append(u64.enc(1n)));
    withStorage(b, () => Events.append(u64.enc(2n)));
    withStorage(a, () => Events.append(u64.enc(3n)));
    expect(withStorage(a, () => Events.get())).toEqual([7n, 1n, 3n]);
    expect(withStorage(b, () => Events.get())).toEqual([7n, 2n]);
  });

  it('leaves out of the block\'s changes the writes that change nothing', () => {
    const overlay = new Overlay(committed([1, 1], [2, 2]));
    overlay.set(key(1), val(1)); // the same bytes
    overlay.delete(key(9)); // absent anyway
    overlay.set(key(2), val(20));
    overlay.delete(key(1));
    overlay.set(key(1), val(1)); // deleted, then back as it was
    expect(overlay.drain().map(([k, v]) => [hex(k), v && hex(v)])).toEqual([[hex(key(2)), '0x14']]);
  });

  it('iterates exactly the keys it holds under any prefix, across storage items, after commits and rollbacks', () => {
    // Keys of two storage items (32-byte prefixes) and a short key outside any item, as ':code' is.
    const itemA = storagePrefix('Test', 'A');
    const itemB = storagePrefix('Test', 'B');
    // Keys of item A under the map keys [1] and [1, 1] too: scans below an item's prefix (a node's slices).
    const candidates = [
      ...[0, 1, 2, 3, 257, 513].flatMap((n) => [u8aConcat(itemA, u32.enc(n)), u8aConcat(itemB, u32.enc(n))]),
      new Uint8Array([0x3a, 0x63]),
    ];
    const prefixes = [itemA, itemB, u8aConcat(itemA, new Uint8Array([1])), u8aConcat(itemA, new Uint8Array([1, 1])),
      itemA.subarray(0, 16), new Uint8Array([0x3a]), new Uint8Array(0)];
    const step = fc.record({
      kind: fc.constantFrom('set', 'delete', 'start', 'commit', 'rollback', 'scan'),
      key: fc.integer({ min: 0, max: candidates.length - 1 }),
    });
    fc.assert(fc.property(fc.array(step, { maxLength: 40 }), fc.integer({ min: 0, max: candidates.length - 1 }), (steps, after) => {
      const trie = new Trie();
      trie.set(candidates[0], val(1));
      trie.set(candidates[3], val(3));
      const overlay = new Overlay(trie);
      const scanMatches = (prefix: Uint8Array, startAfter?: Uint8Array) => {
        const expected = candidates.map(hex)
          .filter((k, i) => k.startsWith(hex(prefix)) && (startAfter === undefined || k > hex(startAfter)) && overlay.get(candidates[i]) !== undefined)
          .sort();
        expect([...overlay.keys(prefix, startAfter)].map(hex)).toEqual(expected);
      };
      for (const { kind, key: k } of steps) {
        if (kind === 'set') overlay.set(candidates[k], val(k));
        else if (kind === 'delete') overlay.delete(candidates[k]);
        else if (kind === 'start') overlay.startTransaction();
        else if (kind === 'scan') scanMatches(prefixes[k % prefixes.length]); // mid-way: later writes join the scan's groups
        else if (overlay.transactionDepth > 0) {
          if (kind === 'commit') overlay.commitTransaction();
          else overlay.rollbackTransaction();
        }
      }
      for (const prefix of prefixes) {
        for (const startAfter of [undefined, candidates[after]]) scanMatches(prefix, startAfter);
      }
    }), {
      numRuns: 500,
      // A key written after a scan under a map key (here [1]) built that prefix's group: the next scan must see it.
      examples: [[[{ kind: 'set', key: 0 }, { kind: 'scan', key: 2 }, { kind: 'set', key: 8 }], 0]],
    });
  });

  it('refuses to drain while a layer is open', () => {
    const overlay = new Overlay(new Trie());
    overlay.startTransaction();
    expect(() => overlay.drain()).toThrow('cannot drain the overlay inside 1 open storage layer(s)');
  });
});

describe('the overlay\'s typed values', () => {
  const Info = Struct('test::Info', { nonce: u32, free: u128 });
  const key = (n: number) => u8aConcat(new Uint8Array([0xcc]), u32.enc(n));
  type Op = { kind: 'set' | 'delete' | 'read' | 'start' | 'commit' | 'rollback'; key: number; nonce: number };
  const op = fc.record({
    kind: fc.constantFrom<Op['kind']>('set', 'delete', 'read', 'start', 'commit', 'rollback'),
    key: fc.integer({ min: 0, max: 3 }), nonce: fc.integer({ min: 0, max: 1000 }),
  });

  it('reads what a byte-level model reads, under nested commits and rollbacks, and drains the same changes', () => {
    fc.assert(fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
      const state = () => { const trie = new Trie(); trie.set(key(0), Info.enc({ nonce: 7, free: 1n })); return trie; };
      const typed = new Overlay(state());
      const bytes = new Overlay(state());
      for (const { kind, key: k, nonce } of ops) {
        if (kind === 'set') {
          typed.setTyped(key(k), Info, { nonce, free: BigInt(nonce) * 3n });
          bytes.set(key(k), Info.enc({ nonce, free: BigInt(nonce) * 3n }));
        } else if (kind === 'delete') {
          typed.delete(key(k));
          bytes.delete(key(k));
        } else if (kind === 'start') {
          if (typed.transactionDepth >= 5) continue;
          typed.startTransaction();
          bytes.startTransaction();
        } else if (kind === 'commit' || kind === 'rollback') {
          if (typed.transactionDepth === 0) continue;
          if (kind === 'commit') { typed.commitTransaction(); bytes.commitTransaction(); } else { typed.rollbackTransaction(); bytes.rollbackTransaction(); }
        }
        const raw = bytes.get(key(k));
        expect(typed.getTyped(key(k), Info)).toEqual(raw === undefined ? undefined : Info.dec(raw));
        expect(typed.exists(key(k))).toBe(raw !== undefined);
      }
      while (typed.transactionDepth > 0) { typed.commitTransaction(); bytes.commitTransaction(); }
      expect(typed.drain().map(([k, v]) => [hex(k), v && hex(v)])).toEqual(bytes.drain().map(([k, v]) => [hex(k), v && hex(v)]));
    }));
  });

  it('hands out frozen values: changing one in place throws and changes nothing', () => {
    const trie = new Trie();
    trie.set(Account.key(aliceId), AccountInfo.enc({ nonce: 1, free: 5n }));
    run(trie, () => {
      const info = Account.get(aliceId);
      expect(() => { info.free += 1n; }).toThrow(TypeError);
      expect(Account.get(aliceId)).toEqual({ nonce: 1, free: 5n });
      const written = { nonce: 2, free: 6n };
      Account.insert(aliceId, written);
      expect(() => { written.nonce = 3; }).toThrow(TypeError);
      expect(Account.get(aliceId)).toEqual({ nonce: 2, free: 6n });
    });
  });
});
