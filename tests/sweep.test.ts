// `sweep` as a user runs it: a 2 x 2 sweep over 2 seeds on worker threads gives, run for run, the
// head hashes and metrics of the same simulations done one by one (here, in this process, with the
// spec edited by hand); a pool of threads kept warm across sweeps gives the same runs; the shards
// of `--shard i/n` put together by `sweep-merge` equal the unsharded sweep; a bad parameter is
// refused by name before any run starts.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { u8aToHex } from '@polkadot/util';
import { loadChainSpec, type ChainSpec } from '../genesis/spec.ts';
import { Chain } from '../node/chain.ts';
import { devPairs } from '../node/keys.ts';
import { FigureCollector } from '../node/report/figures.ts';
import { SweepPool, outcomeMetrics, type SweepResult } from '../node/report/sweep.ts';
import { simulate } from '../node/simulate.ts';
import { DEFAULT_PROFILE, loadProfile, profileWorkloads } from '../node/workloads/profiles.ts';
import { MinNoticeBlocks } from '../pallets/services/storage.ts';
import { PriceBand } from '../pallets/slice-marketplace/storage.ts';
import { itWithBrowser, openChartPage } from './browser.ts';
import { json, slicechain } from './slicechain-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'slicechain-sweep-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const BLOCKS = 3;
const NOTICE = [0, 600];
const BAND_MAX = [500_000, 2_000_000];
const SWEEP = ['sweep', '--param', `services.minNoticeBlocks=${NOTICE.join(',')}`, '--param', `sliceMarketplace.priceBand.max=${BAND_MAX.join(',')}`,
  '--seeds', '1..2', '--blocks', String(BLOCKS), '--profile', 'balanced'];
const read = (file: string): SweepResult => JSON.parse(readFileSync(file, 'utf8'));

describe('sweep', () => {
  let whole: SweepResult;
  let merged: SweepResult;

  beforeAll(async () => {
    const [, shard1, shard2] = [join(dir, 'whole.json'), join(dir, 'shard-1.json'), join(dir, 'shard-2.json')];
    const [wholeAnswer] = await Promise.all([
      json(...SWEEP, '--workers', '2', '--out', join(dir, 'whole.json')),
      json(...SWEEP, '--workers', '1', '--shard', '1/2', '--out', shard1),
      json(...SWEEP, '--workers', '1', '--shard', '2/2', '--out', shard2),
    ]);
    whole = wholeAnswer;
    expect(read(join(dir, 'whole.json'))).toEqual(whole);
    expect(read(shard1).runs).toHaveLength(4);
    merged = await json('sweep-merge', shard1, shard2, '--report', join(dir, 'merged.html'));
  });

  it('runs every combination over every seed, each equal to the same simulation done alone', () => {
    expect(whole.runs).toHaveLength(8);
    const dev = loadChainSpec('dev');
    for (const notice of NOTICE) {
      for (const max of BAND_MAX) {
        for (const seed of [1, 2]) {
          const spec = structuredClone(dev) as ChainSpec & { genesis: { runtimeGenesis: { patch: Record<string, Record<string, unknown>> } } };
          const { services, sliceMarketplace } = spec.genesis.runtimeGenesis.patch;
          services.minNoticeBlocks = notice;
          sliceMarketplace.priceBand = { ...(sliceMarketplace.priceBand as object), max };
          const chain = new Chain(spec);
          expect(chain.read(() => [MinNoticeBlocks.get(), PriceBand.get().max])).toEqual([notice, BigInt(max)]);
          const collector = new FigureCollector(chain);
          simulate(chain, { blocks: BLOCKS, seed, workloads: profileWorkloads(DEFAULT_PROFILE), accounts: devPairs(), onBlock: (n, o) => collector.noteRefused(n, o.refused) });
          const run = whole.runs.find((r) => r.seed === seed && r.combination['services.minNoticeBlocks'] === notice && r.combination['sliceMarketplace.priceBand.max'] === max);
          expect(run).toEqual({
            index: expect.any(Number), seed, combination: { 'services.minNoticeBlocks': notice, 'sliceMarketplace.priceBand.max': max },
            head: chain.head.hash, stateRoot: u8aToHex(chain.state.root()), metrics: outcomeMetrics(collector.figures({ seed, profile: 'balanced' })),
          });
        }
      }
    }
    expect(new Set(whole.runs.map((r) => r.head)).size).toBe(8);
  });

  it('gives the same runs on a pool kept warm from one sweep to the next (another sweep in between)', async () => {
    const pool = new SweepPool(2);
    try {
      const [spec, profile] = [loadChainSpec('dev'), loadProfile('balanced')];
      const other = { ...whole.definition, params: [{ path: 'services.minNoticeBlocks', values: [7] }], seeds: [1] };
      expect((await pool.sweep(spec, profile, whole.definition)).runs).toEqual(whole.runs);
      const between = await pool.sweep(spec, profile, other);
      expect(between.runs.map((r) => r.combination)).toEqual([{ 'services.minNoticeBlocks': 7 }]);
      expect(whole.runs.map((r) => r.head)).not.toContain(between.runs[0].head);
      expect((await pool.sweep(spec, profile, whole.definition, { shard: { index: 2, count: 2 } })).runs).toEqual(whole.runs.filter((r) => r.index % 2 === 1));
    } finally {
      await pool.close();
    }
  });

  it('merges --shard 1/2 and 2/2 into what the unsharded sweep gives', () => {
    expect(merged).toEqual(whole);
    expect(read(join(dir, 'merged.json'))).toEqual(whole);
  });

  itWithBrowser('draws a box plot per metric over the seeds of each combination', async () => {
    const { charts, problems } = await openChartPage(join(dir, 'merged.html'));
    expect(charts.map((c) => c.id)).toEqual(Object.keys(whole.runs[0].metrics).map((metric) => `metric-${metric}`));
    for (const chart of charts) expect({ ...chart, marks: chart.marks > 0 }).toEqual({ id: chart.id, svg: true, marks: true });
    expect(problems).toEqual([]);
  });

  it('refuses a shard set with a run missing, and a parameter the genesis config does not have', async () => {
    const missing = await slicechain('sweep-merge', join(dir, 'shard-1.json'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/4 of 8 runs are missing/);
    const bad = await slicechain('sweep', '--param', 'services.noSuchField=1,2', '--blocks', '1', '--seeds', '1');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/services\.noSuchField/);
  });
});
