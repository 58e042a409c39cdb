// A chain: genesis from a spec, the committed state at the head, the blocks, and the two ways a
// block arrives — authored here (BlockBuilder) or imported (executeBlock, roots checked). The CLI,
// the test harness and the RPC node all drive this.
import { hexToU8a, u8aToHex } from '@polkadot/util';
import type { Trie } from '../primitives/trie.ts';
import type { Hash, TransactionValidity } from '../primitives/types.ts';
import { genesisOf, type ChainSpec } from '../genesis/spec.ts';
import type { Block, BuiltBlock } from '../frame/block.ts';
import { queryRuntimeApi } from '../frame/apis.ts';
import { BlockBuilder, executeBlock, type Genesis } from '../frame/block-builder.ts';
import type { ApplyExtrinsicResult } from '../frame/executive.ts';
import { Overlay } from '../frame/overlay.ts';
import type { Executive } from '../frame/executive.ts';
import { executive as slicechain } from '../runtime/runtime.ts';
import { inherentDataAt } from './inherents.ts';
import type { SignaturePool } from './signature-pool.ts';

export interface Head {
  hash: Hash;
  number: number;
}

/** What building a block did with each extrinsic offered, in order. */
export interface Authored {
  built: BuiltBlock;
  /** One per extrinsic offered: included (with the call's outcome) or refused. */
  results: ApplyExtrinsicResult[];
  /** How many inherents precede the included extrinsics in the block. */
  inherents: number;
}

export interface ChainOptions {
  /** The runtime to run (the slicechain runtime by default; tests may bring their own). */
  executive?: Executive;
  /**
   * Resume from a stored head state and its blocks (the database). `stateRoot` is the root the
   * store recorded for that state: the head header's, unless a dev node edited the head's state.
   */
  resume?: { state: Trie; stateRoot?: Hash; blocks: readonly { block: Block; hash: Hash }[] };
  /** The spec's genesis, built already (a sweep starts many chains from one); the chain takes over its state. */
  genesis?: Genesis;
}

export class Chain {
  readonly executive: Executive;
  readonly genesis: Genesis;
  readonly state: Trie;
  private readonly hashes: Hash[];
  private readonly blocks = new Map<Hash, Block>();
  /** Called after a block becomes the head (persistence, subscriptions). */
  readonly listeners: ((built: BuiltBlock) => void)[] = [];

  constructor(readonly spec: ChainSpec, { executive = slicechain, resume, genesis }: ChainOptions = {}) {
    this.executive = executive;
    this.genesis = genesis ?? genesisOf(executive, spec);
    this.state = resume?.state ?? this.genesis.state;
    this.hashes = [this.genesis.hash];
    for (const { block, hash } of resume?.blocks ?? []) {
      if (block.header.parent_hash !== this.head.hash) throw new Error(`stored block #${block.header.number} does not follow #${this.head.number}`);
      this.blocks.set(hash, block);
      this.hashes.push(hash);
    }
    const expected = resume?.stateRoot ?? resume?.blocks.at(-1)?.block.header.state_root ?? this.genesis.header.state_root;
    if (u8aToHex(this.state.root()) !== expected) {
      throw new Error(`the stored state of block #${this.head.number} is damaged: its root is ${u8aToHex(this.state.root())}, ${expected} was recorded`);
    }
  }

  get head(): Head {
    return { hash: this.hashes[this.hashes.length - 1], number: this.hashes.length - 1 };
  }

  get runtime() {
    return this.executive.runtime;
  }

  get genesisHash(): Hash {
    return this.genesis.hash;
  }

  /** Runs `body` against the head state (reads only: its writes are discarded). */
  read<T>(body: () => T): T {
    return this.executive.run(new Overlay(this.state), body);
  }

  /** Calls a runtime API at the head: `chain.api('AccountNonceApi_account_nonce', [who])`. */
  api<O>(name: string, args: readonly unknown[]): O {
    return queryRuntimeApi<O>({ executive: this.executive, state: this.state, at: this.head }, name, args);
  }

  /** Authors the next block with the timestamp inherent and as many of `extrinsics` as are valid. */
  author(extrinsics: readonly Uint8Array[]): Authored {
    const builder = new BlockBuilder(this.executive, this.state, this.head, inherentDataAt(this.executive, this.state));
    const results = extrinsics.map((xt) => builder.push(xt));
    return { built: this.commit(builder.build()), results, inherents: builder.inherentCount };
  }

  /** Imports a block: re-executes it on the head state and checks its roots; a bad block changes nothing. */
  import(block: Block): BuiltBlock {
    return this.commit(executeBlock(this.executive, this.state, this.head, block));
  }

  /**
   * Imports blocks in order, verifying each block's signatures on another core while the block
   * before it executes here (signature checks are about half of an import's work). The payloads of
   * block k+1 are computed before block k is applied: what they sign (versions, genesis hash, era
   * birth hashes) does not change within a block, and a payload guessed wrong only means that
   * signature is verified again, in the block. Stops at the first bad block, with its reason.
   */
  async importAll(blocks: AsyncIterable<Block> | Iterable<Block>, pool: SignaturePool): Promise<void> {
    const verifyAhead = (block: Block) => {
      const signed = this.executive.signedPayloads(new Overlay(this.state), block.header.number, block.header.parent_hash, block.extrinsics);
      const verdicts = pool.verifyBatch(signed.map(({ signature, payload, signer }) => ({
        kind: signature.type, signature: hexToU8a(signature.value), message: payload, signer: hexToU8a(signer),
      }))).catch(() => signed.map(() => false)); // a pool that fails leaves the checks to the block
      return { block, signed, verdicts };
    };
    const importAhead = async ({ block, signed, verdicts }: ReturnType<typeof verifyAhead>) => {
      const verified = await verdicts;
      this.executive.noteVerified(signed.filter((_, i) => verified[i]));
      this.import(block);
    };
    let pending: ReturnType<typeof verifyAhead> | undefined;
    try {
      for await (const block of blocks) {
        const next = verifyAhead(block);
        const current = pending;
        pending = undefined; // a block that fails to import leaves nothing to import after it
        if (current) await importAhead(current);
        pending = next;
      }
    } catch (error) {
      // Bad input after a good block: the good block is still imported, as it would be one by one.
      if (pending) await importAhead(pending);
      throw error;
    }
    if (pending) await importAhead(pending);
  }

  /** TaggedTransactionQueue_validate_transaction at the head. */
  validate(extrinsic: Uint8Array): TransactionValidity {
    return this.executive.validateTransaction(new Overlay(this.state), extrinsic, this.head.hash);
  }

  hashAt(number: number): Hash | undefined {
    return this.hashes[number];
  }

  block(hash: Hash): Block | undefined {
    return this.blocks.get(hash);
  }

  /** The blocks after genesis, oldest first. */
  *allBlocks(): Generator<Block> {
    for (const hash of this.hashes.slice(1)) yield this.blocks.get(hash) as Block;
  }

  /**
   * Forgets the blocks after `number` (dev_setHead). The caller has already put the state back
   * to that block's (the chain keeps blocks, not their undo records).
   */
  truncate(number: number): void {
    if (!Number.isInteger(number) || number < 0 || number > this.head.number) throw new RangeError(`no block #${number} to go back to`);
    for (const hash of this.hashes.splice(number + 1)) this.blocks.delete(hash);
  }

  private commit(built: BuiltBlock): BuiltBlock {
    this.blocks.set(built.hash, built.block);
    this.hashes.push(built.hash);
    for (const listener of this.listeners) listener(built);
    return built;
  }
}
