// A self-contained HTML page of Vega-Lite charts: vega, vega-lite and vega-embed's built bundles
// are inlined from node_modules, and each chart's spec carries its data, so the file opens
// offline. The page marks <body data-rendered="true"> once every chart is drawn ("error" if one fails).
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface Chart {
  id: string;
  title: string;
  /** One line on what the chart shows and where its numbers come from. */
  note: string;
  /** A Vega-Lite spec with its data inline. */
  spec: Record<string, unknown>;
}

export interface Section { title: string; charts: Chart[] }

const require = createRequire(import.meta.url);
/** The minified browser bundle beside a package's main file (each of the three keeps both in build/). */
const bundle = (pkg: string, file: string): string => readFileSync(join(dirname(require.resolve(pkg)), file), 'utf8');
let libraries: string | undefined;
const chartLibraries = (): string =>
  (libraries ??= [bundle('vega', 'vega.min.js'), bundle('vega-lite', 'vega-lite.min.js'), bundle('vega-embed', 'vega-embed.min.js')]
    .map((js) => `<script>${js}</script>`).join('\n'));

export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
/** JSON safe inside a <script> element. */
const scriptJson = (value: unknown): string => JSON.stringify(value).replace(/</g, '\\u003c');

const STYLE = `
body { font-family: system-ui, sans-serif; margin: 2rem; color: #222; max-width: 1400px; }
h1 { margin-bottom: .2rem; } h2 { border-bottom: 1px solid #ccc; margin-top: 2.5rem; }
.meta { font-size: .9rem; color: #444; } .meta code { font-size: .85rem; }
.charts { display: flex; flex-wrap: wrap; gap: 1.5rem; }
figure { margin: 0; } figcaption { font-weight: 600; } figure p { font-size: .8rem; color: #555; max-width: 560px; margin: .2rem 0 .5rem; }`;

const RENDER = `
const charts = JSON.parse(document.getElementById('chart-specs').textContent);
Promise.all(charts.map((chart) => vegaEmbed('#' + chart.id, chart.spec, { actions: false, renderer: 'svg' })))
  .then(() => { document.body.dataset.rendered = 'true'; })
  .catch((error) => { console.error(error); document.body.dataset.rendered = 'error'; });`;

/** The page: a title, a header (already HTML) and the sections' charts. */
export function chartPage(title: string, headerHtml: string, sections: readonly Section[]): string {
  const charts = sections.flatMap((section) => section.charts);
  const body = sections.map((section) => `<h2>${escapeHtml(section.title)}</h2>\n<div class="charts">\n${section.charts.map((chart) =>
    `<figure><figcaption>${escapeHtml(chart.title)}</figcaption><p>${escapeHtml(chart.note)}</p><div class="chart" id="${chart.id}"></div></figure>`).join('\n')}\n</div>`).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${STYLE}</style>
${chartLibraries()}
</head><body>
<h1>${escapeHtml(title)}</h1>
${headerHtml}
${body}
<script type="application/json" id="chart-specs">${scriptJson(charts.map(({ id, spec }) => ({ id, spec })))}</script>
<script>${RENDER}</script>
</body></html>
`;
}

/** The JSON file beside a page: `x.html` -> `x.json`. */
export const jsonBeside = (htmlPath: string): string => htmlPath.replace(/\.html?$/i, '') + '.json';

/** Writes a page and the data it shows, as JSON beside it; returns the JSON's path. */
export function writePageAndJson(htmlPath: string, html: string, data: unknown): string {
  const jsonPath = jsonBeside(htmlPath);
  writeFileSync(htmlPath, html);
  writeFileSync(jsonPath, `${JSON.stringify(data, null, 2)}\n`);
  return jsonPath;
}
