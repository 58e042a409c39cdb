// Which storage entries differ between the head states of two chains, named by their storage
// item: how a test shows that a failed call changed nothing but the fee and the nonce (one chain
// took the call, its replica the same block without it).
import { hexToString, u8aToHex } from '@polkadot/util';
import type { TestChain } from '../node/harness.ts';
import { storagePrefix } from '../frame/storage.ts';

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
