// The chain's database under `<base-path>/chains/<chain id>/db` (LevelDB through classic-level):
// the blocks by number, the head state as flat key/values (the trie is rebuilt from it on open,
// and its root checked against the root recorded with it), and the genesis hash the database
// belongs to. The recorded root is the head header's, or, after a dev node edited the head's
// state (dev_setStorage), the root of the edited state.
import { mkdirSync, rmSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import { hexToU8a, u8aConcat, u8aToHex } from '@polkadot/util';
import { Trie } from '../primitives/trie.ts';
import type { Hash } from '../primitives/types.ts';
import { Block, blockHash, type BuiltBlock } from '../frame/block.ts';
import type { Change } from '../frame/overlay.ts';
import type { ChainSpec } from '../genesis/spec.ts';
import { Chain } from './chain.ts';

const GENESIS = new TextEncoder().encode('m:genesis');
const STATE_ROOT = new TextEncoder().encode('m:state-root');
const BLOCK = 'b'.charCodeAt(0);
const STATE = 's'.charCodeAt(0);

const blockKey = (number: number) => {
  const key = new Uint8Array(5);
  key[0] = BLOCK;
  new DataView(key.buffer).setUint32(1, number);
  return key;
};
const stateKey = (key: Uint8Array) => u8aConcat(new Uint8Array([STATE]), key);
const range = (tag: number) => ({ gte: new Uint8Array([tag]), lt: new Uint8Array([tag + 1]) });

export const databasePath = (basePath: string, spec: ChainSpec): string => join(basePath, 'chains', spec.id, 'db');

export class ChainDatabase {
  /** Writes are queued in block order; `flush` waits for them. */
  private pending: Promise<void> = Promise.resolve();
  private failure: Error | undefined;

  private constructor(private readonly db: ClassicLevel<Uint8Array, Uint8Array>, readonly path: string) {}

  static async open(path: string): Promise<ChainDatabase> {
    mkdirSync(path, { recursive: true });
    const db = new ClassicLevel<Uint8Array, Uint8Array>(path, { keyEncoding: 'view', valueEncoding: 'view' });
    await db.open();
    return new ChainDatabase(db, path);
  }

  async genesisHash(): Promise<Hash | undefined> {
    const value = await this.db.get(GENESIS);
    return value ? (u8aToHex(value) as Hash) : undefined;
  }

  async writeGenesis(hash: Hash, state: Trie): Promise<void> {
    const batch = this.db.batch();
    for (const [key, value] of state.entries()) batch.put(stateKey(key), value);
    batch.put(GENESIS, hexToU8a(hash));
    batch.put(STATE_ROOT, state.root());
    await batch.write();
  }

  /** The root of the stored state, as recorded with its last write. */
  async stateRoot(): Promise<Hash | undefined> {
    const value = await this.db.get(STATE_ROOT);
    return value ? (u8aToHex(value) as Hash) : undefined;
  }

  /** Queues a block and its state changes as one atomic write. */
  enqueue(built: BuiltBlock): void {
    this.enqueueState(built.changes, hexToU8a(built.block.header.state_root), (batch) => {
      batch.put(blockKey(built.block.header.number), Block.enc(built.block));
    });
  }

  /** Queues an edit of the head state outside any block (dev_setStorage), with the root it leads to. */
  enqueueEdit(changes: readonly Change[], root: Uint8Array): void {
    this.enqueueState(changes, root);
  }

  /** Queues dropping the blocks after `head` (dev_setHead), with the state changes that undo them. */
  enqueueTruncate(head: number, changes: readonly Change[], root: Uint8Array): void {
    this.pending = this.pending.then(() => this.db.clear({ gt: blockKey(head), lt: new Uint8Array([BLOCK + 1]) }));
    this.enqueueState(changes, root);
  }

  private enqueueState(changes: readonly Change[], root: Uint8Array, more?: (batch: ReturnType<ClassicLevel<Uint8Array, Uint8Array>['batch']>) => void): void {
    const batch = this.db.batch();
    more?.(batch);
    for (const [key, value] of changes) {
      if (value === null) batch.del(stateKey(key));
      else batch.put(stateKey(key), value);
    }
    batch.put(STATE_ROOT, root);
    this.pending = this.pending.then(() => batch.write()).catch((error: Error) => { this.failure ??= error; });
  }

  async flush(): Promise<void> {
    await this.pending;
    if (this.failure) throw new Error(`database write failed at ${this.path}: ${this.failure.message}`);
  }

  async *blocks(from = 1, to = Number.MAX_SAFE_INTEGER): AsyncGenerator<Block> {
    for await (const value of this.db.values({ gte: blockKey(from), lte: blockKey(Math.min(to, 0xffffffff)) })) yield Block.dec(value);
  }

  async loadState(): Promise<Trie> {
    const state = new Trie();
    for await (const [key, value] of this.db.iterator(range(STATE))) state.set(key.subarray(1), value);
    return state;
  }

  async close(): Promise<void> {
    await this.flush();
    await this.db.close();
  }
}

/**
 * Opens the chain kept at `basePath` for `spec`, creating it at genesis when new. A database of
 * another chain, or whose state does not match its head block, is refused with the reason.
 */
export async function openChain(spec: ChainSpec, basePath: string): Promise<{ chain: Chain; db: ChainDatabase }> {
  const path = databasePath(basePath, spec);
  const db = await ChainDatabase.open(path);
  try {
    const fresh = new Chain(spec);
    const stored = await db.genesisHash();
    let chain = fresh;
    if (!stored) {
      await db.writeGenesis(fresh.genesisHash, fresh.state);
    } else if (stored !== fresh.genesisHash) {
      throw new Error(`the database at ${path} belongs to another chain (genesis ${stored}, the spec gives ${fresh.genesisHash}); run purge-chain or use another --base-path`);
    } else {
      const blocks: Block[] = [];
      for await (const block of db.blocks()) blocks.push(block);
      chain = new Chain(spec, { resume: {
        state: await db.loadState(),
        stateRoot: await db.stateRoot(),
        blocks: blocks.map((block) => ({ block, hash: blockHash(block.header) })),
      } });
    }
    chain.listeners.push((built) => db.enqueue(built));
    return { chain, db };
  } catch (error) {
    await db.close();
    throw error;
  }
}

/** Removes the chain's database (`purge-chain`); returns whether there was one. */
export function purgeChain(spec: ChainSpec, basePath: string): boolean {
  const path = databasePath(basePath, spec);
  if (!existsSync(path)) return false;
  rmSync(path, { recursive: true, force: true });
  return true;
}
