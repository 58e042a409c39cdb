// Fees as a user pays them: signed extrinsics in blocks, balances and total issuance before and after.
import type { MultiAddress } from '../../primitives/types.ts';
import type { RuntimeCallValue } from '../../frame/pallet.ts';
import { SpecError } from '../../frame/genesis-json.ts';
import { EXISTENTIAL_DEPOSIT } from '../balances/index.ts';
import * as System from '../../frame/system/index.ts';
import { ALICE, BASE_EXTRINSIC_REF_TIME, BOB, CHARLIE, DAVE, EVE, GENESIS_PATCH, TestChain, TransactionPayment, alice, bob, charlie, dave, failed, names, ok, parseGenesis, refused, runtime, tx, type Event } from '../../tests/base-runtime.ts';
import { TOKEN } from '../../frame/units.ts';
import { LENGTH_FEE_PER_BYTE, OPERATIONAL_FEE_MULTIPLIER, WEIGHT_FEE_PER_REF_TIME } from './index.ts';
import { MULTIPLIER_ONE } from './types.ts';
import { expectOnlyFeeAndNonce, feePaid } from '../../tests/support.ts';

const id = (who: typeof ALICE): MultiAddress => ({ type: 'Id', value: who });
const valueOf = (events: Event[], name: string) => events.find((e) => `${e.type}.${e.value.type}` === name)?.value.value;

/** The fee by the formula: base + length + multiplier × weight (rounded down) + tip. */
function expectedFee(call: RuntimeCallValue, len: number, { tip = 0n, multiplier = MULTIPLIER_ONE, refTime }: { tip?: bigint; multiplier?: bigint; refTime?: bigint } = {}) {
  const weightFee = (refTime ?? runtime.dispatchInfo(call).weight.ref_time) * WEIGHT_FEE_PER_REF_TIME;
  return BASE_EXTRINSIC_REF_TIME * WEIGHT_FEE_PER_REF_TIME + BigInt(len) * LENGTH_FEE_PER_BYTE + (multiplier * weightFee) / MULTIPLIER_ONE + tip;
}

describe('ChargeTransactionPayment', () => {
  it('charges base + length + weight fee exactly and burns it', () => {
    const chain = new TestChain();
    const before = chain.userState();
    const call = tx.Balances.transfer_keep_alive({ dest: id(BOB), value: TOKEN });
    const { result, events, len } = chain.apply(alice, call);
    expect(result).toEqual(ok);
    const fee = expectedFee(call, len);
    expect(valueOf(events, 'Balances.Withdraw')).toEqual({ who: ALICE, amount: fee });
    expect(valueOf(events, 'TransactionPayment.TransactionFeePaid')).toEqual({ who: ALICE, actual_fee: fee, tip: 0n });
    expect(chain.free(ALICE)).toBe(before.accounts.get(ALICE)!.data.free - TOKEN - fee);
    expect(chain.userState().totalIssuance).toBe(before.totalIssuance - fee);
  });

  it('adds the tip to the fee, burned with it', () => {
    const chain = new TestChain();
    const before = chain.userState();
    const call = tx.Balances.transfer_keep_alive({ dest: id(BOB), value: TOKEN });
    const tip = 5_000_000_000n;
    const { events, len } = chain.apply(alice, call, { tip });
    const fee = expectedFee(call, len, { tip });
    expect(valueOf(events, 'TransactionPayment.TransactionFeePaid')).toEqual({ who: ALICE, actual_fee: fee, tip });
    expect(chain.userState().totalIssuance).toBe(before.totalIssuance - fee);
  });

  it('refunds the fee of the weight a call did not use (Deposit), charging the weight it reported', () => {
    const chain = new TestChain();
    const call = tx.Meter.work({ declared: 1_000_000_000n, used: 250_000_000n, operational: false });
    const { result, events, len } = chain.apply(bob, call);
    expect(result).toEqual(ok);
    const withdrawn = expectedFee(call, len);
    const charged = expectedFee(call, len, { refTime: 250_000_000n });
    expect(names(events)).toEqual(['Balances.Withdraw', 'Balances.Deposit', 'TransactionPayment.TransactionFeePaid', 'System.ExtrinsicSuccess']);
    expect(valueOf(events, 'Balances.Withdraw')).toEqual({ who: BOB, amount: withdrawn });
    expect(valueOf(events, 'Balances.Deposit')).toEqual({ who: BOB, amount: 750_000_000n * WEIGHT_FEE_PER_REF_TIME });
    expect(feePaid(events)).toBe(charged);
    expectOnlyFeeAndNonce(chain, BOB, events);
  });

  it('refuses a transaction whose fee would leave less than the deposit (InvalidTransaction::Payment), changing nothing', () => {
    const chain = new TestChain();
    const call = tx.Balances.transfer_allow_death({ dest: id(BOB), value: 1_000n });
    const draft = chain.sign(dave, call);
    const fee = expectedFee(call, draft.length);
    // Leave Dave one planck short of the fee above the existential deposit.
    const short = fee + EXISTENTIAL_DEPOSIT - 1n;
    chain.apply(alice, tx.Sudo.sudo({ call: tx.Balances.force_set_balance({ who: id(DAVE), new_free: short }) }));
    expect(chain.free(DAVE)).toBe(short);
    const before = chain.userState();
    const xt = chain.sign(dave, call);
    expect(chain.validate(xt)).toEqual(refused('Payment'));
    chain.submitExtrinsic(xt);
    expect(chain.newBlock().extrinsics[0].result).toEqual(refused('Payment'));
    expect(chain.blocks().at(-1)!.extrinsics).toHaveLength(1);
    expect(chain.userState()).toEqual(before);
  });

  it('charges a failing call its fee and nonce, and nothing else', () => {
    const chain = new TestChain();
    const call = tx.Balances.transfer_allow_death({ dest: id(BOB), value: 11n * TOKEN });
    const { result, events, len } = chain.apply(charlie, call);
    expect(result).toEqual(failed({ type: 'Token', value: { type: 'FundsUnavailable' } }));
    expect(names(events)).toEqual(['Balances.Withdraw', 'TransactionPayment.TransactionFeePaid', 'System.ExtrinsicFailed']);
    expect(feePaid(events)).toBe(expectedFee(call, len));
    expectOnlyFeeAndNonce(chain, CHARLIE, events);
  });

  it('lowers total issuance by exactly the fees paid, block after block', () => {
    const chain = new TestChain();
    const issuance = chain.userState().totalIssuance;
    let paid = 0n;
    for (let n = 0; n < 3; n++) {
      chain.submit(alice, tx.Balances.transfer_allow_death({ dest: id(EVE), value: TOKEN }), { tip: BigInt(n) * 1_000n });
      chain.submit(bob, tx.Meter.work({ declared: 500_000_000n, used: 100_000_000n, operational: false }));
      chain.submit(charlie, tx.Balances.transfer_allow_death({ dest: id(BOB), value: 100n * TOKEN }));
      chain.newBlock();
      const events = chain.events().map((r) => r.event);
      paid += feePaid(events);
    }
    expect(paid).toBeGreaterThan(0n);
    expect(chain.userState().totalIssuance).toBe(issuance - paid);
  });

  it('scales the weight fee by the genesis multiplier, rounding down', () => {
    const third = 333_333_333_333_333_333n;
    const chain = new TestChain({ ...GENESIS_PATCH, transactionPayment: { multiplier: third.toString() } });
    const call = tx.Balances.transfer_keep_alive({ dest: id(BOB), value: TOKEN });
    const xt = chain.sign(alice, call);
    // weight × fee per ref_time × 0.333…, the fraction not charged.
    const weightFee = runtime.dispatchInfo(call).weight.ref_time * WEIGHT_FEE_PER_REF_TIME;
    expect(chain.query(() => TransactionPayment.api.queryFeeDetails(xt, xt.length)).inclusion_fee?.adjusted_weight_fee).toBe((weightFee * third) / MULTIPLIER_ONE);
    const { events, len } = chain.apply(alice, call);
    expect(feePaid(events)).toBe(expectedFee(call, len, { multiplier: third }));
  });

  it('refuses a bad genesis multiplier, naming the field', () => {
    const refusal = (section: unknown) => () => parseGenesis({ ...GENESIS_PATCH, transactionPayment: section });
    expect(refusal({ multiplier: 0 })).toThrow(new SpecError('genesis.runtimeGenesis.patch.transactionPayment.multiplier', '0 is below the minimum 1'));
    expect(refusal({ multiplier: '1.5' })).toThrow(/transactionPayment\.multiplier: expected an integer, got "1\.5"/);
    expect(refusal({ multipler: 1 })).toThrow(/transactionPayment\.multipler: unknown field/);
  });
});

describe('priority', () => {
  const validity = (chain: TestChain, xt: Uint8Array) => {
    const result = chain.validate(xt);
    if (!result.success) throw new Error('refused');
    return result.value.priority;
  };

  it('scales the tip (plus one) by how many such transactions fit in a block', () => {
    const chain = new TestChain();
    const call = tx.Balances.transfer_keep_alive({ dest: id(BOB), value: TOKEN });
    // The scarcer of weight (the block's ref_time over the transfer's) and length.
    const xt = chain.sign(alice, call);
    const byWeight = runtime.spec.limits.blockWeights.max_block.ref_time / runtime.dispatchInfo(call).weight.ref_time;
    const byLength = BigInt(runtime.spec.limits.blockLength.max.normal) / BigInt(xt.length);
    const fit = byWeight < byLength ? byWeight : byLength;
    expect(validity(chain, xt)).toBe(fit);
    expect(validity(chain, chain.sign(alice, call, { tip: 1_000n }))).toBe(1_001n * fit);
  });

  it('gives operational transactions a virtual tip of OperationalFeeMultiplier times their fee', () => {
    const chain = new TestChain();
    const call = tx.Meter.work({ declared: 1_000_000_000n, used: 0n, operational: true });
    const xt = chain.sign(bob, call);
    const perBlock = 2_000n; // 2e12 / 1e9
    expect(validity(chain, xt)).toBe(perBlock + expectedFee(call, xt.length) * BigInt(OPERATIONAL_FEE_MULTIPLIER) * perBlock);
  });

  it('validation leaves the payer untouched', () => {
    const chain = new TestChain();
    const call = tx.Balances.transfer_keep_alive({ dest: id(BOB), value: TOKEN });
    const info = runtime.dispatchInfo(call);
    chain.query(() => {
      const free = System.Account.get(ALICE).data.free;
      TransactionPayment.chargeTransactionPayment.validate!({ who: ALICE, call, info, len: 145 }, 0n);
      expect(System.Account.get(ALICE).data.free).toBe(free);
    });
  });
});

describe('fee queries', () => {
  it('queryInfo and queryFeeDetails give what the extension then charges', () => {
    const chain = new TestChain();
    const call = tx.Balances.transfer_allow_death({ dest: id(EVE), value: TOKEN });
    const xt = chain.sign(alice, call, { tip: 7_000n });
    const info = chain.query(() => TransactionPayment.api.queryInfo(xt, xt.length));
    const details = chain.query(() => TransactionPayment.api.queryFeeDetails(xt, xt.length));
    const { weight, class: cls } = runtime.dispatchInfo(call);
    expect(info).toEqual({ weight, class: cls, partial_fee: expectedFee(call, xt.length) });
    expect(details).toEqual({
      inclusion_fee: {
        base_fee: BASE_EXTRINSIC_REF_TIME * WEIGHT_FEE_PER_REF_TIME,
        len_fee: BigInt(xt.length) * LENGTH_FEE_PER_BYTE,
        adjusted_weight_fee: runtime.dispatchInfo(call).weight.ref_time * WEIGHT_FEE_PER_REF_TIME,
      },
      tip: 0n,
    });
    chain.submitExtrinsic(xt);
    expect(chain.newBlock().extrinsics[0].result).toEqual(ok);
    const events = chain.events().filter((r) => r.phase.value === 1).map((r) => r.event);
    // The queries leave the tip out, as polkadot-sdk's do.
    expect(feePaid(events)).toBe(info.partial_fee + 7_000n);
  });

  it('reports no fee for an unsigned extrinsic', () => {
    const chain = new TestChain();
    const inherent = runtime.extrinsic.enc({ call: tx.Oracle.set_price({ price: 1n }) });
    expect(chain.query(() => TransactionPayment.api.queryInfo(inherent, inherent.length)).partial_fee).toBe(0n);
    expect(chain.query(() => TransactionPayment.api.queryFeeDetails(inherent, inherent.length))).toEqual({ inclusion_fee: undefined, tip: 0n });
  });
});
