// The marketplace's listings index, kept by the node beside its state (as gridproxy indexes
// TFChain off-chain): every node record decoded once and every node's available slices, then
// updated from the storage changes of each block (and of dev_setHead and dev_setStorage), so that
// list_slices filters and sorts in memory and builds only the listings of the page it returns. It
// answers only for the state it is in sync with, checked by state root; a query at any other state
// (an older block) gets the runtime's full scan. See docs/design.md, "Execution speed".
import { u8aToHex } from '@polkadot/util';
import type { Change } from '../frame/overlay.ts';
import type { Trie } from '../primitives/trie.ts';
import type { ListingSource } from '../pallets/slice-marketplace/api.ts';
import { Nodes, Slices } from '../pallets/slice-marketplace/storage.ts';
import { Node, NodeId, SliceId, SliceStatus } from '../pallets/slice-marketplace/types.ts';

/** A Nodes key is its prefix, twox64(id) and the id; a Slices key adds twox64(slice) and the slice. */
const NODE_AT = Nodes.prefix.length + 8;
const SLICE_NODE_AT = Slices.prefix.length + 8;
const SLICE_AT = SLICE_NODE_AT + 4 + 8;
const startsWith = (key: Uint8Array, prefix: Uint8Array): boolean => key.length > prefix.length && prefix.every((byte, i) => key[i] === byte);

export class SliceIndex {
  readonly #nodes = new Map<number, Node>();
  /** Per node, its Available slices (unordered). */
  readonly #available = new Map<number, Set<number>>();
  #root: string;
  readonly #source: ListingSource = {
    nodes: () => this.#nodes.values(),
    available: (node) => [...(this.#available.get(node) ?? [])].sort((a, b) => a - b),
  };

  /** Reads every node and slice of `state` (the chain's state object, which later changes are applied to). */
  constructor(private readonly state: Trie) {
    for (const [key, value] of state.entries(Nodes.prefix)) this.#putNode(key, value);
    for (const [key, value] of state.entries(Slices.prefix)) this.#putSlice(key, value);
    this.#root = u8aToHex(state.root());
  }

  /** Takes the changes `state` has just been given (a block, an undo, an edit). */
  apply(changes: readonly Change[]): void {
    for (const [key, value] of changes) {
      if (startsWith(key, Nodes.prefix)) this.#putNode(key, value);
      else if (startsWith(key, Slices.prefix)) this.#putSlice(key, value);
    }
    this.#root = u8aToHex(this.state.root());
  }

  /** What list_slices reads, for `state`, when the index is in sync with it; undefined otherwise. */
  sourceFor(state: Trie): ListingSource | undefined {
    return state === this.state && u8aToHex(state.root()) === this.#root ? this.#source : undefined;
  }

  #putNode(key: Uint8Array, value: Uint8Array | null): void {
    const id = NodeId.dec(key.subarray(NODE_AT));
    if (value === null) this.#nodes.delete(id);
    else this.#nodes.set(id, Node.dec(value));
  }

  #putSlice(key: Uint8Array, value: Uint8Array | null): void {
    const node = NodeId.dec(key.subarray(SLICE_NODE_AT, SLICE_NODE_AT + 4));
    const slice = SliceId.dec(key.subarray(SLICE_AT));
    let available = this.#available.get(node);
    if (value !== null && SliceStatus.dec(value).type === 'Available') {
      if (!available) this.#available.set(node, (available = new Set()));
      available.add(slice);
    } else {
      available?.delete(slice);
      if (available?.size === 0) this.#available.delete(node);
    }
  }
}
