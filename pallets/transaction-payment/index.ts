// pallet_transaction_payment: the ChargeTransactionPayment signed extension and the fee queries.
//
//   fee = base_fee + len_fee + adjusted_weight_fee + tip      (only the tip when the call pays no fee)
//   base_fee = WeightToFee(base_extrinsic of the call's class)
//   len_fee = LengthToFee(encoded length of the whole extrinsic)
//   adjusted_weight_fee = NextFeeMultiplier * WeightToFee(call weight)
//
// The fee is withdrawn before dispatch and burned: TotalIssuance falls by exactly what is kept.
// After dispatch the part paid for weight the call did not use (or the whole fee but the tip, when
// the call turned out to pay no fee) is given back. The multiplier is constant: this runtime has
// no FeeMultiplierUpdate, so NextFeeMultiplier keeps its genesis value (1.0 by default).
import { alias, u128, u8, unit } from '../../primitives/scale.ts';
import { AccountId32, type AccountId, type Weight } from '../../primitives/types.ts';
import type { Runtime } from '../../frame/construct.ts';
import { U128_MAX, U64_MAX, type DispatchClass, type DispatchInfo } from '../../frame/dispatch.ts';
import { invalid, type SignedExtension } from '../../frame/extensions.ts';
import { storage } from '../../frame/externalities.ts';
import { integer, object, optional } from '../../frame/genesis-json.ts';
import { constant, events, genesisConfig, pallet } from '../../frame/pallet.ts';
import { palletStorage } from '../../frame/storage.ts';
import type { Currency } from '../../frame/traits.ts';
import { classKey, type WeightLimits } from '../../frame/system/extensions.ts';
import {
  ChargeTransactionPaymentExtra, MULTIPLIER_ONE, Multiplier, Releases,
  type FeeDetails, type RuntimeDispatchInfo,
} from './types.ts';
import { transactionPaymentApi, type TransactionPaymentQueries } from './runtime-api.ts';

const PALLET = 'TransactionPayment';

/** Every storage item of the pallet, registered as it is declared below (metadata order). */
export const TransactionPaymentStorage = palletStorage(PALLET);

/**
 * WeightToFee: 2 planck per picosecond of ref_time (proof_size is not charged), so a second of
 * block time costs 2 tokens. LengthToFee: 3,000,000 planck per byte. With a 100 µs base extrinsic
 * weight, a signed transfer_keep_alive (162 µs, 145 bytes) pays 2 × 262e6 + 145 × 3e6 = 9.59e8
 * planck: about 0.001 token, a little over half of it for weight.
 */
export const WEIGHT_FEE_PER_REF_TIME = 2n;
export const LENGTH_FEE_PER_BYTE = 3_000_000n;
/** Operational transactions get a virtual tip of this many times their fee, for priority only. */
export const OPERATIONAL_FEE_MULTIPLIER = 5;

export const NextFeeMultiplier = TransactionPaymentStorage.value('NextFeeMultiplier', Multiplier, { default: MULTIPLIER_ONE });
export const StorageVersion = TransactionPaymentStorage.value('StorageVersion', Releases, { default: { type: 'V1Ancient' as const } });

const BalanceOf = alias(u128, 'BalanceOf<T>');

export const TransactionPaymentEvents = events(PALLET, {
  TransactionFeePaid: [0, { who: alias(AccountId32, 'T::AccountId'), actual_fee: BalanceOf, tip: BalanceOf },
    'A transaction fee `actual_fee`, of which `tip` was added to the minimum inclusion fee, has been paid by `who`.'],
});

export interface TransactionPaymentConfig {
  /** Who pays: the fee is withdrawn from, and refunded to, the signer's free balance. */
  currency: Currency;
  /** The block's weight and length limits: base extrinsic weights per class, and the bounds for priority. */
  limits: WeightLimits;
  /** The runtime, for the fee queries (lazy: the runtime is built after its pallets). */
  runtime: () => Pick<Runtime, 'extrinsic' | 'extrinsicDispatchInfo'>;
}

/** What pre-dispatch withdrew, for post-dispatch to correct. */
interface Paid { tip: bigint; fee: bigint }

const saturate = (n: bigint, max: bigint): bigint => (n > max ? max : n);
const smaller = (a: bigint, b: bigint): bigint => (a < b ? a : b);

/** The fee the details add up to (FeeDetails::final_fee), saturating at u128::MAX. */
export function finalFee({ inclusion_fee, tip }: FeeDetails): bigint {
  const inclusion = inclusion_fee ? inclusion_fee.base_fee + inclusion_fee.len_fee + inclusion_fee.adjusted_weight_fee : 0n;
  return saturate(inclusion + tip, U128_MAX);
}

export function createTransactionPayment(config: TransactionPaymentConfig) {
  const { currency, limits } = config;
  const maxBlock = limits.blockWeights.max_block;

  /** WeightToFee of `weight` capped at the block's maximum, as Pallet::weight_to_fee. */
  const weightToFee = (weight: Weight): bigint =>
    saturate(weight.ref_time, maxBlock.ref_time) * WEIGHT_FEE_PER_REF_TIME;

  /** compute_fee_raw: the fee of an extrinsic of `len` bytes whose call weighs `weight`. */
  function computeFeeDetails(len: number, weight: Weight, tip: bigint, paysFee: boolean, cls: DispatchClass): FeeDetails {
    if (!paysFee) return { inclusion_fee: undefined, tip };
    // FixedU128 × integer rounds down: the fraction of a planck is not charged.
    const adjusted = (NextFeeMultiplier.get() * weightToFee(weight)) / MULTIPLIER_ONE;
    return {
      inclusion_fee: {
        base_fee: weightToFee(limits.blockWeights.per_class[classKey(cls)].base_extrinsic),
        len_fee: BigInt(len) * LENGTH_FEE_PER_BYTE,
        adjusted_weight_fee: saturate(adjusted, U128_MAX),
      },
      tip,
    };
  }

  const computeFee = (len: number, info: DispatchInfo, tip: bigint): bigint =>
    finalFee(computeFeeDetails(len, info.weight, tip, info.pays_fee.type === 'Yes', info.class.type));

  /** Takes the fee, keeping the payer alive; refuses the transaction with Payment when it cannot. */
  function withdrawFee(who: AccountId, fee: bigint): void {
    if (fee !== 0n && !currency.withdraw(who, fee, true)) throw invalid('Payment');
  }

  /**
   * ChargeTransactionPayment::get_priority: the tip (plus one, to prefer smaller transactions) scaled
   * by how many such transactions fit in a block; Operational ones add a virtual tip of
   * OperationalFeeMultiplier × their fee.
   */
  function priority(info: DispatchInfo, len: number, tip: bigint, fee: bigint): bigint {
    const maxLength = BigInt(limits.blockLength.max[classKey(info.class.type)]);
    // How many such transactions fit in a block, in the scarcest of ref_time, proof_size and length
    // (each use at least 1, at most the block's; a dimension the block does not bound does not count).
    const fits = (used: bigint, max: bigint) => {
      const bounded = saturate(used > 1n ? used : 1n, max);
      return bounded === 0n ? U64_MAX : max / bounded;
    };
    const maxPerBlock = smaller(
      smaller(fits(info.weight.ref_time, maxBlock.ref_time), fits(info.weight.proof_size, maxBlock.proof_size)),
      fits(BigInt(len), maxLength));
    const scaledTip = saturate((tip + 1n) * maxPerBlock, U128_MAX);
    const virtualTip = info.class.type === 'Operational'
      ? saturate(saturate(fee * BigInt(OPERATIONAL_FEE_MULTIPLIER), U128_MAX) * maxPerBlock, U128_MAX)
      : 0n;
    return saturate(scaledTip + virtualTip, U64_MAX);
  }

  const chargeTransactionPayment: SignedExtension<ChargeTransactionPaymentExtra, Paid> = {
    identifier: 'ChargeTransactionPayment',
    extra: ChargeTransactionPaymentExtra,
    additionalType: unit,
    additional: () => undefined,
    validate: ({ who, info, len }, tip) => {
      const fee = computeFee(len, info, tip);
      // Whether the fee could be paid, asked in a layer that is always undone: validation changes nothing.
      const overlay = storage();
      overlay.startTransaction();
      try {
        withdrawFee(who, fee);
      } finally {
        overlay.rollbackTransaction();
      }
      return { priority: priority(info, len, tip, fee) };
    },
    preDispatch: ({ who, info, len }, tip) => {
      const fee = computeFee(len, info, tip);
      withdrawFee(who, fee);
      return { tip, fee };
    },
    postDispatch: ({ tip, fee }, { who, info, len, actualWeight, paysFee }) => {
      const actualFee = finalFee(computeFeeDetails(len, actualWeight, tip, paysFee, info.class.type));
      // What was overpaid goes back (Deposit); the rest stays burned.
      if (fee > actualFee) currency.deposit(who, fee - actualFee);
      TransactionPaymentEvents.deposit({ type: 'TransactionFeePaid', value: { who, actual_fee: actualFee, tip } });
    },
  };

  /** The call's dispatch info, and whether the extrinsic is signed (only signed ones pay). */
  function decode(extrinsic: Uint8Array): { info: DispatchInfo; signed: boolean } {
    const runtime = config.runtime();
    const xt = runtime.extrinsic.dec(extrinsic);
    return { info: runtime.extrinsicDispatchInfo(xt.call, xt.signature?.signature, extrinsic.length), signed: xt.signature !== undefined };
  }

  /** TransactionPaymentApi_query_info: weight, class and the fee the extrinsic pays before any tip. */
  function queryInfo(extrinsic: Uint8Array, len: number): RuntimeDispatchInfo {
    const { info, signed } = decode(extrinsic);
    return { weight: info.weight, class: info.class, partial_fee: signed ? computeFee(len, info, 0n) : 0n };
  }

  /** TransactionPaymentApi_query_fee_details: the parts of that fee; none for an unsigned extrinsic. */
  function queryFeeDetails(extrinsic: Uint8Array, len: number): FeeDetails {
    const { info, signed } = decode(extrinsic);
    if (!signed) return { inclusion_fee: undefined, tip: 0n };
    return computeFeeDetails(len, info.weight, 0n, info.pays_fee.type === 'Yes', info.class.type);
  }

  const api: TransactionPaymentQueries = {
    queryInfo,
    queryFeeDetails,
    // Uncapped, as TransactionPaymentApi's query_weight_to_fee / query_length_to_fee.
    queryWeightToFee: (weight) => weight.ref_time * WEIGHT_FEE_PER_REF_TIME,
    queryLengthToFee: (length) => BigInt(length) * LENGTH_FEE_PER_BYTE,
  };

  const transactionPayment = pallet({
    name: PALLET,
    docs: 'Transaction fees: withdrawn before dispatch, corrected after it, burned.',
    storage: TransactionPaymentStorage,
    events: TransactionPaymentEvents,
    constants: {
      OperationalFeeMultiplier: constant(u8, OPERATIONAL_FEE_MULTIPLIER, [
        'A fee multiplier for `Operational` extrinsics to compute "virtual tip" to boost their `priority`.']),
    },
    apis: (types) => [transactionPaymentApi(types, api)],
    /** `{ "multiplier": <FixedU128 inner, 10^18 = 1.0> }`, optional: the fee multiplier, constant from then on. */
    genesis: genesisConfig(object({ multiplier: optional(integer({ min: 1n, max: U128_MAX }), MULTIPLIER_ONE) }), ({ multiplier }) => {
      StorageVersion.put({ type: 'V2' });
      NextFeeMultiplier.put(multiplier);
    }),
  });
  return { ...transactionPayment, chargeTransactionPayment, api };
}
