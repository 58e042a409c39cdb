// Types declared once. Each declaration yields its SCALE codec (scale-ts through
// @polkadot-api/substrate-bindings), its TypeScript type (`Infer<typeof X>`) and its scale-info
// entry, which a PortableRegistry numbers into the lookup that Metadata V14/V15 carries.
import * as scale from '@polkadot-api/substrate-bindings';
import type { Codec, Decoder, V14Lookup } from '@polkadot-api/substrate-bindings';
import { isHex } from '@polkadot/util';

export type HexString = `0x${string}`;

/** One entry of the portable type registry, exactly as the V14/V15 metadata codec takes it. */
export type LookupEntry = V14Lookup[number];
type LookupDef = LookupEntry['def'];
export type PrimitiveName = Extract<LookupDef, { tag: 'primitive' }>['value']['tag'];

export interface FieldInfo { name?: string; type: AnyType; typeName?: string; docs: readonly string[] }
export interface VariantInfo { name: string; index: number; fields: readonly FieldInfo[]; docs: readonly string[] }

export type TypeDef =
  | { tag: 'primitive'; value: PrimitiveName }
  | { tag: 'compact'; value: AnyType }
  | { tag: 'sequence'; value: AnyType }
  | { tag: 'array'; value: { len: number; type: AnyType } }
  | { tag: 'tuple'; value: readonly AnyType[] }
  | { tag: 'composite'; value: readonly FieldInfo[] }
  | { tag: 'variant'; value: readonly VariantInfo[] };

export interface TypeInfo {
  /** Rust path, e.g. ['sp_runtime', 'multiaddress', 'MultiAddress']; empty for primitives and tuples. */
  readonly path: readonly string[];
  readonly params: readonly { name: string; type?: AnyType }[];
  readonly def: TypeDef;
  readonly docs: readonly string[];
}

export interface Type<T> {
  readonly codec: Codec<T>;
  /** The scale-info description. Aliases and lazy references forward to their target's. */
  readonly info: TypeInfo;
  /** The name a field of this type carries in metadata (scale-info `type_name`), e.g. 'T::AccountId'. */
  readonly typeName?: string;
  /** Aliases and lazy (recursive) references: the type the registry numbers instead. */
  readonly target?: () => AnyType;
  enc(value: T): Uint8Array;
  /** Decodes the whole input; trailing bytes, short input or a bad variant index throw a ScaleError. */
  dec(input: Uint8Array | HexString): T;
}
// Codecs of unknown value type compose only through `any` (Codec<unknown> is not assignable).
export type AnyType = Type<any>;
type AnyCodec = Codec<any>;
export type Infer<X> = X extends Type<infer T> ? T : never;

export class ScaleError extends Error {
  constructor(readonly typeName: string, reason: string, direction: 'encode' | 'decode' = 'decode') {
    super(`cannot ${direction} ${typeName}: ${reason}`);
    this.name = 'ScaleError';
  }
}

const displayName = (info: TypeInfo): string =>
  info.path.join('::') || (info.def.tag === 'primitive' ? info.def.value : info.def.tag);

function strictDecoder<T>(dec: Decoder<T>, name: () => string): (input: Uint8Array | HexString) => T {
  // scale-ts hands composed decoders its internal byte cursor `i`: check that all input was used.
  const whole = scale.createDecoder((bytes) => {
    const value = dec(bytes);
    const cursor = (bytes as unknown as { i: number }).i;
    // A length prefix longer than the input makes scale-ts read past the end without failing.
    if (cursor > bytes.length) throw new ScaleError(name(), 'input too short');
    if (cursor !== bytes.length) throw new ScaleError(name(), `${bytes.length - cursor} trailing byte(s)`);
    return value;
  });
  return (input) => {
    if (typeof input === 'string' && !isHex(input)) throw new ScaleError(name(), 'input is not 0x-prefixed hex');
    try {
      return whole(input);
    } catch (error) {
      if (error instanceof ScaleError) throw error;
      const reason = error instanceof RangeError ? 'input too short' : `malformed input (${(error as Error).message})`;
      throw new ScaleError(name(), reason);
    }
  };
}

/** scale-ts's byte cursor over `input`: its decoders read from it in place and advance `i`. */
const cursorOver = scale.createDecoder((bytes) => bytes as Uint8Array & { i: number });

/**
 * Decodes values of `types` one after the other from the start of `input`; returns them and the
 * offset where each ended. One cursor reads them all: a cursor per value cost as much as decoding
 * an extrinsic's address, signature and extensions themselves.
 */
export function decodePrefixes(types: readonly AnyType[], input: Uint8Array): { values: unknown[]; ends: number[] } {
  const cursor = cursorOver(input);
  const values: unknown[] = [];
  const ends: number[] = [];
  for (const type of types) {
    try {
      values.push(type.codec.dec(cursor));
    } catch (error) {
      if (error instanceof ScaleError) throw error;
      throw new ScaleError(displayName(type.info), error instanceof RangeError ? 'input too short' : `malformed input (${(error as Error).message})`);
    }
    if (cursor.i > input.length) throw new ScaleError(displayName(type.info), 'input too short');
    ends.push(cursor.i);
  }
  return { values, ends };
}

export function declare<T>(codec: Codec<T>, info: TypeInfo, extra: { typeName?: string } = {}): Type<T> {
  return {
    codec,
    info,
    typeName: extra.typeName,
    enc: codec.enc,
    dec: strictDecoder(codec.dec, () => displayName(info)),
  };
}

const path = (name: string): string[] => (name ? name.split('::') : []);

// ---- primitives -------------------------------------------------------------------------------

const primitive = <T>(codec: Codec<T>, name: PrimitiveName): Type<T> =>
  declare(codec, { path: [], params: [], def: { tag: 'primitive', value: name }, docs: [] });

/**
 * An integer codec that refuses, rather than wraps, what its type cannot hold: scale-ts writes
 * 2^64 + 5 as a u64 5, and a wrapped price or balance would be a silent corruption.
 */
function inRange<T extends number | bigint>(codec: Codec<T>, name: string, bits: number, signed: boolean): Codec<T> {
  const min = signed ? -(1n << BigInt(bits - 1)) : 0n;
  const max = (signed ? 1n << BigInt(bits - 1) : 1n << BigInt(bits)) - 1n;
  // Compared without converting: a number against a bigint compares exactly, and the bounds of a
  // type up to 32 bits are exact numbers (BigInt(value) twice cost more than the encoding itself).
  const [low, high] = bits <= 32 ? [Number(min), Number(max)] : [min, max];
  const check = scale.enhanceEncoder(codec.enc, (value: T): T => {
    const fits = typeof value === 'bigint' || (typeof value === 'number' && Number.isInteger(value));
    if (!fits || value < low || value > high) {
      throw new ScaleError(name, `${String(value)} is not an integer in ${min}..=${max}`, 'encode');
    }
    return value;
  });
  return scale.createCodec(check, codec.dec);
}

const integer = <T extends number | bigint>(codec: Codec<T>, name: PrimitiveName & `${'u' | 'i'}${number}`): Type<T> =>
  primitive(inRange(codec, name, Number(name.slice(1)), name.startsWith('i')), name);

export const bool = primitive(scale.bool, 'bool');
export const str = primitive(scale.str, 'str');
export const u8 = integer(scale.u8, 'u8');
export const u16 = integer(scale.u16, 'u16');
export const u32 = integer(scale.u32, 'u32');
export const u64 = integer(scale.u64, 'u64');
export const u128 = integer(scale.u128, 'u128');
export const u256 = integer(scale.u256, 'u256');
export const i8 = integer(scale.i8, 'i8');
export const i16 = integer(scale.i16, 'i16');
export const i32 = integer(scale.i32, 'i32');
export const i64 = integer(scale.i64, 'i64');
export const i128 = integer(scale.i128, 'i128');

/** `()`: the empty tuple. */
export const unit: Type<undefined> = declare(scale._void, { path: [], params: [], def: { tag: 'tuple', value: [] }, docs: [] });

/** The same type under another field name (`Balance` for u128): one registry entry, named fields. */
export function alias<T>(type: Type<T>, typeName: string): Type<T> {
  return { ...type, typeName, target: () => resolve(type) };
}

/** A reference to a type declared later, for recursive types (RuntimeCall inside Sudo::sudo). */
export function lazy<T>(get: () => Type<T>, typeName?: string): Type<T> {
  return {
    codec: scale.Self(() => get().codec),
    get info() { return get().info; },
    typeName,
    target: () => resolve(get()),
    enc: (value: T) => get().enc(value),
    dec: (input: Uint8Array | HexString) => get().dec(input),
  };
}

const resolve = (type: AnyType): AnyType => (type.target ? type.target() : type);

// ---- compact, sequences, arrays ---------------------------------------------------------------

const compactCodecs = new Map<AnyType, AnyCodec>([
  [u8, inRange(scale.compactNumber, 'Compact<u8>', 8, false)],
  [u16, inRange(scale.compactNumber, 'Compact<u16>', 16, false)],
  [u32, inRange(scale.compactNumber, 'Compact<u32>', 32, false)],
  [u64, inRange(scale.compactBn, 'Compact<u64>', 64, false)],
  [u128, inRange(scale.compactBn, 'Compact<u128>', 128, false)],
  [u256, inRange(scale.compactBn, 'Compact<u256>', 256, false)],
  [unit, scale._void],
]);

/** `Compact<T>` for u8..u256 (numbers up to u32, bigints above) and `()`. */
export function Compact<T extends number | bigint | undefined>(inner: Type<T>): Type<T> {
  const codec = compactCodecs.get(resolve(inner)) as Codec<T> | undefined;
  if (!codec) throw new Error(`Compact<${displayName(inner.info)}> is not supported`);
  return declare(codec, { path: [], params: [], def: { tag: 'compact', value: inner }, docs: [] });
}

/** `Vec<u8>` as a Uint8Array. */
export const Bytes: Type<Uint8Array> = declare(scale.Bytes(), { path: [], params: [], def: { tag: 'sequence', value: u8 }, docs: [] }, { typeName: 'Vec<u8>' });

/**
 * A value of type `name` already encoded elsewhere, written as its bytes: System.Events' records
 * hold RuntimeEvents that each pallet encodes. Reading needs the type itself.
 */
export function Encoded(name: string): Type<Uint8Array> {
  const refuse = (): never => { throw new ScaleError(name, 'an already encoded value is read with its own type'); };
  return declare(scale.createCodec((bytes: Uint8Array) => bytes, refuse), { path: path(name), params: [], def: { tag: 'sequence', value: u8 }, docs: [] });
}

export function Vec<T>(inner: Type<T>): Type<T[]> {
  return declare(scale.Vector(inner.codec), { path: [], params: [], def: { tag: 'sequence', value: inner }, docs: [] });
}

const REMEMBERED_ENCODINGS = 4096;

/**
 * `[u8; N]` as 0x-hex (hashes, keys, signatures are identifiers: compared with ===, used as map keys).
 * The bytes of the last values encoded are remembered: a block encodes the same accounts over and
 * over (every event and key that names them), and parsing hex cost more than the rest of an event.
 */
export function FixedBytes(len: number): Type<HexString> {
  const hex = scale.Hex(len) as Codec<HexString>;
  const remembered = new Map<string, Uint8Array>();
  const enc = (value: HexString): Uint8Array => {
    let bytes = remembered.get(value);
    if (bytes === undefined) {
      bytes = hex.enc(value);
      if (remembered.size >= REMEMBERED_ENCODINGS) remembered.clear();
      remembered.set(value, bytes);
    }
    return bytes.slice(); // the caller owns what it is given
  };
  // Read in place and turned to hex by Node's Buffer: substrate-bindings' decoder copies the bytes
  // out and joins a string per byte, about 2 us for an account id (three per transfer).
  const dec = scale.createDecoder((input): HexString => {
    const bytes = input as unknown as Uint8Array & { i: number };
    if (bytes.i + len > bytes.length) throw new RangeError('input too short');
    const hex = Buffer.from(bytes.buffer, bytes.byteOffset + bytes.i, len).toString('hex');
    bytes.i += len;
    return `0x${hex}`;
  });
  return declare(scale.createCodec(enc, dec), { path: [], params: [], def: { tag: 'array', value: { len, type: u8 } }, docs: [] }, { typeName: `[u8; ${len}]` });
}

export function FixedArray<T>(inner: Type<T>, len: number): Type<T[]> {
  return declare(scale.Vector(inner.codec, len), { path: [], params: [], def: { tag: 'array', value: { len, type: inner } }, docs: [] });
}

/** frame-support's BoundedVec<T, S>: encodes as Vec<T>; longer than `max` is refused both ways. */
export function BoundedVec<T>(inner: Type<T>, max: number): Type<T[]> {
  return bounded(Vec(inner), inner, max);
}

/** BoundedVec<u8, S> as a Uint8Array. */
export function BoundedBytes(max: number): Type<Uint8Array> {
  return bounded(Bytes, u8, max);
}

function bounded<V extends { length: number }>(vec: Type<V>, inner: AnyType, max: number): Type<V> {
  const innerName = inner.typeName ?? displayName(inner.info);
  const check = (length: number, direction: 'encode' | 'decode') => {
    if (length > max) throw new ScaleError(`BoundedVec<${innerName}, ${max}>`, `${length} items exceed the bound ${max}`, direction);
  };
  const codec = scale.createCodec<V>(
    (value) => { check(value.length, 'encode'); return vec.codec.enc(value); },
    scale.createDecoder((input) => { const value = vec.codec.dec(input); check(value.length, 'decode'); return value; }),
  );
  return declare(codec, {
    path: ['bounded_collections', 'bounded_vec', 'BoundedVec'],
    params: [{ name: 'T', type: inner }, { name: 'S' }],
    def: { tag: 'composite', value: [{ type: vec, typeName: `Vec<${innerName}>`, docs: [] }] },
    docs: [],
  });
}

// ---- Option, Result, tuples -------------------------------------------------------------------

export function Option<T>(inner: Type<T>): Type<T | undefined> {
  return declare(scale.Option(inner.codec), {
    path: ['Option'],
    params: [{ name: 'T', type: inner }],
    def: { tag: 'variant', value: [
      { name: 'None', index: 0, fields: [], docs: [] },
      { name: 'Some', index: 1, fields: [{ type: inner, docs: [] }], docs: [] },
    ] },
    docs: [],
  });
}

export type ResultValue<T, E> = { success: true; value: T } | { success: false; value: E };

export function Result<T, E>(ok: Type<T>, err: Type<E>): Type<ResultValue<T, E>> {
  return declare(scale.Result(ok.codec, err.codec) as Codec<ResultValue<T, E>>, {
    path: ['Result'],
    params: [{ name: 'T', type: ok }, { name: 'E', type: err }],
    def: { tag: 'variant', value: [
      { name: 'Ok', index: 0, fields: [{ type: ok, docs: [] }], docs: [] },
      { name: 'Err', index: 1, fields: [{ type: err, docs: [] }], docs: [] },
    ] },
    docs: [],
  });
}

type InferTuple<A extends readonly AnyType[]> = { -readonly [K in keyof A]: Infer<A[K]> };

export function Tuple<A extends readonly AnyType[]>(...items: A): Type<InferTuple<A>> {
  const codec = scale.Tuple(...items.map((t) => t.codec)) as unknown as Codec<InferTuple<A>>;
  return declare(codec, { path: [], params: [], def: { tag: 'tuple', value: items }, docs: [] });
}

// ---- structs, newtypes, enums -----------------------------------------------------------------

type Fields = Record<string, AnyType>;
type InferFields<F extends Fields> = { [K in keyof F]: Infer<F[K]> };

export interface Declared { docs?: readonly string[]; params?: readonly { name: string; type?: AnyType }[] }

const codecsOf = (fields: Fields) =>
  Object.fromEntries(Object.entries(fields).map(([k, t]) => [k, t.codec])) as scale.StringRecord<AnyCodec>;

const fieldInfos = (fields: Fields, docs: Record<string, readonly string[]> = {}): FieldInfo[] =>
  Object.entries(fields).map(([name, type]) => ({ name, type, typeName: type.typeName, docs: docs[name] ?? [] }));

/** A Rust struct with named fields; `name` is its Rust path, e.g. 'pallet_services::types::PriceTargets'. */
export function Struct<F extends Fields>(name: string, fields: F, opts: Declared & { fieldDocs?: Record<string, readonly string[]> } = {}): Type<InferFields<F>> {
  return declare(scale.Struct(codecsOf(fields)) as unknown as Codec<InferFields<F>>, {
    path: path(name), params: opts.params ?? [], def: { tag: 'composite', value: fieldInfos(fields, opts.fieldDocs) }, docs: opts.docs ?? [],
  }, { typeName: path(name).at(-1) });
}

/** A tuple struct with one field (`struct AccountId32([u8; 32])`): the inner value's codec and TS type. */
export function Newtype<T>(name: string, inner: Type<T>, opts: Declared & { typeName?: string } = {}): Type<T> {
  return declare(inner.codec, {
    path: path(name), params: opts.params ?? [], def: { tag: 'composite', value: [{ type: inner, typeName: inner.typeName, docs: [] }] }, docs: opts.docs ?? [],
  }, { typeName: opts.typeName ?? path(name).at(-1) });
}

/**
 * A variant's fields: none, one unnamed field (a Type), several unnamed (a Type[]), or named (a record).
 * Its TS value is then undefined, the field's value, a tuple, or an object.
 */
export type VariantFields = undefined | AnyType | readonly AnyType[] | Fields;
export type VariantSpec = number | readonly [index: number, fields?: VariantFields, docs?: string | readonly string[]];
type SpecFields<S> = S extends readonly [number, infer F, ...unknown[]] ? F : undefined;
type FieldsValue<F> =
  F extends undefined ? undefined
  : F extends Type<infer T> ? T
  : F extends readonly AnyType[] ? InferTuple<F>
  : F extends Fields ? InferFields<F>
  : never;
export type EnumValue<V extends Record<string, VariantSpec>> = {
  [K in keyof V & string]: FieldsValue<SpecFields<V[K]>> extends undefined
    ? { type: K; value?: undefined }
    : { type: K; value: FieldsValue<SpecFields<V[K]>> };
}[keyof V & string];

const isType = (x: unknown): x is AnyType => typeof x === 'object' && x !== null && 'codec' in x && 'info' in x;

function variantParts(spec: VariantSpec): { index: number; fields: VariantFields; docs: readonly string[] } {
  if (typeof spec === 'number') return { index: spec, fields: undefined, docs: [] };
  const [index, fields, docs] = spec;
  return { index, fields, docs: docs === undefined ? [] : typeof docs === 'string' ? [docs] : docs };
}

function variantCodecAndFields(fields: VariantFields): [AnyCodec, FieldInfo[]] {
  if (fields === undefined) return [scale._void, []];
  if (isType(fields)) return [fields.codec, [{ type: fields, typeName: fields.typeName, docs: [] }]];
  if (Array.isArray(fields)) {
    const items = fields as readonly AnyType[];
    return [scale.Tuple(...items.map((t) => t.codec)), items.map((t) => ({ type: t, typeName: t.typeName, docs: [] }))];
  }
  const named = fields as Fields;
  return [scale.Struct(codecsOf(named)), fieldInfos(named)];
}

/** A Rust enum with explicit indices: `Enum('sp_runtime::DispatchError', { Other: 0, Module: [3, ModuleError] })`. */
export function Enum<V extends Record<string, VariantSpec>>(name: string, variants: V, opts: Declared = {}): Type<EnumValue<V>> {
  const entries = Object.entries(variants).map(([variantName, spec]) => ({ name: variantName, ...variantParts(spec) }));
  const seen = new Set<number>();
  for (const { name: n, index } of entries) {
    if (!Number.isInteger(index) || index < 0 || index > 255 || seen.has(index)) throw new Error(`${name}::${n}: bad or repeated variant index ${index}`);
    seen.add(index);
  }
  const parts = entries.map((e) => ({ ...e, split: variantCodecAndFields(e.fields) }));
  const inner = Object.fromEntries(parts.map((p) => [p.name, p.split[0]])) as scale.StringRecord<AnyCodec>;
  const codec = scale.Variant(inner, parts.map((p) => p.index) as never) as unknown as Codec<EnumValue<V>>;
  return declare(codec, {
    path: path(name),
    params: opts.params ?? [],
    def: { tag: 'variant', value: parts.map((p) => ({ name: p.name, index: p.index, fields: p.split[1], docs: p.docs })) },
    docs: opts.docs ?? [],
  }, { typeName: path(name).at(-1) });
}

// ---- the portable registry --------------------------------------------------------------------

/**
 * Numbers every type reachable from what is registered, as scale-info's PortableRegistry does:
 * ids are dense and stable in registration order, each declaration gets one entry.
 */
export class PortableRegistry {
  readonly types: LookupEntry[] = [];
  private readonly ids = new Map<AnyType, number>();

  id(type: AnyType): number {
    const target = resolve(type);
    const known = this.ids.get(target);
    if (known !== undefined) return known;
    const id = this.types.length;
    this.ids.set(target, id);
    this.types.push(undefined as unknown as LookupEntry); // reserved first, so recursive types can refer to it
    const { path: p, params, def, docs } = target.info;
    this.types[id] = {
      id,
      path: [...p],
      params: params.map((param) => ({ name: param.name, type: param.type ? this.id(param.type) : undefined })),
      def: this.def(def),
      docs: [...docs],
    };
    return id;
  }

  private fields(fields: readonly FieldInfo[]) {
    return fields.map((f) => ({ name: f.name, type: this.id(f.type), typeName: f.typeName, docs: [...f.docs] }));
  }

  private def(def: TypeDef): LookupDef {
    switch (def.tag) {
      case 'primitive': return { tag: 'primitive', value: { tag: def.value, value: undefined } } as LookupDef;
      case 'compact': return { tag: 'compact', value: this.id(def.value) };
      case 'sequence': return { tag: 'sequence', value: this.id(def.value) };
      case 'array': return { tag: 'array', value: { len: def.value.len, type: this.id(def.value.type) } };
      case 'tuple': return { tag: 'tuple', value: def.value.map((t) => this.id(t)) };
      case 'composite': return { tag: 'composite', value: this.fields(def.value) };
      case 'variant': return {
        tag: 'variant',
        value: def.value.map((v) => ({ name: v.name, index: v.index, fields: this.fields(v.fields), docs: [...v.docs] })),
      };
    }
  }
}
