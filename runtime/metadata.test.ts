// The metadata as the two client libraries read it: @polkadot/types (polkadot.js) and
// @polkadot-api/substrate-bindings (polkadot-api's decoder), and what they derive from it —
// storage keys, constants and call encodings — against the runtime's own.
import { Keyring } from '@polkadot/keyring';
import { Metadata, TypeRegistry, expandMetadata } from '@polkadot/types';
import { compactStripLength, u8aToHex } from '@polkadot/util';
import { decAnyMetadata, metadata as metadataCodec, unifyMetadata } from '@polkadot-api/substrate-bindings';
import { AccountId32 } from '../primitives/types.ts';
import { Account } from '../frame/system/index.ts';
import { apiId } from '../frame/apis.ts';
import { buildMetadata } from '../frame/metadata.ts';
import { BLOCK_HASH_COUNT, RUNTIME_APIS, System, VERSION, runtime } from './runtime.ts';

const alice = AccountId32.dec(new Keyring({ type: 'sr25519' }).addFromUri('//Alice').addressRaw);

/** Decodes with polkadot.js, collecting what it warns about. */
function readWithPolkadotJs(bytes: Uint8Array) {
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => { warnings.push(args.join(' ')); };
  try {
    const registry = new TypeRegistry();
    const metadata = new Metadata(registry, bytes);
    registry.setMetadata(metadata);
    // Every entry of the lookup must resolve to a type polkadot.js can construct.
    for (let id = 0; id < metadata.asLatest.lookup.types.length; id++) registry.createType(registry.createLookupType(id));
    return { registry, metadata, decorated: expandMetadata(registry, metadata), warnings };
  } finally {
    console.warn = warn;
  }
}

describe('metadata', () => {
  it.each([14, 15] as const)('V%i decodes in polkadot.js with no warning and every type constructible', (version) => {
    const { metadata, warnings } = readWithPolkadotJs(buildMetadata(runtime, RUNTIME_APIS, version));
    expect(warnings).toEqual([]);
    expect(metadata.version).toBe(version);
    expect(metadata.asLatest.pallets.map((p) => [p.name.toString(), p.index.toNumber()]))
      .toEqual(runtime.pallets.map(({ pallet, index }) => [pallet.name, index]));
  });

  it.each([14, 15] as const)('V%i decodes with polkadot-api\'s codec and re-encodes to the same bytes', (version) => {
    const bytes = buildMetadata(runtime, RUNTIME_APIS, version);
    const decoded = decAnyMetadata(bytes);
    expect(decoded.metadata.tag).toBe(`v${version}`);
    expect(u8aToHex(metadataCodec.enc(decoded))).toBe(u8aToHex(bytes));
    const unified = unifyMetadata(decoded);
    expect(Object.keys(unified.extrinsic.extensions)).toEqual(runtime.spec.extensions.map((e) => e.identifier));
  });

  it('is built once and identically', () => {
    expect(buildMetadata(runtime, RUNTIME_APIS, 15)).toBe(buildMetadata(runtime, RUNTIME_APIS, 15));
    expect(u8aToHex(buildMetadata(runtime, [...RUNTIME_APIS], 15))).toBe(u8aToHex(buildMetadata(runtime, RUNTIME_APIS, 15)));
  });

  it('gives polkadot.js the runtime\'s own storage keys, defaults, constants and call encodings', () => {
    const { decorated, registry } = readWithPolkadotJs(buildMetadata(runtime, RUNTIME_APIS, 15));
    // polkadot.js prefixes a storage key with its Compact length.
    expect(u8aToHex(compactStripLength(decorated.query.system.account(alice))[1])).toBe(u8aToHex(Account.key(alice)));
    expect(decorated.query.system.number.meta.modifier.isDefault).toBe(true);
    expect(decorated.query.system.extrinsicCount.meta.modifier.isOptional).toBe(true);
    expect(decorated.consts.system.blockHashCount.toJSON()).toBe(BLOCK_HASH_COUNT);
    expect(decorated.consts.system.version.toJSON()).toMatchObject({ specName: 'slicechain', specVersion: VERSION.spec_version });
    const remark = registry.createType('Call', decorated.tx.system.remarkWithEvent('0x1234'));
    expect(remark.toHex()).toBe(u8aToHex(runtime.RuntimeCall.enc(System.tx.remark_with_event({ remark: new Uint8Array([0x12, 0x34]) }))));
    expect(decorated.tx.timestamp.set.meta.args[0].type.toString()).toBe('Compact<u64>');
    // A module error names its pallet, variant and docs, as ExtrinsicFailed handlers look it up.
    const balances = runtime.pallet('Balances');
    const [first] = balances.pallet.errors!.$all;
    const found = registry.findMetaError(new Uint8Array([balances.index, first.index]));
    expect([found.section, found.name, found.docs]).toEqual(['balances', first.errorName, [...first.docs]]);
  });

  it('V15 declares the runtime APIs with their methods, and RuntimeVersion lists them by blake2_64 id', () => {
    const { metadata } = readWithPolkadotJs(buildMetadata(runtime, RUNTIME_APIS, 15));
    const apis = metadata.asV15.apis.map((api) => [api.name.toString(), api.methods.map((m) => m.name.toString())]);
    expect(apis).toEqual([
      ['Core', ['version', 'execute_block', 'initialize_block']],
      ['Metadata', ['metadata', 'metadata_at_version', 'metadata_versions']],
      ['BlockBuilder', ['apply_extrinsic', 'finalize_block', 'inherent_extrinsics', 'check_inherents']],
      ['TaggedTransactionQueue', ['validate_transaction']],
      ['AccountNonceApi', ['account_nonce']],
      ['TransactionPaymentApi', ['query_info', 'query_fee_details', 'query_weight_to_fee', 'query_length_to_fee']],
      ['ServicesApi', ['quote', 'operator', 'service']],
      ['SliceMarketplaceApi', ['list_slices', 'farmer_dashboard', 'user_dashboard']],
    ]);
    // The well-known ids every Substrate client has hard-coded.
    expect(apiId('Core')).toBe('0xdf6acb689907609b');
    expect(VERSION.apis).toEqual(expect.arrayContaining([
      ['0xdf6acb689907609b', 5], ['0x37e397fc7c91f5e4', 2], ['0x40fe3ad401f8959a', 6], ['0xd2bc9897eed08f15', 3], ['0xbc9d89904f5b923f', 1],
      ['0x37c8bb1350a9a2a8', 4],
    ]));
  });
});
