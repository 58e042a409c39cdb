import { Keyring } from '@polkadot/keyring';
import { u8aToHex } from '@polkadot/util';
import type { AccountId } from '../primitives/types.ts';
import { DispatchFailure, dbReadsWrites, lookupAddress } from './dispatch.ts';

const alice = u8aToHex(new Keyring({ type: 'sr25519' }).addFromUri('//Alice').publicKey) as AccountId;

describe('dispatch helpers', () => {
  it('looks up MultiAddress::Id and refuses every other form with CannotLookup', () => {
    expect(lookupAddress({ type: 'Id', value: alice })).toBe(alice);
    const refused = (address: Parameters<typeof lookupAddress>[0]) => {
      try {
        lookupAddress(address);
      } catch (error) {
        return (error as DispatchFailure).dispatchError(() => 0);
      }
      throw new Error('lookup did not fail');
    };
    expect(refused({ type: 'Address32', value: alice })).toEqual({ type: 'CannotLookup' });
    expect(refused({ type: 'Raw', value: new Uint8Array(32) })).toEqual({ type: 'CannotLookup' });
    expect(refused({ type: 'Index', value: undefined })).toEqual({ type: 'CannotLookup' });
  });

  it('prices database access at RocksDbWeight', () => {
    expect(dbReadsWrites(2n, 1n)).toEqual({ ref_time: 150_000_000n, proof_size: 0n });
  });

});
