// Sweep throughput: simulated blocks per second of a sweep run on 1 and on 2 worker threads (the
// goal: 2 workers reach at least 1.7x one). Wall-clock time of the whole sweep, worker start-up
// and each run's genesis included, as a user waits for it; both sweeps give the same heads.
//
//   npx tsx benches/sweep.ts [runs] [blocks per run] [profile]
import { availableParallelism, loadavg } from 'node:os';
import { loadChainSpec } from '../genesis/spec.ts';
import { initCrypto } from '../primitives/crypto.ts';
import { runSweep } from '../node/report/sweep.ts';
import { loadProfile } from '../node/workloads/profiles.ts';

const RUNS = Number(process.argv[2] ?? 8);
const BLOCKS = Number(process.argv[3] ?? 30);
const PROFILE = process.argv[4] ?? 'balanced';

await initCrypto();
console.log(`${availableParallelism()} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} (the speed-up needs two idle cores)`);
const spec = loadChainSpec('dev');
const definition = { chain: 'dev', profile: PROFILE, params: [], seeds: Array.from({ length: RUNS }, (_, i) => i + 1), blocks: BLOCKS };
const heads: string[][] = [];
const rates: number[] = [];
for (const workers of [1, 2]) {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const result = await runSweep(spec, loadProfile(PROFILE), definition, { workers });
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  heads.push(result.runs.map((run) => run.head));
  rates.push((RUNS * BLOCKS) / seconds);
  console.log(`${workers} worker(s): ${RUNS} runs x ${BLOCKS} blocks in ${seconds.toFixed(1)} s = ${rates.at(-1)!.toFixed(1)} simulated blocks/s (${((used.user + used.system) / 1e6).toFixed(1)} CPU-s, all threads)`);
}
if (heads[0].join() !== heads[1].join()) throw new Error('1 and 2 workers gave different heads');
console.log(`speed-up with 2 workers: ${(rates[1] / rates[0]).toFixed(2)}x (goal >= 1.7x)`);
