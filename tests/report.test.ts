// `simulate --report` as a user runs it: the page opens offline in headless Chromium and every
// chart draws marks, with no console error and no request leaving the file; the JSON figures equal
// an independent count over the block file's events, decoded with @polkadot/types from the
// runtime's metadata (not with the report's codec); `report <blocks>` says the same of the file.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Metadata, TypeRegistry } from '@polkadot/types';
import type { Vec } from '@polkadot/types';
import type { FrameSystemEventRecord } from '@polkadot/types/lookup';
import { hexToU8a, stringCamelCase, u8aToHex } from '@polkadot/util';
import { loadChainSpec } from '../genesis/spec.ts';
import { Chain } from '../node/chain.ts';
import { readBlockFile } from '../node/blockfile.ts';
import type { Figures } from '../node/report/figures.ts';
import { EVENTS_KEY } from '../frame/system/index.ts';
import { buildMetadata } from '../frame/metadata.ts';
import { RUNTIME_APIS, runtime } from '../runtime/runtime.ts';
import { itWithBrowser, openChartPage } from './browser.ts';
import { json } from './slicechain-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'slicechain-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const BLOCKS = 30;
const blocksFile = join(dir, 'run.blocks');
const page = join(dir, 'run.html');

/** What an independent reader counts in the block file: its events, through polkadot.js types. */
interface Counted {
  perBlock: { block: number; ok: number; failed: number; fees: bigint; started: number; cancelled: number; expired: number; servicesStarted: number; terminated: Record<string, number> }[];
  refusedRentals: Map<string, number>;
  calls: Map<string, number>;
  operatorIncome: bigint;
  head: string;
}

async function countEvents(): Promise<Counted> {
  const registry = new TypeRegistry();
  registry.setMetadata(new Metadata(registry, buildMetadata(runtime, RUNTIME_APIS, 14)));
  const chain = new Chain(loadChainSpec('dev'));
  const counted: Counted = { perBlock: [], refusedRentals: new Map(), calls: new Map(), operatorIncome: 0n, head: '' };
  const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
  for await (const { block } of readBlockFile(blocksFile)) {
    chain.import(block);
    const extrinsics = block.extrinsics.map((xt) => registry.createType('Extrinsic', xt));
    const raw = chain.state.get(EVENTS_KEY) as Uint8Array;
    const records = registry.createType<Vec<FrameSystemEventRecord>>('Vec<FrameSystemEventRecord>', raw);
    const row = { block: block.header.number, ok: 0, failed: 0, fees: 0n, started: 0, cancelled: 0, expired: 0, servicesStarted: 0, terminated: {} as Record<string, number> };
    for (const { phase, event } of records) {
      const xt = phase.isApplyExtrinsic ? extrinsics[phase.asApplyExtrinsic.toNumber()] : undefined;
      const name = `${event.section}.${event.method}`;
      if ((name === 'system.ExtrinsicSuccess' || name === 'system.ExtrinsicFailed') && xt?.isSigned) {
        const call = registry.findMetaCall(xt.callIndex);
        bump(counted.calls, `${call.section}.${call.method}`);
        if (name === 'system.ExtrinsicSuccess') row.ok++;
        else {
          row.failed++;
          if (call.section === 'sliceMarketplace' && call.method.startsWith('rentSlice')) {
            const error = event.data[0] as unknown as { asModule: Parameters<typeof registry.findMetaError>[0] };
            const meta = registry.findMetaError(error.asModule);
            bump(counted.refusedRentals, `${meta.section}.${meta.name}`);
          }
        }
      }
      if (name === 'transactionPayment.TransactionFeePaid') row.fees += BigInt(event.data[1].toString());
      if (name === 'sliceMarketplace.SlicesRented') row.started++;
      if (name === 'sliceMarketplace.RentalCancelled') row.cancelled++;
      if (name === 'sliceMarketplace.RentalExpired') row.expired++;
      if (name === 'services.ServiceInitiated') row.servicesStarted++;
      if (name === 'services.ServiceTerminated') {
        const reason = event.data[1].toString();
        row.terminated[reason] = (row.terminated[reason] ?? 0) + 1;
      }
      if (name === 'services.ServiceSettled') {
        for (const payment of event.data[2] as unknown as [unknown, { toString(): string }][]) counted.operatorIncome += BigInt(payment[1].toString());
      }
    }
    counted.perBlock.push(row);
  }
  counted.head = chain.head.hash;
  return counted;
}

/** The report names calls as the metadata does (Pallet.call_name); polkadot.js camel-cases both. */
const callKey = (name: string) => {
  const [pallet, call] = name.split('.');
  return `${stringCamelCase(pallet)}.${stringCamelCase(call)}`;
};
const sum = (values: Iterable<number>) => [...values].reduce((a, b) => a + b, 0);

describe('simulate --report', () => {
  let summary: { head: string; report: string; figures: string; extrinsics: { ok: number; fail: number; refused: number } };
  let figures: Figures;

  beforeAll(async () => {
    summary = await json('simulate', '--seed', '1', '--blocks', String(BLOCKS), '--out', blocksFile, '--report', page);
    figures = JSON.parse(readFileSync(summary.figures, 'utf8'));
  });

  itWithBrowser('opens offline in Chromium with every chart drawn from data and no console error', async () => {
    const { charts, problems, meta } = await openChartPage(page);
    expect(charts.map((c) => c.id)).toEqual(expect.arrayContaining(['slices', 'utilisation-country', 'utilisation-certification', 'rentals',
      'refused-rentals', 'price-distribution', 'price-over-time', 'farmer-income', 'renter-spend', 'price-targets', 'services',
      'operator-income', 'quotes', 'calls', 'outcomes', 'weight', 'fees']));
    for (const chart of charts) expect({ ...chart, marks: chart.marks > 0 }).toEqual({ id: chart.id, svg: true, marks: true });
    expect(meta).toContain(summary.head);
    expect(problems).toEqual([]);
  });

  it('has JSON figures equal to an independent count over the block file\'s events', async () => {
    const counted = await countEvents();
    const { meta } = figures;
    expect(meta).toMatchObject({ head: counted.head, headNumber: BLOCKS, blocks: BLOCKS, seed: 1, profile: 'balanced', firstBlock: 1 });
    expect(summary.head).toBe(counted.head);
    // Per block: outcomes and fees.
    expect(figures.chain.outcomes.map(({ block, ok, failed }) => ({ block, ok, failed })))
      .toEqual(counted.perBlock.map(({ block, ok, failed }) => ({ block, ok, failed })));
    expect(figures.chain.fees).toEqual(counted.perBlock.map(({ block, fees }) => ({ block, fees: fees.toString() })));
    expect(sum(figures.chain.outcomes.map((o) => o.refused as number))).toBe(summary.extrinsics.refused);
    expect(sum(figures.chain.outcomes.map((o) => o.ok))).toBe(summary.extrinsics.ok);
    // Per window: rentals and services.
    const windowOf = (block: number) => meta.firstBlock + Math.floor((block - meta.firstBlock) / meta.window) * meta.window;
    const perWindow = <T extends object>(make: () => T, fill: (row: T, b: Counted['perBlock'][number]) => void) => {
      const rows = new Map<number, T>();
      for (const b of counted.perBlock) {
        const row = rows.get(windowOf(b.block)) ?? make();
        fill(row, b);
        rows.set(windowOf(b.block), row);
      }
      return [...rows].map(([window, row]) => ({ window, ...row }));
    };
    expect(figures.marketplace.rentals).toEqual(perWindow(() => ({ started: 0, cancelled: 0, expired: 0 }), (row, b) => {
      row.started += b.started;
      row.cancelled += b.cancelled;
      row.expired += b.expired;
    }));
    expect(figures.services.services).toEqual(perWindow(() => ({ started: 0, byOwner: 0, expired: 0, outOfFunds: 0 }), (row, b) => {
      row.started += b.servicesStarted;
      row.byOwner += b.terminated.ByOwner ?? 0;
      row.expired += b.terminated.Expired ?? 0;
      row.outOfFunds += b.terminated.OutOfFunds ?? 0;
    }));
    // Totals: refused rentals by error, calls by pallet and call, operator income.
    expect(new Map(figures.marketplace.refusedRentals.map(({ error, count }) => [callKey(error), count])))
      .toEqual(new Map([...counted.refusedRentals].map(([error, count]) => [callKey(error), count])));
    const calls = new Map<string, number>();
    for (const { call, count } of figures.chain.calls) calls.set(callKey(call), (calls.get(callKey(call)) ?? 0) + count);
    expect(calls).toEqual(counted.calls);
    expect(sum(figures.services.operatorIncome.map((o) => Number(o.income)))).toBe(Number(counted.operatorIncome));
    expect(counted.operatorIncome).toBeGreaterThan(0n);
    expect(sum(counted.perBlock.map((b) => b.started))).toBeGreaterThan(0);
  });

  it('`report <blocks>` re-executes the file to the same figures (refusals are not in a block file)', async () => {
    const again = join(dir, 'again.html');
    const answer = await json('report', blocksFile, '--out', again);
    expect(answer.head).toBe(summary.head);
    const fromFile: Figures = JSON.parse(readFileSync(answer.figures, 'utf8'));
    const { meta, chain, ...rest } = figures;
    expect(fromFile.meta).toEqual({ ...meta, seed: null, profile: null });
    expect(fromFile.chain).toEqual({ ...chain, outcomes: chain.outcomes.map((o) => ({ ...o, refused: null })) });
    expect({ marketplace: fromFile.marketplace, services: fromFile.services }).toEqual(rest);
    expect(readFileSync(again, 'utf8')).toContain(u8aToHex(hexToU8a(summary.head)));
  });
});
