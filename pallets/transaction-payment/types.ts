// pallet_transaction_payment's types: the fee multiplier, the signed extension's data, and what the
// TransactionPaymentApi runtime API returns (paths as polkadot-sdk gives them).
import { Compact, Enum, Newtype, Option, Struct, alias, u128, type Infer } from '../../primitives/scale.ts';
import { Balance, Weight } from '../../primitives/types.ts';
import { DispatchClass } from '../../frame/dispatch.ts';

/** sp_arithmetic's FixedU128: the inner u128 counts 10^-18, so 10^18 is 1.0. */
export const Multiplier = Newtype('sp_arithmetic::fixed_point::FixedU128', u128, { typeName: 'Multiplier' });
export const MULTIPLIER_ONE = 10n ** 18n;

export const Releases = Enum('pallet_transaction_payment::Releases', { V1Ancient: 0, V2: 1 });

/** The tip, the only explicit data of ChargeTransactionPayment (named like the framework's other extensions' fields). */
/** `ChargeTransactionPayment<T>(#[codec(compact)] BalanceOf<T>)`: the tip. */
export const ChargeTransactionPaymentExtra = Newtype('pallet_transaction_payment::ChargeTransactionPayment',
  alias(Compact(u128), 'BalanceOf<T>'), { params: [{ name: 'T' }] });
export type ChargeTransactionPaymentExtra = Infer<typeof ChargeTransactionPaymentExtra>;

const balanceParam = { params: [{ name: 'Balance', type: u128 }] };

/** The fee a transaction pays to be included, before any tip. */
export const InclusionFee = Struct('pallet_transaction_payment::types::InclusionFee', {
  base_fee: Balance,
  len_fee: Balance,
  adjusted_weight_fee: Balance,
}, balanceParam);
export type InclusionFee = Infer<typeof InclusionFee>;

/** An inclusion fee (none when the call pays no fee) and the tip. */
export const FeeDetails = Struct('pallet_transaction_payment::types::FeeDetails', {
  inclusion_fee: Option(InclusionFee),
  tip: Balance,
}, balanceParam);
export type FeeDetails = Infer<typeof FeeDetails>;

export const RuntimeDispatchInfo = Struct('pallet_transaction_payment::types::RuntimeDispatchInfo', {
  weight: Weight,
  class: DispatchClass,
  partial_fee: Balance,
}, { params: [{ name: 'Balance', type: u128 }, { name: 'Weight', type: Weight }] });
export type RuntimeDispatchInfo = Infer<typeof RuntimeDispatchInfo>;
