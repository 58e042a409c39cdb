// The transaction pool: validates each transaction at the head (TaggedTransactionQueue), keeps it
// until a block includes it, and hands the block author a dependency-respecting order — a sender's
// nonces in sequence (a transaction `requires` the tag its predecessor `provides`), higher priority
// (tip) first among those ready. After every block it revalidates what is left.
import { u8aToHex } from '@polkadot/util';
import { blake2_256 } from '../primitives/hashing.ts';
import { ScaleError } from '../primitives/scale.ts';
import type { Hash, TransactionValidity, TransactionValidityError } from '../primitives/types.ts';

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

export interface PoolTransaction {
  hash: Hash;
  bytes: Uint8Array;
  priority: bigint;
  requires: string[];
  provides: string[];
  /** Arrival order: the tie-break among equal priorities. */
  seq: number;
}

/** What happens to a transaction in the pool, as author_submitAndWatchExtrinsic reports it. */
export type PoolEvent =
  | { type: 'ready' } | { type: 'future' }
  | { type: 'invalid'; error: TransactionValidityError } | { type: 'dropped'; reason: string }
  | { type: 'usurped'; by: Hash };

export interface PoolOptions {
  /** Refuses new transactions beyond this many (error 1016). */
  maxTransactions?: number;
}

export class TransactionPool {
  private readonly byHash = new Map<Hash, PoolTransaction>();
  /** Which transaction provides each tag. */
  private readonly providers = new Map<string, Hash>();
  private seq = 0;
  private readonly maxTransactions: number;
  readonly listeners: ((hash: Hash, event: PoolEvent) => void)[] = [];

  constructor(private readonly validate: (bytes: Uint8Array) => TransactionValidity, opts: PoolOptions = {}) {
    this.maxTransactions = opts.maxTransactions ?? 8192;
  }

  get size(): number {
    return this.byHash.size;
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
    const tx: PoolTransaction = {
      hash, bytes, priority, requires: requires.map((t) => u8aToHex(t)), provides: provides.map((t) => u8aToHex(t)), seq: this.seq++,
    };
    // A transaction providing the same tag (same sender and nonce) replaces the one there only with a higher priority.
    const replaced = new Set<Hash>();
    for (const tag of tx.provides) {
      const other = this.providers.get(tag);
      if (!other) continue;
      const old = this.byHash.get(other) as PoolTransaction;
      if (old.priority >= tx.priority) {
        throw new PoolError(1014, `Priority is too low: (${old.priority} vs ${tx.priority})`,
          'The transaction has too low priority to replace another transaction already in the pool.');
      }
      replaced.add(other);
    }
    if (replaced.size === 0 && this.byHash.size >= this.maxTransactions) {
      throw new PoolError(1016, 'Immediately Dropped', 'The transaction couldn\'t enter the pool because of the limit');
    }
    for (const old of replaced) this.drop(old, { type: 'usurped', by: hash });
    this.byHash.set(hash, tx);
    for (const tag of tx.provides) this.providers.set(tag, hash);
    this.emit(hash, this.isReady(tx) ? { type: 'ready' } : { type: 'future' });
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
    const dependents = new Map<string, PoolTransaction[]>();
    const candidates: PoolTransaction[] = [];
    for (const tx of this.byHash.values()) {
      // Validation lists only tags the chain has not reached: one no pool transaction provides leaves it waiting (future).
      const open = tx.requires.filter((tag) => this.providers.has(tag));
      if (open.length !== tx.requires.length) continue;
      waiting.set(tx.hash, open.length);
      for (const tag of open) dependents.set(tag, [...(dependents.get(tag) ?? []), tx]);
      if (open.length === 0) candidates.push(tx);
    }
    const order: PoolTransaction[] = [];
    const better = (a: PoolTransaction, b: PoolTransaction) => (a.priority !== b.priority ? a.priority > b.priority : a.seq < b.seq);
    while (candidates.length > 0) {
      let best = 0;
      for (let i = 1; i < candidates.length; i++) if (better(candidates[i], candidates[best])) best = i;
      const [tx] = candidates.splice(best, 1);
      order.push(tx);
      for (const tag of tx.provides) {
        for (const next of dependents.get(tag) ?? []) {
          const left = (waiting.get(next.hash) as number) - 1;
          waiting.set(next.hash, left);
          if (left === 0) candidates.push(next);
        }
      }
    }
    return order;
  }

  /** Removes transactions a block included (their watchers learn it from the node). */
  removeIncluded(hashes: Iterable<Hash>): void {
    for (const hash of hashes) this.forget(hash);
  }

  /** Drops a transaction, telling its watchers why. */
  drop(hash: Hash, event: PoolEvent): void {
    if (!this.forget(hash)) return;
    this.emit(hash, event);
  }

  /** Revalidates every transaction at the new head: invalid ones leave, future ones may become ready. */
  revalidate(): void {
    const wasReady = new Set(this.ready().map((tx) => tx.hash));
    for (const tx of [...this.byHash.values()]) {
      const validity = this.validate(tx.bytes);
      if (!validity.success) {
        this.drop(tx.hash, { type: 'invalid', error: validity.value });
        continue;
      }
      tx.requires = validity.value.requires.map((t) => u8aToHex(t));
      tx.priority = validity.value.priority;
    }
    for (const tx of this.ready()) if (!wasReady.has(tx.hash)) this.emit(tx.hash, { type: 'ready' });
  }

  private isReady(tx: PoolTransaction): boolean {
    return tx.requires.every((tag) => {
      const provider = this.providers.get(tag);
      return provider !== undefined && this.isReady(this.byHash.get(provider) as PoolTransaction);
    });
  }

  private forget(hash: Hash): boolean {
    const tx = this.byHash.get(hash);
    if (!tx) return false;
    this.byHash.delete(hash);
    for (const tag of tx.provides) if (this.providers.get(tag) === hash) this.providers.delete(tag);
    return true;
  }

  private emit(hash: Hash, event: PoolEvent): void {
    for (const listener of this.listeners) listener(hash, event);
  }
}
