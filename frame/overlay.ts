// Block-local storage changes over committed state, with nested transactional layers as
// frame-support's `with_transaction` (at most 255 nested layers). As in sp-state-machine's
// OverlayedChanges, each key holds only its current value, and each layer journals the value a
// key had before that layer first wrote it: reads cost one map lookup at any depth, and a commit
// or rollback costs the number of keys its layer wrote.
//
// Storage items read and write typed values (`getTyped`/`setTyped`): a value is decoded at most
// once per block (the overlay keeps what it decoded from the backend) and encoded only when its
// bytes are asked for (at the end of the block, mostly). Typed values are deep-frozen, so one
// decoded value can be handed to every reader: changing it in place throws instead of changing
// the state behind the overlay's back. Entries are keyed by their key's byte string (one character
// per byte: cheap to build and hash, ordered as the bytes); key arrays are kept as given (their
// byte string is remembered per array): a caller must not change a key array after handing it over.
import { compactNumber } from '@polkadot-api/substrate-bindings';
import { bytesToString } from '../primitives/byte-string.ts';
import type { AnyType, Type } from '../primitives/scale.ts';

/** Committed state the overlay reads through to: the state trie, or a snapshot of it. */
export interface StateBackend {
  get(key: Uint8Array): Uint8Array | undefined;
  /** Keys with `prefix`, ascending, strictly after `startAfter` when given. */
  keys(prefix: Uint8Array, startAfter?: Uint8Array): Iterable<Uint8Array>;
  /** `keys` with their values. */
  entries(prefix: Uint8Array, startAfter?: Uint8Array): Iterable<[Uint8Array, Uint8Array]>;
}

function* withoutValues(keys: Iterable<Uint8Array>): Generator<[Uint8Array, undefined]> {
  for (const key of keys) yield [key, undefined];
}

export const TRANSACTIONAL_LIMIT = 255;
/** An appended value's first buffer: a block's few events fit, a busy block's doubles a few times. */
const APPENDED_FIRST_BUFFER = 1024;

export class TransactionalLimitReached extends Error {
  constructor() {
    super(`more than ${TRANSACTIONAL_LIMIT} nested storage layers`);
    this.name = 'TransactionalLimitReached';
  }
}

/**
 * Items appended to an encoded Vec<T> (System.Events), kept apart from the Vec until read:
 * appending is O(item). Items are copied into one growing buffer as they come (an item may come in
 * consecutive parts, a struct's fields encoded apart), so that a block's thousands of encoded
 * events die young instead of living, each its own array, until the block ends.
 */
class Appended {
  // A drained overlay's buffer is taken again by the next block's first append: a new one (outside
  // V8's heap) cost ~50 us a block in the mixed import's profile, and a busy block's log grows
  // through several.
  static #spare: Uint8Array | undefined;
  #buffer = Appended.#spare ?? new Uint8Array(APPENDED_FIRST_BUFFER);
  #length = 0;
  #count = 0;

  constructor(readonly base: Uint8Array | undefined) {
    Appended.#spare = undefined;
  }

  /** Hands the buffer on to the next Appended made; this one must not be used again. */
  release(): void {
    if (this.#buffer.length > (Appended.#spare?.length ?? 0)) Appended.#spare = this.#buffer;
    this.#buffer = new Uint8Array(0);
    this.#length = 0;
    this.#count = 0;
  }

  /** Where the appends stand, for `truncate` to return to. */
  get mark(): { count: number; length: number } {
    return { count: this.#count, length: this.#length };
  }

  push(parts: readonly Uint8Array[]): void {
    let size = 0;
    for (const part of parts) size += part.length;
    if (this.#length + size > this.#buffer.length) {
      const grown = new Uint8Array(Math.max(2 * this.#buffer.length, this.#length + size));
      grown.set(this.#buffer.subarray(0, this.#length));
      this.#buffer = grown;
    }
    for (const part of parts) {
      this.#buffer.set(part, this.#length);
      this.#length += part.length;
    }
    this.#count++;
  }

  truncate({ count, length }: { count: number; length: number }): void {
    this.#count = count;
    this.#length = length;
  }

  encode(): Uint8Array {
    let count = 0;
    let payload: Uint8Array = new Uint8Array(0);
    if (this.base && this.base.length > 0) {
      count = compactNumber.dec(this.base);
      payload = this.base.subarray(compactNumber.enc(count).length);
    }
    const prefix = compactNumber.enc(count + this.#count);
    const out = new Uint8Array(prefix.length + payload.length + this.#length);
    out.set(prefix);
    out.set(payload, prefix.length);
    out.set(this.#buffer.subarray(0, this.#length), prefix.length + payload.length);
    return out;
  }
}

/** A value with the type it was read or written as; its bytes are encoded once, when first needed. */
class Typed {
  #bytes: Uint8Array | undefined;

  constructor(readonly type: AnyType, readonly value: unknown, bytes?: Uint8Array) {
    this.#bytes = bytes;
  }

  get bytes(): Uint8Array {
    return (this.#bytes ??= this.type.enc(this.value));
  }
}

/** Freezes `value` and everything it holds (byte arrays cannot be frozen and are left as they are). */
function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value) || ArrayBuffer.isView(value)) return;
  Object.freeze(value);
  // Loops, not Object.values: no array per object frozen (every value a block writes is frozen).
  if (Array.isArray(value)) for (let i = 0; i < value.length; i++) deepFreeze(value[i]);
  else for (const key in value) deepFreeze((value as Record<string, unknown>)[key]);
}

/** The byte string of storage keys, kept per key array: storage items hand out the same arrays again. */
const idOfKey = new WeakMap<Uint8Array, string>();
function keyId(key: Uint8Array): string {
  let id = idOfKey.get(key);
  if (id === undefined) {
    id = bytesToString(key);
    idOfKey.set(key, id);
  }
  return id;
}

/** A key's overlay value: bytes, a typed value, deleted (null), or pending appends. */
type Entry = Uint8Array | Typed | null | Appended;
const entryBytes = (entry: Uint8Array | Typed | Appended): Uint8Array =>
  entry instanceof Uint8Array ? entry : entry instanceof Typed ? entry.bytes : entry.encode();
/** What a layer saw before its first write to a key: absent from the overlay, or an entry (appends with their count). */
type Saved = { absent: true } | { absent: false; entry: Entry; appended?: { count: number; length: number } };

const ABSENT: Saved = { absent: true };
const save = (entry: Entry | undefined): Saved =>
  entry === undefined ? ABSENT : { absent: false, entry, appended: entry instanceof Appended ? entry.mark : undefined };

export type Change = [key: Uint8Array, value: Uint8Array | null];

/** The keys touched in one storage item, and the same keys grouped by each longer prefix length a scan used. */
interface TouchedItem {
  keys: string[];
  groupsByLength: Map<number, Map<string, string[]>>;
}

function addToGroup(groups: Map<string, string[]>, prefix: string, id: string): void {
  const group = groups.get(prefix);
  if (group) group.push(id);
  else groups.set(prefix, [id]);
}

/** The length of a storage item's prefix, twox128(pallet) ++ twox128(item). */
const ITEM_PREFIX_LENGTH = 32;

export class Overlay {
  /** The entry of every key written since the last drain, by byte string. */
  private readonly written = new Map<string, Entry>();
  /** The bytes of every key in `written` (and of keys a rolled-back layer wrote), by byte string. */
  private readonly keyBytes = new Map<string, Uint8Array>();
  /**
   * The keys of `keyBytes` by their first 32 bytes (the storage item's prefix): a scan of a map
   * looks at the keys this block touched in that item only, not at every key it touched.
   */
  private readonly keysByItem = new Map<string, TouchedItem>();
  private readonly journals: Map<string, Saved>[] = [];
  /** Backend values decoded in this overlay's lifetime (the backend does not change under it); null: absent. */
  private readonly decoded = new Map<string, Typed | null>();

  constructor(readonly backend: StateBackend) {}

  get transactionDepth(): number {
    return this.journals.length;
  }

  get(key: Uint8Array): Uint8Array | undefined {
    const id = keyId(key);
    const entry = this.written.get(id);
    if (entry === undefined) {
      const decoded = this.decoded.get(id);
      return decoded === undefined ? this.backend.get(key) : decoded?.bytes;
    }
    return entry === null ? undefined : entryBytes(entry);
  }

  /** The value at `key` as `type` (`absent` when there is none), decoded at most once per overlay; frozen. */
  getTyped<T, A = undefined>(key: Uint8Array, type: Type<T>, absent?: A): T | A {
    return this.typedAt(keyId(key), key, type, absent as A);
  }

  exists(key: Uint8Array): boolean {
    const id = keyId(key);
    const entry = this.written.get(id);
    if (entry !== undefined) return entry !== null;
    const decoded = this.decoded.get(id);
    return decoded === undefined ? this.backend.get(key) !== undefined : decoded !== null;
  }

  set(key: Uint8Array, value: Uint8Array): void {
    this.write(key, value);
  }

  /** Writes `value` as `type`, encoded only when its bytes are needed; `value` is frozen. */
  setTyped<T>(key: Uint8Array, type: Type<T>, value: T): void {
    deepFreeze(value);
    this.write(key, new Typed(type, value));
  }

  delete(key: Uint8Array): void {
    this.write(key, null);
  }

  /**
   * Appends one encoded item to the Vec<T> stored at `key` (sp_io::storage::append), given whole or
   * as the encodings of its consecutive parts, which are joined only when the value is read.
   */
  append(key: Uint8Array, ...encodedItem: Uint8Array[]): void {
    const id = keyId(key);
    const entry = this.written.get(id);
    if (entry instanceof Appended) {
      this.journal(id, entry);
      entry.push(encodedItem);
      return;
    }
    const base = entry === undefined ? this.get(key) : entry === null ? undefined : entryBytes(entry);
    const appended = new Appended(base);
    appended.push(encodedItem);
    this.write(key, appended);
  }

  /** Keys with `prefix` in ascending byte order, strictly after `startAfter`, merging overlay and backend. */
  *keys(prefix: Uint8Array, startAfter?: Uint8Array): Generator<Uint8Array> {
    for (const [key] of this.merged(prefix, startAfter, false)) yield key;
  }

  /** `keys` with their values: what another overlay reads when this one is its backend. */
  *entries(prefix: Uint8Array, startAfter?: Uint8Array): Generator<[Uint8Array, Uint8Array]> {
    for (const [key, id, committed] of this.merged(prefix, startAfter, true)) {
      const entry = this.written.get(id);
      yield [key, entry === undefined ? committed as Uint8Array : entryBytes(entry as Uint8Array | Typed | Appended)];
    }
  }

  /** The entries with `prefix` as `type`, in the order of `keys`; values as `getTyped` gives them. */
  *entriesTyped<T>(prefix: Uint8Array, type: Type<T>, startAfter?: Uint8Array): Generator<[Uint8Array, T]> {
    for (const [key, id, committed] of this.merged(prefix, startAfter, true)) yield [key, this.typedAt(id, key, type, undefined, committed) as T];
  }

  /**
   * The keys of `keys` with each key's byte string (a committed key read by a scan is a fresh
   * array, and remembering its string in keyId would cost a WeakMap entry per key scanned) and,
   * `withValues`, its committed value when the overlay holds none: a scan's values come with its
   * walk, not from a second lookup each.
   */
  private *merged(prefix: Uint8Array, startAfter: Uint8Array | undefined, withValues: boolean): Generator<[Uint8Array, string, Uint8Array | undefined]> {
    const prefixId = bytesToString(prefix);
    const afterId = startAfter ? bytesToString(startAfter) : undefined;
    const touched = this.touchedKeys(prefixId)
      .filter((k) => k.startsWith(prefixId) && (afterId === undefined || k > afterId) && this.written.has(k))
      .sort();
    let t = 0;
    const committed = withValues ? this.backend.entries(prefix, startAfter) : withoutValues(this.backend.keys(prefix, startAfter));
    for (const [key, value] of committed) {
      const id = bytesToString(key);
      for (; t < touched.length && touched[t] < id; t++) {
        if (this.written.get(touched[t]) !== null) yield [this.keyBytes.get(touched[t]) as Uint8Array, touched[t], undefined];
      }
      if (t < touched.length && touched[t] === id) {
        t++;
        if (this.written.get(id) === null) continue;
      }
      yield [key, id, value];
    }
    for (; t < touched.length; t++) {
      if (this.written.get(touched[t]) !== null) yield [this.keyBytes.get(touched[t]) as Uint8Array, touched[t], undefined];
    }
  }

  /** Deletes up to `limit` keys with `prefix` (sp_io::storage::clear_prefix); returns how many. */
  clearPrefix(prefix: Uint8Array, limit = Infinity): number {
    let removed = 0;
    // Deleting a key already yielded does not disturb the keys still to come.
    for (const key of this.keys(prefix)) {
      if (removed >= limit) break;
      this.delete(key);
      removed++;
    }
    return removed;
  }

  startTransaction(): void {
    if (this.journals.length >= TRANSACTIONAL_LIMIT) throw new TransactionalLimitReached();
    this.journals.push(new Map());
  }

  commitTransaction(): void {
    const top = this.popJournal();
    const parent = this.journals.at(-1);
    if (!parent) return;
    for (const [key, saved] of top) if (!parent.has(key)) parent.set(key, saved);
  }

  rollbackTransaction(): void {
    for (const [key, saved] of this.popJournal()) {
      if (saved.absent) {
        this.written.delete(key);
        continue;
      }
      if (saved.entry instanceof Appended) saved.entry.truncate(saved.appended!);
      this.written.set(key, saved.entry);
    }
  }

  /** Runs `body` in a new layer: committed if it returns, rolled back if it throws. */
  transactional<T>(body: () => T): T {
    this.startTransaction();
    let result: T;
    try {
      result = body();
    } catch (error) {
      this.rollbackTransaction();
      throw error;
    }
    this.commitTransaction();
    return result;
  }

  /**
   * The changes outside any open layer, sorted by key, and the overlay emptied (end of block).
   * Writes that leave a key as committed (removing an absent key, rewriting the same bytes) are
   * left out: they change no root, and a database or a storage subscriber need not see them.
   */
  drain(): Change[] {
    if (this.journals.length > 0) throw new Error(`cannot drain the overlay inside ${this.journals.length} open storage layer(s)`);
    const changes: Change[] = [];
    for (const id of [...this.written.keys()].sort()) {
      const entry = this.written.get(id) as Entry;
      const key = this.keyBytes.get(id) as Uint8Array;
      const value = entry === null ? null : entryBytes(entry);
      if (entry instanceof Appended) entry.release();
      const read = this.decoded.get(id);
      const committed = read === undefined ? this.backend.get(key) : read?.bytes;
      if (value === null ? committed === undefined : committed !== undefined && Buffer.compare(committed, value) === 0) continue;
      changes.push([key, value]);
    }
    this.written.clear();
    this.keyBytes.clear();
    this.keysByItem.clear();
    this.decoded.clear();
    return changes;
  }

  /** getTyped of `key`, whose byte string is `id` (and whose committed value is `committed` when the caller has it). */
  private typedAt<T, A>(id: string, key: Uint8Array, type: Type<T>, absent: A, committed?: Uint8Array): T | A {
    const entry = this.written.get(id);
    if (entry === null) return absent;
    if (entry instanceof Typed && entry.type === type) return entry.value as T;
    if (entry !== undefined) return this.decode(type, entryBytes(entry)).value as T;
    let clean = this.decoded.get(id);
    if (clean === undefined || (clean !== null && clean.type !== type)) {
      const raw = clean === undefined ? committed ?? this.backend.get(key) : clean.bytes;
      clean = raw === undefined ? null : this.decode(type, raw);
      this.decoded.set(id, clean);
    }
    return clean === null ? absent : (clean.value as T);
  }

  private decode(type: AnyType, bytes: Uint8Array): Typed {
    const value = type.dec(bytes);
    deepFreeze(value);
    return new Typed(type, value, bytes);
  }

  /** The keys written since the last drain that may start with `prefixId` (a superset: filter them). */
  private touchedKeys(prefixId: string): string[] {
    if (prefixId.length < ITEM_PREFIX_LENGTH) return [...this.keysByItem].flatMap(([item, { keys }]) => (item.startsWith(prefixId) ? keys : []));
    const item = this.keysByItem.get(prefixId.slice(0, ITEM_PREFIX_LENGTH));
    if (!item || prefixId.length === ITEM_PREFIX_LENGTH) return item?.keys ?? [];
    // A scan under one map key (a node's slices) looks at that key's group only: filtering every
    // key the block touched in the item made each such scan, and so each call, slower as the block grew.
    let groups = item.groupsByLength.get(prefixId.length);
    if (!groups) {
      groups = new Map();
      for (const id of item.keys) addToGroup(groups, id.slice(0, prefixId.length), id);
      item.groupsByLength.set(prefixId.length, groups);
    }
    return groups.get(prefixId) ?? [];
  }

  private write(key: Uint8Array, entry: Entry): void {
    const id = keyId(key);
    if (!this.keyBytes.has(id)) {
      this.keyBytes.set(id, key);
      const prefix = id.slice(0, ITEM_PREFIX_LENGTH);
      const item = this.keysByItem.get(prefix);
      if (!item) this.keysByItem.set(prefix, { keys: [id], groupsByLength: new Map() });
      else {
        item.keys.push(id);
        for (const [length, groups] of item.groupsByLength) addToGroup(groups, id.slice(0, length), id);
      }
    }
    this.journal(id, this.written.get(id));
    this.written.set(id, entry);
  }

  private journal(id: string, previous: Entry | undefined): void {
    const top = this.journals.at(-1);
    if (top && !top.has(id)) top.set(id, save(previous));
  }

  private popJournal(): Map<string, Saved> {
    const top = this.journals.pop();
    if (!top) throw new Error('no open storage layer');
    return top;
  }
}
