// frame_system's benchmarks: each call at the largest input its components allow.
import { u8aConcat, u8aToHex } from '@polkadot/util';
import { blake2_256 } from '../../primitives/hashing.ts';
import { ensure, type BenchmarkContext, type PalletBenchmarks } from '../benchmarking/index.ts';
import { Root, signed } from '../dispatch.ts';
import { storage } from '../externalities.ts';
import type { createSystem } from './index.ts';

/** The longest remark a normal extrinsic may carry (75% of a 5 MiB block). */
const MAX_REMARK = 3_932_160;
const ITEMS = 1_000;

/**
 * A set-up's own key prefix: `bnch` and 4 bytes of its context's salt, so that the instances of
 * `benchmark check` in one block write keys of their own.
 */
const prefixOf = (ctx: BenchmarkContext) => u8aConcat(new TextEncoder().encode('bnch'), blake2_256(new TextEncoder().encode(ctx.salt)).subarray(0, 4));

/**
 * `count` distinct 32-byte keys under `prefix`, spread as hashed keys are (each on its own trie
 * path, the worst case for the state root, as real storage keys).
 */
const keys = (prefix: Uint8Array, count: number) =>
  Array.from({ length: count }, (_, i) => u8aConcat(prefix, blake2_256(new Uint8Array([i >> 24, i >> 16, i >> 8, i])).subarray(0, 24)));

export const systemBenchmarks = (System: ReturnType<typeof createSystem>): PalletBenchmarks => ({
  remark: {
    components: { b: [0, MAX_REMARK] },
    setup: ({ b }, ctx) => ({ origin: signed(ctx.account('caller', 0)), call: System.tx.remark({ remark: new Uint8Array(b) }) }),
  },
  remark_with_event: {
    components: { b: [0, MAX_REMARK] },
    setup: ({ b }, ctx) => {
      const [sender, remark] = [ctx.account('caller', 0), new Uint8Array(b)];
      return {
        origin: signed(sender), call: System.tx.remark_with_event({ remark }),
        verify: () => ctx.assertLastEvent({ type: 'System', value: { type: 'Remarked', value: { sender, hash: u8aToHex(blake2_256(remark)) } } }),
      };
    },
  },
  set_heap_pages: {
    setup: () => ({ origin: Root, call: System.tx.set_heap_pages({ pages: 64 }) }),
  },
  set_storage: {
    components: { i: [0, ITEMS] },
    setup: ({ i }, ctx) => {
      const items = keys(prefixOf(ctx), i).map((key): [Uint8Array, Uint8Array] => [key, key]);
      return {
        origin: Root, call: System.tx.set_storage({ items }),
        verify: () => ensure(items.every(([key]) => storage().get(key) !== undefined), 'an item was not set'),
      };
    },
  },
  kill_storage: {
    components: { i: [0, ITEMS] },
    setup: ({ i }, ctx) => {
      const killed = keys(prefixOf(ctx), i);
      for (const key of killed) storage().set(key, key);
      return {
        origin: Root, call: System.tx.kill_storage({ keys: killed }),
        verify: () => ensure(killed.every((key) => storage().get(key) === undefined), 'an item survived'),
      };
    },
  },
  kill_prefix: {
    components: { p: [0, ITEMS] },
    setup: ({ p }, ctx) => {
      const prefix = prefixOf(ctx);
      for (const key of keys(prefix, p)) storage().set(key, key);
      return {
        origin: Root, call: System.tx.kill_prefix({ prefix, subkeys: p }),
        verify: () => ensure([...storage().keys(prefix)].length === 0, 'keys under the prefix survived'),
      };
    },
  },
});
