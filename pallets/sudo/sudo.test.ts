// Sudo as a user sees it: the key dispatching as Root, others refused, the key changing hands.
import { u8aToHex } from '@polkadot/util';
import type { MultiAddress } from '../../primitives/types.ts';
import { SpecError } from '../../frame/genesis-json.ts';
import { Price } from '../oracle/index.ts';
import { ALICE, BOB, CHARLIE, EVE, GENESIS_PATCH, TestChain, alice, bob, failed, moduleError, names, ok, parseGenesis, runtime, tx, type Event } from '../../tests/base-runtime.ts';
import { TOKEN } from '../../frame/units.ts';
import { Key } from './index.ts';
import { SudoWeights } from './weights.ts';
import { expectOnlyFeeAndNonce, feePaid } from '../../tests/support.ts';

const id = (who: typeof ALICE): MultiAddress => ({ type: 'Id', value: who });
const valuesOf = (events: Event[], name: string) => events.filter((e) => `${e.type}.${e.value.type}` === name).map((e) => e.value.value);
const successInfo = (events: Event[]) =>
  (valuesOf(events, 'System.ExtrinsicSuccess')[0] as { dispatch_info: { pays_fee: { type: string } } }).dispatch_info;
const SUDID_OK = { sudo_result: { success: true } };
const requireSudo = moduleError('Sudo', 0);

describe('sudo', () => {
  it('dispatches the call as Root for the key, who pays no fee', () => {
    const chain = new TestChain();
    const { result, events } = chain.apply(alice, tx.Sudo.sudo({ call: tx.Oracle.set_price({ price: 3_000_000n }) }));
    expect(result).toEqual(ok);
    expect(names(events)).toEqual(['Balances.Withdraw', 'Oracle.PriceSet', 'Sudo.Sudid', 'Balances.Deposit',
      'TransactionPayment.TransactionFeePaid', 'System.ExtrinsicSuccess']);
    expect(valuesOf(events, 'Sudo.Sudid')).toEqual([SUDID_OK]);
    expect(feePaid(events)).toBe(0n);
    expect(successInfo(events).pays_fee).toEqual({ type: 'No' });
    expectOnlyFeeAndNonce(chain, ALICE, events, ['Oracle.Price']);
    expect(chain.query(() => Price.get())).toBe(3_000_000n);
  });

  it('refuses anyone but the key (RequireSudo): they pay the fee and nothing else happens', () => {
    const chain = new TestChain();
    const { result, events } = chain.apply(bob, tx.Sudo.sudo({ call: tx.Oracle.set_price({ price: 3_000_000n }) }));
    expect(result).toEqual(failed(requireSudo));
    expect(feePaid(events)).toBeGreaterThan(0n);
    expectOnlyFeeAndNonce(chain, BOB, events);
  });

  it('reports a failing inner call in Sudid; the sudo itself succeeds and the inner call changes nothing', () => {
    const chain = new TestChain();
    const inner = tx.Balances.force_transfer({ source: id(EVE), dest: id(BOB), value: TOKEN });
    const { result, events } = chain.apply(alice, tx.Sudo.sudo({ call: inner }));
    expect(result).toEqual(ok);
    expect(valuesOf(events, 'Sudo.Sudid')).toEqual([{ sudo_result: { success: false, value: { type: 'Token', value: { type: 'FundsUnavailable' } } } }]);
    expect(feePaid(events)).toBe(0n);
    expectOnlyFeeAndNonce(chain, ALICE, events);
  });

  it('nests: sudo(sudo(failing call)) reports the inner error, then the outer success', () => {
    const chain = new TestChain();
    const failing = tx.Oracle.set_price({ price: 0n });
    const { result, events } = chain.apply(alice, tx.Sudo.sudo({ call: tx.Sudo.sudo({ call: failing }) }));
    expect(result).toEqual(ok);
    expect(valuesOf(events, 'Sudo.Sudid')).toEqual([{ sudo_result: { success: false, value: moduleError('Oracle', 0) } }, SUDID_OK]);
    expect(feePaid(events)).toBe(0n);
    expectOnlyFeeAndNonce(chain, ALICE, events);
  });

  it('weighs its own check plus the inner call, in the inner call\'s class; sudo_unchecked_weight takes the given weight', () => {
    const inner = tx.Meter.work({ declared: 1_000_000_000n, used: 0n, operational: true });
    expect(runtime.dispatchInfo(tx.Sudo.sudo({ call: inner }))).toEqual({
      weight: { ref_time: SudoWeights.sudo().ref_time + 1_000_000_000n, proof_size: SudoWeights.sudo().proof_size },
      class: { type: 'Operational' },
      pays_fee: { type: 'Yes' },
    });
    const given = { ref_time: 42n, proof_size: 7n };
    expect(runtime.dispatchInfo(tx.Sudo.sudo_unchecked_weight({ call: inner, weight: given })))
      .toEqual({ weight: given, class: { type: 'Operational' }, pays_fee: { type: 'Yes' } });
    const chain = new TestChain();
    const { result, events } = chain.apply(alice, tx.Sudo.sudo_unchecked_weight({ call: tx.Oracle.set_price({ price: 9n }), weight: given }));
    expect(result).toEqual(ok);
    expect(valuesOf(events, 'Sudo.Sudid')).toEqual([SUDID_OK]);
    expect(chain.query(() => Price.get())).toBe(9n);
  });
});

describe('sudo_as', () => {
  it('dispatches the call signed by the given account; nobody pays a fee for it', () => {
    const chain = new TestChain();
    const { result, events } = chain.apply(alice, tx.Sudo.sudo_as({ who: id(BOB), call: tx.Balances.transfer_keep_alive({ dest: id(CHARLIE), value: TOKEN }) }));
    expect(result).toEqual(ok);
    expect(valuesOf(events, 'Sudo.SudoAsDone')).toEqual([SUDID_OK]);
    expect(valuesOf(events, 'Balances.Transfer')).toEqual([{ from: BOB, to: CHARLIE, amount: TOKEN }]);
    expect(chain.free(BOB)).toBe(99n * TOKEN);
    expect(chain.free(ALICE)).toBe(1000n * TOKEN);
  });

  it('reports the inner call\'s error in SudoAsDone', () => {
    const chain = new TestChain();
    const { events } = chain.apply(alice, tx.Sudo.sudo_as({ who: id(BOB), call: tx.Oracle.set_price({ price: 1n }) }));
    expect(valuesOf(events, 'Sudo.SudoAsDone')).toEqual([{ sudo_result: { success: false, value: { type: 'BadOrigin' } } }]);
  });
});

describe('the key', () => {
  it('set_key hands the key over: KeyChanged, then only the new key passes', () => {
    const chain = new TestChain();
    const { result, events } = chain.apply(alice, tx.Sudo.set_key({ new: id(BOB) }));
    expect(result).toEqual(ok);
    expect(valuesOf(events, 'Sudo.KeyChanged')).toEqual([{ old: ALICE, new: BOB }]);
    expect(successInfo(events).pays_fee).toEqual({ type: 'No' });
    expect(chain.query(() => Key.get())).toBe(BOB);
    expect(chain.apply(alice, tx.Sudo.set_key({ new: id(ALICE) })).result).toEqual(failed(requireSudo));
    expect(chain.apply(bob, tx.Sudo.sudo({ call: tx.Oracle.set_price({ price: 5n }) })).result).toEqual(ok);
    expect(chain.query(() => Price.get())).toBe(5n);
  });

  it('remove_key leaves no key: KeyRemoved, then nobody passes', () => {
    const chain = new TestChain();
    const { events } = chain.apply(alice, tx.Sudo.remove_key({}));
    expect(names(events)).toContain('Sudo.KeyRemoved');
    expect(chain.query(() => Key.get())).toBeUndefined();
    expect(chain.apply(alice, tx.Sudo.sudo({ call: tx.Oracle.set_price({ price: 5n }) })).result).toEqual(failed(requireSudo));
  });

  it('takes the key from genesis, optionally, refusing a bad address by field', () => {
    expect(new TestChain({ ...GENESIS_PATCH, sudo: {} }).query(() => Key.get())).toBeUndefined();
    expect(new TestChain({ ...GENESIS_PATCH, sudo: { key: null } }).query(() => Key.get())).toBeUndefined();
    expect(() => parseGenesis({ ...GENESIS_PATCH, sudo: { key: 'alice' } }))
      .toThrow(/^genesis\.runtimeGenesis\.patch\.sudo\.key: "alice" is not a valid address/);
    expect(() => parseGenesis({ ...GENESIS_PATCH, sudo: { keys: [] } })).toThrow(SpecError);
  });

  it('encodes its calls with pallet_sudo\'s indices, the inner call boxed as a RuntimeCall', () => {
    const inner = tx.Oracle.set_price({ price: 1n });
    const innerBytes = u8aToHex(runtime.RuntimeCall.enc(inner)).slice(2);
    expect(u8aToHex(runtime.RuntimeCall.enc(tx.Sudo.sudo({ call: inner })))).toBe(`0x0400${innerBytes}`);
    expect(u8aToHex(runtime.RuntimeCall.enc(tx.Sudo.sudo_as({ who: id(BOB), call: inner })))).toBe(`0x040300${BOB.slice(2)}${innerBytes}`);
    expect(u8aToHex(runtime.RuntimeCall.enc(tx.Sudo.remove_key({})))).toBe('0x0404');
    expect(runtime.RuntimeCall.dec(runtime.RuntimeCall.enc(tx.Sudo.sudo({ call: tx.Sudo.sudo({ call: inner }) }))))
      .toEqual(tx.Sudo.sudo({ call: tx.Sudo.sudo({ call: inner }) }));
  });
});
