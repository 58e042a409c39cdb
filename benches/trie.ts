// State-root benchmark: incremental Trie.root() after a block's worth of changes against
// from-scratch roots, in a 100k-key and a 1M-key state, and the memory the Trie holds.
//
//   NODE_OPTIONS="--expose-gc --max-old-space-size=8192" npx tsx benches/trie.ts [sizes...]
//
// --expose-gc makes the memory figure exact and keeps the from-scratch phases' garbage out of
// the per-block timings; the larger heap only spares the 1M-key run some collections.
import { initCrypto } from '../primitives/crypto.ts';
import { blake2_256, twox128 } from '../primitives/hashing.ts';
import { Trie, trieRoot } from '../primitives/trie.ts';

const CHANGES = 1_000;
const BLOCKS = 9;

await initCrypto();

// Deterministic bytes: a counter hashed with blake2, so every run measures the same state.
let counter = 0;
function pseudoRandom(length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let at = 0; at < length; at += 32) {
    const seed = new Uint8Array(8);
    new DataView(seed.buffer).setFloat64(0, counter++);
    out.set(blake2_256(seed).subarray(0, Math.min(32, length - at)), at);
  }
  return out;
}
const pick = (n: number): number => new DataView(pseudoRandom(4).buffer).getUint32(0) % n;

// Storage items shaped like FRAME's: twox128(pallet) ++ twox128(item) ++ hashed map key.
const items = ['System.Account', 'Services.Operators', 'Services.Services', 'SliceMarketplace.Nodes', 'SliceMarketplace.Rentals', 'Balances.Locks']
  .map((name) => {
    const [pallet, item] = name.split('.');
    const prefix = new Uint8Array(32);
    prefix.set(twox128(new TextEncoder().encode(pallet)));
    prefix.set(twox128(new TextEncoder().encode(item)), 16);
    return prefix;
  });
// Blake2_128Concat(AccountId32) = 48 bytes, Twox64Concat(u32) = 12, Identity(u64) = 8, or none.
const keySuffixes = [48, 12, 8, 0];

function randomKey(): Uint8Array {
  const prefix = items[pick(items.length)];
  const suffix = keySuffixes[pick(keySuffixes.length)];
  const key = new Uint8Array(32 + (suffix || 48));
  key.set(prefix);
  key.set(pseudoRandom(key.length - 32), 32);
  return key;
}
const randomValue = (): Uint8Array => pseudoRandom(8 + pick(113));

const gc = (globalThis as { gc?: () => void }).gc;

function time<T>(run: () => T): [T, number] {
  const start = performance.now();
  const result = run();
  return [result, performance.now() - start];
}

function heapUsed(): number {
  gc?.();
  return process.memoryUsage().heapUsed;
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const ms = (millis: number): string => `${millis.toFixed(1)} ms`;
/** Median (min..max): a collection now and then lands inside one block. */
function spread(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  return `${ms(sorted[sorted.length >> 1])} (${sorted[0].toFixed(1)}..${sorted[sorted.length - 1].toFixed(1)})`;
}

function bench(size: number): void {
  console.log(`\n== ${size.toLocaleString('en')} keys`);
  const entries: [Uint8Array, Uint8Array][] = Array.from({ length: size }, () => [randomKey(), randomValue()]);
  const before = heapUsed();
  const trie = new Trie();
  const [, insertTime] = time(() => {
    for (const [key, value] of entries) trie.set(key, value);
  });
  const [builtRoot, firstRoot] = time(() => trie.root());
  const held = heapUsed() - before;
  console.log(`Trie from scratch: ${ms(insertTime)} set + ${ms(firstRoot)} root() = ${ms(insertTime + firstRoot)}`);
  console.log(`memory: ${mb(held)} for the Trie (${(held / size).toFixed(0)} B/key, values included)`);
  const [scratchRoot, scratchTime] = time(() => trieRoot(entries));
  console.log(`trieRoot from scratch: ${ms(scratchTime)}`);
  if (hex(scratchRoot) !== hex(builtRoot)) throw new Error('Trie and trieRoot disagree');

  const keys = entries.map(([key]) => key);
  // Collect the from-scratch phases' garbage now, not during the first blocks.
  gc?.();
  const applyTimes: number[] = [];
  const rootTimes: number[] = [];
  for (let block = 0; block < BLOCKS; block++) {
    // 60% writes to keys from the initial state, 25% new keys, 15% deletes (a few of keys
    // already deleted).
    const changes: [Uint8Array, Uint8Array | undefined][] = Array.from({ length: CHANGES }, (_, i) => {
      if (i < 600) return [keys[pick(keys.length)], randomValue()];
      if (i < 850) return [randomKey(), randomValue()];
      return [keys[pick(keys.length)], undefined];
    });
    const [, apply] = time(() => {
      for (const [key, value] of changes) {
        if (value) trie.set(key, value);
        else trie.delete(key);
      }
    });
    const [, root] = time(() => trie.root());
    applyTimes.push(apply);
    rootTimes.push(root);
  }
  console.log(`incremental, ${CHANGES} changed keys over ${BLOCKS} blocks: set/delete ${spread(applyTimes)}, root() ${spread(rootTimes)}`);
  const [checkRoot, checkTime] = time(() => trieRoot(trie.entries()));
  if (hex(checkRoot) !== hex(trie.root())) throw new Error('incremental root differs from scratch');
  console.log(`check: incremental root == trieRoot(trie.entries()) (${ms(checkTime)}), ${trie.size.toLocaleString('en')} keys`);
}

const sizes = process.argv.slice(2).map(Number);
for (const size of sizes.length ? sizes : [100_000, 1_000_000]) bench(size);
