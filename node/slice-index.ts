// The marketplace's listings index, kept by the node beside its state (as gridproxy indexes
// TFChain off-chain): every node record decoded once, then updated from the storage changes of
// each block (and of dev_setHead and dev_setStorage), so that list_slices filters and sorts in
// memory and reads only the listings of the page it returns. It answers only for the state it is
// in sync with, checked by state root; a query at any other state (an older block) gets the
// runtime's full scan. See docs/design.md, "The listings index".
import { u8aToHex } from '@polkadot/util';
import type { Change } from '../frame/overlay.ts';
import type { Trie } from '../primitives/trie.ts';
import { Nodes } from '../pallets/slice-marketplace/storage.ts';
import { Node, NodeId } from '../pallets/slice-marketplace/types.ts';

/** A Nodes key is its prefix, twox64(id) and the id. */
const ID_AT = Nodes.prefix.length + 8;
const isNodeKey = (key: Uint8Array): boolean => key.length > ID_AT && Nodes.prefix.every((byte, i) => key[i] === byte);

export class SliceIndex {
  readonly #nodes = new Map<number, Node>();
  #root: string;

  /** Decodes every node of `state` (the chain's state object, which later changes are applied to). */
  constructor(private readonly state: Trie) {
    for (const [key, value] of state.entries(Nodes.prefix)) this.#put(key, value);
    this.#root = u8aToHex(state.root());
  }

  /** Takes the changes `state` has just been given (a block, an undo, an edit). */
  apply(changes: readonly Change[]): void {
    for (const [key, value] of changes) if (isNodeKey(key)) this.#put(key, value);
    this.#root = u8aToHex(this.state.root());
  }

  /** Every node of `state`, when the index is in sync with it; undefined otherwise. */
  nodesOf(state: Trie): Iterable<Node> | undefined {
    return state === this.state && u8aToHex(state.root()) === this.#root ? this.#nodes.values() : undefined;
  }

  #put(key: Uint8Array, value: Uint8Array | null): void {
    const id = NodeId.dec(key.subarray(ID_AT));
    if (value === null) this.#nodes.delete(id);
    else this.#nodes.set(id, Node.dec(value));
  }
}
