// Over 400 lines: one commander program, a verb each with its options and its action; the
// verbs' work lives in their own modules (simulate, blockfile, report, benchmark/cli, ...).
// The slicechain command line, in a Substrate node's vocabulary: build-spec, simulate,
// import-blocks, export-blocks, export-state, purge-chain, node; simulation reports and policy
// sweeps (simulate --report, report, sweep, sweep-merge); and the Services runtime API
// from the command line (services-quote, services-operator). Every verb that reports takes --json.
import { availableParallelism } from 'node:os';
import { closeSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { u8aToHex } from '@polkadot/util';
import { Command, InvalidArgumentError } from 'commander';
import { VERSION } from '../runtime/runtime.ts';
import { loadChainSpec, toRawSpec, type ChainSpec } from '../genesis/spec.ts';
import { initCrypto } from '../primitives/crypto.ts';
import { Chain } from './chain.ts';
import { ChainDatabase, DatabaseDamaged, openChain, purgeChain, databasePath } from './database.ts';
import { BlockFileError, countBlockLines, encodeBlockLine, readBlockFile, writeBlockFile } from './blockfile.ts';
import { blockHash } from '../frame/block.ts';
import { SHORT_IMPORT_CHECKS, SignaturePool, spareCores } from './signature-pool.ts';
import { progress } from './progress.ts';
import { devPairs } from './keys.ts';
import { simulation, type SimulationReport } from './simulate.ts';
import { DEFAULT_PROFILE, PROFILES, loadProfile, profileWorkloads } from './workloads/profiles.ts';
import { FigureCollector } from './report/figures.ts';
import { writeReport } from './report/report.ts';
import { writeSweepReport } from './report/sweep-report.ts';
import {
  SweepError, mergeSweeps, parseParam, parseSeeds, parseShard, plannedRuns, runSweep, type SweepParam, type SweepResult,
} from './report/sweep.ts';
import { registerNodeCommand } from './node.ts';
import { registerBenchmarkCommand } from './benchmark/cli.ts';
import { syncGridNodes } from './grid-nodes.ts';
import { toAccount } from '../frame/genesis-json.ts';
import { BLOCKS_PER_HOUR } from '../frame/units.ts';
import type { OperatorInfo, Price, Quote } from '../pallets/services/types.ts';

const integer = (name: string) => (value: string): number => {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a non-negative integer`);
  return n;
};

/** Prints a human summary, or one JSON object with --json. */
function report(json: boolean, summary: Record<string, unknown>, human: string[]): void {
  if (json) console.log(JSON.stringify(summary, (_, v) => (typeof v === 'bigint' ? v.toString() : v), 2));
  else for (const line of human) console.log(line);
}

const headSummary = (chain: Chain) => ({ head: chain.head.hash, number: chain.head.number, state_root: u8aToHex(chain.state.root()) });

/**
 * The chain kept at --base-path (its blocks in the database), or a chain in memory that keeps no
 * blocks (the verbs read, import or write them as files, never back from the chain).
 */
async function open(spec: ChainSpec, basePath: string | undefined): Promise<{ chain: Chain; db?: ChainDatabase }> {
  return basePath ? openChain(spec, basePath) : { chain: new Chain(spec, { blocks: 'none' }) };
}

/**
 * Imports `file` into `chain`, stopping at the first bad block; signatures are verified on the
 * other cores. Blocks the chain already has are skipped (as Substrate's import-blocks does); a
 * different block at a number the chain has is refused, naming both. Returns how many were skipped.
 * Shows the progress under `label`.
 */
async function importFile(chain: Chain, file: string, label: string, until?: number): Promise<number> {
  const lines = await countBlockLines(file);
  const bar = progress(label, until === undefined ? lines : Math.min(lines, until), 'blocks');
  let read = 0;
  // This thread executes the blocks: the workers take the remaining cores, once the import is not a short one.
  const pool = new SignaturePool({ workers: spareCores(), startAfter: SHORT_IMPORT_CHECKS });
  const known = chain.head.number;
  let skipped = 0;
  async function* upTo() {
    for await (const { line, block } of readBlockFile(file)) {
      const { number } = block.header;
      if (until !== undefined && number > until) return;
      bar.update(++read);
      if (number <= known) {
        const hash = blockHash(block.header);
        if (chain.hashAt(number) !== hash) throw new BlockFileError(line, `block #${number} ${hash} is not the block #${number} ${chain.hashAt(number)} already in the database`);
        skipped++;
        continue;
      }
      yield block;
    }
  }
  try {
    await chain.importAll(upTo(), pool);
    bar.finish();
  } finally {
    bar.stop();
    await pool.close();
  }
  return skipped;
}

/** A sweep's results: to --out, to a --report page, and a summary (or all of it with --json). */
function writeSweep(result: SweepResult, opts: { out?: string; report?: string; json?: boolean }): void {
  if (opts.out) writeFileSync(opts.out, `${JSON.stringify(result, null, 2)}\n`);
  const beside = opts.report && writeSweepReport(opts.report, result);
  if (opts.json) return report(true, result as unknown as Record<string, unknown>, []);
  const shard = result.shard ? ` (shard ${result.shard.index}/${result.shard.count})` : '';
  report(false, {}, [
    `${result.runs.length} run(s) of ${result.definition.blocks} blocks${shard}`,
    ...result.runs.map((run) => `#${run.index} seed ${run.seed} ${JSON.stringify(run.combination)}: head ${run.head}, utilisation ${(run.metrics.utilisation * 100).toFixed(2)}%, rentals ${run.metrics.rentalsStarted}`),
    ...(opts.out ? [`results: ${opts.out}`] : []),
    ...(opts.report ? [`report: ${opts.report} (results: ${beside})`] : []),
  ]);
}

/** `slicechain 0.1.0 (runtime slicechain-100)`: the package's version and the runtime's spec, as a Substrate node prints both. */
function versionLine(): string {
  const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return `slicechain ${version} (runtime ${VERSION.spec_name}-${VERSION.spec_version})`;
}

export function buildProgram(): Command {
  const program = new Command('slicechain')
    .description('A Substrate-style blockchain runtime in TypeScript: services pricing and a compute slice marketplace.')
    .showHelpAfterError()
    .version(versionLine(), '-V, --version', 'print the node\'s and its runtime\'s versions')
    // The root's own options (the dev node's --chain) must not swallow a verb's options of the same name.
    .enablePositionalOptions()
    .configureOutput({ outputError: (text, write) => write(text) });

  program.command('build-spec')
    .description('Print the chain specification (as JSON); --raw gives the genesis as raw storage, as Substrate\'s raw spec.')
    .option('--chain <chain>', 'dev, or a chain spec file', 'dev')
    .option('--raw', 'print genesis.raw.top (hex key -> hex value) instead of the genesis config')
    .action((opts: { chain: string; raw?: boolean }) => {
      const spec = loadChainSpec(opts.chain);
      // Building the genesis validates every section, so a bad spec is refused with or without --raw.
      const { state } = new Chain(spec);
      const out = opts.raw ? toRawSpec(spec, state) : spec;
      console.log(JSON.stringify(out, null, 2));
    });

  program.command('simulate')
    .description('Author blocks of a deterministic pseudo-random workload of signed extrinsics and write them to a block file.')
    .option('--chain <chain>', 'dev, or a chain spec file', 'dev')
    .option('--blocks <n>', 'number of blocks to author', integer('--blocks'), 20)
    .option('--seed <n>', 'seed of the workload', integer('--seed'), 1)
    .option('--out <file>', 'write the blocks (genesis excluded), one 0x-hex block per line')
    .option('--base-path <dir>', 'keep the chain in a database there (continues a chain already there)')
    .option('--profile <name|file>', `workload profile: ${Object.keys(PROFILES).join(', ')}, or a profile JSON file`, DEFAULT_PROFILE.name)
    .option('--report <file.html>', 'write a report page of the run there, and its figures as JSON beside it (.json)')
    .option('--json', 'print a machine-readable summary')
    .action(async (opts: { chain: string; blocks: number; seed: number; out?: string; basePath?: string; profile: string; report?: string; json?: boolean }) => {
      const spec = loadChainSpec(opts.chain);
      const profile = loadProfile(opts.profile);
      // The blocks go to the database (with --base-path) and to --out as they are made: simulate keeps none in memory.
      const { chain, db } = await open(spec, opts.basePath);
      const start = chain.head.number;
      const figures = opts.report ? new FigureCollector(chain) : undefined;
      const bar = progress('simulate', opts.blocks, 'blocks');
      let out: number | undefined;
      let result: SimulationReport;
      try {
        if (opts.out !== undefined) {
          const fd = out = openSync(opts.out, 'w');
          chain.listeners.push(({ block }) => writeSync(fd, `${encodeBlockLine(block)}\n`));
        }
        const run = simulation(chain, {
          blocks: opts.blocks, seed: opts.seed, workloads: profileWorkloads(profile), accounts: devPairs(),
          onBlock: (n, outcomes) => {
            figures?.noteRefused(n, outcomes.refused);
            bar.update(n - start);
          },
        });
        let step = run.next();
        for (; !step.done; step = run.next()) await db?.flush();
        result = step.value;
        bar.finish();
      } finally {
        bar.stop();
        if (out !== undefined) closeSync(out);
        await db?.close();
      }
      const figuresFile = figures && writeReport(opts.report as string, figures.figures({ seed: opts.seed, profile: profile.name }));
      const { extrinsics: x } = result;
      report(!!opts.json, { ...headSummary(chain), blocks: result.blocks, extrinsics: x, unexpected: result.unexpected, seconds: result.seconds, extrinsics_per_second: result.extrinsicsPerSecond, out: opts.out, profile: profile.name, report: opts.report, figures: figuresFile }, [
        `${result.blocks} blocks on ${spec.name} (seed ${opts.seed}, profile ${profile.name})${opts.out ? ` written to ${opts.out}` : ''}`,
        ...(opts.report ? [`report: ${opts.report} (figures: ${figuresFile})`] : []),
        `extrinsics: ${x.ok} ok, ${x.fail} failed (included, fee paid), ${x.refused} refused (left out)`,
        ...(result.unexpected.length ? [`${result.unexpected.length} outcome(s) differed from the workload's expectation, e.g. ${JSON.stringify(result.unexpected[0])}`] : []),
        `head #${chain.head.number} ${chain.head.hash}`,
        `state root ${result.stateRoot}`,
        `${result.extrinsicsPerSecond.toFixed(0)} extrinsics/s over ${result.seconds.toFixed(2)} s`,
      ]);
    });

  program.command('import-blocks')
    .description('Re-execute the blocks of FILE on a fresh state (or the chain at --base-path), checking every parent link, extrinsic and root; stop at the first bad block.')
    .argument('<file>', 'block file, one 0x-hex block per line')
    .option('--chain <chain>', 'dev, or a chain spec file', 'dev')
    .option('--base-path <dir>', 'import into the database there')
    .option('--json', 'print a machine-readable summary')
    .action(async (file: string, opts: { chain: string; basePath?: string; json?: boolean }) => {
      const { chain, db } = await open(loadChainSpec(opts.chain), opts.basePath);
      const start = chain.head.number;
      let skipped: number;
      try {
        skipped = await importFile(chain, file, 'import-blocks');
      } catch (error) {
        throw new Error(`${(error as Error).message} (imported ${chain.head.number - start} block(s) before it; head #${chain.head.number} ${chain.head.hash})`);
      } finally {
        await db?.close();
      }
      const imported = chain.head.number - start;
      report(!!opts.json, { ...headSummary(chain), imported, skipped }, [
        `imported ${imported} block(s)${skipped ? `, skipped ${skipped} already in the database` : ''}`, `head #${chain.head.number} ${chain.head.hash}`,
      ]);
    });

  program.command('report')
    .description('Re-execute the blocks of FILE and write a report page of them (charts of their events and state), with its figures as JSON beside it.')
    .argument('<file>', 'block file, one 0x-hex block per line')
    .option('--chain <chain>', 'dev, or the chain spec the blocks were made on', 'dev')
    .option('--out <file.html>', 'the report page (the figures go to the same name with .json)', 'report.html')
    .option('--json', 'print a machine-readable summary')
    .action(async (file: string, opts: { chain: string; out: string; json?: boolean }) => {
      const chain = new Chain(loadChainSpec(opts.chain), { blocks: 'none' });
      const figures = new FigureCollector(chain);
      await importFile(chain, file, 'report');
      const figuresFile = writeReport(opts.out, figures.figures({ seed: null, profile: null }));
      report(!!opts.json, { ...headSummary(chain), blocks: chain.head.number, report: opts.out, figures: figuresFile }, [
        `${chain.head.number} block(s) re-executed; report: ${opts.out} (figures: ${figuresFile})`,
        `head #${chain.head.number} ${chain.head.hash}`,
      ]);
    });

  program.command('sweep')
    .description('Simulate every combination of genesis parameters over a range of seeds, on worker threads, and compare outcome metrics.')
    .option('--param <path=values>', 'a genesis config field and its values, e.g. services.minNoticeBlocks=0,600,14400 (repeatable)',
      (text: string, params: SweepParam[]) => [...params, parseParam(text)], [])
    .option('--seeds <seeds>', 'seeds of each combination: 1..20, or 1,5,9', '1..3')
    .option('--blocks <n>', 'blocks a run', integer('--blocks'), 20)
    .option('--profile <name|file>', 'workload profile (see simulate)', DEFAULT_PROFILE.name)
    .option('--chain <chain>', 'dev, or a chain spec file', 'dev')
    .option('--workers <n>', 'worker threads', integer('--workers'), availableParallelism())
    .option('--shard <i/n>', 'run only the i-th of n shards of the runs (merge the shards\' --out files with sweep-merge)')
    .option('--out <file.json>', 'write the results as JSON')
    .option('--report <file.html>', 'write a page of the metrics\' spread per combination, and the results JSON beside it')
    .option('--json', 'print the results as JSON')
    .action(async (opts: { param: SweepParam[]; seeds: string; blocks: number; profile: string; chain: string; workers: number; shard?: string; out?: string; report?: string; json?: boolean }) => {
      const spec = loadChainSpec(opts.chain);
      const profile = loadProfile(opts.profile);
      const definition = { chain: opts.chain, profile: opts.profile, params: opts.param, seeds: parseSeeds(opts.seeds), blocks: opts.blocks };
      const shard = opts.shard ? parseShard(opts.shard) : null;
      const bar = progress('sweep', plannedRuns(definition, shard).length, 'runs');
      let result: SweepResult;
      try {
        result = await runSweep(spec, profile, definition, { workers: Math.max(1, opts.workers), shard, onRun: (done) => bar.update(done) });
        bar.finish();
      } finally {
        bar.stop();
      }
      writeSweep(result, opts);
    });

  program.command('sweep-merge')
    .description('Put the JSON results of a sweep\'s shards (sweep --shard i/n --out) back together, as one unsharded sweep gives them.')
    .argument('<files...>', 'the shards\' result files')
    .option('--out <file.json>', 'write the merged results as JSON')
    .option('--report <file.html>', 'write the sweep page, and the merged results JSON beside it')
    .option('--json', 'print the merged results as JSON')
    .action((files: string[], opts: { out?: string; report?: string; json?: boolean }) => {
      const parts = files.map((file): SweepResult => {
        try {
          return JSON.parse(readFileSync(file, 'utf8'));
        } catch (error) {
          throw new SweepError(`${file}: ${(error as Error).message}`);
        }
      });
      writeSweep(mergeSweeps(parts), opts);
    });

  program.command('export-blocks')
    .description('Write the blocks of the chain kept at --base-path, one 0x-hex block per line.')
    .argument('[output]', 'output file (standard output when absent)')
    .requiredOption('--base-path <dir>', 'where the chain is kept')
    .option('--chain <chain>', 'dev, or a chain spec file', 'dev')
    .option('--from <n>', 'first block', integer('--from'), 1)
    .option('--to <n>', 'last block (the head when absent)', integer('--to'))
    .action(async (output: string | undefined, opts: { chain: string; basePath: string; from: number; to?: number }) => {
      // Not openChain: a damaged database still gives the blocks before its damage (then exit 1).
      const spec = loadChainSpec(opts.chain);
      const path = databasePath(opts.basePath, spec);
      const db = await ChainDatabase.open(path);
      if (!db) throw new Error(`no chain at ${path}`);
      let damage: DatabaseDamaged | undefined;
      const last = Math.min(opts.to ?? db.headNumber, db.headNumber);
      const bar = progress('export-blocks', Math.max(0, last - opts.from + 1), 'blocks');
      async function* inRange() {
        try {
          for await (const { block } of db!.checkedBlocks({ number: 0, hash: new Chain(spec).genesisHash })) {
            const { number } = block.header;
            if (opts.to !== undefined && number > opts.to) return;
            if (number < opts.from) continue;
            yield block;
            bar.update(number - opts.from + 1);
          }
        } catch (error) {
          if (!(error instanceof DatabaseDamaged)) throw error;
          damage = error;
        }
      }
      let written: number;
      try {
        written = await writeBlockFile(output ?? process.stdout, inRange());
        if (!damage) bar.finish();
      } finally {
        bar.stop();
        await db.close();
      }
      if (damage) throw new Error(`exported ${written} block(s) before the damage: ${damage.message}`);
    });

  program.command('export-state')
    .description('Print a raw chain spec whose genesis.raw.top is the state at a block, as Substrate\'s export-state.')
    .option('--chain <chain>', 'dev, or a chain spec file', 'dev')
    .option('--blocks <file>', 'replay this block file first')
    .option('--base-path <dir>', 'or take the chain kept there')
    .option('--at <n>', 'the block (default: the head)', integer('--at'))
    .action(async (opts: { chain: string; blocks?: string; basePath?: string; at?: number }) => {
      const spec = loadChainSpec(opts.chain);
      if (opts.basePath && opts.at !== undefined) throw new Error('--at works with --blocks (replay); a --base-path chain exports its head');
      const { chain, db } = await open(spec, opts.basePath);
      try {
        if (opts.blocks) await importFile(chain, opts.blocks, 'export-state', opts.at);
      } finally {
        await db?.close();
      }
      if (opts.at !== undefined && chain.head.number !== opts.at) throw new Error(`block #${opts.at} is beyond the head #${chain.head.number}`);
      console.log(JSON.stringify(toRawSpec(spec, chain.state), null, 2));
    });

  const perHourAndBlock = (price: Price) => `${price.per_hour} micro-USD/h, ${price.per_block} micro-USD/block (+1 in ${price.per_block_remainder} of every ${BLOCKS_PER_HOUR} blocks)`;

  program.command('services-quote')
    .description('The Services runtime API `quote`: what resources cost at an operator (micro-USD), now and once its pending change applies.')
    .argument('<operator>', 'the operator\'s SS58 address or 0x-hex account id')
    .option('--vcpu <n>', 'vCPUs', integer('--vcpu'), 1)
    .option('--mem-mb <n>', 'MB of memory', integer('--mem-mb'), 1024)
    .option('--storage-gb <n>', 'GB of storage', integer('--storage-gb'), 10)
    .option('--storage-class <class>', 'Hdd, Ssd or Nvme', 'Ssd')
    .option('--chain <chain>', 'dev, or a chain spec file', 'dev')
    .option('--base-path <dir>', 'ask the chain kept there (its head)')
    .option('--json', 'print the quote as JSON')
    .action(async (who: string, opts: { vcpu: number; memMb: number; storageGb: number; storageClass: string; chain: string; basePath?: string; json?: boolean }) => {
      if (!['Hdd', 'Ssd', 'Nvme'].includes(opts.storageClass)) throw new InvalidArgumentError('--storage-class must be Hdd, Ssd or Nvme');
      const resources = { vcpu: opts.vcpu, mem_mb: opts.memMb, storage_gb: opts.storageGb, storage_class: { type: opts.storageClass as 'Hdd' } };
      const account = toAccount(who, '<operator>');
      const { chain, db } = await open(loadChainSpec(opts.chain), opts.basePath);
      await db?.close();
      const answer = chain.api<Quote | undefined>('ServicesApi_quote', [account, resources]);
      if (!answer) throw new Error(`${who} is not a registered operator, or the price does not fit a u64`);
      const after = answer.after_pending_change;
      report(!!opts.json, { now: answer.now, after_pending_change: after ? { price: after[0], effective_at: after[1] } : null }, [
        `now: ${perHourAndBlock(answer.now)}`,
        after ? `from block #${after[1]}: ${perHourAndBlock(after[0])}` : 'no pending price change',
      ]);
    });

  program.command('services-operator')
    .description('The Services runtime API `operator`: an operator\'s preferences, pending price change, services and pending requests.')
    .argument('<account>', 'SS58 address or 0x-hex account id')
    .option('--chain <chain>', 'dev, or a chain spec file', 'dev')
    .option('--base-path <dir>', 'ask the chain kept there (its head)')
    .action(async (who: string, opts: { chain: string; basePath?: string }) => {
      const account = toAccount(who, '<account>');
      const { chain, db } = await open(loadChainSpec(opts.chain), opts.basePath);
      await db?.close();
      const info = chain.api<OperatorInfo | undefined>('ServicesApi_operator', [account]);
      if (!info) throw new Error(`${who} is not a registered operator`);
      report(true, { ...info, pending_change: info.pending_change ?? null }, []);
    });

  program.command('grid-nodes')
    .description('Register (or update the capacity of) the signer\'s ThreeFold grid nodes from a saved gridproxy /nodes answer, through a running node (@polkadot/api).')
    .argument('<file>', 'a saved gridproxy /nodes response (a JSON array of node records)')
    .requiredOption('--farm <farmId>', 'the signer\'s gridproxy farmId: only its records are submitted', integer('--farm'))
    .requiredOption('--suri <suri>', 'the signer\'s secret URI (sr25519), e.g. //Charlie')
    .option('--url <url>', 'the node\'s JSON-RPC WebSocket', 'ws://127.0.0.1:9944')
    .option('--dry-run', 'print what it would do, submit nothing')
    .option('--json', 'print the plan (and outcomes) as JSON')
    .action(async (file: string, opts: { farm: number; suri: string; url: string; dryRun?: boolean; json?: boolean }) => {
      const plan = await syncGridNodes(file, { farm: BigInt(opts.farm), suri: opts.suri, url: opts.url, dryRun: !!opts.dryRun });
      report(!!opts.json, { dry_run: !!opts.dryRun, nodes: plan }, [
        ...plan.map(({ node, action, capacity, outcome }) =>
          `node ${node}: ${action} (${capacity.cpu_cores} vCPU, ${capacity.memory_gb} GB RAM, ${capacity.storage_gb} GB SSD free)${outcome ? `: ${outcome}` : ''}`),
        `${plan.length} node(s) of farm ${opts.farm}${opts.dryRun ? ' (dry run: nothing submitted)' : ''}`,
      ]);
      if (plan.some(({ outcome }) => outcome !== undefined && outcome !== 'ok')) process.exitCode = 1;
    });

  program.command('purge-chain')
    .description('Remove the database of the chain kept at --base-path.')
    .requiredOption('--base-path <dir>', 'where the chain is kept')
    .option('--chain <chain>', 'dev, or a chain spec file', 'dev')
    .option('-y, --yes', 'do not ask for confirmation')
    .action(async (opts: { chain: string; basePath: string; yes?: boolean }) => {
      const spec = loadChainSpec(opts.chain);
      const path = databasePath(opts.basePath, spec);
      if (!opts.yes) {
        const rl = createInterface({ input: process.stdin, output: process.stdout });
        const answer = await rl.question(`Are you sure to remove "${path}"? [y/N]: `);
        rl.close();
        if (!/^y(es)?$/i.test(answer.trim())) return console.log('Aborted');
      }
      console.log(purgeChain(spec, opts.basePath) ? `"${path}" removed.` : `"${path}" did not exist.`);
    });

  registerNodeCommand(program);
  registerBenchmarkCommand(program);
  return program;
}

export async function main(argv: readonly string[]): Promise<void> {
  await initCrypto();
  try {
    await buildProgram().parseAsync(argv, { from: 'user' });
  } catch (error) {
    console.error(`Error: ${(error as Error).message}`);
    process.exitCode = 1;
  }
}
