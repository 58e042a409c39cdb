// The transaction pool: validates each transaction at the head (TaggedTransactionQueue), keeps it
// until a block includes it, and hands the block author a dependency-respecting order — a sender's
// nonces in sequence (a transaction `requires` the tag its predecessor `provides`), higher priority
// (tip) first among those ready. As Substrate's pool, it keeps two queues with their own limits by
// count and bytes: ready (everything it requires is on chain or provided by a ready transaction)
// and future (waiting for a tag nobody provides yet, e.g. a nonce gap); past a limit the lowest
// priority (then the newest) leaves. A full future queue never closes the ready one, and a sender
// may keep only so many future transactions. After a block it revalidates a bounded slice of the
// pool, longest unchecked first, so a block's cost does not grow with the pool: what a block's own
// transactions change is known from their tags, and the block author refuses an invalid ready one.
import { u8aToHex } from '@polkadot/util';
import { blake2_256 } from '../primitives/hashing.ts';
import { ScaleError } from '../primitives/scale.ts';
import type { Hash, TransactionValidity, TransactionValidityError } from '../primitives/types.ts';
import { Heap } from './heap.ts';

/** Substrate's author RPC errors (sc-rpc-api author::error), for refusals at submission. */
export class PoolError extends Error {
  constructor(readonly code: number, message: string, readonly data?: string) {
    super(message);
    this.name = 'PoolError';
  }
}

const INVALID_REASONS: Record<string, string> = {
  Call: 'Transaction call is not expected',
  Payment: 'Inability to pay some fees (e.g. account balance too low)',
  Future: 'Transaction will be valid in the future',
  Stale: 'Transaction is outdated',
  BadProof: 'Transaction has a bad signature',
  AncientBirthBlock: 'Transaction has an ancient birth block',
  ExhaustsResources: 'Transaction would exhaust the block limits',
  BadMandatory: 'A call was labelled as mandatory, but resulted in an Error.',
  MandatoryValidation: 'Transaction dispatch is mandatory; transactions must not be validated.',
  BadSigner: 'Invalid signing address',
  IndeterminateImplicit: 'The implicit data was unable to be calculated',
  UnknownOrigin: 'The transaction extension did not authorize any origin',
};
const UNKNOWN_REASONS: Record<string, string> = {
  CannotLookup: 'Could not lookup information required to validate the transaction',
  NoUnsignedValidator: 'Could not find an unsigned validator for the unsigned transaction',
};

/** The sentence Substrate gives for a validity error (the `data` of JSON-RPC error 1010 / 1011). */
export function validityReason(error: TransactionValidityError): string {
  const inner = error.value as { type: string; value?: number };
  if (inner.type === 'Custom') return `Custom error: ${inner.value}`;
  return (error.type === 'Invalid' ? INVALID_REASONS : UNKNOWN_REASONS)[inner.type] ?? inner.type;
}

export const invalidTransactionError = (error: TransactionValidityError): PoolError => error.type === 'Invalid'
  ? new PoolError(1010, 'Invalid Transaction', validityReason(error))
  : new PoolError(1011, 'Unknown Transaction Validity', validityReason(error));

export const extrinsicHash = (bytes: Uint8Array): Hash => u8aToHex(blake2_256(bytes)) as Hash;

/** Why bytes are not an extrinsic, in a user's words (the decoder's own name its internals). */
export function undecodableReason(error: ScaleError): string {
  // A length prefix longer than the input shows as a negative count of trailing bytes.
  if (/input too short|-\d+ trailing byte/.test(error.message)) return 'the bytes end before the extrinsic does';
  if (/trailing byte/.test(error.message)) return 'bytes are left over after the extrinsic';
  return 'the bytes are not an extrinsic of this runtime (its version, signature, extensions or call do not decode)';
}

export interface PoolTransaction {
  hash: Hash;
  bytes: Uint8Array;
  priority: bigint;
  /** The tags not yet on chain that it waits for (0x-hex). */
  requires: string[];
  provides: string[];
  /** Arrival order: the tie-break among equal priorities. */
  seq: number;
  /** Who sent it (see senderOf). */
  sender: string;
  ready: boolean;
  /** Whether its watchers have been told it is ready. */
  announced: boolean;
}

/** What happens to a transaction in the pool, as author_submitAndWatchExtrinsic reports it. */
export type PoolEvent =
  | { type: 'ready' } | { type: 'future' }
  | { type: 'invalid'; error: TransactionValidityError } | { type: 'dropped'; reason: string }
  | { type: 'usurped'; by: Hash };

export interface PoolLimit {
  count: number;
  bytes: number;
}

export interface PoolOptions {
  /** Substrate's defaults (--pool-limit 8192, --pool-kbytes 20480). */
  ready?: PoolLimit;
  /** Substrate's: a tenth of the ready limits. */
  future?: PoolLimit;
  /** Future transactions one sender may keep (ours: Substrate's pool has no such limit). */
  futurePerSender?: number;
  /** Transactions revalidated after a block, longest unchecked first (Substrate's background revalidation batch: 20). */
  revalidationsPerBlock?: number;
}

const DEFAULT_READY: PoolLimit = { count: 8192, bytes: 20 * 1024 * 1024 };
const DEFAULT_FUTURE: PoolLimit = { count: 819, bytes: 2 * 1024 * 1024 };

/**
 * A transaction's sender: its first provided tag without the nonce that ends it. frame_system's
 * CheckNonce provides (AccountId, u32 nonce), the only tags this runtime gives.
 */
const senderOf = (provides: readonly string[]): string => provides[0].slice(0, -8);

const immediatelyDropped = (why: string) => new PoolError(1016, 'Immediately Dropped', `The transaction couldn't enter the pool because of the limit: ${why}`);

/** Whether `a` goes into a block before `b`: higher priority, then earlier arrival. */
const better = (a: PoolTransaction, b: PoolTransaction): boolean => (a.priority !== b.priority ? a.priority > b.priority : a.seq < b.seq);

/** One of a pool's two queues, with its size in bytes. */
class Queue {
  readonly txs = new Map<Hash, PoolTransaction>();
  bytes = 0;
  constructor(readonly limit: PoolLimit) {}

  add(tx: PoolTransaction): void {
    this.txs.set(tx.hash, tx);
    this.bytes += tx.bytes.length;
  }

  delete(tx: PoolTransaction): void {
    if (this.txs.delete(tx.hash)) this.bytes -= tx.bytes.length;
  }

  get full(): boolean {
    return this.txs.size > this.limit.count || this.bytes > this.limit.bytes;
  }

  /** The one to evict: lowest priority, then the newest. */
  worst(): PoolTransaction {
    let worst: PoolTransaction | undefined;
    for (const tx of this.txs.values()) if (!worst || better(worst, tx)) worst = tx;
    return worst as PoolTransaction;
  }
}

export class TransactionPool {
  private readonly byHash = new Map<Hash, PoolTransaction>();
  /** Which transaction provides each tag. */
  private readonly providers = new Map<string, Hash>();
  /** Which transactions wait for each tag. */
  private readonly dependents = new Map<string, Set<Hash>>();
  private readonly readyQueue: Queue;
  private readonly futureQueue: Queue;
  /** Every transaction, in the order they are next revalidated. */
  private readonly checkOrder = new Map<Hash, PoolTransaction>();
  private readonly futureBySender = new Map<string, number>();
  private readonly futurePerSender: number;
  private readonly revalidations: number;
  private seq = 0;
  readonly listeners: ((hash: Hash, event: PoolEvent) => void)[] = [];

  constructor(private readonly validate: (bytes: Uint8Array) => TransactionValidity, opts: PoolOptions = {}) {
    this.readyQueue = new Queue(opts.ready ?? DEFAULT_READY);
    this.futureQueue = new Queue(opts.future ?? DEFAULT_FUTURE);
    this.futurePerSender = opts.futurePerSender ?? 64;
    this.revalidations = opts.revalidationsPerBlock ?? 20;
  }

  get size(): number {
    return this.byHash.size;
  }

  /** How many transactions are ready, and how many wait (future). */
  get counts(): { ready: number; future: number } {
    return { ready: this.readyQueue.txs.size, future: this.futureQueue.txs.size };
  }

  has(hash: Hash): boolean {
    return this.byHash.has(hash);
  }

  /** Validates and admits `bytes`, or refuses it with Substrate's error. */
  submit(bytes: Uint8Array): Hash {
    const hash = extrinsicHash(bytes);
    if (this.byHash.has(hash)) throw new PoolError(1013, 'Transaction Already Imported', hash);
    let validity: TransactionValidity;
    try {
      validity = this.validate(bytes);
    } catch (error) {
      if (error instanceof ScaleError) throw new PoolError(1001, `Extrinsic has invalid format: ${error.message}`);
      throw error;
    }
    if (!validity.success) throw invalidTransactionError(validity.value);
    const { priority, requires, provides } = validity.value;
    if (provides.length === 0) throw new PoolError(1018, 'Transaction does not provide any tags, so the pool can\'t identify it');
    const tags = provides.map((t) => u8aToHex(t));
    const tx: PoolTransaction = {
      hash, bytes, priority, requires: requires.map((t) => u8aToHex(t)), provides: tags, seq: this.seq++, sender: senderOf(tags), ready: false, announced: false,
    };
    // A transaction providing the same tag (same sender and nonce) replaces the one there only with a higher priority.
    const replaced = new Set<PoolTransaction>();
    for (const tag of tx.provides) {
      const other = this.providers.get(tag);
      if (!other) continue;
      const old = this.byHash.get(other) as PoolTransaction;
      if (old.priority >= tx.priority) {
        throw new PoolError(1014, `Priority is too low: (${old.priority} vs ${tx.priority})`,
          'The transaction has too low priority to replace another transaction already in the pool.');
      }
      replaced.add(old);
    }
    const waits = !tx.requires.every((tag) => this.satisfied(tag));
    const replacesFuture = [...replaced].some((old) => !old.ready && old.sender === tx.sender);
    if (waits && !replacesFuture && (this.futureBySender.get(tx.sender) ?? 0) >= this.futurePerSender) {
      throw immediatelyDropped(`its sender already has ${this.futurePerSender} transactions waiting for earlier nonces`);
    }
    for (const old of replaced) this.drop(old.hash, { type: 'usurped', by: hash });
    this.insert(tx);
    this.enforceLimits(hash);
    if (!this.byHash.has(hash)) throw immediatelyDropped(`the ${waits ? 'future' : 'ready'} queue is full of transactions of at least its priority`);
    if (!tx.ready) this.emit(hash, { type: 'future' });
    return hash;
  }

  /** The encoded transactions, in arrival order (author_pendingExtrinsics). */
  pending(): Uint8Array[] {
    return [...this.byHash.values()].map((tx) => tx.bytes);
  }

  /** Whether a pool transaction provides `tag` (0x-hex), e.g. a sender's next nonce. */
  provides(tag: string): boolean {
    return this.providers.has(tag);
  }

  /**
   * The ready transactions in inclusion order: each after those providing what it requires, and
   * among those ready at a step, the highest priority first (then the earliest).
   */
  ready(): PoolTransaction[] {
    const waiting = new Map<Hash, number>();
    const candidates = new Heap(better);
    for (const tx of this.readyQueue.txs.values()) {
      // A ready transaction's tags are all provided by ready transactions.
      waiting.set(tx.hash, tx.requires.length);
      if (tx.requires.length === 0) candidates.push(tx);
    }
    const order: PoolTransaction[] = [];
    for (let tx = candidates.pop(); tx; tx = candidates.pop()) {
      order.push(tx);
      for (const next of this.waitingFor(tx.provides)) {
        const left = (waiting.get(next.hash) as number) - 1;
        waiting.set(next.hash, left);
        if (left === 0) candidates.push(next);
      }
    }
    return order;
  }

  /** Removes transactions a block included; what waited for their tags finds them on chain now. */
  removeIncluded(hashes: Iterable<Hash>): void {
    for (const hash of hashes) this.forget(hash, true);
  }

  /** Drops a transaction, telling its watchers why. */
  drop(hash: Hash, event: PoolEvent): void {
    if (!this.forget(hash, false)) return;
    this.emit(hash, event);
  }

  /**
   * Revalidates at the new head: invalid transactions leave, future ones may become ready. After a
   * block (`all` false) that is the next slice of the pool; after a change the pool cannot follow
   * by tags (dev_setStorage, dev_setHead, dev_newBlock's own transactions) all of it.
   */
  revalidate(all = false): void {
    const batch = [...this.checkOrder.values()].slice(0, all ? undefined : this.revalidations);
    for (const tx of batch) {
      this.checkOrder.delete(tx.hash);
      this.checkOrder.set(tx.hash, tx);
    }
    for (const tx of batch) {
      if (!this.byHash.has(tx.hash)) continue;
      const validity = this.validate(tx.bytes);
      if (!validity.success) {
        this.drop(tx.hash, { type: 'invalid', error: validity.value });
        continue;
      }
      this.unindex(tx);
      tx.requires = validity.value.requires.map((t) => u8aToHex(t));
      tx.priority = validity.value.priority;
      this.index(tx);
    }
    this.refresh(batch.filter((tx) => this.byHash.has(tx.hash)));
  }

  // ---- bookkeeping ---------------------------------------------------------------------------------

  /** Whether a ready pool transaction provides `tag`. */
  private satisfied(tag: string): boolean {
    const provider = this.providers.get(tag);
    return provider !== undefined && (this.byHash.get(provider) as PoolTransaction).ready;
  }

  /** The pool transactions that wait for one of `tags`. */
  private waitingFor(tags: readonly string[]): PoolTransaction[] {
    return tags.flatMap((tag) => [...this.dependents.get(tag) ?? []].map((hash) => this.byHash.get(hash) as PoolTransaction));
  }

  private insert(tx: PoolTransaction): void {
    this.byHash.set(tx.hash, tx);
    this.checkOrder.set(tx.hash, tx);
    for (const tag of tx.provides) this.providers.set(tag, tx.hash);
    this.index(tx);
    this.queue(tx, false);
    this.refresh([tx]);
  }

  private index(tx: PoolTransaction): void {
    for (const tag of tx.requires) {
      const set = this.dependents.get(tag) ?? new Set();
      set.add(tx.hash);
      this.dependents.set(tag, set);
    }
  }

  private unindex(tx: PoolTransaction): void {
    for (const tag of tx.requires) {
      const set = this.dependents.get(tag);
      set?.delete(tx.hash);
      if (set?.size === 0) this.dependents.delete(tag);
    }
  }

  /** Takes `tx` out of its queue. */
  private dequeue(tx: PoolTransaction): void {
    if (tx.ready) this.readyQueue.delete(tx);
    else if (this.futureQueue.txs.has(tx.hash)) {
      this.futureQueue.delete(tx);
      const left = (this.futureBySender.get(tx.sender) as number) - 1;
      if (left === 0) this.futureBySender.delete(tx.sender);
      else this.futureBySender.set(tx.sender, left);
    }
  }

  /** Puts `tx` in the ready or the future queue. */
  private queue(tx: PoolTransaction, ready: boolean): void {
    this.dequeue(tx);
    tx.ready = ready;
    if (ready) this.readyQueue.add(tx);
    else {
      this.futureQueue.add(tx);
      this.futureBySender.set(tx.sender, (this.futureBySender.get(tx.sender) ?? 0) + 1);
    }
  }

  /** Moves `start`, and what depends on them, to the queue their tags now put them in. */
  private refresh(start: PoolTransaction[]): void {
    const work = [...start];
    for (let tx = work.pop(); tx; tx = work.pop()) {
      if (!this.byHash.has(tx.hash)) continue;
      const ready = tx.requires.every((tag) => this.satisfied(tag));
      if (ready !== tx.ready) {
        this.queue(tx, ready);
        work.push(...this.waitingFor(tx.provides));
      }
      if (ready && !tx.announced) {
        tx.announced = true;
        this.emit(tx.hash, { type: 'ready' });
      }
    }
  }

  /** Evicts the lowest priority (then newest) transactions of a queue over its limits; the one being submitted silently. */
  private enforceLimits(submitted: Hash): void {
    for (const queue of [this.readyQueue, this.futureQueue]) {
      while (queue.full) {
        const { hash } = queue.worst();
        if (hash === submitted) this.forget(hash, false);
        else this.drop(hash, { type: 'dropped', reason: 'the pool is full: a transaction of higher priority took its place' });
      }
    }
  }

  /** Removes a transaction; `onChain` when a block included it, so its tags are now on chain. */
  private forget(hash: Hash, onChain: boolean): boolean {
    const tx = this.byHash.get(hash);
    if (!tx) return false;
    this.dequeue(tx);
    this.byHash.delete(hash);
    this.checkOrder.delete(hash);
    this.unindex(tx);
    for (const tag of tx.provides) if (this.providers.get(tag) === hash) this.providers.delete(tag);
    const affected = this.waitingFor(tx.provides);
    if (onChain) {
      for (const next of affected) {
        this.unindex(next);
        next.requires = next.requires.filter((tag) => !tx.provides.includes(tag));
        this.index(next);
      }
    }
    this.refresh(affected);
    return true;
  }

  private emit(hash: Hash, event: PoolEvent): void {
    for (const listener of this.listeners) listener(hash, event);
  }
}
