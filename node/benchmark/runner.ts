// The benchmark runner, as frame-benchmarking's: after unmeasured warm-up runs, for each point of a
// component sweep, sets the worst case up in a block of the dev chain (committed to the state
// trie), then for each repeat dispatches the measured call in a fresh overlay over the trie,
// timing the dispatch and the encoding of what it wrote (done when the overlay drains), with the
// garbage-collection pauses inside that time, and counting the distinct keys it reads and writes;
// verifies the outcome, commits the writes to the trie and computes the root (timed apart: the
// database weight charges writes), then restores the state.
import { GCProfiler } from 'node:v8';
import { u8aToHex } from '@polkadot/util';
import { twox128 } from '../../primitives/hashing.ts';
import { commitChanges, revertChanges } from '../../frame/block.ts';
import {
  BenchmarkContext, BenchmarkError, TrackingBackend, sweep, type Benchmark, type BenchmarkedPallet, type Components, type Measured,
} from '../../frame/benchmarking/index.ts';
import type { Runtime } from '../../frame/construct.ts';
import { Overlay } from '../../frame/overlay.ts';
import { EVENTS_KEY, EXTRINSIC_INDEX_KEY } from '../../frame/system/index.ts';
import type { Chain } from '../chain.ts';
import { commitSetup } from './block-time.ts';

/**
 * The wall-clock nanoseconds `body` takes, as frame-benchmarking times a benchmark: what a block
 * waits for. The process's CPU time would also count V8's concurrent marking and compiler threads,
 * which run beside the main thread on the other core (1.4-2.5x the main thread's own time for
 * `collect_income` over 256 rentals), so weights from it over-charged. Measure on a quiet machine.
 */
export function elapsed(body: () => unknown): number {
  const start = process.hrtime.bigint();
  body();
  return Number(process.hrtime.bigint() - start);
}

/**
 * `elapsed` of `body`, and the nanoseconds of garbage-collection pauses inside it (V8's own count,
 * read synchronously through a GCProfiler): a run that pays for a collection is not noise, since
 * every block pays its share of them.
 */
function elapsedWithGc(body: () => unknown): { time: number; gc: number } {
  const profiler = new GCProfiler();
  profiler.start();
  const time = elapsed(body);
  const gc = profiler.stop().statistics.reduce((sum, { cost }) => sum + cost * 1e3, 0);
  return { time, gc: Math.min(gc, time) };
}

/**
 * Unmeasured runs of each benchmark before its measured ones, at its highest point, stopping at
 * whichever limit comes first: a node runs warm, and a call's first runs are not yet optimized by V8
 * (lock_price ran 830 us first, then 100-280 us, and 55 us from its fifteenth run).
 */
const WARM_UP = { runs: 50, ms: 300 };

export interface RunSample {
  components: Components;
  /** Wall-clock nanoseconds the dispatch (or hook) took, with the encoding of what it wrote. */
  time: number;
  /** Nanoseconds of `time` spent in garbage-collection pauses. */
  gc: number;
  /** Distinct keys read from committed state (whitelisted per-block keys left out). */
  reads: number;
  /** Distinct keys written. */
  writes: number;
  /** Bytes of the keys and values read: the run's proof size. */
  proof: number;
  /** Nanoseconds committing the writes to the trie and computing the root took. */
  commit: number;
}

export interface BenchmarkResult {
  pallet: string;
  name: string;
  /** Component names in declaration order. */
  components: string[];
  /** For each run: which component it sweeps (undefined for a benchmark without components). */
  samples: (RunSample & { sweeping?: string })[];
  /** The storage items touched, `Pallet::Item` -> distinct keys read and written in the heaviest run. */
  storage: Record<string, { reads: number; writes: number }>;
}

export interface RunOptions {
  steps: number;
  repeat: number;
  /** Overrides of components' low / high ends, by name. */
  low?: Record<string, number>;
  high?: Record<string, number>;
}

/** The keys System writes in every block: their cost is part of the block and extrinsic base weights (FRAME's whitelist). */
function whitelist(): Set<string> {
  const system = twox128(new TextEncoder().encode('System'));
  const item = (name: string) => u8aToHex(new Uint8Array([...system, ...twox128(new TextEncoder().encode(name))]));
  return new Set([
    ...['Number', 'ParentHash', 'Digest', 'ExecutionPhase', 'BlockWeight', 'ExtrinsicCount', 'AllExtrinsicsLen', 'EventCount'].map(item),
    u8aToHex(EVENTS_KEY), u8aToHex(EXTRINSIC_INDEX_KEY),
  ]);
}

/**
 * `Pallet::Item` of a storage key, from the runtime's storage declarations; well-known `:keys` by
 * name; any other key counts under one `Unknown keys` entry (a call such as System.set_storage
 * can touch thousands of them).
 */
export function storageItemNamer(runtime: Runtime): (hex: string) => string {
  const names = new Map<string, string>();
  const enc = (text: string) => twox128(new TextEncoder().encode(text));
  for (const { pallet } of runtime.pallets) {
    for (const { metadata } of pallet.storage ?? []) {
      names.set(u8aToHex(new Uint8Array([...enc(metadata.pallet), ...enc(metadata.name)])), `${metadata.pallet}::${metadata.name}`);
    }
  }
  return (hex) => names.get(hex.slice(0, 66)) ?? (hex.startsWith('0x3a') ? new TextDecoder().decode(Buffer.from(hex.slice(2), 'hex')) : 'Unknown keys');
}

/** The points a benchmark runs at: each component swept with the others at their high end. */
export function points(bench: Benchmark, opts: RunOptions): { sweeping?: string; components: Components }[] {
  const ranges = Object.entries(bench.components ?? {}).map(([name, [low, high]]): [string, [number, number]] =>
    [name, [opts.low?.[name] ?? low, opts.high?.[name] ?? high]]);
  for (const [name, [low, high]] of ranges) {
    if (!(low <= high)) throw new BenchmarkError(`component ${name}: low ${low} is above high ${high}`);
  }
  const highs = Object.fromEntries(ranges.map(([name, [, high]]) => [name, high]));
  if (ranges.length === 0) return [{ components: {} }];
  return ranges.flatMap(([name, range]) => sweep(range, opts.steps).map((value) => ({ sweeping: name, components: { ...highs, [name]: value } })));
}

export class BenchmarkRunner {
  private readonly whitelisted = whitelist();
  private readonly itemName: (hex: string) => string;

  constructor(readonly chain: Chain) {
    this.itemName = storageItemNamer(chain.runtime);
  }

  /** Runs one benchmark at every point, `repeat` times, after its warm-up; `onRun` ticks after each measured run. */
  run(entry: BenchmarkedPallet, name: string, opts: RunOptions, onRun: () => void = () => undefined): BenchmarkResult {
    const bench = entry.benchmarks[name];
    if (!bench) throw new BenchmarkError(`no benchmark ${entry.pallet.name}.${name}`);
    const samples: BenchmarkResult['samples'] = [];
    let heaviest: { touched: Map<string, { reads: number; writes: number }>; accesses: number } | undefined;
    const all = points(bench, opts);
    this.atPoint(entry, name, bench, all[all.length - 1].components, WARM_UP.runs, () => undefined, performance.now() + WARM_UP.ms);
    for (const point of all) {
      for (const { sample, touched } of this.atPoint(entry, name, bench, point.components, opts.repeat, onRun)) {
        samples.push({ ...sample, sweeping: point.sweeping });
        const accesses = sample.reads + sample.writes;
        if (!heaviest || accesses > heaviest.accesses) heaviest = { touched, accesses };
      }
    }
    return {
      pallet: entry.pallet.name, name, components: Object.keys(bench.components ?? {}), samples,
      storage: Object.fromEntries([...heaviest?.touched ?? []].sort(([a], [b]) => a.localeCompare(b))),
    };
  }

  /**
   * Sets the worst case for `components` up once, committed to the trie without its events (with
   * its root, as the block before would leave it), then measures `repeat` runs, each from that same
   * state (or fewer once `until`, a performance.now() time, has passed; at least one).
   */
  private atPoint(entry: BenchmarkedPallet, name: string, bench: Benchmark, components: Components, repeat: number, onRun: () => void, until = Infinity) {
    const { chain } = this;
    const { executive, runtime, state } = chain;
    const label = `${entry.pallet.name}.${name}(${JSON.stringify(components)})`;
    const setupLayer = new Overlay(state);
    executive.initializeBlock(setupLayer, chain.head.number + 1, chain.head.hash, { logs: [] });
    const measured = executive.run(setupLayer, () => bench.setup(components, new BenchmarkContext(runtime)));
    const undoSetup = commitSetup(chain, setupLayer);
    const runs: { sample: RunSample; touched: Map<string, { reads: number; writes: number }> }[] = [];
    try {
      for (let r = 0; r < repeat && (r === 0 || performance.now() < until); r++) {
        runs.push(this.once(label, measured, components));
        onRun();
      }
    } finally {
      revertChanges(state, undoSetup);
    }
    return runs;
  }

  /** One measured run from the state as set up; leaves the state as it found it. */
  private once(label: string, measured: Measured, components: Components) {
    const { executive, runtime, state } = this.chain;
    const tracking = new TrackingBackend(state, (hex) => this.whitelisted.has(hex));
    const layer = new Overlay(tracking);
    let run = { time: 0, gc: 0 };
    executive.run(layer, () => {
      if ('call' in measured) {
        let outcome: ReturnType<typeof runtime.dispatch> | undefined;
        run = elapsedWithGc(() => { outcome = runtime.dispatch(measured.origin, measured.call); });
        if (outcome?.error) throw new BenchmarkError(`${label} failed: ${runtime.describeError(outcome.error)}`);
      } else {
        run = elapsedWithGc(measured.hook);
      }
    });
    const read = new Map(tracking.read);
    const proof = tracking.proofSize;
    try {
      if (measured.verify) executive.run(layer, measured.verify);
    } catch (error) {
      throw new BenchmarkError(`${label} verify failed: ${(error as Error).message}`);
    }
    // The overlay keeps written values typed and encodes them when the block drains it: that
    // encoding is the call's work too (256 new slice records a call), so it is on the call's clock.
    let drained: ReturnType<Overlay['drain']> = [];
    const drain = elapsedWithGc(() => { drained = layer.drain(); });
    const changes = drained.filter(([key]) => !this.whitelisted.has(u8aToHex(key)));
    let undo: ReturnType<typeof commitChanges> = [];
    const commit = elapsed(() => {
      undo = commitChanges(state, changes);
      state.root();
    });
    revertChanges(state, undo);
    state.root();
    const touched = new Map<string, { reads: number; writes: number }>();
    const touch = (hex: string, kind: 'reads' | 'writes') => {
      const item = this.itemName(hex);
      const counts = touched.get(item) ?? { reads: 0, writes: 0 };
      counts[kind]++;
      touched.set(item, counts);
    };
    for (const hex of read.keys()) touch(hex, 'reads');
    for (const [key] of changes) touch(u8aToHex(key), 'writes');
    const sample: RunSample = { components, time: run.time + drain.time, gc: run.gc + drain.gc, reads: read.size, writes: changes.length, proof, commit };
    return { sample, touched };
  }
}
