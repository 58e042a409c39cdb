// Block-local storage changes over committed state, with nested transactional layers as
// frame-support's `with_transaction` (at most 255 nested layers). As in sp-state-machine's
// OverlayedChanges, each key holds only its current value, and each layer journals the value a
// key had before that layer first wrote it: reads cost one map lookup at any depth, and a commit
// or rollback costs the number of keys its layer wrote.
import { compactNumber } from '@polkadot-api/substrate-bindings';
import { hexToU8a, u8aConcat, u8aEq, u8aToHex } from '@polkadot/util';

/** Committed state the overlay reads through to: the state trie, or a snapshot of it. */
export interface StateBackend {
  get(key: Uint8Array): Uint8Array | undefined;
  /** Keys with `prefix`, ascending, strictly after `startAfter` when given. */
  keys(prefix: Uint8Array, startAfter?: Uint8Array): Iterable<Uint8Array>;
}

export const TRANSACTIONAL_LIMIT = 255;

export class TransactionalLimitReached extends Error {
  constructor() {
    super(`more than ${TRANSACTIONAL_LIMIT} nested storage layers`);
    this.name = 'TransactionalLimitReached';
  }
}

/** Items appended to an encoded Vec<T> (System.Events), kept apart until read: appending is O(item). */
class Appended {
  constructor(readonly base: Uint8Array | undefined, readonly items: Uint8Array[]) {}

  encode(): Uint8Array {
    let count = 0;
    let payload: Uint8Array = new Uint8Array(0);
    if (this.base && this.base.length > 0) {
      count = compactNumber.dec(this.base);
      payload = this.base.subarray(compactNumber.enc(count).length);
    }
    return u8aConcat(compactNumber.enc(count + this.items.length), payload, ...this.items);
  }
}

/** A key's overlay value: bytes, deleted (null), or pending appends. */
type Entry = Uint8Array | null | Appended;
/** What a layer saw before its first write to a key: absent from the overlay, or an entry (appends with their count). */
type Saved = { absent: true } | { absent: false; entry: Entry; appendedCount: number };

const ABSENT: Saved = { absent: true };
const save = (entry: Entry | undefined): Saved =>
  entry === undefined ? ABSENT : { absent: false, entry, appendedCount: entry instanceof Appended ? entry.items.length : 0 };

export type Change = [key: Uint8Array, value: Uint8Array | null];

export class Overlay {
  private readonly entries = new Map<string, Entry>();
  private readonly journals: Map<string, Saved>[] = [];

  constructor(readonly backend: StateBackend) {}

  get transactionDepth(): number {
    return this.journals.length;
  }

  get(key: Uint8Array): Uint8Array | undefined {
    const entry = this.entries.get(u8aToHex(key));
    if (entry === undefined) return this.backend.get(key);
    if (entry === null) return undefined;
    return entry instanceof Appended ? entry.encode() : entry;
  }

  exists(key: Uint8Array): boolean {
    return this.get(key) !== undefined;
  }

  set(key: Uint8Array, value: Uint8Array): void {
    this.write(u8aToHex(key), value);
  }

  delete(key: Uint8Array): void {
    this.write(u8aToHex(key), null);
  }

  /** Appends one encoded item to the Vec<T> stored at `key` (sp_io::storage::append). */
  append(key: Uint8Array, encodedItem: Uint8Array): void {
    const hex = u8aToHex(key);
    const entry = this.entries.get(hex);
    if (entry instanceof Appended) {
      this.journal(hex, entry);
      entry.items.push(encodedItem);
      return;
    }
    const base = entry === undefined ? this.backend.get(key) : entry ?? undefined;
    this.write(hex, new Appended(base, [encodedItem]));
  }

  /** Keys with `prefix` in ascending byte order, strictly after `startAfter`, merging overlay and backend. */
  *keys(prefix: Uint8Array, startAfter?: Uint8Array): Generator<Uint8Array> {
    const prefixHex = u8aToHex(prefix);
    const afterHex = startAfter ? u8aToHex(startAfter) : undefined;
    // Hex of equal-length bytes sorts as the bytes do, and a key's hex starts with its prefix's hex.
    const touched = [...this.entries.keys()]
      .filter((k) => k.startsWith(prefixHex) && (afterHex === undefined || k > afterHex))
      .sort();
    let t = 0;
    for (const key of this.backend.keys(prefix, startAfter)) {
      const hex = u8aToHex(key);
      for (; t < touched.length && touched[t] < hex; t++) {
        if (this.entries.get(touched[t]) !== null) yield hexToU8a(touched[t]);
      }
      if (t < touched.length && touched[t] === hex) {
        t++;
        if (this.entries.get(hex) === null) continue;
      }
      yield key;
    }
    for (; t < touched.length; t++) {
      if (this.entries.get(touched[t]) !== null) yield hexToU8a(touched[t]);
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
        this.entries.delete(key);
        continue;
      }
      if (saved.entry instanceof Appended) saved.entry.items.length = saved.appendedCount;
      this.entries.set(key, saved.entry);
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
    for (const hex of [...this.entries.keys()].sort()) {
      const entry = this.entries.get(hex) as Entry;
      const key = hexToU8a(hex);
      const value = entry instanceof Appended ? entry.encode() : entry;
      const committed = this.backend.get(key);
      if (value === null ? committed === undefined : committed !== undefined && u8aEq(committed, value)) continue;
      changes.push([key, value]);
    }
    this.entries.clear();
    return changes;
  }

  private write(hex: string, entry: Entry): void {
    this.journal(hex, this.entries.get(hex));
    this.entries.set(hex, entry);
  }

  private journal(hex: string, previous: Entry | undefined): void {
    const top = this.journals.at(-1);
    if (top && !top.has(hex)) top.set(hex, save(previous));
  }

  private popJournal(): Map<string, Saved> {
    const top = this.journals.pop();
    if (!top) throw new Error('no open storage layer');
    return top;
  }
}
