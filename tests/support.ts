// Test support shared by every test runtime: events typed by their pallet's declaration, the fees
// paid, and the check that a call changed nothing but its signer's fee and nonce (FRAME's
// assert_noop!), against a control block built on the same parent without the call.
import { hexToString, hexToU8a, u8aToHex } from '@polkadot/util';
import type { RuntimeEvent, TestChain } from '../node/harness.ts';
import { inherentDataAt } from '../node/inherents.ts';
import type { EnumValue, HexString } from '../primitives/scale.ts';
import type { Trie } from '../primitives/trie.ts';
import type { AccountId } from '../primitives/types.ts';
import { revertChanges } from '../frame/block.ts';
import { BlockBuilder } from '../frame/block-builder.ts';
import { Overlay } from '../frame/overlay.ts';
import * as System from '../frame/system/index.ts';
import { TotalIssuance } from '../pallets/balances/index.ts';
import type { EventVariants, PalletEvents } from '../frame/pallet.ts';
import { storagePrefix } from '../frame/storage.ts';
import { TransactionPaymentEvents } from '../pallets/transaction-payment/index.ts';

/** What an included extrinsic changes in its block besides its own effects: its events, its weight (so the fee multiplier), its index. */
const EXTRINSIC_BOOKKEEPING = new Set(['System.Events', 'System.EventCount', 'System.BlockWeight', 'TransactionPayment.NextFeeMultiplier', ':extrinsic_index']);

/** Names a storage key by its item (`Pallet.Item`), as a well-known key (`:extrinsic_index`), or else by its hex. */
function storageItemNamer(chain: TestChain): (key: HexString) => string {
  const items = chain.chain.runtime.pallets.flatMap(({ pallet }) => (pallet.storage ?? []).map(({ metadata }) =>
    ({ prefix: u8aToHex(storagePrefix(metadata.pallet, metadata.name)), item: `${metadata.pallet}.${metadata.name}` })));
  return (key) => items.find(({ prefix }) => key.startsWith(prefix))?.item ?? (key.startsWith('0x3a') ? hexToString(key) : key);
}

/**
 * FRAME's assert_noop!: the head block, holding `who`'s extrinsic (that deposited `events`) as its
 * only signed one, left the state of a control block built on the same parent without it, except
 * for its events and weight, `who`'s account (nonce + 1, free - the fee `events` record, the rest
 * as it was) and the total issuance (the fee is burned). `alsoChanged` names the storage items a
 * successful call may change besides (the caller asserts their values).
 */
export function expectOnlyFeeAndNonce(chain: TestChain, who: AccountId, events: readonly RuntimeEvent[], alsoChanged: readonly string[] = []): void {
  const { executive, state } = chain.chain;
  const built = chain.lastBuilt;
  if (!built) throw new Error('expectOnlyFeeAndNonce: the chain has built no block');
  const control = state.clone();
  revertChanges(control, built.undo);
  const { parent_hash, number } = built.block.header;
  new BlockBuilder(executive, control, { hash: parent_hash, number: number - 1 }, inherentDataAt(executive, control)).build();

  const itemOf = storageItemNamer(chain);
  const own = [u8aToHex(System.Account.key(who)), u8aToHex(TotalIssuance.key)];
  const hex = (value: Uint8Array | undefined) => value && u8aToHex(value);
  const keys = new Set(built.changes.map(([key]) => u8aToHex(key)));
  for (const key of keys) if (!own.includes(key) && hex(state.get(hexToU8a(key))) === hex(control.get(hexToU8a(key)))) keys.delete(key);
  const stray = [...keys].filter((key) => !own.includes(key)).map(itemOf).filter((item) => !EXTRINSIC_BOOKKEEPING.has(item) && !alsoChanged.includes(item));
  expect(stray).toEqual([]);

  const read = (at: Trie) => executive.run(new Overlay(at), () => ({ account: System.Account.get(who), issuance: TotalIssuance.get() }));
  const [untried, tried] = [read(control), read(state)];
  const fee = feePaid(events);
  const { account } = untried;
  expect(tried).toEqual({
    account: { ...account, nonce: account.nonce + 1, data: { ...account.data, free: account.data.free - fee } },
    issuance: untried.issuance - fee,
  });
}

/**
 * The fields of every `name` event of `pallet` among `events`, typed by the pallet's event
 * declaration: `eventsOf(events, SliceMarketplaceEvents, 'RentalExpired')[0].refunded`.
 */
export function eventsOf<V extends EventVariants, K extends EnumValue<V>['type']>(events: readonly RuntimeEvent[], pallet: PalletEvents<V>, name: K):
  Extract<EnumValue<V>, { type: K }>['value'][] {
  // The runtime decoded each event with this pallet's declared type: its fields have that type.
  return events.filter((e) => e.type === pallet.pallet && e.value.type === name).map((e) => e.value.value as Extract<EnumValue<V>, { type: K }>['value']);
}

/** The fees `events` record: the sum of their TransactionFeePaid events' `actual_fee`. */
export const feePaid = (events: readonly RuntimeEvent[]): bigint =>
  eventsOf(events, TransactionPaymentEvents, 'TransactionFeePaid').reduce((sum, { actual_fee }) => sum + actual_fee, 0n);
