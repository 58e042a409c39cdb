// Signature verification with the semantics of Substrate's `MultiSignature::verify`, each scheme on
// the fastest backend that is exact and safe on hostile input (measured in benches/crypto.ts).
// Everything here is pure: same input, same answer, on any machine.
import { createPublicKey, verify as opensslVerify, type KeyObject } from 'node:crypto';
import { ed25519, ristretto255 } from '@noble/curves/ed25519.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToNumberLE, equalBytes } from '@noble/curves/utils.js';
import { sr25519_verify } from '@polkadot-labs/schnorrkel-wasm';
import { isReady, waitReady } from '@polkadot/wasm-crypto';
import { blake2_256 } from './hashing.ts';

export type SignatureKind = 'Ed25519' | 'Sr25519' | 'Ecdsa';

/** A `MultiSignature` as polkadot.js writes it in JSON: the variant and the 0x-hex signature. */
export interface MultiSignatureLike {
  type: SignatureKind;
  /** 0x-hex: 64 bytes, or 65 for Ecdsa (r ++ s ++ v). */
  value: string;
}

/**
 * Loads the wasm backends (hashing, signatures). Await it once before using primitives/.
 * Only @polkadot/wasm-crypto loads asynchronously; schnorrkel-wasm compiles its module on import.
 */
export async function initCrypto(): Promise<void> {
  await waitReady();
}

/** Decoded public keys kept per scheme: the same accounts sign again and again. */
export const KEY_CACHE_SIZE = 4096;

/** Memoises `decode` over the last `KEY_CACHE_SIZE` keys it accepted; rejected keys are not kept. */
function keyCache<V>(decode: (key: Uint8Array) => V | undefined): (key: Uint8Array) => V | undefined {
  const entries = new Map<string, V>();
  return (key) => {
    const id = Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('hex');
    let value = entries.get(id);
    if (value !== undefined) {
      entries.delete(id); // re-inserted below: Map order is then least recently used first
    } else {
      value = decode(key);
      if (value === undefined) return undefined;
      if (entries.size >= KEY_CACHE_SIZE) entries.delete(entries.keys().next().value as string);
    }
    entries.set(id, value);
    return value;
  };
}

// Sr25519 runs on schnorrkel-wasm (schnorrkel 0.11, `verify_simple` in the "substrate" context, as
// sp_core::sr25519). That build panics where sp_core returns false, on a key that is not a
// Ristretto point or a signature schnorrkel cannot parse, and a panic writes to stderr and leaks
// wasm stack: about a thousand of them corrupt the instance for good. So both are checked here
// first, exactly as schnorrkel's `PublicKey::from_bytes` and `Signature::from_bytes` check them.
const ristrettoKey = keyCache((key) => {
  try {
    ristretto255.Point.fromBytes(key);
    return true;
  } catch {
    return undefined;
  }
});
const SCALAR_ORDER = ed25519.Point.Fn.ORDER;
const SCHNORRKEL_MARKER = 1n << 255n;

function verifySr25519(signature: Uint8Array, message: Uint8Array, signer: Uint8Array): boolean {
  if (signature.length !== 64 || signer.length !== 32) return false;
  // The top bit marks a schnorrkel (not ed25519) signature; below it, s must be canonical (< l).
  const s = bytesToNumberLE(signature.subarray(32));
  if ((s & SCHNORRKEL_MARKER) === 0n || (s ^ SCHNORRKEL_MARKER) >= SCALAR_ORDER) return false;
  return ristrettoKey(signer) === true && sr25519_verify(signer, message, signature);
}

// Ed25519 in Substrate is ed25519-zebra: ZIP-215 rules (cofactored equation, non-canonical point
// encodings and small-order points accepted, s < l required). OpenSSL checks RFC 8032's strict
// cofactorless equation on the same decoding, so whatever it accepts zebra accepts too: it is the
// fast path, and only a rejection is re-checked with noble's ZIP-215 verifier. Invalid signatures
// pay for both; valid ones, which is what blocks and honest transactions carry, for OpenSSL only.
const ED25519_SPKI_PREFIX = Uint8Array.from([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]);
const ed25519Key = keyCache<KeyObject>((key) => {
  try {
    return createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, key]), format: 'der', type: 'spki' });
  } catch {
    return undefined;
  }
});

function verifyEd25519(signature: Uint8Array, message: Uint8Array, signer: Uint8Array): boolean {
  if (signature.length !== 64 || signer.length !== 32) return false;
  const key = ed25519Key(signer);
  if (key !== undefined && opensslVerify(null, message, key, signature)) return true;
  return ed25519.verify(signature, message, signer, { zip215: true });
}

// Ecdsa as sp_runtime: recover from blake2_256(message) the way sp_io's
// `secp256k1_ecdsa_recover_compressed` (libsecp256k1) does, then the signer is blake2_256 of the
// compressed key. libsecp256k1 recovery refuses r or s >= n but, unlike its verify, accepts high s;
// noble's recovery draws the same lines. @polkadot/wasm-crypto would be faster but panics on
// unrecoverable input (corrupting the instance that also hashes) and refuses high s.
function verifyEcdsa(signature: Uint8Array, message: Uint8Array, signer: Uint8Array): boolean {
  if (signature.length !== 65 || signer.length !== 32) return false;
  // v is 0..3, or 27..30 as Ethereum writes it.
  const v = signature[64] > 26 ? signature[64] - 27 : signature[64];
  if (v > 3) return false;
  const recoverable = new Uint8Array(65);
  recoverable[0] = v;
  recoverable.set(signature.subarray(0, 64), 1);
  const compressed = secp256k1.recoverPublicKey(recoverable, blake2_256(message), { prehash: false });
  return equalBytes(blake2_256(compressed), signer);
}

/**
 * Substrate's `MultiSignature::verify`: `signer` is the 32-byte AccountId (the public key for
 * Ed25519 and Sr25519, blake2_256 of the compressed public key for Ecdsa). Malformed input of any
 * kind gives false, never an exception.
 */
export function verifySignature(kind: SignatureKind, signature: Uint8Array, message: Uint8Array, signer: Uint8Array): boolean {
  // A false from an unloaded backend would look like a bad signature: fail loudly instead.
  if (!isReady()) throw new Error('verifySignature called before initCrypto() resolved');
  try {
    switch (kind) {
      case 'Sr25519': return verifySr25519(signature, message, signer);
      case 'Ed25519': return verifyEd25519(signature, message, signer);
      case 'Ecdsa': return verifyEcdsa(signature, message, signer);
      default: return false;
    }
  } catch {
    return false;
  }
}

const HEX = /^0x(?:[0-9a-fA-F]{2})*$/;

function hexBytes(hex: string): Uint8Array | undefined {
  return HEX.test(hex) ? Buffer.from(hex.slice(2), 'hex') : undefined;
}

/** `verifySignature` on the JSON shapes: a `MultiSignature` and a 0x-hex AccountId32. */
export function verify(signature: MultiSignatureLike, message: Uint8Array, signer: string): boolean {
  const bytes = hexBytes(signature.value);
  const who = hexBytes(signer);
  return bytes !== undefined && who !== undefined && verifySignature(signature.type, bytes, message, who);
}
