// SliceMarketplace at scale, on the real runtime:
//   1. list_slices latency over 10,000 nodes (a synthetic grid), for a few typical queries;
//   2. block time with 10 live rentals against 10,000: empty blocks, and blocks where 10 renters
//      cancel a rental and rent another slice. Expiry goes through a per-block agenda and billing
//      settles lazily, so neither should grow with the number of live rentals;
//   3. block time while thousands of rentals are past their end: each block expires at most
//      MaxExpiriesPerBlock of them and carries the rest over.
// Run: npx tsx benches/slice-marketplace.ts
import { performance } from 'node:perf_hooks';
import { Keyring } from '@polkadot/keyring';
import type { KeyringPair } from '@polkadot/keyring/types';
import { stringToU8a, u8aConcat } from '@polkadot/util';
import { gridSample } from '../genesis/grid-sample.ts';
import { loadChainSpec, type ChainSpec } from '../genesis/spec.ts';
import { Chain } from '../node/chain.ts';
import { accountOf, signExtrinsic } from '../node/signer.ts';
import { initCrypto } from '../primitives/crypto.ts';
import { SliceMarketplace } from '../runtime/runtime.ts';
import { accountNonce } from '../frame/system/index.ts';
import { Nodes, Rentals, nodeSlices } from '../pallets/slice-marketplace/storage.ts';
import { PageRequest, SliceFilter, SlicePage } from '../pallets/slice-marketplace/types.ts';
import { DevNode } from '../node/dev-node.ts';
import { SliceIndex } from '../node/slice-index.ts';
import type { RuntimeCallValue } from '../frame/pallet.ts';
import { TOKEN } from '../frame/units.ts';


await initCrypto();

const NODES = 10_000;
const FARMERS = 200;
const RENTALS = 10_000;
const RENTERS = 80; // MaxRentalsPerRenter is 128
const PER_BLOCK = 800;
const MONTH = 2_000;
const tx = SliceMarketplace.tx;

const sr25519 = new Keyring({ type: 'sr25519', ss58Format: 42 });
// ed25519 signs fast in JS and verifies fast in node:crypto: setting up 10,000 rentals stays quick.
const ed25519 = new Keyring({ type: 'ed25519', ss58Format: 42 });
const farmers = Array.from({ length: FARMERS }, (_, i) => sr25519.addFromUri(`//Farmer//${i}`).address);
const renters = Array.from({ length: RENTERS }, (_, i) => ed25519.addFromUri(`//Renter//${i}`));

function spec(): ChainSpec {
  const dev = loadChainSpec('dev');
  const patch = (dev.genesis as { runtimeGenesis: { patch: Record<string, Record<string, unknown>> } }).runtimeGenesis.patch;
  const sample = gridSample(NODES, FARMERS, 7);
  const funded = [...farmers, ...renters.map((pair) => pair.address)].map((address) => [address, (1_000_000n * TOKEN).toString()]);
  return { ...dev, genesis: { runtimeGenesis: { patch: {
    ...patch,
    balances: { balances: [...(patch.balances.balances as unknown[]), ...funded] },
    sliceMarketplace: {
      ...patch.sliceMarketplace,
      // Short enough for the rentals to end within the run.
      blocksPerMonth: MONTH,
      farms: Object.fromEntries(farmers.map((address, i) => [String(i + 1), address])),
      gridNodes: sample.gridNodes,
    },
  } } } };
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ms = (value: number): string => `${value.toFixed(2).padStart(8)} ms`;

let started = performance.now();
const chain = new Chain(spec());
console.log(`genesis with ${NODES.toLocaleString('en')} nodes: ${ms(performance.now() - started)}`);

// ---- list_slices ---------------------------------------------------------------------------------

const NO_FILTER: SliceFilter = {
  country: undefined, city: undefined, min_free_slices: undefined, max_price_per_hour: undefined, min_uptime: undefined,
  min_bandwidth_mbps: undefined, certification: undefined, status: undefined,
};
const queries: [string, SliceFilter, PageRequest][] = [
  ['all nodes, cheapest first, first 50', NO_FILTER, { index: 0, size: 50, sort: { type: 'PriceAscending' } }],
  ['Belgium, 4+ free slices, by uptime', { ...NO_FILTER, country: stringToU8a('Belgium'), min_free_slices: 4 }, { index: 0, size: 50, sort: { type: 'Uptime' } }],
  ['certified and Up, by location, page 10', { ...NO_FILTER, certification: { type: 'Certified' }, status: { type: 'Up' } }, { index: 10, size: 20, sort: { type: 'Location' } }],
];
const quantile = (values: number[], q: number): number => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * q))];
/** p50 and p99 of `runs` calls of `body`, and its last answer's total. */
function latency(runs: number, body: () => SlicePage): { p50: number; p99: number; total: number } {
  const times: number[] = [];
  let total = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    total = body().total;
    times.push(performance.now() - t0);
  }
  return { p50: quantile(times, 0.5), p99: quantile(times, 0.99), total };
}
// The dev node's state_call handler (what `state_call` runs after the JSON-RPC layer), with its listings index.
const node = new DevNode({ chain, spec: chain.spec, sealing: 'manual' });
const index = new SliceIndex(chain.state);
console.log('\nlist_slices over 10,000 nodes: full scan (7 runs) / the index in process and through the node\'s state_call (200 runs each)');
console.log(`  ${''.padEnd(42)} ${'scan p50'.padStart(11)} ${'index p50'.padStart(11)} ${'p99'.padStart(11)} ${'state_call p50'.padStart(15)} ${'p99'.padStart(11)}   goal p99 <= 5 ms / <= 10 ms`);
for (const [label, filter, page] of queries) {
  const scan = latency(7, () => chain.read(() => SliceMarketplace.api.listSlices(filter, page)));
  const indexed = latency(200, () => chain.read(() => SliceMarketplace.api.listSlices(filter, page, index.sourceFor(chain.state))));
  const input = u8aConcat(SliceFilter.enc(filter), PageRequest.enc(page));
  const call = latency(200, () => SlicePage.dec(node.call('SliceMarketplaceApi_list_slices', input)));
  if (indexed.total !== scan.total || call.total !== scan.total) throw new Error('the index answered another total than the scan');
  console.log(`  ${label.padEnd(42)} ${ms(scan.p50)} ${ms(indexed.p50)} ${ms(indexed.p99)} ${ms(call.p50).padStart(15)} ${ms(call.p99)}   (${scan.total} matches)`);
}
node.stop();

// ---- block time against live rentals -------------------------------------------------------------

const nonces = new Map<string, number>();
function sign(pair: KeyringPair, call: RuntimeCallValue): Uint8Array {
  const who = accountOf(pair);
  const nonce = nonces.get(who) ?? chain.read(() => accountNonce(who));
  nonces.set(who, nonce + 1);
  const { spec_version: specVersion, transaction_version: transactionVersion } = chain.runtime.version;
  return signExtrinsic(chain.runtime, pair, call, { nonce, genesisHash: chain.genesisHash, specVersion, transactionVersion });
}

/** Free slices of Up nodes, in node order: where the setup and the measured blocks rent. */
const freeSlices: [number, number][] = chain.read(() => [...Nodes.entries()]
  .filter(([, node]) => node.status.type === 'Up')
  .flatMap(([[id]]) => nodeSlices(id).filter(([, s]) => s.type === 'Available').map(([slice]): [number, number] => [id, slice])));
let nextFree = 0;
const rentCall = (renter: KeyringPair): [KeyringPair, RuntimeCallValue] => {
  const [node, slice] = freeSlices[nextFree++];
  return [renter, tx.rent_slice({ node, slice, duration_months: 1 })];
};

/** Keys the last block wrote: a count of the work the block did that timing noise cannot blur. */
let written = 0;
chain.listeners.push((built) => { written = built.changes.length; });

/** Authors a block of `calls`, all of which must succeed; returns the time it took and the keys it wrote. */
function author(calls: [KeyringPair, RuntimeCallValue][]): { ms: number; writes: number } {
  const extrinsics = calls.map(([pair, call]) => sign(pair, call));
  const t0 = performance.now();
  const { results } = chain.author(extrinsics);
  const elapsed = performance.now() - t0;
  const failed = results.filter((r) => !r.success || !r.value.success);
  if (failed.length) throw new Error(`${failed.length} extrinsics failed: ${JSON.stringify(failed[0], (_, v) => (typeof v === 'bigint' ? v.toString() : v))}`);
  return { ms: elapsed, writes: written };
}

function liveRentals(): number {
  return chain.read(() => [...Rentals.rawKeys()].length);
}

/** The renters of the first `count` live rentals (in storage order) cancel them and rent a fresh slice each: the count stays put. */
function churn(count: number): [KeyringPair, RuntimeCallValue][] {
  const oldest = chain.read(() => {
    const out: { id: bigint; renter: string }[] = [];
    for (const [[id], rental] of Rentals.entries()) {
      out.push({ id, renter: rental.renter });
      if (out.length === count) break;
    }
    return out;
  });
  const pairs = oldest.map(({ renter }) => renters.find((pair) => accountOf(pair) === renter) as KeyringPair);
  return [...oldest.map(({ id }, i): [KeyringPair, RuntimeCallValue] => [pairs[i], tx.cancel_rental({ rental: id })]), ...pairs.map(rentCall)];
}

interface Timing { ms: number; fastest: number; writes: number }
const summarize = (runs: { ms: number; writes: number }[]): Timing =>
  ({ ms: median(runs.map((r) => r.ms)), fastest: Math.min(...runs.map((r) => r.ms)), writes: median(runs.map((r) => r.writes)) });

function measure(): { empty: Timing; busy: Timing } {
  // Unmeasured rounds first, so that both states are timed with the JIT warm.
  for (let i = 0; i < 5; i++) author(churn(10));
  const empty = summarize(Array.from({ length: 30 }, () => author([])));
  const busy = summarize(Array.from({ length: 20 }, () => author(churn(10))));
  return { empty, busy };
}

function rentUntil(target: number): void {
  for (let live = liveRentals(), i = 0; live < target; live = liveRentals()) {
    author(Array.from({ length: Math.min(PER_BLOCK, target - live) }, () => rentCall(renters[i++ % RENTERS])));
  }
}

console.log('\nblock time (median of the blocks) against live rentals');
rentUntil(10);
const few = { rentals: liveRentals(), ...measure() };
started = performance.now();
rentUntil(RENTALS);
console.log(`  (renting ${RENTALS.toLocaleString('en')} slices took ${(performance.now() - started) / 1000 | 0} s)`);
const many = { rentals: liveRentals(), ...measure() };
const show = (t: Timing) => `${ms(t.ms)} (fastest ${ms(t.fastest)}), ${t.writes} keys written`;
for (const { rentals, empty, busy } of [few, many]) {
  console.log(`  ${String(rentals).padStart(6)} live rentals`);
  console.log(`    empty block:                             ${show(empty)}`);
  console.log(`    block of 10 cancellations + 10 rentals:  ${show(busy)}`);
}

// ---- an expiry backlog -----------------------------------------------------------------------------

const firstEnd = chain.read(() => Math.min(...[...Rentals.entries()].map(([, rental]) => rental.end)));
while (chain.head.number < firstEnd - 1) author([]);
const backlog: { ms: number; writes: number; expired: number }[] = [];
for (let i = 0; i < 20; i++) {
  const block = author([]);
  const expired = chain.read(() => chain.runtime.events()).filter((record) => {
    const event = record.event as { type: string; value: { type: string } };
    return event.type === 'SliceMarketplace' && event.value.type === 'RentalExpired';
  }).length;
  backlog.push({ ...block, expired });
}
console.log(`\nexpiry backlog: ${liveRentals().toLocaleString('en')} rentals still live after 20 blocks past the first end`);
console.log(`  block time ${show(summarize(backlog))}; rentals expired per block: ${[...new Set(backlog.map((b) => b.expired))].join(', ')}`);
