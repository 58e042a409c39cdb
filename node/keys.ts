// Dev accounts (//Alice .. //Ferdie of the well-known dev phrase) as pairs that sign sr25519
// deterministically: schnorrkel signing takes randomness, which we derive from the secret key and
// the message (as RFC 6979 does for ECDSA), so a seeded `simulate` writes the same blocks twice.
import { Keyring } from '@polkadot/keyring';
import { u8aConcat } from '@polkadot/util';
import { blake2AsU8a, keyExtractSuri, keyFromPath, mnemonicToMiniSecret, sr25519PairFromSeed } from '@polkadot/util-crypto';
import { DEV_PHRASE } from '@polkadot/keyring';
import { sign } from '@scure/sr25519';
import type { SigningPair } from './signer.ts';

export const DEV_ACCOUNTS = ['Alice', 'Bob', 'Charlie', 'Dave', 'Eve', 'Ferdie'] as const;

const ss58 = new Keyring({ type: 'sr25519', ss58Format: 42 });

// Deriving a pair runs the phrase's PBKDF2 (2048 rounds): each path is derived once a thread.
const derived = new Map<string, SigningPair>();

/** An sr25519 pair for a dev derivation path (`//Alice`, `//Sim//7`), signing deterministically. */
export function deterministicPair(suri: string): SigningPair {
  let pair = derived.get(suri);
  if (!pair) derived.set(suri, (pair = derivePair(suri)));
  return pair;
}

function derivePair(suri: string): SigningPair {
  const { path } = keyExtractSuri(`${DEV_PHRASE}${suri}`);
  const { publicKey, secretKey } = keyFromPath(sr25519PairFromSeed(mnemonicToMiniSecret(DEV_PHRASE)), path, 'sr25519');
  const randomness = (message: Uint8Array) => (bytes: number) => {
    const out = new Uint8Array(bytes);
    for (let at = 0, block = 0; at < bytes; at += 64, block++) {
      out.set(blake2AsU8a(u8aConcat(secretKey, message, new Uint8Array([block])), 512).subarray(0, bytes - at), at);
    }
    return out;
  };
  return {
    type: 'sr25519',
    address: ss58.encodeAddress(publicKey),
    addressRaw: publicKey,
    sign: (message) => sign(secretKey, message as Uint8Array, randomness(message as Uint8Array)),
  };
}

export const devPairs = (): SigningPair[] => DEV_ACCOUNTS.map((name) => deterministicPair(`//${name}`));
