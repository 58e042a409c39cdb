// Building a block on top of a state (authoring: inherents first, then pushed extrinsics),
// executing a received block with its roots checked (import), and the genesis block.
import { u8aToHex } from '@polkadot/util';
import { Trie } from '../primitives/trie.ts';
import { H256, ZERO_HASH, type Digest, type Hash, type Header } from '../primitives/types.ts';
import { BlockRejected, blockHash, commitChanges, extrinsicsRoot, revertChanges, type Block, type BuiltBlock } from './block.ts';
import type { InherentData } from './construct.ts';
import { describeValidityError } from './extensions.ts';
import type { ApplyExtrinsicResult, Executive } from './executive.ts';
import { CODE_KEY, runtimeCode } from './metadata.ts';
import { Overlay, type Change } from './overlay.ts';

const describeApply = (result: ApplyExtrinsicResult): string | undefined =>
  result.success ? undefined : describeValidityError(result.value);

/** Builds a block on top of `state` (the state after `parent`): inherents first, then pushed extrinsics. */
export class BlockBuilder {
  private readonly overlay: Overlay;
  private readonly extrinsics: Uint8Array[] = [];
  readonly number: number;
  /** How many inherents the block starts with: the extrinsics pushed after them are numbered from here. */
  readonly inherentCount: number;

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
    this.inherentCount = this.extrinsics.length;
  }

  /** The storage changes so far, leaving the state untouched (a dry run's diff); the builder is spent. */
  drain(): Change[] {
    return this.overlay.drain();
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
      const inherent = !executive.decodeExtrinsic(xt).signature;
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
