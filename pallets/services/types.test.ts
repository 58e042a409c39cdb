// The Services types' SCALE layout, byte for byte: the issue's vector, and the bytes
// @polkadot/types writes for the same Rust declarations.
import { Keyring } from '@polkadot/keyring';
import { TypeRegistry } from '@polkadot/types';
import { u8aToHex } from '@polkadot/util';
import type { HexString } from '../../primitives/scale.ts';
import {
  OperatorPreferences, PriceTargets, Resources, Service, ServiceRequest, isValidOperatorKey, type OperatorPreferences as Prefs,
} from './types.ts';

const polkadot = new TypeRegistry();
polkadot.register({
  PriceTargets: { cpu: 'u64', mem: 'u64', storage_hdd: 'u64', storage_ssd: 'u64', storage_nvme: 'u64' },
  ApprovalPreference: { _enum: ['None', 'Required'] },
  OperatorPreferences: { key: '[u8; 33]', approval: 'ApprovalPreference', price_targets: 'PriceTargets' },
  StorageClass: { _enum: ['Hdd', 'Ssd', 'Nvme'] },
  Resources: { vcpu: 'u32', mem_mb: 'u32', storage_gb: 'u32', storage_class: 'StorageClass' },
});

const bobKey = u8aToHex(new Keyring({ type: 'ecdsa' }).addFromUri('//Bob').publicKey) as HexString;
const targets = { cpu: 1000n, mem: 500n, storage_hdd: 50n, storage_ssd: 100n, storage_nvme: 150n };

describe('Services types encode as the Rust declarations', () => {
  it('PriceTargets (1000, 500, 50, 100, 150): the issue\'s vector', () => {
    expect(u8aToHex(PriceTargets.enc(targets)))
      .toBe('0xe803000000000000f401000000000000320000000000000064000000000000009600000000000000');
    expect(PriceTargets.dec(PriceTargets.enc(targets))).toEqual(targets);
  });

  it('OperatorPreferences: key ++ approval index ++ price targets, 74 bytes', () => {
    const prefs: Prefs = { key: bobKey, approval: { type: 'Required' }, price_targets: targets };
    const bytes = OperatorPreferences.enc(prefs);
    expect(bytes.length).toBe(74);
    expect(u8aToHex(bytes)).toBe(`${bobKey}01${u8aToHex(PriceTargets.enc(targets)).slice(2)}`);
    expect(u8aToHex(bytes)).toBe(polkadot.createType('OperatorPreferences', { key: bobKey, approval: 'Required', price_targets: {
      cpu: 1000, mem: 500, storage_hdd: 50, storage_ssd: 100, storage_nvme: 150 } }).toHex());
    expect(OperatorPreferences.dec(bytes)).toEqual(prefs);
  });

  it('Resources', () => {
    const resources = { vcpu: 4, mem_mb: 8192, storage_gb: 200, storage_class: { type: 'Nvme' as const } };
    expect(u8aToHex(Resources.enc(resources)))
      .toBe(polkadot.createType('Resources', { vcpu: 4, mem_mb: 8192, storage_gb: 200, storage_class: 'Nvme' }).toHex());
  });

  it('requests and services refuse more operators than the bound', () => {
    const resources = { vcpu: 1, mem_mb: 1, storage_gb: 1, storage_class: { type: 'Hdd' as const } };
    const owner = `0x${'11'.repeat(32)}` as HexString;
    const nine = Array.from({ length: 9 }, (_, i) => [`0x${String(i).padStart(2, '0').repeat(32)}`, { type: 'Pending' }]);
    expect(() => ServiceRequest.enc({ owner, operators: nine as never, prices: [], resources, ttl_blocks: 1, deposit: 1n }))
      .toThrow(/cannot encode BoundedVec<.*, 8>: 9 items exceed the bound 8/);
    const prices = Array.from({ length: 9 }, () => ({ operator: owner, per_hour: 1n }));
    expect(() => Service.enc({ owner, request_id: 0n, resources, prices, started_at: 0, ttl_blocks: 1, charged_blocks: 0, balance: 0n, unpaid: [] }))
      .toThrow(/9 items exceed the bound 8/);
  });
});

describe('operator keys', () => {
  it('accepts compressed secp256k1 points only', () => {
    expect(isValidOperatorKey(bobKey)).toBe(true);
    expect(isValidOperatorKey(`0x${'00'.repeat(33)}`)).toBe(false);
    expect(isValidOperatorKey(`0x04${bobKey.slice(4)}`)).toBe(false); // an uncompressed prefix
    // x = 5 is not the x of any point on secp256k1 (5^3 + 7 = 132 is not a square mod p).
    expect(isValidOperatorKey(`0x02${'00'.repeat(31)}05`)).toBe(false);
  });
});
