// The analysis of a benchmark's runs, as frame-benchmarking's: per component, least squares on
// the runs of its sweep with outliers removed (Tukey's fences at each point), with the standard
// errors, and the median of the slopes between points (Theil-Sen) as a robust cross-check. Unlike
// frame-benchmarking, whose negative intercept saturates to a zero base weight, the base never
// drops below what the fastest measured run shows. Time is split in two: its garbage-collection
// pauses are fitted over every run (a block pays its share of them: they are a cost, not noise),
// and the rest with outliers removed.
import type { BenchmarkResult, RunSample } from './runner.ts';

export type Metric = 'time' | 'reads' | 'writes' | 'proof';
export const METRICS: readonly Metric[] = ['time', 'reads', 'writes', 'proof'];

export interface Fit {
  base: number;
  slopes: Record<string, number>;
  /** Standard errors of the base and of each slope (least squares). */
  baseError: number;
  slopeErrors: Record<string, number>;
  /** Median slopes (Theil-Sen over the points of each sweep). */
  medianSlopes: Record<string, number>;
}

export type Analysis = Record<Metric, Fit>;

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const quantile = (sorted: readonly number[], q: number): number => {
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  return sorted[lo] + (sorted[Math.min(lo + 1, sorted.length - 1)] - sorted[lo]) * (at - lo);
};

/** Drops, at each x, the values outside Tukey's fences (1.5 interquartile ranges beyond the quartiles). */
export function withoutOutliers(points: readonly [number, number][]): [number, number][] {
  const byX = new Map<number, number[]>();
  for (const [x, y] of points) byX.set(x, [...byX.get(x) ?? [], y]);
  return [...byX].flatMap(([x, ys]) => {
    const sorted = [...ys].sort((a, b) => a - b);
    const q1 = quantile(sorted, 0.25);
    const q3 = quantile(sorted, 0.75);
    const fence = 1.5 * (q3 - q1);
    return ys.filter((y) => y >= q1 - fence && y <= q3 + fence).map((y): [number, number] => [x, y]);
  });
}

/** Ordinary least squares y = a + b x, with the standard errors of a and b. */
export function leastSquares(points: readonly [number, number][]): { intercept: number; slope: number; interceptError: number; slopeError: number } {
  const n = points.length;
  const meanX = points.reduce((s, [x]) => s + x, 0) / n;
  const meanY = points.reduce((s, [, y]) => s + y, 0) / n;
  const sxx = points.reduce((s, [x]) => s + (x - meanX) ** 2, 0);
  if (n < 2 || sxx === 0) return { intercept: meanY, slope: 0, interceptError: 0, slopeError: 0 };
  const slope = points.reduce((s, [x, y]) => s + (x - meanX) * (y - meanY), 0) / sxx;
  const intercept = meanY - slope * meanX;
  const residual = n > 2 ? points.reduce((s, [x, y]) => s + (y - intercept - slope * x) ** 2, 0) / (n - 2) : 0;
  const slopeError = Math.sqrt(residual / sxx);
  return { intercept, slope, slopeError, interceptError: Math.sqrt(residual * (1 / n + meanX ** 2 / sxx)) };
}

/** The median of the slopes between every two distinct points' medians. */
export function medianSlope(points: readonly [number, number][]): number {
  const byX = new Map<number, number[]>();
  for (const [x, y] of points) byX.set(x, [...byX.get(x) ?? [], y]);
  const mids = [...byX].map(([x, ys]): [number, number] => [x, median(ys)]).sort((a, b) => a[0] - b[0]);
  const slopes: number[] = [];
  for (let i = 0; i < mids.length; i++) {
    for (let j = i + 1; j < mids.length; j++) slopes.push((mids[j][1] - mids[i][1]) / (mids[j][0] - mids[i][0]));
  }
  return slopes.length ? median(slopes) : 0;
}

/** The fit of `value` over the runs; `robust` drops outliers first (Tukey's fences at each point). */
function fit(result: BenchmarkResult, value: (s: RunSample) => number, robust: boolean): Fit {
  const kept = (points: [number, number][]) => (robust ? withoutOutliers(points) : points);
  const slopes: Record<string, number> = {};
  const slopeErrors: Record<string, number> = {};
  const medianSlopes: Record<string, number> = {};
  const intercepts: { component: string; intercept: number; error: number }[] = [];
  for (const component of result.components) {
    const runs = result.samples.filter((s) => s.sweeping === component);
    const points = kept(runs.map((s): [number, number] => [s.components[component], value(s)]));
    const line = leastSquares(points);
    // A cost cannot fall as a component grows: a negative slope is noise.
    slopes[component] = Math.max(0, line.slope);
    slopeErrors[component] = line.slopeError;
    medianSlopes[component] = Math.max(0, medianSlope(points));
    intercepts.push({ component, intercept: line.intercept, error: line.interceptError });
  }
  // Each sweep's intercept holds the other components at their high end: take their share out.
  const others = (s: RunSample, except?: string) =>
    result.components.filter((c) => c !== except).reduce((sum, c) => sum + slopes[c] * s.components[c], 0);
  const fitted = intercepts.map(({ component, intercept }) => {
    const high = result.samples.find((s) => s.sweeping === component) as RunSample;
    return intercept - others(high, component);
  });
  const rest = kept(result.samples.map((s): [number, number] => [0, value(s) - others(s)]));
  // The model at the fastest run's components must cover that run.
  const fastest = result.samples.reduce((a, b) => (value(b) < value(a) ? b : a));
  const floor = value(fastest) - others(fastest);
  const flat = leastSquares(rest);
  const base = Math.max(0, floor, fitted.length ? median(fitted) : flat.intercept);
  const baseError = intercepts.length ? Math.max(...intercepts.map((i) => i.error)) : flat.interceptError;
  return { base, slopes, baseError, slopeErrors, medianSlopes };
}

/** Two fits of separate parts of one cost, added: bases, slopes and medians add, errors in quadrature. */
function sum(a: Fit, b: Fit): Fit {
  const each = (x: Record<string, number>, y: Record<string, number>, add: (p: number, q: number) => number) =>
    Object.fromEntries(Object.keys(x).map((c) => [c, add(x[c], y[c])]));
  const plus = (p: number, q: number) => p + q;
  const quadrature = (p: number, q: number) => Math.hypot(p, q);
  return {
    base: a.base + b.base, baseError: quadrature(a.baseError, b.baseError), slopes: each(a.slopes, b.slopes, plus),
    slopeErrors: each(a.slopeErrors, b.slopeErrors, quadrature), medianSlopes: each(a.medianSlopes, b.medianSlopes, plus),
  };
}

export function analyse(result: BenchmarkResult): Analysis {
  return {
    time: sum(fit(result, (s) => s.time - s.gc, true), fit(result, (s) => s.gc, false)),
    reads: fit(result, (s) => s.reads, true),
    writes: fit(result, (s) => s.writes, true),
    proof: fit(result, (s) => s.proof, true),
  };
}
