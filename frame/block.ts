// Blocks: the opaque block format (header ++ Vec<extrinsic>), building a block on top of a state
// (authoring), executing a received block with its roots checked (import), and genesis.
import * as scale from '@polkadot-api/substrate-bindings';
import { u8aToHex } from '@polkadot/util';
import { blake2_256 } from '../primitives/hashing.ts';
import { Struct, Vec, declare, type Infer } from '../primitives/scale.ts';
import { Trie, orderedTrieRoot } from '../primitives/trie.ts';
import { H256, Header, ZERO_HASH, type Digest, type Hash } from '../primitives/types.ts';
import type { InherentData } from './construct.ts';
import { describeValidityError } from './extensions.ts';
import type { ApplyExtrinsicResult, Executive } from './executive.ts';
import { CODE_KEY, runtimeCode } from './metadata.ts';
import { Overlay, type Change } from './overlay.ts';

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

/** Applies `changes` to the committed state; returns the previous values. */
export function commitChanges(state: Trie, changes: readonly Change[]): Change[] {
  const undo = changes.map(([key]): Change => [key, state.get(key) ?? null]);
  for (const [key, value] of changes) {
    if (value === null) state.delete(key);
    else state.set(key, value);
  }
  return undo;
}

export const revertChanges = (state: Trie, undo: readonly Change[]): void => void commitChanges(state, undo);

export class BlockRejected extends Error {
  constructor(readonly number: number, reason: string) {
    super(`block #${number} rejected: ${reason}`);
    this.name = 'BlockRejected';
  }
}

const describeApply = (result: ApplyExtrinsicResult): string | undefined =>
  result.success ? undefined : describeValidityError(result.value);

/** Builds a block on top of `state` (the state after `parent`): inherents first, then pushed extrinsics. */
export class BlockBuilder {
  private readonly overlay: Overlay;
  private readonly extrinsics: Uint8Array[] = [];
  readonly number: number;

  constructor(private readonly executive: Executive, private readonly state: Trie, private readonly parent: { hash: Hash; number: number },
    inherentData: InherentData, private readonly digest: Digest = { logs: [] }) {
    this.number = parent.number + 1;
    this.overlay = new Overlay(state);
    executive.initializeBlock(this.overlay, this.number, parent.hash, digest);
    for (const call of executive.runtime.spec.inherents(inherentData)) {
      const xt = executive.runtime.extrinsic.enc({ call });
      const result = this.push(xt);
      if (!result.success) throw new Error(`inherent ${call.type}.${call.value.type} refused: ${describeApply(result)}`);
    }
  }

  /** Applies an extrinsic; included when valid (even if its call fails), left out when refused. */
  push(extrinsic: Uint8Array): ApplyExtrinsicResult {
    const result = this.executive.applyExtrinsic(this.overlay, extrinsic);
    if (result.success) this.extrinsics.push(extrinsic);
    return result;
  }

  get extrinsicCount(): number {
    return this.extrinsics.length;
  }

  /** Finalizes the block and commits its changes to the state. */
  build(): BuiltBlock {
    this.executive.finalizeBlock(this.overlay);
    const changes = this.overlay.drain();
    const undo = commitChanges(this.state, changes);
    const header: Header = {
      parent_hash: this.parent.hash,
      number: this.number,
      state_root: H256.dec(this.state.root()),
      extrinsics_root: extrinsicsRoot(this.extrinsics),
      digest: this.digest,
    };
    return { block: { header, extrinsics: this.extrinsics }, hash: blockHash(header), changes, undo };
  }
}

/**
 * Re-executes `block` on `state` (the state after its parent) and commits it, checking the parent
 * link, number, every extrinsic's validity, and both roots. A bad block is refused with the reason
 * and leaves `state` as it was.
 */
export function executeBlock(executive: Executive, state: Trie, parent: { hash: Hash; number: number }, block: Block): BuiltBlock {
  const { header, extrinsics } = block;
  const reject = (reason: string): never => { throw new BlockRejected(header.number, reason); };
  if (header.parent_hash !== parent.hash) reject(`parent hash ${header.parent_hash} is not the parent ${parent.hash}`);
  if (header.number !== parent.number + 1) reject(`number follows #${parent.number}`);
  const overlay = new Overlay(state);
  executive.initializeBlock(overlay, header.number, header.parent_hash, header.digest);
  let inherentsDone = false;
  extrinsics.forEach((xt, i) => {
    let result: ApplyExtrinsicResult;
    try {
      const inherent = !executive.runtime.extrinsic.dec(xt).signature;
      if (inherent && inherentsDone) reject(`extrinsic ${i}: an inherent after signed extrinsics`);
      if (!inherent) inherentsDone = true;
      result = executive.applyExtrinsic(overlay, xt);
    } catch (error) {
      if (error instanceof BlockRejected) throw error;
      return reject(`extrinsic ${i}: ${(error as Error).message}`);
    }
    if (!result.success) reject(`extrinsic ${i} is invalid: ${describeApply(result)}`);
  });
  executive.finalizeBlock(overlay);
  const xtRoot = extrinsicsRoot(extrinsics);
  if (xtRoot !== header.extrinsics_root) reject(`extrinsics root ${header.extrinsics_root} differs from the computed ${xtRoot}`);
  const changes = overlay.drain();
  const undo = commitChanges(state, changes);
  const root = u8aToHex(state.root());
  if (root !== header.state_root) {
    revertChanges(state, undo);
    reject(`state root ${header.state_root} differs from the computed ${root}`);
  }
  return { block, hash: blockHash(header), changes, undo };
}

export interface Genesis {
  state: Trie;
  header: Header;
  hash: Hash;
}

/** Builds the genesis state with `build` (which runs each pallet's genesis config), `:code`, and its header. */
export function buildGenesis(executive: Executive, build: () => void): Genesis {
  const state = new Trie();
  const overlay = new Overlay(state);
  executive.run(overlay, build);
  overlay.set(CODE_KEY, runtimeCode(executive.runtime));
  commitChanges(state, overlay.drain());
  const header: Header = {
    parent_hash: ZERO_HASH,
    number: 0,
    state_root: H256.dec(state.root()),
    extrinsics_root: extrinsicsRoot([]),
    digest: { logs: [] },
  };
  return { state, header, hash: blockHash(header) };
}
