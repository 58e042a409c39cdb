// Balances as a user sees it: signed extrinsics in blocks, then events, storage and balances.
import { u8aToHex } from '@polkadot/util';
import { xxhashAsHex } from '@polkadot/util-crypto';
import type { HexString } from '../../primitives/scale.ts';
import type { AccountId, MultiAddress } from '../../primitives/types.ts';
import { SpecError } from '../../frame/genesis-json.ts';
import * as System from '../../frame/system/index.ts';
import { ALICE, BOB, CHARLIE, DAVE, ESCROW_ID, EVE, GENESIS_PATCH, TestChain, TransactionPayment, alice, bob, charlie, dave, dispatchErrorOf, eventValues, failed, moduleError, names, ok, parseGenesis, runtime, tx } from '../../tests/base-runtime.ts';
import { TOKEN } from '../../frame/units.ts';
import { EXISTENTIAL_DEPOSIT, MAX_RESERVES, Reserves, TotalIssuance, balancesCurrency } from './index.ts';
import { Balances } from '../../runtime/runtime.ts';
import { expectOnlyFeeAndNonce, feePaid } from '../../tests/support.ts';

const ED = EXISTENTIAL_DEPOSIT;
const id = (who: AccountId): MultiAddress => ({ type: 'Id', value: who });
const token = (error: string) => ({ type: 'Token', value: { type: error } });
const balancesError = (index: number) => moduleError('Balances', index);

describe('Balances genesis', () => {
  it('endows the accounts of the chain spec, sets TotalIssuance, and records no events at block 0', () => {
    const chain = new TestChain();
    expect(chain.account(ALICE)).toEqual({
      nonce: 0, consumers: 0, providers: 1, sufficients: 0,
      data: { free: 1000n * TOKEN, reserved: 0n, frozen: 0n, flags: { bits: 1n << 127n } },
    });
    expect(chain.free(CHARLIE)).toBe(10n * TOKEN);
    expect(chain.query(() => System.accountExists(EVE))).toBe(false);
    expect(chain.query(() => TotalIssuance.get())).toBe(1000n * TOKEN + 100n * TOKEN + 10n * TOKEN + TOKEN / 10n);
    expect(chain.events()).toEqual([]);
  });

  it('stores TotalIssuance and Reserves under the keys polkadot.js computes', () => {
    expect(u8aToHex(TotalIssuance.key)).toBe(`${xxhashAsHex('Balances', 128)}${xxhashAsHex('TotalIssuance', 128).slice(2)}`);
    expect(u8aToHex(TotalIssuance.key)).toBe('0xc2261276cc9d1f8598ea4b6a74b15c2f57c875e4cff74148e4628f264b974c80');
    expect(u8aToHex(Reserves.partialKey([]))).toBe(`${xxhashAsHex('Balances', 128)}${xxhashAsHex('Reserves', 128).slice(2)}`);
  });

  const refusal = (balances: unknown) => {
    try {
      parseGenesis({ ...GENESIS_PATCH, balances });
    } catch (error) {
      expect(error).toBeInstanceOf(SpecError);
      return (error as Error).message;
    }
    throw new Error('the genesis was accepted');
  };
  const at = 'genesis.runtimeGenesis.patch.balances';

  it('refuses a bad address, a negative or short amount, a duplicate, and unknown fields, naming the field', () => {
    expect(refusal({ balances: [[alice.address, '20000000000'], ['5NotAnAddress', '20000000000']] }))
      .toMatch(new RegExp(`^${at}\\.balances\\[1\\]\\[0\\]: "5NotAnAddress" is not a valid address`));
    expect(refusal({ balances: [[alice.address, -5]] })).toBe(`${at}.balances[0][1]: -5 is negative`);
    expect(refusal({ balances: [[alice.address, '9999999999']] }))
      .toBe(`${at}.balances[0][1]: 9999999999 is below the minimum 10000000000`);
    expect(refusal({ balances: [[alice.address, 1.5e10 + 0.5]] })).toBe(`${at}.balances[0][1]: 15000000000.5 is not an integer`);
    expect(refusal({ balances: [[bob.address, ED.toString()], [alice.address, ED.toString()], [bob.address, ED.toString()]] }))
      .toBe(`${at}.balances[2][0]: duplicate account ${bob.address} (also at balances[0])`);
    expect(refusal({ balances: [[alice.address]] })).toBe(`${at}.balances[0]: expected [address, amount], got 1 item(s)`);
    expect(refusal({ balances: {} })).toBe(`${at}.balances: expected an array, got {}`);
    expect(refusal({ balance: [] })).toMatch(new RegExp(`^${at}\\.balance: unknown field`));
    const max = ((1n << 128n) - 1n).toString();
    expect(refusal({ balances: [[alice.address, max], [bob.address, ED.toString()]] }))
      .toBe(`${at}.balances: the total issuance exceeds u128`);
  });
});

describe('transfers', () => {
  it('creates the receiver (NewAccount, Endowed) and moves exactly the amount', () => {
    const chain = new TestChain();
    const issuance = chain.userState().totalIssuance;
    const { result, events } = chain.apply(alice, tx.Balances.transfer_allow_death({ dest: id(EVE), value: TOKEN }));
    expect(result).toEqual(ok);
    expect(names(events)).toEqual(['Balances.Withdraw', 'System.NewAccount', 'Balances.Endowed', 'Balances.Transfer',
      'TransactionPayment.TransactionFeePaid', 'System.ExtrinsicSuccess']);
    expect(eventValues(events, 'Balances.Endowed')).toEqual([{ account: EVE, free_balance: TOKEN }]);
    expect(eventValues(events, 'Balances.Transfer')).toEqual([{ from: ALICE, to: EVE, amount: TOKEN }]);
    const fee = feePaid(events);
    expect(chain.free(ALICE)).toBe(1000n * TOKEN - TOKEN - fee);
    expect(chain.account(EVE)).toMatchObject({ providers: 1, consumers: 0, nonce: 0, data: { free: TOKEN } });
    expect(chain.userState().totalIssuance).toBe(issuance - fee);
  });

  it('refuses to create an account below the existential deposit (Token::BelowMinimum), changing nothing but fee and nonce', () => {
    const chain = new TestChain();
    const { result, events } = chain.apply(alice, tx.Balances.transfer_allow_death({ dest: id(EVE), value: ED - 1n }));
    expect(result).toEqual(failed(token('BelowMinimum')));
    expectOnlyFeeAndNonce(chain, ALICE, events);
  });

  it('refuses more than the free balance (Token::FundsUnavailable) and an address that is not an Id (CannotLookup)', () => {
    const chain = new TestChain();
    let sent = chain.apply(charlie, tx.Balances.transfer_allow_death({ dest: id(BOB), value: 11n * TOKEN }));
    expect(sent.result).toEqual(failed(token('FundsUnavailable')));
    expectOnlyFeeAndNonce(chain, CHARLIE, sent.events);
    sent = chain.apply(charlie, tx.Balances.transfer_allow_death({ dest: { type: 'Address32', value: BOB }, value: TOKEN }));
    expect(sent.result).toEqual(failed({ type: 'CannotLookup' }));
    expectOnlyFeeAndNonce(chain, CHARLIE, sent.events);
  });

  it('reaps a sender left below the existential deposit: KilledAccount, the dust burned (DustLost)', () => {
    const chain = new TestChain();
    const dust = 1_000n;
    const draft = chain.sign(dave, tx.Balances.transfer_allow_death({ dest: id(BOB), value: TOKEN / 20n }));
    const fee = chain.query(() => TransactionPayment.api.queryInfo(draft, draft.length)).partial_fee;
    const value = TOKEN / 10n - fee - dust;
    const before = chain.userState();
    const { result, events, len } = chain.apply(dave, tx.Balances.transfer_allow_death({ dest: id(BOB), value }));
    expect(len).toBe(draft.length);
    expect(result).toEqual(ok);
    expect(feePaid(events)).toBe(fee);
    expect(names(events)).toEqual(['Balances.Withdraw', 'System.KilledAccount', 'Balances.DustLost', 'Balances.Transfer',
      'TransactionPayment.TransactionFeePaid', 'System.ExtrinsicSuccess']);
    expect(eventValues(events, 'Balances.DustLost')).toEqual([{ account: DAVE, amount: dust }]);
    expect(chain.query(() => System.Account.contains(DAVE))).toBe(false);
    expect(chain.free(BOB)).toBe(100n * TOKEN + value);
    expect(chain.userState().totalIssuance).toBe(before.totalIssuance - fee - dust);
  });

  it('transfer_keep_alive refuses to reap the sender (Token::NotExpendable) and allows leaving exactly the deposit', () => {
    const chain = new TestChain();
    // One planck more than leaves the deposit after the fee (computed from the weights, as a wallet would).
    const probe = chain.sign(dave, tx.Balances.transfer_keep_alive({ dest: id(BOB), value: chain.free(DAVE) / 2n }));
    const probeFee = chain.query(() => TransactionPayment.api.queryInfo(probe, probe.length)).partial_fee;
    const refusedSend = chain.apply(dave, tx.Balances.transfer_keep_alive({ dest: id(BOB), value: chain.free(DAVE) - probeFee - ED + 1n }));
    expect(refusedSend.result).toEqual(failed(token('NotExpendable')));
    expectOnlyFeeAndNonce(chain, DAVE, refusedSend.events);
    const free = chain.free(DAVE);
    const draft = chain.sign(dave, tx.Balances.transfer_keep_alive({ dest: id(BOB), value: free / 2n }));
    const fee = chain.query(() => TransactionPayment.api.queryInfo(draft, draft.length)).partial_fee;
    const { result } = chain.apply(dave, tx.Balances.transfer_keep_alive({ dest: id(BOB), value: free - fee - ED }));
    expect(result).toEqual(ok);
    expect(chain.free(DAVE)).toBe(ED);
  });

  it('a transfer to oneself is checked, then changes nothing', () => {
    const chain = new TestChain();
    const { result, events } = chain.apply(bob, tx.Balances.transfer_allow_death({ dest: id(BOB), value: TOKEN }));
    expect(result).toEqual(ok);
    expect(names(events)).not.toContain('Balances.Transfer');
    expectOnlyFeeAndNonce(chain, BOB, events);
    const tooMuch = chain.apply(bob, tx.Balances.transfer_allow_death({ dest: id(BOB), value: 200n * TOKEN }));
    expect(tooMuch.result).toEqual(failed(token('FundsUnavailable')));
  });

  it('transfer_all sends everything but the deposit when keeping alive, and everything (reaping) when not', () => {
    const chain = new TestChain();
    const kept = chain.apply(charlie, tx.Balances.transfer_all({ dest: id(EVE), keep_alive: true }));
    expect(kept.result).toEqual(ok);
    expect(chain.free(CHARLIE)).toBe(ED);
    expect(chain.free(EVE)).toBe(10n * TOKEN - feePaid(kept.events) - ED);

    const { result, events } = chain.apply(bob, tx.Balances.transfer_all({ dest: id(EVE), keep_alive: false }));
    expect(result).toEqual(ok);
    expect(names(events)).toEqual(['Balances.Withdraw', 'System.KilledAccount', 'Balances.Transfer',
      'TransactionPayment.TransactionFeePaid', 'System.ExtrinsicSuccess']);
    expect(chain.query(() => System.Account.contains(BOB))).toBe(false);
  });
});

describe('root calls', () => {
  const sudo = (inner: ReturnType<typeof tx.Balances.force_set_balance>) => tx.Sudo.sudo({ call: inner });
  const sudid = (events: { type: string; value: { type: string; value?: unknown } }[]) => eventValues(events, 'Sudo.Sudid');

  it('force_set_balance mints or burns to the new balance, creating or reaping the account', () => {
    const chain = new TestChain();
    const issuance = () => chain.userState().totalIssuance;
    let before = issuance();
    const created = chain.apply(alice, sudo(tx.Balances.force_set_balance({ who: id(EVE), new_free: 5n * TOKEN })));
    expect(sudid(created.events)).toEqual([{ sudo_result: { success: true } }]);
    expect(eventValues(created.events, 'Balances.BalanceSet')).toEqual([{ who: EVE, free: 5n * TOKEN }]);
    expect(names(created.events)).toContain('Balances.Endowed');
    expect(chain.account(EVE)).toMatchObject({ providers: 1, data: { free: 5n * TOKEN } });
    expect(issuance()).toBe(before + 5n * TOKEN); // the sudo key pays no fee

    before = issuance();
    const lowered = chain.apply(alice, sudo(tx.Balances.force_set_balance({ who: id(EVE), new_free: ED - 1n })));
    expect(eventValues(lowered.events, 'Balances.BalanceSet')).toEqual([{ who: EVE, free: 0n }]);
    expect(names(lowered.events)).toContain('System.KilledAccount');
    expect(chain.query(() => System.Account.contains(EVE))).toBe(false);
    expect(issuance()).toBe(before - 5n * TOKEN);
  });

  it('force_transfer moves funds between any accounts; root calls refuse a signed origin (BadOrigin)', () => {
    const chain = new TestChain();
    const moved = chain.apply(alice, sudo(tx.Balances.force_transfer({ source: id(BOB), dest: id(CHARLIE), value: TOKEN })));
    expect(sudid(moved.events)).toEqual([{ sudo_result: { success: true } }]);
    expect(chain.free(BOB)).toBe(99n * TOKEN);
    expect(chain.free(CHARLIE)).toBe(11n * TOKEN);

    const direct = chain.apply(bob, tx.Balances.force_set_balance({ who: id(BOB), new_free: 1_000_000n * TOKEN }));
    expect(direct.result).toEqual(failed({ type: 'BadOrigin' }));
    expectOnlyFeeAndNonce(chain, BOB, direct.events);
  });
});

describe('named reserves (through the Escrow test pallet, as product pallets hold deposits)', () => {
  it('hold reserves under the id and makes the account a consumer; release and pay undo it', () => {
    const chain = new TestChain();
    const held = chain.apply(bob, tx.Escrow.hold({ amount: 10n * TOKEN }));
    expect(held.result).toEqual(ok);
    expect(eventValues(held.events, 'Balances.Reserved')).toEqual([{ who: BOB, amount: 10n * TOKEN }]);
    expect(chain.query(() => Reserves.get(BOB))).toEqual([{ id: ESCROW_ID, amount: 10n * TOKEN }]);
    expect(chain.account(BOB)).toMatchObject({ consumers: 1, data: { reserved: 10n * TOKEN } });

    const released = chain.apply(bob, tx.Escrow.release({ amount: 4n * TOKEN }));
    expect(eventValues(released.events, 'Balances.Unreserved')).toEqual([{ who: BOB, amount: 4n * TOKEN }]);
    expect(chain.query(() => balancesCurrency.reserved(ESCROW_ID, BOB))).toBe(6n * TOKEN);

    const issuance = chain.userState().totalIssuance;
    const paid = chain.apply(bob, tx.Escrow.pay({ to: CHARLIE, amount: 100n * TOKEN }));
    expect(paid.result).toEqual(ok);
    expect(eventValues(paid.events, 'Balances.ReserveRepatriated'))
      .toEqual([{ from: BOB, to: CHARLIE, amount: 6n * TOKEN, destination_status: { type: 'Free' } }]);
    expect(chain.free(CHARLIE)).toBe(16n * TOKEN);
    expect(chain.query(() => Reserves.contains(BOB))).toBe(false);
    expect(chain.account(BOB)).toMatchObject({ consumers: 0, data: { reserved: 0n } });
    expect(chain.userState().totalIssuance).toBe(issuance - feePaid(paid.events));
  });

  it('refuses to reserve more than is free (InsufficientBalance), or to leave free below the deposit (ConsumerRemaining)', () => {
    const chain = new TestChain();
    let held = chain.apply(charlie, tx.Escrow.hold({ amount: 11n * TOKEN }));
    expect(held.result).toEqual(failed(balancesError(2)));
    expectOnlyFeeAndNonce(chain, CHARLIE, held.events);
    held = chain.apply(charlie, tx.Escrow.hold({ amount: chain.free(CHARLIE) - feePaid(held.events) - ED + 1n }));
    expect(held.result).toEqual(failed({ type: 'ConsumerRemaining' }));
    expectOnlyFeeAndNonce(chain, CHARLIE, held.events);
  });

  it('keeps an account with reserves alive: its free balance cannot drop below the deposit (Token::Frozen)', () => {
    const chain = new TestChain();
    chain.apply(charlie, tx.Escrow.hold({ amount: TOKEN }));
    const free = chain.free(CHARLIE);
    const draft = chain.sign(charlie, tx.Balances.transfer_allow_death({ dest: id(BOB), value: free / 2n }));
    const fee = chain.query(() => TransactionPayment.api.queryInfo(draft, draft.length)).partial_fee;
    const all = chain.apply(charlie, tx.Balances.transfer_allow_death({ dest: id(BOB), value: free - fee }));
    expect(all.len).toBe(draft.length);
    expect(all.result).toEqual(failed(token('Frozen')));
    expect(feePaid(all.events)).toBe(fee);
    expectOnlyFeeAndNonce(chain, CHARLIE, all.events);
    const rest = chain.apply(charlie, tx.Balances.transfer_all({ dest: id(BOB), keep_alive: false }));
    expect(rest.result).toEqual(ok);
    expect(chain.account(CHARLIE)).toMatchObject({ providers: 1, consumers: 1, data: { free: ED, reserved: TOKEN } });
  });

  it('pays only into an existing account (DeadAccount)', () => {
    const chain = new TestChain();
    chain.apply(bob, tx.Escrow.hold({ amount: TOKEN }));
    const { result, events } = chain.apply(bob, tx.Escrow.pay({ to: EVE, amount: TOKEN }));
    expect(result).toEqual(failed(balancesError(6)));
    expectOnlyFeeAndNonce(chain, BOB, events);
  });

  it('force_unreserve frees reserved funds by root, whatever reserve they are under', () => {
    const chain = new TestChain();
    chain.apply(bob, tx.Escrow.hold({ amount: 3n * TOKEN }));
    const free = chain.free(BOB);
    const { events } = chain.apply(alice, tx.Sudo.sudo({ call: tx.Balances.force_unreserve({ who: id(BOB), amount: 2n * TOKEN }) }));
    expect(eventValues(events, 'Balances.Unreserved')).toEqual([{ who: BOB, amount: 2n * TOKEN }]);
    expect(chain.account(BOB)).toMatchObject({ consumers: 1, data: { free: free + 2n * TOKEN, reserved: TOKEN } });
  });
});

describe('balancesCurrency, the interface other pallets use', () => {
  it('keeps named reserves sorted by id, at most MaxReserves of them', () => {
    const chain = new TestChain();
    chain.query(() => {
      const ids = Array.from({ length: MAX_RESERVES }, (_, i) => `0x${((i * 37) % MAX_RESERVES).toString(16).padStart(16, '0')}` as HexString);
      for (const reserveId of ids) balancesCurrency.reserve(reserveId, ALICE, TOKEN);
      const stored = Reserves.get(ALICE).map((r) => r.id);
      expect(stored).toEqual([...ids].sort());
      expect(dispatchErrorOf(() => balancesCurrency.reserve('0xffffffffffffffff', ALICE, TOKEN))).toEqual(balancesError(7));
      expect(Reserves.get(ALICE)).toHaveLength(MAX_RESERVES);
      // An existing id still grows.
      balancesCurrency.reserve(ids[0].toUpperCase().replace('0X', '0x') as HexString, ALICE, TOKEN);
      expect(balancesCurrency.reserved(ids[0], ALICE)).toBe(2n * TOKEN);
    });
  });

  it('returns what unreserve and repatriateReserved moved, at most what the reserve holds', () => {
    const chain = new TestChain();
    chain.query(() => {
      balancesCurrency.reserve(ESCROW_ID, BOB, 5n * TOKEN);
      expect(balancesCurrency.unreserve(ESCROW_ID, BOB, 2n * TOKEN)).toBe(2n * TOKEN);
      expect(balancesCurrency.repatriateReserved(ESCROW_ID, BOB, CHARLIE, 10n * TOKEN)).toBe(3n * TOKEN);
      expect(balancesCurrency.unreserve(ESCROW_ID, BOB, TOKEN)).toBe(0n);
      expect(balancesCurrency.free(CHARLIE)).toBe(13n * TOKEN);
    });
  });

  it('withdraw refuses what it cannot take keeping the account alive, changing nothing; deposit skips dead accounts', () => {
    const chain = new TestChain();
    chain.query(() => {
      const issuance = TotalIssuance.get();
      expect(balancesCurrency.withdraw(DAVE, TOKEN / 10n - ED + 1n, true)).toBe(false);
      expect(balancesCurrency.free(DAVE)).toBe(TOKEN / 10n);
      expect(balancesCurrency.withdraw(DAVE, TOKEN / 10n - ED, true)).toBe(true);
      expect(balancesCurrency.free(DAVE)).toBe(ED);
      expect(TotalIssuance.get()).toBe(issuance - (TOKEN / 10n - ED));
      balancesCurrency.deposit(EVE, TOKEN);
      expect(System.Account.contains(EVE)).toBe(false);
      expect(TotalIssuance.get()).toBe(issuance - (TOKEN / 10n - ED));
    });
  });

  it('setBalance (how benchmarks fund accounts) sets the free balance as force_set_balance does: minted or burned, the account created or reaped', () => {
    const chain = new TestChain();
    chain.query(() => {
      const issuance = TotalIssuance.get();
      balancesCurrency.setBalance(EVE, 5n * TOKEN);
      expect([System.Account.contains(EVE), balancesCurrency.free(EVE), TotalIssuance.get()]).toEqual([true, 5n * TOKEN, issuance + 5n * TOKEN]);
      balancesCurrency.setBalance(EVE, ED - 1n);
      expect([System.Account.contains(EVE), TotalIssuance.get()]).toEqual([false, issuance]);
      expect(dispatchErrorOf(() => balancesCurrency.setBalance(EVE, 1n << 128n))).toEqual({ type: 'Arithmetic', value: { type: 'Overflow' } });
    });
  });

  it('refuses amounts outside u128 and moves nothing when it fails', () => {
    const chain = new TestChain();
    chain.query(() => {
      expect(dispatchErrorOf(() => balancesCurrency.transfer(ALICE, BOB, -1n, false))).toEqual({ type: 'Arithmetic', value: { type: 'Underflow' } });
      expect(dispatchErrorOf(() => balancesCurrency.reserve(ESCROW_ID, ALICE, 1n << 128n))).toEqual({ type: 'Arithmetic', value: { type: 'Overflow' } });
      expect(dispatchErrorOf(() => balancesCurrency.transfer(DAVE, EVE, TOKEN / 10n - 1n, true))).toEqual(token('NotExpendable'));
      expect(balancesCurrency.free(DAVE)).toBe(TOKEN / 10n);
      expect(System.Account.contains(EVE)).toBe(false);
    });
  });
});

describe('pallet_balances shapes', () => {
  it('encodes calls with pallet_balances\' indices and Compact values', () => {
    const call = tx.Balances.transfer_keep_alive({ dest: id(BOB), value: 1n });
    expect(u8aToHex(runtime.RuntimeCall.enc(call))).toBe(`0x020300${BOB.slice(2)}04`);
    expect(u8aToHex(runtime.RuntimeCall.enc(tx.Balances.force_unreserve({ who: id(BOB), amount: 1n }))))
      .toBe(`0x020500${BOB.slice(2)}01${'00'.repeat(15)}`);
    expect(Object.fromEntries(Object.entries(Balances.calls!).map(([name, def]) => [name, def.index]))).toEqual({
      transfer_allow_death: 0, force_transfer: 2, transfer_keep_alive: 3, transfer_all: 4, force_unreserve: 5, force_set_balance: 8,
    });
  });

  it('names its errors as pallet_balances does', () => {
    expect(runtime.moduleError({ index: runtime.palletIndex('Balances'), error: '0x04000000' }))
      .toEqual({ pallet: 'Balances', name: 'Expendability', docs: ['Transfer/payment would kill account.'] });
    expect(Balances.errors!.$all.map((e) => [e.index, e.errorName])).toEqual([
      [0, 'VestingBalance'], [1, 'LiquidityRestrictions'], [2, 'InsufficientBalance'], [3, 'ExistentialDeposit'],
      [4, 'Expendability'], [5, 'ExistingVestingSchedule'], [6, 'DeadAccount'], [7, 'TooManyReserves'], [8, 'TooManyHolds'],
      [9, 'TooManyFreezes'], [10, 'IssuanceDeactivated'], [11, 'DeltaZero'],
    ]);
  });
});
