// Storage-write benchmark: writes per second into the block overlay, raw and through typed
// storage items (key hashing + SCALE encoding), at depth 0 and inside nested transactional layers,
// and the cost of committing a layer. Roots are measured by benches/trie.ts.
//
//   npx tsx benches/storage.ts
import { u8aConcat } from '@polkadot/util';
import { u32, u128, Struct } from '../primitives/scale.ts';
import { AccountId32 } from '../primitives/types.ts';
import { Trie } from '../primitives/trie.ts';
import { withStorage } from '../frame/externalities.ts';
import { Overlay } from '../frame/overlay.ts';
import { palletStorage } from '../frame/storage.ts';

const N = 200_000;
const Account = palletStorage('Bench').map('Account', 'Blake2_128Concat', AccountId32,
  Struct('bench::Account', { nonce: u32, free: u128 }), { default: { nonce: 0, free: 0n } });
const account = (i: number) => `0x${i.toString(16).padStart(64, '0')}` as const;
const rawKey = (i: number) => u8aConcat(Account.prefix, u32.enc(i));

function rate(label: string, count: number, run: () => void): void {
  run(); // warm up the JIT on the same shape of work
  const started = performance.now();
  run();
  const ms = performance.now() - started;
  console.log(`${label.padEnd(52)} ${Math.round((count / ms) * 1000).toLocaleString('en').padStart(12)} /s`);
}

const value = new Uint8Array(48).fill(7);
rate('raw overlay.set (48-byte value)', N, () => {
  const overlay = new Overlay(new Trie());
  for (let i = 0; i < N; i++) overlay.set(rawKey(i), value);
});
rate('raw overlay.set inside 3 nested layers', N, () => {
  const overlay = new Overlay(new Trie());
  overlay.startTransaction(); overlay.startTransaction(); overlay.startTransaction();
  for (let i = 0; i < N; i++) overlay.set(rawKey(i), value);
});
rate('typed StorageMap.insert (blake2_128concat + SCALE)', N, () => {
  withStorage(new Overlay(new Trie()), () => {
    for (let i = 0; i < N; i++) Account.insert(account(i), { nonce: i, free: BigInt(i) });
  });
});
rate('typed StorageMap.mutate (read + write)', N, () => {
  withStorage(new Overlay(new Trie()), () => {
    for (let i = 0; i < N; i++) Account.mutate(account(i % 1000), (a) => ({ ...a, nonce: a.nonce + 1 }));
  });
});
rate('set inside a layer, then commit it', N, () => {
  const overlay = new Overlay(new Trie());
  overlay.startTransaction();
  for (let i = 0; i < N; i++) overlay.set(rawKey(i), value);
  overlay.commitTransaction();
});
