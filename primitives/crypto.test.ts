// Signature checks as Substrate's `MultiSignature::verify` makes them, on keys and signatures that
// @polkadot/keyring makes the way wallets do, and on the malformed and edge-case input a node meets.
import { verify as opensslVerify, createPublicKey } from 'node:crypto';
import { jest } from '@jest/globals';
import { ed25519 } from '@noble/curves/ed25519.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToNumberLE, numberToBytesLE, numberToBytesBE } from '@noble/curves/utils.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { Keyring } from '@polkadot/keyring';
import type { KeyringPair } from '@polkadot/keyring/types';
import { u8aToHex } from '@polkadot/util';
import { sr25519Verify } from '@polkadot/wasm-crypto';
import fc from 'fast-check';
import { verify, verifySignature, type SignatureKind } from './crypto.ts';
import { blake2_256 } from './hashing.ts';

const message = new TextEncoder().encode('slicechain: transfer 10 units to Bob');
const schemes = [['Sr25519', 'sr25519'], ['Ed25519', 'ed25519'], ['Ecdsa', 'ecdsa']] as const;
const alice = {} as Record<SignatureKind, KeyringPair>;

beforeAll(() => {
  for (const [kind, type] of schemes) alice[kind] = new Keyring({ type }).addFromUri('//Alice');
});

function flipped(bytes: Uint8Array, index: number): Uint8Array {
  const copy = bytes.slice();
  copy[index] ^= 0x01;
  return copy;
}

describe.each(schemes)('%s', (kind) => {
  it('accepts a signature made by @polkadot/keyring, as bytes and as JSON hex', () => {
    const pair = alice[kind];
    const signature = pair.sign(message);
    expect(verifySignature(kind, signature, message, pair.addressRaw)).toBe(true);
    expect(verify({ type: kind, value: u8aToHex(signature) }, message, u8aToHex(pair.addressRaw))).toBe(true);
  });

  it('refuses it once any byte of the signature, the message or the signer changes', () => {
    const pair = alice[kind];
    const signature = pair.sign(message);
    const accepted: string[] = [];
    signature.forEach((_, i) => verifySignature(kind, flipped(signature, i), message, pair.addressRaw) && accepted.push(`signature[${i}]`));
    message.forEach((_, i) => verifySignature(kind, signature, flipped(message, i), pair.addressRaw) && accepted.push(`message[${i}]`));
    pair.addressRaw.forEach((_, i) => verifySignature(kind, signature, message, flipped(pair.addressRaw, i)) && accepted.push(`signer[${i}]`));
    expect(accepted).toEqual([]);
  });

  it('answers false, without throwing, to wrong lengths and garbage', () => {
    const pair = alice[kind];
    const signature = pair.sign(message);
    const signer = pair.addressRaw;
    const cases: [Uint8Array, Uint8Array][] = [
      [signature.subarray(0, signature.length - 1), signer],
      [Uint8Array.of(...signature, 0), signer],
      [new Uint8Array(0), signer],
      [signature, signer.subarray(0, 31)],
      [signature, Uint8Array.of(...signer, 0)],
      [new Uint8Array(signature.length), signer],
      [new Uint8Array(signature.length).fill(0xff), new Uint8Array(32).fill(0xff)],
    ];
    for (const [sig, who] of cases) expect(verifySignature(kind, sig, message, who)).toBe(false);
    for (const [value, who] of [['0x1234', u8aToHex(signer)], [u8aToHex(signature).slice(2), u8aToHex(signer)],
      [`${u8aToHex(signature).slice(0, -2)}zz`, u8aToHex(signer)], [`${u8aToHex(signature)}0`, u8aToHex(signer)],
      [u8aToHex(signature), u8aToHex(signer).slice(0, -2)], [u8aToHex(signature), 'Alice']]) {
      expect(verify({ type: kind, value }, message, who)).toBe(false);
    }
  });
});

it('answers false to a signature kind it does not know', () => {
  const pair = alice.Sr25519;
  expect(verifySignature('Ethereum' as SignatureKind, pair.sign(message), message, pair.addressRaw)).toBe(false);
});

describe('Sr25519', () => {
  // schnorrkel-wasm reports a panic on console.error; the checks in front of it must keep it from panicking.
  let panics: ReturnType<typeof jest.spyOn>;
  beforeEach(() => { panics = jest.spyOn(console, 'error'); });
  afterEach(() => panics.mockRestore());

  it('refuses what schnorrkel cannot parse without making the wasm panic', () => {
    const pair = alice.Sr25519;
    const signature = pair.sign(message);
    const unmarked = signature.slice();
    unmarked[63] &= 0x7f;
    // s + l keeps the marker bit and verifies the same equation, but is not a canonical scalar.
    const marker = 1n << 255n;
    const s = bytesToNumberLE(signature.subarray(32)) ^ marker;
    const unreduced = Uint8Array.of(...signature.subarray(0, 32), ...numberToBytesLE((s + ed25519.Point.Fn.ORDER) | marker, 32));
    expect(verifySignature('Sr25519', unmarked, message, pair.publicKey)).toBe(false);
    expect(verifySignature('Sr25519', unreduced, message, pair.publicKey)).toBe(false);
    expect(verifySignature('Sr25519', signature, message, new Uint8Array(32).fill(0xff))).toBe(false);
    expect(panics).not.toHaveBeenCalled();
  });

  it('accepts the identity key with R = identity, s = 0 for any message, as schnorrkel does', () => {
    // The all-zero AccountId can be "signed for" by anyone: why Substrate has CheckNonZeroSender.
    const signature = new Uint8Array(64);
    signature[63] = 0x80;
    for (let i = 0; i < 4; i++) expect(verifySignature('Sr25519', signature, Uint8Array.of(i), new Uint8Array(32))).toBe(true);
  });

  it('agrees with the @polkadot/wasm-crypto schnorrkel build on arbitrary keys and signatures, without a panic', () => {
    const key = fc.oneof(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.constant(alice.Sr25519.publicKey));
    const signature = fc.uint8Array({ minLength: 64, maxLength: 64 }).map((sig) => {
      sig[63] |= 0x80; // marked, so most cases get past the signature checks
      return sig;
    });
    fc.assert(fc.property(key, signature, fc.uint8Array(), (pub, sig, msg) =>
      verifySignature('Sr25519', sig, msg, pub) === sr25519Verify(sig, msg, pub)), { numRuns: 500 });
    expect(panics).not.toHaveBeenCalled();
  });
});

describe('Ed25519', () => {
  const { Point } = ed25519;
  const l = Point.Fn.ORDER;

  /** [l]P for curve points P until one lands on a point of order 8 (P's part outside the prime-order group). */
  function torsionOfOrder8() {
    for (let seed = 1n; ; seed++) {
      let point;
      try {
        point = Point.fromBytes(numberToBytesLE(seed, 32), true);
      } catch {
        continue; // not the y of a curve point
      }
      const torsion = point.multiplyUnsafe(l - 1n).add(point);
      if (!torsion.double().double().is0()) return torsion;
    }
  }

  const openssl = (publicKey: Uint8Array) =>
    createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(publicKey).toString('base64url') }, format: 'jwk' });

  it('follows ed25519-zebra (ZIP-215): a key with a small-order component verifies by the cofactored equation', () => {
    // A' = aB + T with T of order 8. An honest signature under a gives [s]B - [k]A' = R - [k]T, which
    // RFC 8032's strict equation (OpenSSL) refuses unless 8 | k; ZIP-215 multiplies by the cofactor.
    const torsion = torsionOfOrder8();
    const a = 0x1234567890abcdefn;
    const nonce = 0xfedcba0987654321n;
    const publicKey = Point.BASE.multiply(a).add(torsion).toBytes();
    const R = Point.BASE.multiply(nonce).toBytes();
    let strictRefusals = 0;
    for (let i = 0; i < 8; i++) {
      const msg = Uint8Array.of(...message, i);
      const k = bytesToNumberLE(sha512(Uint8Array.of(...R, ...publicKey, ...msg))) % l;
      const signature = Uint8Array.of(...R, ...numberToBytesLE((nonce + k * a) % l, 32));
      expect(verifySignature('Ed25519', signature, msg, publicKey)).toBe(true);
      if (!opensslVerify(null, msg, openssl(publicKey), signature)) strictRefusals++;
    }
    expect(strictRefusals).toBeGreaterThan(0); // so the cases above did exercise the ZIP-215 rule
  });

  it('accepts the all-zero signature under the all-zero key for any message, as ed25519-zebra does', () => {
    // Both decode to the same point of order 4, so the cofactored equation holds whatever k is.
    for (let i = 0; i < 8; i++) expect(verifySignature('Ed25519', new Uint8Array(64), Uint8Array.of(i), new Uint8Array(32))).toBe(true);
  });

  it('refuses a non-canonical s (s + l), as both RFC 8032 and ZIP-215 do', () => {
    const pair = alice.Ed25519;
    const signature = pair.sign(message);
    const s = bytesToNumberLE(signature.subarray(32));
    const unreduced = Uint8Array.of(...signature.subarray(0, 32), ...numberToBytesLE(s + l, 32));
    expect(verifySignature('Ed25519', unreduced, message, pair.publicKey)).toBe(false);
  });
});

describe('Ecdsa', () => {
  const n = secp256k1.Point.Fn.ORDER;

  it('takes blake2_256 of the compressed public key as the signer, never the key itself', () => {
    const pair = alice.Ecdsa;
    const signature = pair.sign(message);
    expect(pair.publicKey).toHaveLength(33);
    expect(pair.addressRaw).toEqual(blake2_256(pair.publicKey));
    expect(verifySignature('Ecdsa', signature, message, blake2_256(pair.publicKey))).toBe(true);
    expect(verifySignature('Ecdsa', signature, message, pair.publicKey)).toBe(false);
    expect(verifySignature('Ecdsa', signature, message, pair.publicKey.subarray(1))).toBe(false);
    expect(verifySignature('Ecdsa', signature, message, pair.publicKey.subarray(0, 32))).toBe(false);
  });

  it('reads v as 0..3 or 27..30, as sp_io::crypto::secp256k1_ecdsa_recover_compressed does', () => {
    const pair = alice.Ecdsa;
    const signature = pair.sign(message);
    const withV = (v: number) => Uint8Array.of(...signature.subarray(0, 64), v);
    expect(verifySignature('Ecdsa', withV(signature[64] + 27), message, pair.addressRaw)).toBe(true);
    for (const v of [signature[64] ^ 1, 4, 26, 27 + (signature[64] ^ 1), 31, 255]) {
      expect(verifySignature('Ecdsa', withV(v), message, pair.addressRaw)).toBe(false);
    }
  });

  it('accepts the high-s twin (r, n - s, v ^ 1), as libsecp256k1 recovery does', () => {
    const pair = alice.Ecdsa;
    const signature = pair.sign(message);
    const s = BigInt(u8aToHex(signature.subarray(32, 64)));
    const twin = Uint8Array.of(...signature.subarray(0, 32), ...numberToBytesBE(n - s, 32), signature[64] ^ 1);
    expect(verifySignature('Ecdsa', twin, message, pair.addressRaw)).toBe(true);
  });

  it('refuses r or s of zero or not below n', () => {
    const pair = alice.Ecdsa;
    const signature = pair.sign(message);
    const r = signature.subarray(0, 32);
    const s = signature.subarray(32, 64);
    const v = signature[64];
    for (const [rr, ss] of [[new Uint8Array(32), s], [r, new Uint8Array(32)], [numberToBytesBE(n, 32), s], [r, numberToBytesBE(n + 1n, 32)]]) {
      expect(verifySignature('Ecdsa', Uint8Array.of(...rr, ...ss, v), message, pair.addressRaw)).toBe(false);
    }
  });
});
