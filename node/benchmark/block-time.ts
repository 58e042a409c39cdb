// A block's measured execution time over the weight it declared, as `benchmark check` reports it
// and `benchmark overhead` measures an extrinsic's bytes: built on the head after a warm-up build,
// every signature checked in the block, written to a scratch LevelDB as the node writes a block,
// then taken back.
import { mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { revertChanges, type BuiltBlock } from '../../frame/block.ts';
import { BlockBuilder } from '../../frame/block-builder.ts';
import { Executive } from '../../frame/executive.ts';
import { BlockWeight } from '../../frame/system/index.ts';
import { Now, nextTimestamp } from '../../pallets/timestamp/index.ts';
import { Trie } from '../../primitives/trie.ts';
import type { Hash } from '../../primitives/types.ts';
import type { Chain } from '../chain.ts';
import { ChainDatabase } from '../database.ts';

export interface CheckRow {
  name: string; extrinsics: number; included: number; failed: number;
  /** Storage keys the block changed: what its worst cases really wrote. */
  written: number;
  ms: number; wallMs: number; declaredMs: number; ratio: number;
}

/**
 * The wall-clock milliseconds of writing `built` to an empty database, as the node's store takes a
 * block (libuv's threads do the LevelDB work while the main thread waits for it). Each block gets
 * its own database, closed (its background compaction finished) once the block is written: LevelDB
 * work left by one block must not be billed to the next.
 */
export async function writeTime(chain: Chain, built: BuiltBlock): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'slicechain-check-'));
  const db = await ChainDatabase.create(join(dir, 'db'), chain.head, new Trie());
  try {
    const started = performance.now();
    db.enqueue(built);
    await db.flush();
    return performance.now() - started;
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Takes a measured block's (or a set-up's) changes back and hashes the paths that dirtied: left
 * dirty, they would be re-hashed by the next block's state root, on that block's clock.
 */
export function takeBack(chain: Chain, undo: BuiltBlock['undo']): void {
  revertChanges(chain.state, undo);
  chain.state.root();
}

/** Builds of each block measured; the median is reported (a small block is noisy: a major GC can double it). */
const RUNS = 5;
/**
 * Builds before those, not measured: a node runs warm, and the first builds of a call's block run
 * its code before V8 has optimized it (one call's block took 900 ms first, then 450-650 ms).
 */
const WARM_UP = 1;

/** The main thread's scheduler statistics, opened when the check first times a block; null where there are none (not Linux). */
let mainThreadStat: number | null | undefined;
const statBuffer = Buffer.alloc(64);

/**
 * CPU nanoseconds the main thread has run (the scheduler's own count; it advances at the kernel's
 * tick, about 4 ms here, so it serves blocks, not single calls), or undefined without that count.
 */
function mainThreadTime(): number | undefined {
  if (mainThreadStat === undefined) {
    try {
      mainThreadStat = openSync(`/proc/self/task/${process.pid}/schedstat`, 'r');
    } catch {
      mainThreadStat = null;
    }
  }
  if (mainThreadStat === null) return undefined;
  const length = readSync(mainThreadStat, statBuffer, 0, statBuffer.length, 0);
  return Number(statBuffer.toString('latin1', 0, length).split(' ')[0]);
}

/**
 * Builds a block of `extrinsics` on the head (numbered after `parent`'s number) `WARM_UP` + `RUNS` times and takes it back each time; reports the
 * median time of building it (a fresh executive each time: every signature is checked, as in a
 * block nobody verified ahead) plus writing it to a scratch database as the node does, over the
 * weight it declared. The write counts because the database weight a call pays includes its share
 * of the block's LevelDB batch.
 * Building is timed on the main thread's CPU clock: V8 compiles and marks the heap on helper threads
 * that a block does not wait for (on an idle machine the build's wall time matches this clock; the
 * process's CPU time runs a third higher), and other processes on a busy machine do not inflate it.
 * The write is wall time: the main thread waits while libuv's threads do it.
 */
export async function measureBlock(chain: Chain, name: string, extrinsics: readonly Uint8Array[],
  parent: { hash: Hash; number: number } = chain.head): Promise<CheckRow> {
  const timestamp = nextTimestamp(chain.read(() => Now.get()));
  const times: { exec: number; wall: number }[] = [];
  let included = 0;
  let failed = 0;
  let written = 0;
  let declared = 0n;
  for (let run = -WARM_UP; run < RUNS; run++) {
    included = 0;
    failed = 0;
    const started = performance.now();
    const buildStart = mainThreadTime();
    const builder = new BlockBuilder(new Executive(chain.runtime), chain.state, parent, { timestamp });
    for (const xt of extrinsics) {
      const result = builder.push(xt);
      if (result.success) included++;
      if (result.success && !result.value.success) failed++;
    }
    const built = builder.build();
    written = built.changes.length;
    const buildWall = performance.now() - started;
    // The scheduler's clock moves in ~4 ms ticks: a build shorter than ten of them (a Sudo block
    // of one call), or one on a system without that clock, is timed by the wall clock, which on
    // a quiet machine reads the same.
    const buildEnd = mainThreadTime();
    const build = buildWall < 40 || buildStart === undefined || buildEnd === undefined ? buildWall : (buildEnd - buildStart) / 1e6;
    const write = await writeTime(chain, built);
    const time = { exec: build + write, wall: buildWall + write };
    if (run >= 0) times.push(time);
    declared = chain.read(blockWeightOf);
    takeBack(chain, built.undo);
  }
  const { exec: ms, wall } = times.sort((a, b) => a.exec - b.exec)[RUNS >> 1];
  const declaredMs = Number(declared) / 1e9;
  return { name, extrinsics: extrinsics.length, included, failed, written, ms, wallMs: wall, declaredMs, ratio: ms / declaredMs };
}

function blockWeightOf(): bigint {
  const { normal, operational, mandatory } = BlockWeight.get();
  return normal.ref_time + operational.ref_time + mandatory.ref_time;
}
