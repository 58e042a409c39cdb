// Storage items as FRAME declares them. A key is twox128(pallet) ++ twox128(item) ++ hasher(key)
// for each key part; values are SCALE. Items read and write the overlay of the block being
// executed, which the executive installs (as sp_io's externalities).
import { u8aConcat } from '@polkadot/util';
import { blake2_128, blake2_256, twox128, twox256, twox64 } from '../primitives/hashing.ts';
import { decodePrefixes, type AnyType, type Type } from '../primitives/scale.ts';
import { storage } from './externalities.ts';

// ---- hashers -----------------------------------------------------------------------------------

/** frame-support's StorageHasher, in metadata order. */
export const HASHERS = ['Blake2_128', 'Blake2_256', 'Blake2_128Concat', 'Twox128', 'Twox256', 'Twox64Concat', 'Identity'] as const;
export type Hasher = (typeof HASHERS)[number];

const hashFns: Record<Hasher, { hash: (key: Uint8Array) => Uint8Array; concat: boolean; hashLen: number }> = {
  Blake2_128: { hash: blake2_128, concat: false, hashLen: 16 },
  Blake2_256: { hash: blake2_256, concat: false, hashLen: 32 },
  Blake2_128Concat: { hash: (k) => u8aConcat(blake2_128(k), k), concat: true, hashLen: 16 },
  Twox128: { hash: twox128, concat: false, hashLen: 16 },
  Twox256: { hash: twox256, concat: false, hashLen: 32 },
  Twox64Concat: { hash: (k) => u8aConcat(twox64(k), k), concat: true, hashLen: 8 },
  Identity: { hash: (k) => k, concat: true, hashLen: 0 },
};

/** twox128(pallet) ++ twox128(item). */
export const storagePrefix = (pallet: string, item: string): Uint8Array =>
  u8aConcat(twox128(new TextEncoder().encode(pallet)), twox128(new TextEncoder().encode(item)));

// ---- declarations ------------------------------------------------------------------------------

export interface StorageOptions<V> {
  /** Makes it a ValueQuery: `get` returns this when nothing is stored. Without it, an OptionQuery. */
  default?: V;
  docs?: readonly string[];
}

/** What the metadata builder needs to describe an item. */
export interface StorageMetadata {
  pallet: string;
  name: string;
  hashers: readonly Hasher[];
  keys: readonly AnyType[];
  value: AnyType;
  /** Encoded default for a ValueQuery; undefined for an OptionQuery. */
  defaultValue?: Uint8Array;
  docs: readonly string[];
}

abstract class StorageItem<V, Q> {
  readonly prefix: Uint8Array;
  readonly metadata: StorageMetadata;

  constructor(pallet: string, name: string, protected readonly valueType: Type<V>, hashers: readonly Hasher[], keys: readonly AnyType[], private readonly opts: StorageOptions<V>) {
    this.prefix = storagePrefix(pallet, name);
    this.metadata = {
      pallet, name, hashers, keys, value: valueType,
      defaultValue: opts.default === undefined ? undefined : valueType.enc(opts.default),
      docs: opts.docs ?? [],
    };
  }

  /** Values are frozen (the overlay hands one decoded value to every reader): build new ones to change them. */
  protected read(key: Uint8Array): Q {
    return storage().getTyped(key, this.valueType, this.opts.default) as unknown as Q;
  }

  protected write(key: Uint8Array, value: V): void {
    storage().setTyped(key, this.valueType, value);
  }

  /** Writes `value`, or removes the key when an OptionQuery's value is undefined. */
  protected writeQuery(key: Uint8Array, value: Q): void {
    if (value === undefined) storage().delete(key);
    else this.write(key, value as unknown as V);
  }
}

/** A single value. */
export class StorageValueItem<V, Q = V | undefined> extends StorageItem<V, Q> {
  constructor(pallet: string, name: string, valueType: Type<V>, opts: StorageOptions<V> = {}) {
    super(pallet, name, valueType, [], [], opts);
  }

  get key(): Uint8Array {
    return this.prefix;
  }

  get(): Q { return this.read(this.prefix); }
  put(value: V): void { this.write(this.prefix, value); }
  exists(): boolean { return storage().exists(this.prefix); }
  remove(): void { storage().delete(this.prefix); }
  take(): Q {
    const value = this.get();
    this.remove();
    return value;
  }
  /** Reads, applies `f`, writes the result (an OptionQuery result of undefined removes the key). */
  mutate(f: (value: Q) => Q): Q {
    const value = f(this.get());
    this.writeQuery(this.prefix, value);
    return value;
  }
}

/** `StorageValue<Vec<T>>` that grows by appending encoded items, as System.Events does. */
export class StorageAppendableItem<T> extends StorageValueItem<T[], T[]> {
  constructor(pallet: string, name: string, vecType: Type<T[]>, opts: { docs?: readonly string[] } = {}) {
    super(pallet, name, vecType, { default: [], docs: opts.docs });
  }

  /** Appends one item already encoded, whole or as its consecutive parts (a struct's fields encoded apart). */
  append(...encodedItem: Uint8Array[]): void {
    storage().append(this.prefix, ...encodedItem);
  }
}

const KEY_CACHE_SIZE = 4096;

/** Key parts a key cache holds keys by: values compared by value (a map's key types are fixed). */
const isPlain = (part: unknown) => typeof part === 'string' || typeof part === 'number' || typeof part === 'bigint';

/** Cached keys by their first part, then (maps of more than one key) by the next, and so on. */
type KeyCache = Map<unknown, Uint8Array | KeyCache>;

type HashedKeys<K extends unknown[]> = { [I in keyof K]: readonly [Hasher, Type<K[I]>] };
type IterOptions = { prefix?: readonly unknown[]; startAfter?: Uint8Array };

/** The key parts after the first `fixed` in a storage key, each after its hash: [hash, key] per part. */
type KeyReader = readonly { hashLen: number; type: AnyType }[];

/** Reads the key parts back from `rawKey` from `at` on, skipping their hashes (not decoding them). */
function readKeyParts(reader: KeyReader, rawKey: Uint8Array, from: number): unknown[] {
  const parts: unknown[] = [];
  let at = from;
  for (let i = 0; i < reader.length; i++) {
    at += reader[i].hashLen;
    if (i === reader.length - 1) {
      parts.push(reader[i].type.dec(rawKey.subarray(at))); // the last part is the rest of the key, decoded whole
    } else {
      const { values: [part], ends: [length] } = decodePrefixes([reader[i].type], rawKey.subarray(at));
      parts.push(part);
      at += length;
    }
  }
  return parts;
}

/**
 * A map keyed by one or more hashed keys: StorageMap (one key), StorageDoubleMap (two),
 * StorageNMap (any number). Methods take the key parts as leading arguments.
 */
export class StorageMapItem<K extends unknown[], V, Q = V | undefined> extends StorageItem<V, Q> {
  private readonly parts: HashedKeys<K>;
  private readonly keyCache: KeyCache = new Map();
  private cachedKeys = 0;
  /** Indexed by the number of leading key parts fixed; missing where a non-Concat hasher follows. */
  private readonly readers: (KeyReader | undefined)[] = [];

  constructor(pallet: string, name: string, keys: HashedKeys<K>, valueType: Type<V>, opts: StorageOptions<V> = {}) {
    super(pallet, name, valueType, keys.map(([h]) => h), keys.map(([, t]) => t), opts);
    this.parts = keys;
    for (let fixed = 0; fixed <= keys.length; fixed++) {
      const rest = keys.slice(fixed) as readonly (readonly [Hasher, AnyType])[];
      if (!rest.every(([h]) => hashFns[h].concat)) continue;
      this.readers[fixed] = rest.map(([h, type]) => ({ hashLen: hashFns[h].hashLen, type }));
    }
  }

  /**
   * The full storage key of an entry. Keys made of plain values (numbers, bigints, strings) are
   * remembered for the last KEY_CACHE_SIZE entries: a block reads and writes the same accounts,
   * nodes and slices many times, and a remembered key array also keeps its hex in the overlay.
   */
  key(...parts: K): Uint8Array {
    // Looked up by the parts themselves: a part's own string (an account id) keeps its hash,
    // where a text joined from the parts would be a new string to hash on every access.
    if (!parts.every(isPlain)) return this.partialKey(parts);
    if (this.cachedKeys >= KEY_CACHE_SIZE) {
      this.keyCache.clear();
      this.cachedKeys = 0;
    }
    let level = this.keyCache;
    const last = parts.length - 1;
    for (let i = 0; i < last; i++) {
      let next = level.get(parts[i]) as KeyCache | undefined;
      if (next === undefined) level.set(parts[i], next = new Map());
      level = next;
    }
    let key = level.get(parts[last]) as Uint8Array | undefined;
    if (key === undefined) {
      key = this.partialKey(parts);
      level.set(parts[last], key);
      this.cachedKeys++;
    }
    return key;
  }

  /** The storage key prefix of all entries whose first key parts are `parts`. */
  partialKey(parts: readonly unknown[]): Uint8Array {
    return u8aConcat(this.prefix, ...parts.map((part, i) => hashFns[this.parts[i][0]].hash(this.parts[i][1].enc(part))));
  }

  get(...parts: K): Q { return this.read(this.key(...parts)); }
  contains(...parts: K): boolean { return storage().exists(this.key(...parts)); }
  remove(...parts: K): void { storage().delete(this.key(...parts)); }

  insert(...args: [...K, V]): void {
    const value = args.pop() as V;
    this.write(this.key(...(args as unknown as K)), value);
  }

  take(...parts: K): Q {
    const key = this.key(...parts);
    const value = this.read(key);
    storage().delete(key);
    return value;
  }

  /** Reads, applies `f`, writes the result (an OptionQuery result of undefined removes the entry). */
  mutate(...args: [...K, (value: Q) => Q]): Q {
    const f = args.pop() as (value: Q) => Q;
    const key = this.key(...(args as unknown as K));
    const value = f(this.read(key));
    this.writeQuery(key, value);
    return value;
  }

  /**
   * Entries in storage-key order (hash order, as Substrate iterates), optionally only those under
   * the first key parts `prefix`, strictly after the storage key `startAfter`. Lazy.
   */
  *entries(opts: IterOptions = {}): Generator<[K, V]> {
    for (const { key, value } of this.scan(opts)) yield [key, value];
  }

  /** At most `limit` entries, and the storage key to continue after, for sweeps bounded per block. */
  page(limit: number, opts: IterOptions = {}): { entries: [K, V][]; next?: Uint8Array } {
    const entries: [K, V][] = [];
    for (const { rawKey, key, value } of this.scan(opts)) {
      entries.push([key, value]);
      if (entries.length === limit) return { entries, next: rawKey };
    }
    return { entries };
  }

  /** Raw storage keys of the entries, in order; works for every hasher. */
  rawKeys(opts: IterOptions = {}): Generator<Uint8Array> {
    return storage().keys(this.partialKey(opts.prefix ?? []), opts.startAfter);
  }

  /** Removes up to `limit` entries (all by default), optionally only under the first key parts `prefix`. */
  clear(opts: { prefix?: readonly unknown[]; limit?: number } = {}): number {
    return storage().clearPrefix(this.partialKey(opts.prefix ?? []), opts.limit);
  }

  private *scan(opts: IterOptions): Generator<{ rawKey: Uint8Array; key: K; value: V }> {
    const fixed = opts.prefix ?? [];
    const reader = this.readers[fixed.length];
    if (!reader) throw new Error(`${this.metadata.pallet}.${this.metadata.name}: a key part hashed without *Concat cannot be read back`);
    const partial = this.partialKey(fixed);
    for (const [rawKey, value] of storage().entriesTyped(partial, this.valueType, opts.startAfter)) {
      const key = [...fixed, ...readKeyParts(reader, rawKey, partial.length)] as K;
      yield { rawKey, key, value };
    }
  }
}

// ---- declaring items ---------------------------------------------------------------------------

type ValueQuery<V> = StorageOptions<V> & { default: V };

/** What a pallet declaration carries of its storage: its items in metadata (declaration) order. */
export interface StorageDeclarations {
  readonly pallet: string;
  readonly items: readonly { readonly metadata: StorageMetadata }[];
}

/**
 * A pallet's storage, as FRAME's #[pallet::storage]: an item declared through it is registered in
 * declaration order, so the pallet declaration takes the whole set and lists nothing again.
 * `const store = palletStorage('Services'); export const Operators = store.map('Operators', ...)`.
 */
export class PalletStorage implements StorageDeclarations {
  private readonly declared: { readonly metadata: StorageMetadata }[] = [];

  constructor(readonly pallet: string) {}

  get items(): readonly { readonly metadata: StorageMetadata }[] { return this.declared; }

  private add<I extends { metadata: StorageMetadata }>(item: I): I {
    if (this.declared.some((d) => d.metadata.name === item.metadata.name)) throw new Error(`${this.pallet}.${item.metadata.name} is declared twice`);
    this.declared.push(item);
    return item;
  }

  /** `store.value('Number', BlockNumber, { default: 0 })`: with a default, a ValueQuery. */
  value<V>(name: string, value: Type<V>, opts: ValueQuery<V>): StorageValueItem<V, V>;
  value<V>(name: string, value: Type<V>, opts?: StorageOptions<V>): StorageValueItem<V>;
  value<V>(name: string, value: Type<V>, opts: StorageOptions<V> = {}): StorageValueItem<V, unknown> {
    return this.add(new StorageValueItem<V, unknown>(this.pallet, name, value, opts));
  }

  /** `store.map('Operators', 'Blake2_128Concat', AccountId32, OperatorPreferences)`. */
  map<K, V>(name: string, hasher: Hasher, key: Type<K>, value: Type<V>, opts: ValueQuery<V>): StorageMapItem<[K], V, V>;
  map<K, V>(name: string, hasher: Hasher, key: Type<K>, value: Type<V>, opts?: StorageOptions<V>): StorageMapItem<[K], V>;
  map<K, V>(name: string, hasher: Hasher, key: Type<K>, value: Type<V>, opts: StorageOptions<V> = {}): StorageMapItem<[K], V, unknown> {
    return this.add(new StorageMapItem<[K], V, unknown>(this.pallet, name, [[hasher, key]], value, opts));
  }

  doubleMap<K1, K2, V>(name: string, h1: Hasher, k1: Type<K1>, h2: Hasher, k2: Type<K2>, value: Type<V>, opts: ValueQuery<V>): StorageMapItem<[K1, K2], V, V>;
  doubleMap<K1, K2, V>(name: string, h1: Hasher, k1: Type<K1>, h2: Hasher, k2: Type<K2>, value: Type<V>, opts?: StorageOptions<V>): StorageMapItem<[K1, K2], V>;
  doubleMap<K1, K2, V>(name: string, h1: Hasher, k1: Type<K1>, h2: Hasher, k2: Type<K2>, value: Type<V>, opts: StorageOptions<V> = {}): StorageMapItem<[K1, K2], V, unknown> {
    return this.add(new StorageMapItem<[K1, K2], V, unknown>(this.pallet, name, [[h1, k1], [h2, k2]], value, opts));
  }

  /** `store.nMap('Item', [['Twox64Concat', u32], ['Blake2_128Concat', AccountId32], ...], Value)`. */
  nMap<K extends unknown[], V>(name: string, keys: HashedKeys<K>, value: Type<V>, opts: ValueQuery<V>): StorageMapItem<K, V, V>;
  nMap<K extends unknown[], V>(name: string, keys: HashedKeys<K>, value: Type<V>, opts?: StorageOptions<V>): StorageMapItem<K, V>;
  nMap<K extends unknown[], V>(name: string, keys: HashedKeys<K>, value: Type<V>, opts: StorageOptions<V> = {}): StorageMapItem<K, V, unknown> {
    return this.add(new StorageMapItem<K, V, unknown>(this.pallet, name, keys, value, opts));
  }

  /** A Vec<T> value that grows by `append` without re-encoding (System.Events). */
  appendable<T>(name: string, vec: Type<T[]>, opts: { docs?: readonly string[] } = {}): StorageAppendableItem<T> {
    return this.add(new StorageAppendableItem(this.pallet, name, vec, opts));
  }

  /**
   * The declarations with some items' value types given by the runtime (System.Events holds the
   * runtime's RuntimeEvent, known only once the runtime's pallets are).
   */
  withValueTypes(types: Record<string, AnyType>): StorageDeclarations {
    return {
      pallet: this.pallet,
      items: this.declared.map((item) => (types[item.metadata.name] === undefined ? item
        : { metadata: { ...item.metadata, value: types[item.metadata.name] } })),
    };
  }
}

export const palletStorage = (pallet: string): PalletStorage => new PalletStorage(pallet);
