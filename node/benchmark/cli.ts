// `slicechain benchmark pallet|overhead|storage|check`, with frame-benchmarking-cli's flags: runs
// the runtime's benchmarks on the dev chain, prints frame-benchmarking's analysis, and writes the
// generated weight files, JSON results and SVG plots.
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { loadChainSpec } from '../../genesis/spec.ts';
import { initCrypto } from '../../primitives/crypto.ts';
import { benchmarkedPallets, type BenchmarkedPallet } from '../../frame/benchmarking/index.ts';
import type { Runtime } from '../../frame/construct.ts';
import { runtime } from '../../runtime/runtime.ts';
import { progress } from '../progress.ts';
import { Chain } from '../chain.ts';
import { analyse, type Analysis } from './analysis.ts';
import { runCheck } from './check.ts';
import { measureDatabase, measureOverhead, SCHEMES, type Overhead } from './overhead.ts';
import { plotSvg } from './plot.ts';
import { BenchmarkRunner, points, type BenchmarkResult } from './runner.ts';
import {
  bigintLiteral, palletWeightsFile, provenanceHeader, stats, statsLine, STAT_SELECTS, weightOf, weightParamsLine, type Provenance, type WeightParams,
} from './writer.ts';

const positive = (name: string) => (value: string): number => {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a positive integer`);
  return n;
};

/** `--low 1,2` style component values, by the benchmark's component order. */
const integers = (name: string) => (value: string): number[] => value.split(',').map((v) => {
  const n = Number(v.trim());
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError(`${name} takes non-negative integers separated by commas`);
  return n;
});

/** The benchmarks of `runtime`'s pallets that `--pallet` and `--extrinsic` select (names, comma lists, or '*'). */
export async function selectBenchmarks(runtime: Runtime, pallet: string, extrinsic: string): Promise<{ entry: BenchmarkedPallet; names: string[] }[]> {
  const benchmarked = await benchmarkedPallets(runtime);
  const wanted = (pattern: string) => (name: string) => pattern === '*' || pattern.split(',').map((p) => p.trim()).includes(name);
  const selected = benchmarked.filter((entry) => wanted(pallet)(entry.pallet.name))
    .map((entry) => ({ entry, names: Object.keys(entry.benchmarks).filter(wanted(extrinsic)) }))
    .filter(({ names }) => names.length > 0);
  if (selected.length === 0) {
    throw new InvalidArgumentError(`no benchmark matches --pallet ${pallet} --extrinsic ${extrinsic} (pallets: ${benchmarked.map((b) => b.pallet.name).join(', ')})`);
  }
  return selected;
}

const us = (ns: number) => (ns / 1e3).toFixed(2);

/** frame-benchmarking's printout of one benchmark: storage info, median slopes, then least squares. */
export function describe(result: BenchmarkResult, analysis: Analysis, steps: number, repeat: number): string[] {
  const lines = [`Pallet: "${result.pallet}", Extrinsic: "${result.name}", Steps: ${steps}, Repeat: ${repeat}`, 'Raw Storage Info', '========'];
  for (const [item, { reads, writes }] of Object.entries(result.storage)) lines.push(`Storage: \`${item}\` (r:${reads} w:${writes})`);
  const model = (kind: 'medianSlopes' | 'slopes', metric: keyof Analysis, unit: (n: number) => string, withError: boolean) => {
    const fit = analysis[metric];
    const out = [`${metric.padEnd(6)} ~= ${unit(fit.base).padStart(10)}${withError ? ` (± ${unit(fit.baseError)})` : ''}`];
    for (const c of result.components) {
      out.push(`    + ${c.padEnd(10)} ${unit(fit[kind][c]).padStart(10)}${withError ? ` (± ${unit(fit.slopeErrors[c])})` : ''}`);
    }
    return out;
  };
  const count = (n: number) => n.toFixed(2);
  for (const [title, kind, withError] of [['Median Slopes Analysis', 'medianSlopes', false], ['Min Squares Analysis', 'slopes', true]] as const) {
    lines.push('', title, '========', '-- Extrinsic Time (us) --', ...model(kind, 'time', us, withError));
    lines.push(...model(kind, 'reads', count, false), ...model(kind, 'writes', count, false), ...model(kind, 'proof', count, false));
  }
  return [...lines, ''];
}

const commandLine = (argv: readonly string[]) => `npx slicechain ${argv.map((a) => (/^[\w./:=,-]+$/.test(a) ? a : `'${a}'`)).join(' ')}`;

/** Where a pallet's generated weights go: `<output>/<its dir>/weights.ts`, or the file `output` itself. */
function weightsPath(output: string, dir: string, single: boolean): string {
  const isDir = existsSync(output) ? statSync(output).isDirectory() : output.endsWith('/') || !output.endsWith('.ts');
  if (!isDir && !single) throw new InvalidArgumentError('--output names a file: select one pallet, or give a directory');
  return isDir ? join(output, dir, 'weights.ts') : output;
}

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

interface PalletOptions {
  pallet: string; extrinsic: string; steps: number; repeat: number; externalRepeat: number; low?: number[]; high?: number[];
  output?: string; jsonFile?: string; plot?: string; chain: string;
}

export async function benchmarkPallet(opts: PalletOptions, argv: readonly string[]): Promise<void> {
  await initCrypto();
  const chain = new Chain(loadChainSpec(opts.chain));
  const selection = await selectBenchmarks(chain.runtime, opts.pallet, opts.extrinsic);
  const runner = new BenchmarkRunner(chain);
  const provenance: Provenance = { command: commandLine(argv), date: new Date().toISOString(), steps: opts.steps, repeat: opts.repeat };
  const rangeOverride = (values: number[] | undefined, names: string[]) =>
    values && Object.fromEntries(names.map((name, i) => [name, values[i]]).filter(([, v]) => v !== undefined));
  const plan = selection.flatMap(({ entry, names }) => names.map((name) => {
    const components = Object.keys(entry.benchmarks[name].components ?? {});
    const run = { steps: opts.steps, repeat: opts.repeat, low: rangeOverride(opts.low, components), high: rangeOverride(opts.high, components) };
    return { entry, name, run, runs: points(entry.benchmarks[name], run).length * opts.repeat * opts.externalRepeat };
  }));
  const bar = progress('benchmark pallet', plan.reduce((n, p) => n + p.runs, 0), 'runs');
  // Each external repeat runs the whole selection, so that a benchmark's samples come from the
  // whole run: a host's speed can drift for minutes, and one benchmark run in one slow minute
  // came out twice another's.
  const collected: BenchmarkResult[] = [];
  const started = Date.now();
  let done = 0;
  try {
    for (let round = 1; round <= opts.externalRepeat; round++) {
      plan.forEach(({ entry, name, run }, i) => {
        const result = runner.run(entry, name, run, () => bar.update(++done));
        const before: BenchmarkResult | undefined = collected[i];
        collected[i] = before ? { ...before, samples: [...before.samples, ...result.samples] } : result;
        const which = opts.externalRepeat > 1 ? ` (external repeat ${round}/${opts.externalRepeat})` : '';
        bar.update(done, `${entry.pallet.name}.${name} done${which}`);
      });
    }
    bar.finish();
  } finally {
    bar.stop();
  }
  const results = plan.map(({ entry, name }, i) => ({
    entry, weights: { result: collected[i], analysis: analyse(collected[i]), ranges: entry.benchmarks[name].components ?? {} },
  }));
  for (const { weights: { result, analysis } } of results) for (const line of describe(result, analysis, opts.steps, opts.repeat)) console.log(line);
  console.log(`${results.length} benchmarks in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (opts.jsonFile) {
    write(opts.jsonFile, JSON.stringify(results.map(({ weights: { result, analysis } }) => ({ ...result, analysis })), null, 2));
  }
  if (opts.output) {
    for (const { entry } of selection) {
      const own = results.filter((r) => r.entry === entry).map((r) => r.weights);
      const path = weightsPath(opts.output, entry.dir, selection.length === 1);
      write(path, palletWeightsFile(entry.pallet.name, entry.weightsName, own, provenance));
      console.log(`wrote ${path}`);
    }
  }
  if (opts.plot) {
    for (const { weights: { result, analysis } } of results) {
      const path = join(opts.plot, `${result.pallet}_${result.name}.svg`);
      write(path, await plotSvg(result, analysis));
    }
    console.log(`wrote ${results.length} plots to ${opts.plot}`);
  }
}

const refTime = (ns: number) => bigintLiteral(BigInt(Math.ceil(ns * 1000)));

/** Substrate's WeightParams on `command`: which statistic of the samples becomes the weight, scaled and offset. */
function withWeightParams(command: Command): Command {
  /** A finite number `accept` takes, or `refusal` as the error. */
  const number = (accept: (n: number) => boolean, refusal: string) => (value: string): number => {
    const n = Number(value);
    if (!(Number.isFinite(n) && accept(n))) throw new InvalidArgumentError(refusal);
    return n;
  };
  return command
    .addOption(new Option('--metric <metric>', 'the statistic of the samples each weight takes').choices(STAT_SELECTS).default('average'))
    .option('--mul <factor>', 'multiply each weight by this factor (before --add)', number((n) => n > 0, '--mul must be a positive number'), 1)
    .option('--add <ns>', 'add this many nanoseconds to each weight', number((n) => n >= 0, '--add must be a non-negative number of nanoseconds'), 0);
}

export function registerBenchmarkCommand(program: Command): void {
  const benchmark = program.command('benchmark').description('Measure weights: pallet calls and hooks, block and extrinsic overhead, database costs.');

  benchmark.command('pallet')
    .description('Benchmark pallets\' calls and hooks on the dev chain; print the analysis and write weights.ts files.')
    .option('--pallet <name>', 'a pallet name, a comma list, or * for all', '*')
    .option('--extrinsic <name>', 'a benchmark (call or hook) name, a comma list, or * for all', '*')
    .option('--steps <n>', 'points per component sweep', positive('--steps'), 50)
    .option('--repeat <n>', 'runs per point', positive('--repeat'), 20)
    .option('--external-repeat <n>', 'times the whole selection runs, one after another (each with --repeat runs per point)', positive('--external-repeat'), 1)
    .option('--low <values>', 'low ends of the components, in declaration order (comma separated)', integers('--low'))
    .option('--high <values>', 'high ends of the components, in declaration order (comma separated)', integers('--high'))
    .option('--output <path>', 'write weights: a directory (<dir>/<pallet dir>/weights.ts; . writes them in place) or one file')
    .option('--json-file <file>', 'write every run and the analysis as JSON')
    .option('--plot <dir>', 'write one SVG per benchmark: the runs and the fitted line of each component')
    .option('--chain <chain>', 'dev, or a chain spec file', 'dev')
    .action((opts: PalletOptions) => benchmarkPallet(opts, process.argv.slice(2)));

  withWeightParams(benchmark.command('overhead'))
    .description('Measure the empty block\'s execution, the extrinsic base and each signature scheme\'s check; write overhead.ts.')
    .option('--repeat <n>', 'blocks measured', positive('--repeat'), 50)
    .option('--output <dir>', 'where overhead.ts goes', 'runtime/weights')
    .option('--chain <chain>', 'dev, or a chain spec file', 'dev')
    .action(async (opts: WeightParams & { repeat: number; output: string; chain: string }) => {
      await initCrypto();
      const chain = new Chain(loadChainSpec(opts.chain));
      const bar = progress('benchmark overhead', opts.repeat + 1, 'steps');
      let done = 0;
      let overhead: Overhead;
      try {
        overhead = await measureOverhead(chain, opts.repeat, 100, () => bar.update(++done));
        bar.finish();
      } finally {
        bar.stop();
      }
      const all: [string, number[]][] = [['block execution', overhead.block], ['extrinsic base', overhead.extrinsic],
        ...SCHEMES.map((s): [string, number[]] => [`${s} signature check`, overhead.signatures[s]]), ['extrinsic bytes, per KiB', overhead.bytes.map((ns) => ns * 1024)]];
      for (const [name, samples] of all) console.log(statsLine(name, stats(samples)).slice(5));
      const path = join(opts.output, 'overhead.ts');
      write(path, [
        '// Block and extrinsic overhead weights, generated by `slicechain benchmark overhead`: do not edit,',
        '// regenerate. The samples are wall-clock times (garbage collection included, as blocks pay it), each',
        '// block written to a database as the node writes it.',
        '// A signed extrinsic pays the base plus its own scheme\'s signature check: ecdsa costs about ten',
        '// times sr25519, and charging every signer the worst scheme would overprice most transactions.',
        ...provenanceHeader({ command: commandLine(process.argv.slice(2)), date: new Date().toISOString(), repeat: opts.repeat }),
        weightParamsLine(opts),
        '// Statistics (execution time):',
        ...all.map(([name, samples]) => statsLine(name, stats(samples))),
        "import type { Weight } from '../../primitives/types.ts';",
        '',
        '/** An empty block: initialize, the timestamp inherent, finalize, state root, and writing it. */',
        `export const BLOCK_EXECUTION_WEIGHT: Weight = { ref_time: ${refTime(weightOf(overhead.block, opts))}, proof_size: 0n };`,
        '/** A no-op extrinsic through validation and application, its signature check aside. */',
        `export const EXTRINSIC_BASE_WEIGHT: Weight = { ref_time: ${refTime(weightOf(overhead.extrinsic, opts))}, proof_size: 0n };`,
        '/** Verifying one signature, by scheme: added to each signed extrinsic\'s weight. */',
        'export const SIGNATURE_CHECK_WEIGHTS: Readonly<Record<\'Sr25519\' | \'Ed25519\' | \'Ecdsa\', Weight>> = {',
        ...SCHEMES.map((s) => `  ${s}: { ref_time: ${refTime(weightOf(overhead.signatures[s], opts))}, proof_size: 0n },`),
        '};',
        '/** Each byte of an extrinsic (decoded, hashed for its signature and the extrinsics root): added to its weight. */',
        `export const EXTRINSIC_BYTE_WEIGHT: Weight = { ref_time: ${refTime(weightOf(overhead.bytes, opts))}, proof_size: 0n };`,
        '',
      ].join('\n'));
      console.log(`wrote ${path}`);
    });

  withWeightParams(benchmark.command('storage'))
    .description('Measure a database read and write through the node\'s store; write db.ts (the runtime\'s DbWeight).')
    .option('--entries <n>', 'state entries in the measured store', positive('--entries'), 100_000)
    .option('--batches <n>', 'batches of 1000 keys read and written', positive('--batches'), 20)
    .option('--output <dir>', 'where db.ts goes', 'frame/weights')
    .action(async (opts: WeightParams & { entries: number; batches: number; output: string }) => {
      const costs = await measureDatabase(opts.entries, opts.batches);
      console.log(statsLine('read', stats(costs.read)).slice(5));
      console.log(statsLine('write', stats(costs.write)).slice(5));
      const path = join(opts.output, 'db.ts');
      write(path, [
        '// The database weights (as frame_support\'s RocksDbWeight; the runtime\'s System DbWeight), generated',
        '// by `slicechain benchmark storage`: do not edit,',
        '// regenerate. A read is a value looked up in the node\'s state backend (the trie its LevelDB state',
        '// is loaded into); a write is a key set in the trie, its share of the state root and of the block\'s',
        '// atomic LevelDB batch, with the history record the batch also holds (the change and its undo entry).',
        `// Measured on a store of ${opts.entries} entries; the samples are wall-clock times.`,
        ...provenanceHeader({ command: commandLine(process.argv.slice(2)), date: new Date().toISOString() }),
        weightParamsLine(opts),
        statsLine('read', stats(costs.read)),
        statsLine('write', stats(costs.write)),
        "import type { Weight } from '../../primitives/types.ts';",
        '',
        `export const DB_WEIGHT = { read: ${refTime(weightOf(costs.read, opts))}, write: ${refTime(weightOf(costs.write, opts))} } as const;`,
        '',
        '/** A generated weight: execution time and proof size, plus `reads` and `writes` at DB_WEIGHT. */',
        'export const benchmarked = (refTime: bigint, proofSize: bigint, reads: bigint, writes: bigint): Weight =>',
        '  ({ ref_time: refTime + reads * DB_WEIGHT.read + writes * DB_WEIGHT.write, proof_size: proofSize });',
        '',
      ].join('\n'));
      console.log(`wrote ${path}`);
    });

  benchmark.command('check')
    .description('Fill blocks with each call at its worst case and with remarks per signature scheme; print execution time over declared weight.')
    .option('--pallet <name>', 'a pallet name, a comma list, or * for all (the remark and transfer blocks run with * only)', '*')
    .option('--extrinsic <name>', 'a call name, a comma list, or * for all', '*')
    .option('--max-per-block <n>', 'the most worst cases of one call in its block (fewer when the block is full first)', positive('--max-per-block'), 400)
    .option('--rounds <n>', 'times the whole list is measured, one round after another; each row reports its median round and its ratio in each', positive('--rounds'), 1)
    .option('--chain <chain>', 'dev, or a chain spec file', 'dev')
    .action(async (opts: { pallet: string; extrinsic: string; maxPerBlock: number; rounds: number; chain: string }) => {
      await initCrypto();
      const selection = await selectBenchmarks(runtime, opts.pallet, opts.extrinsic);
      const note = (row?: { name: string }) => { if (row) process.stderr.write(`check: ${row.name} measured\n`); };
      const check = { selection, whole: opts.pallet === '*' && opts.extrinsic === '*', maxPerBlock: opts.maxPerBlock, rounds: opts.rounds };
      for (const line of await runCheck(loadChainSpec(opts.chain), check, note)) console.log(line);
    });
}
