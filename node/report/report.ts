// `simulate --report` and `report`: the report page of one run (marketplace, services, chain) and
// the JSON file of the same figures beside it.
import type { Figures } from './figures.ts';
import { chartPage, escapeHtml, writePageAndJson, type Chart, type Section } from './html.ts';

const WIDTH = 440;
const HEIGHT = 200;
/** Planck strings to SLICE (12 decimals), for axes. */
const toSlice = (field: string) => ({ calculate: `toNumber(datum.${field}) / 1e12`, as: field });

const chart = (id: string, title: string, note: string, spec: Record<string, unknown>): Chart =>
  ({ id, title, note, spec: { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', width: WIDTH, height: HEIGHT, ...spec } });

/** Counts per window as grouped bars, one colour per field. */
const windowBars = (rows: readonly object[], fields: string[], what: string) => ({
  data: { values: rows },
  transform: [{ fold: fields, as: ['kind', 'count'] }],
  mark: { type: 'bar', tooltip: true },
  encoding: {
    x: { field: 'window', type: 'ordinal', title: 'window (first block)' },
    xOffset: { field: 'kind', sort: fields },
    y: { field: 'count', type: 'quantitative', title: what },
    color: { field: 'kind', type: 'nominal', sort: fields, title: null },
  },
});

const horizontalBars = (rows: readonly object[], category: string, value: string, title: string, transform: object[] = []) => ({
  height: { step: 18 },
  data: { values: rows },
  transform,
  mark: { type: 'bar', tooltip: true },
  encoding: {
    y: { field: category, type: 'nominal', sort: '-x', title: null },
    x: { field: value, type: 'quantitative', title },
  },
});

function marketplaceCharts(f: Figures['marketplace'], window: number): Chart[] {
  const utilisation = (rows: Figures['marketplace']['utilisationByCountry']) => ({
    ...horizontalBars(rows, 'group', 'utilisation', 'rented / all slices'),
    encoding: {
      y: { field: 'group', type: 'nominal', sort: '-x', title: null },
      x: { field: 'utilisation', type: 'quantitative', axis: { format: '%' }, title: 'rented / all slices' },
      tooltip: [{ field: 'group' }, { field: 'rented' }, { field: 'total' }, { field: 'utilisation', format: '.1%' }],
    },
  });
  return [
    chart('slices', 'Slices: total, rented and free', 'Summed over SliceMarketplace.Nodes at each block.', {
      data: { values: f.slices },
      transform: [{ fold: ['total', 'rented', 'free'], as: ['kind', 'slices'] }],
      mark: { type: 'line', tooltip: true },
      encoding: { x: { field: 'block', type: 'quantitative' }, y: { field: 'slices', type: 'quantitative' }, color: { field: 'kind', title: null } },
    }),
    chart('utilisation-country', 'Utilisation per country (head)', 'Rented share of each country\'s slices at the head block.', utilisation(f.utilisationByCountry)),
    chart('utilisation-certification', 'Utilisation per certification (head)', 'Rented share of Diy and Certified nodes\' slices at the head block.', utilisation(f.utilisationByCertification)),
    chart('rentals', `Rentals started, cancelled, expired per ${window} blocks`, 'SlicesRented, RentalCancelled and RentalExpired events.',
      windowBars(f.rentals, ['started', 'cancelled', 'expired'], 'rentals')),
    chart('refused-rentals', 'Refused rentals by error', 'rent_slice / rent_slices extrinsics that failed, by their DispatchError.',
      horizontalBars(f.refusedRentals, 'error', 'count', 'failed rental calls')),
    chart('price-distribution', 'Slice price per node (head)', 'Distribution of the nodes\' slice_price_per_hour at the head block.', {
      data: { values: f.slicePrices },
      mark: { type: 'bar', tooltip: true },
      encoding: { x: { field: 'price', type: 'quantitative', bin: { maxbins: 30 }, title: 'micro-USD per slice-hour' }, y: { aggregate: 'count', title: 'nodes' } },
    }),
    chart('price-over-time', 'Slice price over time', 'Median node price with the 10th-90th percentile band, and the extremes (dashed), on a log scale.', {
      data: { values: f.slicePriceOverTime },
      encoding: { x: { field: 'block', type: 'quantitative' } },
      layer: [
        { mark: { type: 'area', opacity: 0.3 }, encoding: { y: { field: 'p10', type: 'quantitative', scale: { type: 'log' }, title: 'micro-USD per slice-hour (log)' }, y2: { field: 'p90' } } },
        { mark: { type: 'line', tooltip: true }, encoding: { y: { field: 'median', type: 'quantitative' } } },
        { mark: { type: 'line', strokeDash: [4, 3], color: '#999' }, encoding: { y: { field: 'min', type: 'quantitative' } } },
        { mark: { type: 'line', strokeDash: [4, 3], color: '#999' }, encoding: { y: { field: 'max', type: 'quantitative' } } },
      ],
    }),
    chart('farmer-income', 'Income per farmer', 'Earned: `paid` of the rentals that ended on the farmer\'s nodes; collected: IncomeCollected.', {
      data: { values: f.farmerIncome },
      transform: [toSlice('earned'), toSlice('collected'), { fold: ['earned', 'collected'], as: ['kind', 'amount'] }],
      mark: { type: 'bar', tooltip: true },
      encoding: {
        y: { field: 'farmer', type: 'nominal', sort: '-x', title: null }, yOffset: { field: 'kind' },
        x: { field: 'amount', type: 'quantitative', title: 'SLICE' }, color: { field: 'kind', title: null },
      },
    }),
    chart('renter-spend', 'Renters\' spend', 'Cost of every rental (SlicesRented) less what was refunded when it ended.',
      horizontalBars(f.renterSpend, 'renter', 'spent', 'SLICE', [toSlice('spent')])),
  ];
}

function servicesCharts(f: Figures['services'], window: number, quoted: string): Chart[] {
  return [
    chart('price-targets', 'Operators\' CPU price targets', 'Services.Operators at each block; points: scheduled increases at their effective block, by fate.', {
      layer: [
        {
          data: { values: f.priceTargets },
          mark: { type: 'line', interpolate: 'step-after', tooltip: true },
          encoding: { x: { field: 'block', type: 'quantitative' }, y: { field: 'cpu', type: 'quantitative', title: 'micro-USD per vCPU-hour' }, color: { field: 'operator' } },
        },
        {
          data: { values: f.priceIncreases },
          mark: { type: 'point', filled: true, size: 60, tooltip: true },
          encoding: { x: { field: 'effectiveAt', type: 'quantitative' }, y: { field: 'cpu', type: 'quantitative' }, color: { field: 'operator' }, shape: { field: 'outcome', title: 'increase' } },
        },
      ],
    }),
    chart('services', `Services started and terminated per ${window} blocks`, 'ServiceInitiated, and ServiceTerminated by reason.',
      windowBars(f.services, ['started', 'byOwner', 'expired', 'outOfFunds'], 'services')),
    chart('operator-income', 'Operator income', 'Sum of each operator\'s payments in ServiceSettled events.',
      horizontalBars(f.operatorIncome, 'operator', 'income', 'SLICE', [toSlice('income')])),
    chart('quotes', `Quote for ${quoted} over time`, 'ServicesApi quote (now) at each operator, at each block.', {
      data: { values: f.quotes },
      mark: { type: 'line', interpolate: 'step-after', tooltip: true },
      encoding: { x: { field: 'block', type: 'quantitative' }, y: { field: 'perHour', type: 'quantitative', title: 'micro-USD per hour' }, color: { field: 'operator' } },
    }),
  ];
}

function chainCharts(f: Figures['chain'], window: number, limitMs: number): Chart[] {
  return [
    chart('calls', `Signed extrinsics per ${window} blocks, by pallet and call`, 'Included extrinsics (ok or failed) by their decoded call.', {
      data: { values: f.calls },
      mark: { type: 'bar', tooltip: true },
      encoding: {
        x: { field: 'window', type: 'ordinal', title: 'window (first block)' }, y: { field: 'count', type: 'quantitative', aggregate: 'sum', title: 'extrinsics' },
        color: { field: 'call', title: null, legend: { columns: 2, labelLimit: 220 } },
      },
    }),
    chart('outcomes', 'Extrinsics per block: ok, failed, refused', 'ExtrinsicSuccess / ExtrinsicFailed events; refused: left out by the block author (simulations only).', {
      data: { values: f.outcomes },
      transform: [{ fold: ['ok', 'failed', 'refused'], as: ['outcome', 'count'] }, { filter: 'datum.count !== null' }],
      mark: { type: 'bar', tooltip: true },
      encoding: {
        x: { field: 'block', type: 'ordinal', axis: { labelOverlap: true } }, y: { field: 'count', type: 'quantitative', title: 'extrinsics' },
        color: { field: 'outcome', sort: ['ok', 'failed', 'refused'], scale: { domain: ['ok', 'failed', 'refused'], range: ['#4c9a2a', '#e8a33d', '#c0392b'] } },
      },
    }),
    chart('weight', 'Block weight used against the limit', `System.BlockWeight (all classes) in ms of ref_time; the rule is the ${limitMs} ms limit.`, {
      layer: [
        { data: { values: f.weight }, mark: { type: 'line', tooltip: true }, encoding: { x: { field: 'block', type: 'quantitative' }, y: { field: 'usedMs', type: 'quantitative', title: 'ms' } } },
        { data: { values: [{ limit: limitMs }] }, mark: { type: 'rule', color: '#c0392b', strokeDash: [6, 4] }, encoding: { y: { field: 'limit', type: 'quantitative' } } },
      ],
    }),
    chart('fees', 'Fees paid per block', 'Sum of actual_fee in TransactionFeePaid events.', {
      data: { values: f.fees },
      transform: [toSlice('fees')],
      mark: { type: 'line', tooltip: true },
      encoding: { x: { field: 'block', type: 'quantitative' }, y: { field: 'fees', type: 'quantitative', title: 'SLICE' } },
    }),
  ];
}

export function reportSections(figures: Figures): Section[] {
  const { meta } = figures;
  const r = meta.quotedResources;
  const quoted = `${r.vcpu} vCPU, ${r.mem_mb} MB, ${r.storage_gb} GB ${r.storage_class.type}`;
  return [
    { title: 'Marketplace', charts: marketplaceCharts(figures.marketplace, meta.window) },
    { title: 'Services', charts: servicesCharts(figures.services, meta.window, quoted) },
    { title: 'Chain', charts: chainCharts(figures.chain, meta.window, meta.blockWeightLimitMs) },
  ];
}

export function reportHtml(figures: Figures): string {
  const { meta } = figures;
  const rerun = meta.seed === null ? 'a block file re-executed' : `npx slicechain simulate --seed ${meta.seed} --blocks ${meta.blocks}${meta.profile ? ` --profile ${meta.profile}` : ''}`;
  const header = `<p class="meta">${escapeHtml(meta.chain)} · blocks #${meta.firstBlock}..#${meta.headNumber} · seed ${meta.seed ?? '-'} · profile ${escapeHtml(meta.profile ?? '-')}<br>
head <code>${meta.head}</code> · genesis <code>${meta.genesis}</code><br>reproduce: <code>${escapeHtml(rerun)}</code></p>`;
  return chartPage(`slicechain report: ${meta.chain}`, header, reportSections(figures));
}

/** Writes the report page and its JSON figures beside it; returns the JSON's path. */
export const writeReport = (htmlPath: string, figures: Figures): string => writePageAndJson(htmlPath, reportHtml(figures), figures);
