// `benchmark overhead` and `benchmark storage`, as Substrate's: the execution time of an empty
// block (initialize, the timestamp inherent, finalize, state root, the database write), of one
// no-op remark through validation and application with its signature already verified (the
// extrinsic base weight), of a signature check per scheme, of an extrinsic's bytes, and of a
// database read and write through the node's store.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Keyring } from '@polkadot/keyring';
import { blake2_256 } from '../../primitives/hashing.ts';
import { Trie } from '../../primitives/trie.ts';
import { commitChanges, revertChanges, type BuiltBlock } from '../../frame/block.ts';
import { BlockBuilder } from '../../frame/block-builder.ts';
import { Executive } from '../../frame/executive.ts';
import type { Change } from '../../frame/overlay.ts';
import { Overlay } from '../../frame/overlay.ts';
import type { RuntimeCallValue } from '../../frame/pallet.ts';
import { Now, nextTimestamp } from '../../pallets/timestamp/index.ts';
import { Balances, System } from '../../runtime/runtime.ts';
import { Root } from '../../frame/dispatch.ts';
import type { AccountId } from '../../primitives/types.ts';
import { u8aToHex } from '@polkadot/util';
import type { Chain } from '../chain.ts';
import { ChainDatabase } from '../database.ts';
import { signExtrinsic, type SigningPair } from '../signer.ts';
import { elapsed } from './runner.ts';
import { measureBlock, takeBack, writeTime } from './block-time.ts';

export type Scheme = 'Sr25519' | 'Ed25519' | 'Ecdsa';
export const SCHEMES: readonly Scheme[] = ['Sr25519', 'Ed25519', 'Ecdsa'];


/** A signer of `scheme` (the dev phrase's //Alice derivation of that scheme). */
export function schemePair(scheme: Scheme, name = 'Alice'): SigningPair {
  return new Keyring({ type: scheme.toLowerCase() as 'sr25519' | 'ed25519' | 'ecdsa', ss58Format: 42 }).addFromUri(`//${name}`);
}

/** `count` signed remarks of `bytes` bytes (no-ops) of `signer` from nonce `nonce`, for the block after the head. */
export function remarks(chain: Chain, signer: SigningPair, count: number, nonce: number, bytes = 0): Uint8Array[] {
  const call: RuntimeCallValue = System.tx.remark({ remark: new Uint8Array(bytes) });
  return Array.from({ length: count }, (_, i) => signExtrinsic(chain.runtime, signer, call, {
    nonce: nonce + i, genesisHash: chain.genesisHash, specVersion: chain.runtime.version.spec_version,
    transactionVersion: chain.runtime.version.transaction_version,
  }));
}

/**
 * Builds a block of `extrinsics` on the head with `executive`, writes it to a database as the node
 * does, and takes it back; returns wall-clock nanoseconds (build plus write) and how many were included.
 */
export async function timeBlock(chain: Chain, extrinsics: readonly Uint8Array[], executive: Executive = chain.executive): Promise<{ time: number; included: number }> {
  let included = 0;
  let built: BuiltBlock | undefined;
  const timestamp = nextTimestamp(chain.read(() => Now.get()));
  const time = elapsed(() => {
    const builder = new BlockBuilder(executive, chain.state, chain.head, { timestamp });
    for (const xt of extrinsics) if (builder.push(xt).success) included++;
    built = builder.build();
  });
  const write = await writeTime(chain, built as BuiltBlock);
  takeBack(chain, (built as BuiltBlock).undo);
  return { time: time + write * 1e6, included };
}

export interface Overhead {
  /** Nanoseconds per empty block. */
  block: number[];
  /** Nanoseconds per no-op remark applied, its signature known to verify. */
  extrinsic: number[];
  /** Nanoseconds per signature check in a block, by scheme. */
  signatures: Record<Scheme, number[]>;
  /** Nanoseconds per byte of an extrinsic (long remarks against empty ones, signatures checked in the block, the block written). */
  bytes: number[];
}

/** The remarks whose bytes are measured: long enough that their bytes, not their count, dominate. */
const LONG_REMARKS = { count: 4, bytes: 768 * 1024 };

/**
 * Blocks of `perBlock` no-op remarks, each from its own funded account as in a real block (every
 * sender's account is read, charged, written back and committed), per signature scheme. With the
 * signatures known to verify (as block import checks them ahead), a remark's share is the
 * extrinsic base; checking them in the block (a fresh executive, no verdict remembered) adds each
 * scheme's signature check, as a block pays it.
 */
export async function measureOverhead(chain: Chain, repeat: number, perBlock = 100, onStep: () => void = () => undefined): Promise<Overhead> {
  const pairs = Object.fromEntries(SCHEMES.map((scheme) =>
    [scheme, Array.from({ length: perBlock }, (_, i) => schemePair(scheme, `Overhead${i}`))])) as Record<Scheme, SigningPair[]>;
  const funding = new Overlay(chain.state);
  chain.executive.run(funding, () => {
    for (const pair of SCHEMES.flatMap((scheme) => pairs[scheme])) {
      const outcome = chain.runtime.dispatch(Root, Balances.tx.force_set_balance({ who: { type: 'Id', value: u8aToHex(pair.addressRaw) as AccountId }, new_free: 10n ** 15n }));
      if (outcome.error) throw new Error(`funding a sender failed: ${chain.runtime.describeError(outcome.error)}`);
    }
  });
  const undo = commitChanges(chain.state, funding.drain());
  chain.state.root();
  const block: number[] = [];
  const extrinsic: number[] = [];
  const signatures = Object.fromEntries(SCHEMES.map((scheme) => [scheme, [] as number[]])) as Record<Scheme, number[]>;
  const bytes: number[] = [];
  try {
    const batches = Object.fromEntries(SCHEMES.map((scheme) => [scheme, pairs[scheme].flatMap((pair) => remarks(chain, pair, 1, 0))])) as Record<Scheme, Uint8Array[]>;
    const long = pairs.Sr25519.slice(0, LONG_REMARKS.count).flatMap((pair) => remarks(chain, pair, 1, 0, LONG_REMARKS.bytes));
    const short = batches.Sr25519.slice(0, LONG_REMARKS.count);
    for (const scheme of SCHEMES) {
      chain.executive.noteVerified(chain.executive.signedPayloads(new Overlay(chain.state), chain.head.number + 1, chain.head.hash, batches[scheme]));
    }
    const perRemark = (time: number, empty: number) => Math.max(0, (time - empty) / perBlock);
    for (let r = 0; r < repeat; r++) {
      const empty = (await timeBlock(chain, [])).time;
      block.push(empty);
      for (const scheme of SCHEMES) {
        const verified = await timeBlock(chain, batches[scheme]);
        const checked = await timeBlock(chain, batches[scheme], new Executive(chain.runtime));
        if (verified.included !== perBlock || checked.included !== perBlock) throw new Error(`not every ${scheme} remark was included`);
        if (scheme === 'Sr25519') extrinsic.push(perRemark(verified.time, empty));
        signatures[scheme].push(Math.max(0, (checked.time - verified.time) / perBlock));
      }
      // As `benchmark check` times a block: signatures checked in it (a payload over 256 bytes is
      // hashed first), the block written to a database. One warm-up build each: the repeats warm them.
      const [longBlock, shortBlock] = [await measureBlock(chain, 'long remarks', long, chain.head, 0), await measureBlock(chain, 'empty remarks', short, chain.head, 0)];
      const extraBytes = long.reduce((n, xt) => n + xt.length, 0) - short.reduce((n, xt) => n + xt.length, 0);
      bytes.push(Math.max(0, ((longBlock.ms - shortBlock.ms) * 1e6) / extraBytes));
      onStep();
    }
  } finally {
    takeBack(chain, undo);
  }
  onStep();
  return { block, extrinsic, signatures, bytes };
}

export interface DbCosts { read: number[]; write: number[]; entries: number }

/**
 * A read: a state value looked up in the node's state backend (the trie the database is loaded
 * into). A write: the key set in the trie, its share of the root computation, and its share of
 * the block's atomic LevelDB batch through ChainDatabase, with the history record (the change and
 * its undo entry) that batch holds, as a committed block does.
 */
export async function measureDatabase(entries: number, batches: number, perBatch = 1000): Promise<DbCosts> {
  const dir = mkdtempSync(join(tmpdir(), 'slicechain-db-bench-'));
  const state = new Trie();
  const keyOf = (i: number) => blake2_256(new TextEncoder().encode(`key ${i}`));
  const valueOf = (i: number) => blake2_256(new TextEncoder().encode(`value ${i}`)).subarray(0, 24 + (i % 64));
  for (let i = 0; i < entries; i++) state.set(keyOf(i), valueOf(i));
  // Closed and opened again: opening replays the 100,000-entry load into a table and compacts it on
  // background threads, which would otherwise run during (and be billed to) the measured writes.
  await (await ChainDatabase.create(join(dir, 'db'), { number: 0, hash: `0x${'00'.repeat(32)}` }, state)).close();
  const db = await ChainDatabase.open(join(dir, 'db')) as ChainDatabase;
  try {
    const read: number[] = [];
    for (let b = 0; b < batches; b++) {
      const keys = Array.from({ length: perBatch }, (_, i) => keyOf((b * 7919 + i * 104729) % entries));
      read.push(elapsed(() => { for (const key of keys) state.get(key); }) / perBatch);
    }
    const write: number[] = [];
    for (let b = 0; b < batches; b++) {
      const changes: Change[] = Array.from({ length: perBatch }, (_, i): Change => [keyOf((b * 6151 + i * 7907) % entries), valueOf(b + i)]);
      // Wall time: the LevelDB write on libuv's threads is waited for.
      const start = process.hrtime.bigint();
      const undo = commitChanges(state, changes);
      // The node writes every block's history (for queries at past blocks and dev_setHead) in the
      // same batch: left out, a write cost about 15 us less than a block pays for it.
      db.enqueueEdit(changes, state.root(), { number: b + 1, changes, undo });
      await db.flush();
      write.push(Number(process.hrtime.bigint() - start) / perBatch);
      // Taking the batch back dirties the same paths: hash them now, or the next batch's root pays twice.
      revertChanges(state, undo);
      state.root();
    }
    return { read, write, entries };
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
