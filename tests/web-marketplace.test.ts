// The marketplace web app as a user meets it: a dev node started here serves the built page, and a
// real headless Chromium (Debian's, through playwright-core) browses, rents, cancels and updates
// prices in it. Every wait is on what the page shows; each page's screenshot goes to
// artifacts/screenshots/ (CI keeps that folder).
import { existsSync, mkdirSync } from 'node:fs';
import type { Browser, Locator, Page } from 'playwright-core';
import { createClient, type PolkadotClient } from 'polkadot-api';
import { getWsProvider } from 'polkadot-api/ws';
import { getPolkadotSigner } from '@polkadot-api/signer';
import { sr25519CreateDerive } from '@polkadot-labs/hdkd';
import { DEV_MINI_SECRET } from '@polkadot-labs/hdkd-helpers';
import { Keyring } from '@polkadot/keyring';
import { TypeRegistry } from '@polkadot/types';
import type { SignerPayloadJSON } from '@polkadot/types/types';
import { WebSocket } from 'ws';
import { startNode, type RunningNode } from '../node/node.ts';
import { WEB_DIST } from '../node/web-ui.ts';
import { chromiumMissing, launchChromium } from './browser.ts';

const SCREENSHOTS = new URL('../artifacts/screenshots/', import.meta.url);
// Outside CI a machine without chromium skips these tests rather than failing them (under CI, browser.ts fails).
const describeWithBrowser = chromiumMissing ? describe.skip : describe;

/** "1,234.5 SLICE" -> 1234.5 (enough to compare amounts shown on the page). */
const amount = (text: string): number => Number(text.replace(/[^0-9.]/g, ''));

describeWithBrowser('the marketplace web app in Chromium', () => {
  let running: RunningNode;
  let browser: Browser;
  let page: Page;
  /** The test's own polkadot-api client: others acting on the chain while the page watches. */
  let client: PolkadotClient;
  const consoleErrors: string[] = [];
  let rentedNode: number;
  let farmer: string;

  beforeAll(async () => {
    expect(existsSync(`${WEB_DIST}index.html`)).toBe(true); // `npm install` builds it (the prepare script)
    mkdirSync(SCREENSHOTS, { recursive: true });
    running = await startNode({ port: 0, sealing: 'instant', unsafe: true, ui: true });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.setDefaultTimeout(30_000);
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    // Node 20 has no global WebSocket: the `ws` package's client stands in, as polkadot-api documents.
    client = createClient(getWsProvider(running.url, { websocketClass: WebSocket as unknown as typeof globalThis.WebSocket }));
    await page.goto(`${running.uiUrl}#/marketplace/compute`);
    await page.getByRole('status').filter({ hasText: /^\d+ nodes/ }).waitFor();
  }, 120_000);

  afterAll(async () => {
    client?.destroy();
    await browser?.close();
    await running?.close();
  });

  const screenshot = (name: string) => page.screenshot({ path: new URL(`${name}.png`, SCREENSHOTS).pathname });
  const goTo = (title: string) => page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: title }).click();
  const signAs = (name: string) => page.getByLabel('Account', { exact: true }).selectOption({ label: name });
  const summary = () => page.getByRole('status').filter({ hasText: /^\d+ nodes/ });
  const nodeRow = (node: number) => page.getByRole('row', { name: `Node ${node}`, exact: true });
  /** Waits for a transaction's outcome shown in `scope` and returns it ("Finalized in block #5", "Failed …"). */
  const outcome = async (scope: Locator): Promise<string> => {
    const shown = scope.getByText(/^(Finalized in block #\d+|Failed .*|Refused: .*)$/);
    await shown.waitFor();
    return await shown.textContent() as string;
  };
  const firstNodeId = async () => Number((await page.getByRole('row', { name: /^Node \d+$/ }).first().getAttribute('aria-label'))?.slice('Node '.length));

  /** Filters the listing to rentable nodes and waits for the rows that answer it. */
  async function showRentable(): Promise<void> {
    await goTo('Compute marketplace');
    await page.getByLabel('Status', { exact: true }).selectOption('Up');
    await page.getByLabel('Minimum free slices').fill('2');
    await summary().filter({ hasText: 'matching status Up, at least 2 free slices' }).waitFor();
  }

  it('is served on the RPC port and lists the dev chain\'s 300 nodes', async () => {
    await expect(fetch(new URL('/missing.js', running.uiUrl)).then((r) => r.status)).resolves.toBe(404);
    await expect(page.getByRole('heading', { name: 'Compute marketplace' }).isVisible()).resolves.toBe(true);
    await page.getByLabel('Rows per page').selectOption('all');
    await summary().filter({ hasText: '300 nodes · showing all' }).waitFor();
    await expect(page.getByRole('row', { name: /^Node \d+$/ }).count()).resolves.toBe(300);
    await expect(nodeRow(await firstNodeId()).getByRole('cell').first().textContent()).resolves.toMatch(/^(Charlie|Dave|Eve|Ferdie)$/);
    await screenshot('marketplace');
  });

  it('rents two slices as Alice, shows them in My rentals and raises the farmer\'s income', async () => {
    await showRentable();
    rentedNode = await firstNodeId();
    farmer = (await nodeRow(rentedNode).getByRole('cell').first().textContent()) as string;
    const free = Number((await nodeRow(rentedNode).getByLabel('Free slices').textContent())?.split(' / ')[0]);

    await signAs(farmer);
    await goTo('Farmer');
    const pendingBefore = amount(await page.getByTestId('farmer-pending').textContent() as string);

    await signAs('Alice');
    await showRentable();
    await page.getByRole('button', { name: `Rent slices of node ${rentedNode}`, exact: true }).click();
    const dialog = page.getByRole('dialog', { name: `Rent slices of node ${rentedNode}`, exact: true });
    await dialog.getByLabel('Slices').fill('2');
    await dialog.getByLabel('Months').fill('1');
    const held = await dialog.getByTestId('rent-cost').textContent();
    expect(held).toMatch(/^[\d,.]+ SLICE$/);
    await dialog.getByRole('button', { name: 'Sign and rent' }).click();
    expect(await outcome(dialog)).toMatch(/^Finalized in block #\d+$/);
    await dialog.getByText(new RegExp(`^Rental #\\d+ until block #\\d+: ${held?.replace(/[.]/g, '\\.')} held\\.$`)).waitFor();
    await screenshot('rent');
    await dialog.getByRole('button', { name: 'Close' }).click();
    // The listing followed the new block by itself.
    await nodeRow(rentedNode).getByLabel('Free slices').filter({ hasText: new RegExp(`^${free - 2} / `) }).waitFor();

    await goTo('My rentals');
    const rental = page.getByRole('row', { name: /^Rental \d+$/ }).filter({ hasText: `Node #${rentedNode}` });
    await rental.waitFor();
    await expect(rental.getByRole('cell').nth(1).textContent()).resolves.toMatch(/^2 /);
    await screenshot('rentals');

    await signAs(farmer);
    await goTo('Farmer');
    await nodeRow(rentedNode).getByText(/^2 of \d+$/).waitFor();
    const pendingAfter = amount(await page.getByTestId('farmer-pending').textContent() as string);
    expect(pendingAfter).toBeGreaterThan(pendingBefore);
    await screenshot('farmer');
  });

  it('lets the farmer collect income, price a node within the band, lock the price and set its status', async () => {
    await signAs(farmer);
    await goTo('Farmer');
    const earnedBefore = amount(await page.getByTestId('farmer-earned').textContent() as string);
    await page.getByRole('button', { name: `Collect income of node ${rentedNode}`, exact: true }).click();
    await page.getByText(new RegExp(`^Collected [\\d,.]+ SLICE from node #${rentedNode}\\.$`)).waitFor();
    await page.getByTestId('farmer-earned').filter({ hasNotText: `${earnedBefore} SLICE` }).waitFor();
    expect(amount(await page.getByTestId('farmer-earned').textContent() as string)).toBeGreaterThan(earnedBefore);

    await page.getByRole('button', { name: `Manage node ${rentedNode}`, exact: true }).click();
    const dialog = page.getByRole('dialog', { name: `Manage node ${rentedNode}`, exact: true });
    const price = dialog.getByLabel('Price per slice-hour (USD)');
    await price.fill('5');
    await expect(dialog.getByRole('button', { name: 'Set price' }).isDisabled()).resolves.toBe(true); // above the band
    await price.fill('0.05');
    await dialog.getByRole('button', { name: 'Set price' }).click();
    expect(await outcome(dialog)).toMatch(/^Finalized in block #\d+$/);
    await nodeRow(rentedNode).getByRole('cell', { name: '$0.05', exact: true }).waitFor();
    await dialog.getByRole('button', { name: 'Lock price' }).click();
    await dialog.getByRole('button', { name: 'Unlock price' }).waitFor();
    await nodeRow(rentedNode).getByText('(locked)').waitFor();
    await dialog.getByLabel('Status', { exact: true }).selectOption('Standby');
    await dialog.getByRole('button', { name: 'Set status' }).click();
    await nodeRow(rentedNode).getByText('Standby', { exact: true }).waitFor();
    await dialog.getByRole('button', { name: 'Close' }).click();
  });

  it('shows a rental of a Down node refused with the module error\'s name and docs', async () => {
    await signAs('Alice');
    await goTo('Compute marketplace');
    await page.getByLabel('Status', { exact: true }).selectOption('Down');
    await summary().filter({ hasText: 'matching status Down' }).waitFor();
    const down = await firstNodeId();
    await page.getByRole('button', { name: `Rent slices of node ${down}`, exact: true }).click();
    const dialog = page.getByRole('dialog', { name: `Rent slices of node ${down}`, exact: true });
    await dialog.getByRole('button', { name: 'Sign and rent' }).click();
    const alert = dialog.getByRole('alert');
    await alert.waitFor();
    await expect(alert.textContent()).resolves.toMatch(/SliceMarketplace\.NodeDown: The node is Down: its slices cannot be rented\./);
    await dialog.getByRole('button', { name: 'Close' }).click();
  });

  it('cancels a rental, showing the refund before signing and after', async () => {
    await signAs('Alice');
    await goTo('My rentals');
    const rental = page.getByRole('row', { name: /^Rental \d+$/ }).filter({ hasText: `Node #${rentedNode}` });
    const name = await rental.getAttribute('aria-label') as string;
    await rental.getByRole('button', { name: `Cancel ${name.toLowerCase()}` }).click();
    const dialog = page.getByRole('dialog', { name: `Cancel ${name.toLowerCase()}` });
    const refund = await dialog.getByText(/refunds/).locator('strong').textContent() as string;
    expect(amount(refund)).toBeGreaterThan(0);
    await dialog.getByRole('button', { name: 'Sign and cancel' }).click();
    expect(await outcome(dialog)).toMatch(/^Finalized in block #\d+$/);
    // The refund shown was computed for the next block, the one the cancel landed in.
    await dialog.getByText(`Cancelled: refunded ${refund};`, { exact: false }).waitFor();
    await dialog.getByRole('button', { name: 'Close' }).click();
    await page.getByText('Alice has no live rentals.').waitFor();
  });

  it('as Bob, lowers a price (applied at once) and raises one (pending with its block)', async () => {
    await signAs('Bob');
    await goTo('Services');
    const form = page.getByRole('form', { name: 'My price targets' });
    const cpu = form.getByLabel('CPU (per vCPU) (USD per hour)');
    const bob = page.getByRole('row', { name: 'Operator Bob' });

    await cpu.fill('0.029');
    await form.getByText('No price rises: the change applies now, in the next block.').waitFor();
    await form.getByRole('button', { name: 'Sign and update prices' }).click();
    expect(await outcome(page.locator('main'))).toMatch(/^Finalized in block #\d+$/);
    await bob.getByRole('cell', { name: '$0.029', exact: true }).waitFor();
    await expect(bob.getByRole('cell').last().textContent()).resolves.toBe('None');

    await cpu.fill('0.031');
    const notice = await form.getByText(/^Raises CPU: the change applies after the notice period, at block #\d+/).textContent() as string;
    const announced = Number(/block #(\d+)/.exec(notice)?.[1]);
    await form.getByRole('button', { name: 'Sign and update prices' }).click();
    await bob.getByRole('cell').last().filter({ hasText: `CPU $0.031 from block #${announced}` }).waitFor();
    await bob.getByRole('cell', { name: '$0.029', exact: true }).waitFor(); // in force until then
    await page.getByRole('region', { name: 'Price quote' }).getByText(new RegExp(`^From block #${announced}:`)).waitFor();
    await screenshot('services');
  });

  it('quotes, requests, tops up and terminates a service, and registers a node', async () => {
    await signAs('Eve');
    await goTo('Services');
    const quote = page.getByRole('form', { name: 'Quote' });
    await quote.getByLabel('Operator').selectOption({ label: 'Charlie' });
    await quote.getByLabel('vCPU').fill('1');
    await quote.getByRole('region', { name: 'Price quote' }).getByText(/^Now: \$[\d.]+ per hour/).waitFor();
    await quote.getByLabel('Operator').selectOption({ label: 'Bob' });
    await quote.getByLabel('Deposit (SLICE)').fill('5');
    await quote.getByRole('button', { name: 'Request service' }).click();
    await page.getByText(/^Service #\d+ started\.$/).waitFor();
    const service = page.getByRole('row', { name: /^Service \d+$/ });
    const id = (await service.getAttribute('aria-label') as string).slice('Service '.length);
    const left = await service.getByRole('cell').nth(3).textContent() as string;
    await service.getByLabel(`Top-up amount for service ${id} (SLICE)`).fill('1');
    await service.getByRole('button', { name: `Top up service ${id}` }).click();
    await service.getByRole('cell').nth(3).filter({ hasNotText: left }).waitFor();
    expect(amount(await service.getByRole('cell').nth(3).textContent() as string)).toBeGreaterThan(amount(left));
    await service.getByRole('button', { name: `Terminate service ${id}` }).click();
    await page.getByText(new RegExp(`^Service #${id} ended: [\\d,.]+ SLICE refunded\\.$`)).waitFor();
    await page.getByText('Eve runs no service.').waitFor();

    await goTo('Farmer');
    await page.getByRole('button', { name: 'Register a node' }).click();
    const dialog = page.getByRole('dialog', { name: 'Register a node' });
    await dialog.getByLabel('CPU cores').fill('8');
    await dialog.getByLabel('Memory (GB)').fill('32');
    await dialog.getByLabel('Storage (GB)').fill('1600');
    await dialog.getByLabel('Country').fill('Belgium');
    await dialog.getByLabel('City').fill('Leuven');
    await dialog.getByRole('button', { name: 'Sign and register' }).click();
    const registered = dialog.getByText(/^Registered node #\d+ with 8 slices\.$/);
    await registered.waitFor();
    const node = Number(/#(\d+)/.exec(await registered.textContent() as string)?.[1]);
    await dialog.getByRole('button', { name: 'Close' }).click();
    await nodeRow(node).getByText('0 of 8').waitFor();
  });

  it('fits a phone\'s width: only the tables scroll sideways', async () => {
    await goTo('Compute marketplace');
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await summary().waitFor();
      await expect(page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).resolves.toBe(true);
      await screenshot('marketplace-phone');
    } finally {
      await page.setViewportSize({ width: 1400, height: 900 });
    }
  });

  it('updates visible rows when a new block changes them, without a reload', async () => {
    await signAs('Alice');
    await showRentable();
    const node = await firstNodeId();
    const free = Number((await nodeRow(node).getByLabel('Free slices').textContent())?.split(' / ')[0]);
    // Someone else rents, outside this page.
    const dave = sr25519CreateDerive(DEV_MINI_SECRET)('//Dave');
    const result = await client.getUnsafeApi().tx.SliceMarketplace.rent_slices({ node, count: 1, duration_months: 1 })
      .signAndSubmit(getPolkadotSigner(dave.publicKey, 'Sr25519', dave.sign));
    expect(result.ok).toBe(true);
    await nodeRow(node).getByLabel('Free slices').filter({ hasText: new RegExp(`^${free - 1} / `) }).waitFor();
    await page.getByRole('status', { name: 'Best block' }).filter({ hasText: `#${result.block.number}` }).waitFor();
  });

  it('signs with a browser wallet through the injected-extension standard', async () => {
    // A wallet as the polkadot.js extension is one: it signs the SignerPayloadJSON it is handed with
    // @polkadot/types' ExtrinsicPayload, here in the test process, behind window.injectedWeb3.
    const key = new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri('//TestWallet');
    const alice = sr25519CreateDerive(DEV_MINI_SECRET)('//Alice');
    const funded = await client.getUnsafeApi().tx.Balances.transfer_keep_alive({ dest: { type: 'Id', value: key.address }, value: 1000n * 10n ** 12n })
      .signAndSubmit(getPolkadotSigner(alice.publicKey, 'Sr25519', alice.sign));
    expect(funded.ok).toBe(true);
    const registry = new TypeRegistry();
    await page.exposeFunction('signWithTestWallet', (payload: SignerPayloadJSON) => {
      registry.setSignedExtensions(payload.signedExtensions);
      return { id: 1, signature: registry.createType('ExtrinsicPayload', payload, { version: payload.version }).sign(key).signature };
    });
    // Plain script text: it runs in the page as written, whatever transpiles this file.
    await page.addInitScript({ content: `
      const account = { address: ${JSON.stringify(key.address)}, name: 'Test wallet', type: 'sr25519' };
      window.injectedWeb3 = { 'test-wallet': { version: '1.0.0', enable: async () => ({
        accounts: { get: async () => [account], subscribe: (cb) => { cb([account]); return () => undefined; } },
        signer: {
          signPayload: (payload) => window.signWithTestWallet(payload),
          signRaw: async () => { throw new Error('the test wallet signs payloads only'); },
        },
      }) } };` });
    await page.reload();
    await page.getByRole('button', { name: 'Connect wallet' }).click();
    await signAs('Test wallet (test-wallet)');
    await showRentable();
    const node = await firstNodeId();
    await page.getByRole('button', { name: `Rent slices of node ${node}`, exact: true }).click();
    const dialog = page.getByRole('dialog', { name: `Rent slices of node ${node}`, exact: true });
    await dialog.getByRole('button', { name: 'Sign and rent' }).click();
    expect(await outcome(dialog)).toMatch(/^Finalized in block #\d+$/);
    await dialog.getByRole('button', { name: 'Close' }).click();
    await goTo('My rentals');
    await page.getByRole('row', { name: /^Rental \d+$/ }).filter({ hasText: `Node #${node}` }).waitFor();
    expect(consoleErrors).toEqual([]);
  });
});
