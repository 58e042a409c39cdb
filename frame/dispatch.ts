// The vocabulary of dispatch, as frame-support: origins, weights, dispatch classes, and dispatch
// errors. Pallet code fails a call by throwing a DispatchFailure; the runtime turns it into the
// DispatchError it reports, after rolling back everything the call wrote.
import { Enum, Struct, type AnyType, type Infer } from '../primitives/scale.ts';
import { Weight, type AccountId, type DispatchError, type MultiAddress } from '../primitives/types.ts';

/** Named, typed arguments: of a call, or of a runtime API method. */
export type Args = Record<string, AnyType>;
export type ArgsValue<A extends Args> = { [K in keyof A]: Infer<A[K]> };

export type Origin = { type: 'Root' } | { type: 'Signed'; value: AccountId } | { type: 'None' };
export const Root: Origin = { type: 'Root' };
export const NoneOrigin: Origin = { type: 'None' };
export const signed = (who: AccountId): Origin => ({ type: 'Signed', value: who });

// ---- weights ------------------------------------------------------------------------------------

/** Picoseconds of execution per second, as sp_weights' WEIGHT_REF_TIME_PER_SECOND. */
export const WEIGHT_REF_TIME_PER_SECOND = 1_000_000_000_000n;
export const WEIGHT_REF_TIME_PER_MICROS = 1_000_000n;
export const ZERO_WEIGHT: Weight = { ref_time: 0n, proof_size: 0n };

export const weight = (ref_time: bigint, proof_size = 0n): Weight => ({ ref_time, proof_size });
export const addWeight = (a: Weight, b: Weight): Weight => ({ ref_time: a.ref_time + b.ref_time, proof_size: a.proof_size + b.proof_size });
export const subWeight = (a: Weight, b: Weight): Weight => ({
  ref_time: a.ref_time > b.ref_time ? a.ref_time - b.ref_time : 0n,
  proof_size: a.proof_size > b.proof_size ? a.proof_size - b.proof_size : 0n,
});
export const minWeight = (a: Weight, b: Weight): Weight => ({
  ref_time: a.ref_time < b.ref_time ? a.ref_time : b.ref_time,
  proof_size: a.proof_size < b.proof_size ? a.proof_size : b.proof_size,
});
/** True when `a` fits within `b` on both dimensions (Weight::all_lte). */
export const weightFits = (a: Weight, b: Weight): boolean => a.ref_time <= b.ref_time && a.proof_size <= b.proof_size;

export const DispatchClass = Enum('frame_support::dispatch::DispatchClass', { Normal: 0, Operational: 1, Mandatory: 2 });
export type DispatchClass = Infer<typeof DispatchClass>['type'];
export const Pays = Enum('frame_support::dispatch::Pays', { Yes: 0, No: 1 });

export const DispatchInfo = Struct('frame_support::dispatch::DispatchInfo', {
  weight: Weight,
  class: DispatchClass,
  pays_fee: Pays,
});
export type DispatchInfo = Infer<typeof DispatchInfo>;

export const PerDispatchClassWeight = Struct('frame_support::dispatch::PerDispatchClass', {
  normal: Weight,
  operational: Weight,
  mandatory: Weight,
}, { params: [{ name: 'T', type: Weight }] });
export type PerDispatchClassWeight = Infer<typeof PerDispatchClassWeight>;

/** What a call may report after it ran: the weight it really used, and whether it pays a fee. */
export interface PostDispatchInfo {
  actualWeight?: Weight;
  paysFee?: boolean;
}


// ---- dispatch errors ------------------------------------------------------------------------------

/** A call failed: everything it wrote is rolled back and `dispatchError` is reported. */
export class DispatchFailure extends Error {
  constructor(private readonly error: DispatchError | ((palletIndex: (pallet: string) => number) => DispatchError), message: string) {
    super(message);
    this.name = 'DispatchFailure';
  }

  /** The DispatchError this failure reports, given how the runtime numbers its pallets. */
  dispatchError(palletIndex: (pallet: string) => number): DispatchError {
    return typeof this.error === 'function' ? this.error(palletIndex) : this.error;
  }
}

const failure = (error: DispatchError, message: string) => new DispatchFailure(error, message);

/** The runtime-wide dispatch errors that are not a pallet's own. */
export const DispatchErrors = {
  BadOrigin: failure({ type: 'BadOrigin' }, 'bad origin'),
  CannotLookup: failure({ type: 'CannotLookup' }, 'cannot look up the account'),
  ConsumerRemaining: failure({ type: 'ConsumerRemaining' }, 'the account still has consumers'),
  NoProviders: failure({ type: 'NoProviders' }, 'the account has no providers'),
  TooManyConsumers: failure({ type: 'TooManyConsumers' }, 'too many consumers'),
  FundsUnavailable: failure({ type: 'Token', value: { type: 'FundsUnavailable' } }, 'funds unavailable'),
  BelowMinimum: failure({ type: 'Token', value: { type: 'BelowMinimum' } }, 'below the existential deposit'),
  Frozen: failure({ type: 'Token', value: { type: 'Frozen' } }, 'the funds are frozen or needed to keep the account alive'),
  NotExpendable: failure({ type: 'Token', value: { type: 'NotExpendable' } }, 'the account would be reaped, and it must be kept alive'),
  Overflow: failure({ type: 'Arithmetic', value: { type: 'Overflow' } }, 'arithmetic overflow'),
  Underflow: failure({ type: 'Arithmetic', value: { type: 'Underflow' } }, 'arithmetic underflow'),
  DivisionByZero: failure({ type: 'Arithmetic', value: { type: 'DivisionByZero' } }, 'division by zero'),
  TransactionalLimitReached: failure({ type: 'Transactional', value: { type: 'LimitReached' } }, 'too many nested storage layers'),
  Exhausted: failure({ type: 'Exhausted' }, 'resources exhausted'),
  RootNotAllowed: failure({ type: 'RootNotAllowed' }, 'root origin not allowed'),
} as const;

/**
 * sp_runtime's AccountIdLookup with no indices pallet: only `MultiAddress::Id` names an account;
 * any other form fails the call with CannotLookup.
 */
export function lookupAddress(address: MultiAddress): AccountId {
  if (address.type !== 'Id') throw DispatchErrors.CannotLookup;
  return address.value;
}

/** u128/u64 checked arithmetic for money: overflow or underflow fails the call instead of wrapping. */
export function checkedAdd(a: bigint, b: bigint, max: bigint): bigint {
  const sum = a + b;
  if (sum > max) throw DispatchErrors.Overflow;
  return sum;
}

export function checkedSub(a: bigint, b: bigint): bigint {
  if (b > a) throw DispatchErrors.Underflow;
  return a - b;
}

export const U32_MAX = 0xffff_ffff;
export const U64_MAX = (1n << 64n) - 1n;
export const U128_MAX = (1n << 128n) - 1n;
