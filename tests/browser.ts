// Debian's chromium driven by playwright-core (browsers cannot be downloaded here). Without the
// browser a test is skipped on a developer's machine and fails under CI=true.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const chromiumMissing = !existsSync(CHROMIUM);
if (chromiumMissing && process.env.CI === 'true') throw new Error(`${CHROMIUM} is missing: install it (apt-get install -y chromium); CI does not skip browser tests`);

/** `it`, or `it.skip` with a note when the browser is missing outside CI. */
export const itWithBrowser: jest.It = chromiumMissing ? it.skip : it;

export const launchChromium = (): Promise<Browser> => chromium.launch({
  executablePath: CHROMIUM,
  args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
