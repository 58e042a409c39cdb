// The chain's database under `<base-path>/chains/<chain id>/db` (LevelDB through classic-level):
// the blocks by number, the head state as flat key/values (the trie is rebuilt from it on open,
// and its root checked against the root recorded with it), the head marker and the genesis hash
// the database belongs to, and each block's state history: the changes it made and the values
// they replaced (what the node undoes to answer at an older block). The history grows by what
// blocks change, never by copies of the state; with --state-pruning <n> only the last n blocks'
// is kept (the older records are deleted in the batch that adds a new one). The recorded root is the head header's, or, after a dev node edited the
// head's state (dev_setStorage), the root of the edited state.
//
// Crash safety: every change of head, blocks and state is ONE LevelDB batch (atomic: after a crash
// the database is at one of the heads it went through, never between two). A head checkpoint file
// beside the tables, written after each batch that advanced the head (and before one that moves it
// back), catches what LevelDB itself silently drops (a truncated or corrupted log): on open the
// checkpointed block must still be on the stored chain. A database is created whole (built under
// `db.new`, then renamed), so a `db` directory that does not open as a slicechain database, or fails
// any check of `openChain`, is damage: it is refused with the reason, never started over.
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import { hexToU8a, u8aConcat, u8aToHex } from '@polkadot/util';
import { Bytes, Option, Struct, Tuple, Vec, u32 } from '../primitives/scale.ts';
import { Trie } from '../primitives/trie.ts';
import { H256, type Hash } from '../primitives/types.ts';
import { Block, blockHash, extrinsicsRoot, type BuiltBlock } from '../frame/block.ts';
import type { Change } from '../frame/overlay.ts';
import { chainDirectory, type ChainSpec } from '../genesis/spec.ts';
import { Chain, type Head } from './chain.ts';

const GENESIS = new TextEncoder().encode('m:genesis');
const STATE_ROOT = new TextEncoder().encode('m:state-root');
const HEAD = new TextEncoder().encode('m:head');
const BLOCK = 'b'.charCodeAt(0);
const STATE = 's'.charCodeAt(0);
const HISTORY = 'h'.charCodeAt(0);
const Changes = Vec(Tuple(Bytes, Option(Bytes)));
const HistoryRecord = Struct('slicechain::database::History', { changes: Changes, undo: Changes });
const HeadRecord = Struct('slicechain::database::Head', { number: u32, hash: H256 });
/** Beside LevelDB's own files in the database directory (LevelDB leaves names it does not own alone). */
const CHECKPOINT = 'SLICECHAIN-HEAD';

const numberedKey = (tag: number) => (number: number) => {
  const key = new Uint8Array(5);
  key[0] = tag;
  new DataView(key.buffer).setUint32(1, number);
  return key;
};
const blockKey = numberedKey(BLOCK);
const historyKey = numberedKey(HISTORY);
const keyNumber = (key: Uint8Array) => new DataView(key.buffer, key.byteOffset).getUint32(1);
const encodeChanges = (changes: readonly Change[]) => changes.map(([key, value]): [Uint8Array, Uint8Array | undefined] => [key, value ?? undefined]);
const decodeChanges = (changes: [Uint8Array, Uint8Array | undefined][]) => changes.map(([key, value]): Change => [key, value ?? null]);

/** A block's state history: what it changed, and what undoes it. */
export interface History {
  number: number;
  changes: Change[];
  undo: Change[];
}
const stateKey = (key: Uint8Array) => u8aConcat(new Uint8Array([STATE]), key);
const range = (tag: number) => ({ gte: new Uint8Array([tag]), lt: new Uint8Array([tag + 1]) });

export const databasePath = (basePath: string, spec: ChainSpec): string => join(chainDirectory(basePath, spec.id), 'db');

/** A database that cannot be trusted: the node refuses to start on it rather than lose or rewrite blocks. */
export class DatabaseDamaged extends Error {
  constructor(readonly path: string, reason: string) {
    super(`the database at ${path} is damaged: ${reason}. Refusing to start on it: remove it with \`slicechain purge-chain --base-path ${join(path, '..', '..', '..')} --chain <chain>\` `
      + `(or move it aside), then import the blocks again with import-blocks (export-blocks exports those before the damage)`);
    this.name = 'DatabaseDamaged';
  }
}

type Batch = ReturnType<ClassicLevel<Uint8Array, Uint8Array>['batch']>;

export class ChainDatabase {
  /** Writes are queued in block order; `flush` waits for them. After a failed write nothing more is written. */
  private pending: Promise<void> = Promise.resolve();
  private failure: Error | undefined;
  /** The head as of the last queued write. */
  private head: Head;
  /** Blocks and state history queued and not yet written (so that reads see them), by number. */
  private readonly unwritten = new Map<number, { block: Block; history: History }>();

  /** How many recent blocks keep their history (Infinity: an archive). */
  keepHistory = Infinity;

  private constructor(private readonly db: ClassicLevel<Uint8Array, Uint8Array>, readonly path: string, head: Head) {
    this.head = head;
  }

  /** Opens the database at `path`: undefined when there is none, DatabaseDamaged when it is not one. */
  static async open(path: string): Promise<ChainDatabase | undefined> {
    if (!existsSync(path)) return undefined;
    // createIfMissing would turn a database that lost its CURRENT file into an empty one.
    const db = new ClassicLevel<Uint8Array, Uint8Array>(path, { keyEncoding: 'view', valueEncoding: 'view', createIfMissing: false });
    try {
      await db.open();
    } catch (error) {
      const cause = (error as { cause?: Error }).cause?.message ?? (error as Error).message;
      throw new DatabaseDamaged(path, `LevelDB cannot open it (${cause})`);
    }
    const head = await db.get(HEAD);
    if (!head || !(await db.get(GENESIS))) {
      await db.close();
      throw new DatabaseDamaged(path, 'it has no genesis or head marker (not a slicechain database, or its records were lost)');
    }
    return new ChainDatabase(db, path, HeadRecord.dec(head));
  }

  /** Creates the database at `path` holding the genesis state, whole or not at all. */
  static async create(path: string, genesis: Head, state: Trie): Promise<ChainDatabase> {
    const building = `${path}.new`;
    rmSync(building, { recursive: true, force: true });
    mkdirSync(building, { recursive: true });
    const db = new ClassicLevel<Uint8Array, Uint8Array>(building, { keyEncoding: 'view', valueEncoding: 'view' });
    await db.open();
    const batch = db.batch();
    for (const [key, value] of state.entries()) batch.put(stateKey(key), value);
    batch.put(GENESIS, hexToU8a(genesis.hash));
    batch.put(STATE_ROOT, state.root());
    batch.put(HEAD, HeadRecord.enc(genesis));
    await batch.write();
    await db.close();
    writeCheckpoint(building, genesis);
    renameSync(building, path);
    const created = await ChainDatabase.open(path);
    return created as ChainDatabase;
  }

  async genesisHash(): Promise<Hash> {
    return u8aToHex(await this.db.get(GENESIS)) as Hash;
  }

  /** The head marker: the block the stored state belongs to. */
  storedHead(): Head {
    return this.head;
  }

  /** The root of the stored state, as recorded with its last write. */
  async stateRoot(): Promise<Hash | undefined> {
    const value = await this.db.get(STATE_ROOT);
    return value ? (u8aToHex(value) as Hash) : undefined;
  }

  /** The head checkpoint: a block the database reached and must still hold. */
  checkpoint(): Head | undefined {
    try {
      const { number, hash } = JSON.parse(readFileSync(join(this.path, CHECKPOINT), 'utf8')) as Head;
      return { number, hash };
    } catch {
      return undefined;
    }
  }

  /** Queues a block, its state changes and the new head marker as one atomic write. */
  enqueue(built: BuiltBlock): void {
    const head = { number: built.block.header.number, hash: built.hash };
    const queued = { block: built.block, history: { number: head.number, changes: built.changes, undo: built.undo } };
    this.unwritten.set(head.number, queued);
    this.enqueueState(built.changes, hexToU8a(built.block.header.state_root), head, (batch) => {
      batch.put(blockKey(head.number), Block.enc(built.block));
      putHistory(batch, queued.history);
      if (head.number > this.keepHistory) batch.del(historyKey(head.number - this.keepHistory));
    }, () => {
      if (this.unwritten.get(head.number) === queued) this.unwritten.delete(head.number);
    });
  }

  /** Stored block `number` (read from the disk unless its write is still queued); undefined when there is none. */
  block(number: number): Block | undefined {
    const queued = this.unwritten.get(number);
    if (queued) return queued.block;
    const value = this.db.getSync(blockKey(number));
    return value && Block.dec(value);
  }

  /** The stored state history of block `number`; undefined when there is none (pruned, or never kept). */
  history(number: number): History | undefined {
    const queued = this.unwritten.get(number);
    if (queued) return queued.history;
    const value = this.db.getSync(historyKey(number));
    if (!value) return undefined;
    const record = HistoryRecord.dec(value);
    return { number, changes: decodeChanges(record.changes), undo: decodeChanges(record.undo) };
  }

  /**
   * Queues an edit of the head state outside any block (dev_setStorage), with the root it leads to
   * and the head block's history as the edit extended it (undoing the block undoes the edit too).
   */
  enqueueEdit(changes: readonly Change[], root: Uint8Array, history: History | undefined): void {
    const queued = history && this.unwritten.get(history.number);
    if (queued) queued.history = history;
    this.enqueueState(changes, root, this.head, (batch) => { if (history) putHistory(batch, history); });
  }

  /**
   * Queues moving the head back to `head` (dev_setHead): dropping the blocks after it, the state
   * changes that undo them and the head marker, as one atomic write.
   */
  enqueueTruncate(head: Head, changes: readonly Change[], root: Uint8Array): void {
    const dropped = this.head.number;
    for (let n = head.number + 1; n <= dropped; n++) this.unwritten.delete(n);
    this.enqueueState(changes, root, head, (batch) => {
      for (let n = head.number + 1; n <= dropped; n++) {
        batch.del(blockKey(n));
        batch.del(historyKey(n));
      }
    });
  }

  private enqueueState(changes: readonly Change[], root: Uint8Array, head: Head, more?: (batch: Batch) => void, written?: () => void): void {
    const batch = this.db.batch();
    more?.(batch);
    for (const [key, value] of changes) {
      if (value === null) batch.del(stateKey(key));
      else batch.put(stateKey(key), value);
    }
    batch.put(STATE_ROOT, root);
    batch.put(HEAD, HeadRecord.enc(head));
    const back = head.number < this.head.number;
    this.head = head;
    this.pending = this.pending.then(async () => {
      if (this.failure) return;
      // The checkpoint never names a block the database may not reach: after the write going
      // forward, before it going back.
      if (back) writeCheckpoint(this.path, head);
      await batch.write();
      if (!back) writeCheckpoint(this.path, head);
      written?.();
    }).catch((error: Error) => { this.failure ??= error; });
  }

  async flush(): Promise<void> {
    await this.pending;
    if (this.failure) throw new Error(`database write failed at ${this.path}: ${this.failure.message}`);
  }

  /** The head's number, as of the last queued write. */
  get headNumber(): number {
    return this.head.number;
  }

  /** The stored blocks, each checked against its key, its parent and its extrinsics; stops at the first bad one. */
  async *checkedBlocks(genesis: Head): AsyncGenerator<{ block: Block; hash: Hash }> {
    let parent = genesis;
    for await (const [key, value] of this.db.iterator(range(BLOCK))) {
      const number = keyNumber(key);
      const what = `stored block #${number}`;
      if (number !== parent.number + 1) throw new DatabaseDamaged(this.path, `block #${parent.number + 1} is missing (the next stored block is #${number})`);
      let block: Block;
      try {
        block = Block.dec(value);
      } catch (error) {
        throw new DatabaseDamaged(this.path, `${what} does not decode (${(error as Error).message})`);
      }
      if (block.header.number !== number) throw new DatabaseDamaged(this.path, `${what} says it is #${block.header.number}`);
      if (block.header.parent_hash !== parent.hash) throw new DatabaseDamaged(this.path, `${what} does not follow #${parent.number} ${parent.hash}`);
      if (extrinsicsRoot(block.extrinsics) !== block.header.extrinsics_root) throw new DatabaseDamaged(this.path, `${what}'s extrinsics do not match its header's extrinsics root`);
      parent = { number, hash: blockHash(block.header) };
      yield { block, hash: parent.hash };
    }
  }

  /**
   * The stored history of the last `inMemory` blocks up to `head`, oldest first, from the unbroken
   * run of records ending at the head, at most keepHistory long (older records, left by a larger
   * window before, are deleted; the run's older records stay on disk, read by `history`).
   */
  async loadHistory(head: number, inMemory: number): Promise<History[]> {
    const records: History[] = [];
    const stale: number[] = [];
    let run = 0;
    for await (const [key, value] of this.db.iterator({ ...range(HISTORY), reverse: true })) {
      const number = keyNumber(key);
      const wanted = number === head - run && run < this.keepHistory;
      if (!wanted) {
        stale.push(number);
        continue;
      }
      run++;
      if (records.length === inMemory) continue;
      let record;
      try {
        record = HistoryRecord.dec(value);
      } catch (error) {
        throw new DatabaseDamaged(this.path, `the state history of block #${number} does not decode (${(error as Error).message})`);
      }
      records.push({ number, changes: decodeChanges(record.changes), undo: decodeChanges(record.undo) });
    }
    if (stale.length > 0) {
      const batch = this.db.batch();
      for (const number of stale) batch.del(historyKey(number));
      await batch.write();
    }
    return records.reverse();
  }

  async loadState(): Promise<Trie> {
    const state = new Trie();
    for await (const [key, value] of this.db.iterator(range(STATE))) state.set(key.subarray(1), value);
    return state;
  }

  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      await this.db.close();
    }
  }
}

function putHistory(batch: Batch, { number, changes, undo }: History): void {
  batch.put(historyKey(number), HistoryRecord.enc({ changes: encodeChanges(changes), undo: encodeChanges(undo) }));
}

/** Replaces the checkpoint file whole (write, then rename), so a crash leaves the old one or the new. */
function writeCheckpoint(directory: string, head: Head): void {
  const file = join(directory, CHECKPOINT);
  writeFileSync(`${file}.tmp`, JSON.stringify(head));
  renameSync(`${file}.tmp`, file);
}

/** Blocks whose state stays queryable without --state-pruning: Substrate's 256, or all of them (an archive) on a development chain. */
export const defaultStateHistory = (spec: ChainSpec): number => (spec.chainType === 'Development' ? Infinity : 256);

/**
 * Opens the chain kept at `basePath` for `spec`, creating it at genesis when new. A database of
 * another chain is refused; a damaged one (see DatabaseDamaged) too, after checking that the head
 * marker, the checkpoint, every stored block's header chain and extrinsics, and the state's root
 * agree.
 */
export async function openChain(spec: ChainSpec, basePath: string, { keepHistory = defaultStateHistory(spec) } = {}): Promise<{ chain: Chain; db: ChainDatabase }> {
  const path = databasePath(basePath, spec);
  const fresh = new Chain(spec);
  const genesis = { number: 0, hash: fresh.genesisHash };
  if (existsSync(path) && readdirSync(path).length === 0) rmSync(path, { recursive: true }); // an empty directory holds no chain
  const db = (await ChainDatabase.open(path)) ?? (await ChainDatabase.create(path, genesis, fresh.state));
  db.keepHistory = keepHistory;
  try {
    const stored = await db.genesisHash();
    if (stored !== fresh.genesisHash) {
      throw new Error(`the database at ${path} belongs to another chain (genesis ${stored}, the spec gives ${fresh.genesisHash}); run purge-chain or use another --base-path`);
    }
    // The stored blocks are checked one by one and only their hashes kept: the chain reads a block from here when asked.
    const hashes: Hash[] = [];
    let headerRoot = fresh.genesis.header.state_root;
    for await (const { block, hash } of db.checkedBlocks(genesis)) {
      hashes.push(hash);
      headerRoot = block.header.state_root;
    }
    const last = hashes.length > 0 ? { number: hashes.length, hash: hashes[hashes.length - 1] } : genesis;
    const marker = db.storedHead();
    if (last.number !== marker.number || last.hash !== marker.hash) {
      throw new DatabaseDamaged(path, `its head marker says #${marker.number} ${marker.hash}, but the stored blocks end at #${last.number} ${last.hash}`);
    }
    const checkpoint = db.checkpoint();
    if (!checkpoint) throw new DatabaseDamaged(path, `its head checkpoint file ${CHECKPOINT} is missing or unreadable`);
    const reached = checkpoint.number === 0 ? genesis.hash : hashes[checkpoint.number - 1];
    if (reached !== checkpoint.hash) {
      throw new DatabaseDamaged(path, `block #${checkpoint.number} ${checkpoint.hash} was stored but is lost (the stored chain ends at #${last.number}; LevelDB dropped writes from a damaged log)`);
    }
    let chain: Chain;
    try {
      chain = new Chain(spec, { resume: { state: await db.loadState(), stateRoot: (await db.stateRoot()) ?? headerRoot, hashes }, blocks: db });
    } catch (error) {
      throw new DatabaseDamaged(path, (error as Error).message);
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
  rmSync(`${path}.new`, { recursive: true, force: true });
  if (!existsSync(path)) return false;
  rmSync(path, { recursive: true, force: true });
  return true;
}
