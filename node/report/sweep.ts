// Policy sweeps: every combination of genesis parameters, over a range of seeds, each run a pure
// function (chain spec + overrides, profile, seed, blocks) -> blocks, run on worker threads. A
// sweep's runs are numbered in one fixed order, so `--shard i/n` takes every n-th of them and
// `sweep-merge` puts shards from any machines back together into what one unsharded run gives.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { u8aToHex } from '@polkadot/util';
import { genesisOf, type ChainSpec } from '../../genesis/spec.ts';
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

/** Builds every combination's genesis once, so that a bad value is refused before any run starts. */
export function checkCombinations(spec: ChainSpec, definition: SweepDefinition): void {
  for (const combination of combinations(definition.params)) {
    try {
      genesisOf(executive, withOverrides(spec, combination));
    } catch (error) {
      if (error instanceof SweepError) throw error;
      throw new SweepError(`${JSON.stringify(combination)}: ${(error as Error).message}`);
    }
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

/** One run, as a worker does it: a deterministic simulation of a fresh chain. */
export function runOne(spec: ChainSpec, profile: Profile, blocks: number, combination: Combination, seed: number): RunResult {
  const chain = new Chain(withOverrides(spec, combination));
  const collector = new FigureCollector(chain);
  simulate(chain, { blocks, seed, workloads: profileWorkloads(profile), accounts: devPairs(), onBlock: (n, outcomes) => collector.noteRefused(n, outcomes.refused) });
  return { head: chain.head.hash, stateRoot: u8aToHex(chain.state.root()), metrics: outcomeMetrics(collector.figures({ seed, profile: profile.name })) };
}

// ---- worker threads -----------------------------------------------------------------------------

/** What a sweep worker is started with (workerData). */
export interface SweepWorkerSetup { spec: ChainSpec; profile: Profile; blocks: number }
export type SweepTask = { index: number; combination: Combination; seed: number };
export type SweepAnswer = { index: number; result: RunResult } | { index: number; error: string };

const WORKER_ENTRY = new URL('./sweep-worker-entry.js', import.meta.url);

/** Runs the sweep's runs (or one shard's) on `workers` threads; each thread takes the next run when it finishes one. */
export async function runSweep(spec: ChainSpec, profile: Profile, definition: SweepDefinition,
  { workers = availableParallelism(), shard = null, onRun }: { workers?: number; shard?: SweepResult['shard']; onRun?: (done: number, of: number) => void } = {}): Promise<SweepResult> {
  const tasks = plannedRuns(definition, shard);
  const results = new Map<number, RunResult>();
  const setup: SweepWorkerSetup = { spec, profile, blocks: definition.blocks };
  let next = 0;
  const threads = Array.from({ length: Math.max(1, Math.min(workers, tasks.length)) }, () => new Worker(WORKER_ENTRY, { workerData: setup }));
  try {
    await Promise.all(threads.map((thread) => new Promise<void>((resolve, reject) => {
      const give = () => (next < tasks.length ? thread.postMessage(tasks[next++]) : resolve());
      thread.on('message', (answer: SweepAnswer) => {
        if ('error' in answer) return reject(new SweepError(`run ${answer.index} (${JSON.stringify(tasks.find((t) => t.index === answer.index))}): ${answer.error}`));
        results.set(answer.index, answer.result);
        onRun?.(results.size, tasks.length);
        give();
      });
      thread.on('error', reject);
      thread.on('exit', (code) => (code !== 0 ? reject(new SweepError(`a sweep worker exited with code ${code}`)) : undefined));
      give();
    })));
  } finally {
    await Promise.all(threads.map((thread) => thread.terminate()));
  }
  return { definition, shard, runs: tasks.map((task) => ({ ...task, ...(results.get(task.index) as RunResult) })) };
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
