// Metadata V14 and V15, built from the declarations: every type the pallets, the extrinsic format
// and the runtime APIs name is numbered by one PortableRegistry, and the result is encoded with
// @polkadot-api/substrate-bindings' metadata codec behind the `meta` magic. Pure and deterministic:
// the same runtime gives the same bytes.
import { metadata as metadataCodec, type V14, type V15 } from '@polkadot-api/substrate-bindings';
import { u8aConcat, u8aToHex } from '@polkadot/util';
import { blake2_256 } from '../primitives/hashing.ts';
import { PortableRegistry, Struct, Tuple, type HexString } from '../primitives/scale.ts';
import { EXTRINSIC_FORMAT_VERSION } from '../primitives/extrinsic.ts';
import { MultiAddress, MultiSignature } from '../primitives/types.ts';
import type { RuntimeApi } from './apis.ts';
import type { Runtime } from './construct.ts';
import type { Args } from './pallet.ts';
import type { Hasher } from './storage.ts';

/** `meta` as a little-endian u32, the prefix of every encoded metadata. */
export const METADATA_MAGIC = 0x6174656d;
export const METADATA_VERSIONS = [14, 15] as const;
export type MetadataVersion = (typeof METADATA_VERSIONS)[number];

type Pallets = V15['pallets'];
type StorageEntry = NonNullable<Pallets[number]['storage']>['items'][number];
type HasherTag = Extract<StorageEntry['type'], { tag: 'map' }>['value']['hashers'][number]['tag'];

const HASHER_TAGS: Record<Hasher, HasherTag> = {
  Blake2_128: 'Blake2128', Blake2_256: 'Blake2256', Blake2_128Concat: 'Blake2128Concat',
  Twox128: 'Twox128', Twox256: 'Twox256', Twox64Concat: 'Twox64Concat', Identity: 'Identity',
};

/** frame-support's StorageEntryModifier: OptionQuery reads None when empty, ValueQuery its default. */
const MODIFIER = { Optional: 0, Default: 1 } as const;
/** An OptionQuery's fallback: `None`. */
const NONE: HexString = '0x00';

const hex = (bytes: Uint8Array): HexString => u8aToHex(bytes) as HexString;

function describe(runtime: Runtime, apis: readonly RuntimeApi[]): { v15: V15; extrinsicType: number } {
  const registry = new PortableRegistry();
  const id = registry.id.bind(registry);
  const pallets: Pallets = runtime.pallets.map(({ index, pallet }) => ({
    name: pallet.name,
    index,
    docs: typeof pallet.docs === 'string' ? [pallet.docs] : [...(pallet.docs ?? [])],
    storage: pallet.storage?.length ? {
      prefix: pallet.name,
      items: pallet.storage.map(({ metadata: m }): StorageEntry => ({
        name: m.name,
        modifier: m.defaultValue === undefined ? MODIFIER.Optional : MODIFIER.Default,
        type: m.hashers.length === 0
          ? { tag: 'plain', value: id(m.value) }
          : { tag: 'map', value: {
            hashers: m.hashers.map((h) => ({ tag: HASHER_TAGS[h], value: undefined })),
            key: id(m.keys.length === 1 ? m.keys[0] : Tuple(...m.keys)),
            value: id(m.value),
          } },
        fallback: m.defaultValue === undefined ? NONE : hex(m.defaultValue),
        docs: [...m.docs],
      })),
    } : undefined,
    calls: pallet.callType ? id(pallet.callType) : undefined,
    events: pallet.events ? id(pallet.events.type) : undefined,
    constants: Object.entries(pallet.constants ?? {}).map(([name, c]) => ({
      name, type: id(c.type), value: hex(c.type.enc(c.value)), docs: [...c.docs],
    })),
    errors: pallet.errors ? id(pallet.errors.$type) : undefined,
  }));
  const extrinsic: V15['extrinsic'] = {
    version: EXTRINSIC_FORMAT_VERSION,
    address: id(MultiAddress),
    call: id(runtime.RuntimeCall),
    signature: id(MultiSignature),
    extra: id(runtime.Extra),
    signedExtensions: runtime.spec.extensions.map((e) => ({ identifier: e.identifier, type: id(e.extra), additionalSigned: id(e.additionalType) })),
  };
  const extrinsicType = id(runtime.UncheckedExtrinsic);
  const runtimeType = id(Struct(`${runtime.spec.name}::Runtime`, {}));
  const outerEnums = { call: id(runtime.RuntimeCall), event: id(runtime.RuntimeEvent), error: id(runtime.RuntimeError) };
  const apiEntries: V15['apis'] = apis.map((api) => ({
    name: api.name,
    docs: [...api.docs],
    methods: Object.entries(api.methods).map(([name, def]) => ({
      name,
      inputs: Object.entries(def.inputs as Args).map(([input, type]) => ({ name: input, type: id(type) })),
      output: id(def.output),
      docs: [...(def.docs ?? [])],
    })),
  }));
  return { v15: { lookup: registry.types, pallets, extrinsic, type: runtimeType, apis: apiEntries, outerEnums, custom: [] }, extrinsicType };
}

/**
 * V14 is V15 without runtime APIs, outer enums, custom data and pallet docs; its extrinsic is
 * described by the UncheckedExtrinsic type, whose parameters name address, call, signature and extra.
 */
function toV14(v15: V15, extrinsicType: number): V14 {
  return {
    lookup: v15.lookup,
    pallets: v15.pallets.map((p) => ({ ...p, docs: [] })),
    extrinsic: { type: extrinsicType, version: v15.extrinsic.version, signedExtensions: v15.extrinsic.signedExtensions },
    type: v15.type,
    apis: [],
  };
}

// Built once per runtime and API list: a few hundred types, asked for by every client that connects.
const cache = new WeakMap<Runtime, WeakMap<readonly RuntimeApi[], Map<MetadataVersion, Uint8Array>>>();

/** The runtime's metadata at `version`, `meta`-prefixed (what Metadata_metadata_at_version wraps in Option<OpaqueMetadata>). */
export function buildMetadata(runtime: Runtime, apis: readonly RuntimeApi[], version: MetadataVersion): Uint8Array {
  const perRuntime = cache.get(runtime) ?? new WeakMap();
  cache.set(runtime, perRuntime);
  const built = perRuntime.get(apis) ?? new Map<MetadataVersion, Uint8Array>();
  perRuntime.set(apis, built);
  let bytes = built.get(version);
  if (!bytes) {
    const { v15, extrinsicType } = describe(runtime, apis);
    bytes = metadataCodec.enc({
      magicNumber: METADATA_MAGIC,
      metadata: version === 15 ? { tag: 'v15', value: v15 } : { tag: 'v14', value: toV14(v15, extrinsicType) },
    });
    built.set(version, bytes);
  }
  return bytes;
}

/** sp_core's well-known `:code`: where a Substrate chain keeps its runtime. */
export const CODE_KEY = new TextEncoder().encode(':code');

/**
 * What this chain keeps under `:code`. Its runtime is TypeScript, not wasm, so the value
 * identifies it instead: its name and spec version, and the hash of its V15 metadata, which
 * changes with any declared type, call, storage item or API. Clients (polkadot-api) key their
 * runtime and metadata caches by the hash of `:code`.
 */
export function runtimeCode(runtime: Runtime): Uint8Array {
  const { spec_name, spec_version } = runtime.version;
  return u8aConcat(new TextEncoder().encode(`${spec_name}-runtime:${spec_version}:`), blake2_256(buildMetadata(runtime, runtime.spec.apis ?? [], 15)));
}
