// pallet_balances' own types. AccountData lives in System.Account (frame/system/types.ts).
import { Enum, FixedBytes, Struct, alias, u128, type Infer } from '../../primitives/scale.ts';
import { Balance } from '../../primitives/types.ts';

/** The runtime's ReserveIdentifier: 8 bytes, as `[u8; 8]` in polkadot-sdk runtimes. */
export const ReserveIdentifier = alias(FixedBytes(8), 'ReserveIdentifier');

/** One named reserve of an account. */
export const ReserveData = Struct('pallet_balances::types::ReserveData', {
  id: ReserveIdentifier,
  amount: Balance,
}, { params: [{ name: 'ReserveIdentifier', type: ReserveIdentifier }, { name: 'Balance', type: u128 }] });
export type ReserveData = Infer<typeof ReserveData>;

/** Where repatriated reserved funds land in the beneficiary's account. */
export const BalanceStatus = Enum('frame_support::traits::tokens::misc::BalanceStatus', { Free: 0, Reserved: 1 });
