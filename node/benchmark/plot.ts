// One SVG per benchmark (`--plot <dir>`): for each component, the measured execution times and the
// fitted line, rendered headless by vega-lite + vega.
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { Analysis } from './analysis.ts';
import type { BenchmarkResult } from './runner.ts';

export async function plotSvg(result: BenchmarkResult, analysis: Analysis): Promise<string> {
  const { time } = analysis;
  const sweeps = result.components.length ? result.components : ['(none)'];
  const charts = sweeps.map((component) => {
    const runs = result.samples.filter((s) => (s.sweeping ?? '(none)') === component);
    const x = (s: (typeof runs)[number]) => s.components[component] ?? 0;
    const others = (s: (typeof runs)[number]) => result.components.filter((c) => c !== component)
      .reduce((sum, c) => sum + time.slopes[c] * s.components[c], 0);
    const xs = runs.map(x);
    const [low, high] = [Math.min(...xs), Math.max(...xs)];
    const offset = runs.length ? others(runs[0]) : 0;
    const slope = time.slopes[component] ?? 0;
    const line = [low, high].map((v) => ({ x: v, us: (time.base + offset + slope * v) / 1e3 }));
    const encoding = (field: string) => ({
      x: { field: 'x', type: 'quantitative' as const, title: component },
      y: { field, type: 'quantitative' as const, title: 'execution time (us)' },
    });
    return {
      title: `${result.pallet}.${result.name}: ${component}`,
      width: 360,
      height: 240,
      layer: [
        { data: { values: runs.map((s) => ({ x: x(s), us: s.time / 1e3 })) }, mark: { type: 'point' as const, opacity: 0.5 }, encoding: encoding('us') },
        { data: { values: line }, mark: { type: 'line' as const, color: 'firebrick' }, encoding: encoding('us') },
      ],
    };
  });
  const spec = { hconcat: charts, config: { font: 'sans-serif' } } as TopLevelSpec;
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
