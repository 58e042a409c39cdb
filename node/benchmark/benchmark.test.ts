// Benchmarks as tests, as impl_benchmark_test_suite!: every benchmark of every pallet runs in quick
// mode (steps 2, repeat 1) with its verify step, every call has a benchmark and a generated weight
// function, the analysis fits what it is given, and `benchmark pallet` writes its files.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { loadChainSpec } from '../../genesis/spec.ts';
import { initCrypto } from '../../primitives/crypto.ts';
import { benchmarkedPallets } from '../../frame/benchmarking/index.ts';
import { runtime } from '../../runtime/runtime.ts';
import { Chain } from '../chain.ts';
import { buildProgram } from '../cli.ts';
import { analyse, leastSquares, medianSlope, withoutOutliers } from './analysis.ts';
import { BenchmarkRunner } from './runner.ts';
import { commitSetup, takeBack } from './block-time.ts';
import { Overlay } from '../../frame/overlay.ts';
import { Root } from '../../frame/dispatch.ts';
import * as System from '../../frame/system/index.ts';
import { Balances } from '../../runtime/runtime.ts';
import type { AccountId } from '../../primitives/types.ts';
import { stats, weightFunctionName, weightOf } from './writer.ts';
import { MAX_SLICES_PER_NODE } from '../../pallets/slice-marketplace/types.ts';

jest.setTimeout(120_000);

beforeAll(() => initCrypto());

// The benchmarks of the runtime's pallets, as `slicechain benchmark pallet` loads them.
const BENCHMARKS = await benchmarkedPallets(runtime);

describe('every benchmark in quick mode (steps 2, repeat 1)', () => {
  const chain = new Chain(loadChainSpec('dev'));
  const runner = new BenchmarkRunner(chain);
  const root = chain.state.root();
  for (const entry of BENCHMARKS) {
    it(`${entry.pallet.name}: every benchmark sets up, runs and verifies`, () => {
      for (const name of Object.keys(entry.benchmarks)) {
        const result = runner.run(entry, name, { steps: 2, repeat: 1 });
        expect(result.samples.length).toBeGreaterThan(0);
        for (const sample of result.samples) expect(sample.time).toBeGreaterThan(0);
      }
      // Every run takes its set-up and its writes back: the chain's state is as it was.
      expect(chain.state.root()).toEqual(root);
    });
  }
});

describe('the runner', () => {
  setFlagsFromString('--expose-gc');
  const collectGarbage = runInNewContext('gc') as () => void;

  it('warms each benchmark up unmeasured at its highest point, then records each point\'s runs with their collection pauses', () => {
    const chain = new Chain(loadChainSpec('dev'));
    const setUpAt: number[] = [];
    const ranAt: number[] = [];
    const entry = { ...BENCHMARKS[0], benchmarks: {
      probe: {
        components: { x: [0, 10] as const },
        setup: ({ x }: { x: number }) => {
          setUpAt.push(x);
          // The runs at the high end collect garbage: a pause that V8 reports inside them.
          return { hook: () => { ranAt.push(x); if (x === 10) collectGarbage(); } };
        },
      },
    } };
    const result = new BenchmarkRunner(chain).run(entry, 'probe', { steps: 2, repeat: 3 });
    expect(setUpAt).toEqual([10, 0, 10]);
    const warmUpRuns = ranAt.length - 6;
    expect(warmUpRuns).toBeGreaterThanOrEqual(1);
    expect(ranAt.slice(0, warmUpRuns).every((x) => x === 10)).toBe(true);
    expect(result.samples.map((s) => s.components.x)).toEqual([0, 0, 0, 10, 10, 10]);
    for (const sample of result.samples) expect(sample.gc).toBeLessThanOrEqual(sample.time);
    expect(result.samples.filter((s) => s.components.x === 10).every((s) => s.gc > 0)).toBe(true);
  });
});

describe('set-ups, committed as the state a measured block starts from', () => {
  it('keep what they wrote but not the events they deposited, and are taken back whole', () => {
    const chain = new Chain(loadChainSpec('dev'));
    const root = chain.state.root();
    const who = `0x${'42'.repeat(32)}` as AccountId;
    const layer = new Overlay(chain.state);
    chain.executive.initializeBlock(layer, chain.head.number + 1, chain.head.hash, { logs: [] });
    const outcome = chain.executive.run(layer, () => runtime.dispatch(Root, Balances.tx.force_set_balance({ who: { type: 'Id', value: who }, new_free: 5n * 10n ** 12n })));
    expect(outcome.error).toBeUndefined();
    expect(chain.executive.run(layer, () => System.EventCount.get())).toBeGreaterThan(0);
    const undo = commitSetup(chain, layer);
    // A block replacing a set-up's event log copied it: 29 KB to 934 KB in the check's set-ups.
    expect(chain.state.get(System.EVENTS_KEY)).toBeUndefined();
    expect(chain.read(() => System.Account.get(who)).data.free).toBe(5n * 10n ** 12n);
    takeBack(chain, undo);
    expect(chain.state.root()).toEqual(root);
  });
});

describe('weights cover the runtime', () => {
  it('every call of every pallet has a benchmark and a generated weight function', async () => {
    for (const { pallet } of runtime.pallets) {
      const calls = Object.keys(pallet.calls ?? {});
      if (calls.length === 0) continue;
      const entry = BENCHMARKS.find((b) => b.pallet.name === pallet.name);
      expect(entry).toBeDefined();
      const path = join(entry!.dir, 'weights.ts');
      expect(readFileSync(path, 'utf8')).toContain('generated by `slicechain benchmark pallet`');
      const weights = (await import(`../../${entry!.dir}/weights.ts`) as Record<string, Record<string, unknown>>)[entry!.weightsName];
      for (const call of calls) {
        expect([pallet.name, call, call in entry!.benchmarks]).toEqual([pallet.name, call, true]);
        expect([pallet.name, call, typeof weights[weightFunctionName(call)]]).toEqual([pallet.name, call, 'function']);
      }
    }
  });

  it('no placeholder weight is left in the framework, the runtime or the pallets', () => {
    const files = (dir: string): string[] => readdirSync(dir, { withFileTypes: true })
      .flatMap((d) => (d.isDirectory() ? files(join(dir, d.name)) : d.name.endsWith('.ts') && !d.name.endsWith('.test.ts') ? [join(dir, d.name)] : []));
    const offenders = [...files('frame'), ...files('pallets'), ...files('runtime')].filter((f) => readFileSync(f, 'utf8').includes('PLACE' + 'HOLDER'));
    expect(offenders).toEqual([]);
  });
});

describe('benchmarks are loaded only when asked', () => {
  it('a dev chain authoring a block loads no benchmarks.ts; the benchmark verbs\' loader loads one per benchmarked pallet', () => {
    // A fresh process, so that this test's own imports do not count: it lists the modules it loads.
    const script = `
      import { register } from 'tsx/esm/api';
      const loaded = [];
      register({ onImport: (url) => loaded.push(url) });
      const benchmarkModules = () => loaded.filter((url) => url.endsWith('/benchmarks.ts')).map((url) => url.split('/').slice(-2).join('/'));
      const { Chain } = await import('./node/chain.ts');
      const { loadChainSpec } = await import('./genesis/spec.ts');
      const { initCrypto } = await import('./primitives/crypto.ts');
      await initCrypto();
      const chain = new Chain(loadChainSpec('dev'));
      chain.author([]);
      const byNode = benchmarkModules();
      const { benchmarkedPallets } = await import('./frame/benchmarking/index.ts');
      await benchmarkedPallets(chain.runtime);
      console.log(JSON.stringify({ head: chain.head.number, byNode, byLoader: benchmarkModules().sort() }));`;
    const out = JSON.parse(execFileSync('node', ['--input-type=module', '-e', script], { encoding: 'utf8' })) as Record<string, unknown>;
    expect(out).toEqual({
      head: 1, byNode: [],
      byLoader: ['balances/benchmarks.ts', 'oracle/benchmarks.ts', 'services/benchmarks.ts', 'slice-marketplace/benchmarks.ts',
        'sudo/benchmarks.ts', 'system/benchmarks.ts', 'timestamp/benchmarks.ts'],
    });
  });
});

describe('analysis', () => {
  it('least squares recovers a line, with zero error on exact points', () => {
    const fit = leastSquares([[0, 5], [1, 7], [2, 9], [3, 11]]);
    expect(fit.slope).toBeCloseTo(2);
    expect(fit.intercept).toBeCloseTo(5);
    expect(fit.slopeError).toBeCloseTo(0);
    expect(medianSlope([[0, 5], [1, 7], [2, 9], [3, 11]])).toBeCloseTo(2);
  });

  it('drops an outlier at a point before fitting', () => {
    const points: [number, number][] = [[1, 10], [1, 11], [1, 10], [1, 11], [1, 500]];
    expect(withoutOutliers(points).map(([, y]) => y)).toEqual([10, 11, 10, 11]);
  });

  it('charges garbage-collection pauses as their average over every run, while other outliers are dropped', () => {
    // 100 + 10 x each run; one run in four also pays a 400 ns collection, and one run at x = 0 is
    // descheduled for 5,000 ns (noise).
    const samples = [0, 10, 20, 30].flatMap((x) => Array.from({ length: 8 }, (_, r) => {
      const gc = r % 4 === 0 ? 400 : 0;
      const noise = x === 0 && r === 5 ? 5000 : 0;
      return { components: { x }, sweeping: 'x', time: 100 + 10 * x + gc + noise, gc, reads: 0, writes: 0, proof: 0, commit: 0 };
    }));
    const { time } = analyse({ pallet: 'P', name: 'b', components: ['x'], samples, storage: {} });
    expect(time.base).toBeCloseTo(200);
    expect(time.slopes.x).toBeCloseTo(10);
    // Without the split, Tukey's fences would drop the collections at three points of four (and the noise) as outliers.
    expect(withoutOutliers(samples.map((s): [number, number] => [s.components.x, s.time])).length).toBe(32 - 6 - 1);
  });

  it('never lets the base fall below the fastest run, even when the fitted intercept is negative', () => {
    // A steep, convex cost: the line through it crosses below zero at x = 0.
    const samples = [0, 10, 20, 30].map((x) => ({ components: { x }, sweeping: 'x', time: 100 + x * x * 10, gc: 0, reads: 0, writes: 0, proof: 0, commit: 0 }));
    const analysis = analyse({ pallet: 'P', name: 'b', components: ['x'], samples, storage: {} });
    expect(leastSquares(samples.map((s): [number, number] => [s.components.x, s.time])).intercept).toBeLessThan(0);
    expect(analysis.time.base).toBeGreaterThanOrEqual(100);
  });
});

describe('slicechain benchmark pallet', () => {
  it('prints the analysis and writes weights.ts, JSON results and an SVG plot', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slicechain-bench-'));
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const errors = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await buildProgram().parseAsync(['benchmark', 'pallet', '--pallet', 'SliceMarketplace', '--extrinsic', 'rent_slices', '--steps', '3', '--repeat', '2',
        '--output', join(dir, 'weights.ts'), '--json-file', join(dir, 'out.json'), '--plot', join(dir, 'plots')], { from: 'user' });
      const printed = log.mock.calls.map((c) => c.join(' ')).join('\n');
      expect(printed).toContain('Pallet: "SliceMarketplace", Extrinsic: "rent_slices", Steps: 3, Repeat: 2');
      expect(printed).toMatch(/Storage: `SliceMarketplace::Slices` \(r:\d+ w:\d+\)/);
      const weights = readFileSync(join(dir, 'weights.ts'), 'utf8');
      expect(weights).toContain('export const SliceMarketplaceWeights = {');
      expect(weights).toMatch(/rentSlices: \(c: number\): Weight =>/);
      expect(weights).toMatch(/\/\/ CPU: .+, cores: \d+, Node v\d+/);
      const json = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as { name: string; samples: unknown[] }[];
      expect(json.map((r) => [r.name, r.samples.length])).toEqual([['rent_slices', 6]]);
      expect(readFileSync(join(dir, 'plots', 'SliceMarketplace_rent_slices.svg'), 'utf8')).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    } finally {
      log.mockRestore();
      errors.mockRestore();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--external-repeat runs the whole selection again, one pass after another, and fits every pass\'s runs together', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slicechain-bench-'));
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const errors = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    process.env.SLICECHAIN_PROGRESS_SECONDS = '0'; // a progress line at every update
    try {
      await buildProgram().parseAsync(['benchmark', 'pallet', '--pallet', 'SliceMarketplace', '--extrinsic', 'lock_price,unlock_price',
        '--steps', '2', '--repeat', '2', '--external-repeat', '3', '--json-file', join(dir, 'out.json')], { from: 'user' });
      const passes = errors.mock.calls.map(([line]) => String(line).match(/SliceMarketplace\.(\w+) done \(external repeat (\d)\/3\)/))
        .filter((m) => m !== null).map((m) => `${m[1]} ${m[2]}`);
      expect([...new Set(passes)]).toEqual(['lock_price 1', 'unlock_price 1', 'lock_price 2', 'unlock_price 2', 'lock_price 3', 'unlock_price 3']);
      const json = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as { name: string; samples: unknown[] }[];
      // No components: one point, 2 runs in each of 3 passes.
      expect(json.map((r) => [r.name, r.samples.length])).toEqual([['lock_price', 6], ['unlock_price', 6]]);
    } finally {
      delete process.env.SLICECHAIN_PROGRESS_SECONDS;
      log.mockRestore();
      errors.mockRestore();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a pallet it has no benchmarks for, naming the ones it has', async () => {
    await expect(buildProgram().parseAsync(['benchmark', 'pallet', '--pallet', 'Nope'], { from: 'user' }))
      .rejects.toThrow(/no benchmark matches --pallet Nope .*pallets: System, Timestamp/);
  });
});

describe('weight parameters (--metric, --mul, --add)', () => {
  it('take the statistic Substrate\'s StatSelect names, then multiply, then add', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(stats(samples)).toMatchObject({ min: 1, max: 100, mean: 50.5, median: 50, p75: 75, p95: 95, p99: 99 });
    expect(weightOf(samples, { metric: 'average', mul: 1, add: 0 })).toBe(50.5);
    expect(weightOf(samples, { metric: 'p95', mul: 2, add: 3 })).toBe(193);
    expect(weightOf(samples, { metric: 'max', mul: 1.5, add: 0 })).toBe(150);
  });

  it('`benchmark storage --metric p95 --mul 2 --add 5` writes DbWeight from the p95, says so, and refuses unknown metrics', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slicechain-storage-'));
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      await buildProgram().parseAsync(['benchmark', 'storage', '--entries', '2000', '--batches', '3', '--metric', 'p95', '--mul', '2', '--add', '5', '--output', dir], { from: 'user' });
      const file = readFileSync(join(dir, 'db.ts'), 'utf8');
      expect(file).toContain('// Each weight is the p95 of its samples, multiplied by 2 and 5 ns added (--metric, --mul, --add).');
      const p95 = (item: string) => Number(new RegExp(`//   ${item}: .* p95 ([\\d.]+) us`).exec(file)![1]) * 1e3;
      const [, read, write] = /DB_WEIGHT = \{ read: ([\d_]+)n, write: ([\d_]+)n \}/.exec(file)!.map((n) => Number(n.replaceAll('_', '')));
      // The header prints microseconds to two decimals: 5 ns of rounding, doubled.
      expect(Math.abs(read - (p95('read') * 2 + 5) * 1e3)).toBeLessThanOrEqual(10_000);
      expect(Math.abs(write - (p95('write') * 2 + 5) * 1e3)).toBeLessThanOrEqual(10_000);
    } finally {
      log.mockRestore();
      rmSync(dir, { recursive: true, force: true });
    }
    const refused = (args: string[]) => spawnSync('node', ['bin/slicechain.js', 'benchmark', 'storage', ...args], { encoding: 'utf8' });
    expect(refused(['--metric', 'p90'])).toMatchObject({ status: 1, stderr: expect.stringMatching(/Allowed choices are average, median, p75, p95, p99, max/) });
    expect(refused(['--mul', '0'])).toMatchObject({ status: 1, stderr: expect.stringMatching(/--mul must be a positive number/) });
    expect(refused(['--add', '-1'])).toMatchObject({ status: 1, stderr: expect.stringMatching(/--add must be a non-negative number of nanoseconds/) });
  });
});

describe('slicechain benchmark check', () => {
  it('fills a block per selected call with worst cases that all succeed, and prints measured over declared', async () => {
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const errors = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      // Each Sudo set-up makes its own account the key: only the last set_key can succeed, so
      // its block holds one; independent Balances set-ups all go in.
      await buildProgram().parseAsync(['benchmark', 'check', '--pallet', 'Balances,Sudo', '--extrinsic', 'transfer_keep_alive,set_key', '--max-per-block', '4', '--rounds', '2'], { from: 'user' });
      const [header, ...lines] = log.mock.calls.map((c) => c.join(' '));
      expect(header).toMatch(/ratio {3}probe ms {3}in rounds 1-2$/);
      const rows = lines.map((line) => line.split(/\s{2,}|(?<=\d)\s+/).map((cell) => cell.trim()).filter(Boolean));
      expect(rows.map(([name, included, failed]) => [name, included, failed])).toEqual([
        ['Balances.transfer_keep_alive x 4', '4', '0'],
        ['Sudo.set_key x 1', '1', '0'],
      ]);
      for (const [, , , written, ms, wall, declared, ratio, probe, ...rounds] of rows) {
        expect(Number(written)).toBeGreaterThan(0);
        // The host probe (60 sr25519 verifications, 4,000 hashes) ran beside each measured build.
        expect(Number(probe)).toBeGreaterThan(0);
        // The row is its median round: with two rounds, one of the two.
        expect(rounds).toHaveLength(2);
        expect(rounds).toContain(ratio);
        expect(Number(ms)).toBeGreaterThan(0);
        expect(Number(wall.replace(/[()]/g, ''))).toBeGreaterThan(0);
        expect(Number(declared)).toBeGreaterThan(0);
        // The table prints times to 0.1 ms: the ratio matches them within that rounding.
        const rounding = Number(ratio) * (0.05 / Number(ms) + 0.05 / Number(declared)) + 0.005;
        expect(Math.abs(Number(ratio) - Number(ms) / Number(declared))).toBeLessThanOrEqual(rounding);
      }
    } finally {
      log.mockRestore();
      errors.mockRestore();
    }
  });

  it('measures a call whose set-up lets time pass at the block its set-up reached: every rental of collect_income is settled', async () => {
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const errors = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await buildProgram().parseAsync(['benchmark', 'check', '--pallet', 'SliceMarketplace', '--extrinsic', 'collect_income', '--max-per-block', '2'], { from: 'user' });
      const [, line] = log.mock.calls.map((c) => c.join(' '));
      const [, included, failed, written] = /^SliceMarketplace\.collect_income x 2\s+(\d+)\s+(\d+)\s+(\d+)/.exec(line) ?? [];
      expect([included, failed]).toEqual(['2', '0']);
      // Each call settles its node's MAX_SLICES_PER_NODE rentals (a record each); at the head's own
      // number nothing was due yet, and the block wrote a few keys only.
      expect(Number(written)).toBeGreaterThan(2 * MAX_SLICES_PER_NODE);
    } finally {
      log.mockRestore();
      errors.mockRestore();
    }
  }, 120_000);

  it('scales a worst case too long for one block down until it fits, and names the components it used', async () => {
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const errors = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await buildProgram().parseAsync(['benchmark', 'check', '--pallet', 'System', '--extrinsic', 'remark'], { from: 'user' });
      const [, line] = log.mock.calls.map((c) => c.join(' '));
      const [, length, included, failed] = /^System\.remark\(b=(\d+)\) x 1\s+(\d+)\s+(\d+)/.exec(line) ?? [];
      expect([included, failed]).toEqual(['1', '0']);
      // The benchmark's longest remark is the normal class's whole length: the one that fits is shorter, but not by much.
      const maxNormal = runtime.spec.limits.blockLength.max.normal;
      expect(Number(length)).toBeLessThan(maxNormal);
      expect(Number(length)).toBeGreaterThan(maxNormal * 0.8);
    } finally {
      log.mockRestore();
      errors.mockRestore();
    }
  }, 120_000);
});
