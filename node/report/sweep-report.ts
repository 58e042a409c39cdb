// The page of a sweep: per outcome metric, one box per parameter combination spanning its seeds
// (min-max whiskers), with every seed's run as a point; the results JSON goes beside it.
import { chartPage, escapeHtml, writePageAndJson, type Chart } from './html.ts';
import type { SweepResult } from './sweep.ts';

const METRIC_NOTES: Record<string, string> = {
  utilisation: 'Rented share of all slices at the head block.',
  rentalsStarted: 'SlicesRented events.',
  rentalsCancelled: 'RentalCancelled events.',
  refusedRentals: 'rent_slice / rent_slices extrinsics that failed.',
  medianSlicePrice: 'Median node slice price at the head, micro-USD per hour.',
  farmerEarnedSlice: 'What ended rentals paid farmers, SLICE.',
  servicesStarted: 'ServiceInitiated events.',
  servicesOutOfFunds: 'Services terminated for want of deposit.',
  priceIncreasesApplied: 'Scheduled operator price increases that applied.',
  operatorIncomeSlice: 'ServiceSettled payments to operators, SLICE.',
  failedExtrinsics: 'Included extrinsics whose call failed.',
  feesPaidSlice: 'TransactionFeePaid actual_fee, SLICE.',
};

/** `minNoticeBlocks=600 · max=2000000`: each parameter by the last part of its path. */
export const combinationLabel = (combination: Record<string, unknown>): string =>
  Object.entries(combination).map(([path, value]) => `${path.split('.').at(-1)}=${JSON.stringify(value)}`).join(' · ') || '(spec as is)';

export function sweepHtml(result: SweepResult): string {
  const { definition: d } = result;
  const rows = result.runs.map((run) => ({ combination: combinationLabel(run.combination), seed: run.seed, head: run.head, ...run.metrics }));
  const metrics = Object.keys(result.runs[0]?.metrics ?? {});
  const order = [...new Set(rows.map((row) => row.combination))];
  const charts: Chart[] = metrics.map((metric) => ({
    id: `metric-${metric}`,
    title: metric,
    note: `${METRIC_NOTES[metric] ?? ''} Spread over ${d.seeds.length} seed(s) per combination.`,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      width: Math.max(220, 90 * order.length),
      height: 220,
      data: { values: rows },
      encoding: { x: { field: 'combination', type: 'nominal', sort: order, title: null, axis: { labelAngle: -30, labelLimit: 260 } } },
      layer: [
        { mark: { type: 'boxplot', extent: 'min-max', opacity: 0.6 }, encoding: { y: { field: metric, type: 'quantitative', title: metric } } },
        { mark: { type: 'point', filled: true, size: 25, color: '#222', tooltip: true }, encoding: { y: { field: metric, type: 'quantitative' } } },
      ],
    },
  }));
  const command = `npx slicechain sweep ${d.params.map((p) => `--param ${p.path}=${p.values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(',')}`).join(' ')} --seeds ${d.seeds.join(',')} --blocks ${d.blocks} --profile ${d.profile} --chain ${d.chain}`;
  const header = `<p class="meta">${escapeHtml(d.chain)} · profile ${escapeHtml(d.profile)} · ${d.blocks} blocks a run · seeds ${escapeHtml(d.seeds.join(', '))} · ${result.runs.length} runs<br>
reproduce: <code>${escapeHtml(command)}</code></p>`;
  return chartPage('slicechain sweep', header, [{ title: 'Outcome metrics per combination', charts }]);
}

/** Writes the sweep page and its results JSON beside it; returns the JSON's path. */
export const writeSweepReport = (htmlPath: string, result: SweepResult): string => writePageAndJson(htmlPath, sweepHtml(result), result);
