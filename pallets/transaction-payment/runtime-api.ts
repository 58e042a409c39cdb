// TransactionPaymentApi, as pallet_transaction_payment's runtime-api crate declares it: the fee
// an extrinsic would pay, its parts, and the fee of a weight or a length.
import { u32 } from '../../primitives/scale.ts';
import { Balance, Weight, type Weight as WeightValue } from '../../primitives/types.ts';
import { method, runtimeApi, type RuntimeApi, type RuntimeTypes } from '../../frame/runtime-api.ts';
import { FeeDetails, RuntimeDispatchInfo } from './types.ts';

/** What TransactionPaymentApi asks of the TransactionPayment pallet. */
export interface TransactionPaymentQueries {
  queryInfo(extrinsic: Uint8Array, len: number): RuntimeDispatchInfo;
  queryFeeDetails(extrinsic: Uint8Array, len: number): FeeDetails;
  queryWeightToFee(weight: WeightValue): bigint;
  queryLengthToFee(length: number): bigint;
}

/** pallet_transaction_payment's runtime API, version 4, over the pallet's fee queries. */
export function transactionPaymentApi(types: RuntimeTypes, fees: TransactionPaymentQueries): RuntimeApi {
  return runtimeApi('TransactionPaymentApi', 4, {
    query_info: method({
      inputs: { uxt: types.extrinsic, len: u32 }, output: RuntimeDispatchInfo, docs: [],
      call: ({ uxt, len }) => fees.queryInfo(uxt, len),
    }),
    query_fee_details: method({
      inputs: { uxt: types.extrinsic, len: u32 }, output: FeeDetails, docs: [],
      call: ({ uxt, len }) => fees.queryFeeDetails(uxt, len),
    }),
    query_weight_to_fee: method({
      inputs: { weight: Weight }, output: Balance, docs: [],
      call: ({ weight }) => fees.queryWeightToFee(weight),
    }),
    query_length_to_fee: method({
      inputs: { length: u32 }, output: Balance, docs: [],
      call: ({ length }) => fees.queryLengthToFee(length),
    }),
  });
}

