// Signed extensions, as sp_runtime's SignedExtension: each adds explicit data to the extrinsic
// (`extra`), data that is signed but not sent (`additional`), checks for the pool (`validate`),
// checks and effects before dispatch (`preDispatch`) and after it (`postDispatch`).
import type { AnyType, Type } from '../primitives/scale.ts';
import type {
  AccountId, DispatchError, InvalidTransaction, TransactionValidityError, ValidTransaction, Weight,
} from '../primitives/types.ts';
import { U64_MAX, type DispatchInfo } from './dispatch.ts';
import type { RuntimeCallValue } from './pallet.ts';

/** The transaction is refused with this validity error; nothing it did stays. */
export class TransactionInvalid extends Error {
  constructor(readonly validity: TransactionValidityError) {
    super(`invalid transaction: ${describeValidityError(validity)}`);
    this.name = 'TransactionInvalid';
  }
}

export const invalid = (reason: InvalidTransaction['type'], custom?: number): TransactionInvalid =>
  new TransactionInvalid({ type: 'Invalid', value: (reason === 'Custom' ? { type: 'Custom', value: custom ?? 0 } : { type: reason }) as InvalidTransaction });

export function describeValidityError(error: TransactionValidityError): string {
  const inner = error.value;
  return `${error.type}::${inner.type}${'value' in inner && inner.value !== undefined ? `(${inner.value})` : ''}`;
}

/** What every extension sees of a signed transaction. */
export interface TransactionContext {
  who: AccountId;
  call: RuntimeCallValue;
  info: DispatchInfo;
  /** The encoded length of the whole extrinsic. */
  len: number;
}

export interface PostDispatchContext extends TransactionContext {
  /** The weight the call really used (at most info.weight). */
  actualWeight: Weight;
  paysFee: boolean;
  result: DispatchError | undefined;
}

export interface SignedExtension<Extra = unknown, Pre = unknown> {
  /** The name in metadata, e.g. 'CheckNonce'. */
  identifier: string;
  /** The explicit data carried in the extrinsic, with its Rust path for metadata. */
  extra: Type<Extra>;
  /** The type of the implicit data. */
  additionalType: AnyType;
  /** The implicit data (spec version, genesis hash, era birth block hash, ...); may refuse. */
  additional(extra: Extra): unknown;
  /** Pool validation: refuses with TransactionInvalid, or says what the transaction requires and provides. */
  validate?(ctx: TransactionContext, extra: Extra): Partial<ValidTransaction>;
  /** Block inclusion: the same checks, and their effects (nonce, fee, weight). */
  preDispatch?(ctx: TransactionContext, extra: Extra): Pre;
  postDispatch?(pre: Pre, ctx: PostDispatchContext): void;
}

// The extensions of a runtime hold differing extra types; the runtime treats them uniformly.
export type AnyExtension = SignedExtension<any, any>;

export const TRANSACTION_LONGEVITY_MAX = U64_MAX;

/** ValidTransaction::combine_with over every extension's contribution. */
export function combineValidity(parts: readonly Partial<ValidTransaction>[]): ValidTransaction {
  const result: ValidTransaction = { priority: 0n, requires: [], provides: [], longevity: TRANSACTION_LONGEVITY_MAX, propagate: true };
  for (const part of parts) {
    if (part.priority !== undefined) result.priority = saturatingU64(result.priority + part.priority);
    if (part.requires) result.requires.push(...part.requires);
    if (part.provides) result.provides.push(...part.provides);
    if (part.longevity !== undefined && part.longevity < result.longevity) result.longevity = part.longevity;
    if (part.propagate === false) result.propagate = false;
  }
  return result;
}

export const saturatingU64 = (n: bigint): bigint => (n > TRANSACTION_LONGEVITY_MAX ? TRANSACTION_LONGEVITY_MAX : n);
