import { jest } from '@jest/globals';
import { Keyring } from '@polkadot/keyring';
import { TypeRegistry } from '@polkadot/types';
import { PortableRegistry as PolkadotPortableRegistry } from '@polkadot/types/metadata';
import { u8aToHex } from '@polkadot/util';
import { v14Lookup } from '@polkadot-api/substrate-bindings';
import { Option, PortableRegistry, type AnyType, type HexString } from './scale.ts';
import {
  AccountId32, Digest, DigestItem, DispatchError, Era, H256, Header, InvalidTransaction, ModuleError, MultiAddress,
  MultiSignature, PERBILL, Perbill, Permill, TransactionValidity, TransactionValidityError, ValidTransaction, Weight,
  eraBirth, eraDeath, mortalEra, type Header as HeaderValue,
} from './types.ts';

const polkadot = new TypeRegistry();
const alice = new Keyring({ type: 'sr25519' }).addFromUri('//Alice');
const aliceId = u8aToHex(alice.publicKey) as HexString;
const hash = (byte: number) => `0x${byte.toString(16).padStart(2, '0').repeat(32)}` as HexString;

const header: HeaderValue = {
  parent_hash: hash(0x11),
  number: 1234567,
  state_root: hash(0x22),
  extrinsics_root: hash(0x33),
  digest: { logs: [
    { type: 'PreRuntime', value: ['0x61757261', new Uint8Array([1, 2, 3])] },
    { type: 'Seal', value: ['0x61757261', new Uint8Array(64).fill(9)] },
    { type: 'Other', value: new Uint8Array([7]) },
    { type: 'RuntimeEnvironmentUpdated' },
  ] },
};

describe('core types round-trip', () => {
  const cases: [string, AnyType, unknown][] = [
    ['AccountId32', AccountId32, aliceId],
    ['H256', H256, hash(0xab)],
    ['MultiAddress::Id', MultiAddress, { type: 'Id', value: aliceId }],
    ['MultiAddress::Index', MultiAddress, { type: 'Index', value: undefined }],
    ['MultiAddress::Raw', MultiAddress, { type: 'Raw', value: new Uint8Array([1, 2, 3]) }],
    ['MultiAddress::Address20', MultiAddress, { type: 'Address20', value: `0x${'42'.repeat(20)}` }],
    ['MultiSignature::Sr25519', MultiSignature, { type: 'Sr25519', value: `0x${'01'.repeat(64)}` }],
    ['MultiSignature::Ecdsa', MultiSignature, { type: 'Ecdsa', value: `0x${'02'.repeat(65)}` }],
    ['Header', Header, header],
    ['Digest', Digest, header.digest],
    ['DigestItem', DigestItem, { type: 'Consensus', value: ['0x42414245', new Uint8Array([0])] }],
    ['Era immortal', Era, { type: 'Immortal' }],
    ['Era mortal', Era, { type: 'Mortal', period: 64, phase: 42 }],
    ['Era long', Era, { type: 'Mortal', period: 65536, phase: 65520 }],
    ['Perbill', Perbill, PERBILL / 2],
    ['Permill', Permill, 500_000],
    ['Weight', Weight, { ref_time: 2_000_000_000_000n, proof_size: 5_242_880n }],
    ['DispatchError::Module', DispatchError, { type: 'Module', value: { index: 7, error: '0x03000000' } }],
    ['DispatchError::Token', DispatchError, { type: 'Token', value: { type: 'FundsUnavailable' } }],
    ['DispatchError::Arithmetic', DispatchError, { type: 'Arithmetic', value: { type: 'Overflow' } }],
    ['DispatchError::BadOrigin', DispatchError, { type: 'BadOrigin' }],
    ['InvalidTransaction::Custom', InvalidTransaction, { type: 'Custom', value: 9 }],
    ['TransactionValidityError', TransactionValidityError, { type: 'Invalid', value: { type: 'Stale' } }],
    ['TransactionValidity ok', TransactionValidity, { success: true, value: {
      priority: 5n, requires: [new Uint8Array([1])], provides: [new Uint8Array([2, 3])], longevity: 64n, propagate: true } }],
    ['TransactionValidity err', TransactionValidity, { success: false, value: { type: 'Unknown', value: { type: 'Custom', value: 1 } } }],
    ['Option<ModuleError>', Option(ModuleError), undefined],
  ];

  it.each(cases)('%s', (_, type, value) => {
    const bytes = type.enc(value);
    expect(type.dec(bytes)).toEqual(value);
    expect(type.dec(u8aToHex(bytes) as HexString)).toEqual(value);
  });
});

describe('bytes equal what @polkadot/types encodes', () => {
  it('Header', () => {
    const theirs = polkadot.createType('Header', {
      parentHash: header.parent_hash,
      number: header.number,
      stateRoot: header.state_root,
      extrinsicsRoot: header.extrinsics_root,
      digest: { logs: [
        { PreRuntime: ['0x61757261', '0x010203'] },
        { Seal: ['0x61757261', u8aToHex(new Uint8Array(64).fill(9))] },
        { Other: '0x07' },
        { RuntimeEnvironmentUpdated: null },
      ] },
    });
    expect(u8aToHex(Header.enc(header))).toBe(theirs.toHex());
  });

  it('MultiAddress', () => {
    expect(u8aToHex(MultiAddress.enc({ type: 'Id', value: aliceId }))).toBe(polkadot.createType('MultiAddress', { Id: alice.address }).toHex());
    expect(u8aToHex(MultiAddress.enc({ type: 'Raw', value: new Uint8Array([9, 8]) }))).toBe(polkadot.createType('MultiAddress', { Raw: '0x0908' }).toHex());
    const h160 = `0x${'5a'.repeat(20)}` as HexString;
    expect(u8aToHex(MultiAddress.enc({ type: 'Address20', value: h160 }))).toBe(polkadot.createType('MultiAddress', { Address20: h160 }).toHex());
  });

  it('Era, including the DESIGN.md vector Era::mortal(64, 42) = a502', () => {
    expect(u8aToHex(Era.enc(mortalEra(64, 42)))).toBe('0xa502');
    expect(u8aToHex(Era.enc(mortalEra(64, 42)))).toBe(polkadot.createType('ExtrinsicEra', { current: 42, period: 64 }).toHex());
    for (const [period, current] of [[4, 0], [100, 12345], [4096, 999_999], [65536, 7_000_000], [1 << 20, 3]]) {
      expect(u8aToHex(Era.enc(mortalEra(period, current)))).toBe(polkadot.createType('ExtrinsicEra', { current, period }).toHex());
    }
    expect(u8aToHex(Era.enc({ type: 'Immortal' }))).toBe(polkadot.createType('ExtrinsicEra').toHex());
  });

  it('DispatchError', () => {
    expect(u8aToHex(DispatchError.enc({ type: 'Module', value: { index: 9, error: '0x02000000' } })))
      .toBe(polkadot.createType('DispatchError', { Module: { index: 9, error: '0x02000000' } }).toHex());
    expect(u8aToHex(DispatchError.enc({ type: 'Token', value: { type: 'BelowMinimum' } })))
      .toBe(polkadot.createType('DispatchError', { Token: 'BelowMinimum' }).toHex());
    expect(u8aToHex(DispatchError.enc({ type: 'Exhausted' }))).toBe(polkadot.createType('DispatchError', 'Exhausted').toHex());
  });
});

describe('Era arithmetic as sp_runtime', () => {
  it('birth and death', () => {
    const era = mortalEra(64, 42);
    expect(eraBirth(era, 42)).toBe(42);
    expect(eraBirth(era, 100)).toBe(42);
    expect(eraDeath(era, 100)).toBe(106);
    expect(eraBirth(era, 106)).toBe(106); // the next cycle: a transaction from block 42 is dead here
    expect(eraDeath({ type: 'Immortal' }, 5)).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('refuses an encoding whose phase is not below its period', () => {
    expect(() => Era.dec('0xf000')).toThrow(/cannot decode sp_runtime::generic::era::Era: malformed input \(invalid mortal era/);
  });
});

describe('strict decoding names the type and the reason', () => {
  it('short input, trailing bytes, bad variant, bad hex', () => {
    expect(() => Header.dec('0x0102')).toThrow('cannot decode sp_runtime::generic::header::Header: input too short');
    expect(() => H256.dec(`${hash(1)}00` as HexString)).toThrow('cannot decode primitive_types::H256: 1 trailing byte(s)');
    expect(() => MultiSignature.dec(`0x07${'00'.repeat(64)}`)).toThrow(/cannot decode sp_runtime::MultiSignature: malformed input/);
    expect(() => H256.dec('0xzz' as HexString)).toThrow('cannot decode primitive_types::H256: input is not 0x-prefixed hex');
    // A length prefix beyond the input (a truncated extrinsic or block): short, not "-N trailing bytes".
    expect(() => Digest.dec('0x040010aa')).toThrow('cannot decode sp_runtime::generic::digest::Digest: input too short');
  });

  it('decodes a view into a larger buffer from its own offset', () => {
    const bytes = new Uint8Array([0xff, 0xff, ...ValidTransaction.enc({ priority: 1n, requires: [], provides: [], longevity: 2n, propagate: false })]);
    expect(ValidTransaction.dec(bytes.subarray(2))).toEqual({ priority: 1n, requires: [], provides: [], longevity: 2n, propagate: false });
  });
});

describe('the portable registry', () => {
  const registry = new PortableRegistry();
  const roots: [string, AnyType][] = [['Header', Header], ['MultiAddress', MultiAddress], ['MultiSignature', MultiSignature],
    ['Era', Era], ['DispatchError', DispatchError], ['TransactionValidity', TransactionValidity], ['Weight', Weight]];
  const ids = Object.fromEntries(roots.map(([name, type]) => [name, registry.id(type)]));

  it('numbers each declaration once, densely, with Substrate paths', () => {
    expect(registry.types.map((t) => t.id)).toEqual(registry.types.map((_, i) => i));
    expect(registry.id(Header)).toBe(ids.Header);
    expect(registry.types[ids.Header].path).toEqual(['sp_runtime', 'generic', 'header', 'Header']);
    expect(registry.types[ids.MultiAddress].params.map((p) => p.name)).toEqual(['AccountId', 'AccountIndex']);
    const hashes = registry.types.filter((t) => t.path.join('::') === 'primitive_types::H256');
    expect(hashes).toHaveLength(1);
  });

  it('is read by @polkadot/types, which then decodes our bytes to the same values', () => {
    const lookupBytes = v14Lookup.enc(registry.types);
    expect(v14Lookup.dec(lookupBytes)).toEqual(registry.types);
    const theirs = new TypeRegistry();
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const lookup = new PolkadotPortableRegistry(theirs, lookupBytes);
    // A bare registry has no RuntimeCall/RuntimeEvent yet (metadata brings them); nothing else may be unknown.
    expect(warn.mock.calls.map((call) => String(call.join(' ')))).toEqual([
      expect.stringContaining('Unable to determine runtime Call type'),
      expect.stringContaining('Unable to determine runtime Event type'),
    ]);
    warn.mockRestore();
    theirs.setLookup(lookup);
    const decode = (name: string, bytes: Uint8Array) => theirs.createType(theirs.createLookupType(ids[name]), bytes);

    const decodedHeader = decode('Header', Header.enc(header)).toJSON() as Record<string, unknown>;
    expect(decodedHeader.number).toBe(header.number);
    expect(decodedHeader.parentHash).toBe(header.parent_hash);
    const era = decode('Era', Era.enc(mortalEra(64, 42))).toJSON();
    expect(era).toEqual({ mortalEra: '0xa502' });
    const module = decode('DispatchError', DispatchError.enc({ type: 'Module', value: { index: 4, error: '0x01000000' } })).toJSON();
    expect(module).toEqual({ module: { index: 4, error: '0x01000000' } });
    const validity = decode('TransactionValidity', TransactionValidity.enc({ success: false, value: { type: 'Invalid', value: { type: 'Payment' } } })).toJSON();
    expect(validity).toEqual({ err: { invalid: { payment: null } } });
  });
});
