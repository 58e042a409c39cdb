// Signature backends. Everything here is pure: same input, same answer, on any machine.
import { waitReady } from '@polkadot/wasm-crypto';

/** Loads the wasm backends (hashing, signatures). Await it once before using primitives/. */
export async function initCrypto(): Promise<void> {
  await waitReady();
}
