import { Keyring } from '@polkadot/keyring';
import { u8aToHex } from '@polkadot/util';
import { verify } from '../primitives/crypto.ts';
import { deterministicPair } from './keys.ts';

describe('deterministic dev pairs', () => {
  const alice = deterministicPair('//Alice');
  const message = new TextEncoder().encode('a signing payload');

  it('are the keyring\'s dev accounts', () => {
    expect(alice.address).toBe(new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri('//Alice').address);
    expect(deterministicPair('//Sim//3').address).toBe(new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri('//Sim//3').address);
  });

  it('sign the same message to the same bytes, and the runtime verifies them', () => {
    const first = alice.sign(message);
    expect(u8aToHex(alice.sign(message))).toBe(u8aToHex(first));
    expect(u8aToHex(alice.sign(new Uint8Array([1])))).not.toBe(u8aToHex(first));
    expect(verify({ type: 'Sr25519', value: u8aToHex(first) }, message, u8aToHex(alice.addressRaw))).toBe(true);
    expect(verify({ type: 'Sr25519', value: u8aToHex(first) }, new Uint8Array([1]), u8aToHex(alice.addressRaw))).toBe(false);
  });
});
