// frame_system's signed extensions: CheckNonZeroSender, CheckSpecVersion, CheckTxVersion,
// CheckGenesis, CheckMortality, CheckNonce, CheckWeight — checks and effects as polkadot-sdk has them.
import { Compact, Newtype, Struct, Tuple, alias, u32, unit } from '../../primitives/scale.ts';
import {
  AccountId32, Era, H256, eraBirth, eraDeath, type AccountId, type Weight,
} from '../../primitives/types.ts';
import { subWeight, weightFits, addWeight, type DispatchClass, type DispatchInfo } from '../dispatch.ts';
import { invalid, type SignedExtension, type TransactionContext } from '../extensions.ts';
import { Account, AllExtrinsicsLen, BlockHash, BlockWeight, Number } from './index.ts';
import type { BlockLength, BlockWeights } from './types.ts';

const NO_FIELDS = {};
const ZERO_ACCOUNT = `0x${'00'.repeat(32)}` as AccountId;

/** An extension with no explicit data: a struct without fields, as its Rust type has. */
const marker = (name: string) => Struct(`frame_system::extensions::${name}`, NO_FIELDS, { params: [{ name: 'T' }] });

export const CheckNonZeroSender: SignedExtension<object> = {
  identifier: 'CheckNonZeroSender',
  extra: marker('check_non_zero_sender::CheckNonZeroSender'),
  additionalType: unit,
  additional: () => undefined,
  validate: ({ who }) => {
    if (who === ZERO_ACCOUNT) throw invalid('BadSigner');
    return {};
  },
  preDispatch(ctx) { this.validate!(ctx, NO_FIELDS); },
};

/** CheckSpecVersion and CheckTxVersion: the version goes into the signed payload only. */
export const versionCheck = (identifier: 'CheckSpecVersion' | 'CheckTxVersion', version: number): SignedExtension<object> => ({
  identifier,
  extra: marker(`${identifier === 'CheckSpecVersion' ? 'check_spec_version' : 'check_tx_version'}::${identifier}`),
  additionalType: u32,
  additional: () => version,
});

/** The genesis hash goes into the signed payload: a transaction signed for another chain fails its signature check. */
export const CheckGenesis: SignedExtension<object> = {
  identifier: 'CheckGenesis',
  extra: marker('check_genesis::CheckGenesis'),
  additionalType: H256,
  additional: () => BlockHash.get(0),
};

/** `CheckMortality<T>(Era)`. */
const CheckMortalityType = Newtype('frame_system::extensions::check_mortality::CheckMortality', Era, { params: [{ name: 'T' }] });

/** The era: the hash of its birth block is signed, so the transaction is valid only on that chain, in that window. */
export const CheckMortality: SignedExtension<Era> = {
  identifier: 'CheckMortality',
  extra: CheckMortalityType,
  additionalType: H256,
  additional: (era) => {
    const birth = eraBirth(era, Number.get());
    if (!BlockHash.contains(birth)) throw invalid('AncientBirthBlock');
    return BlockHash.get(birth);
  },
  validate: (_ctx, era) => {
    const current = Number.get();
    const death = era.type === 'Immortal' ? undefined : eraDeath(era, current);
    return death === undefined ? {} : { longevity: BigInt(Math.max(death - current, 0)) };
  },
};

/** `CheckNonce<T>(#[codec(compact)] T::Nonce)`. */
const CheckNonceType = Newtype('frame_system::extensions::check_nonce::CheckNonce', alias(Compact(u32), 'T::Nonce'), { params: [{ name: 'T' }] });
const nonceTag = Tuple(AccountId32, u32);

function checkNonceAccount(who: AccountId) {
  const account = Account.get(who);
  // An account that does not exist cannot pay (and must not be created by a nonce bump).
  if (account.providers === 0 && account.sufficients === 0) throw invalid('Payment');
  return account;
}

export const CheckNonce: SignedExtension<number> = {
  identifier: 'CheckNonce',
  extra: CheckNonceType,
  additionalType: unit,
  additional: () => undefined,
  validate: ({ who }, nonce) => {
    const account = checkNonceAccount(who);
    if (nonce < account.nonce) throw invalid('Stale');
    return {
      provides: [nonceTag.enc([who, nonce])],
      requires: nonce > account.nonce ? [nonceTag.enc([who, nonce - 1])] : [],
    };
  },
  preDispatch: ({ who }, nonce) => {
    const account = checkNonceAccount(who);
    if (nonce !== account.nonce) throw invalid(nonce < account.nonce ? 'Stale' : 'Future');
    Account.insert(who, { ...account, nonce: account.nonce + 1 });
  },
};

/** The PerDispatchClass field of a dispatch class. */
export const classKey = (c: DispatchClass) => (c === 'Normal' ? 'normal' : c === 'Operational' ? 'operational' : 'mandatory');

/** CheckWeight's limits: the block's weights and length per dispatch class. */
export interface WeightLimits { blockWeights: BlockWeights; blockLength: BlockLength }

/** The weight an extrinsic adds to its class: the call's weight plus the class's base extrinsic weight. */
export const extrinsicWeight = (limits: WeightLimits, info: DispatchInfo): Weight =>
  addWeight(info.weight, limits.blockWeights.per_class[classKey(info.class.type)].base_extrinsic);

/**
 * Checks that an extrinsic fits the block's length and weight for its class and accounts for it
 * (frame_system's calculate_consumed_weight): the class total against `max_total`, and when the
 * whole block is over `max_block`, the class total against its `reserved` pool.
 */
export function accountExtrinsic(limits: WeightLimits, info: DispatchInfo, len: number): void {
  checkExtrinsicWeight(limits, info);
  const cls = classKey(info.class.type);
  const length = (AllExtrinsicsLen.get() ?? 0) + len;
  if (length > limits.blockLength.max[cls]) throw invalid('ExhaustsResources');
  const perClass = limits.blockWeights.per_class[cls];
  const consumed = BlockWeight.get();
  const next = { ...consumed, [cls]: addWeight(consumed[cls], extrinsicWeight(limits, info)) };
  if (perClass.max_total && !weightFits(next[cls], perClass.max_total)) throw invalid('ExhaustsResources');
  const total = addWeight(addWeight(next.normal, next.operational), next.mandatory);
  if (!weightFits(total, limits.blockWeights.max_block) && perClass.reserved && !weightFits(next[cls], perClass.reserved)) {
    throw invalid('ExhaustsResources');
  }
  BlockWeight.put(next);
  AllExtrinsicsLen.put(length);
}

/** One extrinsic alone may not exceed its class's `max_extrinsic` (check_extrinsic_weight). */
function checkExtrinsicWeight(limits: WeightLimits, info: DispatchInfo): void {
  const max = limits.blockWeights.per_class[classKey(info.class.type)].max_extrinsic;
  if (max && !weightFits(info.weight, max)) throw invalid('ExhaustsResources');
}

/** Gives back to the block the weight a call declared but did not use. */
export function refundUnusedWeight(info: DispatchInfo, actual: Weight): void {
  const cls = classKey(info.class.type);
  const unspent = subWeight(info.weight, actual);
  if (unspent.ref_time === 0n && unspent.proof_size === 0n) return;
  BlockWeight.mutate((consumed) => ({ ...consumed, [cls]: subWeight(consumed[cls], unspent) }));
}

export function checkWeight(limits: WeightLimits): SignedExtension<object> {
  return {
    identifier: 'CheckWeight',
    extra: marker('check_weight::CheckWeight'),
    additionalType: unit,
    additional: () => undefined,
    validate: ({ info, len }: TransactionContext) => {
      if (len > limits.blockLength.max[classKey(info.class.type)]) throw invalid('ExhaustsResources');
      checkExtrinsicWeight(limits, info);
      return {};
    },
    preDispatch: ({ info, len }) => accountExtrinsic(limits, info, len),
    postDispatch: (_pre, { info, actualWeight }) => refundUnusedWeight(info, actualWeight),
  };
}
