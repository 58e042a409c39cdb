// Sweep throughput: simulated blocks per second of a sweep on 1 and on 2 worker threads (the goal:
// 2 workers reach at least 1.7x one). First each as a user runs it (`runSweep`: threads started
// for the sweep, their start-up and each thread's genesis included), then on pools kept warm, the
// 1- and 2-worker sweeps alternating so that a change in the machine's load hits both alike.
//
// Wall time says the speed-up only on an idle machine. So each warm sweep also gives the
// CPU-seconds of every thread of this process (/proc/self/task): the sweep threads' share shows
// that one worker is one busy core, and "expected" is the speed-up that the sweep threads' own
// CPU time allows (work of 1 worker / busiest thread of 2), whatever else runs on the machine
// (the sweep threads are the busiest threads of the process).
// All sweeps must give the same heads.
//
// V8 collects garbage and compiles on helper threads too, so a lone worker would keep more than
// one core busy and flatter the 1-worker baseline: the bench runs itself again under
// --single-threaded (no V8 background tasks; only the command line can set it): one worker, one core.
//
// The default sweep is the issue's `--seeds 1..20` at 20 blocks a run: a sweep of a handful of
// runs measures its last run's tail more than the pool (with 8 runs, one thread idled for most of
// a run at the end).
//
//   npx tsx benches/sweep.ts [runs] [blocks per run] [profile] [warm rounds]
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { loadChainSpec } from '../genesis/spec.ts';
import { initCrypto } from '../primitives/crypto.ts';
import { SweepPool, type SweepResult } from '../node/report/sweep.ts';
import { loadProfile } from '../node/workloads/profiles.ts';

if (!process.execArgv.includes('--single-threaded')) {
  const { status } = spawnSync(process.execPath, [...process.execArgv, '--single-threaded', ...process.argv.slice(1)], { stdio: 'inherit' });
  process.exit(status ?? 1);
}

const RUNS = Number(process.argv[2] ?? 20);
const BLOCKS = Number(process.argv[3] ?? 20);
const PROFILE = process.argv[4] ?? 'balanced';
const ROUNDS = Number(process.argv[5] ?? 2);

await initCrypto();
const load = () => `load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`;
console.log(`${availableParallelism()} cores, ${load()} (the wall-time speed-up needs two idle cores); no V8 helper threads (--single-threaded)`);
const spec = loadChainSpec('dev');
const profile = loadProfile(PROFILE);
const definition = { chain: 'dev', profile: PROFILE, params: [], seeds: Array.from({ length: RUNS }, (_, i) => i + 1), blocks: BLOCKS };
const heads = new Set<string>();

/** CPU-seconds so far of each live thread of this process, by thread id. */
function threadSeconds(): Map<string, number> {
  const seconds = new Map<string, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      seconds.set(tid, (Number(fields[11]) + Number(fields[12])) / 100); // utime + stime, in ticks of 1/100 s
    } catch {
      // the thread ended meanwhile
    }
  }
  return seconds;
}

interface Timing { rate: number; threads: number[] }

/** Times one sweep; `workers` names how many of the busiest threads are the sweep's. */
async function timed(label: string, workers: number, sweep: () => Promise<SweepResult>): Promise<Timing> {
  const before = threadSeconds();
  const started = performance.now();
  const cpu = process.cpuUsage();
  const result = await sweep();
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const after = threadSeconds();
  const cpuSeconds = (used.user + used.system) / 1e6;
  heads.add(result.runs.map((run) => run.head).join());
  const rate = (RUNS * BLOCKS) / seconds;
  const main = String(process.pid);
  const byThread = [...after].filter(([tid]) => tid !== main).map(([tid, s]) => s - (before.get(tid) ?? 0)).sort((a, b) => b - a);
  const threads = byThread.slice(0, workers);
  const rest = byThread.slice(workers).reduce((a, b) => a + b, 0);
  const mainSeconds = (after.get(main) ?? 0) - (before.get(main) ?? 0);
  console.log(`${label}: ${RUNS} runs x ${BLOCKS} blocks in ${seconds.toFixed(1)} s = ${rate.toFixed(1)} blocks/s; CPU-s ${cpuSeconds.toFixed(1)} in all `
    + `(sweep threads ${threads.map((s) => s.toFixed(1)).join(' + ')}, main ${mainSeconds.toFixed(1)}, other threads ${rest.toFixed(1)}); ${load()}`);
  return { rate, threads };
}

/** A sweep on a pool started for it, as `runSweep` (and the CLI) runs one; the threads are measured before they end. */
async function coldSweep(workers: number): Promise<Timing> {
  const pool = new SweepPool(workers);
  try {
    return await timed(`${workers} worker(s), started for the sweep`, workers, () => pool.sweep(spec, profile, definition));
  } finally {
    await pool.close();
  }
}

const cold = [await coldSweep(1), await coldSweep(2)];

const pools = [new SweepPool(1), new SweepPool(2)];
const warm: Timing[][] = [[], []];
try {
  // A first sweep on each pool loads and compiles the runtime on its threads.
  for (const pool of pools) await pool.sweep(spec, profile, { ...definition, seeds: [1], blocks: 2 });
  for (let round = 1; round <= ROUNDS; round++) {
    for (const [i, pool] of pools.entries()) {
      warm[i].push(await timed(`${pool.workers} worker(s), warm pool, round ${round}`, pool.workers, () => pool.sweep(spec, profile, definition)));
    }
  }
} finally {
  await Promise.all(pools.map((pool) => pool.close()));
}
if (heads.size !== 1) throw new Error('the sweeps gave different heads');
const ratio = (one: Timing, two: Timing) => `${(two.rate / one.rate).toFixed(2)}x (${(one.threads[0] / Math.max(...two.threads)).toFixed(2)}x)`;
console.log('speed-up with 2 workers, wall time (and expected from the sweep threads\' CPU time); goal >= 1.7x:');
console.log(`  started for the sweep: ${ratio(cold[0], cold[1])}`);
warm[0].forEach((one, i) => console.log(`  warm pool, round ${i + 1}: ${ratio(one, warm[1][i])}`));
