// Transactions on the dev chain, as a user sees them: each refusal with Substrate's
// InvalidTransaction and no trace in the state, a failing call that pays fee and nonce only, and
// events stored as frame_system stores them, decoded here by @polkadot/types from our metadata.
import { Metadata, TypeRegistry } from '@polkadot/types';
import { TestChain } from '../node/harness.ts';
import { deterministicPair } from '../node/keys.ts';
import { accountOf } from '../node/signer.ts';
import { Account, EVENTS_KEY } from '../frame/system/index.ts';
import { storage } from '../frame/externalities.ts';
import { buildMetadata } from '../frame/metadata.ts';
import { Keyring } from '@polkadot/keyring';
import { Balances, Sudo, System, TransactionPayment, runtime } from '../runtime/runtime.ts';
import { EXTRINSIC_BYTE_WEIGHT, SIGNATURE_CHECK_WEIGHTS } from '../runtime/weights/overhead.ts';
import { expectOnlyFeeAndNonce, feePaid } from './support.ts';
import { TOKEN } from '../frame/units.ts';

const id = (pair: { addressRaw: Uint8Array }) => ({ type: 'Id' as const, value: accountOf(pair as never) });

/** What block #1 did with `extrinsic`, its state root, and the state root of an empty block #1. */
function refusedAndRoots(extrinsic: (chain: TestChain) => Uint8Array): { refused?: string; with: string; without: string } {
  const chain = new TestChain();
  chain.submitExtrinsic(extrinsic(chain));
  const report = chain.newBlock();
  const empty = new TestChain();
  empty.newBlock();
  return { refused: report.extrinsics[0].refused, with: chain.blocks()[0].header.state_root, without: empty.blocks()[0].header.state_root };
}

describe('refused transactions leave no trace', () => {
  const transfer = Balances.tx.transfer_keep_alive({ dest: { type: 'Id', value: `0x${'11'.repeat(32)}` }, value: TOKEN });

  it.each([
    ['a bad signature', 'Invalid::BadProof', (chain: TestChain) => {
      const xt = chain.sign(chain.accounts.alice, transfer);
      xt[40] ^= 1; // Compact length (2) ++ 0x84 ++ MultiAddress (33) ++ the signature's variant, then its bytes
      return xt;
    }],
    ['a signature for another chain (wrong genesis)', 'Invalid::BadProof',
      (chain: TestChain) => chain.sign(chain.accounts.alice, transfer, { genesisHash: `0x${'42'.repeat(32)}` })],
    ['a signature for another runtime version', 'Invalid::BadProof',
      (chain: TestChain) => chain.sign(chain.accounts.alice, transfer, { specVersion: 99 })],
    ['a future nonce', 'Invalid::Future', (chain: TestChain) => chain.sign(chain.accounts.alice, transfer, { nonce: 3 })],
    ['too little balance for the fee', 'Invalid::Payment', (chain: TestChain) => chain.sign(deterministicPair('//Nobody'), transfer)],
  ])('%s: %s', (_, reason, make) => {
    const result = refusedAndRoots(make);
    expect(result.refused).toBe(reason);
    expect(result.with).toBe(result.without);
  });

  it('a stale nonce: Invalid::Stale', () => {
    const chain = new TestChain();
    chain.apply(chain.accounts.bob, transfer);
    const stale = chain.sign(chain.accounts.bob, transfer, { nonce: 0 });
    expect(chain.validate(stale)).toEqual({ success: false, value: { type: 'Invalid', value: { type: 'Stale' } } });
    chain.submitExtrinsic(stale);
    expect(chain.newBlock().extrinsics[0].refused).toBe('Invalid::Stale');
  });

  it('an expired era: the birth block recomputes to another hash, so the proof fails (as in Substrate)', () => {
    const chain = new TestChain();
    const mortal = chain.sign(chain.accounts.charlie, transfer, { mortality: 4 }); // born at #0, dead at #4
    chain.runTo(5);
    chain.submitExtrinsic(mortal);
    expect(chain.newBlock().extrinsics[0].refused).toBe('Invalid::BadProof');
    const live = new TestChain();
    live.runTo(2);
    live.submitExtrinsic(live.sign(live.accounts.charlie, transfer, { mortality: 4 }));
    expect(live.newBlock().extrinsics[0].included).toBe(true);
  });

  it('a full block: ExhaustsResources, and the transaction fits in the next block', () => {
    const chain = new TestChain();
    const remark = System.tx.remark({ remark: new Uint8Array(3 * 1024 * 1024) }); // 75% of 5 MiB is the normal class's length
    const first = chain.submit(chain.accounts.alice, remark);
    chain.submit(chain.accounts.bob, remark);
    const block = chain.newBlock();
    expect(block.extrinsics.map((x) => x.refused)).toEqual([undefined, 'Invalid::ExhaustsResources']);
    expect(first.length).toBeGreaterThan(3 * 1024 * 1024);
    chain.submit(chain.accounts.bob, remark);
    expect(chain.newBlock().extrinsics[0].included).toBe(true);
  });

  it('an unsigned extrinsic that is not an inherent: Unknown::NoUnsignedValidator', () => {
    const result = refusedAndRoots(() => runtime.extrinsic.enc({ call: transfer }));
    expect(result.refused).toBe('Unknown::NoUnsignedValidator');
    expect(result.with).toBe(result.without);
  });
});

describe('a failing call', () => {
  it('is included, pays fee and nonce, and changes nothing else', () => {
    const chain = new TestChain();
    const charlie = accountOf(chain.accounts.charlie);
    const { result, events } = chain.apply(chain.accounts.charlie, Balances.tx.transfer_allow_death({ dest: id(chain.accounts.bob), value: 10n ** 9n * TOKEN }));
    expect(result).toEqual({ success: true, value: { success: false, value: { type: 'Token', value: { type: 'FundsUnavailable' } } } });
    expect(feePaid(events)).toBeGreaterThan(0n);
    expectOnlyFeeAndNonce(chain, charlie, events);
    expect(events.map((e) => `${e.type}.${e.value.type}`)).toEqual(['Balances.Withdraw', 'TransactionPayment.TransactionFeePaid', 'System.ExtrinsicFailed']);
  });

  it('inside sudo: reported in Sudid, the sudo extrinsic itself succeeds', () => {
    const chain = new TestChain();
    const dave = accountOf(chain.accounts.dave);
    const before = chain.query(() => Account.get(dave));
    const inner = Balances.tx.force_transfer({ source: id(chain.accounts.dave), dest: id(chain.accounts.bob), value: 10n ** 9n * TOKEN });
    const { result, events } = chain.apply(chain.accounts.alice, Sudo.tx.sudo({ call: inner }));
    expect(result.success && result.value.success).toBe(true);
    expect(events.find((e) => e.value.type === 'Sudid')!.value.value).toEqual({ sudo_result: { success: false, value: { type: 'Token', value: { type: 'FundsUnavailable' } } } });
    expect(chain.query(() => Account.get(dave))).toEqual(before);
    expectOnlyFeeAndNonce(chain, accountOf(chain.accounts.alice), events);
  });
});

describe('events as Substrate stores them', () => {
  it('decode with @polkadot/types as Vec<EventRecord> of the runtime\'s event type, phases included', () => {
    const chain = new TestChain();
    chain.submit(chain.accounts.alice, Balances.tx.transfer_keep_alive({ dest: id(chain.accounts.bob), value: 5n * TOKEN }));
    chain.submit(chain.accounts.bob, System.tx.remark_with_event({ remark: new Uint8Array([1, 2, 3]) }));
    chain.newBlock();
    const raw = chain.query(() => storage().get(EVENTS_KEY))!;

    const registry = new TypeRegistry();
    registry.setMetadata(new Metadata(registry, buildMetadata(runtime, 14)));
    const records = registry.createType('Vec<EventRecord>', raw);
    expect(records.toU8a()).toEqual(raw);
    const mine = chain.events();
    expect(records.map((r) => [r.phase.toString(), `${r.event.section}.${r.event.method}`])).toEqual(mine.map((r) => [
      r.phase.type === 'ApplyExtrinsic' ? JSON.stringify({ applyExtrinsic: r.phase.value }) : r.phase.type,
      `${r.event.type[0].toLowerCase()}${r.event.type.slice(1)}.${r.event.value.type}`,
    ]));
    const transfer = records.find((r) => r.event.method === 'Transfer')!;
    expect(transfer.event.data.toJSON()).toEqual([
      chain.accounts.alice.address, chain.accounts.bob.address, 5_000_000_000_000,
    ]);
  });
});

describe('what a signed extrinsic weighs (payment_queryInfo)', () => {
  it('its call, plus its own scheme\'s signature check, plus its length at the byte weight', () => {
    const chain = new TestChain();
    const weighed = (xt: Uint8Array) => chain.query(() => TransactionPayment.api.queryInfo(xt, xt.length)).weight.ref_time;
    const remark = (bytes: number) => System.tx.remark({ remark: new Uint8Array(bytes) });
    const bytesWeight = (xt: Uint8Array) => BigInt(xt.length) * EXTRINSIC_BYTE_WEIGHT.ref_time;
    expect(EXTRINSIC_BYTE_WEIGHT.ref_time).toBeGreaterThan(0n);
    for (const type of ['sr25519', 'ed25519', 'ecdsa'] as const) {
      const signer = new Keyring({ type }).addFromUri('//Alice');
      const scheme = ({ sr25519: 'Sr25519', ed25519: 'Ed25519', ecdsa: 'Ecdsa' } as const)[type];
      for (const length of [0, 10_000]) {
        const xt = chain.sign(signer, remark(length));
        // The extrinsic base is charged apart (CheckWeight, the fee's base): query_info reports the rest.
        expect(weighed(xt)).toBe(runtime.dispatchInfo(remark(length)).weight.ref_time + SIGNATURE_CHECK_WEIGHTS[scheme].ref_time + bytesWeight(xt));
      }
    }
  });
});
