// The Oracle as a user sees it: Root sets the price, others cannot; pallets convert USD with it.
import { SpecError } from '../../frame/genesis-json.ts';
import { BOB, GENESIS_PATCH, TestChain, alice, bob, dispatchErrorOf, eventValues, failed, moduleError, parseGenesis, tx } from '../../tests/base-runtime.ts';
import { TOKEN } from '../../frame/units.ts';
import { U64_MAX } from '../../frame/dispatch.ts';
import { Price, oraclePrice } from './index.ts';
import { expectOnlyFeeAndNonce } from '../../tests/support.ts';


describe('Oracle', () => {
  it('lets Root set the price: PriceSet, and the new price in storage', () => {
    const chain = new TestChain();
    const { events } = chain.apply(alice, tx.Sudo.sudo({ call: tx.Oracle.set_price({ price: 4_200_000n }) }));
    expect(eventValues(events, 'Oracle.PriceSet')).toEqual([{ price: 4_200_000n }]);
    expect(chain.query(() => Price.get())).toBe(4_200_000n);
  });

  it('refuses a signed account (BadOrigin) and a zero price (ZeroPrice), keeping the price', () => {
    const chain = new TestChain();
    const signed = chain.apply(bob, tx.Oracle.set_price({ price: 1n }));
    expect(signed.result).toEqual(failed({ type: 'BadOrigin' }));
    expectOnlyFeeAndNonce(chain, BOB, signed.events);
    const zero = chain.apply(alice, tx.Sudo.sudo({ call: tx.Oracle.set_price({ price: 0n }) }));
    expect(eventValues(zero.events, 'Sudo.Sudid')).toEqual([{ sudo_result: { success: false, value: moduleError('Oracle', 0) } }]);
    expect(chain.query(() => Price.get())).toBe(2_500_000n);
  });

  it('setPrice (how benchmarks price their set-ups) sets the price as the Root call does, and refuses zero', () => {
    const chain = new TestChain();
    chain.query(() => {
      oraclePrice.setPrice(4_200_000n);
      expect([Price.get(), oraclePrice.price()]).toEqual([4_200_000n, 4_200_000n]);
      expect(dispatchErrorOf(() => oraclePrice.setPrice(0n))).toEqual(moduleError('Oracle', 0));
      expect(Price.get()).toBe(4_200_000n);
    });
  });

  it('converts micro-USD to planck exactly, rounding as asked', () => {
    const chain = new TestChain();
    chain.query(() => {
      // $2.50 a token: $1 is exactly 0.4 token.
      expect(oraclePrice.price()).toBe(2_500_000n);
      expect(oraclePrice.usdToPlanck(1_000_000n, 'down')).toBe(TOKEN * 4n / 10n);
      expect(oraclePrice.usdToPlanck(1_000_000n, 'up')).toBe(TOKEN * 4n / 10n);
      // $3 a token: $1 is a third of a token, 333333333333.33… planck.
      Price.put(3_000_000n);
      expect(oraclePrice.usdToPlanck(1_000_000n, 'down')).toBe(333_333_333_333n);
      expect(oraclePrice.usdToPlanck(1_000_000n, 'up')).toBe(333_333_333_334n);
      expect(oraclePrice.usdToPlanck(0n, 'up')).toBe(0n);
      // The largest u64 price and amount still convert without loss.
      Price.put(U64_MAX);
      expect(oraclePrice.usdToPlanck(U64_MAX, 'down')).toBe(TOKEN);
    });
  });

  it('fails the conversion without a price (NoPrice)', () => {
    const chain = new TestChain({ ...GENESIS_PATCH, oracle: {} });
    chain.query(() => {
      expect(oraclePrice.price()).toBeUndefined();
      expect(dispatchErrorOf(() => oraclePrice.usdToPlanck(1n, 'down'))).toEqual(moduleError('Oracle', 1));
    });
  });

  it('takes the price from genesis, refusing zero or a non-integer by field', () => {
    const refusal = (oracle: unknown) => () => parseGenesis({ ...GENESIS_PATCH, oracle });
    expect(refusal({ price: 0 })).toThrow(new SpecError('genesis.runtimeGenesis.patch.oracle.price', '0 is below the minimum 1'));
    expect(refusal({ price: 2.5 })).toThrow(new SpecError('genesis.runtimeGenesis.patch.oracle.price', '2.5 is not an integer'));
    expect(refusal({ price: '18446744073709551616' })).toThrow(/oracle\.price: 18446744073709551616 exceeds the maximum/);
  });
});
