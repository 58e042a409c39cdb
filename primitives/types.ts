// Core Substrate types, with the Rust paths polkadot-sdk's metadata gives them (polkadot.js and
// polkadot-api recognise several of them by path).
import * as scale from '@polkadot-api/substrate-bindings';
import {
  Bytes, Compact, Enum, FixedBytes, Newtype, Result, Struct, Vec, alias, bool, declare, u128, u32, u64, u8, unit,
  type Infer,
} from './scale.ts';

export const AccountId32 = Newtype('sp_core::crypto::AccountId32', FixedBytes(32), { typeName: 'AccountId' });
export type AccountId = Infer<typeof AccountId32>;

export const H256 = Newtype('primitive_types::H256', FixedBytes(32), { typeName: 'H256' });
export const Hash = alias(H256, 'Hash');
export type Hash = Infer<typeof Hash>;
export const ZERO_HASH = `0x${'00'.repeat(32)}` as Hash;

export const BlockNumber = alias(u32, 'BlockNumber');
export type BlockNumber = number;
export const Balance = alias(u128, 'Balance');
export type Balance = bigint;
export const Nonce = alias(u32, 'Nonce');
export const Moment = alias(u64, 'Moment');

/** How an extrinsic names its signer. This runtime has no indices pallet, so AccountIndex = (). */
export const MultiAddress = Enum('sp_runtime::multiaddress::MultiAddress', {
  Id: [0, AccountId32],
  Index: [1, Compact(unit)],
  Raw: [2, Bytes],
  Address32: [3, FixedBytes(32)],
  Address20: [4, FixedBytes(20)],
}, { params: [{ name: 'AccountId', type: AccountId32 }, { name: 'AccountIndex', type: unit }] });
export type MultiAddress = Infer<typeof MultiAddress>;

export const MultiSignature = Enum('sp_runtime::MultiSignature', {
  Ed25519: [0, FixedBytes(64)],
  Sr25519: [1, FixedBytes(64)],
  Ecdsa: [2, FixedBytes(65)],
});
export type MultiSignature = Infer<typeof MultiSignature>;

export const ConsensusEngineId = alias(FixedBytes(4), 'ConsensusEngineId');

export const DigestItem = Enum('sp_runtime::generic::digest::DigestItem', {
  Other: [0, Bytes],
  Consensus: [4, [ConsensusEngineId, Bytes]],
  Seal: [5, [ConsensusEngineId, Bytes]],
  PreRuntime: [6, [ConsensusEngineId, Bytes]],
  RuntimeEnvironmentUpdated: 8,
});
export type DigestItem = Infer<typeof DigestItem>;

export const Digest = Struct('sp_runtime::generic::digest::Digest', { logs: Vec(DigestItem) });
export type Digest = Infer<typeof Digest>;

export const Header = Struct('sp_runtime::generic::header::Header', {
  parent_hash: Hash,
  number: Compact(BlockNumber),
  state_root: Hash,
  extrinsics_root: Hash,
  digest: Digest,
}, { params: [{ name: 'Number', type: u32 }, { name: 'Hash' }] });
export type Header = Infer<typeof Header>;

/** Parts per billion / per million, as sp_arithmetic: the inner integer. */
export const Perbill = Newtype('sp_arithmetic::per_things::Perbill', u32);
export const Permill = Newtype('sp_arithmetic::per_things::Permill', u32);
export const PERBILL = 1_000_000_000;
export const PERMILL = 1_000_000;

export const Weight = Struct('sp_weights::weight_v2::Weight', {
  ref_time: Compact(u64),
  proof_size: Compact(u64),
});
export type Weight = Infer<typeof Weight>;

// ---- Era ---------------------------------------------------------------------------------------

/** A transaction's validity window: immortal, or `period` blocks (a power of two, 4..65536) from `phase`. */
export type Era = { type: 'Immortal' } | { type: 'Mortal'; period: number; phase: number };

/** sp_runtime's `Era::mortal(period, current)`: period rounded up to a power of two in 4..=65536, phase quantized. */
export function mortalEra(period: number, current: number): Era {
  const rounded = Math.min(Math.max(2 ** Math.ceil(Math.log2(Math.max(period, 1))), 4), 1 << 16);
  const quantizeFactor = Math.max(rounded >> 12, 1);
  const phase = current % rounded;
  return { type: 'Mortal', period: rounded, phase: Math.floor(phase / quantizeFactor) * quantizeFactor };
}

/** The block this era was created at, given the current block (sp_runtime `Era::birth`). */
export function eraBirth(era: Era, current: number): number {
  if (era.type === 'Immortal') return 0;
  return Math.floor((Math.max(current, era.phase) - era.phase) / era.period) * era.period + era.phase;
}

/** The first block at which a transaction with this era is no longer valid (`Era::death`). */
export function eraDeath(era: Era, current: number): number {
  return era.type === 'Immortal' ? Number.MAX_SAFE_INTEGER : eraBirth(era, current) + era.period;
}

const trailingZeros = (n: number): number => 31 - Math.clz32(n & -n);

const eraCodec = scale.createCodec<Era>(
  (era) => {
    if (era.type === 'Immortal') return new Uint8Array([0]);
    const quantizeFactor = Math.max(era.period >> 12, 1);
    const encoded = Math.min(15, Math.max(1, trailingZeros(era.period) - 1)) | ((era.phase / quantizeFactor) << 4);
    return new Uint8Array([encoded & 0xff, encoded >> 8]);
  },
  scale.createDecoder((bytes) => {
    const first = scale.u8.dec(bytes);
    if (first === 0) return { type: 'Immortal' };
    const encoded = first + (scale.u8.dec(bytes) << 8);
    const period = 2 << (encoded % (1 << 4));
    const quantizeFactor = Math.max(period >> 12, 1);
    const phase = (encoded >> 4) * quantizeFactor;
    if (period < 4 || phase >= period) throw new Error(`invalid mortal era: period ${period}, phase ${phase}`);
    return { type: 'Mortal', period, phase };
  }),
);

// scale-info describes Era as Immortal plus Mortal1..Mortal255(u8): the first byte is the variant.
export const Era = declare(eraCodec, {
  path: ['sp_runtime', 'generic', 'era', 'Era'],
  params: [],
  def: {
    tag: 'variant',
    value: [
      { name: 'Immortal', index: 0, fields: [], docs: [] },
      ...Array.from({ length: 255 }, (_, i) => ({ name: `Mortal${i + 1}`, index: i + 1, fields: [{ type: u8, docs: [] }], docs: [] })),
    ],
  },
  docs: [],
}, { typeName: 'Era' });

// ---- dispatch and transaction validity ---------------------------------------------------------

export const ModuleError = Struct('sp_runtime::ModuleError', { index: u8, error: FixedBytes(4) });
export type ModuleError = Infer<typeof ModuleError>;

export const TokenError = Enum('sp_runtime::TokenError', {
  FundsUnavailable: 0, OnlyProvider: 1, BelowMinimum: 2, CannotCreate: 3, UnknownAsset: 4, Frozen: 5,
  Unsupported: 6, CannotCreateHold: 7, NotExpendable: 8, Blocked: 9,
});
export const ArithmeticError = Enum('sp_arithmetic::ArithmeticError', { Underflow: 0, Overflow: 1, DivisionByZero: 2 });
export const TransactionalError = Enum('sp_runtime::TransactionalError', { LimitReached: 0, NoLayer: 1 });

export const DispatchError = Enum('sp_runtime::DispatchError', {
  Other: 0,
  CannotLookup: 1,
  BadOrigin: 2,
  Module: [3, ModuleError],
  ConsumerRemaining: 4,
  NoProviders: 5,
  TooManyConsumers: 6,
  Token: [7, TokenError],
  Arithmetic: [8, ArithmeticError],
  Transactional: [9, TransactionalError],
  Exhausted: 10,
  Corruption: 11,
  Unavailable: 12,
  RootNotAllowed: 13,
});
export type DispatchError = Infer<typeof DispatchError>;

export const InvalidTransaction = Enum('sp_runtime::transaction_validity::InvalidTransaction', {
  Call: 0,
  Payment: 1,
  Future: 2,
  Stale: 3,
  BadProof: 4,
  AncientBirthBlock: 5,
  ExhaustsResources: 6,
  Custom: [7, u8],
  BadMandatory: 8,
  MandatoryValidation: 9,
  BadSigner: 10,
  IndeterminateImplicit: 11,
  UnknownOrigin: 12,
});
export type InvalidTransaction = Infer<typeof InvalidTransaction>;

export const UnknownTransaction = Enum('sp_runtime::transaction_validity::UnknownTransaction', {
  CannotLookup: 0,
  NoUnsignedValidator: 1,
  Custom: [2, u8],
});

export const TransactionValidityError = Enum('sp_runtime::transaction_validity::TransactionValidityError', {
  Invalid: [0, InvalidTransaction],
  Unknown: [1, UnknownTransaction],
});
export type TransactionValidityError = Infer<typeof TransactionValidityError>;

export const TransactionSource = Enum('sp_runtime::transaction_validity::TransactionSource', {
  InBlock: 0, Local: 1, External: 2,
});

export const ValidTransaction = Struct('sp_runtime::transaction_validity::ValidTransaction', {
  priority: u64,
  requires: Vec(Bytes),
  provides: Vec(Bytes),
  longevity: u64,
  propagate: bool,
});
export type ValidTransaction = Infer<typeof ValidTransaction>;

export const TransactionValidity = Result(ValidTransaction, TransactionValidityError);
export type TransactionValidity = Infer<typeof TransactionValidity>;
