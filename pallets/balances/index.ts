// Over 400 lines: the pallet, its Currency implementation and the fungible rules (existential
// deposit, reserves, issuance) they share, which read best in one place.
// pallet_balances with the fungible-era "new logic": balances live in System.Account's `data`; an
// account's free balance at or above the existential deposit gives it a provider reference, a
// non-zero reserve makes it a consumer, and an account whose free balance drops below the deposit
// with nothing reserved is reaped, its dust burned. AccountData.frozen stays zero: this runtime
// has no locks or freezes, so Locks, Freezes and Holds are not declared and nothing reads `frozen`.
import { BoundedVec, Compact, alias, bool, u128, u32 } from '../../primitives/scale.ts';
import { AccountId32, MultiAddress, type AccountId } from '../../primitives/types.ts';
import {
  DispatchErrors, DispatchFailure, U128_MAX, checkedAdd, checkedSub, lookupAddress,
} from '../../frame/dispatch.ts';
import { storage } from '../../frame/externalities.ts';
import {
  SpecError, account, array, integer, object, optional, refine, tuple, type ShapeValue,
} from '../../frame/genesis-json.ts';
import { call, constant, errors, events, genesisConfig, pallet } from '../../frame/pallet.ts';
import type { PalletBenchmarks } from '../../frame/benchmarking/index.ts';
import { palletStorage } from '../../frame/storage.ts';
import type { Currency, ReserveId } from '../../frame/traits.ts';
import * as System from '../../frame/system/index.ts';
import { EMPTY_ACCOUNT, type AccountData } from '../../frame/system/types.ts';
import { BalanceStatus, ReserveData } from './types.ts';
import { BalancesWeights } from './weights.ts';

const PALLET = 'Balances';

/** Every storage item of the pallet, registered as it is declared below (metadata order). */
export const BalancesStorage = palletStorage(PALLET);

/** 0.01 token (a token is 10^12 planck): the least an account may hold and exist. */
export const EXISTENTIAL_DEPOSIT = 10_000_000_000n;
export const MAX_RESERVES = 50;

const AccountIdOf = alias(AccountId32, 'T::AccountId');
const BalanceOf = alias(u128, 'T::Balance');
const CompactBalance = alias(Compact(u128), 'T::Balance');
const AccountLookup = alias(MultiAddress, 'AccountIdLookupOf<T>');

// ---- storage -------------------------------------------------------------------------------------

export const TotalIssuance = BalancesStorage.value('TotalIssuance', BalanceOf,
  { default: 0n, docs: ['The total units issued in the system.'] });
/** Nothing deactivates issuance in this runtime: it stays zero, present for clients that read it. */
export const InactiveIssuance = BalancesStorage.value('InactiveIssuance', BalanceOf,
  { default: 0n, docs: ['The total units of outstanding deactivated balance in the system.'] });
export const Reserves = BalancesStorage.map('Reserves', 'Blake2_128Concat', AccountId32, BoundedVec(ReserveData, MAX_RESERVES),
  { default: [], docs: ['Named reserves on some account balances.'] });

// ---- events and errors ---------------------------------------------------------------------------

export const BalancesEvents = events(PALLET, {
  Endowed: [0, { account: AccountIdOf, free_balance: BalanceOf }, 'An account was created with some free balance.'],
  DustLost: [1, { account: AccountIdOf, amount: BalanceOf },
    'An account was removed whose balance was non-zero but below ExistentialDeposit, resulting in an outright loss.'],
  Transfer: [2, { from: AccountIdOf, to: AccountIdOf, amount: BalanceOf }, 'Transfer succeeded.'],
  BalanceSet: [3, { who: AccountIdOf, free: BalanceOf }, 'A balance was set by root.'],
  Reserved: [4, { who: AccountIdOf, amount: BalanceOf }, 'Some balance was reserved (moved from free to reserved).'],
  Unreserved: [5, { who: AccountIdOf, amount: BalanceOf }, 'Some balance was unreserved (moved from reserved to free).'],
  ReserveRepatriated: [6, { from: AccountIdOf, to: AccountIdOf, amount: BalanceOf, destination_status: BalanceStatus },
    'Some balance was moved from the reserve of the first account to the second account. Final argument indicates the destination balance type.'],
  Deposit: [7, { who: AccountIdOf, amount: BalanceOf }, 'Some amount was deposited (e.g. for transaction fees).'],
  Withdraw: [8, { who: AccountIdOf, amount: BalanceOf }, 'Some amount was withdrawn from the account (e.g. for transaction fees).'],
});

export const BalancesErrors = errors(PALLET, {
  VestingBalance: [0, 'Vesting balance too high to send value.'],
  LiquidityRestrictions: [1, 'Account liquidity restrictions prevent withdrawal.'],
  InsufficientBalance: [2, 'Balance too low to send value.'],
  ExistentialDeposit: [3, 'Value too low to create account due to existential deposit.'],
  Expendability: [4, 'Transfer/payment would kill account.'],
  ExistingVestingSchedule: [5, 'A vesting schedule already exists for this account.'],
  DeadAccount: [6, 'Beneficiary account must pre-exist.'],
  TooManyReserves: [7, 'Number of named reserves exceed `MaxReserves`.'],
  TooManyHolds: [8, 'Number of holds exceed `VariantCountOf<T::RuntimeHoldReason>`.'],
  TooManyFreezes: [9, 'Number of freezes exceed `MaxFreezes`.'],
  IssuanceDeactivated: [10, 'The issuance cannot be modified since it is already deactivated.'],
  DeltaZero: [11, 'The delta cannot be zero.'],
});

// ---- accounts ------------------------------------------------------------------------------------

/** Whether a transfer may reap the sender (Expendable) or must leave it the existential deposit (Preserve). */
type Preservation = 'Expendable' | 'Preserve';

const accountData = (who: AccountId): AccountData => System.Account.get(who).data;
const totalBalance = (data: AccountData): bigint => data.free + data.reserved;
const isUntouched = (data: AccountData): boolean =>
  data.free === 0n && data.reserved === 0n && data.frozen === 0n && data.flags.bits === EMPTY_ACCOUNT.data.flags.bits;
const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);

/**
 * Applies `f` to `who`'s account data and keeps the reference counts in step, as pallet_balances'
 * try_mutate_account: free >= ED provides, a reserve consumes; dropping below ED with nothing
 * reserved reaps the account and burns the dust. Emits Endowed for an account that had no data,
 * DustLost for burned dust. Fails without effect (in the caller's storage layer) when `f` throws or
 * a reference count cannot move (ConsumerRemaining when reserves still need the provider).
 */
function mutateAccount<R>(who: AccountId, f: (data: AccountData) => R): R {
  const before = accountData(who);
  const isNew = isUntouched(before);
  const data: AccountData = { ...before };
  const didProvide = before.free >= EXISTENTIAL_DEPOSIT;
  const didConsume = !isNew && before.reserved > 0n;
  const result = f(data);
  const doesProvide = data.free >= EXISTENTIAL_DEPOSIT;
  const doesConsume = data.reserved > 0n;
  if (!didProvide && doesProvide) System.incProviders(who);
  if (didConsume && !doesConsume) System.decConsumers(who);
  if (!didConsume && doesConsume) System.incConsumers(who);
  // Last: losing the provider may reap the account.
  if (didProvide && !doesProvide) System.decProviders(who);
  const reaped = data.free < EXISTENTIAL_DEPOSIT && data.reserved === 0n;
  const info = System.Account.get(who);
  // System's StoredMap: data is stored only while something references the account.
  if (info.providers > 0 || info.sufficients > 0) System.Account.insert(who, { ...info, data: reaped ? EMPTY_ACCOUNT.data : data });
  else System.Account.remove(who);
  if (isNew) BalancesEvents.deposit({ type: 'Endowed', value: { account: who, free_balance: data.free } });
  if (reaped && data.free > 0n) {
    TotalIssuance.put(checkedSub(TotalIssuance.get(), data.free));
    BalancesEvents.deposit({ type: 'DustLost', value: { account: who, amount: data.free } });
  }
  return result;
}

/** Whether the account can lose its provider reference: no consumers, or another provider. */
function canDecProvider(who: AccountId): boolean {
  const { consumers, providers } = System.Account.get(who);
  return consumers === 0 || providers > 1;
}

/**
 * The free balance `who` can part with (fungible reducible_balance, Polite): all of it, less the
 * existential deposit when the account must stay alive (Preserve) or cannot die because consumers
 * depend on its only provider.
 */
export function reducibleBalance(who: AccountId, preservation: Preservation): bigint {
  const { free } = accountData(who);
  const keepsDeposit = preservation === 'Preserve' || (free > 0n && !canDecProvider(who));
  if (!keepsDeposit) return free;
  return free > EXISTENTIAL_DEPOSIT ? free - EXISTENTIAL_DEPOSIT : 0n;
}

/** fungible can_withdraw, refusing as Mutate::transfer does: throws the TokenError it maps to. */
function ensureCanWithdraw(who: AccountId, amount: bigint, preservation: Preservation): void {
  if (amount === 0n) return;
  const { free } = accountData(who);
  if (free < amount) throw DispatchErrors.FundsUnavailable;
  if (amount > reducibleBalance(who, 'Expendable')) throw DispatchErrors.Frozen;
  if (free - amount < EXISTENTIAL_DEPOSIT && preservation === 'Preserve') throw DispatchErrors.NotExpendable;
}

/** fungible can_deposit of funds already issued (Extant): throws the error it maps to. */
function ensureCanDeposit(who: AccountId, amount: bigint): void {
  if (amount === 0n) return;
  const { free, reserved } = accountData(who);
  const newFree = free + amount;
  if (newFree > U128_MAX) throw DispatchErrors.Overflow;
  if (newFree < EXISTENTIAL_DEPOSIT) throw DispatchErrors.BelowMinimum;
  if (newFree + reserved > U128_MAX) throw DispatchErrors.Overflow;
}

/**
 * Unbalanced::decrease_balance: takes `amount` (exactly, or as much as `preservation` allows) from
 * the free balance; returns what was taken. Total issuance is the caller's to adjust.
 */
function decreaseBalance(who: AccountId, amount: bigint, preservation: Preservation, exact: boolean): bigint {
  const reducible = reducibleBalance(who, preservation);
  if (exact && amount > reducible) throw DispatchErrors.FundsUnavailable;
  const taken = min(amount, reducible);
  mutateAccount(who, (data) => { data.free -= taken; });
  return taken;
}

/**
 * Unbalanced::increase_balance, best effort: adds `amount`, or as much as fits in u128; an account
 * that would stay below the existential deposit is not credited. Returns what was added.
 */
function increaseBalance(who: AccountId, amount: bigint): bigint {
  const { free } = accountData(who);
  const newFree = min(free + amount, U128_MAX);
  if (newFree < EXISTENTIAL_DEPOSIT || newFree === free) return 0n;
  mutateAccount(who, (data) => { data.free = newFree; });
  return newFree - free;
}

/** fungible::Mutate::transfer: checked first, a no-op to oneself, the receiver created as needed. */
function transfer(source: AccountId, dest: AccountId, amount: bigint, preservation: Preservation): void {
  ensureCanWithdraw(source, amount, preservation);
  ensureCanDeposit(dest, amount);
  if (source === dest) return;
  decreaseBalance(source, amount, preservation, false);
  increaseBalance(dest, amount);
  BalancesEvents.deposit({ type: 'Transfer', value: { from: source, to: dest, amount } });
}

// ---- reserves ------------------------------------------------------------------------------------

/** ReservableCurrency::reserve: free to reserved; the first reserve makes the account a consumer. */
function reserve(who: AccountId, amount: bigint): void {
  if (amount === 0n) return;
  mutateAccount(who, (data) => {
    if (data.free < amount) throw BalancesErrors.InsufficientBalance;
    data.free -= amount;
    data.reserved = checkedAdd(data.reserved, amount, U128_MAX);
  });
  BalancesEvents.deposit({ type: 'Reserved', value: { who, amount } });
}

/** ReservableCurrency::unreserve: reserved back to free, at most what is reserved; returns what was not. */
function unreserve(who: AccountId, amount: bigint): bigint {
  if (amount === 0n) return 0n;
  if (totalBalance(accountData(who)) === 0n) return amount;
  const moved = mutateAccount(who, (data) => {
    const actual = min(data.reserved, amount);
    data.reserved -= actual;
    data.free += actual;
    return actual;
  });
  BalancesEvents.deposit({ type: 'Unreserved', value: { who, amount: moved } });
  return amount - moved;
}

/**
 * Moves up to `amount` of `from`'s reserved balance into the free balance of another account `to`
 * (repatriate_reserved with BalanceStatus::Free); `to` must exist. Returns what was moved.
 */
function repatriateReserved(from: AccountId, to: AccountId, amount: bigint): bigint {
  if (amount === 0n) return 0n;
  const actual = min(amount, accountData(from).reserved);
  if (isUntouched(accountData(to))) throw BalancesErrors.DeadAccount;
  mutateAccount(from, (data) => { data.reserved -= actual; });
  mutateAccount(to, (data) => { data.free = checkedAdd(data.free, actual, U128_MAX); });
  BalancesEvents.deposit({ type: 'ReserveRepatriated', value: { from, to, amount: actual, destination_status: { type: 'Free' } } });
  return actual;
}

/** Where reserve `id` is, or would go, in an account's named reserves (sorted by id, as the pallet keeps them). */
function findReserve(reserves: readonly ReserveData[], id: ReserveId): { index: number; found: boolean } {
  const index = reserves.findIndex((entry) => entry.id >= id);
  if (index === -1) return { index: reserves.length, found: false };
  return { index, found: reserves[index].id === id };
}

/** Takes `amount` off the named reserve at `index`; an emptied reserve, and an empty list, are removed. */
function shrinkReserve(who: AccountId, reserves: ReserveData[], index: number, amount: bigint): void {
  reserves[index] = { ...reserves[index], amount: reserves[index].amount - amount };
  if (reserves[index].amount === 0n) reserves.splice(index, 1);
  if (reserves.length === 0) Reserves.remove(who);
  else Reserves.insert(who, reserves);
}

/** Ids arrive as 0x-hex from other pallets; stored ones are lower case, and order compares them as bytes. */
const normalizeId = (id: ReserveId): ReserveId => id.toLowerCase() as ReserveId;

/** NamedReservableCurrency::reserve_named. */
function reserveNamed(id: ReserveId, who: AccountId, amount: bigint): void {
  if (amount === 0n) return;
  const reserves = [...Reserves.get(who)];
  const { index, found } = findReserve(reserves, id);
  if (found) {
    reserves[index] = { id, amount: checkedAdd(reserves[index].amount, amount, U128_MAX) };
  } else {
    if (reserves.length >= MAX_RESERVES) throw BalancesErrors.TooManyReserves;
    reserves.splice(index, 0, { id, amount });
  }
  Reserves.insert(who, reserves);
  reserve(who, amount);
}

/** NamedReservableCurrency::unreserve_named: returns what could not be unreserved. */
function unreserveNamed(id: ReserveId, who: AccountId, amount: bigint): bigint {
  if (amount === 0n) return 0n;
  const reserves = [...Reserves.get(who)];
  const { index, found } = findReserve(reserves, id);
  if (!found) return amount;
  const toChange = min(reserves[index].amount, amount);
  const actual = toChange - unreserve(who, toChange);
  shrinkReserve(who, reserves, index, actual);
  return amount - actual;
}

/** NamedReservableCurrency::repatriate_reserved_named into free balance: returns what was moved. */
function repatriateReservedNamed(id: ReserveId, from: AccountId, to: AccountId, amount: bigint): bigint {
  if (amount === 0n) return 0n;
  if (from === to) return amount - unreserveNamed(id, from, amount);
  const reserves = [...Reserves.get(from)];
  const { index, found } = findReserve(reserves, id);
  if (!found) return 0n;
  const actual = repatriateReserved(from, to, min(reserves[index].amount, amount));
  shrinkReserve(from, reserves, index, actual);
  return actual;
}

// ---- Currency: what other pallets use --------------------------------------------------------------

/** A u128 amount from another pallet: a negative or too large one fails the call. */
function checkAmount(amount: bigint): bigint {
  if (amount < 0n) throw DispatchErrors.Underflow;
  if (amount > U128_MAX) throw DispatchErrors.Overflow;
  return amount;
}

/** Runs `body` in its own storage layer, so that a failure leaves nothing behind even if the caller carries on. */
const layered = <T>(body: () => T): T => storage().transactional(body);

/** Sets `who`'s free balance (below the existential deposit: zero); the difference is minted or burned. */
function setFreeBalance(who: AccountId, newFree: bigint): void {
  const free = newFree < EXISTENTIAL_DEPOSIT ? 0n : newFree;
  const old = mutateAccount(who, (data) => {
    const previous = data.free;
    data.free = free;
    return previous;
  });
  // The balance was minted or burned: issuance follows it.
  const issuance = TotalIssuance.get();
  TotalIssuance.put(free >= old ? checkedAdd(issuance, free - old, U128_MAX) : checkedSub(issuance, old - free));
  BalancesEvents.deposit({ type: 'BalanceSet', value: { who, free } });
}

/**
 * Balances as the Currency of frame/traits.ts. Fees are burned: withdraw lowers TotalIssuance by
 * what it takes, deposit (a refund) raises it by what it gives back.
 */
export const balancesCurrency: Currency = {
  minimumBalance: EXISTENTIAL_DEPOSIT,
  free: (who) => accountData(who).free,
  totalIssuance: () => TotalIssuance.get(),
  transfer: (from, to, amount, keepAlive) =>
    layered(() => transfer(from, to, checkAmount(amount), keepAlive ? 'Preserve' : 'Expendable')),
  reserve: (id, who, amount) => layered(() => reserveNamed(normalizeId(id), who, checkAmount(amount))),
  unreserve: (id, who, amount) => layered(() => amount - unreserveNamed(normalizeId(id), who, checkAmount(amount))),
  repatriateReserved: (id, from, to, amount) => layered(() => repatriateReservedNamed(normalizeId(id), from, to, checkAmount(amount))),
  reserved: (id, who) => {
    const reserves = Reserves.get(who);
    const { index, found } = findReserve(reserves, normalizeId(id));
    return found ? reserves[index].amount : 0n;
  },
  withdraw: (who, amount, keepAlive) => {
    try {
      layered(() => {
        const taken = decreaseBalance(who, checkAmount(amount), keepAlive ? 'Preserve' : 'Expendable', true);
        TotalIssuance.put(checkedSub(TotalIssuance.get(), taken));
        BalancesEvents.deposit({ type: 'Withdraw', value: { who, amount: taken } });
      });
      return true;
    } catch (error) {
      if (error instanceof DispatchFailure) return false;
      throw error;
    }
  },
  deposit: (who, amount) => layered(() => {
    // A refund to an account that no longer exists would recreate it: it stays burned instead.
    if (totalBalance(accountData(who)) === 0n) return;
    const given = increaseBalance(who, checkAmount(amount));
    TotalIssuance.put(checkedAdd(TotalIssuance.get(), given, U128_MAX));
    BalancesEvents.deposit({ type: 'Deposit', value: { who, amount: given } });
  }),
  setBalance: (who, free) => layered(() => setFreeBalance(who, checkAmount(free))),
};

// ---- genesis -------------------------------------------------------------------------------------

export type BalancesGenesis = ShapeValue<typeof BalancesGenesisConfig>;

/** `[["<ss58>", <amount>], ...]`: amounts as safe-integer numbers or decimal strings, each at least the ED; each account once. */
const GenesisBalances = refine(array(tuple(['address', account], ['amount', integer({ min: EXISTENTIAL_DEPOSIT, max: U128_MAX })])),
  (balances, path, json) => {
    const seen = new Map<AccountId, number>();
    for (const [i, [who]] of balances.entries()) {
      const first = seen.get(who);
      const given = (json as unknown[][])[i][0];
      if (first !== undefined) throw new SpecError(`${path}[${i}][0]`, `duplicate account ${String(given)} (also at balances[${first}])`);
      seen.set(who, i);
    }
    if (balances.reduce((sum, [, amount]) => sum + amount, 0n) > U128_MAX) throw new SpecError(path, 'the total issuance exceeds u128');
    return balances;
  });

/** `{ "balances": [["<ss58>", <amount>], ...] }`. */
const BalancesGenesisConfig = object({ balances: optional(GenesisBalances, []) });

function buildGenesis({ balances }: BalancesGenesis): void {
  TotalIssuance.put(balances.reduce((sum, [, amount]) => sum + amount, 0n));
  for (const [who, free] of balances) {
    System.incProviders(who);
    System.Account.mutate(who, (info) => ({ ...info, data: { ...EMPTY_ACCOUNT.data, free } }));
  }
}

// ---- the pallet ----------------------------------------------------------------------------------

const balances = pallet({
  name: PALLET,
  docs: 'Accounts and balances of the native token: transfers, named reserves, issuance.',
  storage: BalancesStorage,
  calls: {
    transfer_allow_death: call({
      index: 0, origin: 'signed', args: { dest: AccountLookup, value: CompactBalance }, weight: BalancesWeights.transferAllowDeath,
      docs: ['Transfer some liquid free balance to another account.',
        'If the sender\'s account is below the existential deposit as a result of the transfer, the account will be reaped.'],
      dispatch: (who, { dest, value }) => transfer(who, lookupAddress(dest), value, 'Expendable'),
    }),
    force_transfer: call({
      index: 2, origin: 'root', args: { source: AccountLookup, dest: AccountLookup, value: CompactBalance },
      weight: BalancesWeights.forceTransfer,
      docs: 'Exactly as `transfer_allow_death`, except the origin must be root and the source account may be specified.',
      dispatch: ({ source, dest, value }) => transfer(lookupAddress(source), lookupAddress(dest), value, 'Expendable'),
    }),
    transfer_keep_alive: call({
      index: 3, origin: 'signed', args: { dest: AccountLookup, value: CompactBalance }, weight: BalancesWeights.transferKeepAlive,
      docs: 'Same as the `transfer_allow_death` call, but with a check that the transfer will not kill the origin account.',
      dispatch: (who, { dest, value }) => transfer(who, lookupAddress(dest), value, 'Preserve'),
    }),
    transfer_all: call({
      index: 4, origin: 'signed', args: { dest: AccountLookup, keep_alive: bool }, weight: BalancesWeights.transferAll,
      docs: ['Transfer the entire transferable balance from the caller account.',
        'Reserved funds, and the existential deposit when `keep_alive` is true, are not transferred.'],
      dispatch: (who, { dest, keep_alive }) => {
        const preservation = keep_alive ? 'Preserve' : 'Expendable';
        transfer(who, lookupAddress(dest), reducibleBalance(who, preservation), preservation);
      },
    }),
    force_unreserve: call({
      index: 5, origin: 'root', args: { who: AccountLookup, amount: BalanceOf }, weight: BalancesWeights.forceUnreserve,
      docs: ['Unreserve some balance from a user by force.',
        'It frees reserved funds without regard to named reserves, as pallet_balances does.'],
      dispatch: ({ who, amount }) => { unreserve(lookupAddress(who), amount); },
    }),
    force_set_balance: call({
      index: 8, origin: 'root', args: { who: AccountLookup, new_free: CompactBalance }, weight: BalancesWeights.forceSetBalance,
      docs: ['Set the regular balance of a given account.', 'A balance below the existential deposit is set to zero.'],
      dispatch: ({ who, new_free }) => setFreeBalance(lookupAddress(who), new_free),
    }),
  },
  events: BalancesEvents,
  errors: BalancesErrors,
  constants: {
    ExistentialDeposit: constant(BalanceOf, EXISTENTIAL_DEPOSIT,
      ['The minimum amount required to keep an account open. MUST BE GREATER THAN ZERO!']),
    MaxLocks: constant(u32, 0, ['The maximum number of locks that should exist on an account.',
      'Zero: this runtime has no locks.']),
    MaxReserves: constant(u32, MAX_RESERVES, ['The maximum number of named reserves that can exist on an account.']),
    MaxFreezes: constant(u32, 0, ['The maximum number of individual freeze locks that can exist on an account at any time.',
      'Zero: this runtime has no freezes.']),
  },
  genesis: genesisConfig(BalancesGenesisConfig, buildGenesis),
  benchmarks: async (self): Promise<PalletBenchmarks> => (await import('./benchmarks.ts')).balancesBenchmarks(self, balancesCurrency),
});

/** Balances takes nothing from the runtime; other pallets reach it through its `currency`. */
export type BalancesConfig = Record<string, never>;
export const createBalances = (_config: BalancesConfig) => ({ ...balances, currency: balancesCurrency });
