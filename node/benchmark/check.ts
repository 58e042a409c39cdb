// `benchmark check`: blocks filled with one kind of transaction, built on the dev chain and taken
// back, each reported as its measured execution time over the weight the block declared
// (System.BlockWeight). A ratio above 1.0 means the weights under-charge; far below, over-charge.
import { blake2_256 } from '../../primitives/hashing.ts';
import type { AccountId } from '../../primitives/types.ts';
import { u8aToHex } from '@polkadot/util';
import type { ChainSpec } from '../../genesis/spec.ts';
import type { RuntimeCallValue } from '../../frame/pallet.ts';
import { Now, nextTimestamp } from '../../pallets/timestamp/index.ts';
import { Balances, Sudo, System } from '../../runtime/runtime.ts';
import { Account, BlockWeight, accountNonce } from '../../frame/system/index.ts';
import { commitChanges, revertChanges } from '../../frame/block.ts';
import { BlockBuilder } from '../../frame/block-builder.ts';
import { BenchmarkContext, BenchmarkError, type BenchmarkedPallet, type Measured } from '../../frame/benchmarking/index.ts';
import { Overlay } from '../../frame/overlay.ts';
import { Key } from '../../pallets/sudo/index.ts';
import { deterministicPair } from '../keys.ts';
import { sr25519Sign } from '@polkadot/util-crypto';
import type { Keypair } from '@polkadot/util-crypto/types';
import { mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Trie } from '../../primitives/trie.ts';
import { Chain } from '../chain.ts';
import { ChainDatabase } from '../database.ts';
import { Executive } from '../../frame/executive.ts';
import { signExtrinsic, type SigningPair } from '../signer.ts';
import { SCHEMES, schemePair, type Scheme } from './overhead.ts';
import { TOKEN } from '../../frame/units.ts';


/** The account of a pair: its public key, or for ecdsa the keyring's blake2 hash of it. */
const accountOf = (pair: SigningPair): AccountId => u8aToHex(pair.addressRaw) as AccountId;

function sign(chain: Chain, pair: SigningPair, call: RuntimeCallValue, nonce: number): Uint8Array {
  return signExtrinsic(chain.runtime, pair, call, {
    nonce, genesisHash: chain.genesisHash, specVersion: chain.runtime.version.spec_version, transactionVersion: chain.runtime.version.transaction_version,
  });
}

export interface CheckRow { name: string; extrinsics: number; included: number; failed: number; ms: number; wallMs: number; declaredMs: number; ratio: number }

/**
 * An empty database for one measured block, as the node's store takes a block. Each run gets its
 * own, closed (its background compaction finished) before the next run's clock starts: LevelDB
 * work left by one block must not be billed to the next.
 */
async function withScratchDatabase<T>(chain: Chain, body: (db: ChainDatabase) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'slicechain-check-'));
  const db = await ChainDatabase.create(join(dir, 'db'), chain.head, new Trie());
  try {
    return await body(db);
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Builds of each block measured; the median is reported (a small block is noisy: a major GC can double it). */
const RUNS = 5;

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
 * Builds a block of `extrinsics` on the head `RUNS` times and takes it back each time; reports the
 * median time of building it (a fresh executive each time: every signature is checked, as in a
 * block nobody verified ahead) plus writing it to a scratch database as the node does, over the
 * weight it declared. The write counts because the database weight a call pays includes its share
 * of the block's LevelDB batch.
 * Building is timed on the main thread's CPU clock: V8 compiles and marks the heap on helper threads
 * that a block does not wait for (on an idle machine the build's wall time matches this clock; the
 * process's CPU time runs a third higher), and other processes on a busy machine do not inflate it.
 * The write is the process's CPU time: the main thread waits while libuv's threads do it.
 */
export async function measureBlock(chain: Chain, name: string, extrinsics: readonly Uint8Array[]): Promise<CheckRow> {
  const timestamp = nextTimestamp(chain.read(() => Now.get()));
  const times: { exec: number; wall: number }[] = [];
  let included = 0;
  let failed = 0;
  let declared = 0n;
  for (let run = 0; run < RUNS; run++) {
    included = 0;
    failed = 0;
    let built: ReturnType<BlockBuilder['build']> | undefined;
    times.push(await withScratchDatabase(chain, async (db) => {
      const started = performance.now();
      const buildStart = mainThreadTime();
      const builder = new BlockBuilder(new Executive(chain.runtime), chain.state, chain.head, { timestamp });
      for (const xt of extrinsics) {
        const result = builder.push(xt);
        if (result.success) included++;
        if (result.success && !result.value.success) failed++;
      }
      built = builder.build();
      const buildWall = performance.now() - started;
      // The scheduler's clock moves in ~4 ms ticks: a build shorter than ten of them (a Sudo block
      // of one call), or one on a system without that clock, is timed by the wall clock, which on
      // a quiet machine reads the same.
      const buildEnd = mainThreadTime();
      const build = buildWall < 40 || buildStart === undefined || buildEnd === undefined ? buildWall : (buildEnd - buildStart) / 1e6;
      const writeStart = process.cpuUsage();
      db.enqueue(built);
      await db.flush();
      const { user, system } = process.cpuUsage(writeStart);
      return { exec: build + (user + system) / 1000, wall: performance.now() - started };
    }));
    if (!built) throw new Error('the block was not built');
    declared = chain.read(blockWeightOf);
    revertChanges(chain.state, built.undo);
  }
  const { exec: ms, wall } = times.sort((a, b) => a.exec - b.exec)[RUNS >> 1];
  const declaredMs = Number(declared) / 1e9;
  return { name, extrinsics: extrinsics.length, included, failed, ms, wallMs: wall, declaredMs, ratio: ms / declaredMs };
}

function blockWeightOf(): bigint {
  const { normal, operational, mandatory } = BlockWeight.get();
  return normal.ref_time + operational.ref_time + mandatory.ref_time;
}

/** Funds //Alice's ed25519 and ecdsa accounts from the sr25519 one, in a block of their own. */
function fundSchemes(chain: Chain): Record<Scheme, SigningPair> {
  const pairs = Object.fromEntries(SCHEMES.map((s) => [s, schemePair(s)])) as Record<Scheme, SigningPair>;
  const alice = pairs.Sr25519;
  const transfers = (['Ed25519', 'Ecdsa'] as const).map((s, i) =>
    sign(chain, alice, Balances.tx.transfer_keep_alive({ dest: { type: 'Id', value: accountOf(pairs[s]) }, value: 1_000n * TOKEN }), i));
  chain.author(transfers);
  return pairs;
}

const nonceOf = (chain: Chain, pair: SigningPair) => chain.read(() => accountNonce(accountOf(pair)));

export interface CheckOptions {
  /** The call rows to run, as `benchmark pallet` selects benchmarks; the remark and transfer rows run with the whole check only. */
  selection: readonly { entry: BenchmarkedPallet; names: readonly string[] }[];
  whole: boolean;
  /** The most worst cases of one call put in a block: enough to fill it, few enough to set up quickly. */
  maxPerBlock: number;
}

const pairOf = (keypair: Keypair): SigningPair => ({
  type: 'sr25519', address: u8aToHex(keypair.publicKey), addressRaw: keypair.publicKey, sign: (message) => sr25519Sign(message as Uint8Array, keypair),
});

/**
 * A block of one call at its worst case (components at their high ends), as many as fit the
 * normal class (or as many as the chain's own bounds let be set up): each set up independently
 * (its own accounts), signed by its origin; Root calls
 * go through Sudo.sudo from the sudo key. Set-ups that share chain-wide state (the sudo key) can
 * leave later instances failing: only the instances that succeed when dispatched in order go in.
 * Undefined for calls no signed extrinsic can carry.
 */
async function checkCall(chain: Chain, entry: BenchmarkedPallet, name: string, maxPerBlock: number): Promise<CheckRow | undefined> {
  const bench = entry.benchmarks[name];
  const high = Object.fromEntries(Object.entries(bench.components ?? {}).map(([c, [, h]]) => [c, h]));
  const runtime = chain.runtime;
  const layer = new Overlay(chain.state);
  chain.executive.initializeBlock(layer, chain.head.number + 1, chain.head.hash, { logs: [] });
  const calls = chain.executive.run(layer, () => {
    const first = bench.setup(high, new BenchmarkContext(runtime, 'check 0'));
    if (!('call' in first) || first.origin.type === 'None') return [];
    const limits = runtime.spec.limits.blockWeights;
    const per = runtime.extrinsicDispatchInfo(first.call, { type: 'Sr25519', value: `0x${'00'.repeat(64)}` }).weight.ref_time + limits.per_class.normal.base_extrinsic.ref_time;
    const byWeight = Number((limits.per_class.normal.max_total?.ref_time ?? 0n) / per);
    const byLength = Math.floor(runtime.spec.limits.blockLength.max.normal / (runtime.RuntimeCall.enc(first.call).length + 200));
    const count = Math.max(1, Math.min(maxPerBlock, byWeight, byLength));
    const all: Measured[] = [first];
    // A chain-wide bound (a full agenda) can refuse more set-ups: the block holds what the chain allows.
    for (let k = 1; k < count; k++) {
      try {
        all.push(layer.transactional(() => bench.setup(high, new BenchmarkContext(runtime, `check ${k}`))));
      } catch (error) {
        if (error instanceof BenchmarkError) break;
        throw error;
      }
    }
    return all.flatMap((m) => ('call' in m ? [m] : []));
  });
  const succeeding = chain.executive.run(new Overlay(layer), () => calls.filter(({ origin, call }) => !runtime.dispatch(origin, call).error));
  if (succeeding.length === 0) return undefined;
  const sudoKey = chain.executive.run(layer, () => Key.get());
  const alice = deterministicPair('//Alice');
  const signers = succeeding.map(({ origin }) => (origin.type === 'Signed' ? BenchmarkContext.keypairOf(origin.value) : undefined));
  // Signers pay fees: top each up, as a faucet would, without touching what the set-up holds.
  chain.executive.run(layer, () => {
    for (const keypair of signers) {
      if (!keypair) continue;
      const who = u8aToHex(keypair.publicKey) as AccountId;
      runtime.dispatch({ type: 'Root' }, Balances.tx.force_set_balance({ who: { type: 'Id', value: who }, new_free: Account.get(who).data.free + 1_000n * TOKEN }));
    }
  });
  const undo = commitChanges(chain.state, layer.drain());
  try {
    const nonces = new Map<string, number>();
    const extrinsics = succeeding.flatMap(({ origin, call }, k) => {
      const keypair = signers[k];
      const [pair, wrapped] = origin.type === 'Root' && sudoKey === accountOf(alice) ? [alice, Sudo.tx.sudo({ call })]
        : keypair ? [pairOf(keypair), call] : [undefined, call];
      if (!pair) return [];
      const who = accountOf(pair);
      const nonce = nonces.get(who) ?? nonceOf(chain, pair);
      nonces.set(who, nonce + 1);
      return [sign(chain, pair, wrapped, nonce)];
    });
    return await measureBlock(chain, `${entry.pallet.name}.${name} x ${extrinsics.length}`, extrinsics);
  } finally {
    revertChanges(chain.state, undo);
  }
}

/** The check's blocks, each written to a scratch database as the node writes a block, then dropped. */
export async function runCheck(spec: ChainSpec, opts: CheckOptions, onRow?: (row: CheckRow | undefined) => void): Promise<string[]> {
  const chain = new Chain(spec);
  // A node runs warm: the first pass over the signed blocks warms the JIT and is not reported.
  if (opts.whole) await signedBlockRows(chain);
  const rows: CheckRow[] = opts.whole ? await signedBlockRows(chain) : [];
  for (const { entry, names } of opts.selection) {
    for (const name of names) {
      const row = await checkCall(chain, entry, name, opts.maxPerBlock);
      if (row) rows.push(row);
      onRow?.(row);
    }
  }
  const ratio = (r: CheckRow) => (r.included === 0 ? '  does not fit a block' : r.ratio.toFixed(2));
  return [
    'block                                                     included  failed   exec ms   (wall ms)   declared ms   ratio',
    ...rows.map((r) => `${r.name.padEnd(58)}${String(r.included).padStart(8)}${String(r.failed).padStart(8)}${r.ms.toFixed(1).padStart(10)}${`(${r.wallMs.toFixed(1)})`.padStart(12)}${r.declaredMs.toFixed(1).padStart(14)}${ratio(r).padStart(8)}`),
  ];
}

/** Blocks of no-op remarks from each signature scheme (and all three mixed), and a block of transfers filled to the normal class's limit. */
async function signedBlockRows(chain: Chain): Promise<CheckRow[]> {
  const pairs = fundSchemes(chain);
  const remark = System.tx.remark({ remark: new Uint8Array(0) });
  const remarks = (pair: SigningPair, count: number) => {
    const first = nonceOf(chain, pair);
    return Array.from({ length: count }, (_, i) => sign(chain, pair, remark, first + i));
  };
  const rows: CheckRow[] = [];
  rows.push(await measureBlock(chain, '450 remarks, 150 per scheme', SCHEMES.flatMap((s) => remarks(pairs[s], 150))));
  for (const s of SCHEMES) rows.push(await measureBlock(chain, `450 remarks, ${s}`, remarks(pairs[s], 450)));
  const alice = pairs.Sr25519;
  const first = nonceOf(chain, alice);
  const dest = (i: number) => ({ type: 'Id' as const, value: u8aToHex(blake2_256(new TextEncoder().encode(`check ${i}`))) as AccountId });
  rows.push(await measureBlock(chain, 'transfer_keep_alive to new accounts (normal class limit)',
    Array.from({ length: 3000 }, (_, i) => sign(chain, alice, Balances.tx.transfer_keep_alive({ dest: dest(i), value: TOKEN }), first + i))));
  return rows;
}
