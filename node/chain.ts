// A chain: genesis from a spec, the committed state at the head, the blocks (in memory, read from
// the database, or kept nowhere; only their hashes are always in memory), and the two ways a
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

/**
 * How many blocks `importAll` reads and submits for signature checks past the one it executes:
 * enough that the workers stay busy through blocks of uneven size, few enough that a bad block
 * wastes little verification.
 */
const IMPORT_LOOK_AHEAD = 4;

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

/** Where a chain reads the blocks it does not keep in memory (the database). */
export interface BlockSource {
  /** The block at `number` of the chain (one the chain committed), or undefined when there is none. */
  block(number: number): Block | undefined;
}

export interface ChainOptions {
  /** The runtime to run (the slicechain runtime by default; tests may bring their own). */
  executive?: Executive;
  /**
   * Resume from a stored head state and the hashes of the stored blocks, oldest first (the
   * database, which then serves the blocks as `blocks`). `stateRoot` is the root the store
   * recorded for that state: the head header's, unless a dev node edited the head's state.
   */
  resume?: { state: Trie; stateRoot: Hash; hashes: readonly Hash[] };
  /**
   * Where the blocks are kept: in memory, every one (the default), or read from a source (the
   * database) and none in memory. `'none'`: kept nowhere (simulate writing its blocks to a file as
   * it makes them); `blockAt` then knows none.
   */
  blocks?: 'memory' | 'none' | BlockSource;
  /** The spec's genesis, built already (a sweep starts many chains from one); the chain takes over its state. */
  genesis?: Genesis;
}

export class Chain {
  readonly executive: Executive;
  readonly genesis: Genesis;
  readonly state: Trie;
  /** Every block's hash by number: the one thing the chain keeps per block (about 100 bytes). */
  private readonly hashes: Hash[];
  /** The blocks kept in memory by number (all of them with `blocks: 'memory'`, else none). */
  private readonly kept: Map<number, Block> | undefined;
  private readonly source: BlockSource | undefined;
  /** Called after a block becomes the head (persistence, subscriptions). */
  readonly listeners: ((built: BuiltBlock) => void)[] = [];

  constructor(readonly spec: ChainSpec, { executive = slicechain, resume, blocks = 'memory', genesis }: ChainOptions = {}) {
    this.executive = executive;
    this.genesis = genesis ?? genesisOf(executive, spec);
    this.state = resume?.state ?? this.genesis.state;
    this.hashes = [this.genesis.hash, ...(resume?.hashes ?? [])];
    this.kept = blocks === 'memory' ? new Map() : undefined;
    this.source = typeof blocks === 'object' ? blocks : undefined;
    const expected = resume?.stateRoot ?? this.genesis.header.state_root;
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
   * Imports blocks in order, their signatures verified on the pool's workers ahead of execution:
   * up to `IMPORT_LOOK_AHEAD` blocks past the one executing are read and submitted, so the workers
   * never wait for this thread, and this thread verifies itself whatever they have not reached
   * when it needs it (no signature is verified twice). The payloads are computed before the
   * blocks before them are applied: what they sign (versions, genesis hash, era birth hashes,
   * known from the blocks' parent hashes) does not change within a few blocks, and a payload
   * guessed wrong only means that signature is verified again, in the block. Stops at the first
   * bad block, with its reason; a bad input after good blocks still imports the good ones first.
   */
  async importAll(blocks: AsyncIterable<Block> | Iterable<Block>, pool: SignaturePool): Promise<void> {
    const ahead: Block[] = [];
    const lookAhead = (block: Block) => {
      const between = ahead.map(({ header }) => ({ number: header.number - 1, hash: header.parent_hash }));
      this.checkAhead(pool, block.extrinsics, block.header, between);
      ahead.push(block);
    };
    let importing = false;
    const importFirst = () => {
      importing = true;
      this.import(ahead.shift() as Block);
      importing = false;
    };
    try {
      for await (const block of blocks) {
        lookAhead(block);
        if (ahead.length > IMPORT_LOOK_AHEAD) importFirst();
      }
    } catch (error) {
      if (!importing) while (ahead.length > 0) importFirst();
      throw error;
    }
    while (ahead.length > 0) importFirst();
  }

  /**
   * Verification ahead of a block (import's look-ahead, dev_newBlock): submits the signature checks
   * of `extrinsics`, as block `at` (its number and parent hash, the next block's by default;
   * `between` as for `signedPayloads`) will make them, to the pool's workers, and each extrinsic's
   * check asks for its verdict when applied (see `Verdicts.take`).
   */
  checkAhead(pool: SignaturePool, extrinsics: readonly Uint8Array[], at: { number: number; parent_hash: Hash } = { number: this.head.number + 1, parent_hash: this.head.hash },
    between: readonly { number: number; hash: Hash }[] = []): void {
    const signed = this.executive.signedPayloads(new Overlay(this.state), at.number, at.parent_hash, extrinsics, between);
    const verdicts = pool.submit(signed.map(({ signature, payload, signer }) => ({
      kind: signature.type, signature: hexToU8a(signature.value), message: payload, signer: hexToU8a(signer),
    })));
    // A literal, not { ...entry, verdict }: V8 (Node 20) gives an object spread and then extended a
    // new hidden class each time, about 1 us a property.
    this.executive.noteVerifying(signed.map(({ signature, payload, signer, extrinsic }, i) => ({ signature, payload, signer, extrinsic, verdict: () => verdicts.take(i) })));
  }

  /** TaggedTransactionQueue_validate_transaction at the head. */
  validate(extrinsic: Uint8Array): TransactionValidity {
    return this.executive.validateTransaction(new Overlay(this.state), extrinsic, this.head.hash);
  }

  hashAt(number: number): Hash | undefined {
    return this.hashes[number];
  }

  /** How many blocks the chain holds in memory (none when they are in a database, or kept nowhere). */
  get blocksInMemory(): number {
    return this.kept?.size ?? 0;
  }

  /** The number of block `hash` on this chain, or undefined (recent blocks are found first). */
  numberOf(hash: Hash): number | undefined {
    const number = this.hashes.lastIndexOf(hash);
    return number === -1 ? undefined : number;
  }

  /** Block `number` after genesis: from memory, or read from the chain's block source. */
  blockAt(number: number): Block | undefined {
    if (!Number.isInteger(number) || number < 1 || number > this.head.number) return undefined;
    return this.kept ? this.kept.get(number) : this.source?.block(number);
  }

  /** The blocks after genesis, oldest first. */
  *allBlocks(): Generator<Block> {
    for (let number = 1; number <= this.head.number; number++) {
      const block = this.blockAt(number);
      if (!block) throw new Error(`block #${number} is not kept (the chain keeps its blocks nowhere)`);
      yield block;
    }
  }

  /**
   * Forgets the blocks after `number` (dev_setHead). The caller has already put the state back
   * to that block's (the chain keeps blocks, not their undo records).
   */
  truncate(number: number): void {
    if (!Number.isInteger(number) || number < 0 || number > this.head.number) throw new RangeError(`no block #${number} to go back to`);
    for (let n = number + 1; n < this.hashes.length; n++) this.kept?.delete(n);
    this.hashes.length = number + 1;
  }

  private commit(built: BuiltBlock): BuiltBlock {
    this.hashes.push(built.hash);
    this.kept?.set(built.block.header.number, built.block);
    for (const listener of this.listeners) listener(built);
    return built;
  }
}
