/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Debian's chromium driven by playwright-core (browsers cannot be downloaded here). Without the
// browser a test is skipped on a developer's machine and fails under CI=true.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const chromiumMissing = !existsSync(CHROMIUM);
if (chromiumMissing && process.env.CI === 'true') throw new Error(`${CHROMIUM} is missing: .ci/run installs Debian's chromium (apt-get install -y chromium)`);

/** `it`, or `it.skip` with a note when the browser is missing outside CI. */
export const itWithBrowser: jest.It = chromiumMissing ? it.skip : it;

export const launchChromium = (): Promise<Browser> => chromium.launch({
  executablePath: CHROMIUM,
  args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});

export interface RenderedPage {
  /** Each chart container: whether it holds an SVG, and how many data marks that SVG draws. */
  charts: { id: string; svg: boolean; marks: number }[];
  /** Console errors, page errors and any request that leaves the file. */
  problems: string[];
  /** The page's header line (.meta). */
  meta: string;
}

/** Opens a chart page (node/report/html.ts) from a file and waits until every chart is drawn. */
export async function openChartPage(file: string): Promise<RenderedPage> {
  const browser = await launchChromium();
  try {
    const tab = await browser.newPage();
    const problems: string[] = [];
    tab.on('console', (message) => { if (message.type() === 'error') problems.push(`console: ${message.text()}`); });
    tab.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    tab.on('request', (request) => { if (!request.url().startsWith('file:')) problems.push(`request: ${request.url()}`); });
    await tab.goto(`file://${file}`);
    await tab.waitForFunction(() => document.body.dataset.rendered !== undefined, null, { timeout: 60_000 });
    const rendered = await tab.evaluate(() => document.body.dataset.rendered);
    if (rendered !== 'true') problems.push(`rendered: ${rendered}`);
    const charts = await tab.evaluate(() => [...document.querySelectorAll('.chart')].map((chart) => ({
      id: chart.id, svg: chart.querySelector('svg') !== null, marks: chart.querySelectorAll('g.role-mark > *').length,
    })));
    return { charts, problems, meta: (await tab.textContent('.meta')) ?? '' };
  } finally {
    await browser.close();
  }
}
