// Blocks: the opaque block format (header ++ Vec<extrinsic>), its hash and roots, and applying a
// block's storage changes to a state. Building and executing blocks is block-builder.ts.
import * as scale from '@polkadot-api/substrate-bindings';
import { blake2_256 } from '../primitives/hashing.ts';
import { Struct, Vec, declare, type Infer } from '../primitives/scale.ts';
import { orderedTrieRoot, type Trie } from '../primitives/trie.ts';
import { H256, Header, type Hash } from '../primitives/types.ts';
import type { Change } from './overlay.ts';

/** An extrinsic as it travels: its whole encoding, Compact length prefix included. */
export const OpaqueExtrinsic = declare(
  scale.createCodec<Uint8Array>(
    (extrinsic) => extrinsic,
    scale.createDecoder((bytes) => {
      const start = (bytes as unknown as { i: number }).i;
      const len = scale.compactNumber.dec(bytes);
      const end = (bytes as unknown as { i: number }).i + len;
      if (end > bytes.length) throw new RangeError('extrinsic longer than the block');
      (bytes as unknown as { i: number }).i = end;
      // A plain copy: slicing scale-ts's internal Uint8Array subclass would construct the subclass.
      return new Uint8Array(bytes.buffer, bytes.byteOffset + start, end - start).slice();
    }),
  ),
  { path: ['sp_runtime', 'OpaqueExtrinsic'], params: [], def: { tag: 'composite', value: [] }, docs: [] },
);

export const Block = Struct('sp_runtime::generic::block::Block', { header: Header, extrinsics: Vec(OpaqueExtrinsic) });
export type Block = Infer<typeof Block>;

export const blockHash = (header: Header): Hash => H256.dec(blake2_256(Header.enc(header)));
export const extrinsicsRoot = (extrinsics: readonly Uint8Array[]): Hash => H256.dec(orderedTrieRoot([...extrinsics]));

export interface BuiltBlock {
  block: Block;
  hash: Hash;
  /** The storage changes the block made, sorted by key (what a database writes). */
  changes: Change[];
  /** The values those keys had before (what undoes the block). */
  undo: Change[];
}

/** Applies `changes` (distinct keys) to the committed state; returns the previous values. */
export const commitChanges = (state: Trie, changes: readonly Change[]): Change[] =>
  changes.map(([key, value]): Change => [key, (value === null ? state.delete(key) : state.set(key, value)) ?? null]);

export const revertChanges = (state: Trie, undo: readonly Change[]): void => void commitChanges(state, undo);

export class BlockRejected extends Error {
  constructor(readonly number: number, reason: string) {
    super(`block #${number} rejected: ${reason}`);
    this.name = 'BlockRejected';
  }
}
