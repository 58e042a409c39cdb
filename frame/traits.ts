// The small interfaces a pallet uses to reach another, wired by the runtime (as FRAME's Config
// traits): a pallet never imports another product pallet.
import type { HexString } from '../primitives/scale.ts';
import type { AccountId } from '../primitives/types.ts';

/** An 8-byte named-reserve identifier (pallet_balances' ReserveIdentifier), as 0x-hex. */
export type ReserveId = HexString;

/** Balances as other pallets see them (fungible::Mutate + NamedReservableCurrency, in short). All amounts in planck. */
export interface Currency {
  /** The existential deposit. */
  readonly minimumBalance: bigint;
  free(who: AccountId): bigint;
  totalIssuance(): bigint;
  /** Moves free funds. `keepAlive` refuses a transfer that would reap `from`. Fails the call when it cannot. */
  transfer(from: AccountId, to: AccountId, amount: bigint, keepAlive: boolean): void;
  /** Moves `amount` from free to the named reserve `id`; fails the call when free funds are short. */
  reserve(id: ReserveId, who: AccountId, amount: bigint): void;
  /** Returns up to `amount` from reserve `id` to free; returns what was moved. */
  unreserve(id: ReserveId, who: AccountId, amount: bigint): bigint;
  /** Pays up to `amount` from `from`'s reserve `id` into `to`'s free balance; returns what was paid. */
  repatriateReserved(id: ReserveId, from: AccountId, to: AccountId, amount: bigint): bigint;
  reserved(id: ReserveId, who: AccountId): bigint;
  /** Burns `amount` of free funds (fees): refuses with false, changing nothing, when it cannot. */
  withdraw(who: AccountId, amount: bigint, keepAlive: boolean): boolean;
  /** Mints `amount` into `who`'s free balance (fee refunds); an account that no longer exists gets nothing. */
  deposit(who: AccountId, amount: bigint): void;
  /**
   * Sets `who`'s free balance, minting or burning the difference (fungible::Mutate::set_balance,
   * Currency::make_free_balance_be): how a benchmark funds its accounts, as FRAME's do through `T::Currency`.
   */
  setBalance(who: AccountId, free: bigint): void;
}

/** The token's price, for pallets that price in USD. */
export interface PriceOracle {
  /** micro-USD per whole token (10^decimals planck), or undefined when none is set. */
  price(): bigint | undefined;
  /** Converts micro-USD to planck at the current price, rounding as asked; fails the call without a price. */
  usdToPlanck(microUsd: bigint, rounding: 'up' | 'down'): bigint;
  /**
   * Converts micro-USD plus `carried` (what an earlier conversion left unpaid) to planck, rounding
   * down, and returns what is left unpaid now, in micro-USD / 10^decimals (less than one planck's
   * worth). Converting in parts with the remainder carried pays exactly what converting the
   * whole would. Fails the call without a price.
   */
  usdToPlanckCarrying(microUsd: bigint, carried: bigint): { planck: bigint; carried: bigint };
  /**
   * Sets the price (a nonzero micro-USD per token), as the oracle's Root call does: how a benchmark
   * prices its set-up, as FRAME's reach other pallets through their Config (a BenchmarkHelper).
   */
  setPrice(price: bigint): void;
}
