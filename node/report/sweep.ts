// Policy sweeps: every combination of genesis parameters, over a range of seeds, each run a pure
// function (chain spec + overrides, profile, seed, blocks) -> blocks, run on worker threads. A
// sweep's runs are numbered in one fixed order, so `--shard i/n` takes every n-th of them and
// `sweep-merge` puts shards from any machines back together into what one unsharded run gives.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { u8aToHex } from '@polkadot/util';
import { genesisOf, type ChainSpec } from '../../genesis/spec.ts';
import type { Genesis } from '../../frame/block-builder.ts';
import { executive } from '../../runtime/runtime.ts';
import { Chain } from '../chain.ts';
import { devPairs } from '../keys.ts';
import { simulate } from '../simulate.ts';
import { profileWorkloads, type Profile } from '../workloads/profiles.ts';
import { FigureCollector, type Figures } from './figures.ts';

export interface SweepParam {
  /** A path into the spec's genesis config, e.g. `services.minNoticeBlocks`. */
  path: string;
  values: unknown[];
}

/** What identifies a sweep: shards of one sweep carry equal definitions. */
export interface SweepDefinition {
  chain: string;
  profile: string;
  params: SweepParam[];
  seeds: number[];
  blocks: number;
}

export type Combination = Record<string, unknown>;

export interface RunResult { head: string; stateRoot: string; metrics: Record<string, number> }
export interface SweepRun extends RunResult { index: number; combination: Combination; seed: number }
export interface SweepResult {
  definition: SweepDefinition;
  /** Which shard this is (1-based), or null for a whole sweep. */
  shard: { index: number; count: number } | null;
  runs: SweepRun[];
}

export class SweepError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SweepError';
  }
}

// ---- arguments ----------------------------------------------------------------------------------

/** A value as written on the command line: a number, true/false, JSON, or else the text itself. */
function parseValue(text: string): unknown {
  if (/^-?\d+$/.test(text)) return Number.isSafeInteger(Number(text)) ? Number(text) : text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** `services.minNoticeBlocks=0,600,14400`. */
export function parseParam(text: string): SweepParam {
  const match = /^([A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)+)=(.+)$/.exec(text);
  if (!match) throw new SweepError(`--param ${JSON.stringify(text)}: expected <pallet>.<field>[.<field>...]=<value>,<value>,...`);
  const values = match[2].split(',').map((v) => v.trim());
  if (values.some((v) => v === '')) throw new SweepError(`--param ${match[1]}: an empty value`);
  return { path: match[1], values: values.map(parseValue) };
}

/** `1..20`, `3`, or `1,5,9`. */
export function parseSeeds(text: string): number[] {
  const range = /^(\d+)\.\.(\d+)$/.exec(text);
  const seeds = range
    ? Array.from({ length: Math.max(0, Number(range[2]) - Number(range[1]) + 1) }, (_, i) => Number(range[1]) + i)
    : text.split(',').map((s) => (/^\d+$/.test(s.trim()) ? Number(s.trim()) : NaN));
  if (seeds.length === 0 || seeds.some((s) => !Number.isSafeInteger(s))) throw new SweepError(`--seeds ${JSON.stringify(text)}: expected <first>..<last> or a comma-separated list of whole numbers`);
  return seeds;
}

/** `2/4`: the second of four shards. */
export function parseShard(text: string): { index: number; count: number } {
  const match = /^(\d+)\/(\d+)$/.exec(text);
  const [index, count] = match ? [Number(match[1]), Number(match[2])] : [0, 0];
  if (!match || count < 1 || index < 1 || index > count) throw new SweepError(`--shard ${JSON.stringify(text)}: expected i/n with 1 <= i <= n`);
  return { index, count };
}

// ---- runs ---------------------------------------------------------------------------------------

/** Every combination of the parameters' values, the first parameter varying slowest. */
export function combinations(params: readonly SweepParam[]): Combination[] {
  return params.reduce<Combination[]>((partial, { path, values }) => partial.flatMap((c) => values.map((v) => ({ ...c, [path]: v }))), [{}]);
}

/** The sweep's runs in their fixed order (each combination over every seed), shard or not. */
export function plannedRuns(definition: SweepDefinition, shard: SweepResult['shard'] = null): { index: number; combination: Combination; seed: number }[] {
  const all = combinations(definition.params).flatMap((combination) => definition.seeds.map((seed) => ({ combination, seed })))
    .map((run, index) => ({ index, ...run }));
  return shard ? all.filter(({ index }) => index % shard.count === shard.index - 1) : all;
}

/** The spec with the combination's values set in its genesis config; refused naming the parameter. */
export function withOverrides(spec: ChainSpec, combination: Combination): ChainSpec {
  if (!('runtimeGenesis' in spec.genesis)) throw new SweepError('--param needs a chain spec with a genesis config (runtimeGenesis), not a raw one');
  const patch = structuredClone(spec.genesis.runtimeGenesis.patch);
  for (const [path, value] of Object.entries(combination)) {
    const keys = path.split('.');
    let at = patch as Record<string, unknown>;
    for (const [i, key] of keys.slice(0, -1).entries()) {
      const next = at[key];
      if (typeof next !== 'object' || next === null || Array.isArray(next)) throw new SweepError(`--param ${path}: the chain spec's genesis config has no object at ${keys.slice(0, i + 1).join('.')}`);
      at = next as Record<string, unknown>;
    }
    at[keys[keys.length - 1]] = value;
  }
  return { ...spec, genesis: { runtimeGenesis: { patch } } };
}

/**
 * Why a combination's genesis cannot be built (the parameter named), or undefined when it can.
 * `build` is the sweep worker's genesis cache, so that checking a combination also prepares its runs.
 */
export function combinationProblem(build: () => unknown, combination: Combination): string | undefined {
  try {
    build();
    return undefined;
  } catch (error) {
    return error instanceof SweepError ? error.message : `${JSON.stringify(combination)}: ${(error as Error).message}`;
  }
}

const toSlice = (planck: string | bigint): number => Number(BigInt(planck)) / 1e12;
const total = (values: Iterable<number>) => [...values].reduce((a, b) => a + b, 0);

/** The outcome metrics a sweep compares, from one run's figures. */
export function outcomeMetrics(figures: Figures): Record<string, number> {
  const { marketplace: m, services: s, chain: c } = figures;
  const head = m.slices.at(-1) ?? { total: 0, rented: 0 };
  return {
    utilisation: head.total ? head.rented / head.total : 0,
    rentalsStarted: total(m.rentals.map((r) => r.started)),
    rentalsCancelled: total(m.rentals.map((r) => r.cancelled)),
    refusedRentals: total(m.refusedRentals.map((r) => r.count)),
    medianSlicePrice: m.slicePriceOverTime.at(-1)?.median ?? 0,
    farmerEarnedSlice: total(m.farmerIncome.map((f) => toSlice(f.earned))),
    servicesStarted: total(s.services.map((r) => r.started)),
    servicesOutOfFunds: total(s.services.map((r) => r.outOfFunds)),
    priceIncreasesApplied: s.priceIncreases.filter((p) => p.outcome === 'applied').length,
    operatorIncomeSlice: total(s.operatorIncome.map((o) => toSlice(o.income))),
    failedExtrinsics: total(c.outcomes.map((o) => o.failed)),
    feesPaidSlice: total(c.fees.map((f) => toSlice(f.fees))),
  };
}

/**
 * A sweep thread's runs. Each combination's genesis is built once and every run of it starts from
 * a copy of its state, so a run costs its blocks only; a run is the same pure function as a fresh
 * `new Chain(spec)` followed by `simulate`.
 */
export class SweepRunner {
  private readonly genesis = new Map<string, { spec: ChainSpec; genesis: Genesis }>();

  constructor(private readonly setup: SweepWorkerSetup) {}

  /** The combination's spec and genesis, built on first use. */
  prepare(combination: Combination): { spec: ChainSpec; genesis: Genesis } {
    const key = JSON.stringify(combination);
    let prepared = this.genesis.get(key);
    if (!prepared) {
      const spec = withOverrides(this.setup.spec, combination);
      this.genesis.set(key, (prepared = { spec, genesis: genesisOf(executive, spec) }));
    }
    return prepared;
  }

  run(combination: Combination, seed: number): RunResult {
    const { profile, blocks } = this.setup;
    const { spec, genesis } = this.prepare(combination);
    // A run's metrics come from its figures: it keeps no blocks.
    const chain = new Chain(spec, { genesis: { ...genesis, state: genesis.state.clone() }, blocks: 'none' });
    const collector = new FigureCollector(chain);
    simulate(chain, { blocks, seed, workloads: profileWorkloads(profile), accounts: devPairs(), onBlock: (n, outcomes) => collector.noteRefused(n, outcomes.refused) });
    return { head: chain.head.hash, stateRoot: u8aToHex(chain.state.root()), metrics: outcomeMetrics(collector.figures({ seed, profile: profile.name })) };
  }
}

// ---- worker threads -----------------------------------------------------------------------------

/** What a sweep's workers are told before its tasks. */
export interface SweepWorkerSetup { spec: ChainSpec; profile: Profile; blocks: number }
/** To a worker: a new sweep's setup, a combination to check (and prepare), or a run. */
export type SweepTask =
  | { kind: 'setup'; setup: SweepWorkerSetup }
  | { kind: 'check'; combination: Combination }
  | { kind: 'run'; index: number; combination: Combination; seed: number };
/** From a worker: a check's verdict, a run's result, or why the run failed. */
export type SweepAnswer =
  | { kind: 'checked'; problem?: string }
  | { kind: 'ran'; index: number; result: RunResult }
  | { kind: 'failed'; index: number; error: string };

const WORKER_ENTRY = new URL('./sweep-worker-entry.js', import.meta.url);

/** One sweep thread as the main thread sees it: one task at a time, answered in turn. */
class SweepThread {
  private readonly worker = new Worker(WORKER_ENTRY);
  /** Combinations whose genesis this thread has built (during this sweep). */
  readonly prepared = new Set<string>();
  private waiting: { resolve: (answer: SweepAnswer) => void; reject: (error: Error) => void } | undefined;
  private broken: Error | undefined;

  constructor() {
    this.worker.on('message', (answer: SweepAnswer) => this.settle((w) => w.resolve(answer)));
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => this.fail(new SweepError(`a sweep worker exited with code ${code}`)));
  }

  setup(setup: SweepWorkerSetup): void {
    this.prepared.clear();
    this.worker.postMessage({ kind: 'setup', setup } satisfies SweepTask);
  }

  ask(task: Exclude<SweepTask, { kind: 'setup' }>): Promise<SweepAnswer> {
    if (this.broken) return Promise.reject(this.broken);
    this.prepared.add(JSON.stringify(task.combination));
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.worker.postMessage(task);
    });
  }

  async close(): Promise<void> {
    this.broken ??= new SweepError('the sweep pool is closed');
    await this.worker.terminate();
  }

  private fail(error: Error): void {
    this.broken ??= error;
    this.settle((w) => w.reject(error));
  }

  private settle(take: (waiting: NonNullable<SweepThread['waiting']>) => void): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    if (waiting) take(waiting);
  }
}

/**
 * Sweep worker threads, kept warm from one sweep to the next: a thread loads the runtime once, and
 * builds each combination's genesis once. All of a run's work happens on its thread; the main
 * thread only hands out tasks, so one worker is one busy core.
 */
export class SweepPool {
  private readonly threads: SweepThread[];

  constructor(readonly workers: number) {
    if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`a sweep needs at least one worker, got ${workers}`);
    this.threads = Array.from({ length: workers }, () => new SweepThread());
  }

  /**
   * Checks every combination's genesis on the threads (a bad value is refused, by name, before any
   * run starts), then runs the sweep's runs (or one shard's): a thread that finishes takes the next
   * run, preferring a combination it has built already. Results are in the runs' fixed order.
   */
  async sweep(spec: ChainSpec, profile: Profile, definition: SweepDefinition,
    { shard = null, onRun }: { shard?: SweepResult['shard']; onRun?: (done: number, of: number) => void } = {}): Promise<SweepResult> {
    const setup: SweepWorkerSetup = { spec, profile, blocks: definition.blocks };
    for (const thread of this.threads) thread.setup(setup);
    const checks = combinations(definition.params);
    const problems = await this.share(checks, async (thread, combination) => {
      const answer = await thread.ask({ kind: 'check', combination });
      return answer.kind === 'checked' ? answer.problem : undefined;
    });
    const problem = problems.find((p) => p !== undefined);
    if (problem) throw new SweepError(problem);

    const tasks = plannedRuns(definition, shard);
    const results = new Map<number, RunResult>();
    const remaining = tasks.map((task) => ({ task, key: JSON.stringify(task.combination) }));
    await this.share(tasks, async (thread) => {
      const at = Math.max(0, remaining.findIndex(({ key }) => thread.prepared.has(key)));
      const [{ task }] = remaining.splice(at, 1);
      const answer = await thread.ask({ kind: 'run', ...task });
      if (answer.kind === 'failed') throw new SweepError(`run ${task.index} (${JSON.stringify(task)}): ${answer.error}`);
      if (answer.kind !== 'ran' || answer.index !== task.index) throw new SweepError(`a sweep worker answered ${JSON.stringify(answer)} to run ${task.index}`);
      results.set(task.index, answer.result);
      onRun?.(results.size, tasks.length);
    });
    return { definition, shard, runs: tasks.map((task) => ({ ...task, ...(results.get(task.index) as RunResult) })) };
  }

  async close(): Promise<void> {
    await Promise.all(this.threads.map((thread) => thread.close()));
  }

  /**
   * Does `work` once per item, each thread taking the next item when it is free; answers in the
   * items' order. The first failure stops the handing out.
   */
  private async share<T, R>(items: readonly T[], work: (thread: SweepThread, item: T) => Promise<R>): Promise<R[]> {
    const answers: R[] = [];
    let next = 0;
    await Promise.all(this.threads.map(async (thread) => {
      try {
        while (next < items.length) {
          const at = next++;
          answers[at] = await work(thread, items[at]);
        }
      } catch (error) {
        next = items.length;
        throw error;
      }
    }));
    return answers;
  }
}

/** A whole sweep (or one shard) on a pool of `workers` threads started for it. */
export async function runSweep(spec: ChainSpec, profile: Profile, definition: SweepDefinition,
  { workers = availableParallelism(), shard = null, onRun }: { workers?: number; shard?: SweepResult['shard']; onRun?: (done: number, of: number) => void } = {}): Promise<SweepResult> {
  const pool = new SweepPool(Math.max(1, Math.min(workers, plannedRuns(definition, shard).length)));
  try {
    return await pool.sweep(spec, profile, definition, { shard, onRun });
  } finally {
    await pool.close();
  }
}

// ---- merging ------------------------------------------------------------------------------------

/** Shards (or whole results) of one sweep put together; refuses mixed sweeps, conflicting or missing runs. */
export function mergeSweeps(parts: readonly SweepResult[]): SweepResult {
  if (parts.length === 0) throw new SweepError('nothing to merge');
  const definition = parts[0].definition;
  const key = JSON.stringify(definition);
  parts.forEach((part, i) => {
    if (JSON.stringify(part.definition) !== key) throw new SweepError(`part ${i + 1} is of another sweep: ${JSON.stringify(part.definition)} differs from ${key}`);
  });
  const runs = new Map<number, SweepRun>();
  for (const part of parts) {
    for (const run of part.runs) {
      const seen = runs.get(run.index);
      if (seen && JSON.stringify(seen) !== JSON.stringify(run)) throw new SweepError(`run ${run.index} has two different results (head ${seen.head} and ${run.head})`);
      runs.set(run.index, run);
    }
  }
  const planned = plannedRuns(definition);
  const missing = planned.filter(({ index }) => !runs.has(index));
  if (missing.length > 0) throw new SweepError(`${missing.length} of ${planned.length} runs are missing (e.g. run ${missing[0].index}: ${JSON.stringify(missing[0])}); merge every shard`);
  return { definition, shard: null, runs: planned.map(({ index }) => runs.get(index) as SweepRun) };
}
