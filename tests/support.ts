// Test support shared by every test runtime: events typed by their pallet's declaration, the fees
// paid, and which storage entries
// differ between the head states of two chains, named by their storage item (how a test shows
// that a failed call changed nothing but the fee and the nonce: one chain took the call, its
// replica the same block without it).
import { hexToString, u8aToHex } from '@polkadot/util';
import type { RuntimeEvent, TestChain } from '../node/harness.ts';
import type { EnumValue } from '../primitives/scale.ts';
import type { EventVariants, PalletEvents } from '../frame/pallet.ts';
import { storagePrefix } from '../frame/storage.ts';
import { TransactionPaymentEvents } from '../pallets/transaction-payment/index.ts';

export interface DifferingEntry {
  /** `Pallet.Item`, a well-known key (`:extrinsic_index`), or the raw key's hex. */
  item: string;
  key: `0x${string}`;
}

export function differingEntries(a: TestChain, b: TestChain): DifferingEntry[] {
  const items = a.chain.runtime.pallets.flatMap(({ pallet }) => (pallet.storage ?? []).map(({ metadata }) =>
    ({ prefix: u8aToHex(storagePrefix(metadata.pallet, metadata.name)), item: `${metadata.pallet}.${metadata.name}` })));
  const snapshot = (chain: TestChain) => new Map([...chain.chain.state.entries()].map(([k, v]) => [u8aToHex(k), u8aToHex(v)]));
  const [left, right] = [snapshot(a), snapshot(b)];
  const keys = [...new Set([...left.keys(), ...right.keys()])].filter((k) => left.get(k) !== right.get(k)).sort();
  const wellKnown = (key: string) => (key.startsWith('0x3a') ? hexToString(key) : key);
  return keys.map((key) => ({ key, item: items.find(({ prefix }) => key.startsWith(prefix))?.item ?? wellKnown(key) }));
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
