// Signature and hash throughput on this machine: every candidate backend per scheme on one core
// (the measurements behind the choices in primitives/crypto.ts), the chosen path with warm keys,
// new keys and invalid signatures, SignaturePool with 1 and 2 workers, and the hashes.
// Run: npx tsx benches/crypto.ts
import { createPublicKey, generateKeyPairSync, sign as opensslSign, verify as opensslVerify } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { ed25519 } from '@noble/curves/ed25519.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sr25519_keypair_from_seed, sr25519_sign, sr25519_verify } from '@polkadot-labs/schnorrkel-wasm';
import { Keyring } from '@polkadot/keyring';
import { ed25519Verify as utilEd25519Verify, secp256k1Recover as utilSecp256k1Recover, sr25519Verify as utilSr25519Verify } from '@polkadot/util-crypto';
import { ed25519Verify as wasmEd25519Verify, secp256k1Recover as wasmSecp256k1Recover, sr25519Verify as wasmSr25519Verify } from '@polkadot/wasm-crypto';
import { SignaturePool, type SignatureCheck } from '../node/signature-pool.ts';
import { initCrypto, KEY_CACHE_SIZE, verifySignature, type SignatureKind } from '../primitives/crypto.ts';
import { blake2_256, twox128 } from '../primitives/hashing.ts';

await initCrypto();

const SECONDS = 1.5;
/** Distinct signers taken in turn in most runs, as a block's senders would be. */
const SIGNERS = 64;
/** Signers in the new-key runs: twice what the key caches hold, so every lookup misses. */
const NEW_SIGNERS = 2 * KEY_CACHE_SIZE;
/** About the length of a signed extrinsic payload. */
const PAYLOAD = 120;
const BATCH = 2048;
const KINDS = ['Sr25519', 'Ed25519', 'Ecdsa'] as const;

/** Calls `fn` on the cases in turn for `SECONDS`; calls per second. */
function rate<T>(cases: readonly T[], fn: (c: T) => unknown): number {
  cases.slice(0, 200).forEach(fn);
  let calls = 0;
  const start = performance.now();
  while (performance.now() - start < SECONDS * 1000) {
    for (let i = 0; i < 50; i++) fn(cases[calls++ % cases.length]);
  }
  return calls / ((performance.now() - start) / 1000);
}

/** Awaits `fn` again and again for `SECONDS`, `fn` saying how many items it handled; items per second. */
async function rateAsync(fn: () => Promise<number>): Promise<number> {
  await fn();
  let items = 0;
  const start = performance.now();
  while (performance.now() - start < SECONDS * 1000) items += await fn();
  return items / ((performance.now() - start) / 1000);
}

async function withPool<T>(workers: number, use: (pool: SignaturePool) => Promise<T>): Promise<T> {
  const pool = new SignaturePool({ workers });
  try {
    return await use(pool);
  } finally {
    await pool.close();
  }
}

function report(what: string, backend: string, perSecond: number): void {
  console.log(`${what.padEnd(30)} ${backend.padEnd(46)} ${Math.round(perSecond).toLocaleString('en-US').padStart(10)}/s`);
}

function payload(i: number): Uint8Array {
  const bytes = new Uint8Array(PAYLOAD).fill(0xa5);
  new DataView(bytes.buffer).setUint32(0, i, true);
  return bytes;
}

const verifyCheck = (c: SignatureCheck) => verifySignature(c.kind, c.signature, c.message, c.signer);

/** Fixtures must verify (or not) as meant, or a rate would measure an early `false`. */
function expectAnswers(checks: SignatureCheck[], valid: boolean): SignatureCheck[] {
  if (!checks.slice(0, 32).every((c) => verifyCheck(c) === valid)) throw new Error(`bench fixture should verify ${valid}`);
  return checks;
}

const keyringTypes = { Sr25519: 'sr25519', Ed25519: 'ed25519', Ecdsa: 'ecdsa' } as const;
const signed = {} as Record<SignatureKind, SignatureCheck[]>;
for (const kind of KINDS) {
  const keyring = new Keyring({ type: keyringTypes[kind] });
  signed[kind] = expectAnswers(Array.from({ length: SIGNERS }, (_, i) => {
    const pair = keyring.addFromUri(`//bench//${i}`);
    const message = payload(i);
    return { kind, signature: pair.sign(message), message, signer: pair.addressRaw };
  }), true);
}

console.log(`One core, ${PAYLOAD}-byte messages, ${SIGNERS} signers in turn unless said otherwise.\n`);

const sr = signed.Sr25519;
report('sr25519 verify', '@polkadot-labs/schnorrkel-wasm', rate(sr, (c) => sr25519_verify(c.signer, c.message, c.signature)));
report('sr25519 verify', '@polkadot/wasm-crypto', rate(sr, (c) => wasmSr25519Verify(c.signature, c.message, c.signer)));
report('sr25519 verify', '@polkadot/util-crypto (@scure/sr25519)', rate(sr, (c) => utilSr25519Verify(c.message, c.signature, c.signer)));

// The SPKI header that node itself writes in front of a raw Ed25519 key.
const spkiHeader = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'der' }).subarray(0, 12);
const keyObject = (key: Uint8Array) => createPublicKey({ key: Buffer.concat([spkiHeader, key]), format: 'der', type: 'spki' });
const ed = signed.Ed25519.map((c) => ({ ...c, key: keyObject(c.signer) }));
report('ed25519 verify', 'node:crypto, KeyObject reused', rate(ed, (c) => opensslVerify(null, c.message, c.key, c.signature)));
report('ed25519 verify', 'node:crypto, KeyObject made per call', rate(ed, (c) => opensslVerify(null, c.message, keyObject(c.signer), c.signature)));
report('ed25519 verify', '@polkadot/wasm-crypto', rate(ed, (c) => wasmEd25519Verify(c.signature, c.message, c.signer)));
report('ed25519 verify', '@noble/curves (ZIP-215)', rate(ed, (c) => ed25519.verify(c.signature, c.message, c.signer, { zip215: true })));
report('ed25519 verify', '@polkadot/util-crypto (wraps wasm-crypto)', rate(ed, (c) => utilEd25519Verify(c.message, c.signature, c.signer)));

// Recovering the compressed key from blake2_256(message) is the costly part of an Ecdsa check.
const ecdsa = signed.Ecdsa.map((c) => ({
  digest: blake2_256(c.message),
  rs: c.signature.subarray(0, 64),
  v: c.signature[64],
  recoverable: Uint8Array.of(c.signature[64], ...c.signature.subarray(0, 64)),
}));
report('ecdsa recover', '@noble/curves', rate(ecdsa, (c) => secp256k1.recoverPublicKey(c.recoverable, c.digest, { prehash: false })));
report('ecdsa recover', '@polkadot/wasm-crypto (panics on bad input)', rate(ecdsa, (c) => wasmSecp256k1Recover(c.digest, c.rs, c.v)));
report('ecdsa recover', '@polkadot/util-crypto (wraps wasm-crypto)', rate(ecdsa, (c) => utilSecp256k1Recover(c.digest, c.rs, c.v)));

console.log('');
const newKeys: Partial<Record<SignatureKind, SignatureCheck[]>> = {
  Sr25519: expectAnswers(Array.from({ length: NEW_SIGNERS }, (_, i) => {
    const pair = sr25519_keypair_from_seed(blake2_256(payload(i))); // secret (64) ++ public key (32)
    const signer = pair.subarray(64);
    const message = payload(i);
    return { kind: 'Sr25519', signature: sr25519_sign(signer, pair.subarray(0, 64), message), message, signer };
  }), true),
  Ed25519: expectAnswers(Array.from({ length: NEW_SIGNERS }, (_, i) => {
    const pair = generateKeyPairSync('ed25519');
    const message = payload(i);
    const signer = pair.publicKey.export({ type: 'spki', format: 'der' }).subarray(spkiHeader.length);
    return { kind: 'Ed25519', signature: opensslSign(null, message, pair.privateKey), message, signer };
  }), true),
};
for (const kind of KINDS) {
  report(`${kind} chosen`, 'verifySignature', rate(signed[kind], verifyCheck));
  const fresh = newKeys[kind];
  if (fresh) report(`${kind} chosen`, `verifySignature, ${NEW_SIGNERS} signers`, rate(fresh, verifyCheck));
  const invalid = expectAnswers(signed[kind].map((c) => ({ ...c, message: payload(-1) })), false);
  report(`${kind} chosen`, 'verifySignature, invalid signatures', rate(invalid, verifyCheck));
}

console.log('');
const batchOf = (checks: SignatureCheck[]) => Array.from({ length: BATCH }, (_, i) => checks[i % checks.length]);
const mixed = batchOf([...signed.Sr25519, ...signed.Ed25519, ...signed.Sr25519, ...signed.Ecdsa]);
for (const workers of [1, 2]) {
  const backend = `SignaturePool, ${workers} worker${workers > 1 ? 's' : ''}, batches of ${BATCH}`;
  for (const kind of KINDS) {
    const batch = batchOf(signed[kind]);
    report(`${kind} pooled`, backend, await withPool(workers, (pool) => rateAsync(async () => (await pool.verifyBatch(batch)).length)));
  }
  report('mixed 2 sr : 1 ed : 1 ecdsa', backend, await withPool(workers, (pool) => rateAsync(async () => (await pool.verifyBatch(mixed)).length)));
}

// Where verifying in-thread stops paying: batches of 4 Ed25519 checks (the cheapest) either way.
const four = signed.Ed25519.slice(0, 4);
report('batches of 4 ed25519 checks', 'SignaturePool, 2 workers', await withPool(2, (pool) => rateAsync(async () => {
  await pool.verifyBatch(four);
  return 1;
})));
report('batches of 4 ed25519 checks', 'in-thread', rate([four], (batch) => batch.map(verifyCheck)));

console.log('');
const hashInput = payload(7);
report(`blake2_256, ${PAYLOAD} bytes`, 'primitives/hashing.ts', rate([hashInput], blake2_256));
report(`twox128, ${PAYLOAD} bytes`, 'primitives/hashing.ts', rate([hashInput], twox128));
