// A block's measured execution time over the weight it declared, as `benchmark check` reports it
// and `benchmark overhead` measures an extrinsic's bytes: built on the head after a warm-up build,
// every signature checked in the block, written to a scratch LevelDB as the node writes a block,
// then taken back.
import { mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commitChanges, revertChanges, type BuiltBlock } from '../../frame/block.ts';
import { BlockBuilder } from '../../frame/block-builder.ts';
import { Executive } from '../../frame/executive.ts';
import type { Overlay } from '../../frame/overlay.ts';
import { BlockWeight, resetEvents } from '../../frame/system/index.ts';
import { Now, nextTimestamp } from '../../pallets/timestamp/index.ts';
import { Trie } from '../../primitives/trie.ts';
import type { Hash } from '../../primitives/types.ts';
import { blake2_256 } from '../../primitives/hashing.ts';
import { verifySignature } from '../../primitives/crypto.ts';
import type { Chain } from '../chain.ts';
import { ChainDatabase } from '../database.ts';
import { deterministicPair } from '../keys.ts';

export interface CheckRow {
  name: string; extrinsics: number; included: number; failed: number;
  /** Storage keys the block changed: what its worst cases really wrote. */
  written: number;
  ms: number; wallMs: number; declaredMs: number; ratio: number;
  /** Milliseconds the host probe took while the block was measured (the median of its runs). */
  probeMs: number;
}

const PROBE_MESSAGE = new TextEncoder().encode('slicechain host probe');
/** Signed on first use: signing needs the crypto backends loaded. */
let probeSignature: { signer: Uint8Array; signature: Uint8Array } | undefined;

/**
 * Wall-clock milliseconds of a fixed workload the runtime does not change: 60 sr25519
 * verifications and 4,000 blake2-256 hashes, about 12 ms on this machine. This host's speed drifts
 * by up to 40% for tens of seconds at a time, a wasm loop alone included (no garbage, no other
 * work in the process, no steal time reported): a block measured in such a period reads slower
 * than its weights say, and the probe shows it.
 */
function hostProbe(): number {
  if (!probeSignature) {
    const pair = deterministicPair('//Alice');
    probeSignature = { signer: pair.addressRaw, signature: pair.sign(PROBE_MESSAGE) };
  }
  const { signer, signature } = probeSignature;
  const started = performance.now();
  for (let i = 0; i < 60; i++) {
    if (!verifySignature('Sr25519', signature, PROBE_MESSAGE, signer)) throw new Error('the host probe\'s signature did not verify');
  }
  let hash: Uint8Array = PROBE_MESSAGE;
  for (let i = 0; i < 4000; i++) hash = blake2_256(hash);
  return performance.now() - started;
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
 * Commits a layer of benchmark set-ups to the state without the events they deposited, as
 * frame-benchmarking resets them: set-ups are not a block, and a block measured on top would copy
 * their log when replacing it (29 KB to 934 KB in the check; 0.7 ms of a one-call block's 2.2).
 * Hashes the root, as the block before would leave it; returns the undo for `takeBack`.
 */
export function commitSetup(chain: Chain, layer: Overlay): BuiltBlock['undo'] {
  chain.executive.run(layer, resetEvents);
  const undo = commitChanges(chain.state, layer.drain());
  chain.state.root();
  return undo;
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
 * Extrinsics applied in builds before those, not measured (at least one build): a node runs warm,
 * and the first builds of a call's block run its code before V8 has optimized it (one call's block
 * took 900 ms first, then 450-650 ms). A block of one call needs hundreds of builds for that: its
 * first round read 1.1-1.5 with one warm-up build and 0.8-1.1 with 400.
 */
const WARM_UP_EXTRINSICS = 400;
/** At most this long spent warming up a block: a heavy block is warm after one build. */
const WARM_UP_MS = 1000;

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
 * Builds a block of `extrinsics` on the head (numbered after `parent`'s number), warming up (see
 * `WARM_UP_EXTRINSICS`; `warmUpMs` 0 builds it once) and then `RUNS` times, and takes it back each time; reports the
 * median time of building it (a fresh executive each time: every signature is checked, as in a
 * block nobody verified ahead) plus writing it to a scratch database as the node does, over the
 * weight it declared. The write counts because the database weight a call pays includes its share
 * of the block's LevelDB batch.
 * Building is timed on the main thread's CPU clock: V8 compiles and marks the heap on helper threads
 * that a block does not wait for (on an idle machine the build's wall time matches this clock; the
 * process's CPU time runs a third higher), and other processes on a busy machine do not inflate it.
 * The write is wall time: the main thread waits while libuv's threads do it. The host probe runs
 * before each measured build, so the row shows how fast the host was meanwhile.
 */
export async function measureBlock(chain: Chain, name: string, extrinsics: readonly Uint8Array[],
  parent: { hash: Hash; number: number } = chain.head, warmUpMs = WARM_UP_MS): Promise<CheckRow> {
  const timestamp = nextTimestamp(chain.read(() => Now.get()));
  let included = 0;
  let failed = 0;
  let written = 0;
  let declared = 0n;
  /** Builds the block once and takes it back; with `write`, also writes it and returns the times. */
  const once = async (write: boolean): Promise<{ exec: number; wall: number } | undefined> => {
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
    const writeMs = write ? await writeTime(chain, built) : 0;
    declared = chain.read(blockWeightOf);
    takeBack(chain, built.undo);
    return write ? { exec: build + writeMs, wall: buildWall + writeMs } : undefined;
  };
  // The first warm-up build is written as measured ones are; the rest only build.
  const warmUntil = performance.now() + warmUpMs;
  await once(true);
  for (let applied = extrinsics.length; applied < WARM_UP_EXTRINSICS && performance.now() < warmUntil; applied += Math.max(1, extrinsics.length)) {
    await once(false);
  }
  const times: { exec: number; wall: number }[] = [];
  const probes: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    probes.push(hostProbe());
    times.push((await once(true))!);
  }
  const { exec: ms, wall } = times.sort((a, b) => a.exec - b.exec)[RUNS >> 1];
  const declaredMs = Number(declared) / 1e9;
  const probeMs = probes.sort((a, b) => a - b)[RUNS >> 1];
  return { name, extrinsics: extrinsics.length, included, failed, written, ms, wallMs: wall, declaredMs, ratio: ms / declaredMs, probeMs };
}

function blockWeightOf(): bigint {
  const { normal, operational, mandatory } = BlockWeight.get();
  return normal.ref_time + operational.ref_time + mandatory.ref_time;
}
